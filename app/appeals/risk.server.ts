import { Prisma, type PrismaClient } from '~/generated/prisma/client';
import { OPEN_STATUSES } from './options';
import { emailDomain } from '~/account/email';
import { instant, readInTransaction, type ComposedRead } from '~/db/composed.server';
import type { Account, AppealOrigin } from '~/generated/prisma/client';
import { matchIndicators } from './matching';
import {
  knowledgeSignals,
  mergeSignals,
  scoreRisk,
  signal,
  storedSignals,
  type RiskScore,
  type RiskSignal,
} from './risk';

export type { RiskSignal } from './risk';

/** Mailbox providers shared by millions: seeing one twice says nothing. */
const COMMON_DOMAINS = new Set([
  'gmail.com',
  'outlook.com',
  'hotmail.com',
  'yahoo.com',
  'icloud.com',
  'qq.com',
  '163.com',
  '126.com',
  'example.com',
]);

/** Whether two appeals sharing this new email domain says anything: not for a mailbox provider shared by millions. */
export const domainIsTelling = (domain: string) => domain !== '' && !COMMON_DOMAINS.has(domain);

/** What a filed appeal's risk is assessed on again (the case page, an approval, a later filing). */
export type FiledAppeal = {
  id: string;
  accountUid: string | null;
  newEmail: string;
  origin: AppealOrigin;
  riskSignals: unknown;
  accountFound: boolean;
  givenUid: string | null;
  givenOldEmail: string | null;
  holderName: string;
  accountType: string;
  lastPaymentCents: number | null;
  lastPaymentCurrency: string | null;
  createdMonth: string | null;
};
/** The account record the answers are compared with. */
export type AccountRecord = Pick<
  Account,
  'uid' | 'logonEmail' | 'holderName' | 'accountType' | 'lastPaymentCents' | 'lastPaymentCurrency' | 'createdAt'
>;

/** The knowledge signals of an appeal's answers against the account record (none without an account). */
export function answerSignals(
  appeal: Parameters<typeof matchIndicators>[0],
  account: AccountRecord | null,
  now = new Date(),
): string[] {
  return account ? knowledgeSignals(matchIndicators(appeal, account, now)) : [];
}

/**
 * A filed appeal's risk as it is now: since it was filed, other appeals may have reused its evidence
 * or its new email's domain, or been rejected as final. What was stored stays (the identifiers'
 * conflict as found at filing, the answers of a merged filing): risk never falls.
 */
export async function reassessFiled(
  read: ComposedRead,
  appeal: FiledAppeal,
  account: AccountRecord | null,
  evidenceHashes: string[],
  now: Date,
) {
  const stored = storedSignals(appeal.riskSignals);
  const fresh = await assessRisk(read, {
    appealId: appeal.id,
    accountUid: appeal.accountUid,
    conflict: stored.some((s) => s.code === 'IDENTIFIERS_CONFLICT'),
    newEmail: appeal.newEmail,
    evidenceHashes: [...new Set(evidenceHashes)],
    notMeOrigin: appeal.origin === 'NOT_ME_LINK',
    knowledge: answerSignals(appeal, account, now),
    now,
  });
  const signals = mergeSignals(fresh.signals, stored);
  return { signals, ...scoreRisk(signals.map((s) => s.code)) };
}

/** reassessFiled inside a transaction that holds the case (an approval, a raise after a later filing), its evidence and account read there. */
export async function reassessInTransaction(tx: Prisma.TransactionClient, appeal: FiledAppeal, now: Date) {
  const [evidence, account] = await Promise.all([
    tx.evidenceFile.findMany({ where: { appealId: appeal.id }, select: { sha256: true } }),
    appeal.accountUid ? tx.account.findUnique({ where: { uid: appeal.accountUid } }) : null,
  ]);
  return reassessFiled(
    readInTransaction(tx),
    appeal,
    account,
    evidence.map((e) => e.sha256),
    now,
  );
}

/** `read` runs the look-ups: readInTransaction(tx) while an appeal is filed, readWith(db) on the case page. */
export async function assessRisk(
  read: ComposedRead,
  input: {
    appealId?: string;
    accountUid: string | null;
    conflict: boolean;
    newEmail: string;
    evidenceHashes: string[];
    notMeOrigin: boolean;
    /** The knowledge answers that do not match the account (answerSignals). */
    knowledge: string[];
    now?: Date;
  },
): Promise<RiskScore & { signals: RiskSignal[] }> {
  const codes: string[] = [...input.knowledge];
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
  // The newest other appeal for the account rejected as final, as "id caseNumber".
  const finalSql = input.accountUid
    ? Prisma.sql`(SELECT "id"::text || ' ' || "caseNumber" FROM "Appeal" WHERE "accountUid" = ${input.accountUid} AND "status" = 'REJECTED' AND "rejectFinal" ${notThis} ORDER BY "decidedAt" DESC NULLS LAST LIMIT 1)`
    : Prisma.sql`NULL::text`;
  const [{ seen, reused, recent, finalRejection }] = await read<{
    seen: number;
    reused: number;
    recent: number;
    finalRejection: string | null;
  }>(
    Prisma.sql`SELECT ${seenSql} AS "seen", ${reusedSql} AS "reused", ${recentSql} AS "recent", ${finalSql} AS "finalRejection"`,
  );
  if (seen > 0) codes.push('EMAIL_DOMAIN_SEEN');
  if (reused > 0) codes.push('EVIDENCE_REUSED');
  if (recent >= 2) codes.push('REPEATED_APPEALS');
  if (input.notMeOrigin) codes.push('NOT_ME_ORIGIN');
  const signals = codes.map((code) => signal(code));
  if (finalRejection) {
    const [appealId, caseNumber] = finalRejection.split(' ');
    signals.push(signal('EARLIER_FINAL_REJECTION', { appealId, caseNumber }));
  }
  return { signals, ...scoreRisk(signals.map((s) => s.code)) };
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
    const files = await prisma.evidenceFile.findMany({
      where: { sha256: { in: filed.evidenceHashes }, appealId: { not: filed.appealId } },
      select: { appealId: true },
      take: 500,
    });
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
