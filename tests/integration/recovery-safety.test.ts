// Recovery that cannot be turned against the owner (issue 22): wrong answers are risk, the current owner
// is warned at filing and can stop the appeal, the "This wasn't me" link is a single-use priority path,
// a final rejection counts later, and no case is left with someone who cannot work it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { HttpClient, pageText } from '../support/http';
import {
  BASE_DETAILS,
  appealForm,
  postAppeal,
  latestCodeFor,
  mailedLink,
  STOP_LINK,
  trackingLinkFor,
} from '../support/appeals';
import { FULL_CHECKLIST, makeAppeal, signInStaff } from '../support/backoffice';
import { createOwner } from '../support/accounts';
import { newToken, sha256 } from '~/lib/tokens.server';
import { addWorkingDays } from '~/appeals/sla';

const BOB = '1000000000000002';
/** The appeal of the issue: Bob's UID, and every answer wrong. */
const JOHN_DOE = {
  ...BASE_DETAILS,
  givenUid: BOB,
  holderName: 'John Doe',
  lastPaymentAmount: '1.00',
  lastPaymentCurrency: 'CNY',
  createdMonth: '2010-01',
};

describeEachDatabase('recovery safety', (kind) => {
  let portal: TestPortal;
  const staff: Record<string, HttpClient> = {};
  let nextIp = 1;
  const client = () => new HttpClient(portal.url, { forwardedFor: `198.51.100.${nextIp++}` });
  const prisma = () => portal.db.prisma;
  const staffId = async (who: string) =>
    (await prisma().staff.findUniqueOrThrow({ where: { email: `${who}@support.example.com` } })).id;
  const version = async (id: string) => String((await prisma().appeal.findUniqueOrThrow({ where: { id } })).version);
  const act = async (who: string, id: string, fields: Record<string, string>) => {
    const res = await staff[who].post(`/staff/appeals/${id}`, { version: await version(id), ...fields });
    return { status: res.status, text: pageText(await res.text()) };
  };
  const checklist = async (who: string, id: string) => {
    const form = new URLSearchParams({ intent: 'checklist', version: await version(id) });
    for (const c of FULL_CHECKLIST) form.append('check', c);
    expect((await staff[who].post(`/staff/appeals/${id}`, form)).status).toBe(200);
  };

  beforeAll(async () => {
    portal = await startTestPortal(kind, { config: { trustProxy: 1 } });
    const { hashPassword } = await import('~/auth/password.server');
    const { sealTotpSecret } = await import('~/staff/totp.server');
    const { DEMO_TOTP_SECRET } = await import('~/demo/seed.server');
    await prisma().staff.create({
      data: {
        email: 'senior2@support.example.com',
        name: 'Sol Senior',
        roles: ['AGENT', 'SENIOR_AGENT'],
        passwordHash: await hashPassword('demo-Passw0rd!'),
        totpSecretEncrypted: sealTotpSecret(portal.services.config.encryptionSecret, DEMO_TOTP_SECRET),
        totpEnrolledAt: new Date(),
      },
    });
    for (const who of ['agent', 'senior', 'senior2', 'admin']) {
      staff[who] = new HttpClient(portal.url);
      await signInStaff(staff[who], prisma(), `${who}@support.example.com`);
    }
  });
  afterAll(async () => {
    await portal?.stop();
  });

  it('the "John Doe" appeal for Bob shows each wrong answer by name and no single member can approve it', async () => {
    const filed = await postAppeal(client(), prisma(), `john.doe.${kind}@gmail.com`, JOHN_DOE);
    expect(filed.caseNumber, filed.text).toBeTruthy();
    const appeal = await prisma().appeal.findUniqueOrThrow({ where: { caseNumber: filed.caseNumber! } });
    expect(appeal.riskLevel).toBe('HIGH');
    expect((appeal.riskSignals as { code: string }[]).map((s) => s.code).sort()).toEqual([
      'CREATED_MONTH_MISMATCH',
      'NAME_MISMATCH',
      'PAYMENT_MISMATCH',
    ]);

    expect((await act('agent', appeal.id, { intent: 'claim' })).text).toContain('The case is yours.');
    await checklist('agent', appeal.id);
    const page = pageText(await (await staff.agent.get(`/staff/appeals/${appeal.id}`)).text());
    for (const label of [
      'The name given does not match the account holder',
      'The last payment given does not match the account',
      'The creation month given is more than 3 months off',
    ]) {
      expect(page).toContain(label);
    }
    expect(page).toContain('3 of the appellant’s answers do not match the account');
    expect(page).not.toContain('Approve (first of two)');
    expect(page).toContain('The name and the knowledge answers (last payment, creation month) match the account');

    const byAgent = await act('agent', appeal.id, { intent: 'approve' });
    expect(byAgent.status).toBe(409);
    expect(byAgent.text).toContain('cannot be approved. Request information or reject it.');
    // A senior agent who takes the case over cannot either; nor can one give a "second" approval.
    expect((await act('senior', appeal.id, { intent: 'reassign', to: await staffId('senior') })).text).toContain(
      'now assigned to Sasha Senior',
    );
    await checklist('senior', appeal.id);
    expect((await act('senior', appeal.id, { intent: 'approve' })).status).toBe(409);
    expect((await act('senior2', appeal.id, { intent: 'second-approve' })).status).toBe(403);
    const after = await prisma().appeal.findUniqueOrThrow({ where: { id: appeal.id } });
    expect(after.status).toBe('IN_REVIEW');
    expect(after.firstApproverId).toBeNull();
    expect((await prisma().account.findUniqueOrThrow({ where: { uid: BOB } })).logonEmail).toBe('bob@example.com');
    // Request information and reject stay open to it.
    expect(
      (
        await act('senior', appeal.id, {
          intent: 'reject',
          reason: 'EVIDENCE_MISMATCH',
          message: 'The details do not match.',
          final: 'final',
        })
      ).text,
    ).toContain('Rejected');
  });

  it('one wrong answer makes the case high risk: the first approval waits for a second, different senior agent', async () => {
    const owner = await createOwner(prisma());
    const appeal = await makeAppeal(prisma(), portal.services.evidence, {
      accountUid: owner.uid,
      givenUid: owner.uid,
      newEmail: `one-wrong@${owner.uid}.example`,
      holderName: 'Someone Else',
    });
    expect((await act('agent', appeal.id, { intent: 'claim' })).status).toBe(200);
    await checklist('agent', appeal.id);
    expect((await act('agent', appeal.id, { intent: 'approve' })).text).toContain(
      'it now waits for a senior agent’s second approval',
    );
    const stored = await prisma().appeal.findUniqueOrThrow({ where: { id: appeal.id } });
    expect(stored).toMatchObject({ status: 'PENDING_SECOND_APPROVAL', riskLevel: 'HIGH' });
    expect((stored.riskSignals as { code: string }[]).map((s) => s.code)).toContain('NAME_MISMATCH');
  });

  it('warns the current owner at filing (email and secure phone, same transaction) and tells the appellant exactly what an unknown account gets', async () => {
    const known = await postAppeal(client(), prisma(), `alice.warned.${kind}@corp.example`, BASE_DETAILS);
    const unknown = await postAppeal(client(), prisma(), `nobody.warned.${kind}@corp.example`, {
      ...BASE_DETAILS,
      givenUid: '1999999999999999',
    });
    const same = (text: string) =>
      text.replace(/AP-\d{8}-\d{6}/g, 'AP-#').replace(/\S+@corp\.example/g, 'x@corp.example');
    expect(same(known.text)).toBe(same(unknown.text));

    const appeal = await prisma().appeal.findUniqueOrThrow({ where: { caseNumber: known.caseNumber! } });
    const warnings = await prisma().outboxMessage.findMany({
      where: { template: 'appeal-owner-warned', text: { contains: known.caseNumber! } },
    });
    expect(warnings.map((w) => [w.channel, w.recipient]).sort()).toEqual([
      ['EMAIL', 'alice@example.com'],
      ['SMS', '+8613800000001'],
    ]);
    const email = warnings.find((w) => w.channel === 'EMAIL')!;
    expect(email.text).toContain('no sooner than 24 hours after an approval');
    expect(email.text).toMatch(/\/appeals\/stop\/[A-Za-z0-9_-]{40,}/);
    expect(email.text).not.toContain(`alice.warned.${kind}@corp.example`);
    // Stored hashed: the link's token is nowhere in the database but the outbox.
    const token = /\/appeals\/stop\/([A-Za-z0-9_-]+)/.exec(email.text)![1];
    expect(await prisma().appealStopToken.count({ where: { appealId: appeal.id, tokenHash: sha256(token) } })).toBe(1);
    // An appeal for no account warns nobody else.
    const other = await prisma().outboxMessage.findMany({ where: { text: { contains: unknown.caseNumber! } } });
    expect(other.map((m) => m.recipient)).toEqual([`nobody.warned.${kind}@corp.example`]);
  });

  it('"Stop this — I still have access": opening changes nothing, the button cancels for good, the appellant is told without names, audited', async () => {
    const filed = await postAppeal(client(), prisma(), `bob.stopped.${kind}@corp.example`, {
      ...BASE_DETAILS,
      givenUid: BOB,
      holderName: 'Bob Martin',
      lastPaymentAmount: '20.00',
      lastPaymentCurrency: 'USD',
      createdMonth: '2021-07',
    });
    const appeal = await prisma().appeal.findUniqueOrThrow({ where: { caseNumber: filed.caseNumber! } });
    const link = await mailedLink(prisma(), 'bob@example.com', 'appeal-owner-warned', STOP_LINK);
    const owner = client();
    const opened = pageText(await (await owner.get(link)).text());
    expect(opened).toContain(filed.caseNumber!);
    expect(opened).toContain('Stop this — I still have access');
    expect((await prisma().appeal.findUniqueOrThrow({ where: { id: appeal.id } })).status).toBe('SUBMITTED');

    const stopped = await owner.post(link, {});
    expect(stopped.status).toBe(200);
    expect(pageText(await stopped.text())).toContain(
      `Appeal ${filed.caseNumber} is stopped. Nothing on your account was changed.`,
    );
    expect(await prisma().appeal.findUniqueOrThrow({ where: { id: appeal.id } })).toMatchObject({
      status: 'CANCELLED_BY_OWNER',
    });
    const told = await prisma().outboxMessage.findFirstOrThrow({
      where: { recipient: `bob.stopped.${kind}@corp.example`, template: 'appeal-stopped-by-owner' },
    });
    expect(told.text).toContain('The account owner stopped this request');
    expect(told.text).not.toMatch(/bob@|Bob Martin/);
    expect(
      await prisma().auditEvent.count({ where: { appealId: appeal.id, action: 'appeal.cancelled_by_owner' } }),
    ).toBe(1);

    // Single use: a second click says so and changes nothing; the appellant's page says it ended; staff cannot act.
    const again = await owner.post(link, {});
    expect(again.status).toBe(409);
    expect(pageText(await again.text())).toContain('was already stopped');
    expect(
      await prisma().auditEvent.count({ where: { appealId: appeal.id, action: 'appeal.cancelled_by_owner' } }),
    ).toBe(1);
    const track = await trackingLinkFor(prisma(), `bob.stopped.${kind}@corp.example`);
    expect(pageText(await (await client().get(track)).text())).toContain(
      'Closed — the account owner stopped this request',
    );
    expect((await act('agent', appeal.id, { intent: 'claim' })).status).toBe(403);
    // A made-up link is not found, and says nothing about any case.
    const fake = await client().post(`/appeals/stop/${newToken()}`, {});
    expect(fake.status).toBe(404);
    expect(pageText(await fake.text())).not.toContain('AP-');
  });

  it('a new appeal for an account whose appeal was rejected as final starts high risk, linking that case', async () => {
    const owner = await createOwner(prisma());
    // Filed 60 days ago (several appeals in 30 days would be a signal of its own).
    const longAgo = new Date(Date.now() - 60 * 86400_000);
    const earlier = await makeAppeal(prisma(), null, {
      accountUid: owner.uid,
      givenUid: owner.uid,
      newEmail: `final1@${owner.uid}.example`,
      status: 'REJECTED',
      rejectFinal: true,
      submittedAt: longAgo,
      decidedAt: longAgo,
    });
    // A rejection that allowed a retry is no signal.
    await makeAppeal(prisma(), null, {
      accountUid: owner.uid,
      givenUid: owner.uid,
      newEmail: `retry@${owner.uid}.example`,
      status: 'REJECTED',
      rejectFinal: false,
      submittedAt: longAgo,
      decidedAt: new Date(),
    });
    const details = {
      ...BASE_DETAILS,
      givenUid: owner.uid,
      holderName: `Owner ${owner.uid}`,
      createdMonth: new Date().toISOString().slice(0, 7),
    };
    const filed = await postAppeal(client(), prisma(), `final2@${owner.uid}.example`, details);
    const appeal = await prisma().appeal.findUniqueOrThrow({ where: { caseNumber: filed.caseNumber! } });
    expect(appeal.riskLevel).toBe('HIGH');
    // (The suite's appeals share one ID image, so "evidence reused" may stand beside it.)
    expect(appeal.riskSignals).toContainEqual({
      code: 'EARLIER_FINAL_REJECTION',
      label: 'An earlier appeal for this account was rejected as final',
      appealId: earlier.id,
      caseNumber: earlier.caseNumber,
    });
    expect((appeal.riskSignals as { code: string }[]).filter((s) => s.code === 'EARLIER_FINAL_REJECTION')).toHaveLength(
      1,
    );
    const page = await (await staff.agent.get(`/staff/appeals/${appeal.id}`)).text();
    expect(page).toContain(`href="/staff/appeals/${earlier.id}"`);
  });

  it('the "This wasn\'t me" link: bound to its account whatever the form says, priority (first in the queue, 1 working day), used once', async () => {
    const token = newToken();
    await prisma().securityNoticeToken.create({
      data: {
        tokenHash: sha256(token),
        accountUid: BOB,
        kind: 'LOGON_EMAIL_CHANGED',
        data: { oldEmailMasked: 'b***b@example.com', newEmailMasked: 'h***r@evil.example' },
        expiresAt: new Date(Date.now() + 86400_000),
      },
    });
    const c = client();
    const opened = await c.get(`/security/not-me/${token}`);
    await c.get(opened.headers.get('location')!);
    const newEmail = `bob.priority.${kind}@corp.example`;
    expect(
      (await c.post('/appeals/new', { intent: 'send-code', scenario: 'EMAIL_CHANGED_NOT_ME', newEmail })).status,
    ).toBe(302);
    await c.post('/appeals/new', { intent: 'verify-email', code: await latestCodeFor(prisma(), newEmail) });
    // The form names Alice's UID: the link's account (Bob's) is what counts, and nothing of the form's identification is kept.
    const bobAnswers = {
      ...BASE_DETAILS,
      scenario: 'EMAIL_CHANGED_NOT_ME',
      givenUid: '1000000000000001',
      holderName: 'Bob Martin',
      lastPaymentAmount: '20.00',
      lastPaymentCurrency: 'USD',
      createdMonth: '2021-07',
    };
    const before = new Date();
    const res = await c.post('/appeals/new', appealForm(bobAnswers));
    expect(res.status).toBe(200);
    const appeal = await prisma().appeal.findFirstOrThrow({ where: { newEmail } });
    expect(appeal).toMatchObject({ accountUid: BOB, givenUid: null, origin: 'NOT_ME_LINK', priority: 10 });
    expect(appeal.slaDueAt.getTime()).toBe(addWorkingDays(appeal.submittedAt, 1).getTime());
    expect(appeal.slaDueAt.getTime()).toBeLessThan(addWorkingDays(before, 2).getTime());
    // The address it came from proved itself: the current (disowned) email gets no warning and no stop link.
    expect(
      await prisma().outboxMessage.count({
        where: { template: 'appeal-owner-warned', text: { contains: appeal.caseNumber } },
      }),
    ).toBe(0);
    // First in the queue, ahead of cases due earlier, and marked.
    await makeAppeal(prisma(), null, { slaDueAt: new Date(Date.now() - 5 * 86400_000) });
    const queue = pageText(await (await staff.agent.get('/staff/appeals')).text());
    expect(queue.match(/AP-\d{8}-\d{6}/)?.[0]).toBe(appeal.caseNumber);
    expect(pageText(await (await staff.agent.get(`/staff/appeals/${appeal.id}`)).text())).toContain(
      'Priority case: filed from a “This wasn’t me” security notice',
    );

    // Used: the link now names the case, and a second filing with it is refused.
    const second = client();
    const reopened = await second.get(`/security/not-me/${token}`);
    expect(reopened.status).toBe(200);
    expect(pageText(await reopened.text())).toContain(`already used to file appeal ${appeal.caseNumber}`);
    const notice = await prisma().securityNoticeToken.findUniqueOrThrow({ where: { tokenHash: sha256(token) } });
    expect(notice.appealId).toBe(appeal.id);
  });

  it("no case is stranded: a role change releases the member's cases; a senior agent reassigns or releases any open case, audited; an agent may not", async () => {
    const member = await prisma().staff.create({
      data: { email: `leaving.${kind}@support.example.com`, name: 'Lee Leaving', roles: ['AGENT'] },
    });
    const held = await makeAppeal(prisma(), null, { status: 'IN_REVIEW', assigneeId: member.id });
    const awaiting = await makeAppeal(prisma(), null, { status: 'AWAITING_CUSTOMER', assigneeId: member.id });
    const changed = await staff.admin.post('/staff/admin/staff', {
      intent: 'roles',
      staffId: member.id,
      expected: 'AGENT',
      roles: 'ADMIN',
    });
    expect(changed.status, await changed.clone().text()).toBeLessThan(400);
    for (const id of [held.id, awaiting.id]) {
      expect((await prisma().appeal.findUniqueOrThrow({ where: { id } })).assigneeId).toBeNull();
      expect(await prisma().auditEvent.count({ where: { appealId: id, action: 'appeal.released' } })).toBe(1);
    }

    const agentId = await staffId('agent');
    const appeal = await makeAppeal(prisma(), null, { status: 'IN_REVIEW', assigneeId: agentId });
    expect((await act('agent', appeal.id, { intent: 'reassign', to: await staffId('senior2') })).status).toBe(403);
    expect((await act('senior', appeal.id, { intent: 'reassign', to: member.id })).text).toContain(
      'Choose an active member who works appeals.',
    );
    expect((await act('senior', appeal.id, { intent: 'reassign', to: await staffId('senior2') })).text).toContain(
      'The case is now assigned to Sol Senior.',
    );
    expect((await act('senior', appeal.id, { intent: 'release' })).text).toContain(
      'You released the case from Sol Senior back to the queue.',
    );
    const events = await prisma().auditEvent.findMany({
      where: { appealId: appeal.id, action: { in: ['appeal.reassigned', 'appeal.released'] } },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => [e.action, (e.data as { from?: string }).from])).toEqual([
      ['appeal.reassigned', agentId],
      ['appeal.released', await staffId('senior2')],
    ]);
    expect((await prisma().appeal.findUniqueOrThrow({ where: { id: appeal.id } })).assigneeId).toBeNull();
  });
});
