// Tables that grow with traffic shrink again (issue 26): the purge job deletes, in batches, what ended
// long enough ago, and keeps everything still of use.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase, openTestDatabase } from '../support/db';
import type { Database } from '~/db/connect.server';
import { seedDemoData } from '~/demo/seed.server';
import { newToken, sha256 } from '~/lib/tokens.server';
import { purgeExpiredRows } from '~/server/purge.server';
import { makeAppeal } from '../support/backoffice';

describeEachDatabase('purge of rows that ended', (kind) => {
  let db: Database;
  const now = new Date('2026-12-03T12:00:00Z');
  const daysAgo = (n: number) => new Date(now.getTime() - n * 24 * 3600_000);
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    await seedDemoData(db.prisma);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('deletes old sessions, codes, links, stop links of decided cases, spent rate-limit rows and clears expired invitations; keeps the rest', async () => {
    const prisma = db.prisma;
    const uid = '1000000000000001';
    const staff = await prisma.staff.findFirstOrThrow();
    const session = (data: { expiresAt: Date; revokedAt?: Date }) =>
      prisma.session.create({
        data: { tokenHash: sha256(newToken()), principalType: 'OWNER', accountUid: uid, ...data },
      });
    const staffSession = (data: { expiresAt: Date; revokedAt?: Date }) =>
      prisma.staffSession.create({ data: { tokenHash: sha256(newToken()), staffId: staff.id, ...data } });
    const code = (expiresAt: Date) =>
      prisma.verification.create({
        data: { purpose: 'PASSWORD_RESET', channel: 'EMAIL', target: 'x@example.com', codeHash: 'h', expiresAt },
      });
    const link = (expiresAt: Date) =>
      prisma.securityNoticeToken.create({
        data: { tokenHash: sha256(newToken()), accountUid: uid, kind: 'LOGON_EMAIL_CHANGED', data: {}, expiresAt },
      });

    // Gone: ended more than the kept time ago. Kept: still live, or ended lately.
    const gone = {
      sessions: [await session({ expiresAt: daysAgo(31) }), await session({ expiresAt: now, revokedAt: daysAgo(40) })],
      staffSessions: [await staffSession({ expiresAt: daysAgo(45) })],
      codes: [await code(daysAgo(8)), await code(daysAgo(30))],
      links: [await link(daysAgo(31))],
    };
    const kept = {
      sessions: [
        await session({ expiresAt: new Date(now.getTime() + 3600_000) }),
        await session({ expiresAt: daysAgo(2) }),
        await session({ expiresAt: now, revokedAt: daysAgo(1) }),
      ],
      staffSessions: [await staffSession({ expiresAt: daysAgo(3) })],
      codes: [await code(daysAgo(1)), await code(new Date(now.getTime() + 600_000))],
      links: [await link(daysAgo(5))],
    };
    const decided = await makeAppeal(prisma, null, { status: 'REJECTED', decidedAt: daysAgo(40) });
    const open = await makeAppeal(prisma, null, { status: 'IN_REVIEW' });
    const onHold = await makeAppeal(prisma, null, {
      status: 'APPROVED',
      decidedAt: daysAgo(40),
      handoverAt: daysAgo(-1),
    });
    for (const a of [decided, open, onHold])
      await prisma.appealStopToken.create({ data: { tokenHash: sha256(newToken()), appealId: a.id } });
    await prisma.rateLimiterFlexible.createMany({
      data: [
        { key: 'spent', points: 5, expire: daysAgo(1) },
        { key: 'live', points: 1, expire: new Date(now.getTime() + 60_000) },
        { key: 'forever', points: 1, expire: null },
      ],
    });
    const invited = await prisma.staff.create({
      data: {
        email: `purge-${kind}@support.example.com`,
        name: 'Invited Long Ago',
        roles: ['AGENT'],
        invitationTokenHash: sha256(newToken()),
        invitationExpiresAt: daysAgo(3),
      },
    });

    // Small batches: the loop must come back for the rest.
    const counts = await purgeExpiredRows(prisma, { now, batch: 1 });
    expect(counts).toMatchObject({
      sessions: 2,
      staffSessions: 1,
      codes: 2,
      noticeLinks: 1,
      stopLinks: 1,
      rateLimits: 1,
      invitations: 1,
    });

    const ids = async <T extends { id: string }>(rows: T[], find: (ids: string[]) => Promise<{ id: string }[]>) =>
      (await find(rows.map((r) => r.id))).map((r) => r.id).sort();
    expect(await ids(gone.sessions, (i) => prisma.session.findMany({ where: { id: { in: i } } }))).toEqual([]);
    expect(await ids(kept.sessions, (i) => prisma.session.findMany({ where: { id: { in: i } } }))).toEqual(
      kept.sessions.map((s) => s.id).sort(),
    );
    expect(await prisma.staffSession.count({ where: { id: { in: gone.staffSessions.map((s) => s.id) } } })).toBe(0);
    expect(await prisma.staffSession.count({ where: { id: { in: kept.staffSessions.map((s) => s.id) } } })).toBe(1);
    expect(await prisma.verification.count({ where: { id: { in: gone.codes.map((c) => c.id) } } })).toBe(0);
    expect(await prisma.verification.count({ where: { id: { in: kept.codes.map((c) => c.id) } } })).toBe(2);
    expect(await prisma.securityNoticeToken.count({ where: { id: { in: gone.links.map((l) => l.id) } } })).toBe(0);
    expect(await prisma.securityNoticeToken.count({ where: { id: { in: kept.links.map((l) => l.id) } } })).toBe(1);
    expect(
      (await prisma.appealStopToken.findMany({ select: { appealId: true } })).map((t) => t.appealId).sort(),
    ).toEqual([open.id, onHold.id].sort());
    expect((await prisma.rateLimiterFlexible.findMany({ select: { key: true } })).map((r) => r.key).sort()).toEqual([
      'forever',
      'live',
    ]);
    expect(await prisma.staff.findUniqueOrThrow({ where: { id: invited.id } })).toMatchObject({
      invitationTokenHash: null,
      invitationExpiresAt: null,
    });

    // Nothing left to do.
    expect(await purgeExpiredRows(prisma, { now })).toEqual({
      sessions: 0,
      staffSessions: 0,
      codes: 0,
      noticeLinks: 0,
      stopLinks: 0,
      rateLimits: 0,
      invitations: 0,
    });
  });
});
