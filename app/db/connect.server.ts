import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaClient } from '~/generated/prisma/client';

export type DatabaseKind = 'pglite' | 'postgres';

/** A statement with a name unique in the portal (PostgreSQL keeps its plan per connection under it), or '' for one whose text varies. */
export type SqlStatement = { name: string; text: string };

export type Database = {
  kind: DatabaseKind;
  prisma: PrismaClient;
  /** The adapter factory the Prisma client runs on; the migrator reuses it. */
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** Where it lives, for messages (a data folder or a URL without password). */
  location: string;
  /** The connection pool (PostgreSQL only): its counts are the portal's pool metrics. */
  pool?: pg.Pool;
  /** The embedded engine itself (PGlite only). */
  pglite?: PGlite;
  /**
   * Runs one hand-written statement on the connections Prisma uses; rows come back as objects named
   * by the select list. On PostgreSQL the statement is prepared once per connection (its name). For
   * the statements every page view runs (see db/rows.server.ts); everything else goes through Prisma.
   */
  sql<R = Record<string, unknown>>(statement: SqlStatement, values: unknown[]): Promise<R[]>;
  close(): Promise<void>;
};

export type DatabaseOptions = {
  /** postgresql://… — a real PostgreSQL server. Unset: the embedded database. */
  url?: string;
  /** Folder of the embedded database; 'memory://' keeps it in memory (tests). */
  dataDir?: string;
  /** Connection pool size on PostgreSQL. */
  poolSize?: number;
  /** How long to wait for a new connection to PostgreSQL before the request fails (default 10 s; pg waits forever). */
  connectTimeoutMs?: number;
  /**
   * How long a statement may wait for PostgreSQL's answer before it fails (default 15 s). A connection
   * that goes silent (a partition after it was opened) would otherwise hold its request forever; the
   * failed connection is dropped from the pool. Scripts that run long statements (the benchmark's
   * seeding) pass 0: no limit.
   */
  queryTimeoutMs?: number;
  /** Start an in-memory embedded database from a dump (PGlite's dumpDataDir) — tests use a migrated one. */
  snapshot?: Blob;
};

export const DEFAULT_DATA_DIR = 'data/pglite';

export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  if (options.url) {
    if (!/^postgres(ql)?:\/\//.test(options.url)) {
      throw new Error(`DATABASE_URL must start with postgresql:// (got ${describeUrl(options.url)})`);
    }
    // A server that stops answering (network partition) must end in an error the portal turns into
    // 503, not in requests that hang: new connections give up after connectTimeoutMs.
    const queryTimeout = options.queryTimeoutMs ?? 15_000;
    // One pool for Prisma and for the hand-written statements (db.sql).
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      ...(queryTimeout > 0 ? { query_timeout: queryTimeout } : {}),
    });
    // An idle connection that breaks (the server restarted) is dropped by the pool; without a
    // listener the error would end the process.
    pool.on('error', (err) => console.warn(`[db] idle connection lost: ${err.message}`));
    const adapterFactory = new PrismaPg(pool);
    const prisma = new PrismaClient({ adapter: adapterFactory });
    return {
      kind: 'postgres',
      prisma,
      adapterFactory,
      location: describeUrl(options.url),
      pool,
      sql: async <R>(statement: SqlStatement, values: unknown[]) =>
        (await pool.query({ name: statement.name, text: statement.text, values })).rows as R[],
      close: async () => {
        await prisma.$disconnect();
        await pool.end();
      },
    };
  }
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  let pglite: PGlite;
  if (dataDir.startsWith('memory://')) {
    pglite = new PGlite(options.snapshot ? { loadDataDir: options.snapshot } : {});
  } else {
    const dir = path.resolve(dataDir);
    mkdirSync(dir, { recursive: true });
    pglite = new PGlite(dir);
  }
  await pglite.waitReady;
  const adapterFactory = new PrismaPGlite(pglite);
  const prisma = new PrismaClient({ adapter: adapterFactory });
  return {
    kind: 'pglite',
    prisma,
    adapterFactory,
    location: dataDir,
    pglite,
    sql: async <R>(statement: SqlStatement, values: unknown[]) => (await pglite.query<R>(statement.text, values)).rows,
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}
