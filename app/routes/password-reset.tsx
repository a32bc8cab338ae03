import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { requestPasswordReset, resetPassword } from '~/account/password-reset.server';
import { atLeast } from '~/lib/timing';
import { RESET_MESSAGES } from '~/account/messages';
import { flowCookie, readFlow, requestSchema, resetSchema, type Flow } from '~/account/password-reset-flow.server';
import { maskEmail } from '~/lib/masking';
import { newToken } from '~/lib/tokens.server';
import { requestMeta } from '~/lib/request.server';
import { CodeHelp, ResendButton } from '~/components/code-entry';
import { ErrorFocus, firstInvalidField, FormError, TextField, usePasswordsEmptiedOn } from '~/components/form';
import { CODE_RULES } from '~/verification/codes.server';
import { fieldErrorsOf } from '~/lib/form-errors';

export const meta: MetaFunction = () => [{ title: 'Reset your password — Account Recovery Desk' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const flow = await readFlow(context.services.config, request);
  return flow
    ? {
        flow: {
          email: maskEmail(flow.email),
          channel: flow.channel,
          resendAt: new Date(new Date(flow.requestedAt).getTime() + CODE_RULES.resendAfterMs).toISOString(),
        },
      }
    : { flow: null };
}

/** `email` and `channel`: what a refused request typed, for the form without JavaScript (a reset never gives back its passwords). */
type ActionData = { fieldErrors: Record<string, string>; error?: string; email?: string; channel?: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const { services } = context;
  const form = await request.formData();
  const meta = requestMeta(context, request);
  const cookie = flowCookie(services.config);
  const intent = form.get('intent');
  if (intent === 'start-over')
    return redirect('/password-reset', { headers: { 'Set-Cookie': await cookie.serialize('', { maxAge: 0 }) } });

  if (intent === 'request' || intent === 'resend') {
    const existing = await readFlow(services.config, request);
    const parsed =
      intent === 'resend' && existing
        ? requestSchema.safeParse(existing)
        : requestSchema.safeParse({ email: form.get('email') ?? '', channel: form.get('channel') ?? '' });
    const typed = {
      email: String(form.get('email') ?? '').slice(0, 254),
      channel: String(form.get('channel') ?? '').slice(0, 10),
    };
    if (!parsed.success)
      return data<ActionData>({ fieldErrors: fieldErrorsOf(parsed.error), ...typed }, { status: 400 });
    const flowKey = intent === 'resend' && existing ? existing.flowKey : newToken();
    const result = await atLeast(300, requestPasswordReset(services, { ...parsed.data, flowKey, meta }));
    if (!result.ok)
      return data<ActionData>(
        { fieldErrors: {}, error: RESET_MESSAGES.tooMany(Math.ceil(result.retryAfterSec / 60)), ...typed },
        { status: 429 },
      );
    const flow: Flow = {
      flowKey,
      email: parsed.data.email,
      channel: parsed.data.channel,
      requestedAt: new Date().toISOString(),
    };
    return redirect('/password-reset', { headers: { 'Set-Cookie': await cookie.serialize(flow) } });
  }

  if (intent === 'reset') {
    const flow = await readFlow(services.config, request);
    if (!flow)
      return data<ActionData>({ fieldErrors: {}, error: 'This reset has expired. Start again.' }, { status: 400 });
    const parsed = resetSchema.safeParse({
      code: form.get('code') ?? '',
      password: form.get('password') ?? '',
      confirm: form.get('confirm') ?? '',
    });
    if (!parsed.success) return data<ActionData>({ fieldErrors: fieldErrorsOf(parsed.error) }, { status: 400 });
    const result = await atLeast(
      300,
      resetPassword(services, { ...flow, code: parsed.data.code, password: parsed.data.password, meta }),
    );
    if (!result.ok) return data<ActionData>({ fieldErrors: { [result.field]: result.message } }, { status: 400 });
    return redirect('/login?reset=1', { headers: { 'Set-Cookie': await cookie.serialize('', { maxAge: 0 }) } });
  }
  return data<ActionData>({ fieldErrors: {}, error: 'Unknown request.' }, { status: 400 });
}

export default function PasswordReset() {
  const { flow } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const errors: Record<string, string> = result?.fieldErrors ?? {};
  // A refused reset is not offered its passwords again; the code stays.
  const passwords = usePasswordsEmptiedOn(result);
  const channel = result?.channel === 'SMS' ? 'SMS' : 'EMAIL';
  return (
    <ErrorFocus answer={result}>
      <div className="narrow">
        <h1>Reset your password</h1>
        <FormError>{result?.error}</FormError>
        {!flow ? (
          <div className="card">
            <p>
              Enter the logon email of your account. We send a verification code to it, or to the account&apos;s secure
              phone.
            </p>
            <Form method="post" noValidate>
              <input type="hidden" name="intent" value="request" />
              <TextField
                label="Logon email"
                name="email"
                type="email"
                autoComplete="username"
                required
                error={errors.email}
                defaultValue={result?.email ?? ''}
              />
              <fieldset
                className="field"
                role="radiogroup"
                aria-invalid={errors.channel ? true : undefined}
                aria-describedby={errors.channel ? 'channel-error' : undefined}
              >
                <legend>Send the code to</legend>
                <label className="choice">
                  <input
                    type="radio"
                    name="channel"
                    value="EMAIL"
                    defaultChecked={channel === 'EMAIL'}
                    autoFocus={firstInvalidField(result) === 'channel'}
                  />{' '}
                  <span>The logon email</span>
                </label>
                <label className="choice">
                  <input type="radio" name="channel" value="SMS" defaultChecked={channel === 'SMS'} />{' '}
                  <span>The secure phone of the account</span>
                </label>
                {errors.channel ? (
                  <p className="field-error" id="channel-error">
                    {errors.channel}
                  </p>
                ) : null}
              </fieldset>
              <div className="actions">
                <button type="submit" disabled={busy}>
                  Get verification code
                </button>
                <Link to="/login">Back to sign in</Link>
              </div>
            </Form>
          </div>
        ) : (
          <>
            <div className="notice" role="status">
              <p>{RESET_MESSAGES.sent(flow.channel)}</p>
              <p className="small">
                Email: <span className="mono">{flow.email}</span>
              </p>
            </div>
            <div className="card">
              <Form method="post" noValidate ref={passwords}>
                <input type="hidden" name="intent" value="reset" />
                <TextField
                  label="Verification code"
                  name="code"
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  maxLength={6}
                  required
                  error={errors.code}
                />
                <TextField
                  label="New password"
                  name="password"
                  type="password"
                  autoComplete="new-password"
                  hint="At least 10 characters, with letters and digits."
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
                    Reset password
                  </button>
                </div>
              </Form>
              <Form method="post" className="actions">
                <ResendButton resendAt={flow.resendAt} name="intent" value="resend" label="Resend code" />
                <button type="submit" name="intent" value="start-over" className="link">
                  Use another email or method
                </button>
              </Form>
            </div>
            <CodeHelp />
          </>
        )}
      </div>
    </ErrorFocus>
  );
}
