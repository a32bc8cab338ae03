// One measurement with autocannon: a fixed time at a fixed number of connections. Latencies are
// taken from every response (autocannon's own histogram has 1 ms buckets; the targets are a few ms).
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
};

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

export async function measure(baseUrl: string, req: BenchRequest, connections: number, durationSec: number): Promise<Measurement> {
  const latencies: number[] = [];
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
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  const statuses: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = Number(count);
  const requests = latencies.length;
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
  };
}

const round = (n: number) => Math.round(n * 100) / 100;
