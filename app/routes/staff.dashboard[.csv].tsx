// /staff/dashboard.csv?range=30d&series=filed — one of the dashboard's series as a CSV download (a resource route).
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { requireStaff } from '~/staff/session.server';
import { assertAllowed } from '~/auth/guards.server';
import { buildDashboard, csvSeriesSchema, readRange, seriesCsv } from '~/dashboard/model.server';
import { recordAuditEvent } from '~/audit/audit.server';
import { requestMeta } from '~/lib/request.server';

const plain = (status: number, text: string) =>
  new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { staff, ability } = await requireStaff(request, context);
  assertAllowed(ability, 'read', 'Report', { kind: 'desk' });
  const params = new URL(request.url).searchParams;
  const { range, error } = readRange(params);
  const series = csvSeriesSchema.safeParse(params.get('series') ?? '');
  if (error || !series.success) {
    return plain(
      400,
      `The request is not valid:\n${[error && `range: ${error}`, !series.success && `series: ${series.error.issues[0].message}`].filter(Boolean).join('\n')}\n`,
    );
  }
  // Exporting is audited like the audit log's export: on record before the figures are read.
  await recordAuditEvent(context.services.prisma, {
    actor: { type: 'staff', id: staff.id },
    action: 'dashboard.exported',
    meta: requestMeta(context, request),
    data: { range, series: series.data },
  });
  const now = new Date();
  const model = await buildDashboard(context.services.db, ability, staff.id, range, now);
  const stamp = now.toISOString().slice(0, 10);
  return new Response(seriesCsv(model, series.data), {
    status: 200,
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="dashboard-${series.data}-${range}-${stamp}.csv"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { ability } = await requireStaff(request, context);
  assertAllowed(ability, 'read', 'Report', { kind: 'desk' });
  return new Response('Method not allowed', { status: 405, headers: { Allow: 'GET' } });
}
