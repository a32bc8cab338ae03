import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { HttpClient, pageText } from '../support/http';
import { signInStaff, makeAppeal, FULL_CHECKLIST } from '../support/backoffice';
import { hashPassword } from '~/auth/password.server';
import { sealTotpSecret } from '~/staff/totp.server';
import { DEMO_TOTP_SECRET } from '~/demo/seed.server';
import { expireStaleAppeals } from '~/appeals/decisions.server';
import { BASE_DETAILS, extraFiles, postAppeal, mailedLink, SET_PASSWORD_LINK } from '../support/appeals';
import { FIRST_APPROVAL_WITHDRAWN_REASON } from '~/appeals/submit.server';
import { createOwner } from '../support/accounts';
import { file, pngBytes } from '../support/files';

describeEachDatabase('back office: queue, case, decisions', (kind) => {
  let portal: TestPortal;
  const clients: Record<string, HttpClient> = {};
  beforeAll(async () => {
    // No hold: an approval hands over at once here (tests/integration/recovery-*.test.ts test the hold).
    portal = await startTestPortal(kind, { config: { recoveryHoldHours: 0 } });
    // A second senior agent, for the four-eyes rule.
    await portal.db.prisma.staff.create({
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
      clients[who] = new HttpClient(portal.url);
      await signInStaff(clients[who], portal.db.prisma, `${who}@support.example.com`);
    }
  });
  afterAll(async () => {
    await portal?.stop();
  });
  const prisma = () => portal.db.prisma;
  const post = (who: string, id: string, fields: Record<string, string>) =>
    clients[who].post(`/staff/appeals/${id}`, fields);
  const version = async (id: string) => String((await prisma().appeal.findUniqueOrThrow({ where: { id } })).version);
  const staffId = async (who: string) =>
    (await prisma().staff.findUniqueOrThrow({ where: { email: `${who}@support.example.com` } })).id;

  async function claimed(who = 'agent', data = {}) {
    const appeal = await makeAppeal(prisma(), portal.services.evidence, data);
    const res = await post(who, appeal.id, { intent: 'claim' });
    expect(pageText(await res.text())).toContain('The case is yours.');
    return appeal;
  }
  /**
   * A case that is normal-risk when it is decided too: an account with no other appeals and a new email
   * domain of its own (Bob has many appeals here, and corp.example is in appeals for several accounts).
   */
  async function normalCase(who: string, local: string, data = {}) {
    const owner = await createOwner(prisma());
    const newEmail = `${local}@${owner.uid}.example`;
    return {
      owner,
      newEmail,
      appeal: await claimed(who, { accountUid: owner.uid, givenUid: owner.uid, newEmail, ...data }),
    };
  }
  async function checklistDone(who: string, id: string) {
    const form = new URLSearchParams({ intent: 'checklist', version: await version(id) });
    for (const c of FULL_CHECKLIST) form.append('check', c);
    expect((await clients[who].post(`/staff/appeals/${id}`, form)).status).toBe(200);
  }

  it('refuses a replayed TOTP code and a wrong one', async () => {
    const c = new HttpClient(portal.url);
    expect(
      (await c.post('/staff/login', { email: 'agent@support.example.com', password: 'demo-Passw0rd!' })).status,
    ).toBe(302);
    const wrong = await c.post('/staff/login', { intent: 'totp', code: '000000' });
    expect(wrong.status).toBe(401);
    // The agent's current code was used by beforeAll's sign-in in this 30-second window (or is used now).
    const { totpNow } = await import('~/staff/totp.server');
    const code = totpNow(DEMO_TOTP_SECRET);
    const c2 = new HttpClient(portal.url);
    await c2.post('/staff/login', { email: 'agent@support.example.com', password: 'demo-Passw0rd!' });
    const first = await c.post('/staff/login', { intent: 'totp', code });
    const replay = await c2.post('/staff/login', { intent: 'totp', code });
    expect([first.status, replay.status]).toContain(401);
  });

  it('lists open appeals by due date, with filters, search and keyset pages', async () => {
    const base = Date.now();
    const made = [];
    for (let i = 0; i < 28; i++)
      made.push(
        await makeAppeal(prisma(), null, {
          slaDueAt: new Date(base + (i - 2.5) * 3600_000),
          riskLevel: i % 2 ? 'HIGH' : 'NORMAL',
          scenario: i % 3 ? 'FORGOT_LOGON_EMAIL' : 'PHONE_UNAVAILABLE',
        }),
      );
    const page1 = await (await clients.agent.get('/staff/appeals?status=SUBMITTED')).text();
    const cases1 = [...pageText(page1).matchAll(/AP-\d{8}-\d{6}/g)].map((m) => m[0]);
    expect(cases1.length).toBe(25);
    expect(cases1[0]).toBe(made[0].caseNumber); // the earliest due date first
    const nextHref = /href="(\/staff\/appeals\?[^"]*after=[^"]+)"/.exec(page1)?.[1]?.replace(/&amp;/g, '&');
    expect(nextHref).toBeTruthy();
    const page2 = await (await clients.agent.get(nextHref!)).text();
    const cases2 = [...pageText(page2).matchAll(/AP-\d{8}-\d{6}/g)].map((m) => m[0]);
    expect(cases2.some((c) => cases1.includes(c))).toBe(false);
    expect(page1).toContain('breached');
    const breached = await (await clients.agent.get('/staff/appeals?sla=breached&status=SUBMITTED')).text();
    expect([...pageText(breached).matchAll(/AP-\d{8}-\d{6}/g)].length).toBe(3);
    const high = await (
      await clients.agent.get('/staff/appeals?risk=HIGH&status=SUBMITTED&scenario=PHONE_UNAVAILABLE')
    ).text();
    const expectHigh = made.filter((a) => a.riskLevel === 'HIGH' && a.scenario === 'PHONE_UNAVAILABLE').length;
    expect([...pageText(high).matchAll(/AP-\d{8}-\d{6}/g)].length).toBe(expectHigh);
    const byCase = await (await clients.agent.get(`/staff/appeals?status=all&q=${made[5].caseNumber}`)).text();
    expect([...pageText(byCase).matchAll(/AP-\d{8}-\d{6}/g)].map((m) => m[0])).toEqual([made[5].caseNumber]);
    const byEmail = await (
      await clients.agent.get(`/staff/appeals?status=all&q=${encodeURIComponent(made[7].newEmail.toUpperCase())}`)
    ).text();
    expect(byEmail).toContain(made[7].caseNumber);
    // Tidy up so later tests see a short queue.
    await prisma().appeal.updateMany({ where: { id: { in: made.map((a) => a.id) } }, data: { status: 'WITHDRAWN' } });
  });

  it('admins without an agent role see no appeals; customers and strangers are sent to the staff sign-in', async () => {
    const appeal = await makeAppeal(prisma(), portal.services.evidence);
    expect((await clients.admin.get('/staff/appeals')).status).toBe(403);
    expect((await clients.admin.get(`/staff/appeals/${appeal.id}`)).status).toBe(403);
    expect((await post('admin', appeal.id, { intent: 'claim' })).status).toBe(403);
    const customer = new HttpClient(portal.url);
    await customer.signIn('alice@example.com');
    for (const path of ['/staff/appeals', `/staff/appeals/${appeal.id}`]) {
      const res = await customer.get(path);
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toMatch(/^\/staff\/login/);
      expect((await new HttpClient(portal.url).get(path)).status).toBe(302);
    }
    expect((await customer.post(`/staff/appeals/${appeal.id}`, { intent: 'claim' })).status).toBe(302);
    expect((await prisma().appeal.findUniqueOrThrow({ where: { id: appeal.id } })).assigneeId).toBeNull();
  });

  it('serves evidence only to staff, recording each view', async () => {
    const appeal = await makeAppeal(prisma(), portal.services.evidence);
    const file = await prisma().evidenceFile.findFirstOrThrow({ where: { appealId: appeal.id } });
    const res = await clients.agent.get(`/staff/evidence/${file.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await prisma().auditEvent.count({ where: { action: 'evidence.viewed', appealId: appeal.id } })).toBe(1);
    expect((await new HttpClient(portal.url).get(`/staff/evidence/${file.id}`)).status).toBe(302);
    expect((await clients.admin.get(`/staff/evidence/${file.id}`)).status).toBe(403);
    await prisma().evidenceFile.update({ where: { id: file.id }, data: { deletedAt: new Date() } });
    expect((await clients.agent.get(`/staff/evidence/${file.id}`)).status).toBe(404);
  });

  it('shows who else has the case open, match indicators and risk signals', async () => {
    const appeal = await makeAppeal(prisma(), portal.services.evidence, {
      holderName: 'Bob Martin',
      lastPaymentCents: 9999,
      accountType: 'ENTERPRISE',
    });
    expect((await clients.senior.get(`/staff/appeals/${appeal.id}`)).status).toBe(200);
    const text = pageText(await (await clients.agent.get(`/staff/appeals/${appeal.id}`)).text());
    expect(text).toMatch(/Also looking at this case right now: Sasha Senior/);
    // Each item says plainly how it came out; Bob's account is an individual one.
    expect(text).toContain('Name: matches');
    expect(text).toContain('Last payment: does not match');
    expect(text).toContain('Account type: does not match — the appeal says enterprise, the account is individual');
    expect(text).not.toMatch(/does not match Last payment matches|matches Name matches/);
    const sameType = await makeAppeal(prisma(), portal.services.evidence, {
      holderName: 'Someone Else',
      accountType: 'INDIVIDUAL',
    });
    const sameText = pageText(await (await clients.agent.get(`/staff/appeals/${sameType.id}`)).text());
    expect(sameText).toContain('Account type: matches');
    expect(sameText).toContain(
      'Name: does not match — the appeal says “Someone Else”, the account holder is “Bob Martin”',
    );
    const unknown = await makeAppeal(prisma(), null, { accountUid: null, accountFound: false });
    expect(pageText(await (await clients.agent.get(`/staff/appeals/${unknown.id}`)).text())).toContain(
      'No account matches the identification given',
    );
  });

  it("writes a member's view of a case at most every 30 s: a quick reload only reads, and nobody is named to themselves", async () => {
    const appeal = await makeAppeal(prisma(), portal.services.evidence);
    const page = async (who: string) => pageText(await (await clients[who].get(`/staff/appeals/${appeal.id}`)).text());
    expect(await page('agent')).not.toMatch(/Also looking at this case/);
    const agentId = await staffId('agent');
    const agentView = () =>
      prisma().caseViewer.findUniqueOrThrow({ where: { appealId_staffId: { appealId: appeal.id, staffId: agentId } } });
    const first = (await agentView()).lastSeenAt;
    expect(await page('senior')).toMatch(/Also looking at this case right now: Sam Agent \./);
    await new Promise((r) => setTimeout(r, 20));
    // The reload names the senior agent, who came after the agent's recorded view; the agent's own row stays as it was.
    expect(await page('agent')).toMatch(/Also looking at this case right now: Sasha Senior \./);
    expect((await agentView()).lastSeenAt).toEqual(first);
  });

  it('keeps presence current: an open page beats, leaving removes the member at once, and a silent one is gone after 75 s', async () => {
    const appeal = await makeAppeal(prisma(), portal.services.evidence);
    const page = async (who: string) => pageText(await (await clients[who].get(`/staff/appeals/${appeal.id}`)).text());
    const presence = (who: string, intent: string) =>
      clients[who].post(`/staff/appeals/${appeal.id}/presence`, { intent });
    const seniorId = await staffId('senior');
    const seniorRow = () =>
      prisma().caseViewer.findUnique({ where: { appealId_staffId: { appealId: appeal.id, staffId: seniorId } } });
    await page('agent');
    expect(await page('senior')).toMatch(/Also looking at this case right now: Sam Agent \./);
    expect(await page('agent')).toMatch(/Also looking at this case right now: Sasha Senior \./);

    // A beat within 30 s of the view writes nothing and answers who else is looking.
    const written = (await seniorRow())!.lastSeenAt;
    const beat = await presence('senior', 'beat');
    expect(beat.status).toBe(200);
    expect(await beat.json()).toEqual({ viewers: ['Sam Agent'], version: appeal.version });
    expect((await seniorRow())!.lastSeenAt).toEqual(written);

    // The senior agent leaves: the agent stops seeing them at once; a second leave changes nothing.
    expect((await presence('senior', 'leave')).status).toBe(204);
    expect(await seniorRow()).toBeNull();
    expect((await presence('senior', 'leave')).status).toBe(204);
    expect(await page('agent')).not.toMatch(/Also looking at this case/);
    expect(await (await presence('agent', 'beat')).json()).toEqual({ viewers: [], version: appeal.version });
    // The poll (GET) reads the same without writing anything, and answers a changed version.
    await prisma().appeal.update({ where: { id: appeal.id }, data: { version: { increment: 1 } } });
    const poll = await clients.agent.get(`/staff/appeals/${appeal.id}/presence`);
    expect(await poll.json()).toEqual({ viewers: [], version: appeal.version + 1 });
    expect(await seniorRow()).toBeNull();

    // Coming back is written at once (no 30 s wait after a leave).
    await page('senior');
    expect(await seniorRow()).not.toBeNull();
    expect(await page('agent')).toMatch(/Sasha Senior/);

    // A member whose page stopped beating (a crash, a lost network) is gone after 75 s, not minutes.
    await prisma().caseViewer.update({
      where: { appealId_staffId: { appealId: appeal.id, staffId: seniorId } },
      data: { lastSeenAt: new Date(Date.now() - 80_000) },
    });
    expect(await page('agent')).not.toMatch(/Also looking at this case/);
    await prisma().caseViewer.update({
      where: { appealId_staffId: { appealId: appeal.id, staffId: seniorId } },
      data: { lastSeenAt: new Date(Date.now() - 60_000) },
    });
    expect(await page('agent')).toMatch(/Sasha Senior/);

    // Beats are not the member's activity: an idle session still ends after 30 minutes.
    const session = await prisma().staffSession.findFirstOrThrow({
      where: { staffId: seniorId, revokedAt: null, mfaPassed: true },
      orderBy: { createdAt: 'desc' },
    });
    const idleSince = new Date(Date.now() - 10 * 60_000);
    await prisma().staffSession.update({ where: { id: session.id }, data: { lastSeenAt: idleSince } });
    expect((await presence('senior', 'beat')).status).toBe(200);
    expect((await prisma().staffSession.findUniqueOrThrow({ where: { id: session.id } })).lastSeenAt).toEqual(
      idleSince,
    );
    await prisma().staffSession.update({ where: { id: session.id }, data: { lastSeenAt: new Date() } });
    // Only staff who work appeals may beat; strangers are sent to the sign-in.
    expect((await presence('admin', 'beat')).status).toBe(403);
    expect(
      (await new HttpClient(portal.url).post(`/staff/appeals/${appeal.id}/presence`, { intent: 'beat' })).status,
    ).toBe(302);
  });

  it('claims atomically: of two agents at once, one gets it and the other is told', async () => {
    const appeal = await makeAppeal(prisma(), portal.services.evidence);
    const [a, b] = await Promise.all([
      post('agent', appeal.id, { intent: 'claim' }),
      post('senior', appeal.id, { intent: 'claim' }),
    ]);
    const texts = [pageText(await a.text()), pageText(await b.text())];
    expect(texts.filter((t) => t.includes('The case is yours.'))).toHaveLength(1);
    expect(texts.filter((t) => /claimed this case first/.test(t))).toHaveLength(1);
    expect(await prisma().auditEvent.count({ where: { appealId: appeal.id, action: 'appeal.claimed' } })).toBe(1);
  });

  it('requests information (SLA paused), and the customer reply brings the case back to the same agent', async () => {
    const appeal = await claimed('agent');
    const res = await post('agent', appeal.id, {
      intent: 'request-info',
      version: await version(appeal.id),
      message: 'Please send a photo of your ID card.',
    });
    expect(pageText(await res.text())).toContain('The SLA is paused');
    const row = await prisma().appeal.findUniqueOrThrow({ where: { id: appeal.id } });
    expect(row.status).toBe('AWAITING_CUSTOMER');
    expect(row.slaPausedAt).not.toBeNull();
    const mail = await prisma().outboxMessage.findFirstOrThrow({
      where: { recipient: appeal.newEmail, template: 'appeal-info-requested' },
    });
    const link = new URL(/https?:\/\/\S+\/appeals\/track\/\S+/.exec(mail.text)![0]).pathname;
    const customer = new HttpClient(portal.url);
    expect(pageText(await (await customer.get(link)).text())).toContain('Please send a photo of your ID card.');
    expect((await customer.post(link, { intent: 'reply', body: 'Sent it.' })).status).toBe(302);
    const after = await prisma().appeal.findUniqueOrThrow({ where: { id: appeal.id } });
    expect(after.status).toBe('IN_REVIEW');
    expect(after.assigneeId).toBe(await staffId('agent'));
  });

  it('approves a normal-risk case in one transaction: account changed, sessions gone, notices queued, audit written', async () => {
    const { owner, newEmail, appeal } = await normalCase('agent', 'approved', { newPhone: '+4915112345678' });
    const customer = new HttpClient(portal.url);
    await customer.signIn(owner.email);
    const early = await post('agent', appeal.id, { intent: 'approve', version: await version(appeal.id) });
    expect(early.status).toBe(400);
    expect(pageText(await early.text())).toContain('Complete the review checklist before approving.');
    await checklistDone('agent', appeal.id);
    const v = await version(appeal.id);
    const ok = await post('agent', appeal.id, { intent: 'approve', version: v });
    expect(pageText(await ok.text())).toContain('Approved.');
    const again = await post('agent', appeal.id, { intent: 'approve', version: v });
    expect(pageText(await again.text())).toContain('You already approved this case.');
    const account = await prisma().account.findUniqueOrThrow({ where: { uid: owner.uid } });
    expect(account.logonEmail).toBe(newEmail);
    expect(account.securePhone).toBe('+4915112345678');
    expect((await customer.get('/account/security')).status).toBe(302);
    expect(await prisma().session.count({ where: { accountUid: owner.uid, revokedAt: null } })).toBe(0);
    expect(
      await prisma().outboxMessage.count({ where: { recipient: owner.email, template: 'logon-email-changed:old' } }),
    ).toBe(1);
    expect(await prisma().outboxMessage.count({ where: { recipient: newEmail, template: 'appeal-handed-over' } })).toBe(
      1,
    );
    expect(await prisma().auditEvent.count({ where: { appealId: appeal.id, action: 'appeal.approved' } })).toBe(1);
    expect(await prisma().auditEvent.count({ where: { appealId: appeal.id, action: 'logon_email.changed' } })).toBe(1);
    // The old password signs in nowhere: neither with the old address nor with the new one.
    expect(
      (await new HttpClient(portal.url).post('/login', { login: owner.email, password: 'demo-Passw0rd!' })).status,
    ).toBe(401);
    expect(
      (await new HttpClient(portal.url).post('/login', { login: newEmail, password: 'demo-Passw0rd!' })).status,
    ).toBe(401);
    const setPassword = await mailedLink(prisma(), newEmail, 'appeal-handed-over', SET_PASSWORD_LINK);
    const newOwner = new HttpClient(portal.url);
    expect(
      (await newOwner.post(setPassword, { password: 'Fresh-start-2026', confirm: 'Fresh-start-2026' })).headers.get(
        'location',
      ),
    ).toBe('/login?password=set');
    await newOwner.signIn(newEmail, 'Fresh-start-2026');
  });

  it('stops the approval when the new address meanwhile belongs to another account, changing nothing', async () => {
    const { owner, newEmail, appeal } = await normalCase('agent', 'taken.later');
    await checklistDone('agent', appeal.id);
    await prisma().account.create({
      data: { uid: '1000000000000077', logonEmail: newEmail, passwordHash: 'x', holderName: 'Someone' },
    });
    const res = await post('agent', appeal.id, { intent: 'approve', version: await version(appeal.id) });
    expect(res.status).toBe(409);
    expect(pageText(await res.text())).toContain('now belongs to another account');
    expect((await prisma().account.findUniqueOrThrow({ where: { uid: owner.uid } })).logonEmail).toBe(owner.email);
    expect((await prisma().appeal.findUniqueOrThrow({ where: { id: appeal.id } })).status).toBe('IN_REVIEW');
  });

  it('needs a second, different senior agent for a high-risk case', async () => {
    const appeal = await claimed('senior', { riskLevel: 'HIGH', newEmail: 'bob.high@corp.example' });
    await checklistDone('senior', appeal.id);
    const first = await post('senior', appeal.id, { intent: 'approve', version: await version(appeal.id) });
    expect(pageText(await first.text())).toContain('waits for a senior agent');
    expect((await prisma().account.findUniqueOrThrow({ where: { uid: '1000000000000002' } })).logonEmail).toBe(
      'bob@example.com',
    );
    const self = await post('senior', appeal.id, { intent: 'second-approve', version: await version(appeal.id) });
    expect(self.status).toBe(403);
    expect(pageText(await self.text())).toContain('another senior agent must give the second approval');
    expect(
      (await post('agent', appeal.id, { intent: 'second-approve', version: await version(appeal.id) })).status,
    ).toBe(403);
    const second = await post('senior2', appeal.id, { intent: 'second-approve', version: await version(appeal.id) });
    expect(pageText(await second.text())).toContain('Second approval given.');
    expect((await prisma().account.findUniqueOrThrow({ where: { uid: '1000000000000002' } })).logonEmail).toBe(
      'bob.high@corp.example',
    );
    // Bob back as he was (the handover removed his password), for the tests after this one.
    await prisma().account.update({
      where: { uid: '1000000000000002' },
      data: {
        logonEmail: 'bob@example.com',
        passwordHash: (await prisma().account.findUniqueOrThrow({ where: { uid: '1000000000000001' } })).passwordHash,
      },
    });
  });

  it('needs the second approver when the risk rose after filing: the same ID file in a later appeal for another account', async () => {
    const domain = `four-eyes-${kind}.example`;
    const a = await postAppeal(new HttpClient(portal.url), prisma(), `alice.renewed@${domain}`);
    expect(a.caseNumber, a.text).toBeTruthy();
    const appeal = await prisma().appeal.findUniqueOrThrow({ where: { caseNumber: a.caseNumber! } });
    expect(appeal.riskLevel).toBe('NORMAL'); // as filed
    const b = await postAppeal(new HttpClient(portal.url), prisma(), `bob.elsewhere@other-${domain}`, {
      ...BASE_DETAILS,
      givenUid: '1000000000000002',
      holderName: 'Bob Martin',
    });
    expect(b.caseNumber, b.text).toBeTruthy();
    const idFile = await prisma().evidenceFile.findFirstOrThrow({ where: { appealId: appeal.id } });
    expect(
      await prisma().evidenceFile.count({ where: { sha256: idFile.sha256, appeal: { caseNumber: b.caseNumber! } } }),
    ).toBe(1);
    // B's filing raised A at once (the queue's risk column and filter see it), with the reason.
    const raised = await prisma().appeal.findUniqueOrThrow({ where: { id: appeal.id } });
    expect(raised.riskLevel).toBe('HIGH');
    expect((raised.riskSignals as { code: string }[]).map((s) => s.code)).toContain('EVIDENCE_REUSED');
    expect(raised.version).toBe(appeal.version + 1);
    const raisedBy = await prisma().auditEvent.findFirstOrThrow({
      where: { appealId: appeal.id, action: 'appeal.risk_raised' },
    });
    expect(raisedBy).toMatchObject({
      actorType: 'system',
      data: { by: b.caseNumber, riskLevel: { from: 'NORMAL', to: 'HIGH' }, signals: ['EVIDENCE_REUSED'] },
    });
    const queue = pageText(
      await (await clients.agent.get(`/staff/appeals?risk=HIGH&q=${encodeURIComponent(a.caseNumber!)}`)).text(),
    );
    expect(queue).toContain(a.caseNumber!);
    // Should that raise not have happened (it runs after the filing commits), the approval still
    // assesses the risk again: put A back as filed and approve.
    await prisma().appeal.update({
      where: { id: appeal.id },
      data: { riskLevel: 'NORMAL', riskSignals: appeal.riskSignals ?? [] },
    });

    expect(pageText(await (await post('agent', appeal.id, { intent: 'claim' })).text())).toContain(
      'The case is yours.',
    );
    const page = await (await clients.agent.get(`/staff/appeals/${appeal.id}`)).text();
    expect(pageText(page)).toContain('The same evidence file was used in another appeal');
    expect(page).toContain('Approve (first of two)');
    await checklistDone('agent', appeal.id);
    const first = await post('agent', appeal.id, { intent: 'approve', version: await version(appeal.id) });
    expect(first.status).toBe(200);
    expect(pageText(await first.text())).toContain('waits for a senior agent');
    const after = await prisma().appeal.findUniqueOrThrow({ where: { id: appeal.id } });
    expect(after).toMatchObject({
      status: 'PENDING_SECOND_APPROVAL',
      riskLevel: 'HIGH',
      firstApproverId: await staffId('agent'),
      decidedAt: null,
    });
    expect((after.riskSignals as { code: string }[]).map((s) => s.code)).toContain('EVIDENCE_REUSED');
    expect((await prisma().account.findUniqueOrThrow({ where: { uid: '1000000000000001' } })).logonEmail).toBe(
      'alice@example.com',
    );
    expect(
      await prisma().auditEvent.count({
        where: { appealId: appeal.id, action: { in: ['appeal.approved', 'logon_email.changed'] } },
      }),
    ).toBe(0);
    const event = await prisma().auditEvent.findFirstOrThrow({
      where: { appealId: appeal.id, action: 'appeal.first_approval' },
    });
    expect(event.data).toMatchObject({
      status: { from: 'IN_REVIEW', to: 'PENDING_SECOND_APPROVAL' },
      riskLevel: { from: 'NORMAL', to: 'HIGH' },
    });

    // From here it is any high-risk case: a different senior agent gives the second approval.
    const second = await post('senior', appeal.id, { intent: 'second-approve', version: await version(appeal.id) });
    expect(pageText(await second.text())).toContain('Second approval given.');
    expect((await prisma().account.findUniqueOrThrow({ where: { uid: '1000000000000001' } })).logonEmail).toBe(
      `alice.renewed@${domain}`,
    );
    await prisma().account.update({ where: { uid: '1000000000000001' }, data: { logonEmail: 'alice@example.com' } });
  });

  it('a filing merged into a case waiting for its second approval withdraws the first approval: back in review, on record and on the timeline', async () => {
    const newEmail = `merge.four-eyes@merge-${kind}.example`;
    const filed = await postAppeal(new HttpClient(portal.url), prisma(), newEmail);
    expect(filed.caseNumber, filed.text).toBeTruthy();
    const appeal = await prisma().appeal.update({
      where: { caseNumber: filed.caseNumber! },
      data: { riskLevel: 'HIGH' },
    });
    expect(pageText(await (await post('senior', appeal.id, { intent: 'claim' })).text())).toContain(
      'The case is yours.',
    );
    await checklistDone('senior', appeal.id);
    const first = await post('senior', appeal.id, { intent: 'approve', version: await version(appeal.id) });
    expect(pageText(await first.text())).toContain('waits for a senior agent');
    const pending = await prisma().appeal.findUniqueOrThrow({ where: { id: appeal.id } });
    expect(pending).toMatchObject({ status: 'PENDING_SECOND_APPROVAL', firstApproverId: await staffId('senior') });
    const secondApproverForm = String(pending.version);

    // The customer files again with the same identification and new email, with another file.
    const merged = await postAppeal(new HttpClient(portal.url), prisma(), newEmail, BASE_DETAILS, {
      idDocument: file(pngBytes(), 'id-2.png', 'image/png'),
      ...extraFiles,
    });
    expect(merged.caseNumber, merged.text).toBe(filed.caseNumber);
    const after = await prisma().appeal.findUniqueOrThrow({ where: { id: appeal.id } });
    expect(after).toMatchObject({
      status: 'IN_REVIEW',
      firstApproverId: null,
      firstApprovedAt: null,
      assigneeId: await staffId('senior'),
      riskLevel: 'HIGH',
      slaDueAt: pending.slaDueAt,
    });
    expect(after.checklist).toEqual({});
    expect(await prisma().evidenceFile.count({ where: { appealId: appeal.id } })).toBe(3);
    const withdrawn = await prisma().auditEvent.findFirstOrThrow({
      where: { appealId: appeal.id, action: 'appeal.first_approval_withdrawn' },
    });
    expect(withdrawn).toMatchObject({
      actorType: 'system',
      data: {
        reason: FIRST_APPROVAL_WITHDRAWN_REASON,
        firstApproverId: await staffId('senior'),
        status: { from: 'PENDING_SECOND_APPROVAL', to: 'IN_REVIEW' },
      },
    });
    const mergedEvent = await prisma().auditEvent.findFirstOrThrow({
      where: { appealId: appeal.id, action: 'appeal.merged' },
    });
    expect(mergedEvent.data).toMatchObject({ status: { from: 'PENDING_SECOND_APPROVAL', to: 'IN_REVIEW' } });

    // The second approver's form from before the merge acts on nothing; the page says what happened.
    const late = await post('senior2', appeal.id, { intent: 'second-approve', version: secondApproverForm });
    expect(late.status).toBe(409);
    expect(pageText(await late.text())).toContain('it is now in review');
    expect(
      (await post('senior2', appeal.id, { intent: 'second-approve', version: await version(appeal.id) })).status,
    ).toBe(403);
    expect((await prisma().account.findUniqueOrThrow({ where: { uid: '1000000000000001' } })).logonEmail).toBe(
      'alice@example.com',
    );
    const page = pageText(await (await clients.senior.get(`/staff/appeals/${appeal.id}`)).text());
    // In the back office's words, with the event's code beside them (as the audit log lists it).
    expect(page).toContain(
      `First approval withdrawn (system) — ${FIRST_APPROVAL_WITHDRAWN_REASON} appeal.first_approval_withdrawn`,
    );
    expect(page).toContain('Appeal filed (');
    expect(page).not.toContain('First approval by');
    // A new first approval needs the checklist done again, against every file.
    expect((await post('senior', appeal.id, { intent: 'approve', version: await version(appeal.id) })).status).toBe(
      400,
    );
    await post('senior', appeal.id, {
      intent: 'reject',
      version: await version(appeal.id),
      reason: 'OTHER',
      message: 'Test case closed.',
      final: 'retry',
    });
  });

  it('rejects with a reason and a customer message; a stale form is refused', async () => {
    const appeal = await claimed('agent');
    const stale = await version(appeal.id);
    await post('agent', appeal.id, { intent: 'note', body: 'Looks fine' });
    const ok = await post('agent', appeal.id, {
      intent: 'reject',
      version: await version(appeal.id),
      reason: 'EVIDENCE_UNREADABLE',
      message: 'The photo is too blurry.',
      final: 'retry',
    });
    expect(pageText(await ok.text())).toContain('Rejected (evidence unreadable).');
    const late = await post('agent', appeal.id, { intent: 'approve', version: stale });
    expect(late.status).toBe(409);
    expect(pageText(await late.text())).toContain('This case changed since you opened it: it is now rejected');
    expect(
      await prisma().outboxMessage.count({ where: { recipient: appeal.newEmail, template: 'appeal-rejected' } }),
    ).toBe(1);
    const missing = await post('agent', appeal.id, {
      intent: 'reject',
      version: await version(appeal.id),
      reason: 'OTHER',
      message: '',
      final: 'final',
    });
    expect(missing.status).toBe(400);
  });

  it("a case form's refused field is named at its own box; a refused decision is the form's message", async () => {
    const appeal = await claimed('agent');
    const note = await post('agent', appeal.id, { intent: 'note', body: '   ' });
    expect(note.status).toBe(400);
    const noteHtml = await note.text();
    expect(noteHtml).toContain('<p class="field-error" id="note-error">Write the note.</p>');
    expect(noteHtml).toMatch(
      /<textarea id="note-body" name="body" rows="2" aria-invalid="true" aria-describedby="note-error"/,
    );
    expect(noteHtml).not.toContain('id="reject-error"');
    const reject = await post('agent', appeal.id, {
      intent: 'reject',
      version: await version(appeal.id),
      reason: 'OTHER',
      message: '',
      final: 'final',
    });
    expect(reject.status).toBe(400);
    const rejectHtml = await reject.text();
    expect(rejectHtml).toContain(
      '<p class="field-error" id="reject-error">Write the message the customer will read.</p>',
    );
    expect(rejectHtml).not.toContain('id="note-error"');
    const ask = await post('agent', appeal.id, {
      intent: 'request-info',
      version: await version(appeal.id),
      message: '',
    });
    expect(ask.status).toBe(400);
    expect(await ask.text()).toContain(
      '<p class="field-error" id="request-error">Write what the customer should send or explain.</p>',
    );
    // A decision refused by the case's state is no field's fault: the form's message says it.
    const stale = await post('agent', appeal.id, { intent: 'approve', version: '0' });
    expect(stale.status).toBe(409);
    const staleHtml = await stale.text();
    expect(pageText(staleHtml)).toContain('This case changed since you opened it');
    expect(staleHtml).not.toContain('class="field-error"');
  });

  it('shows when a closed case was closed instead of a due date, in the queue and on its page', async () => {
    const decidedAt = new Date('2026-11-20T10:15:00Z');
    const slaDueAt = new Date('2026-11-25T08:00:00Z');
    for (const status of ['APPROVED', 'REJECTED', 'WITHDRAWN', 'EXPIRED'] as const) {
      const appeal = await makeAppeal(prisma(), null, { status, decidedAt, slaDueAt });
      const queue = pageText(
        await (await clients.agent.get(`/staff/appeals?status=all&q=${appeal.caseNumber}`)).text(),
      );
      expect(queue, status).toContain(`${appeal.caseNumber}`);
      expect(queue, status).toContain('closed 20 Nov 2026 10:15');
      expect(queue, status).not.toContain('25 Nov 2026 08:00');
      expect(queue, status).not.toContain('breached');
      const page = pageText(await (await clients.agent.get(`/staff/appeals/${appeal.id}`)).text());
      expect(page, status).toContain('closed Fri, 20 Nov 2026 10:15:00 GMT');
      expect(page, status).not.toMatch(/\bdue \w{3}, /);
      expect(page, status).not.toContain('SLA breached');
    }
    // An open case keeps its due date.
    const open = await makeAppeal(prisma(), null, { status: 'IN_REVIEW', slaDueAt });
    expect(
      pageText(await (await clients.agent.get(`/staff/appeals?status=all&q=${open.caseNumber}`)).text()),
    ).toContain('25 Nov 2026 08:00');
    expect(pageText(await (await clients.agent.get(`/staff/appeals/${open.id}`)).text())).toContain(
      'due Wed, 25 Nov 2026 08:00:00 GMT',
    );
    await prisma().appeal.update({ where: { id: open.id }, data: { status: 'WITHDRAWN', decidedAt } });
  });

  it('expires a case that waited 14 days for the customer', async () => {
    const appeal = await makeAppeal(prisma(), null, {
      status: 'AWAITING_CUSTOMER',
      awaitingSince: new Date(Date.now() - 15 * 86400_000),
    });
    const fresh = await makeAppeal(prisma(), null, {
      status: 'AWAITING_CUSTOMER',
      awaitingSince: new Date(Date.now() - 3 * 86400_000),
    });
    expect(await expireStaleAppeals(portal.services)).toBeGreaterThanOrEqual(1);
    expect((await prisma().appeal.findUniqueOrThrow({ where: { id: appeal.id } })).status).toBe('EXPIRED');
    expect((await prisma().appeal.findUniqueOrThrow({ where: { id: fresh.id } })).status).toBe('AWAITING_CUSTOMER');
    expect(
      await prisma().outboxMessage.count({ where: { recipient: appeal.newEmail, template: 'appeal-expired' } }),
    ).toBe(1);
    expect(await prisma().auditEvent.count({ where: { appealId: appeal.id, action: 'appeal.expired' } })).toBe(1);
  });

  describe.runIf(kind === 'postgres')('races on PostgreSQL', () => {
    it('double approve at once: exactly one change', async () => {
      const { appeal } = await normalCase('agent', 'race');
      await checklistDone('agent', appeal.id);
      const v = await version(appeal.id);
      const results = await Promise.all(
        [0, 1, 2].map(() => post('agent', appeal.id, { intent: 'approve', version: v }).then((r) => r.text())),
      );
      expect(results.filter((t) => pageText(t).includes('Approved. The account was updated'))).toHaveLength(1);
      expect(await prisma().auditEvent.count({ where: { appealId: appeal.id, action: 'appeal.approved' } })).toBe(1);
    });

    it('approve against withdraw: one wins, never both', async () => {
      const { owner, newEmail, appeal } = await normalCase('agent', 'withdraw');
      await checklistDone('agent', appeal.id);
      const { newToken, sha256 } = await import('~/lib/tokens.server');
      const token = newToken();
      await prisma().appeal.update({ where: { id: appeal.id }, data: { trackingTokenHash: sha256(token) } });
      const [approve, withdraw] = await Promise.all([
        post('agent', appeal.id, { intent: 'approve', version: await version(appeal.id) }),
        new HttpClient(portal.url).post(`/appeals/track/${token}`, { intent: 'withdraw', confirm: 'yes' }),
      ]);
      const final = await prisma().appeal.findUniqueOrThrow({ where: { id: appeal.id } });
      const account = await prisma().account.findUniqueOrThrow({ where: { uid: owner.uid } });
      if (final.status === 'APPROVED') {
        expect(withdraw.status).toBe(409);
        expect(account.logonEmail).toBe(newEmail);
      } else {
        expect(final.status).toBe('WITHDRAWN');
        expect(approve.status).toBe(409);
        expect(account.logonEmail).toBe(owner.email);
      }
    });
  });
});
