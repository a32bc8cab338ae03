import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { HttpClient, pageText } from '../support/http';
import { NOT_ROOT_PASSWORD_REASON, NOT_ROOT_PHONE_REASON, NOT_ROOT_REASON, SWITCH_ROLE_REASON } from '~/authz/ability';
import { ROLE_SESSION_MS, commitSessionCookie, createSession } from '~/auth/session.server';
import { ALICE_UID } from '~/demo/seed.server';
import { ROLE_MESSAGES } from '~/sso/messages';

const DEV = 'dev@1000000000000001.onaliyun.com';

describeEachDatabase('RAM role sessions', (kind) => {
  let portal: TestPortal;
  let roles: Record<string, string>;
  beforeAll(async () => {
    portal = await startTestPortal(kind);
    const rows = await portal.db.prisma.ramRole.findMany({ where: { accountUid: ALICE_UID } });
    roles = Object.fromEntries(rows.map((r) => [r.name, r.id]));
  });
  afterAll(async () => {
    await portal?.stop();
  });

  const prisma = () => portal.db.prisma;
  const devClient = async () => {
    const dev = new HttpClient(portal.url, { userAgent: 'vitest role sessions' });
    await dev.signIn(DEV);
    const parent = await prisma().session.findFirstOrThrow({
      where: { principalType: 'RAM_USER', revokedAt: null },
      orderBy: { createdAt: 'desc' },
    });
    return { dev, parent };
  };
  const switchTo = async (dev: HttpClient, role: string) => dev.post('/account/roles', { roleId: roles[role] });
  const roleSessionOf = (parentId: string) =>
    prisma().session.findFirstOrThrow({
      where: { parentSessionId: parentId },
      orderBy: { createdAt: 'desc' },
      include: { ramRole: true },
    });

  it('lists only the roles the RAM user may assume', async () => {
    const { dev } = await devClient();
    const res = await dev.get('/account/roles');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(pageText(html)).toContain('OpsAdmin');
    expect(pageText(html)).not.toContain('ReadOnlyAuditor');
    expect(html).toContain('href="/account/roles"'); // the header offers "Switch role"
  });

  it('switches to an allowed role: a one-hour RAM_ROLE session with its parent, shown in the header, blocked from the change', async () => {
    const { dev, parent } = await devClient();
    const res = await switchTo(dev, 'OpsAdmin');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/account/security');
    expect(dev.hasCookie('ard_parent')).toBe(true);
    const role = await roleSessionOf(parent.id);
    expect(role).toMatchObject({
      principalType: 'RAM_ROLE',
      accountUid: ALICE_UID,
      ramUserId: parent.ramUserId,
      revokedAt: null,
    });
    expect(role.ramRole?.name).toBe('OpsAdmin');
    expect(Math.abs(role.expiresAt.getTime() - role.createdAt.getTime() - ROLE_SESSION_MS)).toBeLessThan(5_000);

    const page = pageText(await (await dev.get('/account/security')).text());
    expect(page).toContain('OpsAdmin (dev)');
    expect(page).toContain('RAM role');
    expect(page).toContain('Role OpsAdmin until');
    expect(page).toContain('Back to RAM user');
    expect(page).toContain(NOT_ROOT_REASON);
    // The secure phone and the password say their own reason, with the help page's advice.
    expect(page).toContain(NOT_ROOT_PHONE_REASON);
    expect(page).toContain(NOT_ROOT_PASSWORD_REASON);
    expect(page).toContain(
      'You must contact the account administrator to log on to the Alibaba Cloud account and perform the operation.',
    );
    for (const path of [
      '/account/security/logon-email',
      '/account/security/logon-email/new',
      '/account/security/logon-email/done',
    ]) {
      const step = await dev.get(path);
      expect(step.status, path).toBe(403);
      expect(pageText(await step.text())).toContain(NOT_ROOT_REASON);
    }
    const post = await dev.post('/account/security/logon-email', { intent: 'send-code', channel: 'EMAIL' });
    expect(post.status).toBe(403);
    expect(await post.text()).toContain(NOT_ROOT_REASON);
    // From a role session there is no switching on.
    const again = await dev.get('/account/roles');
    expect(again.status).toBe(403);
    expect(pageText(await again.text())).toContain(SWITCH_ROLE_REASON);

    const audit = await prisma().auditEvent.findFirstOrThrow({
      where: { action: 'role.assumed' },
      orderBy: { id: 'desc' },
    });
    expect(audit.actorId).toBe(parent.id);
    expect(audit.data).toMatchObject({ role: 'OpsAdmin', roleSessionId: role.id });
  });

  it('refuses a role the user may not assume, and a made-up one, with 403', async () => {
    const { dev, parent } = await devClient();
    const refused = await switchTo(dev, 'ReadOnlyAuditor');
    expect(refused.status).toBe(403);
    expect(pageText(await refused.text())).toContain(ROLE_MESSAGES.notAssumable);
    const unknown = await dev.post('/account/roles', { roleId: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.status).toBe(403);
    const garbage = await dev.post('/account/roles', { roleId: "' OR 1=1 --" });
    expect(garbage.status).toBe(403);
    expect(await prisma().session.count({ where: { parentSessionId: parent.id } })).toBe(0);
    expect(await prisma().auditEvent.count({ where: { action: 'role.assume_refused', actorId: parent.id } })).toBe(1);
    // Still the RAM user.
    expect(pageText(await (await dev.get('/account/security')).text())).toContain('dev@1000000000000001.onaliyun.com');
  });

  it('owners cannot switch roles', async () => {
    const alice = new HttpClient(portal.url);
    await alice.signIn('alice@example.com');
    const res = await alice.post('/account/roles', { roleId: roles.OpsAdmin });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain(SWITCH_ROLE_REASON);
    expect(await (await alice.get('/account/security')).text()).not.toContain('href="/account/roles"');
  });

  it('"Back to RAM user" ends the role session and returns to the parent session', async () => {
    const { dev, parent } = await devClient();
    await switchTo(dev, 'OpsAdmin');
    const role = await roleSessionOf(parent.id);
    const back = await dev.post('/account/roles/back', {});
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe('/account/security');
    expect(dev.hasCookie('ard_parent')).toBe(false);
    expect((await prisma().session.findUniqueOrThrow({ where: { id: role.id } })).revokedAt).not.toBeNull();
    const page = pageText(await (await dev.get('/account/security')).text());
    expect(page).toContain('dev@1000000000000001.onaliyun.com');
    expect(page).not.toContain('Back to RAM user');
    expect(await prisma().auditEvent.count({ where: { action: 'role.left', actorId: role.id } })).toBe(1);
    // The parent is the session in use again (not a new one).
    expect(
      await prisma().session.count({
        where: { ramUserId: parent.ramUserId, principalType: 'RAM_USER', revokedAt: null, id: parent.id },
      }),
    ).toBe(1);
  });

  it('"Back to RAM user" when the RAM user session has ended leads to the sign-in page', async () => {
    const { dev, parent } = await devClient();
    await switchTo(dev, 'OpsAdmin');
    await prisma().session.update({ where: { id: parent.id }, data: { revokedAt: new Date() } });
    const back = await dev.post('/account/roles/back', {});
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe('/login?role_ended=1');
    expect((await dev.get('/account/security')).status).toBe(302);
  });

  it('a role session ends after one hour', async () => {
    const { dev, parent } = await devClient();
    await switchTo(dev, 'OpsAdmin');
    const role = await roleSessionOf(parent.id);
    expect((await dev.get('/account/security')).status).toBe(200);
    await prisma().session.update({ where: { id: role.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const res = await dev.get('/account/security');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(/^\/login/);
  });

  it('an SSO user signed in as a RAM user switches to that user’s roles and comes back to the SSO session', async () => {
    const devUser = await prisma().ramUser.findFirstOrThrow({ where: { accountUid: ALICE_UID, name: 'dev' } });
    const { token, session: ssoSession } = await createSession(prisma(), {
      principalType: 'SSO_USER',
      accountUid: ALICE_UID,
      ramUserId: devUser.id,
      ssoSubject: 'idp-subject-7',
      ssoName: 'Dana Single',
    });
    const sso = new HttpClient(portal.url);
    sso.adoptCookie(await commitSessionCookie(portal.services.config, token));
    const security = await (await sso.get('/account/security')).text();
    expect(security).toContain('href="/account/roles"');
    const list = pageText(await (await sso.get('/account/roles')).text());
    expect(list).toMatch(/Signed in with single sign-on as Dana Single \(RAM user dev ?\)/);
    expect(list).toContain('OpsAdmin');
    expect(list).not.toContain('ReadOnlyAuditor');
    expect((await switchTo(sso, 'ReadOnlyAuditor')).status).toBe(403);

    const res = await switchTo(sso, 'OpsAdmin');
    expect(res.status).toBe(302);
    const role = await roleSessionOf(ssoSession.id);
    expect(role).toMatchObject({
      principalType: 'RAM_ROLE',
      ramUserId: devUser.id,
      ssoName: 'Dana Single',
      revokedAt: null,
    });
    const page = pageText(await (await sso.get('/account/security')).text());
    expect(page).toContain('OpsAdmin (Dana Single)');
    expect(page).toContain('Back to SSO user');
    expect(page).toContain(NOT_ROOT_REASON);
    const assumed = await prisma().auditEvent.findFirstOrThrow({
      where: { action: 'role.assumed', actorId: ssoSession.id },
    });
    expect(assumed.data).toMatchObject({ role: 'OpsAdmin', from: 'SSO_USER' });

    const back = await sso.post('/account/roles/back', {});
    expect(back.headers.get('location')).toBe('/account/security');
    expect((await prisma().session.findUniqueOrThrow({ where: { id: role.id } })).revokedAt).not.toBeNull();
    const again = pageText(await (await sso.get('/account/security')).text());
    expect(again).toContain('Dana Single');
    expect(again).not.toContain('Back to SSO user');
  });

  it('an SSO user with no RAM user behind it has no role to switch to (403)', async () => {
    const { token } = await createSession(prisma(), {
      principalType: 'SSO_USER',
      accountUid: ALICE_UID,
      ssoSubject: 'idp-subject-8',
      ssoName: 'Nobody Mapped',
    });
    const sso = new HttpClient(portal.url);
    sso.adoptCookie(await commitSessionCookie(portal.services.config, token));
    expect(await (await sso.get('/account/security')).text()).not.toContain('href="/account/roles"');
    expect((await sso.get('/account/roles')).status).toBe(403);
    expect((await switchTo(sso, 'OpsAdmin')).status).toBe(403);
    expect(await prisma().session.count({ where: { principalType: 'RAM_ROLE', ssoSubject: 'idp-subject-8' } })).toBe(0);
  });

  it('signing out of a role session signs out of the RAM user session too', async () => {
    const { dev, parent } = await devClient();
    await switchTo(dev, 'OpsAdmin');
    const role = await roleSessionOf(parent.id);
    expect((await dev.post('/logout', {})).status).toBe(302);
    for (const id of [parent.id, role.id])
      expect((await prisma().session.findUniqueOrThrow({ where: { id } })).revokedAt).not.toBeNull();
  });
});
