// The embedded database (PGlite) can be open in one process only: a second one (a command run while
// the portal serves) fails with "Aborted()" or worse. The portal leaves a note in the data folder while
// it runs; commands read it and say what to do instead.
import path from 'node:path';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { openDatabase, type Database } from './connect.server';

export type RunningPortal = { pid: number; url: string; startedAt: string };

/** The embedded database's folder: DATA_DIR/pglite (default ./data/pglite), as the portal opens it. */
export function embeddedDatabaseDir(env: Record<string, string | undefined> = process.env): string {
  return path.join(env.DATA_DIR ?? path.resolve('data'), 'pglite');
}

const noteFor = (databaseDir: string) => `${databaseDir}.portal.json`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The portal process that has this embedded database open, if one does (a note left by a process that died is ignored). */
export function portalRunningOn(databaseDir: string): RunningPortal | null {
  const note = noteFor(databaseDir);
  if (!existsSync(note)) return null;
  try {
    const running = JSON.parse(readFileSync(note, 'utf8')) as RunningPortal;
    return Number.isInteger(running.pid) && running.pid !== process.pid && alive(running.pid) ? running : null;
  } catch {
    return null;
  }
}

/** Marks the embedded database as held by this portal; returns the release. */
export function holdEmbeddedDatabase(databaseDir: string, url: string): () => void {
  const note = noteFor(databaseDir);
  writeFileSync(
    note,
    JSON.stringify({ pid: process.pid, url, startedAt: new Date().toISOString() } satisfies RunningPortal),
  );
  return () => rmSync(note, { force: true });
}

export class DatabaseBusy extends Error {}

/**
 * The database a command works on: DATABASE_URL, else the embedded one under DATA_DIR — refused, with
 * what to do instead, while a portal has it open (`instead` says it for this command).
 */
export async function openCommandDatabase(
  options: {
    env?: Record<string, string | undefined>;
    poolSize?: number;
    instead?: (portal: RunningPortal) => string;
  } = {},
): Promise<Database> {
  const env = options.env ?? process.env;
  if (env.DATABASE_URL) return openDatabase({ url: env.DATABASE_URL, poolSize: options.poolSize, queryTimeoutMs: 0 });
  const dir = embeddedDatabaseDir(env);
  const portal = portalRunningOn(dir);
  if (portal) {
    throw new DatabaseBusy(
      `The portal (process ${portal.pid}, ${portal.url}) has the embedded database ${dir} open, and an embedded database can be open in one process only.\n` +
        (options.instead?.(portal) ??
          'Stop the portal (Ctrl+C where npm start runs), run this command, then start the portal again.'),
    );
  }
  try {
    return await openDatabase({ dataDir: dir });
  } catch (err) {
    if (/Aborted/.test((err as Error).message)) {
      throw new DatabaseBusy(
        `The embedded database ${dir} could not be opened (${(err as Error).message}): another process probably has it open. Stop it (a portal started with npm start) and run this command again.`,
      );
    }
    throw err;
  }
}
