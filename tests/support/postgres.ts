import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL server the integration tests use (a database of their own is created on it). */
export const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://root@127.0.0.1:5432/test';
export const RUN_ID = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

export function urlFor(database: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function adminQuery<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

export async function postgresStatus(): Promise<
  { ok: true; url: string; urlFor: typeof urlFor } | { ok: false; url: string; error: string }
> {
  try {
    await adminQuery('SELECT 1');
    return { ok: true, url: ADMIN_URL, urlFor };
  } catch (err) {
    return { ok: false, url: ADMIN_URL, error: (err as Error).message };
  }
}
