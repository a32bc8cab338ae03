// The staff queue: filters, search, SLA state, priority cases ("This wasn't me") first and then by due
// date, keyset pages both ways (stays fast at 100 000 appeals: every page is an index range scan from the
// cursor, never an OFFSET; a search first picks its few matches by an index of its own).
import { z } from 'zod';
import { Prisma, type AppealStatus } from '~/generated/prisma/client';
import type { AppAbility } from '~/authz/ability';
import type { Database } from '~/db/connect.server';
import { instant, readWith } from '~/db/composed.server';
import { OPEN_STATUSES, SCENARIO_VALUES } from './schema';
import { UUID } from '~/lib/ids';
import { clockRunning } from './sla';

export const PAGE_SIZE = 25;
/** Counted up to this many; beyond, the page says "more than". */
export const COUNT_CAP = 1000;
/** A search considers at most this many matches (a broad prefix is asked to be narrowed). */
export const SEARCH_CAP = 1000;
const STATUSES = [
  'SUBMITTED',
  'IN_REVIEW',
  'AWAITING_CUSTOMER',
  'PENDING_SECOND_APPROVAL',
  'APPROVED',
  'REJECTED',
  'WITHDRAWN',
  'EXPIRED',
  'CANCELLED_BY_OWNER',
] as const satisfies readonly AppealStatus[];

const fields = {
  status: z.enum([...STATUSES, 'open', 'all', 'on_hold'], { error: 'Choose a status from the list.' }),
  scenario: z.enum(SCENARIO_VALUES, { error: 'Choose a scenario from the list.' }),
  assignee: z
    .string()
    .refine((v) => v === 'mine' || v === 'unassigned' || UUID.test(v), 'Choose an assignee from the list.'),
  sla: z.enum(['on_time', 'due_24h', 'breached'], { error: 'Choose an SLA state from the list.' }),
  risk: z.enum(['NORMAL', 'HIGH'], { error: 'Choose a risk level from the list.' }),
  priority: z.enum(['yes', 'no'], { error: 'Choose whether to list priority cases from the list.' }),
  q: z.string().trim().max(254, 'Search for at most 254 characters: a case number, a UID or an email.'),
};
export type QueueFilters = {
  status: z.infer<typeof fields.status>;
  scenario?: z.infer<typeof fields.scenario>;
  assignee?: string;
  sla?: z.infer<typeof fields.sla>;
  risk?: z.infer<typeof fields.risk>;
  /** yes: only "This wasn't me" (priority) cases; no: only the others. */
  priority?: z.infer<typeof fields.priority>;
  q?: string;
  /** Keyset cursors: the page after one row, or the page before one. A malformed one starts from the beginning. */
  after?: string;
  before?: string;
};
export type QueueFilterErrors = Partial<Record<keyof typeof fields, string>>;

/** The filters of a query string: each valid one, and a message for each that is not (it then filters nothing). */
export function readQueueFilters(params: URLSearchParams): { filters: QueueFilters; errors: QueueFilterErrors } {
  const filters: QueueFilters = { status: 'open' };
  const errors: QueueFilterErrors = {};
  for (const [name, schema] of Object.entries(fields) as [keyof typeof fields, z.ZodType][]) {
    const raw = params.get(name);
    if (raw === null || raw.trim() === '') continue;
    const parsed = schema.safeParse(raw);
    if (parsed.success) (filters as Record<string, unknown>)[name] = parsed.data;
    else errors[name] = parsed.error.issues[0].message;
  }
  for (const name of ['after', 'before'] as const) {
    const raw = params.get(name);
    if (raw && raw.length <= 200) filters[name] = raw;
  }
  return { filters, errors };
}

/** The valid filters only (tests and callers that do not show messages). */
export const parseQueueFilters = (params: URLSearchParams) => readQueueFilters(params).filters;

/** The queue's two lanes: priority cases (priority > 0) first, then the others; each by due date. */
type Lane = 'priority' | 'normal';
type Cursor = { lane: Lane; dueAt: Date; id: string };
const LANES: Lane[] = ['priority', 'normal'];

