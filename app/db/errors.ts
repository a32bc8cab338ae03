/** Prisma's unique-constraint error (P2002), optionally on a given column — without instanceof across bundles. */
export function isUniqueViolation(err: unknown, field?: string): boolean {
  const e = err as {
    code?: string;
    meta?: { target?: unknown; driverAdapterError?: { cause?: { constraint?: { fields?: string[] } } } };
    message?: string;
  };
  if (e?.code !== 'P2002') return false;
  if (!field) return true;
  const target = e.meta?.target;
  const fields = Array.isArray(target)
    ? target
    : typeof target === 'string'
      ? [target]
      : (e.meta?.driverAdapterError?.cause?.constraint?.fields ?? []);
  return fields.some((f) => String(f).includes(field)) || (e.message ?? '').includes(field);
}

const UNAVAILABLE_CODES = new Set([
  'P1001',
  'P1002',
  'P1008',
  'P1017',
  'P2024',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
]);

/** The database is unreachable or went away (as opposed to a bad query or a constraint). */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  const e = err as { code?: unknown; kind?: unknown; message?: unknown; cause?: unknown; originalCode?: unknown };
  if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
  if (typeof e.originalCode === 'string' && UNAVAILABLE_CODES.has(e.originalCode)) return true;
  if (e.kind === 'ConnectionClosed' || e.kind === 'DatabaseNotReachable' || e.kind === 'SocketTimeout') return true;
  if (
    typeof e.message === 'string' &&
    /Connection terminated|connect ECONNREFUSED|Can't reach database|terminating connection|Connection ended unexpectedly|server closed the connection|Timed out fetching a new connection|timeout exceeded when trying to connect|Connection terminated due to connection timeout|Query read timeout/i.test(
      e.message,
    )
  )
    return true;
  return isDatabaseUnavailable(e.cause, depth + 1);
}
