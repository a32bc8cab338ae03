// The collision hint on the case page: who else has this case open right now.
import { Prisma } from '~/generated/prisma/client';
import type { Database } from '~/db/connect.server';
import { instant, readWith } from '~/db/composed.server';

/** A member counts as looking at a case this long after their last recorded view. */
export const VIEWER_FRESH_MS = 2 * 60_000;
/** A member's view of a case is written at most this often; a reload in between is a read only (no commit per page view). */
export const VIEWER_TOUCH_MS = 30_000;

/** When this portal instance last wrote each member's view of each case, per database. */
const written = new WeakMap<object, Map<string, number>>();

/** Records this member's view of the case (at most every VIEWER_TOUCH_MS) and names the other members looking at it. */
export async function viewCase(db: Pick<Database, 'sql'>, appealId: string, staffId: string, now = new Date()): Promise<string[]> {
  let views = written.get(db);
  if (!views) written.set(db, (views = new Map()));
  const read = readWith(db);
  const key = `${appealId}:${staffId}`;
  const others = Prisma.sql`
    SELECT "staffId"::text AS "staffId" FROM "CaseViewer"
    WHERE "appealId" = ${appealId}::uuid AND "staffId" <> ${staffId}::uuid AND "lastSeenAt" > ${instant(new Date(now.getTime() - VIEWER_FRESH_MS))}`;
  const last = views.get(key);
  if (last !== undefined && now.getTime() - last < VIEWER_TOUCH_MS) {
    return (await read<{ staffId: string }>(others)).map((r) => r.staffId);
  }
  // Record the view and read the others in one statement.
  const rows = await read<{ staffId: string }>(Prisma.sql`
    WITH seen AS (
      INSERT INTO "CaseViewer" ("appealId", "staffId", "lastSeenAt") VALUES (${appealId}::uuid, ${staffId}::uuid, ${instant(now)})
      ON CONFLICT ("appealId", "staffId") DO UPDATE SET "lastSeenAt" = EXCLUDED."lastSeenAt"
    )
    ${others}`);
  if (views.size >= 10_000) for (const [k, at] of views) if (now.getTime() - at >= VIEWER_TOUCH_MS) views.delete(k);
  views.set(key, now.getTime());
  return rows.map((r) => r.staffId);
}
