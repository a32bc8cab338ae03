// Background jobs of a portal instance. Each is safe to run on several instances at once.
import type { Services } from '~/services.server';
import { purgeDecidedEvidence } from '~/appeals/retention.server';
import { expireStaleAppeals } from '~/appeals/decisions.server';
import { purgeDeliveredMessages } from '~/outbox/outbox.server';
import { hasDevTools } from '~/config.server';

export type JobName = 'retention' | 'expiry' | 'outbox';
export const JOB_NAMES: JobName[] = ['retention', 'expiry', 'outbox'];

export async function runJob(services: Services, name: JobName, now = new Date()) {
  switch (name) {
    case 'retention':
      return purgeDecidedEvidence(services.prisma, services.evidence, { retentionDays: services.config.evidenceRetentionDays, now });
    case 'expiry':
      return { expired: await expireStaleAppeals(services, now) };
    case 'outbox':
      return purgeDeliveredMessages(services.prisma, { retentionDays: services.config.outboxRetentionDays, keepBodies: hasDevTools(services.config), now });
  }
}

/** Runs every job once an hour (first run a minute after start-up); returns a stopper. */
export function scheduleJobs(services: Services, log: (m: string) => void = console.log): () => void {
  const jobs: JobName[] = ['expiry', 'retention', 'outbox'];
  const tick = async () => {
    for (const job of jobs) {
      try {
        const result = await runJob(services, job);
        if (result && Object.values(result).some((n) => n)) log(`[jobs] ${job}: ${JSON.stringify(result)}`);
      } catch (err) {
        log(`[jobs] ${job} failed: ${(err as Error).message}`);
      }
    }
  };
  const first = setTimeout(tick, 60_000);
  const every = setInterval(tick, 60 * 60_000);
  first.unref();
  every.unref();
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}
