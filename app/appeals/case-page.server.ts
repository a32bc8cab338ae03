// What the case page reads on every view, as prepared statements run side by side (db/rows.server.ts):
// the case and its account, evidence, conversation, internal notes, staff names and timeline.
import type { Database, SqlStatement } from '~/db/connect.server';
import { ACCOUNT, APPEAL, APPEAL_MESSAGE, EVIDENCE_FILE, INTERNAL_NOTE, pickRow, selectColumns, type ModelTable } from '~/db/rows.server';

/** The last events of a case shown on its page. */
export const TIMELINE_LIMIT = 200;

const statement = (name: string, text: string): SqlStatement => ({ name, text });
const childrenOf = (name: string, alias: string, model: ModelTable<unknown>, orderBy: string) =>
  statement(name, `SELECT ${selectColumns(alias, model)} FROM "${model.table}" ${alias} WHERE ${alias}."appealId" = $1 ORDER BY ${alias}."${orderBy}", ${alias}.id`);

const CASE = statement('case_page_appeal', `SELECT ${selectColumns('p', APPEAL)}, ${selectColumns('a', ACCOUNT)} FROM "Appeal" p LEFT JOIN "Account" a ON a.uid = p."accountUid" WHERE p.id = $1`);
const EVIDENCE = childrenOf('case_page_evidence', 'e', EVIDENCE_FILE, 'uploadedAt');
const MESSAGES = childrenOf('case_page_messages', 'm', APPEAL_MESSAGE, 'createdAt');
const NOTES = childrenOf('case_page_notes', 'n', INTERNAL_NOTE, 'createdAt');
const STAFF_NAMES = statement('case_page_staff', `SELECT id::text AS id, name FROM "Staff"`);
const TIMELINE = statement(
  'case_page_timeline',
  // Ordered by the bigint id itself (the output column "id" is its text).
  `SELECT e.id::text AS id, (e.at AT TIME ZONE 'UTC') AS at, e.action, e."actorType", e."actorId" FROM "AuditEvent" e WHERE e."appealId" = $1 ORDER BY e.id LIMIT ${TIMELINE_LIMIT}`,
);

export type TimelineRow = { id: string; at: Date; action: string; actorType: string; actorId: string | null };

/** The case with everything its page shows, or null when there is no such case. `id` must be a UUID. */
export async function loadCaseRecords(db: Pick<Database, 'sql'>, id: string) {
  const [[row], evidence, messages, notes, staff, timeline] = await Promise.all([
    db.sql(CASE, [id]),
    db.sql(EVIDENCE, [id]),
    db.sql(MESSAGES, [id]),
    db.sql(NOTES, [id]),
    db.sql<{ id: string; name: string }>(STAFF_NAMES, []),
    db.sql<TimelineRow>(TIMELINE, [id]),
  ]);
  if (!row) return null;
  return {
    appeal: pickRow(row, 'p', APPEAL, 'id')!,
    account: pickRow(row, 'a', ACCOUNT, 'uid'),
    evidence: evidence.map((r) => pickRow(r, 'e', EVIDENCE_FILE, 'id')!),
    messages: messages.map((r) => pickRow(r, 'm', APPEAL_MESSAGE, 'id')!),
    notes: notes.map((r) => pickRow(r, 'n', INTERNAL_NOTE, 'id')!),
    staff,
    timeline,
  };
}
