// The collision hint on the case page: who else has this case open right now.
import type { PrismaClient } from '~/generated/prisma/client';
import { instant } from '~/db/composed.server';
import type { Database, SqlStatement } from '~/db/connect.server';
import { VIEWER_FRESH_MS, VIEWER_TOUCH_MS } from './presence';

export { VIEWER_FRESH_MS, VIEWER_TOUCH_MS } from './presence';

/** Who counts as "also looking" (the viewers `v` of the case other than the member, seen since the instant), newest first. */
const othersLookingWhere = (appealRef: string, staffParam: string, sinceParam: string) =>
  `v."appealId" = ${appealRef} AND v."staffId" <> ${staffParam}::uuid AND v."lastSeenAt" > (${sinceParam}::timestamptz AT TIME ZONE 'UTC')`;
const OTHERS_ORDER = 'ORDER BY v."lastSeenAt" DESC, v."staffId"';

/**
 * The other members who looked at case `appealRef` recently, as a JSON array of staff ids: a column of
 * the case page's statement (appeals/case-page.server.ts), so reading them costs no round trip of its
 * own. `staffParam` is the member viewing; `sinceParam` the instant (UTC text) from which a view counts.
 */
export const othersLookingColumn = (appealRef: string, staffParam: string, sinceParam: string) =>
  `(SELECT coalesce(json_agg(v."staffId"::text ${OTHERS_ORDER}), '[]'::json) FROM "CaseViewer" v WHERE ${othersLookingWhere(appealRef, staffParam, sinceParam)})`;

/** The instant from which a view counts as "right now", as othersLookingColumn takes it. */
export const viewersSince = (now: Date) => new Date(now.getTime() - VIEWER_FRESH_MS).toISOString();

/** The names of the other members looking at a case and the case's version (the open page's poll and beat). */
const CASE_LIVE: SqlStatement = {
  name: 'case_live',
  text: `SELECT coalesce(json_agg(s.name ${OTHERS_ORDER}), '[]'::json) AS "names", (SELECT a."version" FROM "Appeal" a WHERE a.id = $1::uuid) AS "version"
    FROM "CaseViewer" v JOIN "Staff" s ON s.id = v."staffId"
    WHERE ${othersLookingWhere('$1::uuid', '$2', '$3')}`,
};

/** Who else is looking, and the case's version (null when there is no such case): what an open case page polls for. */
export async function caseLive(
  db: Pick<Database, 'sql'>,
  appealId: string,
  staffId: string,
  now = new Date(),
): Promise<{ viewers: string[]; version: number | null }> {
  const [row] = await db.sql<{ names: string[]; version: number | null }>(CASE_LIVE, [
    appealId,
    staffId,
    viewersSince(now),
  ]);
  return { viewers: row?.names ?? [], version: row?.version ?? null };
}

/**
 * What this portal instance last wrote about each member's presence on each case, per database
 * client: when, and whether it was a view (present) or a leave (the row removed).
 */
const written = new WeakMap<object, Map<string, { at: number; present: boolean }>>();

function writesOf(prisma: object) {
  let views = written.get(prisma);
  if (!views) written.set(prisma, (views = new Map()));
  return views;
}

/**
 * Records this member's view of the case (a page view, or the open page's heartbeat), at most every
 * VIEWER_TOUCH_MS per member and case (a quick reload writes nothing) — except right after the member
 * left it (recordCaseLeave), when their presence is written again at once. Writes nothing for a case
 * that does not exist, so it can run beside the case's read rather than after it.
 */
export async function recordCaseView(
  prisma: PrismaClient,
  appealId: string,
  staffId: string,
  now = new Date(),
): Promise<void> {
  const views = writesOf(prisma);
  const key = `${appealId}:${staffId}`;
  const last = views.get(key);
  if (last !== undefined && last.present && now.getTime() - last.at < VIEWER_TOUCH_MS) return;
  // Noted before the write, so that views arriving while it runs (a member's tabs, a double reload)
  // read only: one write, not one per view in flight.
  const mine = { at: now.getTime(), present: true };
  views.set(key, mine);
  try {
    // A write, at most every 30 s per member and case: through Prisma's client (docs/decisions/003).
    await prisma.$executeRaw`
      INSERT INTO "CaseViewer" ("appealId", "staffId", "lastSeenAt")
      SELECT ${appealId}::uuid, ${staffId}::uuid, ${instant(now)} WHERE EXISTS (SELECT 1 FROM "Appeal" WHERE "id" = ${appealId}::uuid)
      ON CONFLICT ("appealId", "staffId") DO UPDATE SET "lastSeenAt" = EXCLUDED."lastSeenAt"`;
  } catch (err) {
    // Not written: the next view writes.
    if (views.get(key) === mine) views.delete(key);
    throw err;
  }
  if (views.size >= 10_000) for (const [k, w] of views) if (now.getTime() - w.at >= VIEWER_TOUCH_MS) views.delete(k);
}

/**
 * The member left the case page (closed it, went elsewhere): their presence is removed, so the others
 * stop seeing them at once rather than when it goes stale. One removal per recorded view: a second
 * leave (another tab, a repeated beacon) writes nothing.
 */
export async function recordCaseLeave(
  prisma: PrismaClient,
  appealId: string,
  staffId: string,
  now = new Date(),
): Promise<void> {
  const views = writesOf(prisma);
  const key = `${appealId}:${staffId}`;
  if (views.get(key)?.present === false) return;
  views.set(key, { at: now.getTime(), present: false });
  await prisma.$executeRaw`DELETE FROM "CaseViewer" WHERE "appealId" = ${appealId}::uuid AND "staffId" = ${staffId}::uuid`;
}
