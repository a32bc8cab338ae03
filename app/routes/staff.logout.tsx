import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { readStaffSession, staffCookie } from '~/staff/session.server';

export const loader = () => redirect('/staff/login');

export async function action({ request, context }: ActionFunctionArgs) {
  const session = await readStaffSession(context, request);
  if (session) await context.services.prisma.staffSession.update({ where: { id: session.id }, data: { revokedAt: new Date() } });
  return redirect('/staff/login', { headers: { 'Set-Cookie': await staffCookie(context.services.config).serialize('', { maxAge: 0 }) } });
}
