import { Prisma, type PrismaClient } from '~/generated/prisma/client';
import { OPEN_STATUSES } from './options';
import { emailDomain } from '~/account/email';
import { instant, readInTransaction, type ComposedRead } from '~/db/composed.server';
import type { AppealOrigin, RiskLevel } from '~/generated/prisma/enums';

export type RiskSignal = { code: string; label: string };

export const RISK_LABELS: Record<string, string> = {
  ACCOUNT_NOT_FOUND: 'No account matches the identification given',
  IDENTIFIERS_CONFLICT: 'The UID, alias and old email point to different accounts',
  EMAIL_DOMAIN_SEEN: 'The new email domain appears in appeals for other accounts',
  EVIDENCE_REUSED: 'The same evidence file was used in another appeal',
  REPEATED_APPEALS: 'Several appeals for this account in the last 30 days',
  NOT_ME_ORIGIN: 'Filed from a “This wasn’t me” security notice',
};

/** Signals that make a case need a second approver. */
const HIGH_RISK = new Set(['IDENTIFIERS_CONFLICT', 'EMAIL_DOMAIN_SEEN', 'EVIDENCE_REUSED', 'REPEATED_APPEALS']);
/** Mailbox providers shared by millions: seeing one twice says nothing. */
const COMMON_DOMAINS = new Set(['gmail.com', 'outlook.com', 'hotmail.com', 'yahoo.com', 'icloud.com', 'qq.com', '163.com', '126.com', 'example.com']);

/** Whether two appeals sharing this new email domain says anything: not for a mailbox provider shared by millions. */
export const domainIsTelling = (domain: string) => domain !== '' && !COMMON_DOMAINS.has(domain);

/** What a filed appeal's risk is assessed on again (the case page, an approval, a later filing). */
export type FiledAppeal = { id: string; accountUid: string | null; newEmail: string; origin: AppealOrigin; riskSignals: unknown };

/**
 * A filed appeal's risk as it is now: since it was filed, other appeals may have reused its evidence
 * or its new email's domain. The identifiers' conflict is as found at filing.
 */
export function reassessFiled(read: ComposedRead, appeal: FiledAppeal, evidenceHashes: string[], now: Date) {
  const stored = Array.isArray(appeal.riskSignals) ? (appeal.riskSignals as { code?: unknown }[]) : [];
  return assessRisk(read, {
    appealId: appeal.id,
    accountUid: appeal.accountUid,
    conflict: stored.some((s) => s?.code === 'IDENTIFIERS_CONFLICT'),
    newEmail: appeal.newEmail,
    evidenceHashes: [...new Set(evidenceHashes)],
    notMeOrigin: appeal.origin === 'NOT_ME_LINK',
    now,
  });
}

/** reassessFiled inside a transaction that holds the case (an approval, a raise after a later filing), its evidence read there. */
export async function reassessInTransaction(tx: Prisma.TransactionClient, appeal: FiledAppeal, now: Date) {
  const evidence = await tx.evidenceFile.findMany({ where: { appealId: appeal.id }, select: { sha256: true } });
  return reassessFiled(readInTransaction(tx), appeal, evidence.map((e) => e.sha256), now);
}

/** `read` runs the look-ups: readInTransaction(tx) while an appeal is filed, readWith(db) on the case page. */
export async function assessRisk(
  read: ComposedRead,
  input: { appealId?: string; accountUid: string | null; conflict: boolean; newEmail: string; evidenceHashes: string[]; notMeOrigin: boolean; now?: Date },
): Promise<{ level: RiskLevel; signals: RiskSignal[] }> {
  const codes: string[] = [];
  const now = input.now ?? new Date();
  if (!input.accountUid) codes.push('ACCOUNT_NOT_FOUND');
  if (input.conflict) codes.push('IDENTIFIERS_CONFLICT');
  const domain = emailDomain(input.newEmail);
  const notThis = input.appealId ? Prisma.sql`AND "id" <> ${input.appealId}::uuid` : Prisma.empty;
  const since = new Date(now.getTime() - 30 * 24 * 3600_000);
  // The three look-ups in one statement (each an index lookup); a part that does not apply is 0.
  // newEmailDomain is the indexed part after the @ (a generated column): "newEmail ends with @domain"
  // without reading every appeal. An appeal with no account is not "another account" (as before: NULL <> x is not true).
  const seenSql = domainIsTelling(domain)
    ? Prisma.sql`(SELECT count(*) FROM "Appeal" WHERE "newEmailDomain" = ${domain} ${notThis} ${input.accountUid ? Prisma.sql`AND "accountUid" <> ${input.accountUid}` : Prisma.empty})::int`
    : Prisma.sql`0`;
  const reusedSql = input.evidenceHashes.length
    ? Prisma.sql`(SELECT count(*) FROM "EvidenceFile" WHERE "sha256" IN (${Prisma.join(input.evidenceHashes)}) ${input.appealId ? Prisma.sql`AND "appealId" <> ${input.appealId}::uuid` : Prisma.empty})::int`
    : Prisma.sql`0`;
  const recentSql = input.accountUid
    ? Prisma.sql`(SELECT count(*) FROM "Appeal" WHERE "accountUid" = ${input.accountUid} AND "submittedAt" > ${instant(since)} ${notThis})::int`
    : Prisma.sql`0`;
  const [{ seen, reused, recent }] = await read<{ seen: number; reused: number; recent: number }>(Prisma.sql`SELECT ${seenSql} AS "seen", ${reusedSql} AS "reused", ${recentSql} AS "recent"`);
  if (seen > 0) codes.push('EMAIL_DOMAIN_SEEN');
  if (reused > 0) codes.push('EVIDENCE_REUSED');
  if (recent >= 2) codes.push('REPEATED_APPEALS');
  if (input.notMeOrigin) codes.push('NOT_ME_ORIGIN');
  return {
    level: codes.some((c) => HIGH_RISK.has(c)) ? 'HIGH' : 'NORMAL',
    signals: codes.map((code) => ({ code, label: RISK_LABELS[code] })),
  };
}

/**
 * The open cases still rated normal that a new filing may raise: those sharing its new email's domain
 * (unless a common provider's: that signal never fires for one, and every gmail.com filing would
 * otherwise assess 50 cases again for nothing), naming its account, or holding one of its evidence
 * files. Each part an index look-up, so PostgreSQL can OR their bitmaps instead of reading every appeal.
 */
export async function raiseCandidates(
  prisma: Pick<PrismaClient, 'appeal' | 'evidenceFile'>,
  filed: { appealId: string; accountUid: string | null; newEmail: string; evidenceHashes: string[] },
  limit = 50,
): Promise<string[]> {
  const domain = emailDomain(filed.newEmail);
  const related: Prisma.AppealWhereInput[] = [];
  if (domainIsTelling(domain)) related.push({ newEmailDomain: domain });
  if (filed.accountUid) related.push({ accountUid: filed.accountUid });
  if (filed.evidenceHashes.length) {
    const files = await prisma.evidenceFile.findMany({ where: { sha256: { in: filed.evidenceHashes }, appealId: { not: filed.appealId } }, select: { appealId: true }, take: 500 });
    if (files.length) related.push({ id: { in: [...new Set(files.map((f) => f.appealId))] } });
  }
  if (!related.length) return [];
  const rows = await prisma.appeal.findMany({
    where: { id: { not: filed.appealId }, status: { in: OPEN_STATUSES }, riskLevel: 'NORMAL', OR: related },
    select: { id: true },
    orderBy: { id: 'asc' },
    take: limit,
  });
  return rows.map((r) => r.id);
}
