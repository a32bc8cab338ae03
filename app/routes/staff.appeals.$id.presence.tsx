// The case page's presence: while it is open it beats (every VIEWER_HEARTBEAT_MS) and learns who else
// is looking; when it closes it says so (a beacon), so the others stop seeing the member at once.
// Between beats it polls (GET, every CASE_POLL_MS) the case's version and who is looking, to learn
// within seconds that someone else changed the case.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { requireStaff } from '~/staff/session.server';
import { denialReason } from '~/authz/ability';
import { forbidden } from '~/auth/guards.server';
import { UUID } from '~/lib/ids';
import { caseLive, recordCaseLeave, recordCaseView } from '~/appeals/viewers.server';

const NO_STORE = { 'Cache-Control': 'no-store' };

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
  return Response.json(await caseLive(db, id, member.staff.id, now), { headers: NO_STORE });
}

/** The poll: reads only (no presence written, the session not kept alive). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const member = await requireStaff(request, context, { touch: false });
  if (denialReason(member.ability, 'read', 'Appeal')) throw forbidden('Your role does not include working on appeals.');
  const id = params.id ?? '';
  if (!UUID.test(id)) return new Response(null, { status: 404 });
  return Response.json(await caseLive(context.services.db, id, member.staff.id), { headers: NO_STORE });
}
