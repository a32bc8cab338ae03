// The measurements of issue 26 that are not "a route at 16 and at 1 connection": the audit log's CSV
// export as a stream (first byte, the portal's memory while it is read, and while its reader stalls),
// lock waits sampled from pg_stat_activity while two portals write, and the portal's memory.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { createHash } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import type { PrismaClient } from '~/generated/prisma/client';
import { purgeExpiredRows, type PurgeCounts } from '~/server/purge.server';
import { measure, percentile, type BenchRequest, type Measurement } from './load';
import { benchUid } from './seed';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A field of /proc/<pid>/status in kB (VmHWM: the peak resident set; VmRSS: the current one). */
export function vmKB(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}
const rssMB = (pid: number) => Math.round(vmKB(pid, 'VmRSS') / 102.4) / 10;

/** Samples the portal's resident set every 50 ms until stopped; returns the highest value seen. */
function rssSampler(pid: number) {
  let peak = rssMB(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMB(pid))), 50);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, rssMB(pid));
    },
  };
}

export type CsvExport = {
  status: number;
  firstByteMs: number;
  rows: number;
  megabytes: number;
  seconds: number;
  rssBeforeMB: number;
  rssPeakMB: number;
  rssGrowthMB: number;
};

/** Downloads the export as fast as this process reads, counting rows (one line each) and the portal's memory meanwhile. */
export function readCsvExport(url: string, cookie: string, pid: number): Promise<CsvExport> {
  return new Promise((resolve, reject) => {
    const rssBeforeMB = rssMB(pid);
    const sampler = rssSampler(pid);
    const t0 = performance.now();
    let firstByteMs = 0;
    let bytes = 0;
    let lines = 0;
    const req = http.get(url, { headers: { Cookie: cookie } }, (res) => {
      res.on('data', (chunk: Buffer) => {
        if (!firstByteMs) firstByteMs = Math.round(performance.now() - t0);
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
      });
      res.on('end', () => {
        const rssPeakMB = sampler.stop();
        resolve({
          status: res.statusCode ?? 0,
          firstByteMs,
          rows: Math.max(0, lines - 1), // the header line
          megabytes: Math.round(bytes / 2 ** 20),
          seconds: Math.round((performance.now() - t0) / 100) / 10,
          rssBeforeMB,
          rssPeakMB,
          rssGrowthMB: Math.round((rssPeakMB - rssBeforeMB) * 10) / 10,
        });
      });
      res.on('error', (err) => {
        sampler.stop();
        reject(err);
      });
    });
    req.on('error', (err) => {
      sampler.stop();
      reject(err);
    });
  });
}

export type StalledReader = {
  readMB: number;
  stallSeconds: number;
  rssBeforeMB: number;
  rssPeakMB: number;
  rssGrowthMB: number;
};

/**
 * A client that reads the first megabytes of the export and then stops reading (but keeps the
 * connection) for `stallMs`: the portal must wait for it, not read the rest of the rows into memory.
 */
export function stallCsvExport(url: string, cookie: string, pid: number, stallMs: number): Promise<StalledReader> {
  return new Promise((resolve, reject) => {
    const rssBeforeMB = rssMB(pid);
    let bytes = 0;
    let stalled = false;
    const req = http.get(url, { headers: { Cookie: cookie } }, (res) => {
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (stalled || bytes < 2 * 2 ** 20) return;
        stalled = true;
        res.pause();
        const sampler = rssSampler(pid);
        void sleep(stallMs).then(() => {
          const rssPeakMB = sampler.stop();
          req.destroy();
          resolve({
            readMB: Math.round((bytes / 2 ** 20) * 10) / 10,
            stallSeconds: stallMs / 1000,
            rssBeforeMB,
            rssPeakMB,
            rssGrowthMB: Math.round((rssPeakMB - rssBeforeMB) * 10) / 10,
          });
        });
      });
      res.on('end', () => {
        if (!stalled) reject(new Error(`the export ended after ${bytes} bytes, before the reader stalled`));
      });
    });
    req.on('error', (err) => {
      if (!stalled) reject(err);
    });
  });
}

