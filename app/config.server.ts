import path from 'node:path';
import type { EncryptionKeys } from '~/lib/crypto.server';
import proxyAddr from 'proxy-addr';
import { parseEnv, type PortalEnv } from '~/server/env.server';

/**
 * demo: what `npm start` runs — demo data, no real mail, /dev/outbox readable.
 * development / test: the same conveniences, for developers and the test suite.
 * production: a deployment — SMTP and a session secret are required, /dev/outbox answers 404.
 * The mode is always explicit (PORTAL_MODE or the start script's --mode); it is never guessed
 * from a missing variable.
 */
export type PortalMode = 'demo' | 'development' | 'test' | 'production';

export type PortalConfig = {
  mode: PortalMode;
  port: number;
  /** The address to listen on: HOST, else loopback wherever /dev/outbox shows codes (every mode but production). */
  host: string;
  /** The origin users reach the portal on, for links in emails (e.g. https://desk.example.com). */
  publicUrl: string;
  databaseUrl?: string;
  dataDir: string;
  evidenceDir: string;
  smtpUrl?: string;
  mailFrom: string;
  smsWebhookUrl?: string;
  redisUrl?: string;
  sessionSecrets: string[];
  /** The HMAC key of verification codes: the newest encryption key (or, without ENCRYPTION_KEYS, the legacy secret). */
  encryptionSecret: string;
  /** Staff TOTP secrets, SSO client secrets and sealed cookies: ENCRYPTION_KEYS, and what older values may be sealed under. */
  encryptionKeys: EncryptionKeys;
  /** Which proxies' X-Forwarded-For entries are believed: none, a number of hops, or their addresses (express's `trust proxy`). */
  trustProxy: TrustProxy;
  /** PORTAL_BENCH=1: `npm run bench` runs this instance (serves /bench/baseline; nothing else changes). */
  bench: boolean;
  evidenceRetentionDays: number;
  /** Hours between an appeal's approval and its handover, while the owner can still stop it (0: at once). */
  recoveryHoldHours: number;
  /** Delivered (or given-up) outbox messages are deleted after this many days. */
  outboxRetentionDays: number;
  /** The only domains staff emails may have (STAFF_EMAIL_DOMAINS); none set in production = no staff can be added. */
  staffEmailDomains: string[];
  /** pino's level (LOG_LEVEL; default info, warn in test mode). */
  logLevel: NonNullable<PortalEnv['LOG_LEVEL']>;
  /** Production: /metrics answers only with `Authorization: Bearer <METRICS_TOKEN>`. */
  metricsToken?: string;
  /** /metrics also (or, in production without a token, only) on this port, bound to 127.0.0.1. */
  metricsPort?: number;
  /** How long a stopping portal lets requests in flight finish (SHUTDOWN_GRACE_SECONDS, default 20). */
  shutdownGraceSeconds: number;
};

export class ConfigError extends Error {}

const MODES: PortalMode[] = ['demo', 'development', 'test', 'production'];
const DEV_SECRET = 'ard-development-only-secret-never-use-in-production';
/** The demo staff's domain: the default of STAFF_EMAIL_DOMAINS outside production. */
const DEMO_STAFF_DOMAIN = 'support.example.com';

/** The key material for encrypted columns, as the portal derives it from the environment. */
export function encryptionSecretFrom(env: Record<string, string | undefined> = process.env): string {
  const keys = encryptionKeysFrom(env);
  return keys.keys[0]?.secret ?? keys.legacy[0];
}

/**
 * ENCRYPTION_KEYS=`k2:<secret>,k1:<secret>` (newest first) — apart from SESSION_SECRET, so rotating one
 * never touches the other. Values sealed before key ids stay readable under ENCRYPTION_SECRET or any
 * SESSION_SECRET still set, until `npm run secrets:reencrypt` moves them to the newest key.
 */
export function encryptionKeysFrom(env: Record<string, string | undefined> = process.env): EncryptionKeys {
  const legacy = [
    ...new Set(
      [env.ENCRYPTION_SECRET, ...(env.SESSION_SECRET ?? DEV_SECRET).split(',')]
        .map((s) => s?.trim())
        .filter((s): s is string => Boolean(s)),
    ),
  ];
  const keys: EncryptionKeys['keys'] = [];
  for (const entry of (env.ENCRYPTION_KEYS ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const colon = entry.indexOf(':');
    const id = entry.slice(0, Math.max(colon, 0));
    const secret = entry.slice(colon + 1);
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id))
      throw new ConfigError(
        `ENCRYPTION_KEYS: each entry is <key id>:<secret>, the id of letters, digits, - or _ (e.g. k2:<secret>,k1:<secret>); "${id || entry.slice(0, 12)}…" is not.`,
      );
    if (secret.length < 32)
      throw new ConfigError(`ENCRYPTION_KEYS: the secret of key "${id}" must have at least 32 characters.`);
    if (keys.some((k) => k.id === id)) throw new ConfigError(`ENCRYPTION_KEYS: the key id "${id}" appears twice.`);
    keys.push({ id, secret });
  }
  return { keys, legacy };
}

