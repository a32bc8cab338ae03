import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { clearSessionCookie, readSessionToken, revokeSessionByToken } from '~/auth/session.server';
import { clearParentCookie, readParentToken } from '~/auth/role-session.server';
import { requestMeta } from '~/lib/request.server';

export async function loader() {
  return redirect('/');
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { prisma, config } = context.services;
  const token = await readSessionToken(config, request);
  const meta = requestMeta(context, request);
  if (token) await revokeSessionByToken(prisma, token, meta, 'signed-out');
  // Signing out of a role session signs out of the RAM user session behind it too.
  const parent = await readParentToken(config, request);
  if (parent) await revokeSessionByToken(prisma, parent, meta, 'role-session-ended');
  const headers = new Headers();
  headers.append('Set-Cookie', await clearSessionCookie(config));
  if (parent) headers.append('Set-Cookie', await clearParentCookie(config));
  return redirect('/login', { headers });
}
