// Enterprise SSO for the portal: which account and IdP a visitor means, the flow cookie, and how
// validated ID token claims become a principal — user-based SSO (the user claim names a RAM user
// of the account → SSO_USER) or role-based SSO (the role claim names a RAM role → SSO_ROLE, 1 h).
import { Authenticator } from 'remix-auth';
import type { IdentityProvider, PrismaClient, SsoMode } from '~/generated/prisma/client';
import type { PortalConfig } from '~/config.server';
import type { Services } from '~/services.server';
import { portalCookie } from '~/lib/cookies.server';
import { decryptSecret, encryptSecret } from '~/lib/crypto.server';
import { ROLE_SESSION_MS, createSession, safeRedirectPath } from '~/auth/session.server';
import { recordAudit, type RequestMeta } from '~/audit/audit.server';
import { SsoFailure, type IdTokenClaims } from './oidc.server';
import { openClientSecret } from './secret.server';
import { OidcStrategy, type OidcFlow } from './strategy.server';

const FLOW_PURPOSE = 'sso-flow';
const FLOW_MAX_AGE_SEC = 10 * 60;
export const SSO_CALLBACK_PATH = '/sso/callback';

/** Trimmed and lower-cased; a 16-digit UID or an alias. */
export function normaliseAccountRef(raw: unknown): string {
  return typeof raw === 'string' ? raw.trim().toLowerCase().slice(0, 64) : '';
}

export type SsoEntry =
  | { ok: true; accountUid: string; accountRef: string; provider: IdentityProvider }
  | {
      ok: false;
      code: 'account-required' | 'unknown-account' | 'no-idp' | 'idp-disabled' | 'too-many-lookups';
      accountUid?: string;
      accountRef: string;
    };

/**
 * The account a visitor named (UID or alias) and its identity provider, if it may be used. Each
 * look-up counts against the client's address (ssoLookupsPerIp): the answer tells whether an
 * account exists and uses SSO, so it is not free to ask in bulk.
 */
export async function ssoEntryFor(
  services: Pick<Services, 'prisma' | 'limits'>,
  clientIp: string,
  rawRef: unknown,
): Promise<SsoEntry> {
  const { prisma } = services;
  const accountRef = normaliseAccountRef(rawRef);
  if (!accountRef) return { ok: false, code: 'account-required', accountRef };
  if (!(await services.limits.consume('ssoLookupsPerIp', clientIp)).allowed)
    return { ok: false, code: 'too-many-lookups', accountRef };
  const account = await prisma.account.findFirst({
    where: /^\d{16}$/.test(accountRef) ? { uid: accountRef } : { alias: accountRef },
    select: { uid: true, identityProvider: true },
  });
  if (!account) return { ok: false, code: 'unknown-account', accountRef };
  if (!account.identityProvider) return { ok: false, code: 'no-idp', accountUid: account.uid, accountRef };
  if (!account.identityProvider.enabled)
    return { ok: false, code: 'idp-disabled', accountUid: account.uid, accountRef };
  return { ok: true, accountUid: account.uid, accountRef, provider: account.identityProvider };
}

// ───────────── the flow cookie: state, nonce and PKCE verifier until the callback ─────────────

// SameSite=Lax (the default): the callback is a top-level GET navigation from the IdP, which Lax allows.
const flowCookie = portalCookie('ard_sso', { maxAgeSec: FLOW_MAX_AGE_SEC });

/** Signed (by the cookie) and encrypted (the PKCE verifier and nonce are nobody's business). */
export function flowStore(config: PortalConfig) {
  return {
    async read(request: Request): Promise<OidcFlow | null> {
      const sealed = await flowCookie(config).parse(request.headers.get('Cookie'));
      if (typeof sealed !== 'string' || !sealed) return null;
      try {
        const flow = JSON.parse(decryptSecret(config.encryptionKeys, FLOW_PURPOSE, sealed)) as OidcFlow;
        if (flow.v !== 1 || Date.now() - flow.startedAt > FLOW_MAX_AGE_SEC * 1000) return null;
        return flow;
      } catch {
        return null;
      }
    },
    async write(flow: OidcFlow): Promise<string> {
      return flowCookie(config).serialize(encryptSecret(config.encryptionKeys, FLOW_PURPOSE, JSON.stringify(flow)));
    },
    async clear(): Promise<string> {
      return flowCookie(config).serialize('', { maxAge: 0 });
    },
  };
}

