import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { SignJWT, decodeJwt, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { describeEachDatabase } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { HttpClient, pageText } from '../support/http';
import { sessionFor } from '../support/accounts';
import { BrowserLikeClient, configureAliceIdp, signInWithSso, startTestIdp } from '../support/oidc';
import { DEV_IDP_USERS, newSigningKey, type RunningDevIdp } from '../../scripts/dev-idp';
import { NOT_ROOT_PASSWORD_REASON, NOT_ROOT_PHONE_REASON, NOT_ROOT_REASON } from '~/authz/ability';
import { ALICE_UID } from '~/demo/seed.server';
import { SSO_FAILURES, type SsoFailureCode } from '~/sso/messages';
import { openClientSecret } from '~/sso/secret.server';
import { ROLE_SESSION_MS, SESSION_ABSOLUTE_MS } from '~/auth/session.server';

type Tamper = 'signature' | 'nonce' | 'audience' | 'expired' | null;

/** Re-signs the provider's ID token with one thing changed (as an attacker in the middle would). */
async function tampered(idToken: string, how: Exclude<Tamper, null>, providerKey: JWK): Promise<string> {
  const header = decodeProtectedHeader(idToken);
  const claims = { ...decodeJwt(idToken) };
  const now = Math.floor(Date.now() / 1000);
  let key = providerKey;
  if (how === 'signature') {
    // Same kid as the provider's key, but a key the provider never published.
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    key = privateKey.export({ format: 'jwk' }) as JWK;
    claims.name = 'Mallory';
  }
  if (how === 'nonce') claims.nonce = 'a-nonce-from-another-sign-in';
  if (how === 'audience') claims.aud = 'some-other-client';
  if (how === 'expired') {
    claims.iat = now - 2 * 3600;
    claims.exp = now - 3600;
  }
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: header.kid, typ: header.typ })
    .sign(await importJWK(key, 'RS256'));
}

