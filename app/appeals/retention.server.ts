// Evidence of decided appeals is deleted after the retention period; the case record and its audit stay.
import type { PrismaClient } from '~/generated/prisma/client';
import { recordAudit } from '~/audit/audit.server';
import type { EvidenceStore } from './evidence-store.server';

const CLOSED = ['APPROVED', 'REJECTED', 'WITHDRAWN', 'EXPIRED'] as const;

export async function purgeDecidedEvidence(
  prisma: PrismaClient,
  store: EvidenceStore,
  options: { retentionDays: number; now?: Date; batch?: number },
) {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.retentionDays * 24 * 3600_000);
  const appeals = await prisma.appeal.findMany({
    where: { status: { in: [...CLOSED] }, decidedAt: { lt: cutoff }, evidencePurgedAt: null },
    select: {
      id: true,
      accountUid: true,
      caseNumber: true,
      evidence: { where: { deletedAt: null }, select: { id: true, storedName: true } },
    },
    take: options.batch ?? 200,
  });
  let files = 0;
  for (const appeal of appeals) {
    // Files first: a crash between the two leaves rows pointing at missing files, which the next run finishes.
    for (const f of appeal.evidence) await store.remove(f.storedName);
    await prisma.$transaction(async (tx) => {
      await tx.evidenceFile.updateMany({ where: { appealId: appeal.id, deletedAt: null }, data: { deletedAt: now } });
      await tx.appeal.update({ where: { id: appeal.id }, data: { evidencePurgedAt: now } });
      await recordAudit(tx, {
        actor: { type: 'system', id: 'retention' },
        action: 'appeal.evidence_purged',
        accountUid: appeal.accountUid,
        appealId: appeal.id,
        data: { files: appeal.evidence.length, retentionDays: options.retentionDays },
      });
    });
    files += appeal.evidence.length;
  }
  return { appeals: appeals.length, files };
}
