// The dashboard (issue 27): every figure computed on a hand-built set of cases and checked against
// values worked out by hand (below, next to each case); the daily roll-up agrees with the live count;
// the queue's new filters (on hold, priority) that the dashboard's numbers link to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase, openTestDatabase } from '../support/db';
import type { Database } from '~/db/connect.server';
import type { Prisma } from '~/generated/prisma/client';
import { makeAppeal } from '../support/backoffice';
import {
  liveDays,
  liveStaffDays,
  loadFlow,
  loadNow,
  refreshDashboard,
  rolledUpBuckets,
  rolledUpDays,
  rolledUpPeople,
} from '~/dashboard/dashboard.server';
import { buildDashboard, seriesCsv } from '~/dashboard/model.server';
import { sumDays, summarise } from '~/dashboard/figures';
import { defineAbilityFor } from '~/authz/ability';
import { loadQueue, readQueueFilters } from '~/appeals/queue.server';
import { useTestPortal } from '../support/portal';
import { HttpClient, pageText } from '../support/http';
import { signInStaff } from '../support/backoffice';

const NOW = new Date('2026-12-03T12:00:00Z'); // a Thursday
const at = (iso: string) => new Date(`${iso}Z`);
const h = (n: number) => new Date(NOW.getTime() + n * 3600_000);
const sig = (...codes: string[]) => codes.map((code) => ({ code, label: code }));

