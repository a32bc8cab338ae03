// npm run db:backup -- <file>             the database (embedded, or DATABASE_URL) and the evidence files, in one .tar.gz
// npm run db:restore -- <file> [--force]  into an empty database and evidence folder (--force replaces what is there)
// The folders are DATA_DIR (default ./data) and EVIDENCE_DIR (default DATA_DIR/evidence), as for the portal.
import path from 'node:path';
import { backup, restore } from '~/db/backup.server';

const [command, ...rest] = process.argv.slice(2);
const force = rest.includes('--force');
const file = rest.find((a) => !a.startsWith('--'));
const usage = 'usage: npm run db:backup -- <file.tar.gz>   |   npm run db:restore -- <file.tar.gz> [--force]';

async function main() {
  if ((command !== 'backup' && command !== 'restore') || !file) {
    console.error(usage);
    process.exitCode = 2;
    return;
  }
  const env = process.env;
  const target = {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.DATA_DIR || 'data'),
    evidenceDir: path.resolve(env.EVIDENCE_DIR || path.join(env.DATA_DIR || 'data', 'evidence')),
  };
  if (command === 'backup') await backup(target, file);
  else await restore(target, file, { force });
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
