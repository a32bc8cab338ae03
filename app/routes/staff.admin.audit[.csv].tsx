// /staff/admin/audit.csv — the filtered audit log as a CSV download (a resource route).
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { requireStaff } from '~/staff/session.server';
import { assertAllowed } from '~/auth/guards.server';
import { activeFilters, auditCsvStream, auditQuery, readAuditFilters } from '~/audit/audit-log.server';
import { recordAuditEvent, sealAll } from '~/audit/audit.server';
import { requestMeta } from '~/lib/request.server';

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { staff, ability } = await requireStaff(request, context);
  assertAllowed(ability, 'read', 'AuditEvent');
  const { prisma } = context.services;
  const filters = readAuditFilters(new URL(request.url).searchParams);
  const { where, errors } = await auditQuery(prisma, ability, filters);
  if (Object.keys(errors).length) {
    return new Response(
      `The filters are not valid:\n${Object.entries(errors)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n')}\n`,
      { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' } },
    );
  }
  // Exporting is itself audited — before the rows are read, so the export is on record even if it breaks off.
  await recordAuditEvent(prisma, {
    actor: { type: 'staff', id: staff.id },
    action: 'audit.exported',
    meta: requestMeta(context, request),
    data: { filters: activeFilters(filters) },
  });
  // Every exported row carries its place in the chain (hash and link), so an export can be checked later.
  await sealAll(prisma, true);
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return new Response(auditCsvStream(prisma, where), {
    status: 200,
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="audit-${stamp}.csv"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { ability } = await requireStaff(request, context);
  assertAllowed(ability, 'read', 'AuditEvent');
  return new Response('Method not allowed', { status: 405, headers: { Allow: 'GET' } });
}
