// The case page's presence: while it is open it beats (every VIEWER_HEARTBEAT_MS) and learns who else
// is looking; when it closes it says so (a beacon), so the others stop seeing the member at once.
import type { ActionFunctionArgs } from '@remix-run/node';
import { requireStaff } from '~/staff/session.server';
import { denialReason } from '~/authz/ability';
import { forbidden } from '~/auth/guards.server';
import { UUID } from '~/lib/ids';
import { othersLooking, recordCaseLeave, recordCaseView } from '~/appeals/viewers.server';

export async function action({ request, params, context }: ActionFunctionArgs) {
  // A beat is not the member's activity: it must not keep an idle session alive.
  const member = await requireStaff(request, context, { touch: false });
  if (denialReason(member.ability, 'read', 'Appeal')) throw forbidden('Your role does not include working on appeals.');
  const id = params.id ?? '';
  if (!UUID.test(id)) return new Response(null, { status: 404 });
  const { prisma, db } = context.services;
  const form = await request.formData();
  const now = new Date();
  if (form.get('intent') === 'leave') {
    await recordCaseLeave(prisma, id, member.staff.id, now);
    return new Response(null, { status: 204 });
  }
  await recordCaseView(prisma, id, member.staff.id, now);
  return Response.json({ viewers: await othersLooking(db, id, member.staff.id, now) }, { headers: { 'Cache-Control': 'no-store' } });
}

export function loader() {
  return new Response(null, { status: 405, headers: { Allow: 'POST' } });
}
