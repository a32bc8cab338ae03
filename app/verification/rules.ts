// The rules of every verification code (shared with the browser, which shows them in messages).
export const CODE_RULES = {
  ttlMs: 10 * 60_000,
  maxAttempts: 5,
  resendAfterMs: 60_000,
  perHour: 5,
  perDay: 10,
} as const;

export type CodeRules = typeof CODE_RULES;
