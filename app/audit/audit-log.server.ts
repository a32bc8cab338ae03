// Reading the audit log: filters from the query string, keyset pages (newest first), CSV export.
import { accessibleBy } from '@casl/prisma/runtime';
import type { AuditEvent, Prisma, PrismaClient } from '~/generated/prisma/client';
import type { AppAbility } from '~/authz/ability';
import { normaliseEmail } from '~/account/email';
import { stableJson, type ChainReport } from './audit.server';
import { UUID } from '~/lib/ids';

export const AUDIT_PAGE_SIZE = 50;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** The days a filter may name: a valid date in years PostgreSQL and the log can hold (year 0000 is neither). */
const FIRST_YEAR = 2000;
const LAST_YEAR = 9999;
/** PostgreSQL's bigint: a larger cursor overflows the query. */
const MAX_EVENT_ID = 9223372036854775807n;
const CASE_NUMBER = /^AP-\d{8}-\d{6}$/i;

export type AuditFilters = { actor: string; action: string; case: string; account: string; from: string; to: string };

export function readAuditFilters(params: URLSearchParams): AuditFilters {
  // Control characters (a NUL from a tampered URL) match nothing and PostgreSQL refuses them in text: dropped.
  const get = (k: string) =>
    (params.get(k) ?? '')
      // eslint-disable-next-line no-control-regex -- control characters are what this removes
      .replace(/[\u0000-\u001f\u007f]/g, '')
      .trim()
      .slice(0, 254);
  return {
    actor: get('actor'),
    action: get('action'),
    case: get('case'),
    account: get('account'),
    from: get('from'),
    to: get('to'),
  };
}

/** The filters that are set, for the audit event of a view or an export. */
export function activeFilters(filters: AuditFilters): Partial<AuditFilters> {
  return Object.fromEntries(Object.entries(filters).filter(([, v]) => v)) as Partial<AuditFilters>;
}

/** A UTC day from the filter, or what is wrong with it. */
function parseDay(value: string): Date | string {
  const d = new Date(`${value}T00:00:00.000Z`);
  if (!DAY.test(value) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value)
    return 'Enter a date as YYYY-MM-DD.';
  if (d.getUTCFullYear() < FIRST_YEAR || d.getUTCFullYear() > LAST_YEAR)
    return `Enter a date between ${FIRST_YEAR}-01-01 and ${LAST_YEAR}-12-31.`;
  return d;
}

export type AuditQuery = { where: Prisma.AuditEventWhereInput; errors: Partial<Record<keyof AuditFilters, string>> };

/**
 * The filters as a Prisma where, always AND-ed with what the viewer may read (accessibleBy).
 * A staff email becomes that member's id; a case number becomes the appeal's id.
 */
export async function auditQuery(
  prisma: PrismaClient,
  ability: AppAbility,
  filters: AuditFilters,
): Promise<AuditQuery> {
  const errors: AuditQuery['errors'] = {};
  const and: Prisma.AuditEventWhereInput[] = [accessibleBy(ability as never).ofType('AuditEvent' as never)];
  const nothing: Prisma.AuditEventWhereInput = { id: { lt: 0 } };

  if (filters.actor) {
    if (filters.actor.includes('@')) {
      const staff = await prisma.staff.findUnique({
        where: { email: normaliseEmail(filters.actor) },
        select: { id: true },
      });
      and.push(staff ? { actorId: staff.id } : nothing);
    } else {
      and.push({ actorId: filters.actor });
    }
  }
  if (filters.action) {
    if (!/^[a-z0-9_.*-]+$/i.test(filters.action))
      errors.action = 'Use an action name like staff.created, or a prefix like staff.*';
    else if (filters.action.endsWith('*')) and.push({ action: { startsWith: filters.action.slice(0, -1) } });
    else and.push({ action: filters.action });
  }
  if (filters.case) {
    if (UUID.test(filters.case)) and.push({ appealId: filters.case.toLowerCase() });
    else if (CASE_NUMBER.test(filters.case)) {
      const appeal = await prisma.appeal.findUnique({
        where: { caseNumber: filters.case.toUpperCase() },
        select: { id: true },
      });
      and.push(appeal ? { appealId: appeal.id } : nothing);
    } else errors.case = 'Enter a case number (AP-YYYYMMDD-NNNNNN) or an appeal id.';
  }
  if (filters.account) {
    if (/^\d{16}$/.test(filters.account)) and.push({ accountUid: filters.account });
    else errors.account = 'Enter a 16-digit account UID.';
  }
  const fromDay = filters.from ? parseDay(filters.from) : null;
  const toDay = filters.to ? parseDay(filters.to) : null;
  if (typeof fromDay === 'string') errors.from = fromDay;
  if (typeof toDay === 'string') errors.to = toDay;
  const from = fromDay instanceof Date ? fromDay : null;
  const to = toDay instanceof Date ? toDay : null;
  if (from && to && from > to) errors.to = 'The end date is before the start date.';
  if (from) and.push({ at: { gte: from } });
  if (to) and.push({ at: { lt: new Date(to.getTime() + 86_400_000) } }); // the whole "to" day (UTC)
  return { where: { AND: and }, errors };
}

