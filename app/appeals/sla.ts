import { OPEN_STATUSES } from './options';

/** Decisions are due 3 working days (Mon–Fri, UTC) after submission; 1 for the "This wasn't me" priority path. */
export const SLA_WORKING_DAYS = 3;
export const PRIORITY_SLA_WORKING_DAYS = 1;
export const slaWorkingDays = (origin: 'FORM' | 'NOT_ME_LINK') =>
  origin === 'NOT_ME_LINK' ? PRIORITY_SLA_WORKING_DAYS : SLA_WORKING_DAYS;

export function addWorkingDays(from: Date, days: number): Date {
  const d = new Date(from.getTime());
  let left = days;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    const day = d.getUTCDay();
    if (day !== 0 && day !== 6) left--;
  }
  return d;
}

/** The statuses where the SLA clock runs: open and not waiting for the customer. */
export const CLOCK_RUNNING = ['SUBMITTED', 'IN_REVIEW', 'PENDING_SECOND_APPROVAL'] as const;
export const clockRunning = (status: string) => (CLOCK_RUNNING as readonly string[]).includes(status);

/** After waiting for the customer, the due date moves out by the time spent waiting. */
export function resumeSla(dueAt: Date, pausedAt: Date | null, now: Date): Date {
  if (!pausedAt) return dueAt;
  return new Date(dueAt.getTime() + Math.max(0, now.getTime() - pausedAt.getTime()));
}

/** A case that waited for the customer and heard from them (a reply, a merged filing): back in review, its clock running again. */
export function backInReview(appeal: { slaDueAt: Date; slaPausedAt: Date | null }, now: Date) {
  return {
    status: 'IN_REVIEW' as const,
    slaDueAt: resumeSla(appeal.slaDueAt, appeal.slaPausedAt, now),
    slaPausedAt: null,
    awaitingSince: null,
  };
}

/**
 * The date the queue and the case page show for a case: when its decision is due while it is open;
 * once it is closed (approved, rejected, withdrawn, expired) it has no due date, only when it closed.
 */
export function dueOrClosed(appeal: { status: string; slaDueAt: Date; decidedAt: Date | null }) {
  const open = (OPEN_STATUSES as readonly string[]).includes(appeal.status);
  return {
    dueAt: open ? appeal.slaDueAt.toISOString() : null,
    closedAt: open ? null : (appeal.decidedAt?.toISOString() ?? null),
  };
}