describeEachDatabase('dashboard figures on hand-built cases', (kind) => {
  let db: Database;
  let A: string; // agent
  let S: string; // senior agent
  let B: string; // another agent, with nothing
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const staff = (email: string, name: string, roles: ('AGENT' | 'SENIOR_AGENT' | 'ADMIN')[]) =>
      db.prisma.staff.create({ data: { email, name, roles } });
    A = (await staff('a@support.example.com', 'Agent A', ['AGENT'])).id;
    S = (await staff('s@support.example.com', 'Senior S', ['AGENT', 'SENIOR_AGENT'])).id;
    B = (await staff('b@support.example.com', 'Agent B', ['AGENT'])).id;
    const make = async (name: string, data: Partial<Prisma.AppealUncheckedCreateInput>) => {
      ids[name] = (await makeAppeal(db.prisma, null, { accountUid: null, accountFound: false, ...data })).id;
    };
    // Open now. o4 is the oldest (10 days); SLA counts leave out o4 (waiting for the customer: clock paused).
    await make('o1', { status: 'SUBMITTED', submittedAt: h(-48), slaDueAt: h(30) }); // on time, unassigned
    await make('o2', {
      status: 'IN_REVIEW',
      riskLevel: 'HIGH',
      riskSignals: sig('NAME_MISMATCH', 'EMAIL_DOMAIN_SEEN'),
      assigneeId: null,
      submittedAt: h(-120),
      slaDueAt: h(-2),
    }); // breached
    await db.prisma.appeal.update({ where: { id: ids.o2 }, data: { assigneeId: null } });
    await make('o3', {
      status: 'IN_REVIEW',
      priority: 10,
      origin: 'NOT_ME_LINK',
      riskSignals: sig('NOT_ME_ORIGIN'),
      submittedAt: h(-24),
      slaDueAt: h(5),
    }); // due within 24 h, priority
    await make('o4', { status: 'AWAITING_CUSTOMER', submittedAt: h(-240), slaDueAt: h(-50), slaPausedAt: h(-100) });
    await make('o5', {
      status: 'PENDING_SECOND_APPROVAL',
      riskLevel: 'HIGH',
      riskSignals: sig('PAYMENT_MISMATCH'),
      submittedAt: h(-72),
      slaDueAt: h(10),
      firstApproverId: null,
    }); // due within 24 h
    await db.prisma.appeal.update({ where: { id: ids.o2 }, data: { assigneeId: A, claimedAt: h(-100) } });
    await db.prisma.appeal.update({ where: { id: ids.o3 }, data: { assigneeId: A, claimedAt: h(-20) } });
    await db.prisma.appeal.update({ where: { id: ids.o4 }, data: { assigneeId: S, claimedAt: h(-200) } });
    await db.prisma.appeal.update({
      where: { id: ids.o5 },
      data: { assigneeId: A, claimedAt: h(-60), firstApproverId: A, firstApprovedAt: h(-5) },
    });
    // Approved, on hold: filed 12-02 00:00, claimed 12-02 16:00, approved by A 12-03 00:00 (24 h to decision, 8 h handling), due 12-04 12:00.
    await make('h1', {
      status: 'APPROVED',
      submittedAt: at('2026-12-02T00:00:00'),
      assigneeId: A,
      claimedAt: at('2026-12-02T16:00:00'),
      decidedById: A,
      decidedAt: at('2026-12-03T00:00:00'),
      slaDueAt: h(24),
      handoverAt: h(12),
    });
    // Closed in the last 30 days.
    await make('c1', {
      status: 'APPROVED',
      submittedAt: at('2026-11-20T10:00:00'),
      assigneeId: A,
      claimedAt: at('2026-11-20T12:00:00'),
      decidedById: A,
      decidedAt: at('2026-11-21T10:00:00'),
      slaDueAt: at('2026-11-25T10:00:00'),
      handoverAt: at('2026-11-22T10:00:00'),
      handedOverAt: at('2026-11-22T10:00:00'),
    }); // 24 h, 22 h handling, in SLA
    await make('c2', {
      status: 'APPROVED',
      riskLevel: 'HIGH',
      riskSignals: sig('NAME_MISMATCH'),
      submittedAt: at('2026-11-20T09:00:00'),
      assigneeId: A,
      claimedAt: at('2026-11-20T12:00:00'),
      firstApproverId: A,
      firstApprovedAt: at('2026-11-21T09:00:00'),
      decidedById: S,
      decidedAt: at('2026-11-23T09:00:00'),
      slaDueAt: at('2026-11-23T08:00:00'),
      handoverAt: at('2026-11-24T09:00:00'),
      handedOverAt: at('2026-11-24T09:00:00'),
    }); // 72 h, late; S's second approval
    await make('c3', {
      status: 'REJECTED',
      riskSignals: sig('ACCOUNT_NOT_FOUND'),
      submittedAt: at('2026-11-25T06:00:00'),
      assigneeId: A,
      claimedAt: at('2026-11-25T08:00:00'),
      decidedById: A,
      decidedAt: at('2026-11-25T18:00:00'),
      slaDueAt: at('2026-11-28T06:00:00'),
    }); // 12 h, 10 h handling
    await make('c4', {
      status: 'REJECTED',
      riskLevel: 'HIGH',
      riskSignals: sig('NAME_MISMATCH', 'PAYMENT_MISMATCH'),
      submittedAt: at('2026-12-01T08:00:00'),
      assigneeId: S,
      claimedAt: at('2026-12-01T10:00:00'),
      decidedById: S,
      decidedAt: at('2026-12-02T14:00:00'),
      slaDueAt: at('2026-12-04T08:00:00'),
    }); // 30 h, 28 h handling
    await make('c5', {
      status: 'WITHDRAWN',
      submittedAt: at('2026-11-26T00:00:00'),
      decidedAt: at('2026-11-27T00:00:00'),
      slaDueAt: at('2026-12-01T00:00:00'),
    });
    await make('c6', {
      status: 'EXPIRED',
      submittedAt: at('2026-11-05T00:00:00'),
      decidedAt: at('2026-11-19T00:00:00'),
      slaDueAt: at('2026-11-10T00:00:00'),
    });
    await make('c7', {
      status: 'CANCELLED_BY_OWNER',
      submittedAt: at('2026-11-29T00:00:00'),
      decidedAt: at('2026-11-29T06:00:00'),
      slaDueAt: at('2026-12-02T00:00:00'),
    });
    // Older than 30 days, within 12 months: rejected by A, 24 h to decision, 23 h handling, in SLA.
    await make('c8', {
      status: 'REJECTED',
      submittedAt: at('2026-10-01T00:00:00'),
      assigneeId: A,
      claimedAt: at('2026-10-01T01:00:00'),
      decidedById: A,
      decidedAt: at('2026-10-02T00:00:00'),
      slaDueAt: at('2026-10-06T00:00:00'),
    });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('counts the open cases now: by state (with the hold), by risk, by SLA, priority, the oldest, per assignee', async () => {
    const now = await loadNow(db, NOW);
    expect(now.open).toBe(5);
    expect(now.byState).toEqual({
      SUBMITTED: 1,
      IN_REVIEW: 2,
      AWAITING_CUSTOMER: 1,
      PENDING_SECOND_APPROVAL: 1,
      ON_HOLD: 1,
    });
    expect(now.unassigned).toBe(1);
    expect(now.byRisk).toEqual({ NORMAL: 3, HIGH: 2 });
    expect(now.bySla).toEqual({ on_time: 1, due_24h: 2, breached: 1 });
    expect(now.priority).toBe(1);
    expect(now.oldest?.id).toBe(ids.o4);
    expect(now.oldest?.submittedAt.toISOString()).toBe(h(-240).toISOString());
    expect(now.assigned).toEqual({ [A]: 3, [S]: 1 });
  });

  it('the last 30 days: filed, decided by outcome, median and p90 to decision, within SLA, approval rate, high risk, top signals', async () => {
    const flow = await loadFlow(db, '30d', NOW);
    expect(flow.buckets).toHaveLength(30);
    expect(flow.buckets[0].day).toBe('2026-11-04');
    expect(flow.buckets[29].day).toBe('2026-12-03');
    const s = summarise(flow.total);
    expect(s.filed).toBe(13); // every case but c8
    expect(s.decided).toEqual({ approved: 3, rejected: 2, withdrawn: 1, expired: 1, cancelled: 1 });
    expect(s.decidedTotal).toBe(8);
    // Hours to decision of c3 12, c1 24, h1 24, c4 30, c2 72: nearest rank ⌈2.5⌉ = 3rd, ⌈4.5⌉ = 5th.
    expect(s.medianHours).toBe(24);
    expect(s.p90Hours).toBe(72);
    expect(s.withinSlaShare).toBeCloseTo(4 / 5); // c2 late
    expect(s.approvalRate).toBeCloseTo(3 / 5);
    expect(s.highRiskShare).toBeCloseTo(4 / 13); // o2, o5, c2, c4
    expect(s.topSignals).toEqual([
      { code: 'NAME_MISMATCH', count: 3 },
      { code: 'PAYMENT_MISMATCH', count: 2 },
      { code: 'ACCOUNT_NOT_FOUND', count: 1 },
      { code: 'EMAIL_DOMAIN_SEEN', count: 1 },
      { code: 'NOT_ME_ORIGIN', count: 1 },
    ]);
    // Days: 11-20 had two filings (c1, c2); 12-02 two (o3, h1) and c4's rejection; 11-19 c6's expiry.
    const day = (d: string) => flow.buckets.find((b) => b.day === d)!;
    expect(day('2026-11-20')).toMatchObject({ filed: 2, filedHigh: 1 });
    expect(day('2026-12-02')).toMatchObject({ filed: 2, rejected: 1, withinSla: 1, decisionHours: { 30: 1 } });
    expect(day('2026-11-19')).toMatchObject({ filed: 0, expired: 1 });
    expect(day('2026-12-03')).toMatchObject({ approved: 1, decisionHours: { 24: 1 } });
  });

  it('the last 12 months by week: c8 comes in; weeks run Monday to Sunday', async () => {
    const flow = await loadFlow(db, '12m', NOW);
    expect(flow.buckets).toHaveLength(52);
    expect(flow.buckets[51].day).toBe('week of 2026-11-30');
    // 11-30 … 12-03: o5, o1, c4, o3, h1 filed.
    expect(flow.buckets[51].filed).toBe(5);
    const s = summarise(flow.total);
    expect(s.filed).toBe(14);
    expect(s.decided.rejected).toBe(3);
    // 12, 24, 24, 24, 30, 72: ⌈3⌉ = 3rd → 24; ⌈5.4⌉ = 6th → 72.
    expect(s.medianHours).toBe(24);
    expect(s.p90Hours).toBe(72);
    expect(s.withinSlaShare).toBeCloseTo(5 / 6);
    expect(s.approvalRate).toBeCloseTo(3 / 6);
  });

  it('people: open assigned, decided, median handling, second approvals; a lead sees everyone, an agent the team and their own row', async () => {
    const lead = await buildDashboard(
      db,
      defineAbilityFor({ kind: 'staff', staffId: S, roles: ['AGENT', 'SENIOR_AGENT'], active: true, label: 's' }),
      S,
      '30d',
      NOW,
    );
    const byName = Object.fromEntries(lead.people.rows.map((r) => [r.name, r]));
    // A: decided c1, c3, h1; handling 22, 10, 8 → median 10. S: c2 (second approval, handled by A: no handling time), c4 (28 h).
    expect(byName['Agent A']).toMatchObject({
      open: 3,
      decided: 3,
      medianHandlingHours: 10,
      secondApprovals: 0,
      you: false,
    });
    expect(byName['Senior S']).toMatchObject({
      open: 1,
      decided: 2,
      medianHandlingHours: 28,
      secondApprovals: 1,
      you: true,
    });
    expect(byName['Agent B']).toMatchObject({ open: 0, decided: 0, medianHandlingHours: null, secondApprovals: 0 });
    // 8, 10, 22, 28 → 2nd → 10.
    expect(lead.people.team).toEqual({ members: 3, open: 4, decided: 5, medianHandlingHours: 10, secondApprovals: 1 });
    expect(lead.people.seesEveryone).toBe(true);
    const agent = await buildDashboard(
      db,
      defineAbilityFor({ kind: 'staff', staffId: B, roles: ['AGENT'], active: true, label: 'b' }),
      B,
      '30d',
      NOW,
    );
    expect(agent.people.rows.map((r) => r.name)).toEqual(['Agent B']);
    expect(agent.people.team).toEqual(lead.people.team);
    expect(agent.people.seesEveryone).toBe(false);
    const twelve = await buildDashboard(
      db,
      defineAbilityFor({ kind: 'staff', staffId: A, roles: ['AGENT'], active: true, label: 'a' }),
      A,
      '12m',
      NOW,
    );
    expect(twelve.people.rows).toEqual([
      expect.objectContaining({ name: 'Agent A', decided: 4, medianHandlingHours: 10 }),
    ]);
    // The CSV of a series is the chart's table; of people, the rows this member sees and the team.
    expect(seriesCsv(agent, 'people').split('\r\n')).toEqual([
      '"member","open assigned","decided in range","median handling hours","second approvals given"',
      '"Agent B","0","0","","0"',
      '"team (3)","4","5","10","1"',
      '',
    ]);
    expect(seriesCsv(lead, 'decided').split('\r\n')[0]).toBe(
      '"day","Approved","Rejected","Withdrawn","Expired","Stopped by the owner"',
    );
    expect(seriesCsv(lead, 'decided')).toContain('"2026-11-23","1","0","0","0","0"');
  });

  it('the roll-up agrees with the live figures, says when it was brought up to date, and picks up a case decided since', async () => {
    const live = await liveDays(db, '2025-12-01', '2026-12-03');
    const liveStaff = await liveStaffDays(db, '2025-12-01', '2026-12-03');
    const before = await loadFlow(db, '12m', NOW);
    expect(before.refreshedAt).toBeNull();
    const run = await refreshDashboard(db, NOW);
    expect(run.days).toBeGreaterThan(0);
    const rolled = await rolledUpDays(db, '2025-12-01', '2026-12-03');
    expect(rolled.refreshedAt?.toISOString()).toBe(NOW.toISOString());
    // Every day before today is in the roll-up, and equal to the live count.
    const nonEmpty = (d: {
      filed: number;
      approved: number;
      rejected: number;
      withdrawn: number;
      expired: number;
      cancelled: number;
    }) => d.filed + d.approved + d.rejected + d.withdrawn + d.expired + d.cancelled > 0;
    expect(rolled.flow.filter(nonEmpty)).toEqual(live.filter(nonEmpty));
    expect(rolled.people.sort((a, b) => (a.day + a.staffId).localeCompare(b.day + b.staffId))).toEqual(
      liveStaff.sort((a, b) => (a.day + a.staffId).localeCompare(b.day + b.staffId)),
    );
    const after = await loadFlow(db, '12m', NOW);
    expect(after.liveFrom).toBe('2026-12-03'); // only today counted live
    expect(after.total).toEqual(before.total);
    expect(after.buckets).toEqual(before.buckets);
    // A case decided later on a past day: the next run recomputes that day.
    await db.prisma.appeal.update({
      where: { id: ids.o1 },
      data: { status: 'REJECTED', decidedById: B, decidedAt: at('2026-12-02T20:00:00') },
    });
    const later = new Date(NOW.getTime() + 60_000);
    await refreshDashboard(db, later);
    const again = await loadFlow(db, '30d', later);
    expect(again.refreshedAt?.toISOString()).toBe(later.toISOString());
    expect(again.buckets.find((b) => b.day === '2026-12-02')).toMatchObject({ rejected: 2 });
    const liveAgain = await liveDays(db, '2026-11-04', '2026-12-03');
    expect((await rolledUpDays(db, '2026-11-04', '2026-12-03')).flow.filter(nonEmpty)).toEqual(
      liveAgain.filter(nonEmpty),
    );
    await db.prisma.appeal.update({
      where: { id: ids.o1 },
      data: { status: 'SUBMITTED', decidedById: null, decidedAt: null },
    });
  });

  it('the roll-up added up in the database per week and per member equals the days added up one by one; a gap in the roll-up is counted live from there', async () => {
    await refreshDashboard(db, NOW);
    const all = await rolledUpDays(db, '2025-12-08', '2026-12-03');
    // By week from Monday 2025-12-08: bucket i holds the days 7i … 7i + 6.
    const weeks = await rolledUpBuckets(db, '2025-12-08', '2026-12-03', 7);
    const byHand = new Map<number, ReturnType<typeof sumDays>>();
    for (const d of all.flow.filter((d) => d.filed + d.approved + d.rejected + d.withdrawn + d.expired + d.cancelled)) {
      const i = Math.floor((Date.parse(d.day) - Date.parse('2025-12-08')) / (7 * 86_400_000));
      byHand.set(i, sumDays('', [...(byHand.has(i) ? [byHand.get(i)!] : []), d]));
    }
    expect([...weeks.keys()].filter((i) => !byHand.has(i)).map((i) => weeks.get(i)!)).toEqual(
      [...weeks.keys()].filter((i) => !byHand.has(i)).map(() => sumDays('', [])),
    );
    expect(new Map([...weeks].filter(([i]) => byHand.has(i)))).toEqual(byHand);
    // c2's approval (11-23, 72 h) and c3's rejection (11-25, 12 h) are the week of 11-23's (bucket 50).
    expect(weeks.get(50)).toMatchObject({ approved: 1, rejected: 1, decisionHours: { 12: 1, 72: 1 } });
    const people = await rolledUpPeople(db, '2025-12-08', '2026-12-03', 7);
    const staffSums = new Map<
      string,
      { decided: number; secondApprovals: number; handlingHours: Record<string, number> }
    >();
    for (const p of all.people) {
      const into = staffSums.get(p.staffId) ?? { decided: 0, secondApprovals: 0, handlingHours: {} };
      into.decided += p.decided;
      into.secondApprovals += p.secondApprovals;
      for (const [k, v] of Object.entries(p.handlingHours)) into.handlingHours[k] = (into.handlingHours[k] ?? 0) + v;
      staffSums.set(p.staffId, into);
    }
    expect(new Map(people.map(({ staffId, ...p }) => [staffId, p]))).toEqual(staffSums);
    // A: c8 23 h, c1 22 h, c3 10 h, h1 is today's (not rolled up). S: c2 second approval, c4 28 h.
    expect(people.find((p) => p.staffId === A)).toEqual({
      staffId: A,
      decided: 3,
      secondApprovals: 0,
      handlingHours: { 10: 1, 22: 1, 23: 1 },
    });
    expect(people.find((p) => p.staffId === S)).toEqual({
      staffId: S,
      decided: 2,
      secondApprovals: 1,
      handlingHours: { 28: 1 },
    });
    const full = await loadFlow(db, '12m', NOW);
    expect(full.liveFrom).toBe('2026-12-03');
    // Days missing from the roll-up (as before its first run reached them): counted live from the first.
    await db.prisma.dashboardDay.deleteMany({ where: { day: new Date('2026-11-21T00:00:00Z') } });
    const gap = await loadFlow(db, '12m', NOW);
    expect(gap.liveFrom).toBe('2026-11-21');
    expect(gap.buckets).toEqual(full.buckets);
    expect(gap.total).toEqual(full.total);
    const lead = defineAbilityFor({
      kind: 'staff',
      staffId: S,
      roles: ['AGENT', 'SENIOR_AGENT'],
      active: true,
      label: 's',
    });
    const withGap = await buildDashboard(db, lead, S, '12m', NOW);
    await refreshDashboard(db, NOW);
    await db.prisma.dashboardDay.deleteMany({ where: { day: { lt: new Date('2026-12-03T00:00:00Z') } } });
    const allLive = await buildDashboard(db, lead, S, '12m', NOW);
    expect(allLive.liveFrom).toBe('2025-12-08');
    expect(withGap.people).toEqual(allLive.people);
    expect(withGap.charts).toEqual(allLive.charts);
    expect(allLive.people.rows.find((r) => r.name === 'Agent A')).toMatchObject({
      decided: 4,
      medianHandlingHours: 10,
    });
    await refreshDashboard(db, NOW);
  });

  it('the queue filters the dashboard links to: on hold, priority; a wrong value answers with a message', async () => {
    const ability = defineAbilityFor({ kind: 'staff', staffId: A, roles: ['AGENT'], active: true, label: 'a' });
    const list = async (q: string) =>
      (await loadQueue(db, ability, A, readQueueFilters(new URLSearchParams(q)).filters, NOW)).rows
        .map((r) => r.id)
        .sort();
    expect(await list('status=on_hold')).toEqual([ids.h1]);
    expect(await list('status=open&priority=yes')).toEqual([ids.o3]);
    expect(await list('status=open&priority=no')).toEqual([ids.o1, ids.o2, ids.o4, ids.o5].sort());
    expect(await list('status=open&sla=due_24h')).toEqual([ids.o3, ids.o5].sort());
    expect(await list('status=open&risk=HIGH')).toEqual([ids.o2, ids.o5].sort());
    expect(readQueueFilters(new URLSearchParams('priority=maybe')).errors).toEqual({
      priority: 'Choose whether to list priority cases from the list.',
    });
    expect(readQueueFilters(new URLSearchParams('status=held')).errors).toEqual({
      status: 'Choose a status from the list.',
    });
  });
});

