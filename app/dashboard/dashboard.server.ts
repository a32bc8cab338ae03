// The dashboard's figures from the database: the open cases now (counted live over a small partial
// index), and the flow per UTC day — read from the daily roll-up (DashboardDay, DashboardStaffDay)
// that the jobs runner keeps up to date, and counted live for today and any day not rolled up yet.
// The live count and the roll-up run the same statements, so they agree by construction (and a test
// compares them).
import { Prisma } from '~/generated/prisma/client';
import type { Database } from '~/db/connect.server';
import { instant, readWith } from '~/db/composed.server';
import { emptyDay, isoDay, rangeDays, sumDays, type DayFigures, type RangeKey, type StaffDayFigures } from './figures';
import { OPEN_STATUSES_SQL } from '~/appeals/options';

type Db = Pick<Database, 'sql' | 'prisma'>;
const DAY_MS = 86_400_000;
const OPEN = Prisma.raw(OPEN_STATUSES_SQL);
const CLOSED = Prisma.sql`('APPROVED', 'REJECTED', 'WITHDRAWN', 'EXPIRED', 'CANCELLED_BY_OWNER')`;
const num = (v: unknown) => Number(v ?? 0);
const counts = (v: unknown): Record<string, number> => {
  const o = typeof v === 'string' ? JSON.parse(v) : (v ?? {});
  return Object.fromEntries(Object.entries(o as Record<string, unknown>).map(([k, n]) => [k, Number(n)]));
};

/** A row of day figures (the roll-up's, a live count's or a bucket's sums) as DayFigures. */
const dayFigures = (r: Record<string, unknown>, day: string): DayFigures => ({
  day,
  filed: num(r.filed),
  filedHigh: num(r.filedHigh),
  approved: num(r.approved),
  rejected: num(r.rejected),
  withdrawn: num(r.withdrawn),
  expired: num(r.expired),
  cancelled: num(r.cancelled),
  withinSla: num(r.withinSla),
  decisionHours: counts(r.decisionHours),
  signals: counts(r.signals),
});

// ───── the open cases now ─────

export type NowFigures = {
  open: number;
  byState: Record<'SUBMITTED' | 'IN_REVIEW' | 'AWAITING_CUSTOMER' | 'PENDING_SECOND_APPROVAL' | 'ON_HOLD', number>;
  unassigned: number;
  byRisk: { NORMAL: number; HIGH: number };
  bySla: { on_time: number; due_24h: number; breached: number };
  priority: number;
  oldest: { id: string; caseNumber: string; submittedAt: Date } | null;
  /** Open cases assigned, per member. */
  assigned: Record<string, number>;
};

