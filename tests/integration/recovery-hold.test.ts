// The hold before a handover and the handover itself (issue 22): an approval is scheduled, the owner
// can still stop it, the job makes it once after the hold (re-checked, several instances at once), and
// the handover leaves nothing a hijacker could walk back in with.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase, postgresOnly } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { HttpClient, pageText } from '../support/http';
import { mailedLink, NOT_ME_LINK, SET_PASSWORD_LINK, STOP_LINK } from '../support/appeals';
import { FULL_CHECKLIST, makeAppeal, signInStaff } from '../support/backoffice';
import { createOwner, sessionFor } from '../support/accounts';
import { performDueHandovers } from '~/appeals/handover.server';
import { openDatabase } from '~/db/connect.server';

const HOUR = 3600_000;

describeEachDatabase('recovery: the hold and the handover', (kind) => {
  let portal: TestPortal;
  const agent = () => staff;
  let staff: HttpClient;
  const prisma = () => portal.db.prisma;
  const version = async (id: string) => String((await prisma().appeal.findUniqueOrThrow({ where: { id } })).version);
  const act = async (id: string, fields: Record<string, string>) => {
    const res = await agent().post(`/staff/appeals/${id}`, { version: await version(id), ...fields });
    return { status: res.status, text: pageText(await res.text()) };
  };
  const job = (at: Date) => performDueHandovers(portal.services, at);

  /** An owner with a phone and an appeal for their account that the agent approved (normal risk). */
  async function approved(data: Parameters<typeof makeAppeal>[2] = {}) {
    const owner = await createOwner(prisma(), { phone: true });
    const newEmail = `recovered@${owner.uid}.example`;
    const appeal = await makeAppeal(prisma(), portal.services.evidence, {
      accountUid: owner.uid,
      givenUid: owner.uid,
      newEmail,
      ...data,
    });
    expect((await act(appeal.id, { intent: 'claim' })).text).toContain('The case is yours.');
    const form = new URLSearchParams({ intent: 'checklist', version: await version(appeal.id) });
    for (const c of FULL_CHECKLIST) form.append('check', c);
    expect((await agent().post(`/staff/appeals/${appeal.id}`, form)).status).toBe(200);
    const answer = await act(appeal.id, { intent: 'approve' });
    expect(answer.status, answer.text).toBe(200);
    return {
      owner,
      newEmail,
      appeal: await prisma().appeal.findUniqueOrThrow({ where: { id: appeal.id } }),
      answer: answer.text,
    };
  }

  beforeAll(async () => {
    portal = await startTestPortal(kind); // the default hold: 24 hours
    staff = new HttpClient(portal.url);
    await signInStaff(staff, prisma(), 'agent@support.example.com');
  });
  afterAll(async () => {
    await portal?.stop();
  });

  it('an approval schedules the handover 24 hours later: the owner is warned again, both sides see when, nothing changes before the job runs after the hold', async () => {
    expect(portal.services.config.recoveryHoldHours).toBe(24);
    const { owner, newEmail, appeal, answer } = await approved();
    expect(answer).toContain('The change takes effect on');
    expect(appeal.status).toBe('APPROVED');
    expect(appeal.handoverAt!.getTime() - appeal.decidedAt!.getTime()).toBe(24 * HOUR);
    expect(appeal.handedOverAt).toBeNull();
    expect((await prisma().account.findUniqueOrThrow({ where: { uid: owner.uid } })).logonEmail).toBe(owner.email);

    const warned = await prisma().outboxMessage.findMany({
      where: { template: 'appeal-owner-approval-warned', text: { contains: appeal.caseNumber } },
    });
    expect(warned.map((m) => m.recipient).sort()).toEqual([owner.email, owner.phone].sort());
    expect(warned.find((m) => m.channel === 'EMAIL')!.text).toContain(appeal.handoverAt!.toUTCString());
    await mailedLink(prisma(), owner.email, 'appeal-owner-approval-warned', STOP_LINK);
    const told = await prisma().outboxMessage.findFirstOrThrow({
      where: { recipient: newEmail, template: 'appeal-approved' },
    });
    expect(told.text).toContain(`takes effect on ${appeal.handoverAt!.toUTCString()}`);
    const track = /\/appeals\/track\/[A-Za-z0-9_-]+/.exec(told.text)![0];
    expect(pageText(await (await new HttpClient(portal.url).get(track)).text())).toContain(
      `Approved — the change takes effect on ${appeal.handoverAt!.toUTCString()}`,
    );
    expect(pageText(await (await agent().get(`/staff/appeals/${appeal.id}`)).text())).toContain(
      `The change takes effect on ${appeal.handoverAt!.toUTCString()}`,
    );

    expect(await job(new Date(appeal.handoverAt!.getTime() - 60_000))).toEqual({ handedOver: 0, parked: 0 });
    expect((await prisma().account.findUniqueOrThrow({ where: { uid: owner.uid } })).logonEmail).toBe(owner.email);
    expect(await job(new Date(appeal.handoverAt!.getTime() + 60_000))).toEqual({ handedOver: 1, parked: 0 });
    expect((await prisma().account.findUniqueOrThrow({ where: { uid: owner.uid } })).logonEmail).toBe(newEmail);
    expect(await job(new Date(appeal.handoverAt!.getTime() + 2 * HOUR))).toEqual({ handedOver: 0, parked: 0 });
    expect(
      await prisma().auditEvent.count({
        where: { appealId: appeal.id, action: 'appeal.handed_over', actorType: 'system' },
      }),
    ).toBe(1);
    expect(pageText(await (await new HttpClient(portal.url).get(track)).text())).toContain(
      `Approved — you can now sign in with ${newEmail}`,
    );
  });

  it('the handover signs out every session of the account, removes the password (set once from a 72-hour link) and tells the old address with a "This wasn\'t me" link', async () => {
    const owner = await createOwner(prisma(), { phone: true });
    const ramUser = await prisma().ramUser.create({
      data: { accountUid: owner.uid, name: 'ops', displayName: 'Ops', passwordHash: 'x' },
    });
    const ramRole = await prisma().ramRole.create({ data: { accountUid: owner.uid, name: 'Admin' } });
    const sessions = await Promise.all([
      sessionFor(portal, { principalType: 'OWNER', accountUid: owner.uid }),
      sessionFor(portal, { principalType: 'RAM_USER', accountUid: owner.uid, ramUserId: ramUser.id }),
      sessionFor(portal, {
        principalType: 'RAM_ROLE',
        accountUid: owner.uid,
        ramUserId: ramUser.id,
        ramRoleId: ramRole.id,
      }),
      sessionFor(portal, { principalType: 'SSO_USER', accountUid: owner.uid, ssoSubject: 'sub-1', ssoName: 'SSO One' }),
      sessionFor(portal, {
        principalType: 'SSO_ROLE',
        accountUid: owner.uid,
        ramRoleId: ramRole.id,
        ssoSubject: 'sub-2',
        ssoName: 'SSO Two',
      }),
    ]);
    for (const s of sessions) expect((await s.client.get('/account')).status).toBe(200);

    const newEmail = `clean@${owner.uid}.example`;
    await makeAppeal(prisma(), portal.services.evidence, {
      accountUid: owner.uid,
      givenUid: owner.uid,
      newEmail,
      status: 'APPROVED',
      decidedAt: new Date(),
      handoverAt: new Date(),
    });
    const at = new Date(Date.now() + 1000);
    expect(await job(at)).toEqual({ handedOver: 1, parked: 0 });

    for (const s of sessions) {
      expect((await prisma().session.findUniqueOrThrow({ where: { id: s.session.id } })).revokedAt).not.toBeNull();
      expect((await s.client.get('/account')).status).toBe(302);
    }
    const account = await prisma().account.findUniqueOrThrow({ where: { uid: owner.uid } });
    expect(account).toMatchObject({ logonEmail: newEmail, passwordHash: null });
    for (const login of [owner.email, newEmail])
      expect((await new HttpClient(portal.url).post('/login', { login, password: 'demo-Passw0rd!' })).status).toBe(401);

    // The old address: told, with a live "This wasn't me" link.
    const notMe = await mailedLink(prisma(), owner.email, 'logon-email-changed:old', NOT_ME_LINK);
    expect((await new HttpClient(portal.url).get(notMe)).headers.get('location')).toMatch(
      /^\/appeals\/new\?scenario=EMAIL_CHANGED_NOT_ME&notice=/,
    );

    // The new owner's link: 72 hours, refused once expired, then good once.
    const link = await mailedLink(prisma(), newEmail, 'appeal-handed-over', SET_PASSWORD_LINK);
    const row = await prisma().securityNoticeToken.findFirstOrThrow({
      where: { accountUid: owner.uid, kind: 'SET_PASSWORD' },
    });
    expect(row.expiresAt.getTime() - at.getTime()).toBe(72 * HOUR);
    await prisma().securityNoticeToken.update({
      where: { id: row.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const c = new HttpClient(portal.url);
    expect(pageText(await (await c.get(link)).text())).toContain('This link has expired');
    expect((await c.post(link, { password: 'Brand-new-pass-77', confirm: 'Brand-new-pass-77' })).status).toBe(409);
    await prisma().securityNoticeToken.update({ where: { id: row.id }, data: { expiresAt: row.expiresAt } });
    const weak = await c.post(link, { password: 'short1', confirm: 'short1' });
    expect(weak.status).toBe(400);
    expect(pageText(await weak.text())).toContain('At least 10 characters');
    expect(
      (await c.post(link, { password: 'Brand-new-pass-77', confirm: 'Brand-new-pass-77' })).headers.get('location'),
    ).toBe('/login?password=set');
    await c.signIn(newEmail, 'Brand-new-pass-77');
    const reused = await new HttpClient(portal.url).post(link, {
      password: 'Other-pass-word-88',
      confirm: 'Other-pass-word-88',
    });
    expect(reused.status).toBe(409);
    expect(pageText(await reused.text())).toContain('This link was already used');
    expect(await prisma().auditEvent.count({ where: { accountUid: owner.uid, action: 'password.set' } })).toBe(1);
    await new HttpClient(portal.url).signIn(newEmail, 'Brand-new-pass-77');
  });

  it("during the hold the owner's stop link still works, and the job then does nothing", async () => {
    const { owner, appeal } = await approved();
    const link = await mailedLink(prisma(), owner.email, 'appeal-owner-approval-warned', STOP_LINK);
    const c = new HttpClient(portal.url);
    expect(pageText(await (await c.get(link)).text())).toContain(
      `It was approved and takes effect on ${appeal.handoverAt!.toUTCString()}`,
    );
    expect(pageText(await (await c.post(link, {})).text())).toContain('is stopped');
    expect(await prisma().appeal.findUniqueOrThrow({ where: { id: appeal.id } })).toMatchObject({
      status: 'CANCELLED_BY_OWNER',
      handoverAt: null,
    });
    expect(await job(new Date(Date.now() + 48 * HOUR))).toEqual({ handedOver: 0, parked: 0 });
    expect((await prisma().account.findUniqueOrThrow({ where: { uid: owner.uid } })).logonEmail).toBe(owner.email);
  });

  it('a due handover that cannot be made as approved goes back to review, changing nothing, with the reason on the timeline', async () => {
    const taken = await approved();
    await createOwner(prisma(), { email: taken.newEmail });
    const changed = await approved();
    await prisma().account.update({
      where: { uid: changed.owner.uid },
      data: { passwordChangedAt: new Date(Date.now() + 60_000) },
    });

    expect(await job(new Date(Date.now() + 25 * HOUR))).toEqual({ handedOver: 0, parked: 2 });
    for (const [c, reason] of [
      [taken, 'The new email address now belongs to another account.'],
      [changed, 'The account’s password was changed during the hold.'],
    ] as const) {
      const after = await prisma().appeal.findUniqueOrThrow({ where: { id: c.appeal.id } });
      expect(after).toMatchObject({
        status: 'IN_REVIEW',
        handoverAt: null,
        handedOverAt: null,
        decidedAt: null,
        checklist: {},
      });
      expect((await prisma().account.findUniqueOrThrow({ where: { uid: c.owner.uid } })).logonEmail).toBe(
        c.owner.email,
      );
      const page = pageText(await (await agent().get(`/staff/appeals/${c.appeal.id}`)).text());
      expect(page).toContain(`Handover not made: back in review (system) — ${reason}`);
    }
  });

  it('a "This wasn\'t me" case skips the hold: handed over at its approval, and the old (disowned) address gets no link to reverse it', async () => {
    const { owner, newEmail, appeal, answer } = await approved({
      origin: 'NOT_ME_LINK',
      scenario: 'EMAIL_CHANGED_NOT_ME',
      priority: 10,
    });
    expect(answer).toContain('The account was updated, its sessions signed out and both addresses notified.');
    expect(appeal.handedOverAt).not.toBeNull();
    expect((await prisma().account.findUniqueOrThrow({ where: { uid: owner.uid } })).logonEmail).toBe(newEmail);
    const notice = await prisma().outboxMessage.findFirstOrThrow({
      where: { recipient: owner.email, template: 'logon-email-changed:old' },
    });
    expect(notice.text).not.toMatch(NOT_ME_LINK);
    expect(
      await prisma().outboxMessage.count({
        where: { template: 'appeal-owner-approval-warned', recipient: owner.email },
      }),
    ).toBe(0);
  });
});

// Several instances on one PostgreSQL (PGlite is one process's database).
describe.skipIf(!postgresOnly())('recovery: handovers on two instances [postgres]', () => {
  let portal: TestPortal;
  const prisma = () => portal.db.prisma;
  beforeAll(async () => {
    portal = await startTestPortal('postgres');
  });
  afterAll(async () => {
    await portal?.stop();
  });

  it('two instances racing for the same due handovers make each one once; `npm run jobs -- handover` runs the job', async () => {
    const due = [];
    for (let i = 0; i < 5; i++) {
      const owner = await createOwner(prisma());
      due.push(
        await makeAppeal(prisma(), null, {
          accountUid: owner.uid,
          givenUid: owner.uid,
          newEmail: `race${i}@${owner.uid}.example`,
          status: 'APPROVED',
          decidedAt: new Date(),
          handoverAt: new Date(Date.now() - 1000),
        }),
      );
    }
    const other = await openDatabase({ url: portal.db.location, poolSize: 4 });
    try {
      const at = new Date();
      const runs = await Promise.all([
        performDueHandovers(portal.services, at),
        performDueHandovers(
          { prisma: other.prisma, config: portal.services.config, outbox: { kick() {} } } as never,
          at,
        ),
      ]);
      expect(runs[0].handedOver + runs[1].handedOver).toBe(5);
    } finally {
      await other.close();
    }
    for (const appeal of due) {
      expect(await prisma().auditEvent.count({ where: { appealId: appeal.id, action: 'appeal.handed_over' } })).toBe(1);
      expect(
        await prisma().outboxMessage.count({ where: { recipient: appeal.newEmail, template: 'appeal-handed-over' } }),
      ).toBe(1);
    }

    const owner = await createOwner(prisma());
    const cli = await makeAppeal(prisma(), null, {
      accountUid: owner.uid,
      givenUid: owner.uid,
      newEmail: `cli@${owner.uid}.example`,
      status: 'APPROVED',
      decidedAt: new Date(),
      handoverAt: new Date(Date.now() - 1000),
    });
    const run = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/jobs.ts', 'handover'], {
      env: { ...process.env, DATABASE_URL: portal.db.location },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('handover { handedOver: 1, parked: 0 }');
    expect((await prisma().appeal.findUniqueOrThrow({ where: { id: cli.id } })).handedOverAt).not.toBeNull();
  });
});
