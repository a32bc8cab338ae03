// Backup and restore of a portal's data (issue 29): the database and the evidence files, in one
// .tar.gz archive. The embedded database is saved with PGlite's own data-dir dump; PostgreSQL with
// pg_dump's custom format (pg_restore reads it). The archive holds:
//   manifest.json       kind of database, when, the applied migrations, row counts per table, the evidence files
//   database.tar.gz     (embedded)    PGlite dumpDataDir
//   database.pgdump     (PostgreSQL)  pg_dump --format=custom
//   evidence/<name>     each evidence file as stored
// A restore refuses a database or evidence folder that is not empty, unless forced.
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { describeUrl } from './connect.server';
import { DatabaseBusy, portalRunningOn } from './embedded-lock.server';

export type BackupTarget = { databaseUrl?: string; dataDir: string; evidenceDir: string };
export type Manifest = {
  format: 'account-recovery-desk-backup';
  version: 1;
  createdAt: string;
  database: 'pglite' | 'postgres';
  migrations: string[];
  rows: Record<string, number>;
  evidenceFiles: number;
};

export class BackupError extends Error {}

const embeddedDir = (t: BackupTarget) => path.join(t.dataDir, 'pglite');

function refuseWhilePortalRuns(t: BackupTarget) {
  if (t.databaseUrl) return;
  const portal = portalRunningOn(embeddedDir(t));
  if (portal) {
    throw new DatabaseBusy(
      `The portal (process ${portal.pid}, ${portal.url}) has the embedded database ${embeddedDir(t)} open, and an embedded database can be open in one process only. Stop the portal (Ctrl+C where npm start runs), run this command, then start it again.`,
    );
  }
}

type Query = (sql: string) => Promise<Record<string, unknown>[]>;

/** Rows per table of the public schema, and the applied migrations: what a restore must give back. */
async function inventory(query: Query): Promise<{ rows: Record<string, number>; migrations: string[] }> {
  const tables = (
    await query(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
    )
  ).map((r) => String(r.name));
  const rows: Record<string, number> = {};
  for (const t of tables)
    rows[t] = Number((await query(`SELECT count(*)::int AS n FROM "${t.replace(/"/g, '""')}"`))[0].n);
  const migrations = tables.includes('_prisma_migrations')
    ? (
        await query(
          `SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY 1`,
        )
      ).map((r) => String(r.name))
    : [];
  return { rows, migrations };
}

async function withPostgres<T>(url: string, fn: (query: Query) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await fn(async (sql) => (await client.query(sql)).rows);
  } finally {
    await client.end();
  }
}

async function withPglite<T>(
  dir: string,
  fn: (query: Query, db: PGlite) => Promise<T>,
  loadDataDir?: Blob,
): Promise<T> {
  const db = new PGlite(dir, loadDataDir ? { loadDataDir } : {});
  await db.waitReady;
  try {
    return await fn(async (sql) => (await db.query<Record<string, unknown>>(sql)).rows, db);
  } finally {
    await db.close();
  }
}

/** Runs a PostgreSQL client tool; a missing one is said plainly. */
function runTool(tool: 'pg_dump' | 'pg_restore', args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        reject(
          new BackupError(
            `${tool} was not found. Backing up and restoring PostgreSQL needs PostgreSQL's client tools (pg_dump, pg_restore) of the server's major version or newer: on Debian or Ubuntu, apt-get install postgresql-client; or put them on PATH.`,
          ),
        );
      } else reject(err);
    });
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new BackupError(`${tool} failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' ')}`)),
    );
  });
}

async function listFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();
}

