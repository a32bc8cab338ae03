// The review checklist and the reject reasons (shown to staff in the browser too).
export const CHECKLIST = [
  { key: 'identity', label: 'The ID document is readable and names the account holder' },
  { key: 'knowledge', label: 'The name and the knowledge answers (last payment, creation month) match the account' },
  { key: 'newEmail', label: 'The new email was proved by the customer and is not in use by another account' },
  { key: 'risk', label: 'Every risk signal was looked at' },
] as const;

export function checklistComplete(value: unknown): boolean {
  const v = (value ?? {}) as Record<string, unknown>;
  return CHECKLIST.every((item) => v[item.key] === true);
}

/**
 * A case waiting for its second approval that gets new evidence (a merged filing): the first approval
 * is withdrawn and the case goes back to review, its checklist to be done again. The second approver
 * would otherwise decide on evidence the first approver never saw (four eyes on every file). The SLA
 * clock ran while it waited for the second approval, so it keeps running.
 */
export function firstApprovalWithdrawn() {
  return { status: 'IN_REVIEW' as const, firstApproverId: null, firstApprovedAt: null, checklist: {} };
}

export const REJECT_REASONS = {
  EVIDENCE_UNREADABLE: 'evidence unreadable',
  EVIDENCE_MISMATCH: 'evidence does not match',
  ACCOUNT_NOT_FOUND: 'account not found',
  DUPLICATE: 'duplicate',
  OTHER: 'other',
} as const;
export type RejectReason = keyof typeof REJECT_REASONS;

/** What each audit event on a case's timeline means, in the words of the back office. */
export const TIMELINE_LABELS: Record<string, string> = {
  'appeal.submitted': 'Appeal filed',
  'appeal.merged': 'A new filing merged into this case',
  'appeal.risk_raised': 'Risk raised by a later filing',
  'appeal.claimed': 'Claimed',
  'appeal.released': 'Released to the queue',
  'appeal.reassigned': 'Reassigned',
  'appeal.cancelled_by_owner': 'Stopped by the account owner',
  'appeal.handed_over': 'Handed over: account changed, password removed, sessions signed out',
  'appeal.handover_parked': 'Handover not made: back in review',
  'appeal.checklist_updated': 'Checklist saved',
  'appeal.note_added': 'Internal note added',
  'appeal.info_requested': 'Information requested from the customer',
  'appeal.customer_replied': 'The customer replied',
  'appeal.first_approval': 'First approval given',
  'appeal.first_approval_withdrawn': 'First approval withdrawn',
  'appeal.approved': 'Approved',
  'appeal.rejected': 'Rejected',
  'appeal.withdrawn': 'Withdrawn by the customer',
  'appeal.expired': 'Expired (no reply from the customer)',
  'appeal.evidence_purged': 'Evidence files deleted (retention)',
  'appeal.honeypot': 'Automated filing caught',
  'evidence.viewed': 'Evidence viewed',
  'logon_email.changed': 'Logon email changed',
};

/** The timeline's words for an event; an action without them is shown as recorded. */
export const timelineLabel = (action: string) => TIMELINE_LABELS[action] ?? action;
