import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { checkStaffPassword, completeStaffSignIn, enrolmentSecret } from '~/staff/auth.server';
import { readStaffSession, staffCookie, staffPrincipal, startStaffSession } from '~/staff/session.server';
import { staffHome, staffTitle } from '~/staff/pages';
import { defineAbilityFor } from '~/authz/ability';
import { enrolmentQr } from '~/staff/totp.server';
import { safeRedirectPath } from '~/auth/session.server';
import { requestMeta } from '~/lib/request.server';
import { ErrorFocus, FormError, FormStatus, TextField, usePasswordsEmptiedOn } from '~/components/form';

export const meta: MetaFunction = () => [{ title: staffTitle('Staff sign-in') }];

/** The page the member asked for before signing in, if any (only a path on this site). */
function askedFor(value: FormDataEntryValue | null): string | null {
  return typeof value === 'string' && value ? safeRedirectPath(value, '') || null : null;
}

/** Without a page asked for, the member starts at the first page their role allows (/staff says why when none does). */
const startPage = (staff: Parameters<typeof staffPrincipal>[0]) =>
  staffHome(defineAbilityFor(staffPrincipal(staff))) ?? '/staff';

/** A refused sign-in tells when to try again in the page's own answer too. */
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get('Retry-After');
  return retryAfter ? { 'Retry-After': retryAfter } : new Headers();
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const session = await readStaffSession(context, request);
  if (session?.mfaPassed)
    throw redirect(askedFor(new URL(request.url).searchParams.get('redirectTo')) ?? startPage(session.staff));
  if (session && !session.mfaPassed) {
    if (!session.staff.totpEnrolledAt) {
      const secret = await enrolmentSecret(context, session.staffId);
      const qr = await enrolmentQr(secret, session.staff.email);
      return { stage: 'enrol' as const, email: session.staff.email, secret, qr: qr.dataUrl };
    }
    return { stage: 'totp' as const, email: session.staff.email, secret: null, qr: null };
  }
  return { stage: 'password' as const, email: null, secret: null, qr: null };
}

type ActionData = { error: string; email?: string };
const refusedWith = (r: { status: number; retryAfterSec?: number }) => ({
  status: r.status,
  headers: r.retryAfterSec ? { 'Retry-After': String(r.retryAfterSec) } : undefined,
});

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const meta = requestMeta(context, request);
  const redirectTo = askedFor(form.get('redirectTo'));
  if (form.get('intent') === 'totp') {
    const session = await readStaffSession(context, request);
    if (!session || session.mfaPassed) return redirect('/staff/login');
    const result = await completeStaffSignIn(context, session.id, String(form.get('code') ?? ''), meta);
    if (!result.ok) return data<ActionData>({ error: result.message }, refusedWith(result));
    return redirect(redirectTo ?? startPage(session.staff), {
      headers: { 'Set-Cookie': await staffCookie(context.services.config).serialize(result.token) },
    });
  }
  const email = String(form.get('email') ?? '');
  const password = String(form.get('password') ?? '').slice(0, 256);
  // A refusal gives the email back for the form (never the password).
  const typed = email.slice(0, 254);
  if (!email.trim() || !password)
    return data<ActionData>({ error: 'Enter your email and password.', email: typed }, { status: 400 });
  const result = await checkStaffPassword(context, email, password, meta);
  if (!result.ok) return data<ActionData>({ error: result.message, email: typed }, refusedWith(result));
  const { cookie } = await startStaffSession(context, result.staffId, meta);
  return redirect(redirectTo ? `/staff/login?redirectTo=${encodeURIComponent(redirectTo)}` : '/staff/login', {
    headers: { 'Set-Cookie': cookie },
  });
}

export default function StaffLogin() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state !== 'idle';
  const redirectTo = params.get('redirectTo') ?? '';
  // A refused password is not offered again; the email stays.
  const passwordForm = usePasswordsEmptiedOn(result);
  return (
    <ErrorFocus answer={result}>
      <div className="narrow">
        <h1>Staff sign-in</h1>
        <p className="lead">
          Back office of the Account Recovery Desk. Customers sign in on the <a href="/login">customer page</a>.
        </p>
        <FormError>{result?.error}</FormError>
        {d.stage === 'password' && !result?.error && params.get('password') === 'set' ? (
          <FormStatus>Your password is set. Sign in with it now; next you set up an authenticator app.</FormStatus>
        ) : null}
        {d.stage === 'password' ? (
          <Form method="post" className="card" noValidate ref={passwordForm}>
            <input type="hidden" name="redirectTo" value={redirectTo} />
            <TextField
              label="Work email"
              name="email"
              type="email"
              autoComplete="username"
              required
              defaultValue={result?.email ?? ''}
            />
            <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
            <div className="actions">
              <button type="submit" disabled={busy}>
                Continue
              </button>
            </div>
          </Form>
        ) : (
          <Form method="post" className="card" noValidate>
            <input type="hidden" name="intent" value="totp" />
            <input type="hidden" name="redirectTo" value={redirectTo} />
            {d.stage === 'enrol' ? (
              <>
                <h2>Set up your authenticator</h2>
                <p>
                  Scan this code with an authenticator app (or enter the key by hand), then enter the 6-digit code it
                  shows.
                </p>
                <img
                  src={d.qr!}
                  alt={`QR code to add Account Recovery Desk (${d.email}) to an authenticator app`}
                  width={220}
                  height={220}
                />
                <p className="small">
                  Key: <code data-testid="totp-secret">{d.secret}</code> (SHA-1, 6 digits, 30 seconds)
                </p>
              </>
            ) : (
              <p>
                Signed in as <strong>{d.email}</strong>. Enter the code from your authenticator app.
              </p>
            )}
            <TextField
              label="Authentication code"
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              required
              autoFocus
            />
            <div className="actions">
              <button type="submit" disabled={busy}>
                Sign in
              </button>
            </div>
          </Form>
        )}
      </div>
    </ErrorFocus>
  );
}
