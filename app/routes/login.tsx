import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { getCustomer } from '~/auth/guards.server';
import { LoginRefused, passwordAuthenticator, startSignedInSession } from '~/auth/login.server';
import { clearSessionCookie, commitSessionCookie, safeRedirectPath } from '~/auth/session.server';
import { signedOutReason, SIGNED_OUT_MESSAGES } from '~/auth/signed-out.server';
import { requestMeta } from '~/lib/request.server';
import { ErrorFocus, FormError, FormStatus, TextField, usePasswordsEmptiedOn } from '~/components/form';
import { RESET_MESSAGES } from '~/account/messages';
import { ssoEntryFor } from '~/sso/sso.server';
import { isSsoFailureCode, SSO_FAILURES, type SsoFailureCode } from '~/sso/messages';

export const meta: MetaFunction = () => [{ title: 'Sign in — Account Recovery Desk' }];

/** A refused sign-in tells when to try again in the page's own answer too. */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get('Retry-After');
  return retryAfter ? { 'Retry-After': retryAfter } : new Headers();
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const customer = await getCustomer(request, context);
  const url = new URL(request.url);
  if (customer) throw redirect(safeRedirectPath(url.searchParams.get('redirectTo')));
  // "Sign in with SSO": the account (UID or alias) first; then a link to that account's IdP.
  const failure = url.searchParams.get('sso_error');
  let ssoError: SsoFailureCode | null = isSsoFailureCode(failure) ? failure : null;
  let sso: { account: string; idpHost: string; startHref: string } | null = null;
  let ssoAccount = '';
  if (url.searchParams.has('sso_account')) {
    const entry = await ssoEntryFor(context.services, context.clientIp, url.searchParams.get('sso_account'));
    ssoAccount = entry.accountRef;
    if (entry.ok) {
      const start = new URLSearchParams({ account: entry.accountRef });
      const redirectTo = url.searchParams.get('redirectTo');
      if (redirectTo) start.set('redirectTo', safeRedirectPath(redirectTo));
      sso = {
        account: entry.accountRef,
        idpHost: new URL(entry.provider.issuer).host,
        startHref: `/sso/start?${start}`,
      };
    } else {
      ssoError ??= entry.code;
    }
  }
  // A session ended by a change of the logon email or a password reset is told why, once: the ended
  // session's cookie is cleared with the answer.
  const reason = await signedOutReason(context.services.prisma, context.services.config, request);
  const headers = new Headers();
  if (reason) headers.append('Set-Cookie', await clearSessionCookie(context.services.config));
  return data(
    {
      sso,
      ssoAccount,
      ssoError: ssoError ? SSO_FAILURES[ssoError] : null,
      roleEnded: url.searchParams.get('role_ended') === '1',
      signedOut: reason ? SIGNED_OUT_MESSAGES[reason] : null,
    },
    { headers },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { services } = context;
  const meta = requestMeta(context, request);
  const form = await request.clone().formData();
  const login = String(form.get('login') ?? '').slice(0, 254);
  const redirectTo = safeRedirectPath(form.get('redirectTo'));
  try {
    const identity = await passwordAuthenticator(services, meta).authenticate('password', request);
    const token = await startSignedInSession(services.prisma, identity, meta);
    return redirect(redirectTo, { headers: { 'Set-Cookie': await commitSessionCookie(services.config, token) } });
  } catch (err) {
    if (err instanceof LoginRefused) {
      if (err.kind === 'throttled')
        return data(
          { error: err.message, login },
          { status: 429, headers: { 'Retry-After': String(err.retryAfterSec ?? 60) } },
        );
      return data({ error: err.message, login }, { status: 401 });
    }
    throw err;
  }
}

export default function Login() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const busy = navigation.state !== 'idle';
  // A refused password is not offered again; the logon name stays.
  const passwordForm = usePasswordsEmptiedOn(result);
  return (
    <ErrorFocus answer={result}>
      <div className="narrow">
        <h1>Sign in</h1>
        <p className="lead">
          Account owners sign in with the logon email. RAM users sign in with name@&lt;UID&gt;.onaliyun.com.
        </p>
        {d.signedOut && !result ? (
          <div className="notice warn" role="status" data-testid="signed-out-reason">
            <p>{d.signedOut}</p>
          </div>
        ) : null}
        {d.roleEnded && !result ? (
          <div className="notice" role="status">
            <p>Your role session has ended and the RAM user session behind it is no longer active. Sign in again.</p>
          </div>
        ) : null}
        <FormStatus>
          {params.get('reset') === '1' && !result
            ? RESET_MESSAGES.done
            : params.get('password') === 'set' && !result
              ? 'Your password is set. Sign in with your logon email and the new password.'
              : null}
        </FormStatus>
        <div className="card">
          <FormError>{result?.error}</FormError>
          <Form method="post" noValidate ref={passwordForm}>
            <input type="hidden" name="redirectTo" value={params.get('redirectTo') ?? ''} />
            <TextField
              label="Logon name"
              name="login"
              type="text"
              autoComplete="username"
              required
              defaultValue={result?.login ?? ''}
              autoFocus={!result && !d.sso && !d.ssoError}
            />
            <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
            <div className="actions">
              <button type="submit" disabled={busy}>
                {busy ? 'Signing in…' : 'Sign in'}
              </button>
            </div>
          </Form>
        </div>
        <div className="card" id="sso">
          <h2>Sign in with SSO</h2>
          <p className="small muted">
            For RAM users and roles of an account that signs in through its enterprise identity provider (OpenID
            Connect).
          </p>
          {d.ssoError ? (
            <div className="notice error" role="alert" data-testid="sso-error">
              <p>{d.ssoError}</p>
            </div>
          ) : null}
          {d.sso ? (
            <>
              <p>
                Account <strong>{d.sso.account}</strong> signs in at <strong className="mono">{d.sso.idpHost}</strong>.
              </p>
              <div className="actions">
                <a className="button" href={d.sso.startHref}>
                  Continue to your identity provider
                </a>
                <Link to="/login" className="button secondary">
                  Another account
                </Link>
              </div>
            </>
          ) : (
            <Form method="get" action="/login" noValidate>
              <input type="hidden" name="redirectTo" value={params.get('redirectTo') ?? ''} />
              <TextField
                label="Account UID or alias"
                name="sso_account"
                type="text"
                autoComplete="organization"
                defaultValue={d.ssoAccount}
                hint="The 16-digit account ID, or the account alias your administrator gave you."
              />
              <div className="actions">
                <button type="submit" className="secondary">
                  Continue with SSO
                </button>
              </div>
            </Form>
          )}
        </div>
        <ul className="small link-list">
          <li>
            <Link to="/password-reset">Forgot password?</Link>
          </li>
          <li>
            <Link to="/appeals/new?scenario=FORGOT_LOGON_EMAIL">Forgot your logon email?</Link>
          </li>
          <li>
            <Link to="/appeals/new?scenario=EMAIL_AND_PHONE_UNAVAILABLE">Can&apos;t use your email or phone?</Link>
          </li>
          <li>
            <Link to="/help/change-logon-email">How do I change my logon email?</Link>
          </li>
        </ul>
      </div>
    </ErrorFocus>
  );
}