describeEachDatabase('enterprise SSO with the local OpenID provider', (kind) => {
  let portal: TestPortal;
  let idp: RunningDevIdp;
  let tamper: Tamper = null;
  const signingKey = newSigningKey();

  beforeAll(async () => {
    portal = await startTestPortal(kind);
    idp = await startTestIdp(portal.url, {
      signingKeys: [signingKey],
      users: [
        ...DEV_IDP_USERS,
        {
          username: 'ghost',
          password: 'ghost-Passw0rd!',
          claims: { name: 'Ghost', ram_user: 'ghost', role: 'NoSuchRole' },
        },
        { username: 'anonymous', password: 'anon-Passw0rd!', claims: { name: 'No Claims' } },
      ],
      configure: (provider) =>
        provider.use(async (ctx, next) => {
          await next();
          const body = ctx.body as { id_token?: string } | undefined;
          if (tamper && ctx.path === '/token' && ctx.status === 200 && body?.id_token) {
            body.id_token = await tampered(body.id_token, tamper, signingKey as JWK);
          }
        }),
    });
  });
  afterAll(async () => {
    await idp?.stop();
    await portal?.stop();
  });
  beforeEach(async () => {
    tamper = null;
    await configureAliceIdp(portal, idp.issuer);
  });

  const prisma = () => portal.db.prisma;
  const sessionOf = async (client: BrowserLikeClient) => {
    const cookie = client.cookie(portal.url, 'ard_session');
    expect(cookie, 'a session cookie').toBeTruthy();
    return prisma().session.findFirstOrThrow({
      where: { accountUid: ALICE_UID, revokedAt: null },
      orderBy: { createdAt: 'desc' },
      include: { ramUser: true, ramRole: true },
    });
  };
  const refusedWith = async (
    outcome: { status: number; location: string | null; client: BrowserLikeClient },
    code: SsoFailureCode,
  ) => {
    expect(outcome.status).toBe(302);
    const location = new URL(outcome.location!, portal.url);
    expect(location.pathname).toBe('/login');
    expect(location.searchParams.get('sso_error')).toBe(code);
    expect(outcome.client.cookie(portal.url, 'ard_session')).toBeUndefined();
    const page = await outcome.client.request(location.href);
    expect(page.status).toBe(200);
    expect(pageText(await page.text())).toContain(SSO_FAILURES[code]);
  };

  it('user-based SSO: sso-dev signs in through the provider as RAM user dev, and is blocked from the change', async () => {
    const before = await prisma().session.count();
    const outcome = await signInWithSso(portal);
    expect(outcome.status).toBe(302);
    expect(outcome.location).toBe('/account/security');
    expect(await prisma().session.count()).toBe(before + 1);
    const session = await sessionOf(outcome.client);
    expect(session.principalType).toBe('SSO_USER');
    expect(session.ramUser?.name).toBe('dev');
    expect(session.ssoSubject).toBe('sso-dev');
    expect(session.ssoName).toBe('SSO Developer');
    expect(session.expiresAt.getTime() - session.createdAt.getTime()).toBeCloseTo(SESSION_ABSOLUTE_MS, -4);
    // The flow cookie is gone once used.
    expect(outcome.client.cookie(portal.url, 'ard_sso')).toBeUndefined();

    const security = await outcome.client.request('/account/security');
    expect(security.status).toBe(200);
    const html = await security.text();
    expect(pageText(html)).toContain(NOT_ROOT_REASON);
    expect(pageText(html)).toContain('SSO Developer');
    expect(pageText(html)).toContain('SSO user');
    // The phone and the password say their own reasons.
    expect(pageText(html)).toContain(NOT_ROOT_PHONE_REASON);
    expect(pageText(html)).toContain(NOT_ROOT_PASSWORD_REASON);
    expect(html).not.toContain('href="/account/security/logon-email"');
    // Every step of the change flow answers 403 with the reason.
    for (const path of [
      '/account/security/logon-email',
      '/account/security/logon-email/new',
      '/account/security/logon-email/done',
    ]) {
      const res = await outcome.client.request(path);
      expect(res.status, path).toBe(403);
      expect(pageText(await res.text())).toContain(NOT_ROOT_REASON);
    }
    const post = await outcome.client.request('/account/security/logon-email', {
      method: 'POST',
      body: new URLSearchParams({ intent: 'send-code', channel: 'EMAIL' }),
    });
    expect(post.status).toBe(403);
    expect(await post.text()).toContain(NOT_ROOT_REASON);
    expect(
      await prisma().verification.count({ where: { accountUid: ALICE_UID, purpose: 'CHANGE_EMAIL_IDENTITY' } }),
    ).toBe(0);

    const link = await prisma().ssoIdentityLink.findFirstOrThrow({ where: { subject: 'sso-dev' } });
    expect(link.ramUserId).toBe(session.ramUserId);
    const audit = await prisma().auditEvent.findFirstOrThrow({
      where: { action: 'sso.login', accountUid: ALICE_UID },
      orderBy: { id: 'desc' },
    });
    expect(audit.data).toMatchObject({ principalType: 'SSO_USER', mode: 'USER', subject: 'sso-dev', mappedTo: 'dev' });
  });

  it('role-based SSO: the role claim opens a one-hour OpsAdmin role session, blocked the same way', async () => {
    await configureAliceIdp(portal, idp.issuer, { mode: 'ROLE' });
    const outcome = await signInWithSso(portal, { account: ALICE_UID, redirectTo: '/account' });
    expect(outcome.location).toBe('/account');
    const session = await sessionOf(outcome.client);
    expect(session.principalType).toBe('SSO_ROLE');
    expect(session.ramRole?.name).toBe('OpsAdmin');
    expect(session.ramUserId).toBeNull();
    expect(session.expiresAt.getTime() - session.createdAt.getTime()).toBeCloseTo(ROLE_SESSION_MS, -4);
    const page = pageText(await (await outcome.client.request('/account/security')).text());
    expect(page).toContain(NOT_ROOT_REASON);
    expect(page).toContain('Role OpsAdmin until');
    expect(page).not.toContain('Back to RAM user'); // an SSO role session has no RAM user behind it
    const post = await outcome.client.request('/account/security/logon-email/new', {
      method: 'POST',
      body: new URLSearchParams({ intent: 'send-code', newEmail: 'x@example.com' }),
    });
    expect(post.status).toBe(403);
    expect(await post.text()).toContain(NOT_ROOT_REASON);
    // After an hour the role session is over.
    await prisma().session.update({ where: { id: session.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await outcome.client.request('/account/security')).status).toBe(302);
  });

  it('the provider remembers its user: a second sign-in in the same browser needs no password', async () => {
    const first = await signInWithSso(portal);
    const firstSession = await sessionOf(first.client);
    const again = await signInWithSso(portal, { client: first.client, password: 'not-asked-for' });
    expect(again.location).toBe('/account/security');
    // The browser's previous portal session ended: one browser, one sign-in.
    expect((await prisma().session.findUniqueOrThrow({ where: { id: firstSession.id } })).revokedAt).not.toBeNull();
  });

  for (const [how, code] of [
    ['signature', 'token-signature'],
    ['nonce', 'token-nonce'],
    ['audience', 'token-audience'],
    ['expired', 'token-expired'],
  ] as const) {
    it(`refuses an ID token with ${how === 'signature' ? 'a forged signature' : how === 'expired' ? 'an expired exp' : `a wrong ${how}`} with a clear message`, async () => {
      tamper = how;
      const before = await prisma().session.count();
      const outcome = await signInWithSso(portal);
      await refusedWith(outcome, code);
      expect(await prisma().session.count()).toBe(before);
      const audit = await prisma().auditEvent.findFirstOrThrow({
        where: { action: 'sso.failed' },
        orderBy: { id: 'desc' },
      });
      expect(audit.accountUid).toBe(ALICE_UID);
      expect(audit.data).toMatchObject({ reason: code, accountRef: 'alicecloud' });
    });
  }

  it('refuses unknown accounts, accounts without or with a disabled IdP — before anyone is sent away', async () => {
    await refusedWith(await signInWithSso(portal, { account: 'no-such-alias' }), 'unknown-account');
    await refusedWith(await signInWithSso(portal, { account: '1000000000000002' }), 'no-idp');
    await configureAliceIdp(portal, idp.issuer, { enabled: false });
    await refusedWith(await signInWithSso(portal), 'idp-disabled');
    expect(
      await prisma().auditEvent.count({
        where: { action: 'sso.failed', data: { path: ['reason'], equals: 'unknown-account' } },
      }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('refuses an IdP user whose claim names no RAM user or role of the account, or is missing', async () => {
    await refusedWith(await signInWithSso(portal, { username: 'ghost', password: 'ghost-Passw0rd!' }), 'user-unmapped');
    await refusedWith(
      await signInWithSso(portal, { username: 'anonymous', password: 'anon-Passw0rd!' }),
      'user-claim-missing',
    );
    await configureAliceIdp(portal, idp.issuer, { mode: 'ROLE' });
    await refusedWith(await signInWithSso(portal, { username: 'ghost', password: 'ghost-Passw0rd!' }), 'role-unmapped');
    await refusedWith(
      await signInWithSso(portal, { username: 'anonymous', password: 'anon-Passw0rd!' }),
      'role-claim-missing',
    );
  });

  it('a cancelled sign-in at the provider comes back as a message', async () => {
    await refusedWith(await signInWithSso(portal, { cancel: true }), 'idp-denied');
  });

  it('a wrong client secret is refused by the provider and explained', async () => {
    await configureAliceIdp(portal, idp.issuer, { clientSecret: 'not-the-secret' });
    await refusedWith(await signInWithSso(portal), 'idp-rejected-client');
  });

  it('an unreachable provider is explained, not a 500', async () => {
    await configureAliceIdp(portal, 'http://127.0.0.1:9/');
    await refusedWith(await signInWithSso(portal), 'idp-unreachable');
  });

  it('a callback without the flow cookie, or with another state, is refused', async () => {
    const noFlow = new BrowserLikeClient(portal.url);
    const res = await noFlow.request('/sso/callback?code=abc&state=xyz');
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location')!, portal.url).searchParams.get('sso_error')).toBe('flow-missing');

    // A real flow whose callback arrives with a state the portal never issued.
    const client = new BrowserLikeClient(portal.url);
    const start = await client.request('/sso/start?account=alicecloud');
    expect(start.status).toBe(302);
    expect(new URL(start.headers.get('location')!).origin).toBe(idp.issuer);
    const forged = await client.request(
      `/sso/callback?code=stolen&state=${randomUUID()}&iss=${encodeURIComponent(idp.issuer)}`,
    );
    expect(new URL(forged.headers.get('location')!, portal.url).searchParams.get('sso_error')).toBe('state-mismatch');
  });

  it('sends the browser to the provider with PKCE (S256), state and nonce, and keeps them encrypted', async () => {
    const client = new BrowserLikeClient(portal.url);
    const res = await client.request('/sso/start?account=AliceCloud');
    const to = new URL(res.headers.get('location')!);
    expect(to.origin + to.pathname).toBe(`${idp.issuer}/auth`);
    expect(to.searchParams.get('client_id')).toBe('recovery-desk');
    expect(to.searchParams.get('response_type')).toBe('code');
    expect(to.searchParams.get('code_challenge_method')).toBe('S256');
    expect(to.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(to.searchParams.get('state')).toBeTruthy();
    expect(to.searchParams.get('nonce')).toBeTruthy();
    expect(to.searchParams.get('redirect_uri')).toBe(`${new URL(portal.url).origin}/sso/callback`);
    const flow = decodeURIComponent(client.cookie(portal.url, 'ard_sso')!);
    expect(flow).not.toContain(to.searchParams.get('state')!);
    expect(flow).not.toContain(to.searchParams.get('nonce')!);
    expect(res.headers.getSetCookie().find((c) => c.startsWith('ard_sso='))).toMatch(
      /HttpOnly.*SameSite=Lax|SameSite=Lax.*HttpOnly/i,
    );
  });

  it('the sign-in page asks for the account first, then links to its provider', async () => {
    const http = new HttpClient(portal.url);
    const first = pageText(await (await http.get('/login')).text());
    expect(first).toContain('Sign in with SSO');
    expect(first).toContain('Account UID or alias');
    const html = await (await http.get('/login?sso_account=alicecloud')).text();
    expect(pageText(html)).toContain(`signs in at ${new URL(idp.issuer).host}`);
    expect(html).toContain('href="/sso/start?account=alicecloud"');
    expect(pageText(await (await http.get('/login?sso_account=nobody')).text())).toContain(
      SSO_FAILURES['unknown-account'],
    );
    // Only codes from the table are shown: nothing from the query string is echoed.
    expect(pageText(await (await http.get('/login?sso_error=%3Cscript%3E')).text())).not.toContain('<script>');
  });

  it('SSO look-ups are limited per client address: past the limit, no answer says whether an account exists or uses SSO', async () => {
    const http = new HttpClient(portal.url);
    const { LIMITS } = await import('~/security/rate-limits.server');
    let allowed = 0;
    for (; allowed <= LIMITS.ssoLookupsPerIp.points; allowed++) {
      const text = pageText(await (await http.get(`/login?sso_account=probe${allowed}`)).text());
      if (text.includes(SSO_FAILURES['too-many-lookups'])) break;
      expect(text).toContain(SSO_FAILURES['unknown-account']);
    }
    // Earlier tests of this suite looked up accounts from the same address too: at most the limit got through.
    expect(allowed).toBeGreaterThan(0);
    expect(allowed).toBeLessThanOrEqual(LIMITS.ssoLookupsPerIp.points);
    const known = await (await http.get('/login?sso_account=alicecloud')).text();
    expect(pageText(known)).toContain(SSO_FAILURES['too-many-lookups']);
    expect(known).not.toContain('/sso/start?account=alicecloud');
    const start = await http.get('/sso/start?account=alicecloud');
    expect(start.status).toBe(302);
    expect(start.headers.get('location')).toContain('sso_error=too-many-lookups');
    // The window passes (here: the counter is cleared): look-ups work again.
    await portal.db.prisma.rateLimiterFlexible.deleteMany({ where: { key: { startsWith: 'ard:ssoLookupsPerIp' } } });
    expect(await (await http.get('/login?sso_account=alicecloud')).text()).toContain(
      'href="/sso/start?account=alicecloud"',
    );
  });

  it('owners register and edit the IdP on /account/sso; the secret is stored encrypted and never shown', async () => {
    const alice = new HttpClient(portal.url);
    await alice.signIn('alice@example.com');
    const page = await alice.get('/account/sso');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toContain('recovery-desk-demo-client-secret');
    const text = pageText(html);
    expect(text).toContain('dev@1000000000000001.onaliyun.com');
    expect(text).toContain('OpsAdmin');
    expect(text).toContain('ReadOnlyAuditor');
    expect(text).toContain(`${new URL(portal.url).origin}/sso/callback`);

    const base = {
      issuer: idp.issuer,
      clientId: 'recovery-desk',
      userClaim: 'preferred_username',
      roleClaim: 'groups',
      mode: 'ROLE',
      enabled: 'on',
    };
    const bad = await alice.post('/account/sso', {
      ...base,
      issuer: 'http://idp.example.com',
      clientSecret: 'typed-secret-never-echoed',
    });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(pageText(badHtml)).toContain('The issuer must use https://');
    // Without JavaScript the refused form comes back as typed (the role claim and mode too), never with the secret.
    expect(badHtml).toMatch(/<input\b[^>]*name="issuer"[^>]*value="http:\/\/idp\.example\.com"/);
    expect(badHtml).toMatch(/<input\b[^>]*name="roleClaim"[^>]*value="groups"/);
    expect(
      [...badHtml.matchAll(/<input\b[^>]*name="mode"[^>]*>/g)]
        .map((m) => m[0])
        .filter((tag) => tag.includes('checked=""')),
    ).toEqual([expect.stringContaining('value="ROLE"')]);
    expect(badHtml).not.toContain('typed-secret-never-echoed');
    const kept = await alice.post('/account/sso', { ...base, clientSecret: '' });
    expect(kept.status).toBe(200);
    let row = await prisma().identityProvider.findUniqueOrThrow({ where: { accountUid: ALICE_UID } });
    expect(row).toMatchObject({ mode: 'ROLE', roleClaim: 'groups', userClaim: 'preferred_username' });
    expect(openClientSecret(portal.services.config, row.clientSecretEncrypted)).toBe(
      'recovery-desk-demo-client-secret',
    );
    const changed = await alice.post('/account/sso', { ...base, enabled: '', clientSecret: 'a-brand-new-secret' });
    expect(changed.status).toBe(200);
    row = await prisma().identityProvider.findUniqueOrThrow({ where: { accountUid: ALICE_UID } });
    expect(row.enabled).toBe(false);
    expect(row.clientSecretEncrypted).not.toContain('a-brand-new-secret');
    expect(openClientSecret(portal.services.config, row.clientSecretEncrypted)).toBe('a-brand-new-secret');
    expect(await (await alice.get('/account/sso')).text()).not.toContain('a-brand-new-secret');
    const audit = await prisma().auditEvent.findFirstOrThrow({
      where: { action: 'sso.provider_updated' },
      orderBy: { id: 'desc' },
    });
    expect(audit.data).toMatchObject({ enabled: false, secretChanged: true });
    expect(JSON.stringify(audit.data)).not.toContain('a-brand-new-secret');
  });

  it('"sign out other sessions" in an SSO role session ends only that federated user\'s other role sessions', async () => {
    const role = await portal.db.prisma.ramRole.findFirstOrThrow({
      where: { accountUid: ALICE_UID, name: 'OpsAdmin' },
    });
    const as = (ssoSubject: string) =>
      sessionFor(portal, {
        accountUid: ALICE_UID,
        principalType: 'SSO_ROLE',
        ramRoleId: role.id,
        ssoSubject,
        ssoName: ssoSubject,
      });
    const a1 = await as(`fed-a-${kind}`);
    const a2 = await as(`fed-a-${kind}`);
    const b = await as(`fed-b-${kind}`);
    // A is signed in in one other place (a2), not in B's.
    expect(pageText(await (await a1.client.get('/account/security')).text())).toContain(
      'You are also signed in in 1 other place.',
    );
    expect((await a1.client.post('/account/security', { intent: 'sign-out-others' })).status).toBe(200);
    const revoked = async (id: string) =>
      (await portal.db.prisma.session.findUniqueOrThrow({ where: { id } })).revokedAt !== null;
    expect(await revoked(a2.session.id)).toBe(true);
    expect(await revoked(b.session.id), "another federated user's role session").toBe(false);
    expect(await revoked(a1.session.id)).toBe(false);
  });

  it('RAM users and SSO users get 403 with the reason on /account/sso', async () => {
    const dev = new HttpClient(portal.url);
    await dev.signIn('dev@1000000000000001.onaliyun.com');
    const res = await dev.get('/account/sso');
    expect(res.status).toBe(403);
    expect(pageText(await res.text())).toContain('Only the account owner can configure single sign-on.');
    const post = await dev.post('/account/sso', {
      issuer: 'https://evil.example',
      clientId: 'x',
      clientSecret: 'y',
      userClaim: 'a',
      roleClaim: 'b',
      mode: 'USER',
    });
    expect(post.status).toBe(403);
    const sso = await signInWithSso(portal);
    const ssoRes = await sso.client.request('/account/sso');
    expect(ssoRes.status).toBe(403);
    expect(pageText(await ssoRes.text())).toContain('Only the account owner can configure single sign-on.');
  });
});
