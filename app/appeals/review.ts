// The review checklist and the reject reasons (shown to staff in the browser too).
export const CHECKLIST = [
  { key: 'identity', label: 'The ID document is readable and names the account holder' },
  { key: 'knowledge', label: 'The knowledge answers (last payment, creation month) were compared with the account' },
  { key: 'newEmail', label: 'The new email was proved by the customer and is not in use by another account' },
  { key: 'risk', label: 'Every risk signal was looked at' },
] as const;

export function checklistComplete(value: unknown): boolean {
  const v = (value ?? {}) as Record<string, unknown>;
  return CHECKLIST.every((item) => v[item.key] === true);
}

export const REJECT_REASONS = {
  EVIDENCE_UNREADABLE: 'evidence unreadable',
  EVIDENCE_MISMATCH: 'evidence does not match',
  ACCOUNT_NOT_FOUND: 'account not found',
  DUPLICATE: 'duplicate',
  OTHER: 'other',
} as const;
export type RejectReason = keyof typeof REJECT_REASONS;
