import { describe, expect, it } from 'vitest';
import { CODE_RULES, checkErrorMessage, hashCode, issueErrorMessage, liveCode } from '~/verification/codes.server';
import { newNumericCode } from '~/lib/tokens.server';
import { codeMessage } from '~/outbox/templates';

describe('the code rules of DESIGN.md §3', () => {
  it('are 10 minutes, 5 attempts, 60 s between sends, 5 per hour and 10 per day', () => {
    expect(CODE_RULES).toEqual({ ttlMs: 600_000, maxAttempts: 5, resendAfterMs: 60_000, perHour: 5, perDay: 10 });
  });

  it('draws 6-digit codes, keeping leading zeros, and not always the same one', () => {
    const codes = Array.from({ length: 2000 }, () => newNumericCode(6));
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    expect(new Set(codes).size).toBeGreaterThan(1900);
    // With 2000 draws, a code below 100000 (a leading zero) shows up with near certainty.
    expect(codes.some((c) => c.startsWith('0'))).toBe(true);
  });
});

describe('hashCode', () => {
  it('is an HMAC: never the code, bound to the row id and to the pepper', () => {
    const h = hashCode('pepper', 'row-1', '123456');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(h).not.toContain('123456');
    expect(hashCode('pepper', 'row-1', '123456')).toBe(h);
    expect(hashCode('pepper', 'row-2', '123456')).not.toBe(h);
    expect(hashCode('other-pepper', 'row-1', '123456')).not.toBe(h);
    expect(hashCode('pepper', 'row-1', '123457')).not.toBe(h);
  });
});

describe('issueErrorMessage', () => {
  it('tells the cooldown in seconds', () => {
    expect(issueErrorMessage({ ok: false, reason: 'cooldown', retryAfterSec: 42 })).toBe(
      'You can request a new code in 42 s.',
    );
  });

  it('names the hourly limit and rounds the wait up to minutes', () => {
    const text = issueErrorMessage({
      ok: false,
      reason: 'limit',
      window: 'hour',
      scope: 'destination',
      retryAfterSec: 61,
    });
    expect(text).toContain('to this address or number in the last hour');
    expect(text).toContain('at most 5');
    expect(text).toContain('Try again in 2 min.');
  });

  it('names the daily limit, counts hours, and points to the appeal', () => {
    const text = issueErrorMessage({
      ok: false,
      reason: 'limit',
      window: 'day',
      scope: 'destination',
      retryAfterSec: 5 * 3600 + 1,
    });
    expect(text).toContain('today');
    expect(text).toContain('at most 10');
    expect(text).toContain('Try again in 6 h');
    expect(text).toMatch(/appeal/);
  });

  it("names the account's limit on new addresses as the account's, not the address's", () => {
    const hour = issueErrorMessage({
      ok: false,
      reason: 'limit',
      window: 'hour',
      scope: 'account',
      retryAfterSec: 600,
    });
    expect(hour).toBe(
      'Too many codes were sent to new email addresses for this account in the last hour (at most 5). Try again in 10 min.',
    );
    const day = issueErrorMessage({ ok: false, reason: 'limit', window: 'day', scope: 'account', retryAfterSec: 7200 });
    expect(day).toBe(
      'Too many codes were sent to new email addresses for this account today (at most 10). Try again in 2 h.',
    );
  });
});

describe('checkErrorMessage', () => {
  it('counts down the tries left, in the singular for the last one', () => {
    expect(checkErrorMessage({ ok: false, reason: 'wrong', attemptsLeft: 4 })).toBe(
      'The verification code is incorrect. You have 4 more tries.',
    );
    expect(checkErrorMessage({ ok: false, reason: 'wrong', attemptsLeft: 1 })).toBe(
      'The verification code is incorrect. You have 1 more try.',
    );
  });

  it('asks for a new code when the code is dead, whatever the reason', () => {
    for (const reason of ['locked', 'expired', 'used', 'no-code'] as const) {
      expect(checkErrorMessage({ ok: false, reason })).toMatch(/Request a new code\.$/);
    }
    expect(checkErrorMessage({ ok: false, reason: 'locked' })).toMatch(/too many times/);
    expect(checkErrorMessage({ ok: false, reason: 'expired' })).toMatch(/expired/);
    expect(checkErrorMessage({ ok: false, reason: 'used' })).toMatch(/already used/);
  });
});

describe('codeMessage', () => {
  it('carries the code and its validity in the email and in the SMS', () => {
    const m = codeMessage('CHANGE_EMAIL_NEW', '012345', 10);
    expect(m.subject).toContain('012345');
    expect(m.text).toContain('012345');
    expect(m.text).toContain('10 minutes');
    expect(m.sms).toContain('012345');
    expect(m.sms).toContain('10 minutes');
    expect(m.text).toMatch(/new logon email/);
  });
});

describe('liveCode: whether a code can still be entered', () => {
  const now = Date.parse('2026-12-03T12:00:00Z');
  const code = (over: Partial<{ consumedAt: Date | null; invalidatedAt: Date | null; expiresAt: Date }>) => ({
    consumedAt: null,
    invalidatedAt: null,
    expiresAt: new Date(now + 1000),
    ...over,
  });
  it.each([
    ['unused, unexpired', code({}), true],
    ['used', code({ consumedAt: new Date(now - 1) }), false],
    ['replaced by a newer code', code({ invalidatedAt: new Date(now - 1) }), false],
    ['expired this very millisecond', code({ expiresAt: new Date(now) }), false],
    ['expired earlier', code({ expiresAt: new Date(now - 60_000) }), false],
  ])('%s → %s', (_name, row, live) => {
    expect(liveCode(row, now)).toBe(live ? row : null);
  });
  it('no code at all is no live code', () => {
    expect(liveCode(null, now)).toBeNull();
  });
});
