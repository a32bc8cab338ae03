import type { Database } from '~/db/connect.server';
import { applyMigrations, migrationStatus } from '~/db/migrator.server';
import { seedDemoData } from '~/demo/seed.server';
import { seedHistory } from '~/demo/history-seed.server';
import type { PortalMode } from '~/config.server';
import type { KeyMaterial } from '~/lib/crypto.server';

export class StartupError extends Error {}

/**
 * Embedded database: bring it up to date, and fill an empty one with the demo data (outside production).
 * PostgreSQL: never migrate behind the operator's back — refuse to serve, and say which command fixes it.
 */
export async function prepareDatabase(
  db: Database,
  mode: PortalMode,
  log: (m: string) => void = console.log,
  encryptionKeys?: KeyMaterial,
): Promise<void> {
  let status;
  try {
    status = await migrationStatus(db);
  } catch (err) {
    throw new StartupError(`Cannot reach the database (${db.kind}, ${db.location}): ${(err as Error).message}`);
  }
  if (db.kind === 'pglite') {
    if (status.pending.length) {
      log(`Applying ${status.pending.length} migration(s) to the embedded database…`);
      await applyMigrations(db);
    }
    if (mode !== 'production' && (await db.prisma.account.count()) === 0) {
      log('Empty embedded database: loading the demo data…');
      log(await seedDemoData(db.prisma, { encryptionKeys }));
      // The demo shows a living dashboard from the first sign-in.
      if (mode === 'demo') log(await seedHistory(db));
    }
    return;
  }
  const problems: string[] = [];
  if (status.pending.length)
    problems.push(`${status.pending.length} unapplied migration(s): ${status.pending.join(', ')}`);
  if (status.failed.length) problems.push(`failed migration(s): ${status.failed.join(', ')}`);
  if (status.edited.length) problems.push(`migration(s) edited after they were applied: ${status.edited.join(', ')}`);
  if (problems.length) {
    throw new StartupError(
      `The database at ${db.location} is not ready: ${problems.join('; ')}.\n` +
        `Run: DATABASE_URL=<the same URL> npm run db:migrate   (npm run db:status shows the details)`,
    );
  }
}
