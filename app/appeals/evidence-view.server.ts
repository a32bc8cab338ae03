import type { Services } from '~/services.server';
import { recordAuditEvent, type RequestMeta } from '~/audit/audit.server';
import { UUID } from '~/lib/ids';

export type EvidenceView =
  { ok: true; bytes: Buffer; originalName: string; mimeType: string } | { ok: false; message: string };

/**
 * One evidence file for a member of staff who may read evidence (the caller checks that): its bytes, with the
 * view in the audit trail. A file deleted after the retention period, or missing from the store, is not found.
 */
export async function viewEvidenceFile(
  services: Pick<Services, 'prisma' | 'evidence'>,
  fileId: string,
  staffId: string,
  meta: RequestMeta,
): Promise<EvidenceView> {
  const file = UUID.test(fileId)
    ? await services.prisma.evidenceFile.findUnique({
        where: { id: fileId },
        include: { appeal: { select: { id: true, accountUid: true, caseNumber: true } } },
      })
    : null;
  if (!file || file.deletedAt)
    return { ok: false, message: 'This file does not exist or was deleted after the retention period.' };
  const bytes = await services.evidence.read(file.storedName).catch(() => null);
  if (!bytes) return { ok: false, message: 'The file is missing from the evidence store.' };
  await recordAuditEvent(services.prisma, {
    actor: { type: 'staff', id: staffId },
    action: 'evidence.viewed',
    accountUid: file.appeal.accountUid,
    appealId: file.appeal.id,
    meta,
    data: { caseNumber: file.appeal.caseNumber, fileId: file.id, kind: file.kind },
  });
  return { ok: true, bytes, originalName: file.originalName, mimeType: file.mimeType };
}