export async function loadNow(db: Db, now: Date): Promise<NowFigures> {
  const in24h = new Date(now.getTime() + 24 * 3600_000);
  // One pass over the open cases' partial index (status, riskLevel, slaDueAt, priority, submittedAt, assigneeId).
  const groups = await readWith(db)<Record<string, unknown>>(Prisma.sql`
    SELECT a."status"::text AS "status", a."riskLevel"::text AS "risk", a."assigneeId"::text AS "assigneeId", count(*)::int AS "n",
      count(*) FILTER (WHERE a."status" <> 'AWAITING_CUSTOMER' AND a."slaDueAt" < ${instant(now)})::int AS "breached",
      count(*) FILTER (WHERE a."status" <> 'AWAITING_CUSTOMER' AND a."slaDueAt" >= ${instant(now)} AND a."slaDueAt" < ${instant(in24h)})::int AS "due24",
      count(*) FILTER (WHERE a."status" <> 'AWAITING_CUSTOMER' AND a."slaDueAt" >= ${instant(in24h)})::int AS "onTime",
      count(*) FILTER (WHERE a."priority" > 0)::int AS "priority",
      extract(epoch FROM min(a."submittedAt"))::float8 AS "oldest"
    FROM "Appeal" a WHERE a."status" IN ${OPEN}
    GROUP BY 1, 2, 3`);
  const out: NowFigures = {
    open: 0,
    byState: { SUBMITTED: 0, IN_REVIEW: 0, AWAITING_CUSTOMER: 0, PENDING_SECOND_APPROVAL: 0, ON_HOLD: 0 },
    unassigned: 0,
    byRisk: { NORMAL: 0, HIGH: 0 },
    bySla: { on_time: 0, due_24h: 0, breached: 0 },
    priority: 0,
    oldest: null,
    assigned: {},
  };
  let oldest = Infinity;
  for (const g of groups) {
    const n = num(g.n);
    out.open += n;
    out.byState[g.status as keyof NowFigures['byState']] += n;
    out.byRisk[g.risk as 'NORMAL' | 'HIGH'] += n;
    out.bySla.breached += num(g.breached);
    out.bySla.due_24h += num(g.due24);
    out.bySla.on_time += num(g.onTime);
    out.priority += num(g.priority);
    if (g.assigneeId) out.assigned[g.assigneeId as string] = (out.assigned[g.assigneeId as string] ?? 0) + n;
    else if (g.status === 'IN_REVIEW' || g.status === 'SUBMITTED') out.unassigned += n;
    oldest = Math.min(oldest, num(g.oldest));
  }
  // Approved and on hold before the handover: the handover job's own partial index.
  const [hold] = await readWith(db)<{ n: number }>(
    Prisma.sql`SELECT count(*)::int AS "n" FROM "Appeal" WHERE "handedOverAt" IS NULL AND "handoverAt" IS NOT NULL AND "status" = 'APPROVED'`,
  );
  out.byState.ON_HOLD = num(hold?.n);
  if (Number.isFinite(oldest)) {
    const at = new Date(Math.round(oldest * 1000));
    const [row] = await readWith(db)<{ id: string; caseNumber: string }>(
      Prisma.sql`SELECT "id"::text AS "id", "caseNumber" FROM "Appeal" WHERE "submittedAt" = ${instant(at)} AND "status" IN ${OPEN} ORDER BY "id" LIMIT 1`,
    );
    if (row) out.oldest = { id: row.id, caseNumber: row.caseNumber, submittedAt: at };
  }
  return out;
}

// ───── the flow per day, counted live ─────

/** The desk's figures for each UTC day in [from, to), counted from the appeals. */
export async function liveDays(db: Db, from: string, to: string): Promise<DayFigures[]> {
  const lo = Prisma.sql`${from}::date::timestamp`;
  const hi = Prisma.sql`${to}::date::timestamp`;
  const rows = await readWith(db)<Record<string, unknown>>(Prisma.sql`
    WITH filed AS (
      SELECT "submittedAt"::date AS "day", count(*)::int AS "filed", count(*) FILTER (WHERE "riskLevel" = 'HIGH')::int AS "filedHigh"
      FROM "Appeal" WHERE "submittedAt" >= ${lo} AND "submittedAt" < ${hi} GROUP BY 1
    ), decided AS (
      SELECT "decidedAt"::date AS "day",
        count(*) FILTER (WHERE "status" = 'APPROVED')::int AS "approved",
        count(*) FILTER (WHERE "status" = 'REJECTED')::int AS "rejected",
        count(*) FILTER (WHERE "status" = 'WITHDRAWN')::int AS "withdrawn",
        count(*) FILTER (WHERE "status" = 'EXPIRED')::int AS "expired",
        count(*) FILTER (WHERE "status" = 'CANCELLED_BY_OWNER')::int AS "cancelled",
        count(*) FILTER (WHERE "status" IN ('APPROVED', 'REJECTED') AND "decidedAt" <= "slaDueAt")::int AS "withinSla"
      FROM "Appeal" WHERE "decidedAt" >= ${lo} AND "decidedAt" < ${hi} AND "status" IN ${CLOSED} GROUP BY 1
    ), hours AS (
      SELECT "day", jsonb_object_agg("h", "n") AS "decisionHours" FROM (
        SELECT "decidedAt"::date AS "day", floor(extract(epoch FROM ("decidedAt" - "submittedAt")) / 3600)::int AS "h", count(*)::int AS "n"
        FROM "Appeal" WHERE "decidedAt" >= ${lo} AND "decidedAt" < ${hi} AND "status" IN ('APPROVED', 'REJECTED') GROUP BY 1, 2
      ) x GROUP BY 1
    ), sig AS (
      SELECT "day", jsonb_object_agg("code", "n") AS "signals" FROM (
        SELECT a."submittedAt"::date AS "day", s ->> 'code' AS "code", count(*)::int AS "n"
        FROM "Appeal" a CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(a."riskSignals") = 'array' THEN a."riskSignals" ELSE '[]'::jsonb END) s
        WHERE a."submittedAt" >= ${lo} AND a."submittedAt" < ${hi} AND s ->> 'code' IS NOT NULL GROUP BY 1, 2
      ) x GROUP BY 1
    ), days AS (
      SELECT "day" FROM filed UNION SELECT "day" FROM decided UNION SELECT "day" FROM sig
    )
    SELECT to_char(days."day", 'YYYY-MM-DD') AS "day", f."filed", f."filedHigh", d."approved", d."rejected", d."withdrawn", d."expired", d."cancelled", d."withinSla",
      h."decisionHours"::text AS "decisionHours", s."signals"::text AS "signals"
    FROM days LEFT JOIN filed f ON f."day" = days."day" LEFT JOIN decided d ON d."day" = days."day"
      LEFT JOIN hours h ON h."day" = days."day" LEFT JOIN sig s ON s."day" = days."day"
    ORDER BY 1`);
  const byDay = new Map(rows.map((r) => [r.day as string, r]));
  const out: DayFigures[] = [];
  for (let t = Date.parse(from); t < Date.parse(to); t += DAY_MS) {
    const d = isoDay(t);
    const r = byDay.get(d);
    out.push(r ? dayFigures(r, d) : emptyDay(d));
  }
  return out;
}

