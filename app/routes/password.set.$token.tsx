import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { readSetPasswordLink, setPasswordFromLink, SET_PASSWORD_ENDED } from '~/account/set-password.server';
import { setPasswordSchema } from '~/staff/admin-schema';
import { PASSWORD_RULES } from '~/auth/password.server';
import { requestMeta } from '~/lib/request.server';
import { ErrorFocus, FormError, TextField, usePasswordsEmptiedOn } from '~/components/form';
import { fieldErrorsOf } from '~/lib/form-errors';

export const meta: MetaFunction = () => [
  { title: 'Set your password — Account Recovery Desk' },
  { name: 'robots', content: 'noindex' },
  { name: 'referrer', content: 'same-origin' },
];

/** The link mailed to the new logon email after an appeal's handover: the account's first password. */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const link = await readSetPasswordLink(context.services, params.token ?? '');
  return link.state === 'live'
    ? { live: true as const, email: link.emailMasked, rules: PASSWORD_RULES }
    : { live: false as const, message: SET_PASSWORD_ENDED[link.state] };
}

type ActionData = { fieldErrors: Record<string, string>; error?: string };

export async function action({ params, request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const parsed = setPasswordSchema.safeParse({
    password: form.get('password') ?? '',
    confirm: form.get('confirm') ?? '',
  });
  if (!parsed.success) return data<ActionData>({ fieldErrors: fieldErrorsOf(parsed.error) }, { status: 400 });
  const result = await setPasswordFromLink(context.services, {
    token: params.token ?? '',
    password: parsed.data.password,
    meta: requestMeta(context, request),
  });
  if (!result.ok)
    return data<ActionData>(
      result.field ? { fieldErrors: { [result.field]: result.message } } : { fieldErrors: {}, error: result.message },
      { status: result.field ? 400 : 409 },
    );
  return redirect('/login?password=set');
}

export default function SetPassword() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const passwords = usePasswordsEmptiedOn(result);
  const errors = result?.fieldErrors ?? {};
  if (!d.live) {
    return (
      <div className="narrow">
        <h1>Set your password</h1>
        <div className="notice warn" role="alert">
          <p>{d.message}</p>
        </div>
        <p>
          <Link to="/login">Sign in</Link> · <Link to="/password-reset">Forgot password?</Link>
        </p>
      </div>
    );
  }
  return (
    <ErrorFocus answer={result}>
      <div className="narrow">
        <h1>Set your password</h1>
        <p className="lead">
          Your appeal is complete: <span className="mono">{d.email}</span> is now the logon email of the account. Choose
          its password. This link works once.
        </p>
        <FormError>{result?.error}</FormError>
        <Form method="post" className="card" noValidate ref={passwords}>
          <TextField
            label="New password"
            name="password"
            type="password"
            autoComplete="new-password"
            hint={d.rules}
            required
            error={errors.password}
          />
          <TextField
            label="Repeat the new password"
            name="confirm"
            type="password"
            autoComplete="new-password"
            required
            error={errors.confirm}
          />
          <div className="actions">
            <button type="submit" disabled={busy}>
              Set password
            </button>
          </div>
        </Form>
      </div>
    </ErrorFocus>
  );
}
