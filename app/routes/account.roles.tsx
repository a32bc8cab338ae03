import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { Form, useLoaderData } from '@remix-run/react';
import { requireAllowed } from '~/auth/guards.server';
import { ROLE_SESSION_MS, commitSessionCookie } from '~/auth/session.server';
import { assumableRoles, assumeRole, commitParentCookie, readParentToken } from '~/auth/role-session.server';
import { readSessionToken } from '~/auth/session.server';
import { requestMeta } from '~/lib/request.server';

export const meta: MetaFunction = () => [{ title: 'Switch role — Account Recovery Desk' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { account, session } = await requireAllowed(request, context, 'switch', 'RamRole');
  const roles = await assumableRoles(context.services.prisma, account.uid, session.ramUserId!);
  return {
    uid: account.uid,
    user: session.ramUser?.name ?? '',
    sso: session.principalType === 'SSO_USER' ? (session.ssoName ?? session.ssoSubject) : null,
    roles,
    minutes: ROLE_SESSION_MS / 60_000,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { services } = context;
  const { session } = await requireAllowed(request, context, 'switch', 'RamRole');
  const form = await request.formData();
  const { token } = await assumeRole(services, session, form.get('roleId'), requestMeta(context, request));
  const headers = new Headers();
  headers.append('Set-Cookie', await commitSessionCookie(services.config, token));
  // Keep the RAM user session's token for "Back to RAM user" (a second switch keeps the first parent).
  const parentToken =
    (await readParentToken(services.config, request)) ?? (await readSessionToken(services.config, request));
  if (parentToken) headers.append('Set-Cookie', await commitParentCookie(services.config, parentToken));
  return redirect('/account/security', { headers });
}

export default function SwitchRole() {
  const d = useLoaderData<typeof loader>();
  return (
    <div className="narrow">
      <h1>Switch role</h1>
      <p className="lead">
        {d.sso ? (
          <>
            Signed in with single sign-on as <strong>{d.sso}</strong> (RAM user <strong>{d.user}</strong>) of account{' '}
            <span className="mono">{d.uid}</span>.
          </>
        ) : (
          <>
            Signed in as RAM user <strong>{d.user}</strong> of account <span className="mono">{d.uid}</span>.
          </>
        )}{' '}
        A role session lasts {d.minutes} minutes; “Back to {d.sso ? 'SSO user' : 'RAM user'}” returns to this session.
      </p>
      {d.roles.length ? (
        <table aria-label="Roles you may assume">
          <thead>
            <tr>
              <th scope="col">Role</th>
              <th scope="col">Description</th>
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {d.roles.map((r) => (
              <tr key={r.id}>
                <td>{r.name}</td>
                <td>{r.description}</td>
                <td>
                  <Form method="post">
                    <input type="hidden" name="roleId" value={r.id} />
                    <button type="submit" aria-label={`Switch to ${r.name}`}>
                      Switch
                    </button>
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <div className="notice" role="note">
          <p>There is no role you may assume. The account owner decides which RAM users may assume which roles.</p>
        </div>
      )}
    </div>
  );
}