/**
 * Each member's decisions per UTC day in [from, to): the approvals and rejections whose decision was
 * theirs (decidedById — for a high-risk case, the second approver), of them the second approvals,
 * and the handling time (their claim to their decision) of the cases they decided as the assignee.
 */
export async function liveStaffDays(db: Db, from: string, to: string): Promise<StaffDayFigures[]> {
  const lo = Prisma.sql`${from}::date::timestamp`;
  const hi = Prisma.sql`${to}::date::timestamp`;
  const rows = await readWith(db)<Record<string, unknown>>(Prisma.sql`
    WITH mine AS (
      SELECT "decidedAt"::date AS "day", "decidedById" AS "staffId", "status", "firstApproverId",
        CASE WHEN "assigneeId" = "decidedById" AND "claimedAt" IS NOT NULL THEN floor(extract(epoch FROM ("decidedAt" - "claimedAt")) / 3600)::int END AS "h"
      FROM "Appeal" WHERE "decidedAt" >= ${lo} AND "decidedAt" < ${hi} AND "status" IN ('APPROVED', 'REJECTED') AND "decidedById" IS NOT NULL
    ), hours AS (
      SELECT "day", "staffId", jsonb_object_agg("h", "n") AS "handlingHours" FROM (
        SELECT "day", "staffId", "h", count(*)::int AS "n" FROM mine WHERE "h" IS NOT NULL GROUP BY 1, 2, 3
      ) x GROUP BY 1, 2
    )
    SELECT to_char(m."day", 'YYYY-MM-DD') AS "day", m."staffId"::text AS "staffId", count(*)::int AS "decided",
      count(*) FILTER (WHERE m."status" = 'APPROVED' AND m."firstApproverId" IS NOT NULL)::int AS "secondApprovals",
      (SELECT h."handlingHours"::text FROM hours h WHERE h."day" = m."day" AND h."staffId" = m."staffId") AS "handlingHours"
    FROM mine m GROUP BY m."day", m."staffId" ORDER BY 1, 2`);
  return rows.map((r) => ({
    day: r.day as string,
    staffId: r.staffId as string,
    decided: num(r.decided),
    secondApprovals: num(r.secondApprovals),
    handlingHours: counts(r.handlingHours),
  }));
}

// ───── the roll-up ─────