/** Where the IdP sends the browser back: the public URL in production, else the origin in use. */
export function redirectUriFor(config: PortalConfig, request: Request): string {
  const origin = config.mode === 'production' ? new URL(config.publicUrl).origin : new URL(request.url).origin;
  return `${origin}${SSO_CALLBACK_PATH}`;
}

// ───────────── claims → principal ─────────────

export type SsoIdentity = {
  principalType: 'SSO_USER' | 'SSO_ROLE';
  accountUid: string;
  providerId: string;
  mode: SsoMode;
  ramUserId: string | null;
  ramRoleId: string | null;
  /** The RAM user or role name the claim named. */
  mappedTo: string;
  ssoSubject: string;
  ssoName: string;
  redirectTo: string;
};

function claimString(claims: IdTokenClaims, name: string): string | null {
  const value = (claims as Record<string, unknown>)[name];
  if (typeof value === 'string' && value.trim()) return value.trim();
  // A claim holding a list is accepted when it names exactly one value.
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string' && value[0].trim())
    return value[0].trim();
  return null;
}

export function displayNameOf(claims: IdTokenClaims): string {
  const c = claims as Record<string, unknown>;
  for (const key of ['name', 'preferred_username', 'email']) {
    if (typeof c[key] === 'string' && (c[key] as string).trim()) return (c[key] as string).trim().slice(0, 255);
  }
  return claims.sub.slice(0, 255);
}

/** Maps validated claims to a RAM user (USER mode) or RAM role (ROLE mode) of the provider's account. */
export async function identityFromClaims(
  prisma: PrismaClient,
  provider: IdentityProvider,
  claims: IdTokenClaims,
  redirectTo: string,
): Promise<SsoIdentity> {
  const base = {
    accountUid: provider.accountUid,
    providerId: provider.id,
    mode: provider.mode,
    ssoSubject: claims.sub.slice(0, 255),
    ssoName: displayNameOf(claims),
    redirectTo,
  };
  if (provider.mode === 'USER') {
    const name = claimString(claims, provider.userClaim);
    if (!name) throw new SsoFailure('user-claim-missing', `claim ${provider.userClaim} missing or not a single string`);
    const user = await prisma.ramUser.findUnique({
      where: { accountUid_name: { accountUid: provider.accountUid, name: name.slice(0, 64) } },
      select: { id: true, name: true },
    });
    if (!user) throw new SsoFailure('user-unmapped', `no RAM user named by ${provider.userClaim}`);
    await prisma.ssoIdentityLink.upsert({
      where: { providerId_subject: { providerId: provider.id, subject: base.ssoSubject } },
      update: { ramUserId: user.id, lastSeenAt: new Date() },
      create: { providerId: provider.id, subject: base.ssoSubject, ramUserId: user.id },
    });
    return { ...base, principalType: 'SSO_USER', ramUserId: user.id, ramRoleId: null, mappedTo: user.name };
  }
  const roleName = claimString(claims, provider.roleClaim);
  if (!roleName)
    throw new SsoFailure('role-claim-missing', `claim ${provider.roleClaim} missing or not a single string`);
  const role = await prisma.ramRole.findUnique({
    where: { accountUid_name: { accountUid: provider.accountUid, name: roleName.slice(0, 64) } },
    select: { id: true, name: true },
  });
  if (!role) throw new SsoFailure('role-unmapped', `no RAM role named by ${provider.roleClaim}`);
  await prisma.ssoIdentityLink.upsert({
    where: { providerId_subject: { providerId: provider.id, subject: base.ssoSubject } },
    update: { lastSeenAt: new Date() },
    create: { providerId: provider.id, subject: base.ssoSubject },
  });
  return { ...base, principalType: 'SSO_ROLE', ramUserId: null, ramRoleId: role.id, mappedTo: role.name };
}

