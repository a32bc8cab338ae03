// npm run db:migrate | db:migration -- <name> | db:status | db:seed [-- --history] | db:reset
// Works on the embedded database (DATA_DIR/pglite, default ./data/pglite) or on DATABASE_URL, without Prisma's native engines.
import { openCommandDatabase } from '~/db/embedded-lock.server';
import { encryptionKeysFrom } from '~/config.server';
import { applyMigrations, createMigration, migrationStatus, resetDatabase } from '~/db/migrator.server';
import { seedDemoData } from '~/demo/seed.server';
import { seedHistory } from '~/demo/history-seed.server';

const [command, ...args] = process.argv.slice(2);

async function main() {
  switch (command) {
    case 'migration': {
      const name = args.join('_');
      const folder = await createMigration(name);
      console.log(
        folder
          ? `Wrote ${folder}/migration.sql — review it, then npm run db:migrate`
          : 'The schema matches the migration history: no migration written.',
      );
      return;
    }
    case 'migrate':
    case 'status':
    case 'seed':
    case 'reset':
      break;
    default:
      console.error('usage: tsx scripts/db.ts migrate | migration <name> | status | seed | reset');
      process.exitCode = 2;
      return;
  }
  const db = await openCommandDatabase();
  try {
    console.log(`Database: ${db.kind} (${db.location})`);
    if (command === 'migrate') {
      const applied = await applyMigrations(db);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'No pending migrations.');
    } else if (command === 'status') {
      const s = await migrationStatus(db);
      console.log(`Applied: ${s.applied.length}  Pending: ${s.pending.length}`);
      for (const name of s.pending) console.log(`  pending  ${name}`);
      for (const name of s.edited) console.log(`  EDITED after it was applied  ${name}`);
      for (const name of s.unknown) console.log(`  applied but missing from prisma/migrations  ${name}`);
      for (const name of s.failed) console.log(`  FAILED  ${name}`);
      if (s.pending.length) console.log('Run npm run db:migrate to apply the pending migrations.');
      if (s.pending.length || s.edited.length || s.failed.length) process.exitCode = 1;
    } else if (command === 'seed') {
      const report = await seedDemoData(db.prisma, { encryptionKeys: encryptionKeysFrom() });
      console.log(report);
      // --history: a few hundred appeals over the last 90 days, for the dashboard.
      if (process.argv.includes('--history')) console.log(await seedHistory(db));
    } else if (command === 'reset') {
      await resetDatabase(db);
      const applied = await applyMigrations(db);
      console.log(`Reset. Applied: ${applied.join(', ')}`);
      console.log(await seedDemoData(db.prisma, { encryptionKeys: encryptionKeysFrom() }));
    }
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
