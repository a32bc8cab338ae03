// Tables that grow with traffic shrink again: what ended long enough ago to be of no use is deleted, in
// small batches (no long lock, no long transaction), by the hourly `purge` job (`npm run jobs -- purge`).
// Delivered outbox rows have their own job (`outbox`); evidence files theirs (`retention`).
import type { PrismaClient } from '~/generated/prisma/client';
import { OPEN_STATUSES_SQL } from '~/appeals/options';

const DAY = 24 * 3600_000;

/** How long each kind of row is kept after it ended (the audit log keeps what happened). */
export const PURGE_AFTER = {
  /** Customer and staff sessions after they expired or were revoked. */
  sessionsDays: 30,
  /** Verification codes after they expired (the per-destination quotas look back one day). */
  codesDays: 7,
  /** "This wasn't me" and set-password links after they expired. */
  noticeLinksDays: 30,
  /** An appeal's stop links after it was decided. */
  stopLinksDays: 30,
} as const;

export type PurgeCounts = {
  sessions: number;
  staffSessions: number;
  codes: number;
  noticeLinks: number;
  stopLinks: number;
  rateLimits: number;
  invitations: number;
};

/**
 * Deletes `where` rows of `table` in batches of `batch` until none is left. The condition is SQL on the
 * table's own columns; each batch is a statement of its own, so writers are held up for one batch only.
 */
async function deleteInBatches(
  prisma: Pick<PrismaClient, '$executeRawUnsafe'>,
  table: string,
  key: string,
  where: string,
  params: unknown[],
  batch: number,
): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await prisma.$executeRawUnsafe(
      `DELETE FROM "${table}" WHERE "${key}" IN (SELECT "${key}" FROM "${table}" WHERE ${where} LIMIT ${batch})`,
      ...params,
    );
    total += n;
    if (n < batch) return total;
  }
}

const before = (now: Date, days: number) => new Date(now.getTime() - days * DAY).toISOString();

export async function purgeExpiredRows(
  prisma: Pick<PrismaClient, '$executeRawUnsafe'>,
  options: { now?: Date; batch?: number } = {},
): Promise<PurgeCounts> {
  const now = options.now ?? new Date();
  const batch = options.batch ?? 5000;
  // Timestamps are stored as UTC without a zone: instants are compared as UTC.
  const cutoff = (days: number) => [before(now, days)];
  return {
    sessions: await deleteInBatches(
      prisma,
      'Session',
      'id',
      `("expiresAt" < ($1::timestamptz AT TIME ZONE 'UTC') OR "revokedAt" < ($1::timestamptz AT TIME ZONE 'UTC'))`,
      cutoff(PURGE_AFTER.sessionsDays),
      batch,
    ),
    staffSessions: await deleteInBatches(
      prisma,
      'StaffSession',
      'id',
      `("expiresAt" < ($1::timestamptz AT TIME ZONE 'UTC') OR "revokedAt" < ($1::timestamptz AT TIME ZONE 'UTC'))`,
      cutoff(PURGE_AFTER.sessionsDays),
      batch,
    ),
    codes: await deleteInBatches(
      prisma,
      'Verification',
      'id',
      `"expiresAt" < ($1::timestamptz AT TIME ZONE 'UTC')`,
      cutoff(PURGE_AFTER.codesDays),
      batch,
    ),
    noticeLinks: await deleteInBatches(
      prisma,
      'SecurityNoticeToken',
      'id',
      `"expiresAt" < ($1::timestamptz AT TIME ZONE 'UTC')`,
      cutoff(PURGE_AFTER.noticeLinksDays),
      batch,
    ),
    stopLinks: await deleteInBatches(
      prisma,
      'AppealStopToken',
      'id',
      `"appealId" IN (SELECT "id" FROM "Appeal" WHERE "decidedAt" < ($1::timestamptz AT TIME ZONE 'UTC') AND "status" NOT IN ${OPEN_STATUSES_SQL} AND ("status" <> 'APPROVED' OR "handedOverAt" IS NOT NULL OR "handoverAt" IS NULL))`,
      cutoff(PURGE_AFTER.stopLinksDays),
      batch,
    ),
    rateLimits: await deleteInBatches(
      prisma,
      'RateLimiterFlexible',
      'key',
      `"expire" < ($1::timestamptz AT TIME ZONE 'UTC')`,
      [now.toISOString()],
      batch,
    ),
    // An invitation link that expired is cleared (the member is kept: nobody is ever deleted).
    invitations: await prisma.$executeRawUnsafe(
      `UPDATE "Staff" SET "invitationTokenHash" = NULL, "invitationExpiresAt" = NULL WHERE "invitationExpiresAt" < ($1::timestamptz AT TIME ZONE 'UTC')`,
      now.toISOString(),
    ),
  };
}
