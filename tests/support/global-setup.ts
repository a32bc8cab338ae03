// Once per test run: a migrated PGlite snapshot, and (when the server is reachable) a migrated
// PostgreSQL template database that every suite clones into a database of its own.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '~/db/connect.server';
import { applyMigrations } from '~/db/migrator.server';
import { adminQuery, postgresStatus, RUN_ID } from './postgres';

// Named per run: two runs on one machine must not read each other's half-written file.
export const SNAPSHOT_FILE = path.resolve(`tests/.artifacts/pglite-migrated-${RUN_ID}.tar.gz`);

declare module 'vitest' {
  export interface ProvidedContext {
    pgTemplate: string | null;
    pgliteSnapshot: string;
    runId: string;
  }
}

type Prepared = { snapshot: string; template: string | null };
const shared = globalThis as typeof globalThis & { __ardTestDatabases?: Promise<Prepared> };

/** Several projects list this setup; the databases are prepared once per run and shared. */
export default async function setup(project: TestProject) {
  const first = !shared.__ardTestDatabases;
  shared.__ardTestDatabases ??= prepare();
  const { snapshot, template } = await shared.__ardTestDatabases;
  project.provide('pgliteSnapshot', snapshot);
  project.provide('pgTemplate', template);
  project.provide('runId', RUN_ID);
  if (!first) return;
  return async () => {
    rmSync(snapshot, { force: true });
    if (template) await dropRunDatabases();
  };
}

async function prepare(): Promise<Prepared> {
  mkdirSync(path.dirname(SNAPSHOT_FILE), { recursive: true });
  const lite = await openDatabase({ dataDir: 'memory://' });
  await applyMigrations(lite);
  const dump = await lite.pglite!.dumpDataDir('gzip');
  writeFileSync(SNAPSHOT_FILE, Buffer.from(await dump.arrayBuffer()));
  await lite.close();

  const pg = await postgresStatus();
  let template: string | null = null;
  if (pg.ok) {
    template = `ard_tpl_${RUN_ID}`;
    await adminQuery(`CREATE DATABASE ${template}`);
    const db = await openDatabase({ url: pg.urlFor(template), poolSize: 2 });
    await applyMigrations(db);
    await db.close();
  } else {
    const banner = `\n${'!'.repeat(78)}\n!! PostgreSQL at ${pg.url} is unreachable: ${pg.error}\n!! The PostgreSQL half of the integration suite is SKIPPED.${process.env.ARD_REQUIRE_POSTGRES ? '\n!! ARD_REQUIRE_POSTGRES is set: those tests will FAIL.' : ''}\n${'!'.repeat(78)}\n`;
    console.error(banner);
  }
  return { snapshot: SNAPSHOT_FILE, template };
}

async function dropRunDatabases() {
  const rows = await adminQuery<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname LIKE 'ard\\_%\\_${RUN_ID}%'`,
  );
  for (const { datname } of rows) {
    await adminQuery(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => {});
  }
}
