import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { openDatabase, type Database, type DatabaseKind } from '~/db/connect.server';
import pg from 'pg';
import { ADMIN_URL, adminQuery, urlFor } from './postgres';

export const DATABASE_KINDS: DatabaseKind[] = ['pglite', 'postgres'];

/** PostgreSQL reachable for this run? When it is not, ARD_REQUIRE_POSTGRES (CI) turns its tests into failures. */
export function postgresReady(): boolean {
  return inject('pgTemplate') !== null;
}

export function mustHavePostgres(): boolean {
  return Boolean(process.env.ARD_REQUIRE_POSTGRES);
}

/** A fresh, migrated, empty database of the given kind, for one suite. */
export async function openTestDatabase(kind: DatabaseKind): Promise<Database> {
  if (kind === 'pglite') {
    const snapshot = new Blob([readFileSync(inject('pgliteSnapshot'))]);
    return openDatabase({ dataDir: 'memory://', snapshot });
  }
  const template = inject('pgTemplate');
  if (!template) throw new Error('PostgreSQL is unreachable (see the banner at the start of the run).');
  const name = `ard_t_${inject('runId')}_${randomBytes(4).toString('hex')}`;
  await cloneTemplate(name, template);
  const db = await openDatabase({ url: urlFor(name), poolSize: 8 });
  const close = db.close;
  return {
    ...db,
    async close() {
      await close();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    },
  };
}

/** CREATE DATABASE … TEMPLATE fails while another clone reads the template: take turns (session advisory lock). */
async function cloneTemplate(name: string, template: string) {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(727002)');
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
        return;
      } catch (err) {
        if (attempt >= 20 || !/being accessed by other users/.test((err as Error).message)) throw err;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  } finally {
    await client.end();
  }
}

/**
 * Which database kinds a suite runs on. PostgreSQL is left out (loudly, by the global setup) only
 * when the server is unreachable and the run does not require it.
 */
export function kindsToTest(): DatabaseKind[] {
  if (postgresReady() || mustHavePostgres()) return DATABASE_KINDS;
  return ['pglite'];
}

export function postgresOnly(): boolean {
  return postgresReady() || mustHavePostgres();
}

import { describe } from 'vitest';

/** Runs a suite once on PGlite and once on PostgreSQL (skipped, and said so, when PostgreSQL is unreachable outside CI). */
export function describeEachDatabase(title: string, fn: (kind: DatabaseKind) => void) {
  for (const kind of DATABASE_KINDS) {
    const skip = kind === 'postgres' && !postgresReady() && !mustHavePostgres();
    describe.skipIf(skip)(`${title} [${kind}]`, () => fn(kind));
  }
}