/** The Monday (UTC) of a day's week. */
export const mondayOf = (day: string) => {
  const t = Date.parse(day);
  return isoDay(t - ((new Date(t).getUTCDay() + 6) % 7) * DAY_MS);
};
// A day's Monday in SQL, free of the session's time zone (date_trunc would go through timestamptz).
const MONDAY = Prisma.sql`("day" - (extract(isodow FROM "day")::int - 1))`;
const sumHist = (table: string, column: string, where: Prisma.Sql) =>
  Prisma.sql`COALESCE((SELECT jsonb_object_agg(x."k", x."n") FROM (
    SELECT e."key" AS "k", sum(e."value"::int)::int AS "n" FROM ${Prisma.raw(`"${table}"`)} d CROSS JOIN LATERAL jsonb_each_text(d.${Prisma.raw(`"${column}"`)}) e
    WHERE ${where} GROUP BY 1) x), '{}')`;

/** The weeks in [from, to) (Mondays) of DashboardWeek, added up from their rows in DashboardDay. */
function weeksFromDays(from: string, to: string): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO "DashboardWeek" ("week", "days", "filed", "filedHigh", "approved", "rejected", "withdrawn", "expired", "cancelled", "withinSla", "decisionHours", "signals")
    SELECT w."week", w."days", w."filed", w."filedHigh", w."approved", w."rejected", w."withdrawn", w."expired", w."cancelled", w."withinSla",
      ${sumHist('DashboardDay', 'decisionHours', Prisma.sql`d."day" >= w."week" AND d."day" < w."week" + 7`)},
      ${sumHist('DashboardDay', 'signals', Prisma.sql`d."day" >= w."week" AND d."day" < w."week" + 7`)}
    FROM (
      SELECT ${MONDAY} AS "week", count(*)::int AS "days", sum("filed")::int AS "filed", sum("filedHigh")::int AS "filedHigh",
        sum("approved")::int AS "approved", sum("rejected")::int AS "rejected", sum("withdrawn")::int AS "withdrawn", sum("expired")::int AS "expired",
        sum("cancelled")::int AS "cancelled", sum("withinSla")::int AS "withinSla"
      FROM "DashboardDay" WHERE "day" >= ${from}::date AND "day" < ${to}::date GROUP BY 1
    ) w`;
}

/** The weeks in [from, to) of DashboardStaffWeek, added up from DashboardStaffDay. */
function staffWeeksFromDays(from: string, to: string): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO "DashboardStaffWeek" ("week", "staffId", "decided", "secondApprovals", "handlingHours")
    SELECT w."week", w."staffId", w."decided", w."secondApprovals",
      ${sumHist('DashboardStaffDay', 'handlingHours', Prisma.sql`d."staffId" = w."staffId" AND d."day" >= w."week" AND d."day" < w."week" + 7`)}
    FROM (
      SELECT ${MONDAY} AS "week", "staffId", sum("decided")::int AS "decided", sum("secondApprovals")::int AS "secondApprovals"
      FROM "DashboardStaffDay" WHERE "day" >= ${from}::date AND "day" < ${to}::date GROUP BY 1, 2
    ) w`;
}

/** Days the roll-up recomputes on every run (cases decided, withdrawn or raised in risk lately change their days). */
export const ROLLUP_RECENT_DAYS = 35;

/**
 * Brings the roll-up up to date: every complete UTC day (before today) from the first appeal on the
 * first run, afterwards the last ROLLUP_RECENT_DAYS days and the days of every case changed since the
 * last run. Written in one transaction per month of days, so the dashboard never reads half a day.
 */
