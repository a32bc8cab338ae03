import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { acceptInvitation, findInvitation } from '~/staff/admin.server';
import { setPasswordSchema } from '~/staff/admin-schema';
import { PASSWORD_RULES, passwordProblem } from '~/auth/password.server';
import { requestMeta } from '~/lib/request.server';
import { FormError, TextField } from '~/components/form';
import { fieldError, useZodForm } from '~/components/zod-form';
import { staffTitle } from '~/staff/pages';
import { fieldErrorsOf } from '~/lib/form-errors';

export const meta: MetaFunction = () => [
  { title: staffTitle('Set your password') },
  { name: 'robots', content: 'noindex' },
  // The invitation link never reaches another site; this page's own post keeps its Origin.
  { name: 'referrer', content: 'same-origin' },
];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const invitation = await findInvitation(context.services, params.token ?? '');
  if (!invitation.ok)
    throw new Response(invitation.message, {
      status: invitation.status,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    });
  return {
    name: invitation.name,
    email: invitation.email,
    expiresAt: invitation.expiresAt.toISOString(),
    rules: PASSWORD_RULES,
  };
}

type ActionData = { fieldErrors: { password?: string; confirm?: string } };

export async function action({ params, request, context }: ActionFunctionArgs) {
  const token = params.token ?? '';
  const invitation = await findInvitation(context.services, token);
  if (!invitation.ok)
    throw new Response(invitation.message, {
      status: invitation.status,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    });
  const form = await request.formData();
  const parsed = setPasswordSchema.safeParse({
    password: form.get('password') ?? '',
    confirm: form.get('confirm') ?? '',
  });
  if (!parsed.success) return data<ActionData>({ fieldErrors: fieldErrorsOf(parsed.error) }, { status: 400 });
  const problem = passwordProblem(parsed.data.password, { email: invitation.email, name: invitation.name });
  if (problem) return data<ActionData>({ fieldErrors: { password: problem } }, { status: 400 });
  const accepted = await acceptInvitation(context.services, token, parsed.data.password, requestMeta(context, request));
  if (!accepted.ok)
    throw new Response(accepted.message, {
      status: accepted.status,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    });
  // The sign-in page confirms it (its notice for ?password=set), then asks for the new password.
  return redirect('/staff/login?password=set');
}

export default function AcceptInvitation() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const form = useZodForm(setPasswordSchema, { defaultValues: { password: '', confirm: '' } });
  const server = result?.fieldErrors ?? {};
  return (
    <div className="narrow">
      <h1>Set your password</h1>
      <p className="lead">
        Welcome to the Account Recovery Desk back office, {d.name} (<span className="mono">{d.email}</span>). This link
        works once, until {new Date(d.expiresAt).toUTCString()}.
      </p>
      <FormError>{server.password || server.confirm ? 'Check the fields below.' : undefined}</FormError>
      <Form method="post" className="card" noValidate onSubmit={form.onSubmit}>
        <input type="text" name="username" value={d.email} autoComplete="username" readOnly hidden />
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          hint={d.rules}
          error={fieldError(form.formState.errors.password, server.password)}
          {...form.register('password')}
        />
        <TextField
          label="Repeat the password"
          type="password"
          autoComplete="new-password"
          error={fieldError(form.formState.errors.confirm, server.confirm)}
          {...form.register('confirm')}
        />
        <div className="actions">
          <button type="submit" disabled={busy}>
            Set password
          </button>
        </div>
      </Form>
      <p className="small muted">
        Next you sign in at <Link to="/staff/login">the staff sign-in page</Link> and set up an authenticator app (TOTP)
        with a QR code.
      </p>
    </div>
  );
}
