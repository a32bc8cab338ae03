import { createHash } from 'node:crypto';
import type { Prisma, PrismaClient } from '~/generated/prisma/client';
import { instant } from '~/db/composed.server';

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

/** Taken (try-lock) by the one sealer at work: several instances never chain the same rows twice. */
const AUDIT_SEALER_LOCK = 727_001;

export function auditHash(
  prevHash: string | null,
  row: {
    at: Date;
    actorType: string;
    actorId: string | null;
    action: string;
    accountUid: string | null;
    appealId: string | null;
    ip: string | null;
    userAgent: string | null;
    data: unknown;
  },
): string {
  const canonical = JSON.stringify([
    prevHash ?? '',
    row.at.toISOString(),
    row.actorType,
    row.actorId ?? '',
    row.action,
    row.accountUid ?? '',
    row.appealId ?? '',
    row.ip ?? '',
    row.userAgent ?? '',
    stableJson(row.data),
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
// eslint-disable-next-line no-control-regex -- NUL is exactly what this pattern is for
const LONE_SURROGATE_OR_NUL = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\u0000/g;
function storable<T>(value: T): T {
  if (typeof value === 'string') return value.replace(LONE_SURROGATE_OR_NUL, '\uFFFD') as T;
  if (Array.isArray(value)) return value.map(storable) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k), storable(v)])) as T;
  }
  return value;
}

/**
 * Appends one audit event inside the caller's transaction. Writers do not wait on each other: the row is
 * inserted unchained, and the sealer chains it once it has committed (until then it is invisible to it).
 */
export async function recordAudit(tx: Tx, input: AuditInput): Promise<void> {
  const data = JSON.parse(stableJson(storable(input.data ?? {})));
  await tx.$executeRaw`
    INSERT INTO "AuditEvent" ("at", "actorType", "actorId", "action", "accountUid", "appealId", "ip", "userAgent", "data")
    VALUES (${instant(new Date())}, ${input.actor.type}, ${storable(input.actor.id ?? null)}, ${input.action}, ${input.accountUid ?? null}, ${input.appealId ?? null}::uuid,
            ${storable(input.meta?.ip?.slice(0, 64) ?? null)}, ${storable(input.meta?.userAgent?.slice(0, 400) ?? null)}, ${JSON.stringify(data)}::jsonb)`;
}

/** Records one event in a transaction of its own: for acts that change nothing else (a view, an export, a check). */
export async function recordAuditEvent(prisma: Pick<PrismaClient, '$transaction'>, input: AuditInput): Promise<void> {
  await prisma.$transaction((tx) => recordAudit(tx, input));
}

type SealerDb = Pick<PrismaClient, '$transaction'>;

/**
 * Chains the committed events not chained yet: each gets the next position and the hash of the one
 * before. The chain's order is the order of sealing (an event committed late is appended, never put
 * before one already chained), so nothing waits for other transactions. One sealer at a time (a
 * try-lock; the others return 0 at once). Returns how many were chained.
 */