export type LockSampling = {
  samples: number;
  /** Samples in which at least one backend of the bench database waited for a heavyweight lock. */
  withLockWait: number;
  /** …for a lock on the audit path: an advisory lock (the chain) or a statement on "AuditEvent". */
  withAuditLockWait: number;
  auditShare: number;
  /** Waits seen, by wait_event_type:wait_event (idle client reads left out), summed over the samples. */
  waits: Record<string, number>;
  activeBackendsMean: number;
};

/** Samples pg_stat_activity of one database every `everyMs` until `until` settles. */
export async function sampleLockWaits(
  adminUrl: string,
  database: string,
  until: Promise<unknown>,
  everyMs = 20,
): Promise<LockSampling> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  let done = false;
  void until.finally(() => (done = true)).catch(() => {});
  const result: LockSampling = {
    samples: 0,
    withLockWait: 0,
    withAuditLockWait: 0,
    auditShare: 0,
    waits: {},
    activeBackendsMean: 0,
  };
  let active = 0;
  try {
    while (!done) {
      const { rows } = await client.query<{
        state: string | null;
        type: string | null;
        event: string | null;
        query: string;
      }>(
        `SELECT state, wait_event_type AS type, wait_event AS event, query FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [database],
      );
      result.samples++;
      let lock = false;
      let audit = false;
      for (const r of rows) {
        if (r.state === 'active') active++;
        if (r.type && !(r.type === 'Client' && r.event === 'ClientRead')) {
          const key = `${r.type}:${r.event}`;
          result.waits[key] = (result.waits[key] ?? 0) + 1;
        }
        if (r.type === 'Lock') {
          lock = true;
          if (r.event === 'advisory' || /"AuditEvent"/.test(r.query)) audit = true;
        }
      }
      if (lock) result.withLockWait++;
      if (audit) result.withAuditLockWait++;
      await sleep(everyMs);
    }
  } finally {
    await client.end();
  }
  result.auditShare = result.samples ? Math.round((result.withAuditLockWait / result.samples) * 1000) / 1000 : 0;
  result.activeBackendsMean = result.samples ? Math.round((active / result.samples) * 10) / 10 : 0;
  return result;
}

// ── The sections of the run that measure these ─────────────────────────────────────────────────────

type Log = (m: string) => void;
export type Variant = { label: string; query: string; measurement: Measurement };
const dayAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
/** The id of bench agent k, as the seed makes it (md5 of its name, as a UUID). */
const benchStaffId = (k: number) =>
  createHash('md5')
    .update(`bench-staff-${k}`)
    .digest('hex')
    .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');

/** The audit log page at 1 connection under each of its filters, and an older page. */
export async function auditLogMatrix(
  base: string,
  cookie: string,
  caseNumber: string,
  seconds: number,
  log: Log,
): Promise<Variant[]> {
  const first = await fetch(`${base}/staff/admin/audit`, { headers: { Cookie: cookie } });
  const older = /href="([^"]*before=[^"]*)"/.exec(await first.text())?.[1]?.replace(/&amp;/g, '&');
  const variants: [string, string][] = [
    ['no filter', ''],
    ['actor (staff id)', `actor=${benchStaffId(3)}`],
    ['actor (work email)', `actor=${encodeURIComponent('bench-agent-3@support.example.com')}`],
    ['action', 'action=appeal.note_added'],
    ['case number', `case=${caseNumber}`],
    ['account UID', `account=${benchUid(4)}`],
    ['one week', `from=${dayAgo(30)}&to=${dayAgo(24)}`],
    ['action within one week', `action=login.succeeded&from=${dayAgo(30)}&to=${dayAgo(24)}`],
    ...(older ? ([['older page', new URL(older, base).search.slice(1)]] as [string, string][]) : []),
  ];
  log('\n▶ audit log page at 1 connection, every filter');
  const out: Variant[] = [];
  for (const [label, query] of variants) {
    const m = await measure(
      base,
      { path: `/staff/admin/audit${query ? `?${query}` : ''}`, headers: { Cookie: cookie } },
      1,
      seconds,
    );
    out.push({ label, query, measurement: m });
    log(
      `  ${label.padEnd(28)} p50 ${String(m.p50).padStart(6)} ms  p99 ${String(m.p99).padStart(6)} ms  ${JSON.stringify(m.statuses)}`,
    );
  }
  return out;
}

export type CsvFigures = { query: string; full: CsvExport; stalled: StalledReader; portalAnsweredAfter: boolean };

/** The CSV export of about 1 000 000 events (the most recent days that hold them): read whole, then a reader that stalls. */
export async function csvExport(
  base: string,
  cookie: string,
  pid: number,
  auditEvents: number,
  log: Log,
): Promise<CsvFigures> {
  const days = Math.min(366, Math.ceil(1_000_000 / (auditEvents / 365)));
  const query = `from=${dayAgo(days)}&to=${dayAgo(0)}`;
  const url = `${base}/staff/admin/audit.csv?${query}`;
  log(`\n▶ audit log CSV export (${query})`);
  const full = await readCsvExport(url, cookie, pid);
  log(
    `  read whole: status ${full.status}, first byte after ${full.firstByteMs} ms, ${full.rows} rows, ${full.megabytes} MB in ${full.seconds} s; portal RSS ${full.rssBeforeMB} → peak ${full.rssPeakMB} MB (+${full.rssGrowthMB})`,
  );
  const stalled = await stallCsvExport(url, cookie, pid, 10_000);
  const portalAnsweredAfter = await fetch(`${base}/healthz`)
    .then((r) => r.ok)
    .catch(() => false);
  log(
    `  a reader that stops after ${stalled.readMB} MB for ${stalled.stallSeconds} s: portal RSS ${stalled.rssBeforeMB} → peak ${stalled.rssPeakMB} MB (+${stalled.rssGrowthMB}); portal answers afterwards: ${portalAnsweredAfter}`,
  );
  return { query, full, stalled, portalAnsweredAfter };
}

export type RatioRound = { round: number; key: string; label: string; rps: number; baselineRps: number; ratio: number };

/** Each customer page against the baseline measured right before it, three rounds in a row. */
export async function customerRatioRounds(
  base: string,
  baseline: BenchRequest,
  pages: { key: string; label: string; req: BenchRequest }[],
  seconds: number,
  log: Log,
): Promise<RatioRound[]> {
  log('\n▶ customer pages against the baseline at 16 connections, three rounds in a row');
  const out: RatioRound[] = [];
  for (let round = 1; round <= 3; round++) {
    for (const page of pages) {
      const b = await measure(base, baseline, 16, seconds);
      const m = await measure(base, page.req, 16, seconds);
      const ratio = Math.round((m.rps / b.rps) * 1000) / 1000;
      out.push({ round, key: page.key, label: page.label, rps: m.rps, baselineRps: b.rps, ratio });
      log(
        `  round ${round}: ${page.label.padEnd(30)} ${m.rps} req/s, baseline ${b.rps}: ${(ratio * 100).toFixed(1)} %`,
      );
    }
  }
  return out;
}

/** Waits until the portal answers a cheap request within 100 ms (its backlog is gone), at most 60 s. */
async function settle(base: string) {
  for (let i = 0; i < 600; i++) {
    const t0 = performance.now();
    const ok = await fetch(`${base}/healthz/live`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok && performance.now() - t0 < 100) return;
    await sleep(100);
  }
}

export type WideRun = { key: string; label: string; measurement: Measurement; unexpected: number };

/** Every route at 64 connections: what counts is that nothing fails (errors, timeouts, 5xx, a status not expected). */
export async function sixtyFourConnections(
  base: string,
  pid: number,
  routes: { key: string; label: string; expect: number; alsoExpected?: number[]; req: BenchRequest }[],
  seconds: number,
  log: Log,
): Promise<WideRun[]> {
  log('\n▶ every route at 64 connections');
  const out: WideRun[] = [];
  for (const r of routes) {
    // The requests still open when the previous route's measurement ended are answered first.
    await settle(base);
    const m = await measure(base, r.req, 64, seconds, pid);
    // No answer at all within the measurement is a failure too (64 requests waiting on a slow route).
    const unexpected =
      (m.requests === 0 ? 64 : 0) +
      m.errors +
      Object.entries(m.statuses)
        .filter(([s]) => Number(s) !== r.expect && !r.alsoExpected?.includes(Number(s)))
        .reduce((n, [, v]) => n + v, 0);
    out.push({ key: r.key, label: r.label, measurement: m, unexpected });
    log(
      `  ${r.label.padEnd(36)} ${String(m.rps).padStart(8)} req/s  p99 ${String(m.p99).padStart(8)} ms  errors ${m.errors}  unexpected ${unexpected}  ${JSON.stringify(m.statuses)}`,
    );
  }
  return out;
}

export type TwoInstances = { a: Measurement; b: Measurement; locks: LockSampling };

/** Send-code at 8 + 8 connections against two portals on one database, pg_stat_activity sampled meanwhile. */
export async function twoInstances(
  first: { base: string; pid: number },
  second: { base: string; process: ChildProcess },
  req: BenchRequest,
  adminUrl: string,
  database: string,
  seconds: number,
  log: Log,
): Promise<TwoInstances> {
  log('\n▶ send code at 8 + 8 connections on two portal instances, pg_stat_activity every 20 ms');
  const req2 = { ...req, headers: { ...req.headers, Origin: second.base } };
  const run = Promise.all([
    measure(first.base, req, 8, seconds, first.pid),
    measure(second.base, req2, 8, seconds, second.process.pid),
  ]);
  const locks = await sampleLockWaits(adminUrl, database, run);
  const [a, b] = await run;
  const top = Object.entries(locks.waits)
    .sort((x, y) => y[1] - x[1])
    .slice(0, 6)
    .map(([k, v]) => `${k}×${v}`)
    .join(', ');
  log(
    `  instance 1: ${a.rps} req/s ${JSON.stringify(a.statuses)}; instance 2: ${b.rps} req/s ${JSON.stringify(b.statuses)}\n  ${locks.samples} samples: a lock wait in ${locks.withLockWait}, on the audit path in ${locks.withAuditLockWait} (${(locks.auditShare * 100).toFixed(1)} %); active backends ${locks.activeBackendsMean} on average; waits seen: ${top || 'none'}`,
  );
  return { a, b, locks };
}

export type PurgeUnderLoad = {
  idle: Measurement;
  underPurgeP99: number;
  underPurgeRequests: number;
  seconds: number;
  counts: PurgeCounts;
};

/** The queue at 1 connection idle, then while the purge job deletes the expired rows (run from here, as the job does). */
export async function purgeUnderLoad(
  base: string,
  pid: number,
  queue: BenchRequest,
  prisma: PrismaClient,
  seconds: number,
  log: Log,
): Promise<PurgeUnderLoad> {
  log('\n▶ purge under load: the queue at 1 connection, idle and while the purge job runs');
  const idle = await measure(base, queue, 1, seconds, pid);
  const latencies: number[] = [];
  const t0 = performance.now();
  let counts: PurgeCounts | null = null;
  const job = purgeExpiredRows(prisma).then((c) => (counts = c));
  while (!counts) await measure(base, queue, 1, 2, pid, latencies);
  await job;
  latencies.sort((x, y) => x - y);
  const result = {
    idle,
    underPurgeP99: Math.round(percentile(latencies, 99) * 100) / 100,
    underPurgeRequests: latencies.length,
    seconds: Math.round((performance.now() - t0) / 100) / 10,
    counts: counts!,
  };
  log(
    `  idle p99 ${idle.p99} ms; while purging (${result.seconds} s, ${JSON.stringify(result.counts)}): p99 ${result.underPurgeP99} ms over ${result.underPurgeRequests} requests`,
  );
  return result;
}
