// Every customer route and action × every customer principal → the expected answer (as the back office
// has in staff-appeals-matrix.test.ts). Owners may do everything on their account; RAM users, RAM role
// sessions and SSO users read but never change the account's credentials; strangers go to the sign-in.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { HttpClient } from '../support/http';
import { sessionFor } from '../support/accounts';
import { ALICE_UID } from '~/demo/seed.server';

type Who = 'owner' | 'ramUser' | 'ramRole' | 'ssoUser' | 'ssoRole' | 'anonymous';
const WHO: Who[] = ['owner', 'ramUser', 'ramRole', 'ssoUser', 'ssoRole', 'anonymous'];
/** ok: answered (200, or the form's own redirect); 403: refused with the rule's reason; login: sent to the sign-in page. */
type Outcome = 'ok' | 403 | 'login';

const read: Record<Who, Outcome> = {
  owner: 'ok',
  ramUser: 'ok',
  ramRole: 'ok',
  ssoUser: 'ok',
  ssoRole: 'ok',
  anonymous: 'login',
};
const ownerOnly: Record<Who, Outcome> = {
  owner: 'ok',
  ramUser: 403,
  ramRole: 403,
  ssoUser: 403,
  ssoRole: 403,
  anonymous: 'login',
};
/** Switching to a RAM role: a RAM user, or an SSO user signed in as one. */
const switchers: Record<Who, Outcome> = {
  owner: 403,
  ramUser: 'ok',
  ramRole: 403,
  ssoUser: 'ok',
  ssoRole: 403,
  anonymous: 'login',
};
const everyone: Record<Who, Outcome> = {
  owner: 'ok',
  ramUser: 'ok',
  ramRole: 'ok',
  ssoUser: 'ok',
  ssoRole: 'ok',
  anonymous: 'ok',
};

const ROUTES: {
  label: string;
  method: 'GET' | 'POST';
  path: string;
  body?: Record<string, string>;
  expected: Record<Who, Outcome>;
}[] = [
  { label: 'account overview', method: 'GET', path: '/account', expected: read },
  { label: 'Security Settings', method: 'GET', path: '/account/security', expected: read },
  { label: 'change logon email, step 1', method: 'GET', path: '/account/security/logon-email', expected: ownerOnly },
  {
    label: 'change logon email, step 1: send code',
    method: 'POST',
    path: '/account/security/logon-email',
    body: { intent: 'send-code', channel: 'EMAIL' },
    expected: ownerOnly,
  },
  {
    label: 'change logon email, step 2',
    method: 'GET',
    path: '/account/security/logon-email/new',
    expected: ownerOnly,
  },
  {
    label: 'change logon email, step 2: confirm',
    method: 'POST',
    path: '/account/security/logon-email/new',
    body: { intent: 'confirm', newEmail: 'matrix@corp.example', code: '123456' },
    expected: ownerOnly,
  },
  { label: 'single sign-on settings', method: 'GET', path: '/account/sso', expected: ownerOnly },
  { label: 'switch role', method: 'GET', path: '/account/roles', expected: switchers },
  {
    label: 'switch role: to OpsAdmin',
    method: 'POST',
    path: '/account/roles',
    body: { roleId: 'OPS_ADMIN' },
    expected: switchers,
  },
  {
    label: 'single sign-on settings: save',
    method: 'POST',
    path: '/account/sso',
    body: { issuer: 'https://idp.example.com', clientId: 'x', enabled: 'on' },
    expected: ownerOnly,
  },
  // Last: it ends the session.
  { label: 'sign out', method: 'POST', path: '/logout', body: {}, expected: everyone },
];

describeEachDatabase('customer routes: authorization matrix', (kind) => {
  let portal: TestPortal;
  const clients = {} as Record<Who, HttpClient>;
  let opsAdmin = '';
  beforeAll(async () => {
    portal = await startTestPortal(kind);
    const prisma = portal.db.prisma;
    const dev = await prisma.ramUser.findFirstOrThrow({ where: { accountUid: ALICE_UID, name: 'dev' } });
    const role = await prisma.ramRole.findFirstOrThrow({ where: { accountUid: ALICE_UID, name: 'OpsAdmin' } });
    const owner = await sessionFor(portal, { principalType: 'OWNER', accountUid: ALICE_UID });
    const ramUser = await sessionFor(portal, { principalType: 'RAM_USER', accountUid: ALICE_UID, ramUserId: dev.id });
    const ramRole = await sessionFor(portal, {
      principalType: 'RAM_ROLE',
      accountUid: ALICE_UID,
      ramUserId: dev.id,
      ramRoleId: role.id,
    });
    const ssoUser = await sessionFor(portal, {
      principalType: 'SSO_USER',
      accountUid: ALICE_UID,
      ramUserId: dev.id,
      ssoSubject: 'sub-matrix',
      ssoName: 'SSO Matrix',
    });
    opsAdmin = role.id;
    const ssoRole = await sessionFor(portal, {
      principalType: 'SSO_ROLE',
      accountUid: ALICE_UID,
      ramRoleId: role.id,
      ssoSubject: 'sub-matrix-role',
      ssoName: 'SSO Role',
    });
    Object.assign(clients, {
      owner: owner.client,
      ramUser: ramUser.client,
      ramRole: ramRole.client,
      ssoUser: ssoUser.client,
      ssoRole: ssoRole.client,
      anonymous: new HttpClient(portal.url),
    });
  });
  afterAll(async () => {
    await portal?.stop();
  });

  for (const who of WHO) {
    it(`${who}: every customer route and action`, async () => {
      const before = (await portal.db.prisma.account.findUniqueOrThrow({ where: { uid: ALICE_UID } })).logonEmail;
      for (const route of ROUTES) {
        const c = clients[who];
        const body = Object.fromEntries(
          Object.entries(route.body ?? {}).map(([k, v]) => [k, v === 'OPS_ADMIN' ? opsAdmin : v]),
        );
        const res = route.method === 'GET' ? await c.get(route.path) : await c.post(route.path, body);
        const want = route.expected[who];
        const where = `${route.method} ${route.path} (${route.label}) → ${res.status} ${res.headers.get('location') ?? ''}`;
        if (want === 'login') {
          expect(res.status, where).toBe(302);
          expect(res.headers.get('location'), where).toMatch(/^\/login/);
        } else if (want === 403) {
          expect(res.status, where).toBe(403);
          // The rule's reason, not a bare refusal.
          expect(await res.text(), where).toMatch(
            /RAM users, RAM roles and SSO users cannot|Only the account owner|Only a RAM user \(or an SSO user signed in as one\) can switch/,
          );
        } else {
          expect(res.status, where).toBeLessThan(500);
          expect(res.status, where).not.toBe(403);
          if (res.status === 302 && route.path !== '/logout')
            expect(res.headers.get('location'), where).not.toMatch(/^\/login/);
        }
      }
      // Whatever was sent, nobody but a code-holding owner changes the logon email.
      expect((await portal.db.prisma.account.findUniqueOrThrow({ where: { uid: ALICE_UID } })).logonEmail).toBe(before);
    });
  }
});
