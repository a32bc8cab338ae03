// One measurement with autocannon: a fixed time at a fixed number of connections. Latencies are
// taken from every response (autocannon's own histogram has 1 ms buckets; the targets are a few ms).
import { readdirSync, readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export type BenchRequest = {
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Per-request headers (a fresh session or flow for requests that may be made once). */
  perRequest?: () => Record<string, string>;
};

export type Measurement = {
  connections: number;
  durationSec: number;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  statuses: Record<string, number>;
  /** CPU time per request (ms): the portal process, the PostgreSQL server processes, the whole machine. */
  cpuMsPerRequest?: { portal: number; postgres: number; machine: number };
};

const TICK_MS = 10; // USER_HZ is 100 on Linux
function ticksOf(pid: string | number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime
  } catch {
    return 0;
  }
}
/** CPU ticks of every PostgreSQL server process, by pid (backends come and go between two snapshots). */
function postgresTicks(): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') ticks.set(pid, ticksOf(pid));
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return ticks;
}
/** Ticks spent between two snapshots: a process that is new counts from zero; one that ended is lost (it was idle to end). */
function postgresDelta(before: Map<string, number>, after: Map<string, number>): number {
  let sum = 0;
  for (const [pid, t] of after) sum += Math.max(0, t - (before.get(pid) ?? 0));
  return sum;
}
function machineBusyTicks(): number {
  const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  return f[0] + f[1] + f[2] + f[5] + f[6] + f[7]; // user nice system irq softirq steal
}
export type CpuSnapshot = { portal: number; postgres: Map<string, number>; machine: number };
export function cpuSnapshot(portalPid?: number): CpuSnapshot | null {
  if (!portalPid || process.platform !== 'linux') return null;
  return { portal: ticksOf(portalPid), postgres: postgresTicks(), machine: machineBusyTicks() };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

export async function measure(
  baseUrl: string,
  req: BenchRequest,
  connections: number,
  durationSec: number,
  portalPid?: number,
  /** Receives every response time too (a figure over several measurements: the purge under load). */
  sink?: number[],
): Promise<Measurement> {
  const latencies: number[] = [];
  const cpu0 = cpuSnapshot(portalPid);
  const headers = { ...(req.headers ?? {}) };
  const instance = autocannon({
    url: baseUrl,
    connections,
    duration: durationSec,
    timeout: 30,
    requests: [
      {
        method: req.method ?? 'GET',
        path: req.path,
        headers,
        body: req.body,
        ...(req.perRequest
          ? {
              setupRequest: (r: { headers?: Record<string, string> }) => {
                r.headers = { ...headers, ...req.perRequest!() };
                return r;
              },
            }
          : {}),
      },
    ],
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    latencies.push(responseTime);
    sink?.push(responseTime);
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  const statuses: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = Number(count);
  const requests = latencies.length;
  const cpu1 = cpuSnapshot(portalPid);
  const perRequest = (k: keyof CpuSnapshot) => {
    if (!cpu0 || !cpu1 || !requests) return 0;
    const ticks = k === 'postgres' ? postgresDelta(cpu0.postgres, cpu1.postgres) : cpu1[k] - cpu0[k];
    return Math.round(((ticks * TICK_MS) / requests) * 100) / 100;
  };
  return {
    connections,
    durationSec: result.duration,
    requests,
    rps: Math.round((requests / result.duration) * 10) / 10,
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies[latencies.length - 1] ?? 0),
    errors: result.errors,
    timeouts: result.timeouts,
    statuses,
    ...(cpu0
      ? {
          cpuMsPerRequest: {
            portal: perRequest('portal'),
            postgres: perRequest('postgres'),
            machine: perRequest('machine'),
          },
        }
      : {}),
  };
}

const round = (n: number) => Math.round(n * 100) / 100;
