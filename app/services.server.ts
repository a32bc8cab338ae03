import type { PortalConfig } from '~/config.server';
import { hasDevTools } from '~/config.server';
import path from 'node:path';
import { openDatabase, type Database } from '~/db/connect.server';
import { DatabaseBusy, portalRunningOn } from '~/db/embedded-lock.server';
import type { PrismaClient } from '~/generated/prisma/client';
import { createRateLimits, type RateLimits } from '~/security/rate-limits.server';
import { EvidenceStore } from '~/appeals/evidence-store.server';
import { AuditSealer } from '~/audit/audit.server';
import { createLogger, errorFields, scrub, type Logger } from '~/server/log.server';
import { createMetrics, type PortalMetrics } from '~/server/metrics.server';
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
  /** Structured log of this instance (server/log.server.ts). */
  logger: Logger;
  /** Prometheus metrics of this instance (server/metrics.server.ts). */
  metrics: PortalMetrics;
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
  /** Where the log goes (default: by mode, see createLogger). */
  logger?: Logger;
};

export async function createServices(config: PortalConfig, options: ServiceOptions = {}): Promise<Services> {
  const embeddedDir = path.join(config.dataDir, 'pglite');
  const holder = !options.db && !config.databaseUrl ? portalRunningOn(embeddedDir) : null;
  if (holder)
    throw new DatabaseBusy(
      `Another portal (process ${holder.pid}, ${holder.url}) has the embedded database ${embeddedDir} open; it can be open in one process only. Stop that one first, or give this one its own DATA_DIR.`,
    );
  const logger = options.logger ?? createLogger(config);
  const db = options.db ?? (await openDatabase({ url: config.databaseUrl, dataDir: embeddedDir }));
  const metrics = createMetrics(db, logger);
  const { limits, close: closeLimits } = createRateLimits({ redisUrl: config.redisUrl, prisma: db.prisma });
  limits.onRefused = (name) => {
    metrics.rateLimitRefused(name);
    logger.info({ event: 'rate_limit.refused', limiter: name }, `rate limit ${name} refused a request`);
  };
  const dev = hasDevTools(config);
  const email = config.smtpUrl ? new SmtpTransport(config.smtpUrl) : new DevMailbox();
  const sms = config.smsWebhookUrl
    ? new WebhookSmsProvider(config.smsWebhookUrl)
    : dev
      ? new DevMailbox()
      : new NoSmsProvider();
  if (!dev && !config.encryptionKeys.keys.length)
    logger.warn(
      'ENCRYPTION_KEYS is not set: stored secrets are encrypted under a key derived from SESSION_SECRET (see the README, Configuration).',
    );
  if (!dev && !config.smsWebhookUrl)
    logger.warn('No SMS provider configured (SMS_WEBHOOK_URL): SMS codes will not be delivered.');
  const outbox = new OutboxDispatcher({
    prisma: db.prisma,
    email,
    sms,
    from: config.mailFrom,
    pollMs: options.dispatcherPollMs,
    keepBodies: dev,
    log: (m) => logger.error({ event: 'outbox.round' }, scrub(m)),
    onAttempt: (a) => {
      metrics.delivery(a.channel, a.outcome);
      const line = {
        event: 'outbox.delivery',
        messageId: a.id,
        template: a.template,
        channel: a.channel,
        attempt: a.attempt,
        outcome: a.outcome,
        durationMs: a.durationMs,
        ...(a.error ? { error: scrub(a.error) } : {}),
      };
      if (a.outcome === 'sent') logger.info(line, `delivered ${a.template} (${a.channel})`);
      else
        logger.warn(
          line,
          `delivery of ${a.template} (${a.channel}) failed${a.outcome === 'failed' ? ', giving up' : ', will retry'}`,
        );
    },
  });
  if (options.dispatch !== false) outbox.start();
  // Audit events are chained behind their writers (decision 015): one sealer per instance, one at work at a time.
  const auditSealer = new AuditSealer(db.prisma, {
    everyMs: options.sealerEveryMs,
    log: (m) => logger.error({ event: 'audit.sealer' }, scrub(m)),
  });
  if (options.dispatch !== false) auditSealer.start();
  return {
    config,
    db,
    prisma: db.prisma,
    limits,
    outbox,
    evidence: new EvidenceStore(config.evidenceDir),
    auditSealer,
    logger,
    metrics,
    // Each stops after its current round (the dispatcher gives back what it claimed and did not send); the database closes last.
    async stop() {
      const step = async (name: string, fn: () => Promise<void> | void) => {
        try {
          await fn();
          logger.info({ event: 'shutdown.step', step: name }, `stopped: ${name}`);
        } catch (err) {
          logger.error({ event: 'shutdown.step', step: name, ...errorFields(err) }, `stopping ${name} failed`);
        }
      };
      await step('audit sealer', () => auditSealer.stop());
      await step('outbox dispatcher', () => outbox.stop());
      if (email instanceof SmtpTransport) email.close();
      await step('rate limits', () => closeLimits());
      if (!options.db) await step('database', () => db.close());
    },
  };
}
