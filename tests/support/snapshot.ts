// "Nothing changed": a digest of each table that matters, taken before and after a request.
// Tables where a refused attempt is legitimately recorded (audit, verification codes, outbox,
// rate-limit counters, case viewers, case-number counters) are not part of it.
import type { PrismaClient } from '~/generated/prisma/client';

/** Table → the columns compared ('*' = the whole row). Session.lastSeenAt moves on every page view: left out. */
export const WATCHED: Record<string, string[] | '*'> = {
  Account: '*',
  RamUser: '*',
  AccessKey: '*',
  IdentityProvider: '*',
  Session: ['id', 'principalType', 'accountUid', 'expiresAt', 'revokedAt', 'privilegedUntil', 'parentSessionId'],
  Appeal: '*',
  EvidenceFile: '*',
  AppealMessage: '*',
  InternalNote: '*',
  SecurityNoticeToken: '*',
  Staff: [
    'id',
    'email',
    'name',
    'roles',
    'passwordHash',
    'totpSecretEncrypted',
    'totpEnrolledAt',
    'active',
    'deactivatedAt',
    'invitationTokenHash',
    'invitationExpiresAt',
  ],
  StaffSession: ['id', 'staffId', 'mfaPassed', 'expiresAt', 'revokedAt'],
};

export type Snapshot = Record<string, { rows: number; digest: string }>;

export async function snapshot(
  prisma: PrismaClient,
  tables: Record<string, string[] | '*'> = WATCHED,
): Promise<Snapshot> {
  const out: Snapshot = {};
  for (const [table, columns] of Object.entries(tables)) {
    const row = columns === '*' ? `(t)::text` : `ROW(${columns.map((c) => `t."${c}"`).join(', ')})::text`;
    const [r] = await prisma.$queryRawUnsafe<{ n: bigint; d: string }[]>(
      `SELECT count(*) AS n, md5(coalesce(string_agg(${row}, '|' ORDER BY ${row}), '')) AS d FROM "${table}" t`,
    );
    out[table] = { rows: Number(r.n), digest: r.d };
  }
  return out;
}

/** Names of the tables whose content differs between two snapshots. */
export function changedTables(before: Snapshot, after: Snapshot): string[] {
  return Object.keys(before).filter((t) => before[t].digest !== after[t]?.digest);
}
