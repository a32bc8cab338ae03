// Issue 29: every environment variable is parsed by one schema at start-up; a bad value or an unknown
// PORTAL_* variable stops the start with one line naming it; `npm run config:check` prints the
// effective configuration with its secrets masked.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '~/config.server';
import { ENV_SCHEMA, parseEnv } from '~/server/env.server';

const line = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    return message;
  }
  throw new Error('no error');
};

describe('configuration checked at start', () => {
  it('names the variable and what is wrong, in one line', () => {
    expect(line(() => readConfig({ PORTAL_MODE: 'demo', PORT: 'eighty' }))).toBe(
      'PORT: must be a whole number from 0 to 65535 (got "eighty").',
    );
    expect(line(() => readConfig({ PORTAL_MODE: 'demo', PORT: '70000' }))).toMatch(/^PORT: /);
    expect(line(() => readConfig({ PORTAL_MODE: 'demo', SHUTDOWN_GRACE_SECONDS: '-1' }))).toMatch(
      /^SHUTDOWN_GRACE_SECONDS: must be a number from 0 to 600/,
    );
    expect(line(() => readConfig({ PORTAL_MODE: 'demo', LOG_LEVEL: 'verbose' }))).toMatch(
      /^LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent/,
    );
    expect(line(() => readConfig({ PORTAL_MODE: 'demo', REDIS_URL: 'localhost:6379' }))).toMatch(
      /^REDIS_URL: is not a redis:\/\/ or rediss:\/\/ URL/,
    );
    expect(line(() => readConfig({ PORTAL_MODE: 'demo', OUTBOX_RETENTION_DAYS: '0' }))).toMatch(
      /^OUTBOX_RETENTION_DAYS: /,
    );
    expect(line(() => readConfig({ PORTAL_MODE: 'demo', METRICS_PORT: '0' }))).toMatch(/^METRICS_PORT: /);
    expect(line(() => readConfig({ PORTAL_MODE: 'demo', PORTAL_BENCH: 'yes' }))).toMatch(/^PORTAL_BENCH: /);
  });

  it('stops on an unknown PORTAL_* variable (a typo), and ignores other variables it does not read', () => {
    expect(line(() => readConfig({ PORTAL_MODE: 'demo', PORTAL_MDOE: 'production' }))).toMatch(
      /^PORTAL_MDOE: unknown variable/,
    );
    expect(readConfig({ PORTAL_MODE: 'demo', HOME: '/root', NODE_ENV: 'test' }).mode).toBe('demo');
  });

  it('never quotes a secret or a URL that may carry a password', () => {
    expect(line(() => readConfig({ PORTAL_MODE: 'demo', METRICS_TOKEN: 'short-secret' }))).toBe(
      'METRICS_TOKEN: must have at least 16 characters.',
    );
    const db = line(() => readConfig({ PORTAL_MODE: 'demo', DATABASE_URL: 'mysql://root:hunter2@db/x' }));
    expect(db).toMatch(/^DATABASE_URL: is not a postgresql:\/\/ or postgres:\/\/ URL/);
    expect(db).not.toContain('hunter2');
  });

  it('reads the new variables with their defaults', () => {
    const config = readConfig({
      PORTAL_MODE: 'production',
      SMTP_URL: 'smtp://mail.example.com',
      SESSION_SECRET: 's'.repeat(40),
      PUBLIC_URL: 'https://desk.example.com',
    });
    expect(config).toMatchObject({
      shutdownGraceSeconds: 20,
      logLevel: 'info',
      metricsToken: undefined,
      metricsPort: undefined,
    });
    expect(readConfig({ PORTAL_MODE: 'test' }).logLevel).toBe('warn');
    expect(
      readConfig({ PORTAL_MODE: 'demo', SHUTDOWN_GRACE_SECONDS: '5', METRICS_PORT: '9464', LOG_LEVEL: 'debug' }),
    ).toMatchObject({ shutdownGraceSeconds: 5, metricsPort: 9464, logLevel: 'debug' });
  });

  it('knows every variable the README documents', () => {
    for (const name of [
      'PORTAL_MODE',
      'DATABASE_URL',
      'SMTP_URL',
      'MAIL_FROM',
      'SMS_WEBHOOK_URL',
      'REDIS_URL',
      'SESSION_SECRET',
      'ENCRYPTION_KEYS',
      'ENCRYPTION_SECRET',
      'PUBLIC_URL',
      'PORT',
      'HOST',
      'TRUST_PROXY',
      'RECOVERY_HOLD_HOURS',
      'DATA_DIR',
      'EVIDENCE_DIR',
      'OUTBOX_RETENTION_DAYS',
      'STAFF_EMAIL_DOMAINS',
      'IDP_ISSUER',
      'EVIDENCE_RETENTION_DAYS',
      'LOG_LEVEL',
      'METRICS_TOKEN',
      'METRICS_PORT',
      'SHUTDOWN_GRACE_SECONDS',
    ]) {
      expect(Object.keys(ENV_SCHEMA.shape)).toContain(name);
    }
    expect(parseEnv({ PORT: '' })).toEqual(expect.objectContaining({ PORT: undefined }));
  });

  it('npm run config:check prints the effective configuration with secrets masked, or the one line that stops the start', () => {
    const env = {
      ...process.env,
      PORTAL_MODE: 'production',
      SMTP_URL: 'smtp://mailer:smtp-pass-123@mail.example.com:587',
      SESSION_SECRET: 'session-secret-'.padEnd(40, 'x'),
      ENCRYPTION_KEYS: `k1:${'e'.repeat(40)}`,
      PUBLIC_URL: 'https://desk.example.com',
      METRICS_TOKEN: 'metrics-token-0123456789',
      DATABASE_URL: 'postgresql://app:db-pass-456@db.example.com/desk',
    };
    const ok = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/config-check.ts'], {
      env,
      encoding: 'utf8',
    });
    expect(ok.status, ok.stderr).toBe(0);
    const printed = JSON.parse(ok.stdout);
    expect(printed).toMatchObject({
      mode: 'production',
      publicUrl: 'https://desk.example.com',
      shutdownGraceSeconds: 20,
      databaseUrl: 'postgresql://app:****@db.example.com/desk',
      smtpUrl: 'smtp://mailer:****@mail.example.com:587',
    });
    for (const secret of ['smtp-pass-123', 'db-pass-456', 'session-secret-', 'eeeeeeee', 'metrics-token-0123456789'])
      expect(ok.stdout).not.toContain(secret);
    expect(printed.encryptionKeys.keys).toEqual([{ id: 'k1', secret: '•••• (40 characters)' }]);

    const bad = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/config-check.ts'], {
      env: { ...env, PORTAL_MDOE: 'x' },
      encoding: 'utf8',
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^PORTAL_MDOE: unknown variable/)]);
  });
});
