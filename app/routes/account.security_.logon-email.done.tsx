import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { requireAllowed } from '~/auth/guards.server';
import { maskEmail } from '~/lib/masking';
import { CHANGE_DONE_SHOWN_MS } from '~/account/logon-email.server';

export const meta: MetaFunction = () => [{ title: 'Modification successful — Change logon email' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  // Like the other steps: only the account itself (never a RAM user, RAM role or SSO user) gets here.
  const { account } = await requireAllowed(request, context, 'change', 'LogonEmail');
  // Only right after a change: otherwise there is nothing to report.
  if (!account.logonEmailChangedAt || Date.now() - account.logonEmailChangedAt.getTime() > CHANGE_DONE_SHOWN_MS) throw redirect('/account/security');
  return { email: maskEmail(account.logonEmail), uid: account.uid, changedAt: account.logonEmailChangedAt?.toISOString() ?? null };
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
          <li>From now on, sign in with the new logon email. The original logon email no longer works for signing in.</li>
          <li>We sent a confirmation to the new address and a security notice to the original one.</li>
          <li>Your other sessions were signed out; this one stays signed in.</li>
          <li>Your UID, resources, RAM users, permissions and AccessKey pairs are unchanged.</li>
        </ul>
        <div className="actions">
          <Link className="button" to="/account/security">Back to Security Settings</Link>
          <Link to="/account">See your RAM users and AccessKeys</Link>
        </div>
      </div>
    </div>
  );
}
