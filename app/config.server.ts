import path from 'node:path';
import proxyAddr from 'proxy-addr';

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
  /** Staff TOTP secrets and SSO client secrets are encrypted with a key derived from this. */
  encryptionSecret: string;
  /** Which proxies' X-Forwarded-For entries are believed: none, a number of hops, or their addresses (express's `trust proxy`). */
  trustProxy: TrustProxy;
  /** PORTAL_BENCH=1: `npm run bench` runs this instance (serves /bench/baseline; nothing else changes). */
  bench: boolean;
  evidenceRetentionDays: number;
  /** The only domains staff emails may have (STAFF_EMAIL_DOMAINS); none set in production = no staff can be added. */
  staffEmailDomains: string[];
};

export class ConfigError extends Error {}

const MODES: PortalMode[] = ['demo', 'development', 'test', 'production'];
const DEV_SECRET = 'ard-development-only-secret-never-use-in-production';
/** The demo staff's domain: the default of STAFF_EMAIL_DOMAINS outside production. */
const DEMO_STAFF_DOMAIN = 'support.example.com';

/** The key material for encrypted columns, as the portal derives it from the environment. */
export function encryptionSecretFrom(env: Record<string, string | undefined> = process.env): string {
  return env.ENCRYPTION_SECRET ?? (env.SESSION_SECRET ?? DEV_SECRET).split(',')[0].trim();
}

export function readConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<PortalConfig> = {}): PortalConfig {
  const modeRaw = overrides.mode ?? env.PORTAL_MODE;
  if (!modeRaw) throw new ConfigError('PORTAL_MODE is not set: use demo, development, test or production (npm start sets demo).');
  if (!MODES.includes(modeRaw as PortalMode)) throw new ConfigError(`PORTAL_MODE=${modeRaw} is not one of ${MODES.join(', ')}.`);
  const mode = modeRaw as PortalMode;
  const production = mode === 'production';

  const missing: string[] = [];
  if (production && !env.SMTP_URL) missing.push('SMTP_URL (e.g. smtp://user:pass@mail.example.com:587)');
  if (production && !env.SESSION_SECRET) missing.push('SESSION_SECRET (a long random string; several, comma-separated, to rotate)');
  if (production && env.SESSION_SECRET && env.SESSION_SECRET.length < 32) missing.push('SESSION_SECRET of at least 32 characters');
  if (missing.length) throw new ConfigError(`Refusing to start in production without: ${missing.join('; ')}.`);

  const port = Number(env.PORT ?? 3000);
  const sessionSecrets = (env.SESSION_SECRET ?? DEV_SECRET).split(',').map((s) => s.trim()).filter(Boolean);
  return {
    mode,
    port,
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
    trustProxy: trustProxyFrom(env.TRUST_PROXY),
    bench: env.PORTAL_BENCH === '1',
    evidenceRetentionDays: Number(env.EVIDENCE_RETENTION_DAYS ?? 90),
    staffEmailDomains: (env.STAFF_EMAIL_DOMAINS ?? (production ? '' : DEMO_STAFF_DOMAIN)).split(',').map((d) => d.trim().toLowerCase()).filter(Boolean),
    ...overrides,
  };
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
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  try {
    proxyAddr.compile(list);
  } catch (err) {
    throw new ConfigError(`TRUST_PROXY=${value} is neither a number of proxy hops nor a list of proxy addresses: ${(err as Error).message}.`);
  }
  return list;
}

/** Whether the developer conveniences (/dev/outbox, the log SMS provider) are on. */
export function hasDevTools(config: Pick<PortalConfig, 'mode'>): boolean {
  return config.mode !== 'production';
}