// ───────────── remix-auth ─────────────

/** remix-auth with the OIDC strategy, for the account the request (or the flow) names. */
export function ssoAuthenticator(services: Services, clientIp: string) {
  const { prisma, config } = services;
  const handleOf = (provider: IdentityProvider) => ({
    id: provider.id,
    accountUid: provider.accountUid,
    settings: {
      issuer: provider.issuer,
      clientId: provider.clientId,
      clientSecret: openClientSecret(config, provider.clientSecretEncrypted),
    },
  });
  const authenticator = new Authenticator<SsoIdentity>();
  authenticator.use(
    new OidcStrategy<SsoIdentity>(
      {
        callbackPath: SSO_CALLBACK_PATH,
        redirectUri: (request) => redirectUriFor(config, request),
        async providerForStart(request) {
          const url = new URL(request.url);
          const entry = await ssoEntryFor(services, clientIp, url.searchParams.get('account'));
          if (!entry.ok)
            throw new SsoFailure(entry.code, undefined, { accountUid: entry.accountUid, accountRef: entry.accountRef });
          return {
            ...handleOf(entry.provider),
            accountRef: entry.accountRef,
            redirectTo: safeRedirectPath(url.searchParams.get('redirectTo')),
          };
        },
        async providerForCallback(flow) {
          const provider = await prisma.identityProvider.findUnique({ where: { id: flow.providerId } });
          if (!provider || provider.accountUid !== flow.accountUid)
            throw new SsoFailure('no-idp', 'the provider of this flow was removed');
          if (!provider.enabled) throw new SsoFailure('idp-disabled', 'the provider was disabled during the flow');
          return handleOf(provider);
        },
        flowStore: flowStore(config),
        oidc: { allowHttp: config.mode !== 'production', allowPrivateNetwork: config.mode !== 'production' },
      },
      async ({ claims, flow }) => {
        const provider = await prisma.identityProvider.findUniqueOrThrow({ where: { id: flow.providerId } });
        return identityFromClaims(prisma, provider, claims, flow.redirectTo);
      },
    ),
    'oidc',
  );
  return authenticator;
}

// ───────────── outcomes ─────────────

/** Opens the session of a single sign-on (a role session lasts an hour), with its audit event: the cookie's token. */
export async function startSsoSession(prisma: PrismaClient, identity: SsoIdentity, meta: RequestMeta): Promise<string> {
  const { token } = await prisma.$transaction(async (tx) => {
    const created = await createSession(tx, {
      principalType: identity.principalType,
      accountUid: identity.accountUid,
      ramUserId: identity.ramUserId,
      ramRoleId: identity.ramRoleId,
      ssoSubject: identity.ssoSubject,
      ssoName: identity.ssoName,
      lifetimeMs: identity.principalType === 'SSO_ROLE' ? ROLE_SESSION_MS : undefined,
      ...meta,
    });
    await recordAudit(tx, {
      actor: { type: 'customer', id: created.session.id },
      action: 'sso.login',
      accountUid: identity.accountUid,
      meta,
      data: {
        principalType: identity.principalType,
        mode: identity.mode,
        providerId: identity.providerId,
        subject: identity.ssoSubject,
        mappedTo: identity.mappedTo,
      },
    });
    return created;
  });
  return token;
}

/** The sign-in page with the failure's message (and the account filled in again to retry). */
export function failureRedirectPath(failure: SsoFailure): string {
  const params = new URLSearchParams({ sso_error: failure.code });
  if (failure.context.accountRef) params.set('sso_account', failure.context.accountRef);
  return `/login?${params}`;
}

export async function auditSsoFailure(services: Services, failure: SsoFailure, meta: RequestMeta): Promise<void> {
  await services.prisma.$transaction((tx) =>
    recordAudit(tx, {
      actor: { type: 'anonymous' },
      action: 'sso.failed',
      accountUid: failure.context.accountUid ?? null,
      meta,
      data: {
        reason: failure.code,
        accountRef: failure.context.accountRef ?? null,
        providerId: failure.context.providerId ?? null,
        detail: failure.detail?.slice(0, 500) ?? null,
      },
    }),
  );
}
