import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { clearSessionCookie, readSessionToken, revokeSessionByToken } from '~/auth/session.server';

export async function loader() {
  return redirect('/');
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { prisma, config } = context.services;
  const token = await readSessionToken(config, request);
  if (token) await revokeSessionByToken(prisma, token);
  return redirect('/login', { headers: { 'Set-Cookie': await clearSessionCookie(config) } });
}
