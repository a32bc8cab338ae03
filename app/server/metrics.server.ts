// Prometheus metrics (issue 29), with prom-client. Each portal instance has its own registry (tests run
// several portals in one process). Counters and the request histogram count what this instance did;
// the gauges about the database's contents (outbox backlog, open appeals, handovers due) are read from
// the database when /metrics is scraped, so every instance reports the same shared values — alert on
// max() of them, not sum(). The list, with example alerts: docs/operations.md.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Database } from '~/db/connect.server';
import type { Logger } from './log.server';
import { errorFields } from './log.server';
import { OPEN_STATUSES, OPEN_STATUSES_SQL } from '~/appeals/options';

export type PortalMetrics = ReturnType<typeof createMetrics>;

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function createMetrics(db: Database, logger: Logger) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const httpDuration = new Histogram({
    name: 'ard_http_request_duration_seconds',
    help: 'Time to answer a request, by method, route id and status class (2xx, 3xx, 4xx, 5xx).',
    labelNames: ['method', 'route', 'status_class'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'ard_outbox_delivery_attempts_total',
    help: 'Outbox delivery attempts by channel and outcome (sent, retry: failed and will be tried again, failed: given up).',
    labelNames: ['channel', 'outcome'] as const,
    registers: [registry],
  });
  const deliveryFailures = new Counter({
    name: 'ard_outbox_delivery_failures_total',
    help: 'Failed outbox delivery attempts by channel (each retry counts; final: whether the message was given up).',
    labelNames: ['channel', 'final'] as const,
    registers: [registry],
  });
  const jobRuns = new Counter({
    name: 'ard_job_runs_total',
    help: 'Background job runs by job and outcome (ok, failed).',
    labelNames: ['job', 'outcome'] as const,
    registers: [registry],
  });
  const jobFailures = new Counter({
    name: 'ard_job_failures_total',
    help: 'Background job runs that failed, by job.',
    labelNames: ['job'] as const,
    registers: [registry],
  });
  const rateLimitRefusals = new Counter({
    name: 'ard_rate_limit_refusals_total',
    help: 'Requests refused by a rate limit, by limiter.',
    labelNames: ['limiter'] as const,
    registers: [registry],
  });

  const pool = db.pool;
  new Gauge({
    name: 'ard_db_pool_connections',
    help: 'PostgreSQL connection pool of this instance: connections in use, idle, and requests waiting for one (none on the embedded database).',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      if (!pool) return;
      this.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'waiting' }, pool.waitingCount);
    },
  });
  new Gauge({
    name: 'ard_db_pool_max_connections',
    help: "The size of this instance's PostgreSQL connection pool.",
    registers: [registry],
    collect() {
      if (pool) this.set(pool.options.max ?? 10);
    },
  });

  // The database's contents, read once per scrape (one statement each; both are indexed on status).
  const backlog = new Gauge({
    name: 'ard_outbox_backlog',
    help: 'Outbox messages not yet delivered (pending, including those waiting for a retry).',
    registers: [registry],
  });
  const oldest = new Gauge({
    name: 'ard_outbox_oldest_undelivered_age_seconds',
    help: 'Age of the oldest undelivered outbox message (0 when there is none).',
    registers: [registry],
  });
  const openAppeals = new Gauge({
    name: 'ard_appeals_open',
    help: 'Open appeals by status and SLA state (on_time, due_24h, breached, paused: waiting for the customer).',
    labelNames: ['status', 'sla'] as const,
    registers: [registry],
  });
  const handoversDue = new Gauge({
    name: 'ard_handovers_due',
    help: 'Approved appeals whose hold has ended and whose handover has not been made yet.',
    registers: [registry],
  });
  const onHold = new Gauge({
    name: 'ard_handovers_on_hold',
    help: 'Approved appeals still on hold (the handover is scheduled later).',
    registers: [registry],
  });
  const scrapeErrors = new Counter({
    name: 'ard_metrics_database_errors_total',
    help: 'Scrapes whose database read failed (its gauges keep their last values).',
    registers: [registry],
  });

  async function readDatabase() {
    try {
      const [outbox] = await db.prisma.$queryRawUnsafe<{ n: number; age: number | null }[]>(
        `SELECT count(*)::int AS n, extract(epoch FROM now() - min("createdAt"))::float8 AS age FROM "OutboxMessage" WHERE "status" = 'PENDING'`,
      );
      backlog.set(outbox.n);
      oldest.set(Math.max(0, outbox.age ?? 0));
      const appeals = await db.prisma.$queryRawUnsafe<{ status: string; sla: string; n: number }[]>(
        `SELECT "status"::text AS status,
                CASE WHEN "status" = 'AWAITING_CUSTOMER' THEN 'paused'
                     WHEN "slaDueAt" < now() THEN 'breached'
                     WHEN "slaDueAt" < now() + interval '24 hours' THEN 'due_24h'
                     ELSE 'on_time' END AS sla,
                count(*)::int AS n
         FROM "Appeal" WHERE "status" IN ${OPEN_STATUSES_SQL}
         GROUP BY 1, 2`,
      );
      openAppeals.reset();
      for (const status of OPEN_STATUSES) {
        for (const sla of status === 'AWAITING_CUSTOMER' ? ['paused'] : ['on_time', 'due_24h', 'breached'])
          openAppeals.set({ status, sla }, 0);
      }
      for (const row of appeals) openAppeals.set({ status: row.status, sla: row.sla }, row.n);
      const [hold] = await db.prisma.$queryRawUnsafe<{ due: number; waiting: number }[]>(
        `SELECT count(*) FILTER (WHERE "handoverAt" <= now())::int AS due, count(*) FILTER (WHERE "handoverAt" > now())::int AS waiting
         FROM "Appeal" WHERE "status" = 'APPROVED' AND "handoverAt" IS NOT NULL AND "handedOverAt" IS NULL`,
      );
      handoversDue.set(hold.due);
      onHold.set(hold.waiting);
    } catch (err) {
      scrapeErrors.inc();
      logger.warn({ event: 'metrics.database', ...errorFields(err) }, 'metrics: reading the database failed');
    }
  }

  return {
    registry,
    observeRequest(method: string, route: string, status: number, seconds: number) {
      httpDuration.observe(
        { method: METHODS.has(method) ? method : 'other', route, status_class: `${Math.floor(status / 100)}xx` },
        seconds,
      );
    },
    delivery(channel: string, outcome: 'sent' | 'retry' | 'failed') {
      deliveries.inc({ channel, outcome });
      if (outcome !== 'sent') deliveryFailures.inc({ channel, final: String(outcome === 'failed') });
    },
    job(job: string, ok: boolean) {
      jobRuns.inc({ job, outcome: ok ? 'ok' : 'failed' });
      if (!ok) jobFailures.inc({ job });
    },
    rateLimitRefused(limiter: string) {
      rateLimitRefusals.inc({ limiter });
    },
    /** The exposition text (reads the database's gauges first). */
    async render(): Promise<{ contentType: string; body: string }> {
      await readDatabase();
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
