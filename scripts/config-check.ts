// npm run config:check — parses the environment as the portal does at start-up and prints the
// effective configuration, secrets masked (exit 0); or the one line that would stop the start (exit 1).
import { readConfig, type PortalConfig } from '~/config.server';

const mask = (s: string | undefined) => (s ? `•••• (${s.length} characters)` : undefined);
const withoutPassword = (url: string | undefined) => {
  if (!url) return undefined;
  const u = URL.parse(url);
  if (!u) return '(unparseable)';
  if (u.password) u.password = '****';
  return u.toString();
};

export function effectiveConfig(config: PortalConfig) {
  return {
    ...config,
    databaseUrl: withoutPassword(config.databaseUrl) ?? `(embedded database in ${config.dataDir}/pglite)`,
    smtpUrl: withoutPassword(config.smtpUrl),
    redisUrl: withoutPassword(config.redisUrl),
    smsWebhookUrl: withoutPassword(config.smsWebhookUrl),
    sessionSecrets: config.sessionSecrets.map(mask),
    encryptionSecret: mask(config.encryptionSecret),
    encryptionKeys: {
      keys: config.encryptionKeys.keys.map((k) => ({ id: k.id, secret: mask(k.secret) })),
      legacy: config.encryptionKeys.legacy.map(mask),
    },
    metricsToken: mask(config.metricsToken),
  };
}

const modeArg = process.argv.find((a) => a.startsWith('--mode='))?.slice('--mode='.length);
try {
  const config = readConfig(
    modeArg && !process.env.PORTAL_MODE ? { ...process.env, PORTAL_MODE: modeArg } : process.env,
  );
  console.log(JSON.stringify(effectiveConfig(config), null, 2));
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
