import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { endStaffSession, readStaffSession, staffCookie } from '~/staff/session.server';
import { requestMeta } from '~/lib/request.server';

export const loader = () => redirect('/staff/login');

export async function action({ request, context }: ActionFunctionArgs) {
  const session = await readStaffSession(context, request);
  if (session) await endStaffSession(context.services.prisma, session, requestMeta(context, request));
  return redirect('/staff/login', {
    headers: { 'Set-Cookie': await staffCookie(context.services.config).serialize('', { maxAge: 0 }) },
  });
}
