// The customer's side of a case, reached only through the private tracking link.
import type { Services } from '~/services.server';
import { recordAudit, type RequestMeta } from '~/audit/audit.server';
import { enqueueEmail } from '~/outbox/outbox.server';
import { appealWithdrawn } from '~/outbox/templates';
import { newToken, sha256 } from '~/lib/tokens.server';
import type { Prisma } from '~/generated/prisma/client';
import { portalCookie } from '~/lib/cookies.server';
import { EVIDENCE_FIELDS, OPEN_STATUSES, mayStillChangeAccount } from './schema';
import { backInReview } from './sla';
import type { AcceptedFile } from './uploads.server';

/** Keeps the hash of a case's tracking link that a newer one replaces, so that opening it can say so. */
export async function keepReplacedTrackingLink(
  tx: Prisma.TransactionClient,
  appealId: string,
  previousHash: string,
  now = new Date(),
): Promise<void> {
  await tx.replacedTrackingLink.createMany({
    data: [{ tokenHash: previousHash, appealId, replacedAt: now }],
    skipDuplicates: true,
  });
}

/** Rotates a case's tracking link (the old one kept as replaced); returns the new token. */
export async function rotateTrackingToken(tx: Prisma.TransactionClient, appealId: string): Promise<string> {
  const current = await tx.appeal.findUniqueOrThrow({ where: { id: appealId }, select: { trackingTokenHash: true } });
  await keepReplacedTrackingLink(tx, appealId, current.trackingTokenHash);
  const token = newToken();
  await tx.appeal.update({ where: { id: appealId }, data: { trackingTokenHash: sha256(token) } });
  return token;
}

/** Whether `token` is a tracking link that was replaced by a newer one (nothing else is told about it). */
export async function isReplacedTrackingToken(services: Services, token: string): Promise<boolean> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return false;
  return (await services.prisma.replacedTrackingLink.count({ where: { tokenHash: sha256(token) } })) > 0;
}

/** The customer's own withdrawal, as the timeline stores it (for staff) and as the customer reads it. */
export const CUSTOMER_WITHDREW = 'The customer withdrew the appeal.';
export const YOU_WITHDREW = 'You withdrew the appeal.';

export async function findByTrackingToken(services: Services, token: string) {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  return services.prisma.appeal.findUnique({
    where: { trackingTokenHash: sha256(token) },
    select: {
      id: true,
      caseNumber: true,
      status: true,
      scenario: true,
      newEmail: true,
      submittedAt: true,
      slaDueAt: true,
      slaPausedAt: true,
      rejectFinal: true,
      decidedAt: true,
      accountUid: true,
      handoverAt: true,
      handedOverAt: true,
      origin: true,
      // Only what the customer may see: their conversation (no internal notes, no staff names, no risk).
      messages: {
        orderBy: { createdAt: 'asc' },
        select: { id: true, author: true, body: true, createdAt: true, evidence: { select: { originalName: true } } },
      },
      evidence: { where: { messageId: null }, select: { originalName: true, kind: true, deletedAt: true } },
    },
  });
}

/**
 * "Your reply was sent" is said once: the reply's redirect sets this cookie (the case number, signed) and the
 * page that reads it clears it, so a reload, with or without JavaScript, does not say it again. A query
 * parameter could not do that without JavaScript (the address would keep it).
 */
export const replySentCookie = portalCookie('ard_reply_sent', { path: '/appeals/track', maxAgeSec: 120 });

export type TrackingView = NonNullable<Awaited<ReturnType<typeof findByTrackingToken>>>;

export class CaseClosed extends Error {
  constructor() {
    super('This appeal is closed, so it cannot be changed any more.');
  }
}

/** A customer's reply with optional files; an appeal waiting for the customer goes back to review (same assignee, SLA resumes). */
export async function replyToAppeal(
  services: Services,
  input: { appealId: string; body: string; files: (AcceptedFile & { storedName: string })[]; meta: RequestMeta },
  now = new Date(),
) {
  await services.prisma.$transaction(async (tx) => {
    const appeal = await tx.appeal.findUniqueOrThrow({ where: { id: input.appealId } });
    if (!OPEN_STATUSES.includes(appeal.status)) throw new CaseClosed();
    const message = await tx.appealMessage.create({
      data: { appealId: appeal.id, author: 'CUSTOMER', body: input.body || '(files attached)' },
    });
    if (input.files.length) {
      await tx.evidenceFile.createMany({
        data: input.files.map((f) => ({
          appealId: appeal.id,
          messageId: message.id,
          kind: EVIDENCE_FIELDS[f.field].kind,
          storedName: f.storedName,
          originalName: f.filename,
          mimeType: f.mimeType,
          sizeBytes: f.size,
          sha256: f.sha256,
        })),
      });
    }
    const resumed = appeal.status === 'AWAITING_CUSTOMER';
    const moved = await tx.appeal.updateMany({
      where: { id: appeal.id, version: appeal.version },
      data: resumed ? { ...backInReview(appeal, now), version: { increment: 1 } } : { version: { increment: 1 } },
    });
    if (!moved.count) throw new StaleCase();
    await recordAudit(tx, {
      actor: { type: 'anonymous', id: `appeal:${appeal.caseNumber}` },
      action: 'appeal.customer_replied',
      accountUid: appeal.accountUid,
      appealId: appeal.id,
      meta: input.meta,
      data: {
        files: input.files.length,
        ...(resumed ? { status: { from: 'AWAITING_CUSTOMER', to: 'IN_REVIEW' } } : {}),
      },
    });
  });
}

export class StaleCase extends Error {
  constructor() {
    super('The case changed while you were writing. Reload the page and try again.');
  }
}

/**
 * Withdraws an open appeal, or an approved one still on hold (its handover then never happens).
 * Withdrawing one that is already withdrawn answers the same (double submit).
 */
export async function withdrawAppeal(
  services: Services,
  input: { appealId: string; meta: RequestMeta },
  now = new Date(),
): Promise<'withdrawn' | 'already'> {
  const outcome = await services.prisma.$transaction(async (tx) => {
    const appeal = await tx.appeal.findUniqueOrThrow({ where: { id: input.appealId } });
    if (appeal.status === 'WITHDRAWN') return 'already' as const;
    if (!mayStillChangeAccount(appeal)) throw new CaseClosed();
    const moved = await tx.appeal.updateMany({
      where: {
        id: appeal.id,
        version: appeal.version,
        OR: [{ status: { in: OPEN_STATUSES } }, { status: 'APPROVED', handedOverAt: null }],
      },
      data: { status: 'WITHDRAWN', decidedAt: now, assigneeId: null, handoverAt: null, version: { increment: 1 } },
    });
    if (!moved.count) throw new StaleCase();
    await tx.appealMessage.create({ data: { appealId: appeal.id, author: 'SYSTEM', body: CUSTOMER_WITHDREW } });
    await enqueueEmail(tx, {
      to: appeal.newEmail,
      ...appealWithdrawn({ caseNumber: appeal.caseNumber }),
      template: 'appeal-withdrawn',
    });
    await recordAudit(tx, {
      actor: { type: 'anonymous', id: `appeal:${appeal.caseNumber}` },
      action: 'appeal.withdrawn',
      accountUid: appeal.accountUid,
      appealId: appeal.id,
      meta: input.meta,
      data: { status: { from: appeal.status, to: 'WITHDRAWN' } },
    });
    return 'withdrawn' as const;
  });
  services.outbox.kick();
  return outcome;
}
