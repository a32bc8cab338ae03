import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { requireCustomer } from '~/auth/guards.server';
import { clearSessionCookie, commitSessionCookie } from '~/auth/session.server';
import { clearParentCookie, leaveRole, readParentToken } from '~/auth/role-session.server';
import { requestMeta } from '~/lib/request.server';

export async function loader() {
  return redirect('/account/security');
}

// POST /account/roles/back — "Back to RAM user": ends the role session, returns to its parent.
export async function action({ request, context }: ActionFunctionArgs) {
  const { services } = context;
  const { session } = await requireCustomer(request, context);
  if (session.principalType !== 'RAM_ROLE') return redirect('/account/security');
  const back = await leaveRole(
    services,
    session,
    await readParentToken(services.config, request),
    requestMeta(context, request),
  );
  const headers = new Headers();
  headers.append('Set-Cookie', await clearParentCookie(services.config));
  if (!back) {
    headers.append('Set-Cookie', await clearSessionCookie(services.config));
    return redirect('/login?role_ended=1', { headers });
  }
  headers.append('Set-Cookie', await commitSessionCookie(services.config, back));
  return redirect('/account/security', { headers });
}
