import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireStaff } from '~/staff/session.server';
import { denialReason } from '~/authz/ability';
import { forbidden } from '~/auth/guards.server';
import { recordAudit } from '~/audit/audit.server';
import { requestMeta } from '~/lib/request.server';
import { UUID } from '~/appeals/decisions.server';

/** Evidence is served only here: to staff who may read it, with every view in the audit trail. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const member = await requireStaff(request, context);
  const reason = denialReason(member.ability, 'read', 'EvidenceFile');
  if (reason) throw forbidden(reason);
  const id = params.fileId ?? '';
  const file = UUID.test(id)
    ? await context.services.prisma.evidenceFile.findUnique({
        where: { id },
        include: { appeal: { select: { id: true, accountUid: true, caseNumber: true } } },
      })
    : null;
  if (!file || file.deletedAt)
    throw new Response('This file does not exist or was deleted after the retention period.', { status: 404 });
  const bytes = await context.services.evidence.read(file.storedName).catch(() => null);
  if (!bytes) throw new Response('The file is missing from the evidence store.', { status: 404 });
  await context.services.prisma.$transaction((tx) =>
    recordAudit(tx, {
      actor: { type: 'staff', id: member.staff.id },
      action: 'evidence.viewed',
      accountUid: file.appeal.accountUid,
      appealId: file.appeal.id,
      meta: requestMeta(context, request),
      data: { caseNumber: file.appeal.caseNumber, fileId: file.id, kind: file.kind },
    }),
  );
  const safeName = file.originalName.replace(/[^\w.-]+/g, '_');
  return new Response(new Uint8Array(bytes), {
    headers: {
      'Content-Type': file.mimeType,
      'Content-Length': String(bytes.length),
      'Content-Disposition': `inline; filename="${safeName}"`,
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
      // Shown inside the case page (same origin) and nowhere else; nothing in it may run.
      'Content-Security-Policy':
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'",
      'X-Frame-Options': 'SAMEORIGIN',
    },
  });
}
