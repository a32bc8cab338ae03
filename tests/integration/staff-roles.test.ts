// Who can become staff, and who can make a senior agent: staff emails only at STAFF_EMAIL_DOMAINS, and
// the senior agent role (the second approver of high-risk appeals) only with a second admin's confirmation.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { HttpClient, pageText } from '../support/http';
import { DEMO_STAFF, DEMO_TOTP_SECRET, staffSignIn } from '../support/staff';
import type { StaffRole } from '~/generated/prisma/enums';
import { hashPassword } from '~/auth/password.server';
import { DEMO_PASSWORD } from '~/demo/seed.server';
import { sealTotpSecret } from '~/staff/totp.server';
import { NO_SENIOR_REQUEST, NO_STAFF_DOMAINS, SENIOR_NEEDS_ANOTHER_ADMIN, staffDomainOnly } from '~/staff/admin.server';

const STAFF_PAGE = '/staff/admin/staff';

describeEachDatabase('staff: email domains and the senior agent role', (kind) => {
  let portal: TestPortal;
  let closed: TestPortal;
  let first: HttpClient;
  let second: HttpClient;
  let firstId: string;
  let n = 0;
  const prisma = () => portal.db.prisma;
  const email = (prefix: string) => `${prefix}-${++n}-${kind}@support.example.com`;

  async function enrolled(p: TestPortal, address: string, roles: StaffRole[]) {
    return p.db.prisma.staff.create({
      data: {
        email: address,
        name: `Member ${address.split('@')[0]}`,
        roles,
        passwordHash: await hashPassword(DEMO_PASSWORD),
        totpSecretEncrypted: sealTotpSecret(p.services.config.encryptionSecret, DEMO_TOTP_SECRET),
        totpEnrolledAt: new Date(),
      },
    });
  }
  async function signedIn(p: TestPortal, address: string) {
    const c = new HttpClient(p.url);
    await staffSignIn(c, address, { prisma: p.db.prisma });
    return c;
  }
  const row = (html: string, address: string) =>
    new RegExp(`data-testid="staff-${address}"[\\s\\S]*?</tr>`).exec(html)![0];

  beforeAll(async () => {
    portal = await startTestPortal(kind);
    // A deployment that names no staff domain at all.
    closed = await startTestPortal(kind, { env: { STAFF_EMAIL_DOMAINS: '' } });
    first = await signedIn(portal, DEMO_STAFF.admin);
    firstId = (await prisma().staff.findUniqueOrThrow({ where: { email: DEMO_STAFF.admin } })).id;
    const other = await enrolled(portal, `second-admin-${kind}@support.example.com`, ['ADMIN']);
    second = await signedIn(portal, other.email);
  });
  afterAll(async () => {
    await portal?.stop();
    await closed?.stop();
  });

  it('adds staff only with an email at the staff domains, and says which, at the email field', async () => {
    for (const outside of [
      'mallory@gmail.com',
      'mallory@evil.support.example.com',
      'mallory@support.example.com.evil.example',
    ]) {
      const res = await first.post(STAFF_PAGE, { intent: 'create', email: outside, name: 'Mallory', roles: 'AGENT' });
      expect(res.status, outside).toBe(400);
      const html = await res.text();
      expect(pageText(html), outside).toContain(staffDomainOnly(['support.example.com']));
      // Tied to the field, for screen readers.
      expect(html).toMatch(
        /aria-describedby="[^"]*error[^"]*"[^>]*name="email"|name="email"[^>]*aria-describedby="[^"]*error/,
      );
      expect(await prisma().staff.count({ where: { email: outside } })).toBe(0);
    }
    const inside = email('Inside').toUpperCase();
    expect(
      (await first.post(STAFF_PAGE, { intent: 'create', email: inside, name: 'Inside', roles: 'AGENT' })).status,
    ).toBe(200);
    expect(await prisma().staff.count({ where: { email: inside.toLowerCase() } })).toBe(1);
  });

  it('adds nobody where no staff domain is configured, and says what to set', async () => {
    const admin = await signedIn(closed, DEMO_STAFF.admin);
    const res = await admin.post(STAFF_PAGE, {
      intent: 'create',
      email: `nobody-${kind}@support.example.com`,
      name: 'Nobody',
      roles: 'AGENT',
    });
    expect(res.status).toBe(400);
    expect(pageText(await res.text())).toContain(NO_STAFF_DOMAINS);
  });

  it('one admin alone cannot make senior agents: the role waits for a second admin, who confirms it', async () => {
    const a = email('would-be-senior-a');
    const b = email('would-be-senior-b');
    for (const address of [a, b]) {
      const res = await first.post(STAFF_PAGE, {
        intent: 'create',
        email: address,
        name: `Senior ${address}`,
        roles: 'SENIOR_AGENT',
      });
      expect(res.status).toBe(200);
      expect(pageText(await res.text())).toContain('Senior agent takes effect once another administrator confirms it');
    }
    // Neither is a senior agent: no second approval of a high-risk appeal by them.
    const made = await prisma().staff.findMany({ where: { email: { in: [a, b] } } });
    expect(made.map((m) => m.roles)).toEqual([['AGENT'], ['AGENT']]);
    const member = made.find((m) => m.email === a)!;

    // The admin who asked sees the request waiting, without a way to confirm it — and is refused if they try.
    const ownView = row(await (await first.get(STAFF_PAGE)).text(), a);
    expect(pageText(ownView)).toContain('another administrator must confirm it');
    expect(ownView).not.toContain('value="senior-confirm"');
    const self = await first.post(STAFF_PAGE, { intent: 'senior-confirm', staffId: member.id });
    expect(self.status).toBe(403);
    expect(pageText(await self.text())).toContain(SENIOR_NEEDS_ANOTHER_ADMIN);
    expect((await prisma().staff.findUniqueOrThrow({ where: { id: member.id } })).roles).toEqual(['AGENT']);

    // Another admin sees who asked, and confirms.
    const otherView = row(await (await second.get(STAFF_PAGE)).text(), a);
    expect(pageText(otherView)).toContain('Senior agent asked for by');
    expect(otherView).toContain('value="senior-confirm"');
    const confirmed = await second.post(STAFF_PAGE, { intent: 'senior-confirm', staffId: member.id });
    expect(confirmed.status).toBe(200);
    expect(pageText(await confirmed.text())).toContain(`${member.name} is now a senior agent.`);
    const after = await prisma().staff.findUniqueOrThrow({ where: { id: member.id } });
    expect(after.roles).toEqual(['AGENT', 'SENIOR_AGENT']);
    expect(after.seniorRequestedById).toBeNull();
    const events = await prisma().auditEvent.findMany({
      where: { action: { startsWith: 'staff.senior_' }, data: { path: ['staffId'], equals: member.id } },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => e.action)).toEqual(['staff.senior_requested', 'staff.senior_confirmed']);
    expect(events[1].data).toMatchObject({ requestedBy: firstId, to: ['AGENT', 'SENIOR_AGENT'] });
    // Answered once: a second confirmation finds no request.
    const again = await second.post(STAFF_PAGE, { intent: 'senior-confirm', staffId: member.id });
    expect(again.status).toBe(409);
    expect(pageText(await again.text())).toContain(NO_SENIOR_REQUEST);
  });

  it('a role change to senior agent waits the same way; a second admin may decline it, and removal is at once', async () => {
    const agent = await enrolled(portal, email('agent'), ['AGENT']);
    const asked = await first.post(STAFF_PAGE, {
      intent: 'roles',
      staffId: agent.id,
      expected: 'AGENT',
      roles: 'SENIOR_AGENT',
    });
    expect(asked.status).toBe(200);
    expect(pageText(await asked.text())).toContain('Senior agent takes effect once another administrator confirms it');
    expect((await prisma().staff.findUniqueOrThrow({ where: { id: agent.id } })).roles).toEqual(['AGENT']);

    expect((await second.post(STAFF_PAGE, { intent: 'senior-decline', staffId: agent.id })).status).toBe(200);
    const declined = await prisma().staff.findUniqueOrThrow({ where: { id: agent.id } });
    expect(declined.roles).toEqual(['AGENT']);
    expect(declined.seniorRequestedById).toBeNull();
    expect(
      await prisma().auditEvent.count({
        where: { action: 'staff.senior_declined', data: { path: ['staffId'], equals: agent.id } },
      }),
    ).toBe(1);

    // Taking the role away needs nobody else.
    const senior = await enrolled(portal, email('senior'), ['AGENT', 'SENIOR_AGENT']);
    expect(
      (
        await first.post(STAFF_PAGE, {
          intent: 'roles',
          staffId: senior.id,
          expected: 'AGENT,SENIOR_AGENT',
          roles: 'AGENT',
        })
      ).status,
    ).toBe(200);
    expect((await prisma().staff.findUniqueOrThrow({ where: { id: senior.id } })).roles).toEqual(['AGENT']);
  });
});
