// What the case page reads on every view, in one prepared statement (db/rows.server.ts): the case and
// its account as columns; its evidence, conversation, internal notes, the staff names, its timeline
// and the other members looking at it as JSON arrays beside them: one round trip rather than seven
// (decision 003).
import type { Database, SqlStatement } from '~/db/connect.server';
import { othersLookingColumn, viewersSince } from './viewers.server';
import {
  ACCOUNT,
  APPEAL,
  APPEAL_MESSAGE,
  EVIDENCE_FILE,
  INTERNAL_NOTE,
  fromJsonRow,
  jsonColumns,
  pickRow,
  selectColumns,
  type ModelTable,
} from '~/db/rows.server';

/** The last events of a case shown on its page. */
export const TIMELINE_LIMIT = 200;

/** The rows of a child table of the case, oldest first, as one JSON array (empty when there are none). */
const childrenOf = (alias: string, model: ModelTable<unknown>, orderBy: string) =>
  `(SELECT coalesce(json_agg(${jsonColumns(alias, model)} ORDER BY ${alias}."${orderBy}", ${alias}.id), '[]'::json) FROM "${model.table}" ${alias} WHERE ${alias}."appealId" = p.id)`;

const CASE_PAGE: SqlStatement = {
  name: 'case_page',
  text: `SELECT ${selectColumns('p', APPEAL)}, ${selectColumns('a', ACCOUNT)},
    ${childrenOf('e', EVIDENCE_FILE, 'uploadedAt')} AS "evidence",
    ${childrenOf('m', APPEAL_MESSAGE, 'createdAt')} AS "messages",
    ${childrenOf('n', INTERNAL_NOTE, 'createdAt')} AS "notes",
    (SELECT coalesce(json_agg(json_build_object('id', s.id::text, 'name', s.name)), '[]'::json) FROM "Staff" s) AS "staff",
    (SELECT coalesce(json_agg(json_build_object('id', t.id::text, 'at', (t.at AT TIME ZONE 'UTC'), 'action', t.action, 'actorType', t."actorType", 'actorId', t."actorId", 'reason', t.data->>'reason', 'fileId', t.data->>'fileId') ORDER BY t.id), '[]'::json)
       FROM (SELECT * FROM "AuditEvent" e WHERE e."appealId" = p.id ORDER BY e.id LIMIT ${TIMELINE_LIMIT}) t) AS "timeline",
    ${othersLookingColumn('p.id', '$2', '$3')} AS "viewers"
    FROM "Appeal" p LEFT JOIN "Account" a ON a.uid = p."accountUid" WHERE p.id = $1`,
};

/** `reason`: why, where the event's record says it (a rejection's reason code, a withdrawn first approval). */
export type TimelineRow = {
  id: string;
  at: Date;
  action: string;
  actorType: string;
  actorId: string | null;
  reason: string | null;
  fileId: string | null;
};
type Json = Record<string, unknown>;

/**
 * The case with everything its page shows, or null when there is no such case. `id` must be a UUID;
 * `viewer` is the member looking, whom the viewers (staff ids) leave out.
 */
export async function loadCaseRecords(db: Pick<Database, 'sql'>, id: string, viewer: { staffId: string; now: Date }) {
  const [row] = await db.sql<
    Json & {
      evidence: Json[];
      messages: Json[];
      notes: Json[];
      staff: { id: string; name: string }[];
      timeline: (Json & { at: string })[];
      viewers: string[];
    }
  >(CASE_PAGE, [id, viewer.staffId, viewersSince(viewer.now)]);
  if (!row) return null;
  return {
    appeal: pickRow(row, 'p', APPEAL, 'id')!,
    account: pickRow(row, 'a', ACCOUNT, 'uid'),
    evidence: row.evidence.map((r) => fromJsonRow(r, EVIDENCE_FILE)),
    messages: row.messages.map((r) => fromJsonRow(r, APPEAL_MESSAGE)),
    notes: row.notes.map((r) => fromJsonRow(r, INTERNAL_NOTE)),
    staff: row.staff,
    timeline: row.timeline.map((t) => ({ ...t, at: new Date(t.at) }) as TimelineRow),
    viewers: row.viewers,
  };
}