export async function sealAuditEvents(prisma: SealerDb, batch = 2000, wait = false): Promise<number> {
  return prisma.$transaction(async (tx) => {
    if (wait) {
      // A reader that must see its events chained (an export, a verification) waits for a running sealer.
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${AUDIT_SEALER_LOCK})`);
    } else {
      const [{ locked }] = await tx.$queryRawUnsafe<{ locked: boolean }[]>(
        `SELECT pg_try_advisory_xact_lock(${AUDIT_SEALER_LOCK}) AS locked`,
      );
      if (!locked) return 0;
    }
    // Read as the verifier reads them (Prisma's model), so both hash the same values.
    const rows = await tx.auditEvent.findMany({ where: { seq: null }, orderBy: { id: 'asc' }, take: batch });
    if (!rows.length) return 0;
    const [head] = await tx.$queryRawUnsafe<{ seq: bigint; hash: string }[]>(
      'SELECT "seq", "hash" FROM "AuditEvent" WHERE "seq" IS NOT NULL ORDER BY "seq" DESC LIMIT 1',
    );
    let seq = head ? BigInt(head.seq) : 0n;
    let prevHash: string | null = head?.hash ?? null;
    const ids: string[] = [];
    const seqs: string[] = [];
    const prevs: (string | null)[] = [];
    const hashes: string[] = [];
    for (const row of rows) {
      const hash = auditHash(prevHash, row);
      seq++;
      ids.push(String(row.id));
      seqs.push(String(seq));
      prevs.push(prevHash);
      hashes.push(hash);
      prevHash = hash;
    }
    await tx.$executeRawUnsafe(
      `UPDATE "AuditEvent" e SET "seq" = u.seq, "prevHash" = u.prev, "hash" = u.hash
         FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS u(id, seq, prev, hash)
        WHERE e."id" = u.id AND e."seq" IS NULL`,
      ids,
      seqs,
      prevs,
      hashes,
    );
    return rows.length;
  });
}

/**
 * Seals until nothing settled is left. `wait`: wait for a sealer running elsewhere instead of leaving
 * the work to it, so every event committed before the call is chained when it returns (an export, a
 * verification, a test).
 */
export async function sealAll(prisma: SealerDb, wait = false): Promise<number> {
  let total = 0;
  for (let n = await sealAuditEvents(prisma, 2000, wait); n > 0; n = await sealAuditEvents(prisma, 2000, wait))
    total += n;
  return total;
}

/** The sealer of a portal instance: chains settled events about once a second (start/stop like the outbox dispatcher). */
export class AuditSealer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = true;
  constructor(
    private readonly prisma: SealerDb,
    private readonly options: { everyMs?: number; log?: (m: string) => void } = {},
  ) {}

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  private schedule() {
    this.timer = setTimeout(() => {
      this.running = sealAll(this.prisma)
        .catch((err) => this.options.log?.(`[audit] sealing failed: ${(err as Error).message}`))
        .finally(() => {
          if (!this.stopped) this.schedule();
        });
    }, this.options.everyMs ?? 1000);
    this.timer.unref();
  }

  async stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}

export type ChainHead = { id: bigint; hash: string };
export type ChainReport = {
  checked: number;
  firstBrokenId: bigint | null;
  problem?: string;
  head?: ChainHead | null;
  pending?: number;
};

/**
 * Seals what has settled, then walks the chain in its order; reports the first row whose position, link
 * or hash does not match, and the last event (the head). A chain can check only itself: events cut off
 * at its end leave a shorter chain that is still whole. So a head written down earlier, outside the
 * database, can be passed as `expectHead`: that event must still be there, unchanged, inside the chain.
 * `pending`: events committed after this sealing (the sealer chains them next).
 */
export async function verifyAuditChain(
  prisma: SealerDb & { auditEvent: Tx['auditEvent'] },
  batch = 5000,
  expectHead?: ChainHead,
): Promise<ChainReport> {
  await sealAll(prisma, true);
  let checked = 0;
  let prevHash: string | null = null;
  let cursor: bigint | undefined;
  let lastId: bigint | undefined;
  let sawExpected = false;
  for (;;) {
    const rows = await prisma.auditEvent.findMany({
      where: cursor === undefined ? { seq: { not: null } } : { seq: { gt: cursor } },
      orderBy: { seq: 'asc' },
      take: batch,
    });
    if (!rows.length) {
      // The last event checked, with the hash the chain ended with.
      const head = lastId === undefined ? null : { id: lastId, hash: prevHash ?? '' };
      const pending = await prisma.auditEvent.count({ where: { seq: null } });
      if (expectHead && !sawExpected) {
        return {
          checked,
          firstBrokenId: expectHead.id,
          head,
          pending,
          problem: 'the head recorded earlier is gone (events were cut off at the end of the chain)',
        };
      }
      return { checked, firstBrokenId: null, head, pending };
    }
    for (const row of rows) {
      if (row.prevHash !== prevHash)
        return { checked, firstBrokenId: row.id, problem: 'link to the previous event does not match' };
      if (auditHash(prevHash, row) !== row.hash)
        return { checked, firstBrokenId: row.id, problem: 'content does not match its hash' };
      // Positions run 1, 2, 3…: the links above are what a deletion breaks; a position out of step is an edit of the order.
      if (row.seq !== BigInt(checked + 1))
        return { checked, firstBrokenId: row.id, problem: 'its position in the chain was changed' };
      if (expectHead && row.id === expectHead.id) {
        if (row.hash !== expectHead.hash)
          return {
            checked,
            firstBrokenId: row.id,
            problem:
              'this event is not the head recorded earlier (its hash differs: the chain was rewritten from here)',
          };
        sawExpected = true;
      }
      prevHash = row.hash;
      lastId = row.id;
      checked++;
    }
    cursor = rows[rows.length - 1].seq!;
  }
}
