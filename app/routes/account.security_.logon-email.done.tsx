import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { requireAllowed } from '~/auth/guards.server';
import { changedInThisSession } from '~/account/logon-email.server';

export const meta: MetaFunction = () => [{ title: 'Modification successful — Change logon email' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  // Like the other steps: only the account itself (never a RAM user, RAM role or SSO user) gets here.
  const { account, session } = await requireAllowed(request, context, 'change', 'LogonEmail');
  // Only right after a change, and only in the session that made it (it typed the address, so it sees
  // it whole): any other session of the owner has nothing to report here and gets Security Settings.
  if (!(await changedInThisSession(context.services.prisma, account, session.id))) throw redirect('/account/security');
  return { email: account.logonEmail, uid: account.uid, changedAt: account.logonEmailChangedAt?.toISOString() ?? null };
}

export default function Done() {
  const d = useLoaderData<typeof loader>();
  return (
    <div className="narrow">
      <h1>Modification successful</h1>
      <div className="notice ok" role="status">
        <p>
          The logon email of account <span className="mono">{d.uid}</span> is now <strong>{d.email}</strong>.
        </p>
      </div>
      <div className="card">
        <ul>
          <li>
            From now on, sign in with the new logon email. The original logon email no longer works for signing in.
          </li>
          <li>We sent a confirmation to the new address and a security notice to the original one.</li>
          <li>Your other sessions were signed out; this one stays signed in.</li>
          <li>Your UID, resources, RAM users, permissions and AccessKey pairs are unchanged.</li>
        </ul>
        <div className="actions">
          <Link className="button" to="/account/security">
            Back to Security Settings
          </Link>
          <Link to="/account">See your RAM users and AccessKeys</Link>
        </div>
      </div>
    </div>
  );
}
