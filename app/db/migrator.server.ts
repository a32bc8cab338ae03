// Migrations without Prisma's native schema engine: its WebAssembly build runs on our own driver
// adapters (PGlite or pg). The folder layout is `prisma migrate`'s, so the regular CLI can read it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { Database } from './connect.server';

export const MIGRATIONS_DIR = path.resolve('prisma/migrations');
export const SCHEMA_PATH = path.resolve('prisma/schema.prisma');
const LOCKFILE = 'migration_lock.toml';
const NO_FILTER = { externalTables: [] as string[], externalEnums: [] as string[] };

type Engine = {
  applyMigrations(input: unknown): Promise<{ appliedMigrationNames: string[] }>;
  diff(input: unknown): Promise<{ exitCode: number; stdout: string | null }>;
  reset(input: unknown): Promise<void>;
  free(): void;
};

type EngineModule = { SchemaEngine: { new: (o: unknown, log: (m: string) => void, a: object) => Promise<Engine> } };
// One WebAssembly instance per process: the glue module is shared through Node's module cache,
// so a second instance would overwrite the first one's memory binding.
const holder = globalThis as typeof globalThis & { __ardSchemaEngine?: Promise<EngineModule> };

/** Loads the schema engine's WebAssembly by hand, as its own 5-line loader does (Node 20 has no wasm ESM imports). */
function loadSchemaEngine(): Promise<EngineModule> {
  holder.__ardSchemaEngine ??= (async () => {
    const require = createRequire(import.meta.url);
    const pkgDir = path.dirname(require.resolve('@prisma/schema-engine-wasm'));
    const bg = await import(path.join(pkgDir, 'schema_engine_bg.js'));
    const module = new WebAssembly.Module(readFileSync(path.join(pkgDir, 'schema_engine_bg.wasm')));
    const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': bg });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return bg as EngineModule;
  })();
  return holder.__ardSchemaEngine;
}

async function withEngine<T>(
  factory: SqlMigrationAwareDriverAdapterFactory,
  fn: (engine: Engine) => Promise<T>,
): Promise<T> {
  const { SchemaEngine } = await loadSchemaEngine();
  const schema = readFileSync(SCHEMA_PATH, 'utf8');
  const logs: string[] = [];
  const engine = await SchemaEngine.new(
    { datamodels: [[SCHEMA_PATH, schema]] },
    (msg: string) => logs.push(msg),
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  try {
    return await fn(engine);
  } finally {
    engine.free();
  }
}

export type MigrationFileEntry = { name: string; sql: string; checksum: string };

export function listMigrationFiles(dir = MIGRATIONS_DIR): MigrationFileEntry[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => {
      const sql = readFileSync(path.join(dir, d.name, 'migration.sql'), 'utf8');
      return { name: d.name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

function migrationsList(dir = MIGRATIONS_DIR) {
  const lockPath = path.join(dir, LOCKFILE);
  return {
    baseDir: dir,
    lockfile: { path: LOCKFILE, content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: listMigrationFiles(dir).map((m) => ({
      path: m.name,
      migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: m.sql } },
    })),
  };
}

export type MigrationStatus = {
  applied: string[];
  pending: string[];
  /** Applied migrations whose file changed since (checksum differs). */
  edited: string[];
  /** Recorded in the database but missing from prisma/migrations. */
  unknown: string[];
  failed: string[];
};

/** Reads `_prisma_migrations` directly: cheap enough for every start-up, no engine needed. */
export async function migrationStatus(db: Database): Promise<MigrationStatus> {
  const files = listMigrationFiles();
  const exists = await db.prisma.$queryRawUnsafe<{ t: string | null }[]>(
    `SELECT to_regclass('public._prisma_migrations')::text AS t`,
  );
  let rows: { migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null }[] = [];
  if (exists[0]?.t) {
    rows = await db.prisma.$queryRawUnsafe(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY started_at`,
    );
  }
  const done = new Map(
    rows.filter((r) => r.finished_at && !r.rolled_back_at).map((r) => [r.migration_name, r.checksum]),
  );
  const failed = rows.filter((r) => !r.finished_at && !r.rolled_back_at).map((r) => r.migration_name);
  const fileNames = new Set(files.map((f) => f.name));
  return {
    applied: files.filter((f) => done.has(f.name)).map((f) => f.name),
    pending: files.filter((f) => !done.has(f.name)).map((f) => f.name),
    edited: files.filter((f) => done.has(f.name) && done.get(f.name) !== f.checksum).map((f) => f.name),
    unknown: [...done.keys()].filter((n) => !fileNames.has(n)),
    failed,
  };
}

export async function applyMigrations(db: Database): Promise<string[]> {
  const result = await withEngine(db.adapterFactory, (engine) =>
    engine.applyMigrations({ migrationsList: migrationsList(), filters: NO_FILTER }),
  );
  return result.appliedMigrationNames;
}

/** Drops everything in the database (schema and data). */
export async function resetDatabase(db: Database): Promise<void> {
  await withEngine(db.adapterFactory, (engine) => engine.reset({ filter: NO_FILTER }));
}

/**
 * The SQL that takes the migration history to the current schema. The history is replayed on an
 * in-memory PGlite, so no shadow database server is needed, whatever DATABASE_URL says.
 */
export async function diffSchemaAgainstMigrations(): Promise<string> {
  const shadow = new PGlite();
  try {
    const factory = new PrismaPGlite(shadow);
    const schema = readFileSync(SCHEMA_PATH, 'utf8');
    const list = migrationsList();
    const result = await withEngine(factory, (engine) =>
      engine.diff({
        from: list.migrationDirectories.length ? { tag: 'migrations', ...list } : { tag: 'empty' },
        to: { tag: 'schemaDatamodel', files: [{ path: SCHEMA_PATH, content: schema }] },
        script: true,
        exitCode: false,
        shadowDatabaseUrl: null,
        filters: NO_FILTER,
      }),
    );
    return result.stdout ?? '';
  } finally {
    await shadow.close();
  }
}

export function isEmptyMigration(sql: string): boolean {
  return sql.replace(/--.*$/gm, '').trim() === '';
}

/** Writes prisma/migrations/<timestamp>_<name>/migration.sql; returns its folder, or null when nothing changed. */
export async function createMigration(name: string, now = new Date()): Promise<string | null> {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
  if (!slug) throw new Error('Give the migration a name: npm run db:migration -- <name>');
  const sql = await diffSchemaAgainstMigrations();
  if (isEmptyMigration(sql)) return null;
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const folder = path.join(MIGRATIONS_DIR, `${stamp}_${slug}`);
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, 'migration.sql'), sql);
  const lockPath = path.join(MIGRATIONS_DIR, LOCKFILE);
  if (!existsSync(lockPath)) {
    writeFileSync(
      lockPath,
      '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n',
    );
  }
  return folder;
}
