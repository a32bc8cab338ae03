// Issue 29: npm run db:backup / db:restore. A database with appeals and their evidence is backed up,
// restored into a fresh database and folder, and compared: every row of every table, every file, and
// the audit chain (npm run audit:verify, the same head). A restore over existing data is refused unless --force.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { describeEachDatabase, openTestDatabase } from '../support/db';
import { adminQuery, urlFor } from '../support/postgres';
import { makeAppeal } from '../support/backoffice';
import { openDatabase, type Database } from '~/db/connect.server';
import { applyMigrations } from '~/db/migrator.server';
import { seedDemoData } from '~/demo/seed.server';
import { EvidenceStore } from '~/appeals/evidence-store.server';
import { recordAudit, sealAll } from '~/audit/audit.server';

function run(script: string, args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', script, ...args], {
    env: { ...process.env, DATABASE_URL: '', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Every row of every table, as JSON text, in a stable order. */
async function dumpRows(query: (sql: string) => Promise<Record<string, unknown>[]>): Promise<Record<string, string[]>> {
  const tables = (
    await query(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
    )
  ).map((r) => String(r.name));
  const out: Record<string, string[]> = {};
  for (const t of tables)
    out[t] = (await query(`SELECT to_jsonb(x)::text AS j FROM "${t}" x ORDER BY 1`)).map((r) => String(r.j));
  return out;
}

async function rowsOf(target: { url?: string; dataDir?: string }) {
  if (target.url) {
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      return await dumpRows(async (sql) => (await client.query(sql)).rows);
    } finally {
      await client.end();
    }
  }
  const db = new PGlite(path.join(target.dataDir!, 'pglite'));
  try {
    return await dumpRows(async (sql) => (await db.query<Record<string, unknown>>(sql)).rows);
  } finally {
    await db.close();
  }
}

async function filesOf(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of existsSync(dir) ? await readdir(dir) : [])
    out[name] = (await readFile(path.join(dir, name))).toString('base64');
  return out;
}

describeEachDatabase('backup and restore', (kind) => {
  let work: string;
  let source: { env: Record<string, string>; url?: string; dataDir: string; evidenceDir: string };
  let fresh: { env: Record<string, string>; url?: string; dataDir: string; evidenceDir: string };
  let sourceDb: Database | undefined;
  const freshName = `ard_restore_${process.pid}_${Date.now().toString(36)}`;

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'ard-backup-test-'));
    const evidenceDir = path.join(work, 'source', 'evidence');
    let db: Database;
    if (kind === 'postgres') {
      db = sourceDb = await openTestDatabase('postgres');
      source = {
        env: { DATABASE_URL: db.location, EVIDENCE_DIR: evidenceDir, DATA_DIR: path.join(work, 'source') },
        url: db.location,
        dataDir: path.join(work, 'source'),
        evidenceDir,
      };
      await adminQuery(`CREATE DATABASE ${freshName}`);
      fresh = {
        env: {
          DATABASE_URL: urlFor(freshName),
          EVIDENCE_DIR: path.join(work, 'fresh', 'evidence'),
          DATA_DIR: path.join(work, 'fresh'),
        },
        url: urlFor(freshName),
        dataDir: path.join(work, 'fresh'),
        evidenceDir: path.join(work, 'fresh', 'evidence'),
      };
    } else {
      db = await openDatabase({ dataDir: path.join(work, 'source', 'pglite') });
      await applyMigrations(db);
      source = { env: { DATA_DIR: path.join(work, 'source') }, dataDir: path.join(work, 'source'), evidenceDir };
      fresh = {
        env: { DATA_DIR: path.join(work, 'fresh') },
        dataDir: path.join(work, 'fresh'),
        evidenceDir: path.join(work, 'fresh', 'evidence'),
      };
    }
    await seedDemoData(db.prisma);
    const store = new EvidenceStore(evidenceDir);
    for (let i = 0; i < 3; i++) {
      const appeal = await makeAppeal(db.prisma, store);
      await db.prisma.$transaction((tx) =>
        recordAudit(tx, { actor: { type: 'system' }, action: 'appeal.filed', appealId: appeal.id, data: { n: i } }),
      );
    }
    await sealAll(db.prisma, true);
    if (kind === 'pglite') await db.close();
  }, 120_000);

  afterAll(async () => {
    await sourceDb?.close();
    if (kind === 'postgres') await adminQuery(`DROP DATABASE IF EXISTS ${freshName} WITH (FORCE)`).catch(() => {});
    await rm(work, { recursive: true, force: true });
  });

  it('backs up appeals and evidence, restores them into a fresh database, and every row, file and the audit chain come back', async () => {
    const file = path.join(work, 'backup.tar.gz');
    const made = run('scripts/db-backup.ts', ['backup', file], source.env);
    expect(made.status, made.out).toBe(0);
    expect(made.out).toMatch(/Backed up \d+ rows in \d+ tables and 3 evidence files/);

    const restored = run('scripts/db-backup.ts', ['restore', file], fresh.env);
    expect(restored.status, restored.out).toBe(0);

    const before = await rowsOf(source);
    const after = await rowsOf(fresh);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    for (const table of Object.keys(before)) expect(after[table], table).toEqual(before[table]);
    expect(before.Appeal).toHaveLength(3);
    expect(before.EvidenceFile).toHaveLength(3);

    const files = await filesOf(source.evidenceDir);
    expect(Object.keys(files)).toHaveLength(3);
    expect(await filesOf(fresh.evidenceDir)).toEqual(files);

    const verifySource = run('scripts/audit-verify.ts', [], source.env);
    const verifyFresh = run('scripts/audit-verify.ts', [], fresh.env);
    expect(verifyFresh.status, verifyFresh.out).toBe(0);
    const head = (out: string) => /Audit chain intact: (\d+) events; head (\S+)/.exec(out)?.slice(1);
    expect(head(verifyFresh.out)).toEqual(head(verifySource.out));
    expect(Number(head(verifyFresh.out)?.[0])).toBeGreaterThanOrEqual(3);
  }, 180_000);

  it('refuses to restore over a database that is not empty, unless --force', async () => {
    const file = path.join(work, 'backup.tar.gz');
    const refused = run('scripts/db-backup.ts', ['restore', file], fresh.env);
    expect(refused.status).toBe(1);
    expect(refused.out).toMatch(/Refusing to restore over existing data: .*pass --force/);

    const forced = run('scripts/db-backup.ts', ['restore', file, '--force'], fresh.env);
    expect(forced.status, forced.out).toBe(0);
    expect(await rowsOf(fresh)).toEqual(await rowsOf(source));
    expect(await filesOf(fresh.evidenceDir)).toEqual(await filesOf(source.evidenceDir));
  }, 180_000);

  it('says which client tool is missing, and refuses a file that is not a backup', async () => {
    const notBackup = path.join(work, 'not-a-backup.tar.gz');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(notBackup, 'hello');
    const wrong = run('scripts/db-backup.ts', ['restore', notBackup], fresh.env);
    expect(wrong.status).toBe(1);
    if (kind === 'postgres') {
      const missing = run('scripts/db-backup.ts', ['backup', path.join(work, 'x.tar.gz')], {
        ...source.env,
        PATH: '/nonexistent',
      });
      expect(missing.status).toBe(1);
      expect(missing.out).toContain('pg_dump was not found');
    }
  }, 60_000);
});
