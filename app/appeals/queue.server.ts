// The staff queue: filters, search, SLA state, priority cases ("This wasn't me") first and then by due
// date, keyset pagination (stays fast at 100 000 appeals: every page is an index range scan from the
// cursor, never an OFFSET).
import { z } from 'zod';
import { Prisma, type AppealStatus } from '~/generated/prisma/client';
import type { AppAbility } from '~/authz/ability';
import type { Database } from '~/db/connect.server';
import { instant, readWith } from '~/db/composed.server';
import { normaliseEmail } from '~/account/email';
import { OPEN_STATUSES, SCENARIO_VALUES } from './schema';
import { UUID } from '~/lib/ids';
import { clockRunning } from './sla';

export const PAGE_SIZE = 25;
const STATUSES = ['SUBMITTED', 'IN_REVIEW', 'AWAITING_CUSTOMER', 'PENDING_SECOND_APPROVAL', 'APPROVED', 'REJECTED', 'WITHDRAWN', 'EXPIRED', 'CANCELLED_BY_OWNER'] as const satisfies readonly AppealStatus[];

export const queueFiltersSchema = z.object({
  status: z.union([z.enum(STATUSES), z.literal('open'), z.literal('all')]).catch('open'),
  scenario: z.enum(SCENARIO_VALUES).optional().catch(undefined),
  assignee: z.string().max(40).optional().catch(undefined),
  sla: z.enum(['on_time', 'due_24h', 'breached']).optional().catch(undefined),
  risk: z.enum(['NORMAL', 'HIGH']).optional().catch(undefined),
  q: z.string().trim().max(254).optional().catch(undefined),
  after: z.string().max(200).optional().catch(undefined),
});
export type QueueFilters = z.infer<typeof queueFiltersSchema>;

export function parseQueueFilters(params: URLSearchParams): QueueFilters {
  const raw = Object.fromEntries([...params].filter(([, v]) => v !== ''));
  return queueFiltersSchema.parse(raw);
}

/** The queue's two lanes: priority cases (priority > 0) first, then the others; each by due date. */
type Lane = 'priority' | 'normal';
type Cursor = { lane: Lane; dueAt: Date; id: string };

