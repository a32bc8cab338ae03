import type { MetaFunction } from '@remix-run/node';
import { Link } from '@remix-run/react';

export const meta: MetaFunction = () => [{ title: 'Account Recovery Desk' }];

export default function Index() {
  return (
    <>
      <h1>Account Recovery Desk</h1>
      <p className="lead">
        Change the logon email of your Alibaba Cloud account, or recover an account whose email or phone you lost.
      </p>
      <div className="card">
        <h2>Change your logon email</h2>
        <p>
          Sign in, open Security Settings and click <strong>Change</strong> next to Logon Account. You verify your
          identity with your secure phone or your current logon email, then prove the new address with a code.
        </p>
        <div className="actions">
          <Link className="button" to="/account/security">
            Go to Security Settings
          </Link>
          <Link to="/help/change-logon-email">Read the help page</Link>
        </div>
      </div>
      <div className="card">
        <h2>Lost your logon email or phone?</h2>
        <p>
          If you forgot your logon email, or can use neither your logon email nor your secure phone, file an appeal.
          Support checks it by hand and changes the logon email for you; you do not need to sign in.
        </p>
        <div className="actions">
          <Link className="button secondary" to="/appeals/new">
            Can&apos;t use your email or phone? File an appeal
          </Link>
        </div>
      </div>
      <div className="card">
        <h2>Changing the logon email does not change your account</h2>
        <p>
          Only the credential used to sign in changes. The account ID (UID), all resources, configurations, RAM users,
          permissions and AccessKey pairs are bound to the UID and stay as they are.
        </p>
      </div>
    </>
  );
}
