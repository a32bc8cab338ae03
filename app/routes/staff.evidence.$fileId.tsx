import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireStaff } from '~/staff/session.server';
import { denialReason } from '~/authz/ability';
import { forbidden } from '~/auth/guards.server';
import { requestMeta } from '~/lib/request.server';
import { viewEvidenceFile } from '~/appeals/evidence-view.server';

/** Evidence is served only here: to staff who may read it, with every view in the audit trail. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const member = await requireStaff(request, context);
  const reason = denialReason(member.ability, 'read', 'EvidenceFile');
  if (reason) throw forbidden(reason);
  const file = await viewEvidenceFile(
    context.services,
    params.fileId ?? '',
    member.staff.id,
    requestMeta(context, request),
  );
  if (!file.ok) throw new Response(file.message, { status: 404 });
  const safeName = file.originalName.replace(/[^\w.-]+/g, '_');
  return new Response(new Uint8Array(file.bytes), {
    headers: {
      'Content-Type': file.mimeType,
      'Content-Length': String(file.bytes.length),
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
