// npm run audit:verify — walks the hash chain of the audit log (embedded database, or DATABASE_URL).
// Exit 0: "Audit chain intact: N events". Exit 1: the first broken event and why. Exit 2: could not check.
import { openDatabase } from '~/db/connect.server';
import { verifyAuditChain } from '~/audit/audit.server';
import { describeChainReport } from '~/audit/audit-log.server';

async function main() {
  const db = await openDatabase(process.env.DATABASE_URL ? { url: process.env.DATABASE_URL, poolSize: 2, queryTimeoutMs: 0 } : {});
  try {
    console.log(`Database: ${db.kind} (${db.location})`);
    const { ok, message } = describeChainReport(await verifyAuditChain(db.prisma));
    (ok ? console.log : console.error)(message);
    process.exitCode = ok ? 0 : 1;
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(`Could not verify the audit chain: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
});