/** One page, newest first; `before` is the id of the last row of the previous page (keyset: fast at any depth). */
export async function auditPage(prisma: PrismaClient, where: Prisma.AuditEventWhereInput, before: string | null) {
  // Anything else (malformed, or past bigint) is no cursor: the first page.
  const cursor = before && /^\d{1,19}$/.test(before) && BigInt(before) <= MAX_EVENT_ID ? BigInt(before) : null;
  const rows = await prisma.auditEvent.findMany({
    where: cursor ? { AND: [where, { id: { lt: cursor } }] } : where,
    orderBy: { id: 'desc' },
    take: AUDIT_PAGE_SIZE + 1,
  });
  const more = rows.length > AUDIT_PAGE_SIZE;
  const page = rows.slice(0, AUDIT_PAGE_SIZE);
  return { rows: page, next: more ? page[page.length - 1].id.toString() : null };
}

/** Staff ids in the rows → their emails, so the log says who acted. */
export async function staffEmails(
  prisma: PrismaClient,
  rows: Pick<AuditEvent, 'actorType' | 'actorId'>[],
): Promise<Map<string, string>> {
  const ids = [
    ...new Set(
      rows
        .filter((r) => r.actorId && UUID.test(r.actorId) && (r.actorType === 'staff' || r.actorType === 'anonymous'))
        .map((r) => r.actorId!),
    ),
  ];
  if (!ids.length) return new Map();
  const staff = await prisma.staff.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } });
  return new Map(staff.map((s) => [s.id, s.email]));
}

/** The case numbers of the appeals a page of events names. */
export async function caseNumbers(
  prisma: PrismaClient,
  rows: Pick<AuditEvent, 'appealId'>[],
): Promise<Map<string, string>> {
  const ids = [...new Set(rows.map((r) => r.appealId).filter((id): id is string => Boolean(id)))];
  if (!ids.length) return new Map();
  const appeals = await prisma.appeal.findMany({ where: { id: { in: ids } }, select: { id: true, caseNumber: true } });
  return new Map(appeals.map((a) => [a.id, a.caseNumber]));
}

export const CSV_COLUMNS = [
  'id',
  'at',
  'actor_type',
  'actor_id',
  'actor_email',
  'action',
  'account_uid',
  'appeal_id',
  'ip',
  'user_agent',
  'data',
  'hash',
] as const;

/**
 * One CSV field (RFC 4180): quoted when it holds a quote, comma or line break, quotes doubled.
 * A field a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvRow(values: string[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

export function auditCsvRow(row: AuditEvent, emails: Map<string, string>): string {
  return csvRow([
    row.id.toString(),
    row.at.toISOString(),
    row.actorType,
    row.actorId ?? '',
    (row.actorId && emails.get(row.actorId)) ?? '',
    row.action,
    row.accountUid ?? '',
    row.appealId ?? '',
    row.ip ?? '',
    row.userAgent ?? '',
    stableJson(row.data),
    row.hash ?? '',
  ]);
}

/** The filtered rows as CSV, newest first, read in keyset batches while the response streams. */
export function auditCsvStream(
  prisma: PrismaClient,
  where: Prisma.AuditEventWhereInput,
  batch = 1000,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: bigint | null = null;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(csvRow([...CSV_COLUMNS])));
        return;
      }
      const rows: AuditEvent[] = await prisma.auditEvent.findMany({
        where: cursor === null ? where : { AND: [where, { id: { lt: cursor } }] },
        orderBy: { id: 'desc' },
        take: batch,
      });
      if (!rows.length) {
        controller.close();
        return;
      }
      const emails = await staffEmails(prisma, rows);
      controller.enqueue(encoder.encode(rows.map((r) => auditCsvRow(r, emails)).join('')));
      cursor = rows[rows.length - 1].id;
      if (rows.length < batch) controller.close();
    },
  });
}

/** What `npm run audit:verify` prints for a chain report, and whether it is a pass. */
export function describeChainReport(report: ChainReport): { ok: boolean; message: string } {
  if (report.firstBrokenId === null) {
    const head = report.head
      ? `; head ${report.head.id}:${report.head.hash} (write it down elsewhere; --head <it> later proves nothing up to it was cut off)`
      : '';
    const pending = report.pending
      ? ` ${report.pending} newer event${report.pending === 1 ? ' is' : 's are'} not chained yet (committed a moment ago).`
      : '';
    return { ok: true, message: `Audit chain intact: ${report.checked} events${head}.${pending}` };
  }
  return {
    ok: false,
    message:
      `Audit chain BROKEN at event ${report.firstBrokenId}: ${report.problem ?? 'unknown problem'}. ` +
      `The ${report.checked} events before it are intact; this one or the one before it was edited, deleted or inserted afterwards.`,
  };
}
