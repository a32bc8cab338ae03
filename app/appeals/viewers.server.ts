// The collision hint on the case page: who else has this case open right now.
import type { PrismaClient } from '~/generated/prisma/client';
import { instant } from '~/db/composed.server';

/** A member counts as looking at a case this long after their last recorded view. */
export const VIEWER_FRESH_MS = 2 * 60_000;
/** A member's view of a case is written at most this often; a reload in between is a read only (no commit per page view). */
export const VIEWER_TOUCH_MS = 30_000;

/**
 * The other members who looked at case `appealRef` recently, as a JSON array of staff ids: a column of
 * the case page's statement (appeals/case-page.server.ts), so reading them costs no round trip of its
 * own. `staffParam` is the member viewing; `sinceParam` the instant (UTC text) from which a view counts.
 */
export const othersLookingColumn = (appealRef: string, staffParam: string, sinceParam: string) =>
  `(SELECT coalesce(json_agg(v."staffId"::text ORDER BY v."lastSeenAt" DESC, v."staffId"), '[]'::json) FROM "CaseViewer" v
    WHERE v."appealId" = ${appealRef} AND v."staffId" <> ${staffParam}::uuid AND v."lastSeenAt" > (${sinceParam}::timestamptz AT TIME ZONE 'UTC'))`;

/** The instant from which a view counts as "right now", as othersLookingColumn takes it. */
export const viewersSince = (now: Date) => new Date(now.getTime() - VIEWER_FRESH_MS).toISOString();

/** When this portal instance last wrote each member's view of each case, per database client. */
const written = new WeakMap<object, Map<string, number>>();

/**
 * Records this member's view of the case, at most every VIEWER_TOUCH_MS per member and case (a quick
 * reload writes nothing). Writes nothing for a case that does not exist, so it can run beside the
 * case's read rather than after it.
 */
export async function recordCaseView(prisma: PrismaClient, appealId: string, staffId: string, now = new Date()): Promise<void> {
  let views = written.get(prisma);
  if (!views) written.set(prisma, (views = new Map()));
  const key = `${appealId}:${staffId}`;
  const last = views.get(key);
  if (last !== undefined && now.getTime() - last < VIEWER_TOUCH_MS) return;
  // Noted before the write, so that views arriving while it runs (a member's tabs, a double reload)
  // read only: one write, not one per view in flight.
  views.set(key, now.getTime());
  try {
    // A write, at most every 30 s per member and case: through Prisma's client (docs/decisions/003).
    await prisma.$executeRaw`
      INSERT INTO "CaseViewer" ("appealId", "staffId", "lastSeenAt")
      SELECT ${appealId}::uuid, ${staffId}::uuid, ${instant(now)} WHERE EXISTS (SELECT 1 FROM "Appeal" WHERE "id" = ${appealId}::uuid)
      ON CONFLICT ("appealId", "staffId") DO UPDATE SET "lastSeenAt" = EXCLUDED."lastSeenAt"`;
  } catch (err) {
    // Not written: the next view writes.
    if (views.get(key) === now.getTime()) views.delete(key);
    throw err;
  }
  if (views.size >= 10_000) for (const [k, at] of views) if (now.getTime() - at >= VIEWER_TOUCH_MS) views.delete(k);
}
