/**
 * Runs `fn` with this process in another time zone (process.env.TZ, which Node applies at once), and
 * puts the zone back afterwards, whether `fn` passed or failed.
 */
export async function inProcessTimeZone<T>(zone: string, fn: () => Promise<T>): Promise<T> {
  const before = process.env.TZ;
  process.env.TZ = zone;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  }
}
