import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useNavigation, useSearchParams } from '@remix-run/react';
import { getCustomer } from '~/auth/guards.server';
import { LoginRefused, passwordAuthenticator } from '~/auth/login.server';
import { commitSessionCookie, createSession, safeRedirectPath } from '~/auth/session.server';
import { recordAudit } from '~/audit/audit.server';
import { requestMeta } from '~/lib/request.server';
import { FormError, TextField } from '~/components/form';
import { RESET_MESSAGES } from '~/account/messages';

export const meta: MetaFunction = () => [{ title: 'Sign in — Account Recovery Desk' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const customer = await getCustomer(request, context);
  if (customer) throw redirect(safeRedirectPath(new URL(request.url).searchParams.get('redirectTo')));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { services } = context;
  const meta = requestMeta(context, request);
  const form = await request.clone().formData();
  const login = String(form.get('login') ?? '').slice(0, 254);
  const redirectTo = safeRedirectPath(form.get('redirectTo'));
  try {
    const identity = await passwordAuthenticator(services, meta).authenticate('password', request);
    const { token, session } = await services.prisma.$transaction(async (tx) => {
      const created = await createSession(tx, { ...identity, ...meta });
      await recordAudit(tx, {
        actor: { type: 'customer', id: created.session.id },
        action: 'login.succeeded',
        accountUid: identity.accountUid,
        meta,
        data: { principalType: identity.principalType },
      });
      return created;
    });
    void session;
    return redirect(redirectTo, { headers: { 'Set-Cookie': await commitSessionCookie(services.config, token) } });
  } catch (err) {
    if (err instanceof LoginRefused) {
      return data({ error: err.message, login }, { status: err.kind === 'locked' ? 429 : 401 });
    }
    throw err;
  }
}

export default function Login() {
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const busy = navigation.state !== 'idle';
  return (
    <div className="narrow">
      <h1>Sign in</h1>
      <p className="lead">Account owners sign in with the logon email. RAM users sign in with name@&lt;UID&gt;.onaliyun.com.</p>
      {params.get('reset') === '1' && !result ? (
        <div className="notice ok" role="status">
          <p>{RESET_MESSAGES.done}</p>
        </div>
      ) : null}
      <div className="card">
        <FormError>{result?.error}</FormError>
        <Form method="post" noValidate>
          <input type="hidden" name="redirectTo" value={params.get('redirectTo') ?? ''} />
          <TextField label="Logon name" name="login" type="text" autoComplete="username" required defaultValue={result?.login ?? ''} autoFocus />
          <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
          <div className="actions">
            <button type="submit" disabled={busy}>
              {busy ? 'Signing in…' : 'Sign in'}
            </button>
          </div>
        </Form>
      </div>
      <ul className="small">
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
  );
}
