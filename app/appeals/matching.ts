// How the appeal's answers compare with the account record (shown beside the evidence).
export type Match = { key: string; label: string; result: 'match' | 'mismatch' | 'unknown' | 'close'; detail?: string };

const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

export function matchIndicators(
  appeal: { accountFound: boolean; givenUid: string | null; givenOldEmail: string | null; holderName: string; lastPaymentCents: number | null; lastPaymentCurrency: string | null; createdMonth: string | null },
  account: { uid: string; logonEmail: string; holderName: string; lastPaymentCents: number | null; lastPaymentCurrency: string | null; createdAt: Date } | null,
  now = new Date(),
): Match[] {
  if (!account) return [{ key: 'uid', label: 'Account found', result: 'mismatch', detail: 'No account matches the identification' }];
  const out: Match[] = [{ key: 'uid', label: 'Account found', result: 'match', detail: appeal.givenUid === account.uid ? 'by UID' : 'by alias or old email' }];
  out.push({ key: 'oldEmail', label: 'Old email matches', result: appeal.givenOldEmail ? (appeal.givenOldEmail === account.logonEmail ? 'match' : 'mismatch') : 'unknown' });
  out.push({ key: 'name', label: 'Name matches', result: norm(appeal.holderName) === norm(account.holderName) ? 'match' : 'mismatch' });
  out.push({
    key: 'payment',
    label: 'Last payment matches',
    result: account.lastPaymentCents == null ? 'unknown' : appeal.lastPaymentCents === account.lastPaymentCents && appeal.lastPaymentCurrency === account.lastPaymentCurrency ? 'match' : 'mismatch',
  });
  const created = `${account.createdAt.getUTCFullYear()}-${String(account.createdAt.getUTCMonth() + 1).padStart(2, '0')}`;
  const months = (s: string) => Number(s.slice(0, 4)) * 12 + Number(s.slice(5, 7));
  const diff = appeal.createdMonth ? Math.abs(months(appeal.createdMonth) - months(created)) : null;
  const years = ((now.getTime() - account.createdAt.getTime()) / (365.25 * 24 * 3600_000)).toFixed(1);
  out.push({ key: 'age', label: 'Account age', result: diff === null ? 'unknown' : diff === 0 ? 'match' : diff <= 3 ? 'close' : 'mismatch', detail: `${years} years (created ${created})` });
  return out;
}