function encodeCursor(row: { priority: number; slaDueAt: Date; id: string }) {
  return Buffer.from(`${row.priority > 0 ? 'p' : 'n'}|${row.slaDueAt.toISOString()}|${row.id}`).toString('base64url');
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
  // on_hold: approved and waiting for the handover (filterSql adds the hold's own condition).
  let set: AppealStatus[] =
    f.status === 'open'
      ? [...OPEN_STATUSES]
      : f.status === 'all'
        ? [...STATUSES]
        : f.status === 'on_hold'
          ? ['APPROVED']
          : [f.status];
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
  slaPausedAt: Date | null;
  submittedAt: Date;
  handoverAt: Date | null;
  handedOverAt: Date | null;
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

/** LIKE's own characters, escaped: a search is a prefix, never a pattern. */
const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * What a search looks for, by its shape: a UID (16 digits), a case number or its start (AP-2026…,
 * 20261203-000…), the number part of one (up to 6 digits, e.g. 000123), else an email or its start.
 * Each an index look-up (the pattern indexes of the migration queue_search).
 */
export function searchSql(raw: string): Prisma.Sql {
  const q = raw.trim();
  if (/^\d{16}$/.test(q)) return Prisma.sql`("accountUid" = ${q} OR "givenUid" = ${q})`;
  const day = /^AP-?(\d{0,8})$/i.exec(q) ?? /^(\d{7,8})$/.exec(q);
  if (day) return Prisma.sql`"caseNumber" LIKE ${likePrefix(`AP-${day[1]}`)}`;
  const number = /^(?:AP-?)?(\d{8})-(\d{0,6})$/i.exec(q);
  if (number) return Prisma.sql`"caseNumber" LIKE ${likePrefix(`AP-${number[1]}-${number[2]}`)}`;
  if (/^\d{1,6}$/.test(q)) return Prisma.sql`"caseSeq" LIKE ${likePrefix(q)}`;
  const email = q.toLowerCase();
  return Prisma.sql`("newEmail" LIKE ${likePrefix(email)} OR "givenOldEmail" LIKE ${likePrefix(email)})`;
}

/** The filters other than status, lane and search, as SQL conditions on alias a. */
function filterSql(staffId: string, f: QueueFilters, now: Date): Prisma.Sql[] {
  const and: Prisma.Sql[] = [];
  if (f.scenario) and.push(Prisma.sql`a."scenario" = ${f.scenario}::"AppealScenario"`);
  if (f.risk) and.push(Prisma.sql`a."riskLevel" = ${f.risk}::"RiskLevel"`);
  if (f.status === 'on_hold') and.push(Prisma.sql`a."handedOverAt" IS NULL AND a."handoverAt" IS NOT NULL`);
  if (f.priority === 'yes') and.push(Prisma.sql`a."priority" > 0`);
  if (f.priority === 'no') and.push(Prisma.sql`a."priority" <= 0`);
  if (f.assignee === 'mine') and.push(Prisma.sql`a."assigneeId" = ${staffId}::uuid`);
  else if (f.assignee === 'unassigned') and.push(Prisma.sql`a."assigneeId" IS NULL`);
  else if (f.assignee) and.push(Prisma.sql`a."assigneeId" = ${f.assignee}::uuid`);
  if (f.sla) {
    const in24h = new Date(now.getTime() + 24 * 3600_000);
    if (f.sla === 'breached') and.push(Prisma.sql`a."slaDueAt" < ${instant(now)}`);
    if (f.sla === 'due_24h') and.push(Prisma.sql`a."slaDueAt" >= ${instant(now)} AND a."slaDueAt" < ${instant(in24h)}`);
    if (f.sla === 'on_time') and.push(Prisma.sql`a."slaDueAt" >= ${instant(in24h)}`);
  }
  return and;
}

type Direction = 'forward' | 'backward';

/**
 * A lane's own condition, and the cursor's bound in the cursor's lane: a row comparison, which the
 * (…, slaDueAt, id) indexes take as the start of their range — and which PostgreSQL plans in a fraction
 * of the time of the equivalent AND/OR. The priority lane matches its partial index's predicate.
 */
function laneSql(lane: Lane, cursor: Cursor | null, direction: Direction): Prisma.Sql[] {
  const and = [lane === 'priority' ? Prisma.sql`a."priority" > 0` : Prisma.sql`a."priority" <= 0`];
  if (cursor?.lane === lane) {
    const bound = Prisma.sql`(${instant(cursor.dueAt)}, ${cursor.id}::uuid)`;
    and.push(
      direction === 'forward'
        ? Prisma.sql`(a."slaDueAt", a."id") > ${bound}`
        : Prisma.sql`(a."slaDueAt", a."id") < ${bound}`,
    );
  }
  return and;
}

/** The lanes a page can hold rows of: going on from a normal row, no priority row is left; going back from a priority row, no normal one. */
function lanesFrom(cursor: Cursor | null, direction: Direction): Lane[] {
  if (!cursor) return LANES;
  if (direction === 'forward') return cursor.lane === 'normal' ? ['normal'] : LANES;
  return cursor.lane === 'priority' ? ['priority'] : LANES;
}

// The columns as stored: the per-status ranges below must stay ordered by the indexed slaDueAt itself,
// so the conversions (enums to text, timestamps to UTC instants) are made on the one page of rows.
const COLUMNS = Prisma.sql`a."id", a."caseNumber", a."scenario", a."status", a."riskLevel", a."priority", a."slaDueAt", a."slaPausedAt", a."submittedAt", a."decidedAt", a."handoverAt", a."handedOverAt", a."accountFound", a."newEmail", a."assigneeId"`;

export type QueuePage = Awaited<ReturnType<typeof loadQueue>>;

export async function loadQueue(
  db: Pick<Database, 'sql'>,
  ability: AppAbility,
  staffId: string,
  f: QueueFilters,
  now = new Date(),
) {
  if (!readsEveryAppeal(ability))
    throw new Error('The queue lists every appeal; this ability reads only some of them.');
  const before = decodeCursor(f.before);
  const direction: Direction = before ? 'backward' : 'forward';
  const cursor = before ?? decodeCursor(f.after);
  const conditions = filterSql(staffId, f, now);
  // A search picks its matches first (by its index, at most SEARCH_CAP of them); the filters then order those.
  const hits = f.q
    ? Prisma.sql`WITH hits AS MATERIALIZED (SELECT "id" FROM "Appeal" WHERE ${searchSql(f.q)} LIMIT ${SEARCH_CAP + 1})`
    : Prisma.empty;
  const searched = f.q ? [Prisma.sql`a."id" IN (SELECT "id" FROM hits)`] : [];
  const order = direction === 'forward' ? Prisma.sql`a."slaDueAt", a."id"` : Prisma.sql`a."slaDueAt" DESC, a."id" DESC`;
  const where = (lane: Lane, status?: AppealStatus) => {
    const all = [
      ...(status ? [Prisma.sql`a."status" = ${status}::"AppealStatus"`] : []),
      ...conditions,
      ...searched,
      ...laneSql(lane, cursor, direction),
    ];
    return Prisma.sql`WHERE ${Prisma.join(all, ' AND ')}`;
  };
  const range = (lane: Lane, status?: AppealStatus) =>
    Prisma.sql`SELECT ${COLUMNS} FROM "Appeal" a ${where(lane, status)} ORDER BY ${order} LIMIT ${PAGE_SIZE + 1}`;
  const lanes = lanesFrom(cursor, direction);
  const page = (status?: AppealStatus) =>
    Prisma.join(
      lanes.map((lane) => Prisma.sql`(${range(lane, status)})`),
      ' UNION ALL ',
    );
  // PostgreSQL walks the (status, slaDueAt, id) index in order for one status, but not for several
  // at once: for "open" it would walk (slaDueAt, id) through every closed case first (75 000 rows at
  // 100 000 appeals). So a set of statuses is one ordered range per status and lane, merged by the same
  // statement — one round trip, the assignee's name joined in.
  const statuses = statusesOf(f);
  if (statuses.length === 0)
    return { rows: [], next: null, prev: null, total: 0, totalCapped: false, searchCapped: false }; // e.g. "waiting for the customer" with an SLA filter: the clock does not run there
  const source =
    statuses.length > 1 && statuses.length < STATUSES.length
      ? Prisma.join(
          statuses.map((status) => page(status)),
          ' UNION ALL ',
        )
      : page(statuses.length === 1 ? statuses[0] : undefined);
  const lanesFirst =
    direction === 'forward'
      ? Prisma.sql`(u."priority" > 0) DESC, u."slaDueAt", u."id"`
      : Prisma.sql`(u."priority" > 0), u."slaDueAt" DESC, u."id" DESC`;
  // The page is cut from the ranges (at most 26 rows each) before anything else, so only the rows it
  // shows are joined and converted. Prisma's tagged template composes the statement; readWith runs it
  // through db.sql, named after its text. Beside it, how many rows match (counted up to COUNT_CAP + 1).
  const statusIn = Prisma.sql`a."status" IN (${Prisma.join(statuses.map((s) => Prisma.sql`${s}::"AppealStatus"`))})`;
  const countWhere = Prisma.join([statusIn, ...conditions, ...searched], ' AND ');
  const query = Prisma.sql`${hits}
    SELECT q."id", q."caseNumber", q."scenario"::text AS "scenario", q."status"::text AS "status", q."riskLevel"::text AS "riskLevel", q."priority",
      (q."slaDueAt" AT TIME ZONE 'UTC') AS "slaDueAt", (q."slaPausedAt" AT TIME ZONE 'UTC') AS "slaPausedAt", (q."submittedAt" AT TIME ZONE 'UTC') AS "submittedAt",
      (q."decidedAt" AT TIME ZONE 'UTC') AS "decidedAt", (q."handoverAt" AT TIME ZONE 'UTC') AS "handoverAt", (q."handedOverAt" AT TIME ZONE 'UTC') AS "handedOverAt",
      q."accountFound", q."newEmail", q."assigneeId", s."name" AS "assigneeName",
      (SELECT count(*)::int FROM (SELECT 1 FROM "Appeal" a WHERE ${countWhere} LIMIT ${COUNT_CAP + 1}) c) AS "total",
      ${f.q ? Prisma.sql`(SELECT count(*)::int FROM hits)` : Prisma.sql`0`} AS "hits"
    FROM (SELECT * FROM (${source}) u ORDER BY ${lanesFirst} LIMIT ${PAGE_SIZE + 1}) q LEFT JOIN "Staff" s ON s."id" = q."assigneeId"
    ORDER BY (q."priority" > 0) DESC, q."slaDueAt", q."id"`;
  const rows = await readWith(db)<QueueRow & { total: number; hits: number }>(query);
  // Going back, the extra row (if any) is the first one, before the page.
  const more = rows.length > PAGE_SIZE;
  const shown =
    direction === 'forward' ? rows.slice(0, PAGE_SIZE) : rows.slice(rows.length - Math.min(rows.length, PAGE_SIZE));
  const first = shown[0];
  const last = shown[shown.length - 1];
  const total = rows[0]?.total ?? (await countOnly(db, countWhere, hits));
  return {
    rows: shown.map(({ assigneeId, assigneeName, total: _t, hits: _h, ...r }) => ({
      ...r,
      assignee: assigneeId ? { id: assigneeId, name: assigneeName ?? '' } : null,
      breached: clockRunning(r.status) && r.slaDueAt < now,
      dueSoon: clockRunning(r.status) && r.slaDueAt >= now && r.slaDueAt.getTime() < now.getTime() + 24 * 3600_000,
    })),
    next: last && (direction === 'backward' || more) ? encodeCursor(last) : null,
    prev: first && (direction === 'forward' ? cursor !== null : more) ? encodeCursor(first) : null,
    total: Math.min(total, COUNT_CAP),
    totalCapped: total > COUNT_CAP,
    searchCapped: (rows[0]?.hits ?? 0) > SEARCH_CAP,
  };
}

/** The count when the page itself is empty (a page past the end, or no match): the same condition on its own. */
async function countOnly(db: Pick<Database, 'sql'>, countWhere: Prisma.Sql, hits: Prisma.Sql): Promise<number> {
  const [row] = await readWith(db)<{ total: number }>(
    Prisma.sql`${hits} SELECT count(*)::int AS "total" FROM (SELECT 1 FROM "Appeal" a WHERE ${countWhere} LIMIT ${COUNT_CAP + 1}) c`,
  );
  return row?.total ?? 0;
}
