// The staff queue: filters, search, SLA state, sorted by due date, keyset pagination (stays fast
// at 100 000 appeals: every page is an index range scan from the cursor, never an OFFSET).
import { accessibleBy } from '@casl/prisma/runtime';
import { z } from 'zod';
import type { Prisma } from '~/generated/prisma/client';
import type { AppAbility } from '~/authz/ability';
import { normaliseEmail } from '~/account/email';
import { OPEN_STATUSES, SCENARIO_VALUES } from './schema';

export const PAGE_SIZE = 25;
const STATUSES = ['SUBMITTED', 'IN_REVIEW', 'AWAITING_CUSTOMER', 'PENDING_SECOND_APPROVAL', 'APPROVED', 'REJECTED', 'WITHDRAWN', 'EXPIRED'] as const;

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
  return Number.isNaN(dueAt.getTime()) || !/^[0-9a-f-]{36}$/.test(id ?? '') ? null : { dueAt, id };
}

export function queueWhere(ability: AppAbility, staffId: string, f: QueueFilters, now = new Date()): Prisma.AppealWhereInput {
  const and: Prisma.AppealWhereInput[] = [accessibleBy(ability as never).ofType('Appeal' as never) as Prisma.AppealWhereInput];
  if (f.status === 'open') and.push({ status: { in: OPEN_STATUSES } });
  else if (f.status !== 'all') and.push({ status: f.status });
  if (f.scenario) and.push({ scenario: f.scenario });
  if (f.risk) and.push({ riskLevel: f.risk });
  if (f.assignee === 'mine') and.push({ assigneeId: staffId });
  else if (f.assignee === 'unassigned') and.push({ assigneeId: null });
  else if (f.assignee && /^[0-9a-f-]{36}$/.test(f.assignee)) and.push({ assigneeId: f.assignee });
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

export async function loadQueue(prisma: Prisma.TransactionClient, ability: AppAbility, staffId: string, f: QueueFilters, now = new Date()) {
  const where = queueWhere(ability, staffId, f, now);
  const cursor = decodeCursor(f.after);
  const rows = await prisma.appeal.findMany({
    where: cursor ? { AND: [where, { OR: [{ slaDueAt: { gt: cursor.dueAt } }, { slaDueAt: cursor.dueAt, id: { gt: cursor.id } }] }] } : where,
    orderBy: [{ slaDueAt: 'asc' }, { id: 'asc' }],
    take: PAGE_SIZE + 1,
    select: {
      id: true, caseNumber: true, scenario: true, status: true, riskLevel: true, priority: true, slaDueAt: true, submittedAt: true,
      accountFound: true, newEmail: true, assignee: { select: { id: true, name: true } },
    },
  });
  const page = rows.slice(0, PAGE_SIZE);
  const last = page[page.length - 1];
  return {
    rows: page.map((r) => ({
      ...r,
      breached: ['SUBMITTED', 'IN_REVIEW', 'PENDING_SECOND_APPROVAL'].includes(r.status) && r.slaDueAt < now,
      dueSoon: ['SUBMITTED', 'IN_REVIEW', 'PENDING_SECOND_APPROVAL'].includes(r.status) && r.slaDueAt >= now && r.slaDueAt.getTime() < now.getTime() + 24 * 3600_000,
    })),
    next: rows.length > PAGE_SIZE && last ? encodeCursor(last.slaDueAt, last.id) : null,
  };
}
