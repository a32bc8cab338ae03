// Every environment variable the portal reads, in one zod schema, checked at start-up (issue 29).
// A value the portal cannot use, or a PORTAL_* variable it does not know (a typo such as PORTAL_MDOE),
// stops the start with one line naming the variable and what is wrong. The meaning of each variable is
// in the README's Configuration table; readConfig (config.server.ts) turns the parsed values into the
// portal's configuration.
import { z } from 'zod';

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const url = (protocols: string[], example: string) =>
  z
    .string()
    .refine(
      (v) => protocols.includes(URL.parse(v)?.protocol ?? ''),
      `is not ${protocols.join(',') === 'http:,https:' ? 'an http(s)' : `a ${protocols.map((p) => p.replace(':', '://')).join(' or ')}`} URL (e.g. ${example})`,
    );

const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .refine(
      (v) => /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max,
      `must be a whole number from ${min} to ${max}`,
    );

const number = (min: number, max: number) =>
  z
    .string()
    .trim()
    .refine(
      (v) => v !== '' && Number.isFinite(Number(v)) && Number(v) >= min && Number(v) <= max,
      `must be a number from ${min} to ${max}`,
    );

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Each variable, what it must look like, and whether its value is a secret (masked by `npm run config:check`). */
export const ENV_SCHEMA = z.object({
  PORTAL_MODE: optional(
    z.enum(['demo', 'development', 'test', 'production'], { error: 'must be demo, development, test or production' }),
  ),
  PORTAL_BENCH: optional(z.enum(['0', '1'], { error: 'must be 1 (or unset)' })),
  PORT: optional(integer(0, 65535)),
  HOST: optional(z.string().trim().min(1)),
  PUBLIC_URL: optional(url(['http:', 'https:'], 'https://desk.example.com')),
  DATABASE_URL: optional(url(['postgresql:', 'postgres:'], 'postgresql://user@db.example.com:5432/recovery_desk')),
  DATA_DIR: optional(z.string()),
  EVIDENCE_DIR: optional(z.string()),
  SMTP_URL: optional(url(['smtp:', 'smtps:'], 'smtp://user:pass@mail.example.com:587')),
  MAIL_FROM: optional(z.string().min(3)),
  SMS_WEBHOOK_URL: optional(url(['http:', 'https:'], 'https://sms.example.com/send')),
  REDIS_URL: optional(url(['redis:', 'rediss:'], 'redis://127.0.0.1:6379')),
  SESSION_SECRET: optional(z.string()),
  ENCRYPTION_KEYS: optional(z.string()),
  ENCRYPTION_SECRET: optional(z.string()),
  TRUST_PROXY: optional(z.string()),
  RECOVERY_HOLD_HOURS: optional(number(0, 720)),
  EVIDENCE_RETENTION_DAYS: optional(integer(1, 3650)),
  OUTBOX_RETENTION_DAYS: optional(integer(1, 3650)),
  STAFF_EMAIL_DOMAINS: optional(z.string()),
  IDP_ISSUER: optional(url(['http:', 'https:'], 'http://127.0.0.1:4000')),
  LOG_LEVEL: optional(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })),
  METRICS_TOKEN: optional(z.string().min(16, 'must have at least 16 characters')),
  METRICS_PORT: optional(integer(1, 65535)),
  SHUTDOWN_GRACE_SECONDS: optional(number(0, 600)),
});

export type PortalEnv = z.infer<typeof ENV_SCHEMA>;

/** Variables whose values are never printed (config:check masks them; error messages never quote them). */
export const SECRET_VARIABLES = new Set(['SESSION_SECRET', 'ENCRYPTION_KEYS', 'ENCRYPTION_SECRET', 'METRICS_TOKEN']);
/** URLs that may carry a user name and password: printed without the password, never quoted in an error. */
export const CREDENTIAL_URLS = new Set(['DATABASE_URL', 'SMTP_URL', 'REDIS_URL', 'SMS_WEBHOOK_URL']);

export class EnvError extends Error {}

/**
 * Parses the environment: returns the known variables, or throws an EnvError whose message is one
 * line, `NAME: what is wrong` (the first problem found; secrets are never quoted).
 */
export function parseEnv(env: Record<string, string | undefined>): PortalEnv {
  const known = Object.keys(ENV_SCHEMA.shape);
  for (const name of Object.keys(env).sort()) {
    if (name.startsWith('PORTAL_') && !known.includes(name)) {
      throw new EnvError(
        `${name}: unknown variable (the portal knows ${known.filter((k) => k.startsWith('PORTAL_')).join(', ')}); remove it or fix its name.`,
      );
    }
  }
  const picked = Object.fromEntries(known.map((k) => [k, env[k]]));
  const result = ENV_SCHEMA.safeParse(picked);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = String(issue.path[0]);
  const raw = env[name];
  const shown =
    SECRET_VARIABLES.has(name) || CREDENTIAL_URLS.has(name) || raw === undefined
      ? ''
      : ` (got "${raw.length > 60 ? `${raw.slice(0, 60)}…` : raw}")`;
  throw new EnvError(`${name}: ${issue.message}${shown}.`);
}
