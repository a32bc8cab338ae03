import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { requireAllowed } from '~/auth/guards.server';
import { ErrorFocus, FormError, FormStatus, TextField } from '~/components/form';
import { requestMeta } from '~/lib/request.server';
import { identityProviderSchema } from '~/sso/schema';
import { redirectUriFor } from '~/sso/sso.server';
import { fieldErrorsOf } from '~/lib/form-errors';
import { providerSettings, saveIdentityProvider } from '~/sso/provider.server';
import { ramRolesOf, ramUsersOf } from '~/account/ram.server';

export const meta: MetaFunction = () => [{ title: 'Single sign-on — Account Recovery Desk' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { account } = await requireAllowed(request, context, 'manage', 'IdentityProvider');
  const { prisma, config } = context.services;
  const [provider, ramUsers, ramRoles] = await Promise.all([
    providerSettings(prisma, account.uid),
    ramUsersOf(prisma, account.uid),
    ramRolesOf(prisma, account.uid),
  ]);
  return {
    uid: account.uid,
    alias: account.alias,
    provider,
    redirectUri: redirectUriFor(config, request),
    ramUsers: ramUsers.map((u) => ({ id: u.id, name: u.name, displayName: u.displayName, signInName: u.signInName })),
    ramRoles,
  };
}

type FieldErrors = Partial<Record<'issuer' | 'clientId' | 'clientSecret' | 'userClaim' | 'roleClaim' | 'mode', string>>;

export async function action({ request, context }: ActionFunctionArgs) {
  const { account, session } = await requireAllowed(request, context, 'manage', 'IdentityProvider');
  const form = await request.formData();
  const parsed = identityProviderSchema.safeParse({
    issuer: form.get('issuer') ?? '',
    clientId: form.get('clientId') ?? '',
    clientSecret: form.get('clientSecret') ?? '',
    userClaim: form.get('userClaim') ?? '',
    roleClaim: form.get('roleClaim') ?? '',
    mode: form.get('mode') ?? '',
    enabled: form.get('enabled') === 'on',
  });
  // What a refused form typed, for the page without JavaScript: never the client secret.
  const text = (name: string, max: number) => String(form.get(name) ?? '').slice(0, max);
  const typed = {
    issuer: text('issuer', 2048),
    clientId: text('clientId', 512),
    userClaim: text('userClaim', 200),
    roleClaim: text('roleClaim', 200),
    mode: text('mode', 10),
    enabled: form.get('enabled') === 'on',
  };
  if (!parsed.success)
    return data(
      { ok: false as const, fieldErrors: fieldErrorsOf<keyof FieldErrors>(parsed.error), typed },
      { status: 400 },
    );
  const saved = await saveIdentityProvider(
    context.services,
    { accountUid: account.uid, sessionId: session.id },
    parsed.data,
    requestMeta(context, request),
  );
  if (!saved.ok) return data({ ok: false as const, fieldErrors: saved.fieldErrors, typed }, { status: 400 });
  return { ok: true as const, fieldErrors: {} as FieldErrors };
}

export default function SingleSignOn() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const errors: FieldErrors = result?.fieldErrors ?? {};
  // A refused form shows what was typed (the page without JavaScript is a new one); else the saved settings.
  const typed = result && !result.ok ? result.typed : null;
  const p = d.provider;
  const v = typed ?? p;
  const signInRef = d.alias ?? d.uid;
  return (
    <ErrorFocus answer={result}>
      <h1>Single sign-on</h1>
      <p className="lead">
        Account <span className="mono">{d.uid}</span> — one OpenID Connect identity provider signs in RAM users
        (user-based SSO) or RAM roles (role-based SSO).
      </p>
      <FormStatus>{result?.ok ? 'The identity provider settings were saved.' : null}</FormStatus>
      {Object.keys(errors).length ? <FormError>Check the highlighted fields.</FormError> : null}
      <div className="grid-2">
        <div className="card">
          <h2>Identity provider</h2>
          <Form method="post" noValidate>
            <TextField
              label="Issuer URL"
              name="issuer"
              type="text"
              inputMode="url"
              required
              defaultValue={v?.issuer ?? ''}
              error={errors.issuer}
              hint="Its discovery document is at <issuer>/.well-known/openid-configuration."
            />
            <TextField
              label="Client ID"
              name="clientId"
              type="text"
              required
              defaultValue={v?.clientId ?? ''}
              error={errors.clientId}
            />
            <TextField
              label="Client secret"
              name="clientSecret"
              type="password"
              autoComplete="off"
              defaultValue=""
              error={errors.clientSecret}
              hint={
                p
                  ? 'Stored encrypted and never shown. Leave empty to keep the current secret.'
                  : 'Stored encrypted and never shown again.'
              }
            />
            <fieldset className="field">
              <legend>Mode</legend>
              <label className="choice">
                <input type="radio" name="mode" value="USER" defaultChecked={(v?.mode ?? 'USER') !== 'ROLE'} />{' '}
                User-based SSO — the user claim names a RAM user
              </label>
              <label className="choice">
                <input type="radio" name="mode" value="ROLE" defaultChecked={v?.mode === 'ROLE'} /> Role-based SSO — the
                role claim names a RAM role (1-hour role sessions)
              </label>
              {errors.mode ? <p className="field-error">{errors.mode}</p> : null}
            </fieldset>
            <TextField
              label="User claim"
              name="userClaim"
              type="text"
              required
              defaultValue={v?.userClaim ?? 'preferred_username'}
              error={errors.userClaim}
              hint="ID token claim whose value is the RAM user name (user-based SSO)."
            />
            <TextField
              label="Role claim"
              name="roleClaim"
              type="text"
              required
              defaultValue={v?.roleClaim ?? 'role'}
              error={errors.roleClaim}
              hint="ID token claim whose value is the RAM role name (role-based SSO)."
            />
            <label className="choice">
              <input type="checkbox" name="enabled" defaultChecked={v?.enabled ?? true} /> Single sign-on is enabled
            </label>
            <div className="actions">
              <button type="submit" disabled={busy}>
                {busy ? 'Saving…' : 'Save'}
              </button>
            </div>
          </Form>
        </div>
        <div className="card">
          <h2>At your identity provider</h2>
          <p>
            Register this portal as a confidential client (authorization code flow with PKCE, client_secret_basic) with
            the redirect URI
          </p>
          <p className="mono" data-testid="redirect-uri">
            {d.redirectUri}
          </p>
          <p>
            Your users start at the sign-in page with <strong>Sign in with SSO</strong> and the account{' '}
            <span className="mono">{signInRef}</span>.
          </p>
          {p ? (
            <p className="small muted">
              Last changed {new Date(p.updatedAt).toUTCString()} · {p.enabled ? 'enabled' : 'disabled'}
            </p>
          ) : (
            <p className="small muted">No identity provider is registered yet.</p>
          )}
        </div>
      </div>
      <h2 id="sso-ram-users">RAM users</h2>
      <table aria-labelledby="sso-ram-users">
        <thead>
          <tr>
            <th scope="col">Name (user claim value)</th>
            <th scope="col">Sign-in name</th>
            <th scope="col">Display name</th>
          </tr>
        </thead>
        <tbody>
          {d.ramUsers.length ? (
            d.ramUsers.map((u) => (
              <tr key={u.id}>
                <td className="mono">{u.name}</td>
                <td className="mono">{u.signInName}</td>
                <td>{u.displayName}</td>
              </tr>
            ))
          ) : (
            <tr>
              <td colSpan={3} className="muted">
                No RAM users.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <h2 id="sso-ram-roles">RAM roles</h2>
      <table aria-labelledby="sso-ram-roles">
        <thead>
          <tr>
            <th scope="col">Role (role claim value)</th>
            <th scope="col">Description</th>
            <th scope="col">RAM users who may switch to it</th>
          </tr>
        </thead>
        <tbody>
          {d.ramRoles.length ? (
            d.ramRoles.map((r) => (
              <tr key={r.id}>
                <td className="mono">{r.name}</td>
                <td>{r.description}</td>
                <td>{r.assumers.length ? r.assumers.join(', ') : <span className="muted">nobody</span>}</td>
              </tr>
            ))
          ) : (
            <tr>
              <td colSpan={3} className="muted">
                No RAM roles.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </ErrorFocus>
  );
}
