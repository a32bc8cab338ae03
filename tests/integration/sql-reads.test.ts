// The reads every page view runs (session look-ups) and the case page's are hand-written SQL
// (db/rows.server.ts): they must read exactly what Prisma reads, on both databases, whatever time
// zone the database session or this process is in.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppLoadContext } from '@remix-run/node';
import pg from 'pg';
import { describeEachDatabase, openTestDatabase } from '../support/db';
import type { Database } from '~/db/connect.server';
import { seedDemoData, ALICE_UID } from '~/demo/seed.server';
import { readConfig } from '~/config.server';
import { commitSessionCookie, createSession, loadSession } from '~/auth/session.server';
import { readStaffSession, staffCookie } from '~/staff/session.server';
import { SESSION, STAFF, pickRow, selectColumns } from '~/db/rows.server';
import { newToken, sha256 } from '~/lib/tokens.server';
import { loadCaseRecords, TIMELINE_LIMIT } from '~/appeals/case-page.server';
import { VIEWER_FRESH_MS, recordCaseView } from '~/appeals/viewers.server';
import { makeAppeal } from '../support/backoffice';
import { inProcessTimeZone } from '../support/time-zone';

describeEachDatabase('rows read with hand-written SQL', (kind) => {
  let db: Database;
  const config = readConfig({ PORTAL_MODE: 'test' }, { port: 0 });
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    await seedDemoData(db.prisma);
  });
  afterAll(async () => {
    await db?.close();
  });

  const requestWith = (cookie: string) =>
    new Request('http://portal.test/account', { headers: { Cookie: cookie.split(';')[0] } });
  const prismaSession = (id: string) =>
    db.prisma.session.findUniqueOrThrow({ where: { id }, include: { account: true, ramUser: true, ramRole: true } });

  it('reads an owner session, a RAM user session and a role session as Prisma does (nulls, dates, enums)', async () => {
    const dev = await db.prisma.ramUser.findFirstOrThrow({ where: { accountUid: ALICE_UID } });
    const role = await db.prisma.ramRole.findFirstOrThrow({ where: { accountUid: ALICE_UID } });
    // Alice's account gets a payment date and a changed password so that nullable dates are set too.
    await db.prisma.account.update({
      where: { uid: ALICE_UID },
      data: {
        passwordChangedAt: new Date('2026-02-03T04:05:06.789Z'),
        lastPaymentAt: new Date('2025-12-31T23:59:59.001Z'),
      },
    });
    const owner = await createSession(db.prisma, {
      principalType: 'OWNER',
      accountUid: ALICE_UID,
      ip: '203.0.113.9',
      userAgent: 'vitest',
    });
    const ramUser = await createSession(db.prisma, {
      principalType: 'RAM_USER',
      accountUid: ALICE_UID,
      ramUserId: dev.id,
    });
    const roleSession = await createSession(db.prisma, {
      principalType: 'RAM_ROLE',
      accountUid: ALICE_UID,
      ramUserId: dev.id,
      ramRoleId: role.id,
      parentSessionId: ramUser.session.id,
      ssoName: 'Dev',
    });
    for (const { token, session } of [owner, ramUser, roleSession]) {
      const { otherSessions, ...read } = (await loadSession(
        db,
        config,
        requestWith(await commitSessionCookie(config, token)),
      ))!;
      expect(read).toEqual(await prismaSession(session.id));
      expect(read.createdAt).toBeInstanceOf(Date);
      expect(otherSessions).toEqual(expect.any(Number));
    }
    const read = await loadSession(db, config, requestWith(await commitSessionCookie(config, owner.token)));
    expect(read!.account.passwordChangedAt?.toISOString()).toBe('2026-02-03T04:05:06.789Z');
    expect(read!.ramUser).toBeNull();
  });

  it('finds nothing for an unknown, revoked or expired token', async () => {
    expect(await loadSession(db, config, requestWith(await commitSessionCookie(config, newToken())))).toBeNull();
    const revoked = await createSession(db.prisma, { principalType: 'OWNER', accountUid: ALICE_UID });
    await db.prisma.session.update({ where: { id: revoked.session.id }, data: { revokedAt: new Date() } });
    expect(await loadSession(db, config, requestWith(await commitSessionCookie(config, revoked.token)))).toBeNull();
    const expired = await createSession(db.prisma, { principalType: 'OWNER', accountUid: ALICE_UID, lifetimeMs: 1 });
    await new Promise((r) => setTimeout(r, 5));
    expect(await loadSession(db, config, requestWith(await commitSessionCookie(config, expired.token)))).toBeNull();
  });

  it('counts the other live sessions of the same principal only', async () => {
    const dev = await db.prisma.ramUser.findFirstOrThrow({ where: { accountUid: ALICE_UID } });
    await db.prisma.session.deleteMany({ where: { accountUid: ALICE_UID } });
    const mine = await createSession(db.prisma, { principalType: 'OWNER', accountUid: ALICE_UID });
    await createSession(db.prisma, { principalType: 'OWNER', accountUid: ALICE_UID });
    await createSession(db.prisma, { principalType: 'OWNER', accountUid: ALICE_UID });
    const revoked = await createSession(db.prisma, { principalType: 'OWNER', accountUid: ALICE_UID });
    await db.prisma.session.update({ where: { id: revoked.session.id }, data: { revokedAt: new Date() } });
    await createSession(db.prisma, { principalType: 'OWNER', accountUid: ALICE_UID, lifetimeMs: -1000 }); // expired
    const devSession = await createSession(db.prisma, {
      principalType: 'RAM_USER',
      accountUid: ALICE_UID,
      ramUserId: dev.id,
    });
    const others = async (token: string) =>
      (await loadSession(db, config, requestWith(await commitSessionCookie(config, token))))!.otherSessions;
    expect(await others(mine.token)).toBe(2);
    expect(await others(devSession.token)).toBe(0);
    await createSession(db.prisma, { principalType: 'RAM_USER', accountUid: ALICE_UID, ramUserId: dev.id });
    expect(await others(devSession.token)).toBe(1);
  });

  it('reads a staff session with its member (roles as an array) as Prisma does', async () => {
    const member = await db.prisma.staff.findFirstOrThrow({ where: { roles: { has: 'SENIOR_AGENT' } } });
    const token = newToken();
    const created = await db.prisma.staffSession.create({
      data: { tokenHash: sha256(token), staffId: member.id, mfaPassed: true, expiresAt: new Date(Date.now() + 60_000) },
    });
    const context = { services: { db, config } } as unknown as AppLoadContext;
    const request = new Request('http://portal.test/staff', {
      method: 'POST',
      headers: { Cookie: (await staffCookie(config).serialize(token)).split(';')[0] },
    });
    const read = await readStaffSession(context, request);
    expect(read).toEqual(
      await db.prisma.staffSession.findUniqueOrThrow({ where: { id: created.id }, include: { staff: true } }),
    );
    expect(read!.staff.roles.length).toBeGreaterThan(0);
    await db.prisma.staff.update({ where: { id: member.id }, data: { active: false } });
    expect(await readStaffSession(context, request)).toBeNull();
    await db.prisma.staff.update({ where: { id: member.id }, data: { active: true } });
  });

  it('reads a case with its account, evidence, conversation, notes and timeline as Prisma does', async () => {
    const staff = await db.prisma.staff.findMany({ select: { id: true, name: true } });
    const agent = staff[0];
    const appeal = await makeAppeal(db.prisma, null, {
      riskSignals: [{ code: 'IDENTIFIERS_CONFLICT' }],
      checklist: { identity: true },
      assigneeId: agent.id,
      claimedAt: new Date('2026-11-20T10:00:00.123Z'),
      rejectFinal: null,
    });
    await db.prisma.evidenceFile.create({
      data: {
        appealId: appeal.id,
        kind: 'OTHER',
        storedName: `later${newToken(12)}`,
        originalName: 'b.pdf',
        mimeType: 'application/pdf',
        sizeBytes: 9,
        sha256: sha256('b'),
        uploadedAt: new Date(Date.now() + 1000),
        deletedAt: new Date(),
      },
    });
    const message = await db.prisma.appealMessage.create({
      data: { appealId: appeal.id, author: 'STAFF', staffId: agent.id, body: 'Please send a clearer photo.' },
    });
    await db.prisma.appealMessage.create({
      data: { appealId: appeal.id, author: 'CUSTOMER', body: 'Here it is <b>', createdAt: new Date(Date.now() + 1000) },
    });
    await db.prisma.internalNote.create({ data: { appealId: appeal.id, staffId: agent.id, body: 'Looks fine.' } });
    await db.prisma.auditEvent.createMany({
      data: Array.from({ length: TIMELINE_LIMIT + 5 }, (_, i) => ({
        actorType: i % 2 ? 'staff' : 'customer',
        actorId: i % 2 ? agent.id : null,
        action: `case.step_${i}`,
        appealId: appeal.id,
        data: i % 3 ? {} : { fileId: `file-${i}` },
      })),
    });

    const read = await loadCaseRecords(db, appeal.id, { staffId: agent.id, now: new Date() });
    const expected = await db.prisma.appeal.findUniqueOrThrow({
      where: { id: appeal.id },
      include: {
        evidence: { orderBy: { uploadedAt: 'asc' } },
        messages: { orderBy: { createdAt: 'asc' } },
        notes: { orderBy: { createdAt: 'asc' } },
        account: true,
      },
    });
    const { evidence, messages, notes, account, ...row } = expected;
    expect(read?.appeal).toEqual(row);
    expect(read?.account).toEqual(account);
    expect(read?.evidence).toEqual(evidence);
    expect(read?.evidence).toHaveLength(2);
    expect(read?.messages).toEqual(messages);
    expect(read?.messages[0].id).toBe(message.id);
    expect(read?.notes).toEqual(notes);
    expect(new Map(read?.staff.map((s) => [s.id, s.name]))).toEqual(new Map(staff.map((s) => [s.id, s.name])));
    const events = await db.prisma.auditEvent.findMany({
      where: { appealId: appeal.id },
      orderBy: { id: 'asc' },
      take: TIMELINE_LIMIT,
    });
    expect(read?.timeline).toEqual(
      events.map((e) => ({
        id: String(e.id),
        at: e.at,
        action: e.action,
        actorType: e.actorType,
        actorId: e.actorId,
        reason: ((e.data ?? {}) as { reason?: string }).reason ?? null,
        fileId: ((e.data ?? {}) as { fileId?: string }).fileId ?? null,
      })),
    );

    const orphan = await makeAppeal(db.prisma, null, { accountUid: null, accountFound: false });
    const orphanRead = await loadCaseRecords(db, orphan.id, { staffId: agent.id, now: new Date() });
    expect(orphanRead?.account).toBeNull();
    expect(orphanRead?.messages).toEqual([]);
    expect(
      await loadCaseRecords(db, '00000000-0000-4000-8000-000000000000', { staffId: agent.id, now: new Date() }),
    ).toBeNull();
  });

  it('records a case view at the instant given and names only the others seen within 2 minutes, in any process time zone', async () => {
    const [me, fresh, stale] = await db.prisma.staff.findMany({ take: 3, orderBy: { email: 'asc' } });
    const appeal = await makeAppeal(db.prisma, null);
    const now = new Date('2026-11-27T12:00:00.250Z');
    await db.prisma.caseViewer.createMany({
      data: [
        { appealId: appeal.id, staffId: fresh.id, lastSeenAt: new Date(now.getTime() - VIEWER_FRESH_MS + 60_000) },
        { appealId: appeal.id, staffId: stale.id, lastSeenAt: new Date(now.getTime() - VIEWER_FRESH_MS - 60_000) },
      ],
    });
    await inProcessTimeZone('Asia/Kolkata', async () => {
      await recordCaseView(db.prisma, appeal.id, me.id, now);
      expect((await loadCaseRecords(db, appeal.id, { staffId: me.id, now }))?.viewers).toEqual([fresh.id]);
      // The fresh member sees this one (just recorded) and not themselves.
      expect((await loadCaseRecords(db, appeal.id, { staffId: fresh.id, now }))?.viewers).toEqual([me.id]);
    });
    const mine = await db.prisma.caseViewer.findUniqueOrThrow({
      where: { appealId_staffId: { appealId: appeal.id, staffId: me.id } },
    });
    expect(mine.lastSeenAt).toEqual(now);
    // A view of a case that does not exist records nothing (it runs beside the case's read, not after it).
    const before = await db.prisma.caseViewer.count();
    await recordCaseView(db.prisma, '00000000-0000-4000-8000-000000000000', me.id, now);
    expect(await db.prisma.caseViewer.count()).toBe(before);
  });

  it('writes one view for views of a case by one member that arrive while the first is being written', async () => {
    const [me] = await db.prisma.staff.findMany({ take: 1, orderBy: { email: 'asc' } });
    const appeal = await makeAppeal(db.prisma, null);
    const first = new Date('2026-11-27T13:00:00.000Z');
    // Eight views 1 ms apart, all started before the first write ends: only the first is written.
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => recordCaseView(db.prisma, appeal.id, me.id, new Date(first.getTime() + i))),
    );
    const seen = async () =>
      (
        await db.prisma.caseViewer.findUniqueOrThrow({
          where: { appealId_staffId: { appealId: appeal.id, staffId: me.id } },
        })
      ).lastSeenAt;
    expect(await seen()).toEqual(first);
    // 30 s on, the next view is written again.
    const later = new Date(first.getTime() + 30_000);
    await recordCaseView(db.prisma, appeal.id, me.id, later);
    expect(await seen()).toEqual(later);
    // A write that fails is not noted: the next view tries again (and fails again here, not a silent skip).
    await expect(recordCaseView(db.prisma, 'not-a-uuid', me.id, later)).rejects.toThrow();
    await expect(recordCaseView(db.prisma, 'not-a-uuid', me.id, new Date(later.getTime() + 1))).rejects.toThrow();
  });

  it('reads the instants Prisma wrote when the database session and this process run in other time zones', async () => {
    const { session } = await createSession(db.prisma, { principalType: 'OWNER', accountUid: ALICE_UID });
    const staff = await db.prisma.staff.findFirstOrThrow();
    const text = `SELECT ${selectColumns('s', SESSION)} FROM "Session" s WHERE s.id = $1`;
    const staffText = `SELECT ${selectColumns('m', STAFF)} FROM "Staff" m WHERE m.id = $1`;
    // The case page's timestamps come back inside JSON as text with the session's offset.
    const appeal = await makeAppeal(db.prisma, null, { claimedAt: new Date('2026-11-20T10:00:00.123Z') });
    await db.prisma.appealMessage.create({
      data: { appealId: appeal.id, author: 'CUSTOMER', body: 'Hello', createdAt: new Date('2026-07-01T23:59:59.999Z') },
    });
    await db.prisma.auditEvent.create({
      data: {
        actorType: 'customer',
        action: 'case.step',
        appealId: appeal.id,
        at: new Date('2026-03-29T01:30:00.500Z'),
      },
    });
    const expectedCase = await db.prisma.appeal.findUniqueOrThrow({
      where: { id: appeal.id },
      include: { messages: true },
    });
    const [expectedEvent] = await db.prisma.auditEvent.findMany({ where: { appealId: appeal.id } });
    const inZone = async (
      run: (q: (sql: string, values: unknown[]) => Promise<Record<string, unknown>[]>) => Promise<void>,
    ) => {
      if (db.pglite) {
        await db.pglite.exec(`SET TIME ZONE 'Pacific/Chatham'`);
        try {
          await run(async (sql, values) => (await db.pglite!.query<Record<string, unknown>>(sql, values)).rows);
        } finally {
          await db.pglite.exec('RESET TIME ZONE');
        }
        return;
      }
      const client = new pg.Client({ connectionString: db.location });
      await client.connect();
      try {
        await client.query(`SET TIME ZONE 'Pacific/Chatham'`);
        await run(async (sql, values) => (await client.query(sql, values)).rows);
      } finally {
        await client.end();
      }
    };
    // The pg driver reads a timestamp without zone as local time.
    await inProcessTimeZone('America/Sao_Paulo', () =>
      inZone(async (q) => {
        const [zone] = await q('SHOW TIME ZONE', []);
        expect(Object.values(zone)[0]).toBe('Pacific/Chatham');
        expect(new Date(2026, 0, 1).getTimezoneOffset()).toBe(180);
        const [row] = await q(text, [session.id]);
        expect(pickRow(row, 's', SESSION, 'id')).toEqual(session);
        const [staffRow] = await q(staffText, [staff.id]);
        expect(pickRow(staffRow, 'm', STAFF, 'id')).toEqual(staff);
        const read = await loadCaseRecords(
          { sql: async (statement, values) => (await q(statement.text, values)) as never[] },
          appeal.id,
          { staffId: staff.id, now: new Date() },
        );
        const { messages, ...appealRow } = expectedCase;
        expect(read?.appeal).toEqual(appealRow);
        expect(read?.messages).toEqual(messages);
        expect(read?.timeline.map((t) => t.at)).toEqual([expectedEvent.at]);
      }),
    );
  });
});
