// Races on PostgreSQL (a server with real concurrency; PGlite is one connection and serialises
// everything): N parallel requests for the same thing, and the invariants that must hold after —
// exactly one winner, one change, limits never exceeded. RESILIENCE_LONG=1 uses more contenders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresOnly } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { HttpClient, pageText } from '../support/http';
import { createOwner, newestSession, STEP1, STEP2 } from '../support/accounts';
import { makeAppeal, signInStaff, FULL_CHECKLIST } from '../support/backoffice';
import { hashPassword } from '~/auth/password.server';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '~/demo/seed.server';
import { sealTotpSecret } from '~/staff/totp.server';
import { hashCode, CODE_RULES } from '~/verification/codes.server';

const N = process.env.RESILIENCE_LONG ? 24 : 8;

describe.skipIf(!postgresOnly())('resilience: races on PostgreSQL', () => {
  let portal: TestPortal;
  let ip = 0;
  const client = () =>
    new HttpClient(portal.url, { forwardedFor: `198.18.${Math.floor(ip / 250)}.${(ip++ % 250) + 1}` });
  const prisma = () => portal.db.prisma;

  beforeAll(async () => {
    // No hold: approvals hand over at once (recovery-hold.test.ts races the handover job).
    portal = await startTestPortal('postgres', { config: { trustProxy: 1, recoveryHoldHours: 0 } });
  });
  afterAll(async () => {
    await portal?.stop();
  });

  /** N staff members with the given roles, each signed in on a client of their own. */
  async function staffTeam(prefix: string, roles: ('AGENT' | 'SENIOR_AGENT')[], count: number) {
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    const totpSecretEncrypted = sealTotpSecret(portal.services.config.encryptionSecret, DEMO_TOTP_SECRET);
    const team: { id: string; name: string; client: HttpClient }[] = [];
    for (let i = 0; i < count; i++) {
      const member = await prisma().staff.create({
        data: {
          email: `${prefix.toLowerCase()}${i}-${Date.now()}@support.example.com`,
          name: `${prefix} ${i}`,
          roles,
          passwordHash,
          totpSecretEncrypted,
          totpEnrolledAt: new Date(),
        },
      });
      const c = client();
      await signInStaff(c, prisma(), member.email);
      team.push({ id: member.id, name: member.name, client: c });
    }
    return team;
  }

  it(`the same new logon email for ${N} accounts at once: exactly one account gets it, the others are told it is in use`, async () => {
    const contested = `contested-${Date.now()}@corp.example`;
    const contenders = [];
    for (let i = 0; i < N; i++) {
      const owner = await createOwner(prisma(), { phone: true });
      const c = client();
      await c.signIn(owner.email);
      const session = await newestSession(prisma(), owner.uid);
      // Identity verified (the privileged window) and a code for the contested address: written
      // directly, since one address may receive only 5 codes an hour — the race is the point here.
      await prisma().session.update({
        where: { id: session.id },
        data: { privilegedUntil: new Date(Date.now() + 10 * 60_000) },
      });
      const row = await prisma().verification.create({
        data: {
          purpose: 'CHANGE_EMAIL_NEW',
          channel: 'EMAIL',
          target: contested,
          accountUid: owner.uid,
          requesterKey: `session:${session.id}`,
          codeHash: 'pending',
          expiresAt: new Date(Date.now() + CODE_RULES.ttlMs),
        },
      });
      const code = String(100000 + i);
      await prisma().verification.update({
        where: { id: row.id },
        data: { codeHash: hashCode(portal.services.config.encryptionSecret, row.id, code) },
      });
      contenders.push({ owner, client: c, code });
    }
    const answers = await Promise.all(
      contenders.map((x) => x.client.post(STEP2, { intent: 'confirm', newEmail: contested, code: x.code })),
    );
    const statuses = answers.map((r) => r.status);
    expect(
      statuses.filter((s) => s === 302),
      `statuses ${statuses}`,
    ).toHaveLength(1);
    expect(
      statuses.filter((s) => s !== 302).every((s) => s === 409),
      `statuses ${statuses}`,
    ).toBe(true);
    for (const r of answers.filter((a) => a.status === 409))
      expect(pageText(await r.text())).toContain('already in use');
    expect(await prisma().account.count({ where: { logonEmail: contested } })).toBe(1);
    expect(
      await prisma().auditEvent.count({
        where: { action: 'logon_email.changed', accountUid: { in: contenders.map((x) => x.owner.uid) } },
      }),
    ).toBe(1);
    expect(
      await prisma().outboxMessage.count({ where: { recipient: contested, template: 'logon-email-changed:new' } }),
    ).toBe(1);
    // The losers keep their own email.
    const losers = await prisma().account.findMany({
      where: { uid: { in: contenders.map((x) => x.owner.uid) }, NOT: { logonEmail: contested } },
    });
    expect(losers).toHaveLength(N - 1);
    for (const l of losers) expect(l.logonEmail).toBe(contenders.find((x) => x.owner.uid === l.uid)!.owner.email);
  });

  it(`the same case claimed by ${N} agents at once: one gets it, every other is told who did`, async () => {
    const team = await staffTeam('Claimer', ['AGENT'], N);
    const appeal = await makeAppeal(prisma(), portal.services.evidence);
    const answers = await Promise.all(
      team.map((m) =>
        m.client
          .post(`/staff/appeals/${appeal.id}`, { intent: 'claim' })
          .then(async (r) => ({ status: r.status, text: pageText(await r.text()) })),
      ),
    );
    const winners = answers.filter((a) => a.text.includes('The case is yours.'));
    expect(winners, JSON.stringify(answers.map((a) => a.status))).toHaveLength(1);
    const after = await prisma().appeal.findUniqueOrThrow({ where: { id: appeal.id }, include: { assignee: true } });
    expect(after.status).toBe('IN_REVIEW');
    expect(after.version).toBe(1);
    for (const a of answers.filter((x) => !x.text.includes('The case is yours.'))) {
      expect(a.status).toBe(409);
      expect(a.text).toContain(`${after.assignee!.name} claimed this case first.`);
    }
    expect(await prisma().auditEvent.count({ where: { appealId: appeal.id, action: 'appeal.claimed' } })).toBe(1);
  });

  it(`the same approval sent ${N} times at once (double clicks, two tabs): the account changes once`, async () => {
    const agent = client();
    await signInStaff(agent, prisma(), 'agent@support.example.com');
    const owner = await createOwner(prisma());
    // A domain of its own: corp.example is in other accounts' appeals here, which makes a case high-risk (two approvers).
    const newEmail = `approved-${Date.now()}@${owner.uid}.example`;
    const appeal = await makeAppeal(prisma(), portal.services.evidence, {
      accountUid: owner.uid,
      givenUid: owner.uid,
      newEmail,
    });
    expect(pageText(await (await agent.post(`/staff/appeals/${appeal.id}`, { intent: 'claim' })).text())).toContain(
      'The case is yours.',
    );
    const form = new URLSearchParams({ intent: 'checklist', version: '1' });
    for (const c of FULL_CHECKLIST) form.append('check', c);
    expect((await agent.post(`/staff/appeals/${appeal.id}`, form)).status).toBe(200);
    const answers = await Promise.all(
      Array.from({ length: N }, () =>
        agent
          .post(`/staff/appeals/${appeal.id}`, { intent: 'approve', version: '2' })
          .then(async (r) => ({ status: r.status, text: pageText(await r.text()) })),
      ),
    );
    expect(
      answers.filter((a) => a.text.includes('Approved. The account was updated')),
      JSON.stringify(answers.map((a) => a.status)),
    ).toHaveLength(1);
    // The others: "already approved" (same person, same form) — never a second change, never a 5xx.
    for (const a of answers) expect(a.status).toBeLessThan(500);
    expect((await prisma().account.findUniqueOrThrow({ where: { uid: owner.uid } })).logonEmail).toBe(newEmail);
    expect(await prisma().auditEvent.count({ where: { appealId: appeal.id, action: 'appeal.approved' } })).toBe(1);
    expect(await prisma().auditEvent.count({ where: { appealId: appeal.id, action: 'logon_email.changed' } })).toBe(1);
    expect(await prisma().outboxMessage.count({ where: { recipient: newEmail, template: 'appeal-handed-over' } })).toBe(
      1,
    );
    expect(
      await prisma().outboxMessage.count({ where: { recipient: owner.email, template: 'logon-email-changed:old' } }),
    ).toBe(1);
  });

  it(`the second approval of a high-risk case by ${Math.min(N, 6)} senior agents at once: one change`, async () => {
    const seniors = await staffTeam('Senior', ['AGENT', 'SENIOR_AGENT'], Math.min(N, 6));
    const owner = await createOwner(prisma());
    const newEmail = `second-${Date.now()}@corp.example`;
    const first = await prisma().staff.findUniqueOrThrow({ where: { email: 'agent@support.example.com' } });
    const appeal = await makeAppeal(prisma(), portal.services.evidence, {
      accountUid: owner.uid,
      givenUid: owner.uid,
      newEmail,
      riskLevel: 'HIGH',
      status: 'PENDING_SECOND_APPROVAL',
      assigneeId: first.id,
      firstApproverId: first.id,
      firstApprovedAt: new Date(),
      version: 3,
      checklist: Object.fromEntries(FULL_CHECKLIST.map((k) => [k, true])),
    });
    const answers = await Promise.all(
      seniors.map((s) =>
        s.client
          .post(`/staff/appeals/${appeal.id}`, { intent: 'second-approve', version: '3' })
          .then(async (r) => ({ status: r.status, text: pageText(await r.text()) })),
      ),
    );
    expect(
      answers.filter((a) => a.text.includes('Second approval given.')),
      JSON.stringify(answers.map((a) => a.status)),
    ).toHaveLength(1);
    expect(answers.filter((a) => !a.text.includes('Second approval given.')).every((a) => a.status === 409)).toBe(true);
    expect((await prisma().account.findUniqueOrThrow({ where: { uid: owner.uid } })).logonEmail).toBe(newEmail);
    expect(await prisma().auditEvent.count({ where: { appealId: appeal.id, action: 'logon_email.changed' } })).toBe(1);
  });

  it('resend floods from many sessions of one account: at most one code per session per cooldown, never more than 5 an hour or 10 a day', async () => {
    const owner = await createOwner(prisma(), { phone: true });
    const sessions: HttpClient[] = [];
    for (let i = 0; i < N; i++) {
      const c = client();
      await c.signIn(owner.email);
      sessions.push(c);
    }
    const flood = () =>
      Promise.all(
        sessions.flatMap((c) =>
          [0, 1, 2].map(() => c.post(STEP1, { intent: 'send-code', channel: 'SMS' }).then((r) => r.status)),
        ),
      );
    const statuses = await flood();
    expect(
      statuses.every((s) => s === 302 || s === 429),
      `statuses ${statuses}`,
    ).toBe(true);
    const hour = () =>
      prisma().verification.findMany({
        where: { accountUid: owner.uid, createdAt: { gt: new Date(Date.now() - 3600_000) } },
        select: { requesterKey: true },
      });
    let issued = await hour();
    expect(issued.length).toBeLessThanOrEqual(CODE_RULES.perHour);
    expect(statuses.filter((s) => s === 302)).toHaveLength(issued.length);
    expect(new Set(issued.map((v) => v.requesterKey)).size, 'one code per session within the cooldown').toBe(
      issued.length,
    );

    // The day: codes sent earlier today count too. With 8 already in the last 24 h (none in the last
    // hour), a new flood may add at most 2.
    await prisma().verification.updateMany({
      where: { accountUid: owner.uid },
      data: { createdAt: new Date(Date.now() - 5 * 3600_000) },
    });
    const earlier = await prisma().verification.count({ where: { accountUid: owner.uid } });
    for (let i = earlier; i < 8; i++) {
      await prisma().verification.create({
        data: {
          purpose: 'CHANGE_EMAIL_IDENTITY',
          channel: 'SMS',
          target: owner.phone!,
          accountUid: owner.uid,
          requesterKey: `session:earlier-${i}`,
          codeHash: 'x',
          createdAt: new Date(Date.now() - (2 + i) * 3600_000),
          expiresAt: new Date(Date.now() - 3600_000),
        },
      });
    }
    const again = await flood();
    expect(
      again.every((s) => s === 302 || s === 429),
      `statuses ${again}`,
    ).toBe(true);
    const day = await prisma().verification.count({
      where: { accountUid: owner.uid, createdAt: { gt: new Date(Date.now() - 24 * 3600_000) } },
    });
    expect(day).toBeLessThanOrEqual(CODE_RULES.perDay);
    expect(again.filter((s) => s === 302).length).toBeLessThanOrEqual(2);
    issued = await hour();
    expect(issued.length).toBeLessThanOrEqual(CODE_RULES.perHour);
  });

  it('appeal email codes flooded from many browsers for one address: at most 5 an hour to that address', async () => {
    const target = `flooded-${Date.now()}@corp.example`;
    const browsers = Array.from({ length: N + 4 }, () => client());
    for (const b of browsers) await b.get('/appeals/new?scenario=FORGOT_LOGON_EMAIL');
    const statuses = await Promise.all(
      browsers.map((b) =>
        b
          .post('/appeals/new', { intent: 'send-code', scenario: 'FORGOT_LOGON_EMAIL', newEmail: target })
          .then((r) => r.status),
      ),
    );
    expect(
      statuses.every((s) => s === 302 || s === 429),
      `statuses ${statuses}`,
    ).toBe(true);
    const codes = await prisma().verification.count({ where: { target } });
    expect(codes).toBeLessThanOrEqual(CODE_RULES.perHour);
    expect(statuses.filter((s) => s === 302)).toHaveLength(codes);
    expect(await prisma().outboxMessage.count({ where: { recipient: target } })).toBe(codes);
  });
});
