import { ShortDate } from '~/components/hydrated';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { assertAllowed, requireCustomer } from '~/auth/guards.server';
import { denialReason } from '~/authz/ability';
import { signOutOtherSessions } from '~/auth/session.server';
import { maskEmail, maskPhone } from '~/lib/masking';
import { requestMeta } from '~/lib/request.server';
import { FormStatus } from '~/components/form';

export const meta: MetaFunction = () => [{ title: 'Security Settings — Account Recovery Desk' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { account, ability, principal, otherSessions } = await requireCustomer(request, context);
  assertAllowed(ability, 'read', 'Account', { uid: account.uid });
  const own = { accountUid: account.uid };
  return {
    uid: account.uid,
    principalKind: principal.kind,
    logonEmail: maskEmail(account.logonEmail),
    securePhone: maskPhone(account.securePhone),
    passwordChangedAt: account.passwordChangedAt?.toISOString() ?? null,
    changeEmailDenied: denialReason(ability, 'change', 'LogonEmail', own),
    changePhoneDenied: denialReason(ability, 'change', 'SecurePhone', own),
    changePasswordDenied: denialReason(ability, 'change', 'Password', own),
    otherSessions,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { account, ability, session } = await requireCustomer(request, context);
  assertAllowed(ability, 'manage', 'Session', { accountUid: account.uid });
  const form = await request.formData();
  if (form.get('intent') !== 'sign-out-others') return data({ message: 'Unknown request.' }, { status: 400 });
  const meta = requestMeta(context, request);
  const count = await signOutOtherSessions(context.services.prisma, session, meta);
  return { message: count === 1 ? 'Signed out 1 other session.' : `Signed out ${count} other sessions.` };
}

export default function SecuritySettings() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <h1>Security Settings</h1>
      <p className="lead">Account ID (UID) {d.uid}</p>
      <FormStatus>{result?.message}</FormStatus>
      <div className="card">
        <ul className="settings">
          <li>
            <span className="label">Account ID (UID)</span>
            <span className="mono">{d.uid}</span>
            <span className="muted small">Never changes</span>
          </li>
          <li>
            <span className="label">Logon Account</span>
            <span>{d.logonEmail}</span>
            {d.changeEmailDenied ? (
              <span className="notice warn small" role="note" data-testid="change-email-denied">
                {d.changeEmailDenied}
              </span>
            ) : (
              <Link className="button" to="/account/security/logon-email" aria-label="Change logon email">
                Change
              </Link>
            )}
          </li>
          <li>
            <span className="label">Secure Phone</span>
            <span>{d.securePhone ?? <span className="muted">Not set</span>}</span>
            <span className="muted small" data-testid="change-phone-denied">
              {d.changePhoneDenied ?? ''}
            </span>
          </li>
          <li>
            <span className="label">Password</span>
            <span data-testid="password-changed">
              {d.passwordChangedAt ? (
                <>
                  Changed <ShortDate iso={d.passwordChangedAt} />
                </>
              ) : (
                '••••••••••'
              )}
            </span>
            <span className="muted small" data-testid="change-password-denied">
              {d.changePasswordDenied ?? 'Forgot it? Use “Forgot password” on the sign-in page.'}
            </span>
          </li>
        </ul>
      </div>
      <div className="card">
        <h2>Sessions</h2>
        <p>
          {d.otherSessions === 0
            ? 'You are not signed in anywhere else.'
            : `You are also signed in ${d.otherSessions === 1 ? 'in 1 other place' : `in ${d.otherSessions} other places`}.`}
        </p>
        <Form method="post">
          <input type="hidden" name="intent" value="sign-out-others" />
          <button type="submit" className="secondary">
            Sign out other sessions
          </button>
        </Form>
      </div>
    </>
  );
}
