import { describe, expect, it } from 'vitest';
import { MATCH_WORDS, matchIndicators } from '~/appeals/matching';

const account = {
  uid: '1000000000000002',
  logonEmail: 'bob@example.com',
  holderName: 'Bob Martin',
  accountType: 'INDIVIDUAL',
  lastPaymentCents: 2000,
  lastPaymentCurrency: 'USD',
  createdAt: new Date('2021-07-10T00:00:00Z'),
};
const appeal = {
  accountFound: true,
  givenUid: '1000000000000002',
  givenOldEmail: null,
  holderName: ' bob  martin',
  accountType: 'INDIVIDUAL',
  lastPaymentCents: 2000,
  lastPaymentCurrency: 'USD',
  createdMonth: '2021-07',
};
const line = (m: { label: string; result: keyof typeof MATCH_WORDS; detail?: string }) =>
  `${m.label}: ${MATCH_WORDS[m.result]}${m.detail ? ` — ${m.detail}` : ''}`;

describe('match indicators', () => {
  it('say per item whether it matches, in words that read on their own', () => {
    const lines = matchIndicators(appeal, account, new Date('2026-07-10T00:00:00Z')).map(line);
    expect(lines).toEqual([
      'Account: matches — found by UID',
      'Old email: not given',
      'Name: matches',
      'Account type: matches',
      'Last payment: matches',
      'Creation month: matches — the account is 5.0 years old (created 2021-07)',
    ]);
  });

  it('flag an account type that differs, saying what each side holds', () => {
    const [type] = matchIndicators({ ...appeal, accountType: 'ENTERPRISE' }, account).filter(
      (m) => m.key === 'accountType',
    );
    expect(type.result).toBe('mismatch');
    expect(line(type)).toBe('Account type: does not match — the appeal says enterprise, the account is individual');
  });

  it('name the holder on both sides when the name differs; say when no account was found', () => {
    const [name] = matchIndicators({ ...appeal, holderName: 'Robert Martin' }, account).filter((m) => m.key === 'name');
    expect(line(name)).toBe(
      'Name: does not match — the appeal says “Robert Martin”, the account holder is “Bob Martin”',
    );
    expect(matchIndicators(appeal, null).map(line)).toEqual([
      'Account: does not match — no account matches the identification',
    ]);
  });
});