export function readConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<PortalConfig> = {},
): PortalConfig {
  // One schema for every variable (server/env.server.ts): a bad value or an unknown PORTAL_* variable stops here, in one line.
  let parsed: PortalEnv;
  try {
    parsed = parseEnv(env);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const modeRaw = overrides.mode ?? env.PORTAL_MODE;
  if (!modeRaw)
    throw new ConfigError('PORTAL_MODE is not set: use demo, development, test or production (npm start sets demo).');
  if (!MODES.includes(modeRaw as PortalMode))
    throw new ConfigError(`PORTAL_MODE=${modeRaw} is not one of ${MODES.join(', ')}.`);
  const mode = modeRaw as PortalMode;
  const production = mode === 'production';

  const missing: string[] = [];
  if (production && !env.SMTP_URL) missing.push('SMTP_URL (e.g. smtp://user:pass@mail.example.com:587)');
  if (production && !env.SESSION_SECRET)
    missing.push('SESSION_SECRET (a long random string; several, comma-separated, to rotate)');
  if (production && env.SESSION_SECRET && env.SESSION_SECRET.length < 32)
    missing.push('SESSION_SECRET of at least 32 characters');
  if (production && !env.PUBLIC_URL)
    missing.push(
      'PUBLIC_URL (the origin users reach the portal on, e.g. https://desk.example.com: links in emails point there)',
    );
  if (missing.length) throw new ConfigError(`Refusing to start in production without: ${missing.join('; ')}.`);
  if (env.PUBLIC_URL && !/^https?:$/.test(URL.parse(env.PUBLIC_URL)?.protocol ?? ''))
    throw new ConfigError(`PUBLIC_URL=${env.PUBLIC_URL} is not an http(s) URL (e.g. https://desk.example.com).`);

  const port = Number(env.PORT ?? 3000);
  const sessionSecrets = (env.SESSION_SECRET ?? DEV_SECRET)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    mode,
    port,
    host: env.HOST || (mode === 'production' ? '0.0.0.0' : '127.0.0.1'),
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, ''),
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.DATA_DIR ?? path.resolve('data'),
    evidenceDir: env.EVIDENCE_DIR ?? path.resolve(env.DATA_DIR ?? 'data', 'evidence'),
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM ?? 'Account Recovery Desk <no-reply@account-recovery.example.com>',
    smsWebhookUrl: env.SMS_WEBHOOK_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    sessionSecrets,
    encryptionSecret: encryptionSecretFrom(env),
    encryptionKeys: encryptionKeysFrom(env),
    trustProxy: trustProxyFrom(env.TRUST_PROXY),
    bench: env.PORTAL_BENCH === '1',
    evidenceRetentionDays: Number(env.EVIDENCE_RETENTION_DAYS ?? 90),
    recoveryHoldHours: hoursFrom('RECOVERY_HOLD_HOURS', env.RECOVERY_HOLD_HOURS, 24),
    outboxRetentionDays: Number(env.OUTBOX_RETENTION_DAYS ?? 30),
    staffEmailDomains: (env.STAFF_EMAIL_DOMAINS ?? (production ? '' : DEMO_STAFF_DOMAIN))
      .split(',')
      .map((d) => d.trim().toLowerCase())
      .filter(Boolean),
    logLevel: parsed.LOG_LEVEL ?? (mode === 'test' ? 'warn' : 'info'),
    metricsToken: parsed.METRICS_TOKEN,
    metricsPort: parsed.METRICS_PORT === undefined ? undefined : Number(parsed.METRICS_PORT),
    shutdownGraceSeconds: parsed.SHUTDOWN_GRACE_SECONDS === undefined ? 20 : Number(parsed.SHUTDOWN_GRACE_SECONDS),
    ...overrides,
  };
}

function hoursFrom(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const hours = Number(raw);
  if (!Number.isFinite(hours) || hours < 0 || hours > 24 * 30)
    throw new ConfigError(`${name}=${raw} is not a number of hours between 0 and 720.`);
  return hours;
}

export type TrustProxy = false | number | string[];

/**
 * TRUST_PROXY as express's `trust proxy` takes it: a number of proxy hops in front of the portal, or
 * the proxies' addresses and subnets (`loopback`, `10.0.0.0/8`, …). The client is then the rightmost
 * X-Forwarded-For entry that is not a trusted proxy. `true` (trust every hop) is refused: it makes the
 * leftmost entry, which the client writes itself, the client's address.
 */
export function trustProxyFrom(raw: string | undefined): TrustProxy {
  const value = raw?.trim() ?? '';
  if (value === '' || value === '0' || value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  if (value === 'true') {
    throw new ConfigError(
      'TRUST_PROXY=true would take the client address from the leftmost X-Forwarded-For entry, which the client writes: give the number of proxies in front of the portal (1 for one reverse proxy) or their addresses (e.g. 127.0.0.1,10.0.0.0/8).',
    );
  }
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  try {
    proxyAddr.compile(list);
  } catch (err) {
    throw new ConfigError(
      `TRUST_PROXY=${value} is neither a number of proxy hops nor a list of proxy addresses: ${(err as Error).message}.`,
    );
  }
  return list;
}

/** Whether the developer conveniences (/dev/outbox, the log SMS provider) are on. */
export function hasDevTools(config: Pick<PortalConfig, 'mode'>): boolean {
  return config.mode !== 'production';
}
