import type { PortalConfig } from '~/config.server';
import { hasDevTools } from '~/config.server';
import path from 'node:path';
import { openDatabase, type Database } from '~/db/connect.server';
import { DatabaseBusy, portalRunningOn } from '~/db/embedded-lock.server';
import type { PrismaClient } from '~/generated/prisma/client';
import { createRateLimits, type RateLimits } from '~/security/rate-limits.server';
import { EvidenceStore } from '~/appeals/evidence-store.server';
import { AuditSealer } from '~/audit/audit.server';
import { DevMailbox, NoSmsProvider, OutboxDispatcher, SmtpTransport, WebhookSmsProvider } from '~/outbox/outbox.server';

/** Everything a request handler needs, built once per portal instance and passed in the load context. */
export type Services = {
  config: PortalConfig;
  db: Database;
  prisma: PrismaClient;
  limits: RateLimits;
  outbox: OutboxDispatcher;
  evidence: EvidenceStore;
  auditSealer: AuditSealer;
  stop(): Promise<void>;
};

export type ServiceOptions = {
  /** An already open database (tests pass theirs). */
  db?: Database;
  /** Start delivering outbox messages in this process (default true). */
  dispatch?: boolean;
  dispatcherPollMs?: number;
  /** How often this instance's audit sealer chains settled events (default 1 s; it runs where the dispatcher does). */
  sealerEveryMs?: number;
};

export async function createServices(config: PortalConfig, options: ServiceOptions = {}): Promise<Services> {
  const embeddedDir = path.join(config.dataDir, 'pglite');
  const holder = !options.db && !config.databaseUrl ? portalRunningOn(embeddedDir) : null;
  if (holder) throw new DatabaseBusy(`Another portal (process ${holder.pid}, ${holder.url}) has the embedded database ${embeddedDir} open; it can be open in one process only. Stop that one first, or give this one its own DATA_DIR.`);
  const db = options.db ?? (await openDatabase({ url: config.databaseUrl, dataDir: embeddedDir }));
  const { limits, close: closeLimits } = createRateLimits({ redisUrl: config.redisUrl, prisma: db.prisma });
  const dev = hasDevTools(config);
  const email = config.smtpUrl ? new SmtpTransport(config.smtpUrl) : new DevMailbox();
  const sms = config.smsWebhookUrl ? new WebhookSmsProvider(config.smsWebhookUrl) : dev ? new DevMailbox() : new NoSmsProvider();
  if (!dev && !config.encryptionKeys.keys.length) console.warn('[portal] ENCRYPTION_KEYS is not set: stored secrets are encrypted under a key derived from SESSION_SECRET (see the README, Configuration).');
  if (!dev && !config.smsWebhookUrl) console.warn('[portal] No SMS provider configured (SMS_WEBHOOK_URL): SMS codes will not be delivered.');
  const outbox = new OutboxDispatcher({ prisma: db.prisma, email, sms, from: config.mailFrom, pollMs: options.dispatcherPollMs, keepBodies: dev });
  if (options.dispatch !== false) outbox.start();
  // Audit events are chained behind their writers (decision 015): one sealer per instance, one at work at a time.
  const auditSealer = new AuditSealer(db.prisma, { everyMs: options.sealerEveryMs, log: (m) => console.error(m) });
  if (options.dispatch !== false) auditSealer.start();
  return {
    config,
    db,
    prisma: db.prisma,
    limits,
    outbox,
    evidence: new EvidenceStore(config.evidenceDir),
    auditSealer,
    async stop() {
      await auditSealer.stop();
      await outbox.stop();
      if (email instanceof SmtpTransport) email.close();
      await closeLimits();
      if (!options.db) await db.close();
    },
  };
}
