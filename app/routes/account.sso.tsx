import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { requireAllowed } from '~/auth/guards.server';
import { ErrorFocus, FormError, FormStatus } from '~/components/form';
import { ProviderForm, type ProviderValues } from '~/sso/components/provider-form';
import { SsoDirectory } from '~/sso/components/sso-directory';
import { requestMeta } from '~/lib/request.server';
import { identityProviderSchema } from '~/sso/schema';
import { redirectUriFor } from '~/sso/sso.server';
import { fieldErrorsOf, type FieldErrors } from '~/lib/form-errors';
import type { ProviderField } from '~/sso/schema';
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

/** The common answer of a form; a refused one carries what was typed (never the client secret) for the page without JavaScript. */
type ActionData = {
  fieldErrors: FieldErrors<ProviderField>;
  error: string | null;
  message?: string;
  typed?: NonNullable<ProviderValues>;
};

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
    return data<ActionData>({ fieldErrors: fieldErrorsOf(parsed.error), error: null, typed }, { status: 400 });
  const saved = await saveIdentityProvider(
    context.services,
    { accountUid: account.uid, sessionId: session.id },
    parsed.data,
    requestMeta(context, request),
  );
  if (!saved.ok) return data<ActionData>({ fieldErrors: saved.fieldErrors, error: null, typed }, { status: 400 });
  return data<ActionData>({ fieldErrors: {}, error: null, message: 'The identity provider settings were saved.' });
}

export default function SingleSignOn() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const errors = result?.fieldErrors ?? {};
  // A refused form shows what was typed (the page without JavaScript is a new one); else the saved settings.
  const typed = result?.typed ?? null;
  const p = d.provider;
  const signInRef = d.alias ?? d.uid;
  return (
    <ErrorFocus answer={result}>
      <h1>Single sign-on</h1>
      <p className="lead">
        Account <span className="mono">{d.uid}</span> — one OpenID Connect identity provider signs in RAM users
        (user-based SSO) or RAM roles (role-based SSO).
      </p>
      <FormStatus>{result?.message}</FormStatus>
      {Object.keys(errors).length ? <FormError>Check the highlighted fields.</FormError> : null}
      <div className="grid-2">
        <div className="card">
          <h2>Identity provider</h2>
          <ProviderForm values={typed ?? p} secretStored={Boolean(p)} errors={errors} busy={busy} />
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
      <SsoDirectory ramUsers={d.ramUsers} ramRoles={d.ramRoles} />
    </ErrorFocus>
  );
}