describe('dashboard arithmetic', () => {
  it('nearest-rank percentiles of an hour histogram', async () => {
    const { percentileHours } = await import('~/dashboard/figures');
    expect(percentileHours({}, 0.5)).toBeNull();
    expect(percentileHours({ 5: 1 }, 0.9)).toBe(5);
    expect(percentileHours({ 1: 1, 2: 1, 3: 1, 4: 1 }, 0.5)).toBe(2);
    expect(percentileHours({ 1: 9, 100: 1 }, 0.9)).toBe(1);
    expect(percentileHours({ 1: 8, 100: 2 }, 0.9)).toBe(100);
  });
});

describeEachDatabase('the dashboard page: who sees what, its links to the queue, the range, the CSV export', (kind) => {
  const portal = useTestPortal(kind);
  const clients: Record<string, HttpClient> = {};
  const prisma = () => portal().db.prisma;
  const page = async (who: string, path = '/staff/dashboard') => {
    const res = await clients[who].get(path);
    return { status: res.status, html: await res.text() };
  };
  beforeAll(async () => {
    const agent = await prisma().staff.findUniqueOrThrow({ where: { email: 'agent@support.example.com' } });
    // A member whose role was taken away: signed in, but no back-office page.
    await prisma().staff.create({
      data: {
        email: 'norole@support.example.com',
        name: 'No Role',
        roles: [],
        passwordHash: agent.passwordHash,
        totpSecretEncrypted: agent.totpSecretEncrypted,
        totpEnrolledAt: agent.totpEnrolledAt,
      },
    });
    for (const who of ['agent', 'senior', 'admin', 'norole']) {
      clients[who] = new HttpClient(portal().url);
      await signInStaff(clients[who], prisma(), `${who}@support.example.com`);
    }
  });

  it('says plainly that there is nothing yet before any appeal', async () => {
    const { status, html } = await page('agent');
    expect(status).toBe(200);
    expect(pageText(html)).toContain('There is nothing here yet: no appeal has been filed.');
  });

  it('refuses a member without a role, and anyone signed out', async () => {
    expect((await page('norole')).status).toBe(403);
    expect((await page('norole', '/staff/dashboard.csv?series=filed')).status).toBe(403);
    const stranger = await new HttpClient(portal().url).get('/staff/dashboard');
    expect(stranger.status).toBe(302);
    expect(stranger.headers.get('location')).toMatch(/^\/staff\/login/);
  });

  it('every number of "Now" links to the queue filtered so that it lists exactly that many cases', async () => {
    const [agent, senior] = await Promise.all(
      ['agent', 'senior'].map((who) =>
        prisma().staff.findUniqueOrThrow({ where: { email: `${who}@support.example.com` } }),
      ),
    );
    const now = Date.now();
    const at = (hours: number) => new Date(now + hours * 3600_000);
    await makeAppeal(prisma(), null, { status: 'SUBMITTED', slaDueAt: at(48) });
    await makeAppeal(prisma(), null, {
      status: 'IN_REVIEW',
      assigneeId: agent.id,
      claimedAt: at(-1),
      riskLevel: 'HIGH',
      slaDueAt: at(-3),
    });
    await makeAppeal(prisma(), null, {
      status: 'IN_REVIEW',
      assigneeId: senior.id,
      claimedAt: at(-1),
      priority: 10,
      origin: 'NOT_ME_LINK',
      slaDueAt: at(6),
    });
    await makeAppeal(prisma(), null, {
      status: 'AWAITING_CUSTOMER',
      assigneeId: agent.id,
      slaDueAt: at(-30),
      slaPausedAt: at(-40),
      submittedAt: at(-200),
    });
    await makeAppeal(prisma(), null, {
      status: 'PENDING_SECOND_APPROVAL',
      assigneeId: agent.id,
      firstApproverId: agent.id,
      riskLevel: 'HIGH',
      slaDueAt: at(12),
    });
    await makeAppeal(prisma(), null, {
      status: 'APPROVED',
      assigneeId: agent.id,
      decidedById: agent.id,
      claimedAt: at(-10),
      decidedAt: at(-2),
      submittedAt: at(-20),
      handoverAt: at(22),
      slaDueAt: at(40),
    });
    await makeAppeal(prisma(), null, {
      status: 'REJECTED',
      assigneeId: senior.id,
      decidedById: senior.id,
      claimedAt: at(-30),
      decidedAt: at(-26),
      submittedAt: at(-50),
      slaDueAt: at(10),
    });
    const { status, html } = await page('agent');
    expect(status).toBe(200);
    expect(pageText(html)).not.toContain('There is nothing here yet');
    const tiles = [...html.matchAll(/<a ([^>]*data-testid="now-[^>]*)><span class="figure">([^<]+)<\/span>/g)]
      .map(([, attrs, figure]) => [
        attrs,
        /href="([^"]+)"/.exec(attrs)![1],
        /data-testid="([^"]+)"/.exec(attrs)![1],
        figure,
      ])
      .filter(([, href]) => href.startsWith('/staff/appeals?'));
    expect(tiles.map((t) => t[2]).sort()).toEqual(
      [
        'now-awaiting',
        'now-breached',
        'now-due',
        'now-high',
        'now-hold',
        'now-in-review',
        'now-normal',
        'now-on-time',
        'now-open',
        'now-priority',
        'now-second',
        'now-submitted',
      ].sort(),
    );
    const figures = Object.fromEntries(tiles.map((t) => [t[2], Number(t[3])]));
    expect(figures).toMatchObject({
      'now-open': 5,
      'now-submitted': 1,
      'now-in-review': 2,
      'now-awaiting': 1,
      'now-second': 1,
      'now-hold': 1,
      'now-high': 2,
      'now-normal': 3,
      'now-on-time': 1,
      'now-due': 2,
      'now-breached': 1,
      'now-priority': 1,
    });
    for (const [, href, id, figure] of tiles) {
      const queue = await clients.agent.get(href.replace(/&amp;/g, '&'));
      expect(queue.status, href).toBe(200);
      expect(/data-testid="queue-count"[^>]*>([^<]*)</.exec(await queue.text())?.[1], id).toBe(
        `${figure} appeal${figure === '1' ? '' : 's'} match.`,
      );
    }
    // The oldest open case links to the case itself.
    const oldest = /<a ([^>]*data-testid="now-oldest"[^>]*)><span class="figure">([^<]+)<\/span>/.exec(html)!;
    expect(oldest[1]).toMatch(/href="\/staff\/appeals\/[0-9a-f-]{36}"/);
    expect(oldest[2]).toBe('8 d 8 h');
  });

  it("a lead sees every member's row; an agent the team's totals and their own row; a wrong range answers 400 with its message", async () => {
    const rows = (html: string) =>
      [...html.matchAll(/<tr data-testid="person-row"><th scope="row">([^<]*)<\/th>/g)].map((m) => m[1]);
    expect(rows((await page('senior')).html)).toEqual(['Sam Agent', 'Sasha Senior (you)']);
    expect(rows((await page('admin')).html)).toEqual(['Sam Agent', 'Sasha Senior']);
    const agentPage = (await page('agent')).html;
    expect(rows(agentPage)).toEqual(['Sam Agent (you)']);
    expect(pageText(/<tr data-testid="team-row">([\s\S]*?)<\/tr>/.exec(agentPage)?.[1] ?? '')).toBe(
      'Team (2) 4 2 4 h 0',
    ); // handling: the agent's approval 8 h, the senior's rejection 4 h → nearest rank 1 of 2
    const wrong = await page('agent', '/staff/dashboard?range=forever');
    expect(wrong.status).toBe(400);
    expect(wrong.html).toMatch(/<select id="range" name="range" aria-invalid="true" aria-describedby="range-error"/);
    expect(pageText(wrong.html)).toContain('Choose a range from the list.');
    expect((await page('agent', '/staff/dashboard?range=12m')).html).toContain('week of');
  });

  it('exports each series as CSV, on record in the audit log; a wrong series answers 400', async () => {
    const agent = await prisma().staff.findUniqueOrThrow({ where: { email: 'agent@support.example.com' } });
    for (const series of ['filed', 'decided', 'time', 'shares', 'signals', 'people']) {
      const res = await clients.agent.get(`/staff/dashboard.csv?range=30d&series=${series}`);
      expect(res.status, series).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toMatch(
        new RegExp(`attachment; filename="dashboard-${series}-30d-\\d{4}-\\d{2}-\\d{2}\\.csv"`),
      );
      const text = await res.text();
      if (series === 'filed') expect(text.split('\r\n')).toHaveLength(32); // heading, 30 days, the final line break
      if (series === 'people') expect(text).not.toContain('Sasha Senior');
    }
    const events = await prisma().auditEvent.findMany({
      where: { action: 'dashboard.exported', actorId: agent.id },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => (e.data as { series: string }).series)).toEqual([
      'filed',
      'decided',
      'time',
      'shares',
      'signals',
      'people',
    ]);
    const bad = await clients.agent.get('/staff/dashboard.csv?range=30d&series=passwords');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('series: Choose a series from the list.');
    expect((await clients.agent.post('/staff/dashboard.csv', {})).status).toBe(405);
  });
});
