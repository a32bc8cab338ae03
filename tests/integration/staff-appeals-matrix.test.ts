// Every appeal route of the back office × every kind of visitor → the expected answer.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { HttpClient } from '../support/http';
import { signInStaff, makeAppeal } from '../support/backoffice';

type Who = 'agent' | 'senior' | 'admin' | 'deactivated' | 'customer' | 'anonymous';
const WHO: Who[] = ['agent', 'senior', 'admin', 'deactivated', 'customer', 'anonymous'];

describeEachDatabase('back-office appeal routes: authorization matrix', (kind) => {
  let portal: TestPortal;
  const clients = {} as Record<Who, HttpClient>;
  let appealId = '';
  let fileId = '';
  beforeAll(async () => {
    portal = await startTestPortal(kind);
    const prisma = portal.db.prisma;
    const appeal = await makeAppeal(prisma, portal.services.evidence);
    appealId = appeal.id;
    fileId = (await prisma.evidenceFile.findFirstOrThrow({ where: { appealId } })).id;
    for (const who of WHO) clients[who] = new HttpClient(portal.url);
    await signInStaff(clients.agent, prisma, 'agent@support.example.com');
    await signInStaff(clients.senior, prisma, 'senior@support.example.com');
    await signInStaff(clients.admin, prisma, 'admin@support.example.com');
    // A second agent account, signed in and then deactivated: their session must be worthless.
    const { hashPassword } = await import('~/auth/password.server');
    const { sealTotpSecret } = await import('~/staff/totp.server');
    const { DEMO_TOTP_SECRET } = await import('~/demo/seed.server');
    await prisma.staff.create({
      data: {
        email: 'gone@support.example.com',
        name: 'Gone Agent',
        roles: ['AGENT'],
        passwordHash: await hashPassword('demo-Passw0rd!'),
        totpSecretEncrypted: sealTotpSecret(portal.services.config.encryptionSecret, DEMO_TOTP_SECRET),
        totpEnrolledAt: new Date(),
      },
    });
    await signInStaff(clients.deactivated, prisma, 'gone@support.example.com');
    await prisma.staff.update({
      where: { email: 'gone@support.example.com' },
      data: { active: false, deactivatedAt: new Date() },
    });
    await clients.customer.signIn('alice@example.com');
  });
  afterAll(async () => {
    await portal?.stop();
  });

  const toLogin = (res: Response) => res.status === 302 && /^\/staff\/login/.test(res.headers.get('location') ?? '');
  const expected: Record<Who, 'ok' | 403 | 'login'> = {
    agent: 'ok',
    senior: 'ok',
    admin: 403,
    deactivated: 'login',
    customer: 'login',
    anonymous: 'login',
  };

  for (const who of WHO) {
    it(`${who}: queue, case page, evidence and a case action`, async () => {
      const c = clients[who];
      const routes: [string, () => Promise<Response>][] = [
        ['GET /staff/appeals', () => c.get('/staff/appeals')],
        ['GET /staff/appeals/:id', () => c.get(`/staff/appeals/${appealId}`)],
        ['GET /staff/evidence/:id', () => c.get(`/staff/evidence/${fileId}`)],
        [
          'POST /staff/appeals/:id note',
          () => c.post(`/staff/appeals/${appealId}`, { intent: 'note', body: `note by ${who}` }),
        ],
      ];
      for (const [label, call] of routes) {
        const res = await call();
        const want = expected[who];
        if (want === 'ok') expect(res.status, label).toBe(200);
        else if (want === 403) expect(res.status, label).toBe(403);
        else expect(toLogin(res), `${label} → ${res.status} ${res.headers.get('location')}`).toBe(true);
      }
      const notes = await portal.db.prisma.internalNote.count({ where: { appealId, body: `note by ${who}` } });
      expect(notes).toBe(expected[who] === 'ok' ? 1 : 0);
    });
  }

  it('nobody but an agent claims, and nothing a refused visitor sent changed the case', async () => {
    for (const who of ['admin', 'deactivated', 'customer', 'anonymous'] as Who[]) {
      await clients[who].post(`/staff/appeals/${appealId}`, { intent: 'claim' });
    }
    const appeal = await portal.db.prisma.appeal.findUniqueOrThrow({ where: { id: appealId } });
    expect(appeal.assigneeId).toBeNull();
    expect(appeal.status).toBe('SUBMITTED');
  });
});
