import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { readStaffSession, staffCookie } from '~/staff/session.server';
import { recordAudit } from '~/audit/audit.server';
import { requestMeta } from '~/lib/request.server';

export const loader = () => redirect('/staff/login');

export async function action({ request, context }: ActionFunctionArgs) {
  const session = await readStaffSession(context, request);
  if (session) {
    await context.services.prisma.$transaction(async (tx) => {
      const ended = await tx.staffSession.updateMany({
        where: { id: session.id, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      if (ended.count)
        await recordAudit(tx, {
          actor: { type: 'staff', id: session.staffId },
          action: 'staff.logout',
          meta: requestMeta(context, request),
          data: {},
        });
    });
  }
  return redirect('/staff/login', {
    headers: { 'Set-Cookie': await staffCookie(context.services.config).serialize('', { maxAge: 0 }) },
  });
}
