import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { useTestPortal } from '../support/portal';
import { HttpClient, pageText } from '../support/http';
import { staffSignIn } from '../support/staff';
import { NOT_ROOT_REASON } from '~/authz/ability';
import { INVALID_CREDENTIALS } from '~/auth/login.server';
import { CSRF_MESSAGE } from '~/security/csrf.server';
import { SESSION_IDLE_MS } from '~/auth/session.server';
import { hashPassword } from '~/auth/password.server';

describeEachDatabase('sign-in, sessions and Security Settings', (kind) => {
  const portal = useTestPortal(kind);

  const client = (ip?: string) => new HttpClient(portal().url, { userAgent: `vitest ${ip ?? ''}` });

  it('signs Alice in with an HttpOnly, SameSite=Lax cookie holding an opaque id', async () => {
    const alice = client();
    const res = await alice.signIn('  Alice@Example.com ');
    expect(res.headers.get('location')).toBe('/account/security');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('ard_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/alice|1000000000000001/i);
    const page = pageText(await (await alice.get('/account/security')).text());
    expect(page).toContain('1000000000000001');
    expect(page).toContain('a***e@example.com');
    expect(page).toContain('+86138****0001');
    expect(page).not.toContain('alice@example.com'); // not even in the header
    expect(page).not.toContain(NOT_ROOT_REASON);
    const audit = await portal().db.prisma.auditEvent.findFirst({
      where: { action: 'login.succeeded', accountUid: '1000000000000001' },
    });
    expect(audit?.ip).toBeTruthy();
  });

  it('shows the RAM user the reason instead of the Change button', async () => {
    const dev = client();
    await dev.signIn('dev@1000000000000001.onaliyun.com');
    const html = await (await dev.get('/account/security')).text();
    expect(pageText(html)).toContain(NOT_ROOT_REASON);
    expect(html).not.toContain('href="/account/security/logon-email"');
  });

  it('lists RAM users and AccessKey ids on the Account page', async () => {
    const alice = client();
    await alice.signIn('alice@example.com');
    const page = pageText(await (await alice.get('/account')).text());
    expect(page).toContain('dev@1000000000000001.onaliyun.com');
    expect(page).toContain('LTAI5tAliceRootKey0001');
    expect(page).toContain('LTAI5tDevUserKey000001');
  });

  it('sends visitors who are not signed in to the sign-in page', async () => {
    const res = await client().get('/account/security');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/login?redirectTo=%2Faccount%2Fsecurity');
  });

  it('gives a wrong password and an unknown login the same answer', async () => {
    const wrong = await client().post('/login', { login: 'bob@example.com', password: 'not-the-password1' });
    const unknown = await client().post('/login', { login: 'nobody@example.com', password: 'not-the-password1' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const a = pageText(await wrong.text());
    const b = pageText(await unknown.text());
    expect(a).toContain(INVALID_CREDENTIALS);
    expect(b.replace('nobody@example.com', 'X')).toBe(a.replace('bob@example.com', 'X'));
    expect(wrong.headers.getSetCookie().some((c) => c.startsWith('ard_session='))).toBe(false);
  });

  it('refuses a login from one address after 5 failures — known or unknown — and lets others in', async () => {
    await portal().db.prisma.account.create({
      data: {
        uid: '1000000000000099',
        logonEmail: 'carol@example.com',
        passwordHash: await hashPassword('demo-Passw0rd!'),
        holderName: 'Carol',
      },
    });
    for (const login of ['carol@example.com', 'ghost@example.com']) {
      for (let i = 0; i < 5; i++)
        expect((await client().post('/login', { login, password: 'wrong-password-1' })).status).toBe(401);
      // Even the right password is refused from this address meanwhile (sign-in-throttling.test.ts: not from others).
      const locked = await client().post('/login', { login, password: 'demo-Passw0rd!' });
      expect(locked.status).toBe(429);
      expect(pageText(await locked.text())).toMatch(
        /Too many failed sign-in attempts for this logon name from your network\. Try again in \d+ minutes?/,
      );
    }
    // Alice is not affected by Carol's refusals.
    await client().signIn('alice@example.com');
    expect(await portal().db.prisma.auditEvent.count({ where: { action: 'login.throttled' } })).toBeGreaterThanOrEqual(
      2,
    );
  });

  it('gives a right password its point back: an IP that signs in often is not locked out by its own successes', async () => {
    const office = () => new HttpClient(portal().url, { forwardedFor: '192.0.2.200' });
    for (let i = 0; i < 35; i++) {
      const c = office();
      expect(
        (await c.post('/login', { login: 'bob@example.com', password: 'demo-Passw0rd!' })).status,
        `sign-in ${i + 1}`,
      ).toBe(302);
    }
  });

  it('refuses a POST without Origin or Referer, and one from another site', async () => {
    const noOrigin = await client().post(
      '/login',
      { login: 'alice@example.com', password: 'demo-Passw0rd!' },
      { origin: null },
    );
    expect(noOrigin.status).toBe(403);
    expect(await noOrigin.text()).toBe(CSRF_MESSAGE);
    const evil = await client().post(
      '/login',
      { login: 'alice@example.com', password: 'demo-Passw0rd!' },
      { origin: 'https://evil.example' },
    );
    expect(evil.status).toBe(403);
    // A signed-in user's session is not usable from another site either.
    const alice = client();
    await alice.signIn('alice@example.com');
    const before = await portal().db.prisma.session.count({
      where: { accountUid: '1000000000000001', revokedAt: null },
    });
    expect(
      (await alice.post('/account/security', { intent: 'sign-out-others' }, { origin: 'https://evil.example' })).status,
    ).toBe(403);
    expect(await portal().db.prisma.session.count({ where: { accountUid: '1000000000000001', revokedAt: null } })).toBe(
      before,
    );
  });

  it('signs out: the old cookie no longer opens the page', async () => {
    const alice = client();
    await alice.signIn('alice@example.com');
    const stolen = alice.cookieHeader();
    const session = await portal().db.prisma.session.findFirstOrThrow({
      where: { accountUid: '1000000000000001', revokedAt: null },
      orderBy: { createdAt: 'desc' },
    });
    expect((await alice.post('/logout', {})).status).toBe(302);
    const replay = await fetch(`${portal().url}/account/security`, { headers: { Cookie: stolen }, redirect: 'manual' });
    expect(replay.status).toBe(302);
    // The sign-out is in the audit log, once: a second POST with the dead cookie ends nothing.
    await fetch(`${portal().url}/logout`, {
      method: 'POST',
      headers: { Cookie: stolen, Origin: portal().url },
      redirect: 'manual',
    });
    const audited = await portal().db.prisma.auditEvent.findMany({
      where: { action: 'session.signed_out', actorId: session.id },
    });
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({
      actorType: 'customer',
      accountUid: '1000000000000001',
      data: { reason: 'signed-out', principalType: 'OWNER' },
    });
  });

  it('audits a staff sign-out', async () => {
    const agent = client();
    await staffSignIn(agent, 'agent@support.example.com');
    const staff = await portal().db.prisma.staff.findUniqueOrThrow({ where: { email: 'agent@support.example.com' } });
    const before = await portal().db.prisma.auditEvent.count({ where: { action: 'staff.logout', actorId: staff.id } });
    expect((await agent.post('/staff/logout', {})).status).toBe(302);
    expect(await portal().db.prisma.auditEvent.count({ where: { action: 'staff.logout', actorId: staff.id } })).toBe(
      before + 1,
    );
  });

  it('"sign out other sessions" ends the others and keeps this one', async () => {
    const here = client();
    const there = client();
    await here.signIn('alice@example.com');
    await there.signIn('alice@example.com');
    expect(pageText(await (await here.get('/account/security')).text())).toMatch(
      /You are also signed in in (1 other place|\d+ other places)\./,
    );
    const res = await here.post('/account/security', { intent: 'sign-out-others' });
    expect(res.status).toBe(200);
    expect(pageText(await res.text())).toMatch(/Signed out \d+ other sessions?/);
    expect((await there.get('/account/security')).status).toBe(302);
    const after = await here.get('/account/security');
    expect(after.status).toBe(200);
    expect(pageText(await after.text())).toContain('You are not signed in anywhere else.');
  });

  it('ends a session after 30 idle minutes and at its absolute expiry', async () => {
    const idle = client();
    await idle.signIn('alice@example.com');
    await portal().db.prisma.session.updateMany({
      where: { revokedAt: null, accountUid: '1000000000000001' },
      data: { lastSeenAt: new Date(Date.now() - SESSION_IDLE_MS - 1000) },
    });
    expect((await idle.get('/account/security')).status).toBe(302);
    const old = client();
    await old.signIn('alice@example.com');
    await portal().db.prisma.session.updateMany({
      where: { revokedAt: null, accountUid: '1000000000000001' },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await old.get('/account/security')).status).toBe(302);
  });

  it('answers /healthz with the database it checked', async () => {
    const res = await client().get('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', database: kind });
  });

  it('sends security headers with a fresh nonce on every page', async () => {
    const a = await client().get('/login');
    const b = await client().get('/login');
    const nonceOf = (r: Response) => /'nonce-([^']+)'/.exec(r.headers.get('content-security-policy') ?? '')?.[1];
    expect(nonceOf(a)).toBeTruthy();
    expect(nonceOf(a)).not.toBe(nonceOf(b));
    const html = await a.text();
    expect(html).toContain(`nonce="${nonceOf(a)}"`);
    expect(a.headers.get('x-frame-options')).toBe('DENY');
  });
});
