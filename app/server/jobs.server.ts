// Background jobs of a portal instance. Each is safe to run on several instances at once.
import type { Services } from '~/services.server';
import { purgeDecidedEvidence } from '~/appeals/retention.server';
import { expireStaleAppeals } from '~/appeals/decisions.server';
import { performDueHandovers } from '~/appeals/handover.server';
import { purgeDeliveredMessages } from '~/outbox/outbox.server';
import { hasDevTools } from '~/config.server';
import { purgeExpiredRows } from './purge.server';
import { errorFields } from './log.server';
import { refreshDashboard } from '~/dashboard/dashboard.server';

export const JOB_NAMES = ['retention', 'expiry', 'handover', 'outbox', 'purge', 'dashboard'] as const;
export type JobName = (typeof JOB_NAMES)[number];

export async function runJob(services: Services, name: JobName, now = new Date()) {
  switch (name) {
    case 'retention':
      return purgeDecidedEvidence(services.prisma, services.evidence, {
        retentionDays: services.config.evidenceRetentionDays,
        now,
      });
    case 'expiry':
      return { expired: await expireStaleAppeals(services, now) };
    case 'handover':
      return performDueHandovers(services, now);
    case 'outbox':
      return purgeDeliveredMessages(services.prisma, {
        retentionDays: services.config.outboxRetentionDays,
        keepBodies: hasDevTools(services.config),
        now,
      });
    case 'purge':
      return purgeExpiredRows(services.prisma, { now });
    case 'dashboard':
      return refreshDashboard(services.db, now);
  }
}

/**
 * How often each job runs. Handovers are checked every 5 minutes (and right after start-up) so a
 * change takes effect close to the time the customer and the owner were told; the others hourly.
 */
const SCHEDULE: { job: JobName; firstMs: number; everyMs: number }[] = [
  { job: 'handover', firstMs: 5_000, everyMs: 5 * 60_000 },
  { job: 'expiry', firstMs: 60_000, everyMs: 60 * 60_000 },
  { job: 'retention', firstMs: 60_000, everyMs: 60 * 60_000 },
  { job: 'outbox', firstMs: 60_000, everyMs: 60 * 60_000 },
  { job: 'purge', firstMs: 90_000, everyMs: 60 * 60_000 },
  // The dashboard's daily roll-up: soon after start-up (a fresh demo's history), then hourly.
  { job: 'dashboard', firstMs: 15_000, everyMs: 60 * 60_000 },
];

/**
 * Runs every job on its schedule, one log line and one metric per run; returns a stopper that lets a
 * run in progress finish its round (each handover is a transaction of its own) and starts no other.
 */
export function scheduleJobs(services: Services): () => Promise<void> {
  const { logger, metrics } = services;
  const timers: NodeJS.Timeout[] = [];
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  for (const { job, firstMs, everyMs } of SCHEDULE) {
    const tick = () => {
      if (stopped) return;
      const run = (async () => {
        const started = Date.now();
        try {
          const result = await runJob(services, job);
          metrics.job(job, true);
          logger.info(
            { event: 'job.run', job, outcome: 'ok', durationMs: Date.now() - started, result },
            `job ${job} ran`,
          );
        } catch (err) {
          metrics.job(job, false);
          logger.error(
            { event: 'job.run', job, outcome: 'failed', durationMs: Date.now() - started, ...errorFields(err) },
            `job ${job} failed`,
          );
        }
      })();
      inFlight.add(run);
      void run.finally(() => inFlight.delete(run));
    };
    timers.push(setTimeout(tick, firstMs), setInterval(tick, everyMs));
  }
  for (const t of timers) t.unref();
  return async () => {
    stopped = true;
    for (const t of timers) clearTimeout(t);
    await Promise.all([...inFlight]);
  };
}
