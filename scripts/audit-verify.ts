// npm run audit:verify [-- --head <id>:<hash>] — walks the hash chain of the audit log (embedded
// database, or DATABASE_URL). Exit 0: "Audit chain intact: N events; head <id>:<hash>". Exit 1: the
// first broken event and why. Exit 2: could not check. With --head (a head printed by an earlier run
// and kept outside the database), that event must still be in the chain, unchanged: events cut off at
// the end, which leave a shorter but whole chain, are found too.
import { openDatabase } from '~/db/connect.server';
import { verifyAuditChain } from '~/audit/audit.server';
import { describeChainReport } from '~/audit/audit-log.server';

function expectedHead(): { id: bigint; hash: string } | undefined {
  const i = process.argv.indexOf('--head');
  if (i < 0) return undefined;
  const m = /^(\d+):([0-9a-f]{64})$/.exec(process.argv[i + 1] ?? '');
  if (!m) throw new Error('--head takes <event id>:<64 hex characters>, as printed by an earlier run');
  return { id: BigInt(m[1]), hash: m[2] };
}

async function main() {
  const head = expectedHead();
  const db = await openDatabase(process.env.DATABASE_URL ? { url: process.env.DATABASE_URL, poolSize: 2, queryTimeoutMs: 0 } : {});
  try {
    console.log(`Database: ${db.kind} (${db.location})`);
    const { ok, message } = describeChainReport(await verifyAuditChain(db.prisma, 5000, head));
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