function encodeCursor(lane: Lane, dueAt: Date, id: string) {
  return Buffer.from(`${lane === 'priority' ? 'p' : 'n'}|${dueAt.toISOString()}|${id}`).toString('base64url');
}
/** Due dates a cursor may carry: PostgreSQL cannot read an instant of year 0 or past 9999 written as ISO text. */
const CURSOR_FROM = Date.UTC(2000, 0, 1);
const CURSOR_UNTIL = Date.UTC(10000, 0, 1);
/** A cursor that is malformed, or out of that range (a tampered URL), is no cursor: the first page. */
function decodeCursor(cursor: string | undefined): Cursor | null {
  if (!cursor) return null;
  const [lane, iso, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (lane !== 'p' && lane !== 'n') return null;
  const dueAt = new Date(iso);
  const t = dueAt.getTime();
  if (Number.isNaN(t) || t < CURSOR_FROM || t >= CURSOR_UNTIL || dueAt.toISOString() !== iso) return null; // encodeCursor writes toISOString()
  return UUID.test(id ?? '') ? { lane: lane === 'p' ? 'priority' : 'normal', dueAt, id } : null;
}


/** Which statuses the filters let through (the status filter, narrowed by an SLA filter). */
export function statusesOf(f: QueueFilters): AppealStatus[] {
  let set: AppealStatus[] = f.status === 'open' ? [...OPEN_STATUSES] : f.status === 'all' ? [...STATUSES] : [f.status];
  if (f.sla) set = set.filter(clockRunning);
  return set;
}

type QueueRow = {
  id: string;
  caseNumber: string;
  scenario: string;
  status: AppealStatus;
  riskLevel: 'NORMAL' | 'HIGH';
  priority: number;
  slaDueAt: Date;
  handoverAt: Date | null;
  handedOverAt: Date | null;
  submittedAt: Date;
  /** When a closed case was closed (approved, rejected, withdrawn, expired); null while it is open. */
  decidedAt: Date | null;
  accountFound: boolean;
  newEmail: string;
  assigneeId: string | null;
  assigneeName: string | null;
};

/**
 * Who may list the queue: those who may read every appeal. The queue is read with one SQL statement
 * (below), which carries the filters but not CASL's conditions; an ability whose reading of appeals
 * has conditions (none of today's roles) is refused rather than shown rows it may not see.
 */
export function readsEveryAppeal(ability: AppAbility): boolean {
  const rules = ability.rulesFor('read', 'Appeal');
  return rules.length > 0 && rules.every((r) => !r.inverted && !r.conditions && !r.fields);
}

/** The filters other than status and lane, as SQL conditions on alias a. */
function filterSql(staffId: string, f: QueueFilters, now: Date): Prisma.Sql[] {
  const and: Prisma.Sql[] = [];
  if (f.scenario) and.push(Prisma.sql`a."scenario" = ${f.scenario}::"AppealScenario"`);
  if (f.risk) and.push(Prisma.sql`a."riskLevel" = ${f.risk}::"RiskLevel"`);
  if (f.assignee === 'mine') and.push(Prisma.sql`a."assigneeId" = ${staffId}::uuid`);
  else if (f.assignee === 'unassigned') and.push(Prisma.sql`a."assigneeId" IS NULL`);
  else if (f.assignee && UUID.test(f.assignee)) and.push(Prisma.sql`a."assigneeId" = ${f.assignee}::uuid`);
  if (f.sla) {
    const in24h = new Date(now.getTime() + 24 * 3600_000);
    if (f.sla === 'breached') and.push(Prisma.sql`a."slaDueAt" < ${instant(now)}`);
    if (f.sla === 'due_24h') and.push(Prisma.sql`a."slaDueAt" >= ${instant(now)} AND a."slaDueAt" < ${instant(in24h)}`);
    if (f.sla === 'on_time') and.push(Prisma.sql`a."slaDueAt" >= ${instant(in24h)}`);
  }
  if (f.q) {
    const q = f.q.trim();
    if (/^\d{16}$/.test(q)) and.push(Prisma.sql`(a."accountUid" = ${q} OR a."givenUid" = ${q})`);
    else if (q.includes('@')) {
      const email = normaliseEmail(q);
      and.push(Prisma.sql`(a."newEmail" = ${email} OR a."givenOldEmail" = ${email})`);
    } else and.push(Prisma.sql`a."caseNumber" = ${q.toUpperCase()}`);
  }
  return and;
}

/**
 * A lane's own condition, and after the cursor in the cursor's lane: a row comparison, which the
 * (…, slaDueAt, id) indexes take as the start of their range — and which PostgreSQL plans in a fraction
 * of the time of the equivalent AND/OR. The priority lane matches its partial index's predicate.
 */
function laneSql(lane: Lane, cursor: Cursor | null): Prisma.Sql[] {
  const and = [lane === 'priority' ? Prisma.sql`a."priority" > 0` : Prisma.sql`a."priority" <= 0`];
  if (cursor?.lane === lane) and.push(Prisma.sql`(a."slaDueAt", a."id") > (${instant(cursor.dueAt)}, ${cursor.id}::uuid)`);
  return and;
}

// The columns as stored: the per-status ranges below must stay ordered by the indexed slaDueAt itself,
// so the conversions (enums to text, timestamps to UTC instants) are made on the one page of rows.
const COLUMNS = Prisma.sql`a."id", a."caseNumber", a."scenario", a."status", a."riskLevel", a."priority", a."slaDueAt", a."submittedAt", a."decidedAt", a."handoverAt", a."handedOverAt", a."accountFound", a."newEmail", a."assigneeId"`;

export async function loadQueue(db: Pick<Database, 'sql'>, ability: AppAbility, staffId: string, f: QueueFilters, now = new Date()) {
  if (!readsEveryAppeal(ability)) throw new Error('The queue lists every appeal; this ability reads only some of them.');
  const cursor = decodeCursor(f.after);
  const conditions = filterSql(staffId, f, now);
  // A page after a cursor in the normal lane has no priority case left to show.
  const lanes: Lane[] = cursor?.lane === 'normal' ? ['normal'] : ['priority', 'normal'];
  const where = (lane: Lane, status?: AppealStatus) => {
    const all = [...(status ? [Prisma.sql`a."status" = ${status}::"AppealStatus"`] : []), ...conditions, ...laneSql(lane, cursor)];
    return Prisma.sql`WHERE ${Prisma.join(all, ' AND ')}`;
  };
  const range = (lane: Lane, status?: AppealStatus) => Prisma.sql`SELECT ${COLUMNS} FROM "Appeal" a ${where(lane, status)} ORDER BY a."slaDueAt", a."id" LIMIT ${PAGE_SIZE + 1}`;
  const page = (status?: AppealStatus) => Prisma.join(lanes.map((lane) => Prisma.sql`(${range(lane, status)})`), ' UNION ALL ');
  // PostgreSQL walks the (status, slaDueAt, id) index in order for one status, but not for several
  // at once: for "open" it would walk (slaDueAt, id) through every closed case first (75 000 rows at
  // 100 000 appeals). So a set of statuses is one ordered range per status, merged by the same
  // statement — one round trip, the assignee's name joined in.
  const statuses = statusesOf(f);
  if (statuses.length === 0) return { rows: [], next: null }; // e.g. "waiting for the customer" with an SLA filter: the clock does not run there
  const source =
    statuses.length > 1 && statuses.length < STATUSES.length
      ? Prisma.join(statuses.map((status) => page(status)), ' UNION ALL ')
      : page(statuses.length === 1 ? statuses[0] : undefined);
  // The page is cut from the ranges (at most 26 rows each) before anything else, so only the rows it
  // shows are joined and converted. Prisma's tagged template composes the statement; readWith runs it
  // through db.sql, named after its text.
  const query = Prisma.sql`
    SELECT q."id", q."caseNumber", q."scenario"::text AS "scenario", q."status"::text AS "status", q."riskLevel"::text AS "riskLevel", q."priority",
      (q."slaDueAt" AT TIME ZONE 'UTC') AS "slaDueAt", (q."submittedAt" AT TIME ZONE 'UTC') AS "submittedAt", (q."decidedAt" AT TIME ZONE 'UTC') AS "decidedAt",
      (q."handoverAt" AT TIME ZONE 'UTC') AS "handoverAt", (q."handedOverAt" AT TIME ZONE 'UTC') AS "handedOverAt", q."accountFound", q."newEmail", q."assigneeId", s."name" AS "assigneeName"
    FROM (SELECT * FROM (${source}) u ORDER BY (u."priority" > 0) DESC, u."slaDueAt", u."id" LIMIT ${PAGE_SIZE + 1}) q LEFT JOIN "Staff" s ON s."id" = q."assigneeId"
    ORDER BY (q."priority" > 0) DESC, q."slaDueAt", q."id"`;
  const rows = await readWith(db)<QueueRow>(query);
  const shown = rows.slice(0, PAGE_SIZE);
  const last = shown[shown.length - 1];
  return {
    rows: shown.map(({ assigneeId, assigneeName, ...r }) => ({
      ...r,
      assignee: assigneeId ? { id: assigneeId, name: assigneeName ?? '' } : null,
      breached: clockRunning(r.status) && r.slaDueAt < now,
      dueSoon: clockRunning(r.status) && r.slaDueAt >= now && r.slaDueAt.getTime() < now.getTime() + 24 * 3600_000,
    })),
    next: rows.length > PAGE_SIZE && last ? encodeCursor(last.priority > 0 ? 'priority' : 'normal', last.slaDueAt, last.id) : null,
  };
}
