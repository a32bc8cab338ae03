// How risk signals add up (appeals/risk.ts): the level, whether anyone may approve, and which answers
// count as wrong. A table, so a change of the rule shows as a changed row.
import { describe, expect, it } from 'vitest';
import { knowledgeSignals, mergeSignals, scoreRisk, signal, UNAPPROVABLE_MISMATCHES } from '~/appeals/risk';
import { matchIndicators } from '~/appeals/matching';

describe('risk scoring', () => {
  const rows: [string[], 'NORMAL' | 'HIGH', boolean][] = [
    [[], 'NORMAL', true],
    [['NOT_ME_ORIGIN'], 'NORMAL', true],
    [['ACCOUNT_NOT_FOUND'], 'NORMAL', true],
    [['NAME_MISMATCH'], 'HIGH', true],
    [['PAYMENT_MISMATCH'], 'HIGH', true],
    [['CREATED_MONTH_MISMATCH'], 'HIGH', true],
    [['NAME_MISMATCH', 'PAYMENT_MISMATCH'], 'HIGH', false],
    [['PAYMENT_MISMATCH', 'CREATED_MONTH_MISMATCH'], 'HIGH', false],
    [['NAME_MISMATCH', 'PAYMENT_MISMATCH', 'CREATED_MONTH_MISMATCH'], 'HIGH', false],
    [['NAME_MISMATCH', 'EVIDENCE_REUSED'], 'HIGH', true],
    [['EARLIER_FINAL_REJECTION'], 'HIGH', true],
    [['IDENTIFIERS_CONFLICT'], 'HIGH', true],
    [['EMAIL_DOMAIN_SEEN'], 'HIGH', true],
    [['REPEATED_APPEALS', 'NOT_ME_ORIGIN'], 'HIGH', true],
  ];
  it.each(rows)('%j → %s, approvable: %s', (codes, level, approvable) => {
    const score = scoreRisk(codes);
    expect(score.level).toBe(level);
    expect(score.approvable).toBe(approvable);
    expect(score.blockedReason === null).toBe(approvable);
  });

  it('the refusal names the wrong answers and the ways out', () => {
    expect(UNAPPROVABLE_MISMATCHES).toBe(2);
    const { blockedReason } = scoreRisk(['NAME_MISMATCH', 'PAYMENT_MISMATCH', 'CREATED_MONTH_MISMATCH']);
    expect(blockedReason).toContain('3 of the appellant’s answers do not match the account');
    expect(blockedReason).toContain('the name given does not match the account holder');
    expect(blockedReason).toContain('Request information or reject it.');
  });
});

describe('which answers are wrong', () => {
  const bob = {
    uid: '1000000000000002',
    logonEmail: 'bob@example.com',
    holderName: 'Bob Martin',
    accountType: 'INDIVIDUAL',
    lastPaymentCents: 2000,
    lastPaymentCurrency: 'USD',
    createdAt: new Date('2021-07-02T08:00:00Z'),
  };
  const answers = {
    accountFound: true,
    givenUid: bob.uid,
    givenOldEmail: null as string | null,
    holderName: 'Bob Martin',
    accountType: 'INDIVIDUAL',
    lastPaymentCents: 2000,
    lastPaymentCurrency: 'USD',
    createdMonth: '2021-07',
  };
  const now = new Date('2026-12-03T00:00:00Z');
  const wrong = (over: Partial<typeof answers>) => knowledgeSignals(matchIndicators({ ...answers, ...over }, bob, now));

  const rows: [string, Partial<typeof answers>, string[]][] = [
    ['all right', {}, []],
    ['the name in other case and spacing', { holderName: '  bob   MARTIN ' }, []],
    ['another name', { holderName: 'John Doe' }, ['NAME_MISMATCH']],
    ['another amount', { lastPaymentCents: 100 }, ['PAYMENT_MISMATCH']],
    ['the right amount in another currency', { lastPaymentCurrency: 'CNY' }, ['PAYMENT_MISMATCH']],
    ['a creation month 3 months off (close)', { createdMonth: '2021-10' }, []],
    ['a creation month 4 months off', { createdMonth: '2021-11' }, ['CREATED_MONTH_MISMATCH']],
    ['the account type (an indicator, not a knowledge answer)', { accountType: 'ENTERPRISE' }, []],
    [
      'an old email that is not the current one (the owner may give an older one)',
      { givenOldEmail: 'bob.old@example.com' },
      [],
    ],
    [
      'John Doe, 1.00 CNY, 2010-01',
      { holderName: 'John Doe', lastPaymentCents: 100, lastPaymentCurrency: 'CNY', createdMonth: '2010-01' },
      ['NAME_MISMATCH', 'PAYMENT_MISMATCH', 'CREATED_MONTH_MISMATCH'],
    ],
  ];
  it.each(rows)('%s', (_, over, expected) => {
    expect(wrong(over)).toEqual(expected);
  });

  it('an account with no payment on record cannot be answered wrong about it', () => {
    expect(
      knowledgeSignals(
        matchIndicators(
          { ...answers, lastPaymentCents: 1 },
          { ...bob, lastPaymentCents: null, lastPaymentCurrency: null },
          now,
        ),
      ),
    ).toEqual([]);
  });
});

describe('signals merged', () => {
  it('keeps each code once, the first one with its link, and never drops a stored one', () => {
    const linked = signal('EARLIER_FINAL_REJECTION', { caseNumber: 'AP-20261201-000001', appealId: 'a' });
    const merged = mergeSignals(
      [signal('EVIDENCE_REUSED'), linked],
      [signal('NAME_MISMATCH'), signal('EVIDENCE_REUSED'), signal('EARLIER_FINAL_REJECTION')],
    );
    expect(merged.map((s) => s.code)).toEqual(['EVIDENCE_REUSED', 'EARLIER_FINAL_REJECTION', 'NAME_MISMATCH']);
    expect(merged[1].caseNumber).toBe('AP-20261201-000001');
  });
});
