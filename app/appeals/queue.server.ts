// The staff queue: filters, search, SLA state, sorted by due date, keyset pagination (stays fast
// at 100 000 appeals: every page is an index range scan from the cursor, never an OFFSET).
import { accessibleBy } from '@casl/prisma/runtime';
import { z } from 'zod';
import type { AppealStatus, Prisma } from '~/generated/prisma/client';
import type { AppAbility } from '~/authz/ability';
import { normaliseEmail } from '~/account/email';
import { OPEN_STATUSES, SCENARIO_VALUES } from './schema';

export const PAGE_SIZE = 25;
/** A well-formed id (36 characters of hex and dashes is not enough: PostgreSQL would refuse the value). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATUSES = ['SUBMITTED', 'IN_REVIEW', 'AWAITING_CUSTOMER', 'PENDING_SECOND_APPROVAL', 'APPROVED', 'REJECTED', 'WITHDRAWN', 'EXPIRED'] as const satisfies readonly AppealStatus[];

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

function encodeCursor(dueAt: Date, id: string) {
  return Buffer.from(`${dueAt.toISOString()}|${id}`).toString('base64url');
}
function decodeCursor(cursor: string | undefined): { dueAt: Date; id: string } | null {
  if (!cursor) return null;
  const [iso, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const dueAt = new Date(iso);
  return Number.isNaN(dueAt.getTime()) || !UUID.test(id ?? '') ? null : { dueAt, id };
}

export function queueWhere(ability: AppAbility, staffId: string, f: QueueFilters, now = new Date()): Prisma.AppealWhereInput {
  const and: Prisma.AppealWhereInput[] = [accessibleBy(ability as never).ofType('Appeal' as never) as Prisma.AppealWhereInput];
  if (f.status === 'open') and.push({ status: { in: OPEN_STATUSES } });
  else if (f.status !== 'all') and.push({ status: f.status });
  if (f.scenario) and.push({ scenario: f.scenario });
  if (f.risk) and.push({ riskLevel: f.risk });
  if (f.assignee === 'mine') and.push({ assigneeId: staffId });
  else if (f.assignee === 'unassigned') and.push({ assigneeId: null });
  else if (f.assignee && UUID.test(f.assignee)) and.push({ assigneeId: f.assignee });
  if (f.sla) {
    // The clock runs only for open cases that are not waiting for the customer.
    and.push({ status: { in: ['SUBMITTED', 'IN_REVIEW', 'PENDING_SECOND_APPROVAL'] } });
    const in24h = new Date(now.getTime() + 24 * 3600_000);
    if (f.sla === 'breached') and.push({ slaDueAt: { lt: now } });
    if (f.sla === 'due_24h') and.push({ slaDueAt: { gte: now, lt: in24h } });
    if (f.sla === 'on_time') and.push({ slaDueAt: { gte: in24h } });
  }
  if (f.q) {
    const q = f.q.trim();
    if (/^AP-\d{8}-\d{6}$/i.test(q)) and.push({ caseNumber: q.toUpperCase() });
    else if (/^\d{16}$/.test(q)) and.push({ OR: [{ accountUid: q }, { givenUid: q }] });
    else if (q.includes('@')) {
      const email = normaliseEmail(q);
      and.push({ OR: [{ newEmail: email }, { givenOldEmail: email }] });
    } else and.push({ caseNumber: q.toUpperCase() });
  }
  return { AND: and };
}

/** The statuses where the SLA clock runs (open and not waiting for the customer). */
const CLOCK_RUNNING = ['SUBMITTED', 'IN_REVIEW', 'PENDING_SECOND_APPROVAL'] as const;

/** Which statuses the filters let through (the status filter, narrowed by an SLA filter). */
export function statusesOf(f: QueueFilters): AppealStatus[] {
  let set: AppealStatus[] = f.status === 'open' ? [...OPEN_STATUSES] : f.status === 'all' ? [...STATUSES] : [f.status];
  if (f.sla) set = set.filter((s) => (CLOCK_RUNNING as readonly string[]).includes(s));
  return set;
}

const QUEUE_SELECT = {
  id: true, caseNumber: true, scenario: true, status: true, riskLevel: true, priority: true, slaDueAt: true, submittedAt: true,
  accountFound: true, newEmail: true, assigneeId: true,
} satisfies Prisma.AppealSelect;
type QueueRow = Prisma.AppealGetPayload<{ select: typeof QUEUE_SELECT }>;
const byDueDate = (a: QueueRow, b: QueueRow) => a.slaDueAt.getTime() - b.slaDueAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export async function loadQueue(prisma: Prisma.TransactionClient, ability: AppAbility, staffId: string, f: QueueFilters, now = new Date()) {
  const cursor = decodeCursor(f.after);
  // One status (the filters' own, or one of the set being merged): the query names just that status.
  const page = (status?: AppealStatus) =>
    prisma.appeal.findMany({
      // After the cursor: (slaDueAt, id) > (dueAt, id), written so the index range starts at the cursor.
      where: {
        AND: [
          queueWhere(ability, staffId, status ? { ...f, status } : f, now),
          ...(cursor ? [{ slaDueAt: { gte: cursor.dueAt } }, { OR: [{ slaDueAt: { gt: cursor.dueAt } }, { id: { gt: cursor.id } }] }] : []),
        ],
      },
      orderBy: [{ slaDueAt: 'asc' }, { id: 'asc' }],
      take: PAGE_SIZE + 1,
      select: QUEUE_SELECT,
    });
  // PostgreSQL walks the (status, slaDueAt, id) index in order for one status, but not for several
  // at once: for "open" it would walk (slaDueAt, id) through every closed case first (75 000 rows at
  // 100 000 appeals). So a set of statuses is read as one ordered range per status, then merged.
  const statuses = statusesOf(f);
  const rows =
    statuses.length === 0
      ? [] // e.g. "waiting for the customer" with an SLA filter: the clock does not run there
      : statuses.length > 1 && statuses.length < STATUSES.length
        ? (await Promise.all(statuses.map((status) => page(status)))).flat().sort(byDueDate).slice(0, PAGE_SIZE + 1)
        : await page();
  const shown = rows.slice(0, PAGE_SIZE);
  const last = shown[shown.length - 1];
  // Assignee names for the whole page in one query.
  const assigneeIds = [...new Set(shown.map((r) => r.assigneeId).filter((id): id is string => Boolean(id)))];
  const names = new Map(
    assigneeIds.length ? (await prisma.staff.findMany({ where: { id: { in: assigneeIds } }, select: { id: true, name: true } })).map((s) => [s.id, s.name]) : [],
  );
  return {
    rows: shown.map(({ assigneeId, ...r }) => ({
      ...r,
      assignee: assigneeId ? { id: assigneeId, name: names.get(assigneeId) ?? '' } : null,
      breached: (CLOCK_RUNNING as readonly string[]).includes(r.status) && r.slaDueAt < now,
      dueSoon: (CLOCK_RUNNING as readonly string[]).includes(r.status) && r.slaDueAt >= now && r.slaDueAt.getTime() < now.getTime() + 24 * 3600_000,
    })),
    next: rows.length > PAGE_SIZE && last ? encodeCursor(last.slaDueAt, last.id) : null,
  };
}
