import type { Prisma } from '~/generated/prisma/client';
import type { RiskLevel } from '~/generated/prisma/enums';

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

export async function assessRisk(
  tx: Prisma.TransactionClient,
  input: { appealId?: string; accountUid: string | null; conflict: boolean; newEmail: string; evidenceHashes: string[]; notMeOrigin: boolean; now?: Date },
): Promise<{ level: RiskLevel; signals: RiskSignal[] }> {
  const codes: string[] = [];
  const now = input.now ?? new Date();
  const notThis = input.appealId ? { id: { not: input.appealId } } : {};
  if (!input.accountUid) codes.push('ACCOUNT_NOT_FOUND');
  if (input.conflict) codes.push('IDENTIFIERS_CONFLICT');
  const domain = input.newEmail.split('@')[1] ?? '';
  // The three look-ups are independent: asked at once (a transaction still runs them one by one).
  const [seen, reused, recent] = await Promise.all([
    domain && !COMMON_DOMAINS.has(domain)
      ? tx.appeal.count({
          // newEmailDomain is the indexed part after the @ (a generated column): "newEmail ends with @domain" without reading every appeal.
          where: { ...notThis, newEmailDomain: domain, ...(input.accountUid ? { NOT: { accountUid: input.accountUid } } : {}) },
        })
      : 0,
    input.evidenceHashes.length ? tx.evidenceFile.count({ where: { sha256: { in: input.evidenceHashes }, ...(input.appealId ? { appealId: { not: input.appealId } } : {}) } }) : 0,
    input.accountUid ? tx.appeal.count({ where: { ...notThis, accountUid: input.accountUid, submittedAt: { gt: new Date(now.getTime() - 30 * 24 * 3600_000) } } }) : 0,
  ]);
  if (seen > 0) codes.push('EMAIL_DOMAIN_SEEN');
  if (reused > 0) codes.push('EVIDENCE_REUSED');
  if (recent >= 2) codes.push('REPEATED_APPEALS');
  if (input.notMeOrigin) codes.push('NOT_ME_ORIGIN');
  return {
    level: codes.some((c) => HIGH_RISK.has(c)) ? 'HIGH' : 'NORMAL',
    signals: codes.map((code) => ({ code, label: RISK_LABELS[code] })),
  };
}