/** Writes the database and the evidence files into `file` (.tar.gz). */
export async function backup(
  target: BackupTarget,
  file: string,
  log: (m: string) => void = console.log,
): Promise<Manifest> {
  refuseWhilePortalRuns(target);
  const staging = await mkdtemp(path.join(tmpdir(), 'ard-backup-'));
  try {
    let found: { rows: Record<string, number>; migrations: string[] };
    if (target.databaseUrl) {
      log(`Database: PostgreSQL (${describeUrl(target.databaseUrl)}) — pg_dump`);
      found = await withPostgres(target.databaseUrl, inventory);
      await runTool('pg_dump', [
        '--format=custom',
        '--no-owner',
        '--no-privileges',
        `--file=${path.join(staging, 'database.pgdump')}`,
        `--dbname=${target.databaseUrl}`,
      ]);
    } else {
      const dir = embeddedDir(target);
      if (!existsSync(path.join(dir, 'PG_VERSION')))
        throw new BackupError(
          `There is no embedded database at ${dir} to back up (set DATA_DIR, or DATABASE_URL for PostgreSQL).`,
        );
      log(`Database: embedded (${dir}) — PGlite data-dir dump`);
      found = await withPglite(dir, async (query, db) => {
        const counted = await inventory(query);
        const dump = await db.dumpDataDir('gzip');
        await writeFile(path.join(staging, 'database.tar.gz'), Buffer.from(await dump.arrayBuffer()));
        return counted;
      });
    }
    const evidence = await listFiles(target.evidenceDir);
    await mkdir(path.join(staging, 'evidence'));
    for (const name of evidence) await cp(path.join(target.evidenceDir, name), path.join(staging, 'evidence', name));
    const manifest: Manifest = {
      format: 'account-recovery-desk-backup',
      version: 1,
      createdAt: new Date().toISOString(),
      database: target.databaseUrl ? 'postgres' : 'pglite',
      migrations: found.migrations,
      rows: found.rows,
      evidenceFiles: evidence.length,
    };
    await writeFile(path.join(staging, 'manifest.json'), JSON.stringify(manifest, null, 2));
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    const entries = ['manifest.json', target.databaseUrl ? 'database.pgdump' : 'database.tar.gz', 'evidence'];
    await tar.c({ gzip: true, file: path.resolve(file), cwd: staging, portable: true }, entries);
    const total = Object.values(found.rows).reduce((a, b) => a + b, 0);
    log(
      `Backed up ${total} rows in ${Object.keys(found.rows).length} tables and ${evidence.length} evidence files to ${file} (${(await stat(file)).size} bytes).`,
    );
    return manifest;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Restores `file` into the configured database and evidence folder; refuses non-empty ones unless `force`. */
export async function restore(
  target: BackupTarget,
  file: string,
  options: { force?: boolean; log?: (m: string) => void } = {},
): Promise<Manifest> {
  const log = options.log ?? console.log;
  refuseWhilePortalRuns(target);
  if (!existsSync(file)) throw new BackupError(`No backup file at ${file}.`);
  const staging = await mkdtemp(path.join(tmpdir(), 'ard-restore-'));
  try {
    await tar.x({ file, cwd: staging, strict: true });
    const manifest = JSON.parse(
      await readFile(path.join(staging, 'manifest.json'), 'utf8').catch(() => '{}'),
    ) as Manifest;
    if (manifest.format !== 'account-recovery-desk-backup' || manifest.version !== 1)
      throw new BackupError(`${file} is not a backup made by npm run db:backup.`);
    const into = target.databaseUrl ? 'postgres' : 'pglite';
    if (manifest.database !== into) {
      throw new BackupError(
        manifest.database === 'pglite'
          ? 'This backup is of an embedded database: restore it with DATABASE_URL unset (into DATA_DIR).'
          : 'This backup is of a PostgreSQL database: restore it with DATABASE_URL set to an empty PostgreSQL database.',
      );
    }

    // Refuse before changing anything: a database with tables, or evidence files, is not replaced unless forced.
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const occupied: string[] = [];
    let tablesThere = 0;
    if (target.databaseUrl) {
      tablesThere = await withPostgres(target.databaseUrl, async (q) =>
        Number(
          (await q(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`))[0].n,
        ),
      );
      if (tablesThere) occupied.push(`the database ${describeUrl(target.databaseUrl)} has ${tablesThere} tables`);
    } else if (existsSync(embeddedDir(target)) && (await readdir(embeddedDir(target))).length) {
      occupied.push(`the embedded database ${embeddedDir(target)} exists`);
    }
    const evidenceThere = await listFiles(target.evidenceDir);
    if (evidenceThere.length)
      occupied.push(`the evidence folder ${target.evidenceDir} holds ${evidenceThere.length} files`);
    if (occupied.length && !options.force) {
      throw new BackupError(
        `Refusing to restore over existing data: ${occupied.join('; ')}. Restore into an empty database and folder, or pass --force to replace them${target.databaseUrl ? '' : ' (the current ones are kept beside them, renamed *.before-restore-<time>)'}.`,
      );
    }

    if (target.databaseUrl) {
      log(`Restoring into PostgreSQL (${describeUrl(target.databaseUrl)}) — pg_restore`);
      await runTool('pg_restore', [
        '--no-owner',
        '--no-privileges',
        '--exit-on-error',
        ...(tablesThere ? ['--clean', '--if-exists'] : []),
        `--dbname=${target.databaseUrl}`,
        path.join(staging, 'database.pgdump'),
      ]);
    } else {
      const dir = embeddedDir(target);
      if (existsSync(dir)) {
        await rename(dir, `${dir}.before-restore-${stamp}`);
        log(`The embedded database that was there is kept at ${dir}.before-restore-${stamp}`);
      }
      await mkdir(dir, { recursive: true });
      log(`Restoring the embedded database into ${dir}`);
      const dump = new Blob([await readFile(path.join(staging, 'database.tar.gz'))]);
      await withPglite(dir, async (q) => void (await q('SELECT 1')), dump);
    }

    if (evidenceThere.length) {
      if (target.databaseUrl) await rm(target.evidenceDir, { recursive: true, force: true });
      else {
        await rename(target.evidenceDir, `${target.evidenceDir}.before-restore-${stamp}`);
        log(`The evidence folder that was there is kept at ${target.evidenceDir}.before-restore-${stamp}`);
      }
    }
    await mkdir(target.evidenceDir, { recursive: true, mode: 0o700 });
    const files = await listFiles(path.join(staging, 'evidence'));
    for (const name of files) await cp(path.join(staging, 'evidence', name), path.join(target.evidenceDir, name));

    // What came back must be what was saved.
    const back = target.databaseUrl
      ? await withPostgres(target.databaseUrl, inventory)
      : await withPglite(embeddedDir(target), inventory);
    const wrong = Object.entries(manifest.rows).filter(([t, n]) => back.rows[t] !== n);
    if (wrong.length || files.length !== manifest.evidenceFiles) {
      throw new BackupError(
        `The restored data differs from the backup: ${[...wrong.map(([t, n]) => `${t} has ${back.rows[t] ?? 0} rows, the backup ${n}`), ...(files.length !== manifest.evidenceFiles ? [`${files.length} evidence files, the backup ${manifest.evidenceFiles}`] : [])].join('; ')}.`,
      );
    }
    const total = Object.values(back.rows).reduce((a, b) => a + b, 0);
    log(
      `Restored ${total} rows in ${Object.keys(back.rows).length} tables and ${files.length} evidence files from the backup of ${manifest.createdAt}. Check the audit chain with npm run audit:verify.`,
    );
    return manifest;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
