// How an appeal's risk signals add up: which level they make and whether the case may be approved at
// all. Pure, so the rule is tested as a table and the case page says what the decision will do.
import type { RiskLevel } from '~/generated/prisma/enums';
import type { Match } from './matching';

/** A signal as stored on the case; `caseNumber`/`appealId` link the case it refers to, where there is one. */
export type RiskSignal = { code: string; label: string; caseNumber?: string; appealId?: string };

export const RISK_LABELS: Record<string, string> = {
  ACCOUNT_NOT_FOUND: 'No account matches the identification given',
  IDENTIFIERS_CONFLICT: 'The UID, alias and old email point to different accounts',
  EMAIL_DOMAIN_SEEN: 'The new email domain appears in appeals for other accounts',
  EVIDENCE_REUSED: 'The same evidence file was used in another appeal',
  REPEATED_APPEALS: 'Several appeals for this account in the last 30 days',
  NOT_ME_ORIGIN: 'Filed from a “This wasn’t me” security notice',
  NAME_MISMATCH: 'The name given does not match the account holder',
  PAYMENT_MISMATCH: 'The last payment given does not match the account',
  CREATED_MONTH_MISMATCH: 'The creation month given is more than 3 months off',
  EARLIER_FINAL_REJECTION: 'An earlier appeal for this account was rejected as final',
};

/** The knowledge answers (and the holder name) compared with the account record, by match indicator key. */
const KNOWLEDGE: Record<string, string> = {
  name: 'NAME_MISMATCH',
  payment: 'PAYMENT_MISMATCH',
  age: 'CREATED_MONTH_MISMATCH',
};
export const KNOWLEDGE_SIGNALS = Object.values(KNOWLEDGE);

/** Signals that make a case need a second approver. */
const HIGH_RISK = new Set([
  'IDENTIFIERS_CONFLICT',
  'EMAIL_DOMAIN_SEEN',
  'EVIDENCE_REUSED',
  'REPEATED_APPEALS',
  'EARLIER_FINAL_REJECTION',
  ...KNOWLEDGE_SIGNALS,
]);

/** From this many wrong answers on, nobody may approve: the appellant does not know the account. */
export const UNAPPROVABLE_MISMATCHES = 2;

/** The signals of the answers that do not match the record ("close" and "not given" are not a mismatch). */
export function knowledgeSignals(matches: Match[]): string[] {
  return matches.filter((m) => m.result === 'mismatch' && KNOWLEDGE[m.key]).map((m) => KNOWLEDGE[m.key]);
}

export type RiskScore = { level: RiskLevel; approvable: boolean; blockedReason: string | null };

export function scoreRisk(codes: readonly string[]): RiskScore {
  const wrong = codes.filter((c) => KNOWLEDGE_SIGNALS.includes(c));
  const approvable = wrong.length < UNAPPROVABLE_MISMATCHES;
  return {
    level: codes.some((c) => HIGH_RISK.has(c)) ? 'HIGH' : 'NORMAL',
    approvable,
    blockedReason: approvable
      ? null
      : `${wrong.length} of the appellant’s answers do not match the account (${wrong.map((c) => RISK_LABELS[c].toLowerCase()).join('; ')}), so this case cannot be approved. Request information or reject it.`,
  };
}

export const signal = (code: string, link?: { caseNumber: string; appealId: string }): RiskSignal => ({
  code,
  label: RISK_LABELS[code] ?? code,
  ...link,
});

/** Signals of both lists, each code once (the first one's wording and link kept): risk never falls. */
export function mergeSignals(...lists: readonly RiskSignal[][]): RiskSignal[] {
  const out = new Map<string, RiskSignal>();
  for (const list of lists)
    for (const s of list) if (s && typeof s.code === 'string' && !out.has(s.code)) out.set(s.code, s);
  return [...out.values()];
}

/** The signals stored on a case (a JSON column), as signals. */
export function storedSignals(value: unknown): RiskSignal[] {
  return Array.isArray(value) ? (value as RiskSignal[]).filter((s) => s && typeof s.code === 'string') : [];
}

/** The level a decision acts on: the stored one, raised by what is assessed now (never lowered). */
export const levelNow = (stored: RiskLevel, assessed: RiskLevel): RiskLevel =>
  stored === 'HIGH' || assessed === 'HIGH' ? 'HIGH' : 'NORMAL';
