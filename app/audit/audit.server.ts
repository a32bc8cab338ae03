import { createHash } from 'node:crypto';
import type { Prisma } from '~/generated/prisma/client';

export type Tx = Prisma.TransactionClient;

export type AuditActor =
  | { type: 'customer'; id: string }
  | { type: 'staff'; id: string }
  | { type: 'system'; id?: string }
  | { type: 'anonymous'; id?: string };

export type RequestMeta = { ip: string; userAgent: string };

export type AuditInput = {
  actor: AuditActor;
  action: string;
  accountUid?: string | null;
  appealId?: string | null;
  meta?: RequestMeta;
  data?: Record<string, unknown>;
};

/** Serialises audit writers so each row can carry the hash of the one before (tamper evidence). */
const AUDIT_CHAIN_LOCK = 727_001;

export function auditHash(prevHash: string | null, row: {
  at: Date; actorType: string; actorId: string | null; action: string; accountUid: string | null;
  appealId: string | null; ip: string | null; userAgent: string | null; data: unknown;
}): string {
  const canonical = JSON.stringify([
    prevHash ?? '', row.at.toISOString(), row.actorType, row.actorId ?? '', row.action, row.accountUid ?? '',
    row.appealId ?? '', row.ip ?? '', row.userAgent ?? '', stableJson(row.data),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

export function stableJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

/**
 * Text as PostgreSQL can store it: a lone surrogate (half an emoji cut by a mask) or a NUL character
 * (hostile input) would make the whole audited transaction fail, so each becomes U+FFFD.
 */
const LONE_SURROGATE_OR_NUL = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\u0000/g;
function storable<T>(value: T): T {
  if (typeof value === 'string') return value.replace(LONE_SURROGATE_OR_NUL, '\uFFFD') as T;
  if (Array.isArray(value)) return value.map(storable) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k), storable(v)])) as T;
  }
  return value;
}

/** Appends one audit event inside the caller's transaction. */
export async function recordAudit(tx: Tx, input: AuditInput): Promise<void> {
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  const last = await tx.auditEvent.findFirst({ orderBy: { id: 'desc' }, select: { hash: true } });
  const row = {
    at: new Date(),
    actorType: input.actor.type,
    actorId: storable(input.actor.id ?? null),
    action: input.action,
    accountUid: input.accountUid ?? null,
    appealId: input.appealId ?? null,
    ip: storable(input.meta?.ip?.slice(0, 64) ?? null),
    userAgent: storable(input.meta?.userAgent?.slice(0, 400) ?? null),
    data: JSON.parse(stableJson(storable(input.data ?? {}))) as Prisma.InputJsonValue,
  };
  const prevHash = last?.hash ?? null;
  await tx.auditEvent.create({ data: { ...row, prevHash, hash: auditHash(prevHash, row) } });
}

export type ChainHead = { id: bigint; hash: string };
export type ChainReport = { checked: number; firstBrokenId: bigint | null; problem?: string; head?: ChainHead | null };

/**
 * Walks the chain in id order; reports the first row whose hash or link does not match, and the last
 * event (the head). A chain can check only itself: events cut off at its end leave a shorter chain
 * that is still whole. So a head written down earlier, outside the database, can be passed as
 * `expectHead`: that event must still be there, unchanged, inside the chain.
 */
export async function verifyAuditChain(prisma: { auditEvent: Tx['auditEvent'] }, batch = 5000, expectHead?: ChainHead): Promise<ChainReport> {
  let checked = 0;
  let prevHash: string | null = null;
  let cursor: bigint | undefined;
  let sawExpected = false;
  for (;;) {
    const rows = await prisma.auditEvent.findMany({
      where: cursor === undefined ? {} : { id: { gt: cursor } },
      orderBy: { id: 'asc' },
      take: batch,
    });
    if (!rows.length) {
      // The last event checked: the one the cursor stands on, with the hash the chain ended with.
      const head = cursor === undefined ? null : { id: cursor, hash: prevHash ?? '' };
      if (expectHead && !sawExpected) {
        return { checked, firstBrokenId: expectHead.id, head, problem: 'the head recorded earlier is gone (events were cut off at the end of the chain)' };
      }
      return { checked, firstBrokenId: null, head };
    }
    for (const row of rows) {
      if (row.prevHash !== prevHash) return { checked, firstBrokenId: row.id, problem: 'link to the previous event does not match' };
      if (auditHash(prevHash, row) !== row.hash) return { checked, firstBrokenId: row.id, problem: 'content does not match its hash' };
      if (expectHead && row.id === expectHead.id) {
        if (row.hash !== expectHead.hash) return { checked, firstBrokenId: row.id, problem: 'this event is not the head recorded earlier (its hash differs: the chain was rewritten from here)' };
        sawExpected = true;
      }
      prevHash = row.hash;
      checked++;
    }
    cursor = rows[rows.length - 1].id;
  }
}
