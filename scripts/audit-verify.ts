// npm run audit:verify [-- --head <id>:<hash>] — walks the hash chain of the audit log (embedded
// database under DATA_DIR, or DATABASE_URL; while the portal has the embedded one open, it says how to verify through the portal). Exit 0: "Audit chain intact: N events; head <id>:<hash>". Exit 1: the
// first broken event and why. Exit 2: could not check. With --head (a head printed by an earlier run
// and kept outside the database), that event must still be in the chain, unchanged: events cut off at
// the end, which leave a shorter but whole chain, are found too.
import { openCommandDatabase, type RunningPortal } from '~/db/embedded-lock.server';
import { verifyAuditChain } from '~/audit/audit.server';
import { describeChainReport } from '~/audit/audit-log.server';

function expectedHead(): { id: bigint; hash: string } | undefined {
  const i = process.argv.indexOf('--head');
  if (i < 0) return undefined;
  const m = /^(\d+):([0-9a-f]{64})$/.exec(process.argv[i + 1] ?? '');
  if (!m) throw new Error('--head takes <event id>:<64 hex characters>, as printed by an earlier run');
  return { id: BigInt(m[1]), hash: m[2] };
}

const throughThePortal = (portal: RunningPortal) =>
  `Verify through the running portal instead: sign in at ${portal.url}/staff/login as an administrator and press "Verify the chain" on ${portal.url}/staff/admin/audit ` +
  `(it opens ${portal.url}/staff/admin/audit/verify${process.argv.includes('--head') ? '?head=<id>:<hash>' : ''}). Or stop the portal (Ctrl+C where npm start runs) and run npm run audit:verify again.`;

async function main() {
  const head = expectedHead();
  const db = await openCommandDatabase({ poolSize: 2, instead: throughThePortal });
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