export async function refreshDashboard(db: Db, now = new Date()): Promise<{ days: number; refreshedAt: string }> {
  const today = isoDay(now);
  const { prisma } = db;
  const last = await prisma.dashboardDay.aggregate({ _max: { refreshedAt: true }, _count: true });
  const days = new Set<string>();
  if (!last._count) {
    const first = await prisma.appeal.findFirst({ orderBy: { submittedAt: 'asc' }, select: { submittedAt: true } });
    // At least the longest range the page shows (53 weeks), so its days are all rolled up, even empty ones.
    const longest = Date.parse(today) - 371 * DAY_MS;
    const start = first ? Math.min(longest, Date.parse(isoDay(first.submittedAt))) : longest;
    for (let t = start; t < Date.parse(today); t += DAY_MS) days.add(isoDay(t));
  } else {
    for (let i = 1; i <= ROLLUP_RECENT_DAYS; i++) days.add(isoDay(Date.parse(today) - i * DAY_MS));
    const since = last._max.refreshedAt!;
    const touched = await readWith(db)<{ day: string }>(Prisma.sql`
      SELECT DISTINCT to_char(d, 'YYYY-MM-DD') AS "day" FROM (
        SELECT "submittedAt"::date AS d FROM "Appeal" WHERE "updatedAt" >= ${instant(since)}
        UNION SELECT "decidedAt"::date FROM "Appeal" WHERE "updatedAt" >= ${instant(since)} AND "decidedAt" IS NOT NULL
      ) t`);
    for (const { day: d } of touched) if (d < today) days.add(d);
  }
  const sorted = [...days].sort();
  // Contiguous spans of days, at most a month each: one live count and one transaction per span.
  const spans: [string, string][] = [];
  for (const d of sorted) {
    const lastSpan = spans[spans.length - 1];
    const next = isoDay(Date.parse(d) + DAY_MS);
    if (lastSpan && lastSpan[1] === d && Date.parse(d) - Date.parse(lastSpan[0]) < 31 * DAY_MS) lastSpan[1] = next;
    else spans.push([d, next]);
  }
  for (const [from, to] of spans) {
    const [flow, people] = await Promise.all([liveDays(db, from, to), liveStaffDays(db, from, to)]);
    await prisma.$transaction(async (tx) => {
      // Instances run the job each on their own schedule: one writes a span at a time.
      await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext('dashboard-rollup'))::text`;
      await tx.$executeRaw`DELETE FROM "DashboardStaffDay" WHERE "day" >= ${from}::date AND "day" < ${to}::date`;
      for (const d of flow) {
        const row = { ...d, day: new Date(`${d.day}T00:00:00Z`), refreshedAt: now };
        await tx.dashboardDay.upsert({ where: { day: row.day }, create: row, update: row });
      }
      if (people.length)
        await tx.dashboardStaffDay.createMany({
          data: people.map((p) => ({ ...p, day: new Date(`${p.day}T00:00:00Z`) })),
        });
      // The weeks these days fall in, added up again from their day rows in the same transaction:
      // a week row is always the sum of its days.
      const weeksFrom = mondayOf(from);
      const weeksTo = isoDay(Date.parse(mondayOf(isoDay(Date.parse(to) - DAY_MS))) + 7 * DAY_MS);
      await tx.$executeRaw`DELETE FROM "DashboardWeek" WHERE "week" >= ${weeksFrom}::date AND "week" < ${weeksTo}::date`;
      await tx.$executeRaw`DELETE FROM "DashboardStaffWeek" WHERE "week" >= ${weeksFrom}::date AND "week" < ${weeksTo}::date`;
      await tx.$executeRaw(weeksFromDays(weeksFrom, weeksTo));
      await tx.$executeRaw(staffWeeksFromDays(weeksFrom, weeksTo));
    });
  }
  // A run with nothing to recompute still says that the roll-up was brought up to date.
  if (!sorted.length)
    await prisma.dashboardDay.updateMany({
      where: { day: new Date(`${isoDay(Date.parse(today) - DAY_MS)}T00:00:00Z`) },
      data: { refreshedAt: now },
    });
  return { days: sorted.length, refreshedAt: now.toISOString() };
}

/** The roll-up's days in [from, to), as day figures: read with named statements (no Prisma round), one round trip each. */
export async function rolledUpDays(
  db: Db,
  from: string,
  to: string,
): Promise<{ flow: DayFigures[]; people: StaffDayFigures[]; refreshedAt: Date | null }> {
  const [flow, people, last] = await Promise.all([
    db.sql<Record<string, unknown>>(
      {
        name: 'dashboard_days',
        text: `SELECT to_char("day", 'YYYY-MM-DD') AS "day", "filed", "filedHigh", "approved", "rejected", "withdrawn", "expired", "cancelled", "withinSla",
                 "decisionHours"::text AS "decisionHours", "signals"::text AS "signals"
               FROM "DashboardDay" WHERE "day" >= $1::date AND "day" < $2::date ORDER BY "day"`,
      },
      [from, to],
    ),
    db.sql<Record<string, unknown>>(
      {
        name: 'dashboard_staff_days',
        text: `SELECT to_char("day", 'YYYY-MM-DD') AS "day", "staffId"::text AS "staffId", "decided", "secondApprovals", "handlingHours"::text AS "handlingHours"
               FROM "DashboardStaffDay" WHERE "day" >= $1::date AND "day" < $2::date`,
      },
      [from, to],
    ),
    db.sql<{ at: number | null }>(
      {
        name: 'dashboard_refreshed',
        text: `SELECT extract(epoch FROM max("refreshedAt"))::float8 AS "at" FROM "DashboardDay"`,
      },
      [],
    ),
  ]);
  const at = last[0]?.at;
  return {
    flow: flow.map((r) => dayFigures(r, r.day as string)),
    people: people.map((p) => ({
      day: p.day as string,
      staffId: p.staffId as string,
      decided: num(p.decided),
      secondApprovals: num(p.secondApprovals),
      handlingHours: counts(p.handlingHours),
    })),
    refreshedAt: at === null || at === undefined ? null : new Date(Math.round(Number(at) * 1000)),
  };
}

/** A member's figures over a range (or part of it): decisions, second approvals, the handling-time histogram. */
export type StaffFigures = Omit<StaffDayFigures, 'day'>;

export type FlowFigures = {
  /** Per member over the range: the roll-up's sums and each live day (a member may have several rows). */
  people: StaffFigures[];
  buckets: DayFigures[];
  total: DayFigures;
  /** When the roll-up was last brought up to date (null: never); the days after it are counted live. */
  refreshedAt: Date | null;
  liveFrom: string | null;
};

/**
 * The roll-up's days in [from, to) added up in the database, per bucket of `size` days counted from
 * `from` (1: by day; 7: by week, `from` a Monday), histograms summed key by key. By week, the whole
 * weeks come from DashboardWeek and only the days of the last, unfinished one from DashboardDay: a
 * year is some 52 rows, not 365 days of JSON to parse and merge here.
 */
export async function rolledUpBuckets(
  db: Db,
  from: string,
  to: string,
  size: number,
): Promise<Map<number, DayFigures>> {
  const weeksTo = size === 7 && mondayOf(to) > from ? mondayOf(to) : from;
  const cols = `"filed", "filedHigh", "approved", "rejected", "withdrawn", "expired", "cancelled", "withinSla", "decisionHours", "signals"`;
  const rows = await db.sql<Record<string, unknown>>(
    {
      name: 'dashboard_buckets',
      text: `WITH d AS (
               SELECT (("week" - $1::date) / $4::int)::int AS "b", ${cols} FROM "DashboardWeek" WHERE "week" >= $1::date AND "week" < $2::date
               UNION ALL
               SELECT (("day" - $1::date) / $4::int)::int AS "b", ${cols} FROM "DashboardDay" WHERE "day" >= $2::date AND "day" < $3::date
             ), sums AS (
               SELECT "b", sum("filed")::int AS "filed", sum("filedHigh")::int AS "filedHigh", sum("approved")::int AS "approved",
                 sum("rejected")::int AS "rejected", sum("withdrawn")::int AS "withdrawn", sum("expired")::int AS "expired",
                 sum("cancelled")::int AS "cancelled", sum("withinSla")::int AS "withinSla"
               FROM d GROUP BY "b"
             ), hours AS (
               SELECT "b", jsonb_object_agg("k", "n") AS "h" FROM (
                 SELECT d."b", e."key" AS "k", sum(e."value"::int)::int AS "n" FROM d CROSS JOIN LATERAL jsonb_each_text(d."decisionHours") e GROUP BY 1, 2
               ) x GROUP BY "b"
             ), sig AS (
               SELECT "b", jsonb_object_agg("k", "n") AS "s" FROM (
                 SELECT d."b", e."key" AS "k", sum(e."value"::int)::int AS "n" FROM d CROSS JOIN LATERAL jsonb_each_text(d."signals") e GROUP BY 1, 2
               ) x GROUP BY "b"
             )
             SELECT sums.*, hours."h"::text AS "decisionHours", sig."s"::text AS "signals"
             FROM sums LEFT JOIN hours ON hours."b" = sums."b" LEFT JOIN sig ON sig."b" = sums."b"`,
    },
    [from, weeksTo, to, size],
  );
  return new Map(rows.map((r) => [num(r.b), dayFigures(r, '')]));
}

/** Each member's roll-up in [from, to) added up in the database, one row per member (by week as rolledUpBuckets). */
export async function rolledUpPeople(db: Db, from: string, to: string, size: number): Promise<StaffFigures[]> {
  const weeksTo = size === 7 && mondayOf(to) > from ? mondayOf(to) : from;
  const rows = await db.sql<Record<string, unknown>>(
    {
      name: 'dashboard_people',
      text: `WITH s AS (
               SELECT "staffId", "decided", "secondApprovals", "handlingHours" FROM "DashboardStaffWeek" WHERE "week" >= $1::date AND "week" < $2::date
               UNION ALL
               SELECT "staffId", "decided", "secondApprovals", "handlingHours" FROM "DashboardStaffDay" WHERE "day" >= $2::date AND "day" < $3::date
             ), sums AS (
               SELECT "staffId", sum("decided")::int AS "decided", sum("secondApprovals")::int AS "secondApprovals" FROM s GROUP BY 1
             ), hours AS (
               SELECT "staffId", jsonb_object_agg("k", "n") AS "h" FROM (
                 SELECT s."staffId", e."key" AS "k", sum(e."value"::int)::int AS "n" FROM s CROSS JOIN LATERAL jsonb_each_text(s."handlingHours") e GROUP BY 1, 2
               ) x GROUP BY 1
             )
             SELECT sums."staffId"::text AS "staffId", sums."decided", sums."secondApprovals", hours."h"::text AS "handlingHours"
             FROM sums LEFT JOIN hours ON hours."staffId" = sums."staffId"`,
    },
    [from, weeksTo, to],
  );
  return rows.map((p) => ({
    staffId: p.staffId as string,
    decided: num(p.decided),
    secondApprovals: num(p.secondApprovals),
    handlingHours: counts(p.handlingHours),
  }));
}

/**
 * The flow over a range: the roll-up's days added up per bucket in the database, and live counts for
 * the days from the first one the roll-up does not have (today at least).
 */
export async function loadFlow(db: Db, range: RangeKey, now: Date): Promise<FlowFigures> {
  const { from, to, size, buckets } = rangeDays(range, now);
  const today = isoDay(now);
  // When the roll-up last ran, and the first day of the range it lacks (today when it lacks none).
  const [state] = await db.sql<{ at: number | null; gap: string | null }>(
    {
      name: 'dashboard_rollup_state',
      text: `SELECT extract(epoch FROM (SELECT max("refreshedAt") FROM "DashboardDay"))::float8 AS "at",
               (SELECT to_char(min(g), 'YYYY-MM-DD') FROM generate_series($1::date, $2::date - 1, interval '1 day') g
                WHERE NOT EXISTS (SELECT 1 FROM "DashboardDay" d WHERE d."day" = g::date)) AS "gap"`,
    },
    [from, today],
  );
  const liveFrom = state?.gap ?? today;
  const [rolled, rolledPeople, live, liveStaff] = await Promise.all([
    rolledUpBuckets(db, from, liveFrom, size),
    rolledUpPeople(db, from, liveFrom, size),
    liveDays(db, liveFrom, to),
    liveStaffDays(db, liveFrom, to),
  ]);
  const parts: DayFigures[][] = buckets.map((_, i) => {
    const r = rolled.get(i);
    return r ? [r] : [];
  });
  for (const d of live) parts[Math.floor((Date.parse(d.day) - Date.parse(from)) / (size * DAY_MS))]?.push(d);
  const bucketed = buckets.map((b, i) => sumDays(b.label, parts[i]));
  const at = state?.at;
  return {
    people: [...rolledPeople, ...liveStaff],
    buckets: bucketed,
    total: sumDays(`${from}…${today}`, bucketed),
    refreshedAt: at === null || at === undefined ? null : new Date(Math.round(Number(at) * 1000)),
    liveFrom,
  };
}
