// How the queue says where each case stands: its state in the back office's words, its age, and its
// time to the SLA (or why the clock does not run). Pure, so the words are tested without a page.
import type { AppealStatus } from '~/generated/prisma/enums';
import { isOnHold } from './options';
import { clockRunning } from './sla';
import type { QueueRowView } from './components/queue-table';

const STATE_WORDS: Record<AppealStatus, string> = {
  SUBMITTED: 'submitted',
  IN_REVIEW: 'in review',
  AWAITING_CUSTOMER: 'waiting for the customer',
  PENDING_SECOND_APPROVAL: 'waiting for a second approval',
  APPROVED: 'approved',
  REJECTED: 'rejected',
  WITHDRAWN: 'withdrawn',
  EXPIRED: 'expired',
  CANCELLED_BY_OWNER: 'stopped by the owner',
};

/** A span of time in the two largest units that matter: "3 d 4 h", "5 h 10 min", "12 min". */
export function duration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days) return hours ? `${days} d ${hours} h` : `${days} d`;
  if (hours) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return `${minutes} min`;
}

const shortDate = (d: Date) => d.toUTCString().slice(5, 22);

type Row = {
  status: AppealStatus;
  assigneeId?: string | null;
  assignee?: unknown;
  slaDueAt: Date;
  submittedAt: Date;
  decidedAt: Date | null;
  handoverAt: Date | null;
  handedOverAt: Date | null;
};

/** The state column: a case released to the queue reads "unassigned", not "in review". */
export function stateWords(r: Row): string {
  if (r.status === 'IN_REVIEW' && !r.assignee && !r.assigneeId) return 'unassigned';
  return STATE_WORDS[r.status];
}

/** The SLA column: time left or past due while the clock runs; paused (with its frozen due date); when it closed or takes effect. */
export function slaWords(r: Row, now: Date): QueueRowView['sla'] {
  if (clockRunning(r.status)) {
    const left = r.slaDueAt.getTime() - now.getTime();
    const due = shortDate(r.slaDueAt);
    if (left < 0) return { text: `breached ${duration(-left)} ago (due ${due})`, tone: 'bad' };
    return { text: `due in ${duration(left)} (${due})`, tone: left < 24 * 3600_000 ? 'warn' : null };
  }
  if (r.status === 'AWAITING_CUSTOMER')
    return { text: `paused — waiting for the customer (due ${shortDate(r.slaDueAt)}, frozen)`, tone: 'muted' };
  if (isOnHold(r)) return { text: `takes effect ${shortDate(r.handoverAt!)}`, tone: 'muted' };
  return { text: r.decidedAt ? `closed ${shortDate(r.decidedAt)}` : 'closed', tone: 'muted' };
}

export const ageWords = (r: Row, now: Date) => duration(now.getTime() - r.submittedAt.getTime());
