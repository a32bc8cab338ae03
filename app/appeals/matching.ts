// How the appeal's answers compare with the account record (shown beside the evidence). Each item says
// plainly what was compared and how it came out; a mismatch says what each side holds where the page
// shows both anyway (never the account's payment: that is the knowledge question itself).
export type MatchResult = 'match' | 'mismatch' | 'unknown' | 'close';
export type Match = { key: string; label: string; result: MatchResult; detail?: string };

/** The words for a result, after the item's label ("Name: matches"). */
export const MATCH_WORDS: Record<MatchResult, string> = {
  match: 'matches',
  mismatch: 'does not match',
  unknown: 'not given',
  close: 'close (within 3 months)',
};

const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');
const ACCOUNT_TYPE_WORDS: Record<string, string> = { INDIVIDUAL: 'individual', ENTERPRISE: 'enterprise' };
const typeWord = (t: string) => ACCOUNT_TYPE_WORDS[t] ?? t.toLowerCase();

export function matchIndicators(
  appeal: {
    accountFound: boolean;
    givenUid: string | null;
    givenOldEmail: string | null;
    holderName: string;
    accountType: string;
    lastPaymentCents: number | null;
    lastPaymentCurrency: string | null;
    createdMonth: string | null;
  },
  account: {
    uid: string;
    logonEmail: string;
    holderName: string;
    accountType: string;
    lastPaymentCents: number | null;
    lastPaymentCurrency: string | null;
    createdAt: Date;
  } | null,
  now = new Date(),
): Match[] {
  if (!account)
    return [{ key: 'uid', label: 'Account', result: 'mismatch', detail: 'no account matches the identification' }];
  const out: Match[] = [
    {
      key: 'uid',
      label: 'Account',
      result: 'match',
      detail: appeal.givenUid === account.uid ? 'found by UID' : 'found by alias or old email',
    },
  ];
  out.push({
    key: 'oldEmail',
    label: 'Old email',
    result: appeal.givenOldEmail ? (appeal.givenOldEmail === account.logonEmail ? 'match' : 'mismatch') : 'unknown',
  });
  const nameMatches = norm(appeal.holderName) === norm(account.holderName);
  out.push({
    key: 'name',
    label: 'Name',
    result: nameMatches ? 'match' : 'mismatch',
    ...(nameMatches
      ? {}
      : { detail: `the appeal says “${appeal.holderName}”, the account holder is “${account.holderName}”` }),
  });
  const typeMatches = appeal.accountType === account.accountType;
  out.push({
    key: 'accountType',
    label: 'Account type',
    result: typeMatches ? 'match' : 'mismatch',
    ...(typeMatches
      ? {}
      : { detail: `the appeal says ${typeWord(appeal.accountType)}, the account is ${typeWord(account.accountType)}` }),
  });
  out.push({
    key: 'payment',
    label: 'Last payment',
    result:
      account.lastPaymentCents == null
        ? 'unknown'
        : appeal.lastPaymentCents === account.lastPaymentCents &&
            appeal.lastPaymentCurrency === account.lastPaymentCurrency
          ? 'match'
          : 'mismatch',
  });
  const created = `${account.createdAt.getUTCFullYear()}-${String(account.createdAt.getUTCMonth() + 1).padStart(2, '0')}`;
  const months = (s: string) => Number(s.slice(0, 4)) * 12 + Number(s.slice(5, 7));
  const diff = appeal.createdMonth ? Math.abs(months(appeal.createdMonth) - months(created)) : null;
  const years = ((now.getTime() - account.createdAt.getTime()) / (365.25 * 24 * 3600_000)).toFixed(1);
  out.push({
    key: 'age',
    label: 'Creation month',
    result: diff === null ? 'unknown' : diff === 0 ? 'match' : diff <= 3 ? 'close' : 'mismatch',
    detail: `the account is ${years} years old (created ${created})`,
  });
  return out;
}
