// The customer's tracking page behind its route: what the page shows of a case, and its two forms — a
// reply (a message, files, or both) and the withdrawal, which only a confirmed post does.
import type { Services } from '~/services.server';
import type { RequestMeta } from '~/audit/audit.server';
import { customerStatus, isOnHold, OPEN_STATUSES } from './options';
import { slaWorkingDays } from './sla';
import { CUSTOMER_WITHDREW, replyToAppeal, withdrawAppeal, YOU_WITHDREW, type TrackingView } from './tracking.server';
import { vetUploads, type Upload } from './uploads.server';
import { withStoredFiles } from './evidence-store.server';

/** The case as its customer sees it: plain-language status, the decision date, the conversation, the files. */
export function trackingPageView(appeal: TrackingView) {
  const status = customerStatus(appeal.status, {
    rejectFinal: appeal.rejectFinal,
    newEmail: appeal.newEmail,
    handoverAt: appeal.handoverAt,
    handedOverAt: appeal.handedOverAt,
  });
  return {
    caseNumber: appeal.caseNumber,
    status: appeal.status,
    statusLabel: status.label,
    tone: status.tone,
    open: OPEN_STATUSES.includes(appeal.status),
    // Approved, before the handover: the page says when it takes effect, and it can still be withdrawn.
    onHold: isOnHold(appeal),
    submittedAt: appeal.submittedAt.toISOString(),
    dueAt: appeal.slaDueAt.toISOString(),
    slaDays: slaWorkingDays(appeal.origin),
    paused: appeal.status === 'AWAITING_CUSTOMER',
    messages: appeal.messages.map((m) => ({
      id: m.id,
      who: m.author === 'CUSTOMER' ? 'You' : m.author === 'STAFF' ? 'Support' : 'Account Recovery Desk',
      // The customer reads their own withdrawal in their words (staff read it as stored).
      body: m.author === 'SYSTEM' && m.body === CUSTOMER_WITHDREW ? YOU_WITHDREW : m.body,
      at: m.createdAt.toISOString(),
      files: m.evidence.map((e) => e.originalName),
    })),
    files: appeal.evidence.map((e) => ({ name: e.originalName, deleted: Boolean(e.deletedAt) })),
  };
}

/** A reply needs a message or a file; its files are vetted and stored with it, or not at all. */
export async function replyFromTrackingPage(
  services: Services,
  input: { appealId: string; body?: string; uploads: Upload[]; meta: RequestMeta },
): Promise<{ ok: true } | { ok: false; fieldErrors: Record<string, string> }> {
  const body = (input.body ?? '').trim();
  const errors: Record<string, string> = {};
  if (body.length > 5000) errors.body = 'Use at most 5000 characters.';
  if (!body && input.uploads.length === 0) errors.body = 'Write a message, or attach a file.';
  const vetted = await vetUploads(input.uploads.map((u) => ({ ...u, field: 'otherEvidence' })));
  if (vetted.errors.otherEvidence || vetted.errors.files)
    errors.otherEvidence = (vetted.errors.otherEvidence ?? vetted.errors.files)!;
  if (Object.keys(errors).length) return { ok: false, fieldErrors: errors };
  await withStoredFiles(services.evidence, vetted.files, (files) =>
    replyToAppeal(services, { appealId: input.appealId, body, files, meta: input.meta }),
  );
  return { ok: true };
}

/** Withdrawing closes the case for good: only the confirmation step's button (confirm=yes) does it. */
export async function withdrawFromTrackingPage(
  services: Services,
  input: { appealId: string; confirm?: string; meta: RequestMeta },
): Promise<'unconfirmed' | 'withdrawn' | 'already'> {
  if (input.confirm !== 'yes') return 'unconfirmed';
  return withdrawAppeal(services, { appealId: input.appealId, meta: input.meta });
}
