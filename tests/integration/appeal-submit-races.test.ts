// Filing an appeal while something else happens to the case it would merge into, on PostgreSQL
// (PGlite is one connection and serialises everything, so nothing can come in between there).
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresOnly } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { HttpClient, pageText } from '../support/http';
import {
  BASE_DETAILS,
  appealForm,
  extraFiles,
  postAppeal,
  postAppealEmailProof,
  trackingLinkFor,
} from '../support/appeals';
import { file, pngBytes } from '../support/files';

describe.skipIf(!postgresOnly())('appeal submission races [postgres]', () => {
  let portal: TestPortal;
  let ip = 0;
  const client = () =>
    new HttpClient(portal.url, { forwardedFor: `198.19.${Math.floor(ip / 250)}.${(ip++ % 250) + 1}` });
  const prisma = () => portal.db.prisma;

  beforeAll(async () => {
    portal = await startTestPortal('postgres', { config: { trustProxy: 1 } });
  });
  afterAll(async () => {
    await portal?.stop();
  });

  /** Resolves once some statement of this database waits for a lock. */
  async function someoneWaitsForALock(what: string) {
    for (let i = 0; ; i++) {
      const [{ waiting }] = await prisma().$queryRaw<
        { waiting: number }[]
      >`SELECT count(*)::int AS "waiting" FROM pg_stat_activity WHERE "datname" = current_database() AND "wait_event_type" = 'Lock'`;
      if (waiting > 0) return;
      if (i > 500) throw new Error(`${what} never waited for a lock`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('a submission that would merge into a case an agent is deciding leaves the decided case alone and opens a new one', async () => {
    const email = `merge-decided-${Date.now()}@corp.example`;
    const details = { ...BASE_DETAILS, givenUid: '1000000000000002', holderName: 'Bob Martin' };
    const first = await postAppeal(client(), prisma(), email, details);
    expect(first.res.status).toBe(200);
    const firstLink = await trackingLinkFor(prisma(), email);
    const decided = await prisma().appeal.findUniqueOrThrow({ where: { caseNumber: first.caseNumber! } });
    const second = client();
    await postAppealEmailProof(second, prisma(), email);

    // The agent's rejection holds the case's row (as every decision does), and commits only once the
    // submission has read the case as open and waits.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const decision = prisma().$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT "id" FROM "Appeal" WHERE "id" = ${decided.id}::uuid FOR UPDATE`;
        holding();
        await gate;
        await tx.appeal.update({
          where: { id: decided.id },
          data: {
            status: 'REJECTED',
            rejectReason: 'OTHER',
            rejectFinal: false,
            decidedAt: new Date(),
            assigneeId: null,
            version: { increment: 1 },
          },
        });
      },
      { timeout: 15_000 },
    );
    await held;
    const submission = second.post(
      '/appeals/new',
      appealForm(details, { idDocument: file(pngBytes(), 'later.png', 'image/png') }),
    );
    await someoneWaitsForALock('the submission');
    release();
    await decision;
    const res = await submission;
    const text = pageText(await res.text());
    expect(res.status, text.slice(0, 300)).toBe(200);
    const caseNumber = /AP-\d{8}-\d{6}/.exec(text)?.[0];
    expect(caseNumber).toBeDefined();
    expect(caseNumber).not.toBe(first.caseNumber);

    // The decided case is as the agent left it: no new message or evidence, same risk and tracking link, no merge.
    const after = await prisma().appeal.findUniqueOrThrow({
      where: { id: decided.id },
      include: { evidence: true, messages: true },
    });
    expect(after).toMatchObject({
      status: 'REJECTED',
      version: decided.version + 1,
      trackingTokenHash: decided.trackingTokenHash,
      riskLevel: decided.riskLevel,
      priority: decided.priority,
    });
    expect(after.riskSignals).toEqual(decided.riskSignals);
    expect(after.evidence.map((e) => e.originalName)).toEqual(['id.png']);
    expect(after.messages.map((m) => m.author)).toEqual(['SYSTEM']);
    expect(await prisma().auditEvent.count({ where: { appealId: decided.id, action: 'appeal.merged' } })).toBe(0);
    expect((await second.get(firstLink)).status).toBe(200);

    // The customer has a new case of its own, with the file, and a mail saying so (not "merged").
    const fresh = await prisma().appeal.findUniqueOrThrow({
      where: { caseNumber: caseNumber! },
      include: { evidence: true },
    });
    expect(fresh).toMatchObject({ status: 'SUBMITTED', newEmail: email, accountUid: '1000000000000002' });
    expect(fresh.evidence.map((e) => e.originalName)).toEqual(['later.png']);
    const mails = await prisma().outboxMessage.findMany({
      where: { recipient: email, template: 'appeal-received' },
      orderBy: { createdAt: 'asc' },
    });
    expect(mails).toHaveLength(2);
    expect(mails[1].subject).toBe(`We received your appeal ${caseNumber}`);
  });

  it('the same form sent twice at once from one flow (a double click) files one case: one set of evidence, one mail, a tracking link that works', async () => {
    const evidenceOnDisk = () =>
      existsSync(portal.services.config.evidenceDir) ? readdirSync(portal.services.config.evidenceDir).length : 0;
    for (let round = 0; round < 5; round++) {
      const email = `double-click-${round}-${Date.now()}@corp.example`;
      const forwardedFor = `198.19.200.${round + 1}`;
      const browser = new HttpClient(portal.url, { forwardedFor });
      await postAppealEmailProof(browser, prisma(), email);
      const twin = new HttpClient(portal.url, { forwardedFor });
      for (const pair of browser.cookieHeader().split('; ')) twin.adoptCookie(pair);
      const filesBefore = evidenceOnDisk();
      const form = () =>
        appealForm(BASE_DETAILS, { idDocument: file(pngBytes(), 'id.png', 'image/png'), ...extraFiles });
      const answers = await Promise.all(
        [browser, twin].map(async (c) => {
          const res = await c.post('/appeals/new', form());
          const text = pageText(await res.text());
          return { status: res.status, text, caseNumber: /AP-\d{8}-\d{6}/.exec(text)?.[0] };
        }),
      );
      expect(
        answers.map((a) => a.status),
        answers.map((a) => a.text.slice(0, 200)).join('\n'),
      ).toEqual([200, 200]);
      expect(answers[0].caseNumber).toBeDefined();
      expect(answers[1].caseNumber).toBe(answers[0].caseNumber);
      const appeals = await prisma().appeal.findMany({
        where: { newEmail: email },
        include: { evidence: true, messages: true },
      });
      expect(appeals).toHaveLength(1);
      expect(appeals[0].evidence).toHaveLength(2);
      expect(appeals[0].messages).toHaveLength(1);
      expect(evidenceOnDisk() - filesBefore).toBe(2);
      expect(await prisma().outboxMessage.count({ where: { recipient: email, template: 'appeal-received' } })).toBe(1);
      expect((await browser.get(await trackingLinkFor(prisma(), email))).status).toBe(200);
    }
  });
});
