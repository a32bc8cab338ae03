// What staff do to a case. Every decision runs in one transaction on a locked row, checks the
// ability against the row as it is now, and refuses a stale form (the version it was made from).
// Submitting the same decision twice answers "already done" instead of acting twice.
import { rotateTrackingToken } from './tracking.server';
import type { Appeal, Prisma } from '~/generated/prisma/client';
import type { Services } from '~/services.server';
import { recordAudit, type RequestMeta } from '~/audit/audit.server';
import { denialReason, type Action, type AppAbility } from '~/authz/ability';
import { enqueueEmail } from '~/outbox/outbox.server';
import { appealApprovedOnHold, appealDecided, appealNeedsInformation } from '~/outbox/templates';
import { isUniqueViolation } from '~/db/errors';
import { UUID } from '~/lib/ids';
import { reassessInTransaction } from './risk.server';
import { levelNow, type RiskSignal } from './risk';
import { lockAppealRow } from './lock.server';
import { handOver, handoverTime } from './handover.server';
import { warnOwnerOfApproval } from './owner-stop.server';
import { worksAppeals } from './assignment.server';
import { CHECKLIST, REJECT_REASONS, checklistComplete, type RejectReason } from './review';

export type StaffActor = { staffId: string; ability: AppAbility; meta: RequestMeta };
export type DecisionResult =
  { ok: true; message: string } | { ok: false; status: 403 | 404 | 409 | 400; message: string };

class Refusal extends Error {
  constructor(
    readonly status: 403 | 404 | 409 | 400,
    message: string,
  ) {
    super(message);
  }
}

const STATUS_WORDS: Record<string, string> = {
  SUBMITTED: 'submitted',
  IN_REVIEW: 'in review',
  AWAITING_CUSTOMER: 'waiting for the customer',
  PENDING_SECOND_APPROVAL: 'waiting for a second approval',
  APPROVED: 'approved',
  REJECTED: 'rejected',
  WITHDRAWN: 'withdrawn by the customer',
  EXPIRED: 'expired',
  CANCELLED_BY_OWNER: 'stopped by the account owner',
};

export { UUID };

async function lockAppeal(tx: Prisma.TransactionClient, appealId: string): Promise<Appeal> {
  if (!UUID.test(appealId)) throw new Refusal(404, 'This case does not exist.');
  const appeal = await lockAppealRow(tx, appealId);
  if (!appeal) throw new Refusal(404, 'This case does not exist.');
  return appeal;
}

function allow(actor: StaffActor, action: Action, appeal: Appeal) {
  const reason = denialReason(actor.ability, action, 'Appeal', appeal as unknown as Record<string, unknown>);
  if (reason) throw new Refusal(403, reason);
}

async function staleMessage(tx: Prisma.TransactionClient, appeal: Appeal): Promise<string> {
  const assignee = appeal.assigneeId
    ? await tx.staff.findUnique({ where: { id: appeal.assigneeId }, select: { name: true } })
    : null;
  return `This case changed since you opened it: it is now ${STATUS_WORDS[appeal.status]}${assignee ? `, assigned to ${assignee.name}` : ', unassigned'}. Reload the page to see it as it is.`;
}

async function run(services: Services, fn: (tx: Prisma.TransactionClient) => Promise<string>): Promise<DecisionResult> {
  try {
    const message = await services.prisma.$transaction(fn, { timeout: 15_000 });
    services.outbox.kick();
    return { ok: true, message };
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, status: err.status, message: err.message };
    if (isUniqueViolation(err, 'logonEmail')) return { ok: false, status: 409, message: EMAIL_TAKEN };
    throw err;
  }
}

const EMAIL_TAKEN =
  'The new email address now belongs to another account, so this appeal cannot be approved. Reject it, or ask the customer for another address.';

function audit(
  tx: Prisma.TransactionClient,
  actor: StaffActor,
  appeal: Appeal,
  action: string,
  data: Record<string, unknown> = {},
) {
  return recordAudit(tx, {
    actor: { type: 'staff', id: actor.staffId },
    action,
    accountUid: appeal.accountUid,
    appealId: appeal.id,
    meta: actor.meta,
    data: { caseNumber: appeal.caseNumber, ...data },
  });
}

/** Atomic: of two agents claiming at once, one gets the case and the other is told who has it. */
export async function claimAppeal(
  services: Services,
  actor: StaffActor,
  appealId: string,
  now = new Date(),
): Promise<DecisionResult> {
  return run(services, async (tx) => {
    const appeal = await lockAppeal(tx, appealId);
    if (appeal.assigneeId === actor.staffId) return 'You already have this case.';
    if (appeal.assigneeId) {
      const holder = await tx.staff.findUnique({ where: { id: appeal.assigneeId }, select: { name: true } });
      throw new Refusal(409, `${holder?.name ?? 'Another agent'} claimed this case first.`);
    }
    allow(actor, 'claim', appeal);
    const moved = await tx.appeal.updateMany({
      where: { id: appeal.id, assigneeId: null, version: appeal.version },
      data: { assigneeId: actor.staffId, claimedAt: now, status: 'IN_REVIEW', version: { increment: 1 } },
    });
    if (!moved.count) throw new Refusal(409, await staleMessage(tx, appeal));
    await audit(
      tx,
      actor,
      appeal,
      'appeal.claimed',
      appeal.status === 'SUBMITTED' ? { status: { from: 'SUBMITTED', to: 'IN_REVIEW' } } : {},
    );
    return 'The case is yours.';
  });
}

export async function releaseAppeal(
  services: Services,
  actor: StaffActor,
  appealId: string,
  version: number,
): Promise<DecisionResult> {
  return run(services, async (tx) => {
    const appeal = await lockAppeal(tx, appealId);
    if (appeal.version !== version) {
      if (!appeal.assigneeId) return 'The case is already unassigned.';
      throw new Refusal(409, await staleMessage(tx, appeal));
    }
    allow(actor, 'release', appeal);
    await tx.appeal.update({ where: { id: appeal.id }, data: { assigneeId: null, version: { increment: 1 } } });
    await audit(tx, actor, appeal, 'appeal.released', { from: appeal.assigneeId });
    if (appeal.assigneeId === actor.staffId) return 'You released the case back to the queue.';
    const holder = appeal.assigneeId
      ? await tx.staff.findUnique({ where: { id: appeal.assigneeId }, select: { name: true } })
      : null;
    return `You released the case from ${holder?.name ?? 'its holder'} back to the queue.`;
  });
}

/** A senior agent hands an open case to a member who works appeals (audited, from whom to whom). */
export async function reassignAppeal(
  services: Services,
  actor: StaffActor,
  appealId: string,
  version: number,
  toStaffId: string,
  now = new Date(),
): Promise<DecisionResult> {
  return run(services, async (tx) => {
    const appeal = await lockAppeal(tx, appealId);
    if (appeal.version !== version) {
      if (appeal.assigneeId === toStaffId) return 'The case is already assigned to that member.';
      throw new Refusal(409, await staleMessage(tx, appeal));
    }
    allow(actor, 'reassign', appeal);
    const to = UUID.test(toStaffId)
      ? await tx.staff.findUnique({
          where: { id: toStaffId },
          select: { id: true, name: true, active: true, roles: true },
        })
      : null;
    if (!to || !to.active || !worksAppeals(to.roles))
      throw new Refusal(400, 'Choose an active member who works appeals.');
    if (appeal.assigneeId === to.id) return `The case is already assigned to ${to.name}.`;
    await tx.appeal.update({
      where: { id: appeal.id },
      data: {
        assigneeId: to.id,
        claimedAt: now,
        ...(appeal.status === 'SUBMITTED' ? { status: 'IN_REVIEW' as const } : {}),
        version: { increment: 1 },
      },
    });
    await audit(tx, actor, appeal, 'appeal.reassigned', {
      from: appeal.assigneeId,
      to: to.id,
      ...(appeal.status === 'SUBMITTED' ? { status: { from: 'SUBMITTED', to: 'IN_REVIEW' } } : {}),
    });
    return `The case is now assigned to ${to.name}.`;
  });
}

export async function addInternalNote(
  services: Services,
  actor: StaffActor,
  appealId: string,
  body: string,
): Promise<DecisionResult> {
  return run(services, async (tx) => {
    const appeal = await lockAppeal(tx, appealId);
    allow(actor, 'note', appeal);
    await tx.internalNote.create({ data: { appealId, staffId: actor.staffId, body } });
    await audit(tx, actor, appeal, 'appeal.note_added');
    return 'Note added.';
  });
}

export async function updateChecklist(
  services: Services,
  actor: StaffActor,
  appealId: string,
  version: number,
  checked: string[],
): Promise<DecisionResult> {
  return run(services, async (tx) => {
    const appeal = await lockAppeal(tx, appealId);
    if (appeal.version !== version) throw new Refusal(409, await staleMessage(tx, appeal));
    allow(actor, 'approve', appeal);
    const checklist = Object.fromEntries(CHECKLIST.map((item) => [item.key, checked.includes(item.key)]));
    await tx.appeal.update({ where: { id: appeal.id }, data: { checklist, version: { increment: 1 } } });
    await audit(tx, actor, appeal, 'appeal.checklist_updated', { checklist });
    return 'Checklist saved.';
  });
}

/** Rotates the tracking link and returns the new URL, for mails that must carry one. */
async function freshTrackingUrl(tx: Prisma.TransactionClient, services: Services, appealId: string): Promise<string> {
  const token = await rotateTrackingToken(tx, appealId);
  return `${services.config.publicUrl}/appeals/track/${token}`;
}

export async function requestInformation(
  services: Services,
  actor: StaffActor,
  appealId: string,
  version: number,
  message: string,
  now = new Date(),
): Promise<DecisionResult> {
  return run(services, async (tx) => {
    const appeal = await lockAppeal(tx, appealId);
    if (appeal.version !== version) {
      if (appeal.status === 'AWAITING_CUSTOMER' && appeal.assigneeId === actor.staffId)
        return 'The request was already sent.';
      throw new Refusal(409, await staleMessage(tx, appeal));
    }
    allow(actor, 'requestInfo', appeal);
    await tx.appeal.update({
      where: { id: appeal.id },
      data: { status: 'AWAITING_CUSTOMER', slaPausedAt: now, awaitingSince: now, version: { increment: 1 } },
    });
    await tx.appealMessage.create({ data: { appealId, author: 'STAFF', staffId: actor.staffId, body: message } });
    const trackUrl = await freshTrackingUrl(tx, services, appeal.id);
    await enqueueEmail(tx, {
      to: appeal.newEmail,
      ...appealNeedsInformation({ caseNumber: appeal.caseNumber, trackUrl, message }),
      template: 'appeal-info-requested',
    });
    await audit(tx, actor, appeal, 'appeal.info_requested', {
      status: { from: appeal.status, to: 'AWAITING_CUSTOMER' },
    });
    return 'The customer was asked for more information. The SLA is paused until they answer.';
  });
}

const NO_ACCOUNT =
  'No account matches this appeal, so there is nothing to change. Reject it with the reason “account not found”.';

/**
 * The approval that decides the case: APPROVED, with the handover scheduled after the hold (the owner is
 * told and can still stop it) or made at once (no hold, or a "This wasn't me" case) in this transaction.
 */
async function approveAndSchedule(
  tx: Prisma.TransactionClient,
  services: Services,
  actor: StaffActor,
  appeal: Appeal,
  now: Date,
): Promise<'handed-over' | Date> {
  if (!appeal.accountUid) throw new Refusal(409, NO_ACCOUNT);
  const account = await tx.account.findUniqueOrThrow({ where: { uid: appeal.accountUid } });
  if (account.logonEmail !== appeal.newEmail) {
    const taken = await tx.account.findUnique({ where: { logonEmail: appeal.newEmail }, select: { uid: true } });
    if (taken && taken.uid !== account.uid) throw new Refusal(409, EMAIL_TAKEN);
  }
  const handoverAt = handoverTime(appeal, services.config.recoveryHoldHours, now);
  await tx.appeal.update({
    where: { id: appeal.id },
    data: { status: 'APPROVED', decidedAt: now, decidedById: actor.staffId, handoverAt, version: { increment: 1 } },
  });
  await audit(tx, actor, appeal, 'appeal.approved', {
    status: { from: appeal.status, to: 'APPROVED' },
    handoverAt: handoverAt.toISOString(),
  });
  if (handoverAt <= now) {
    await handOver(
      tx,
      services,
      { ...appeal, status: 'APPROVED', decidedAt: now, handoverAt },
      account,
      { type: 'staff', id: actor.staffId },
      now,
      actor.meta,
    );
    return 'handed-over';
  }
  await tx.appealMessage.create({
    data: {
      appealId: appeal.id,
      author: 'SYSTEM',
      body: `Approved. The change takes effect on ${handoverAt.toUTCString()}.`,
    },
  });
  const trackUrl = await freshTrackingUrl(tx, services, appeal.id);
  await enqueueEmail(tx, {
    to: appeal.newEmail,
    ...appealApprovedOnHold({ caseNumber: appeal.caseNumber, handoverAt, trackUrl }),
    template: 'appeal-approved',
  });
  await warnOwnerOfApproval(tx, services, { appeal, owner: account, handoverAt });
  return handoverAt;
}

const approvedWords = (outcome: 'handed-over' | Date, prefix: string) =>
  outcome === 'handed-over'
    ? `${prefix} The account was updated, its sessions signed out and both addresses notified.`
    : `${prefix} The change takes effect on ${outcome.toUTCString()}; until then the account’s owner has been told and can stop it.`;

/**
 * The risk as it is at the decision, never below the level stored at submission: since then another
 * appeal may have reused this one's evidence or new email domain (what the case page shows, too).
 */
async function riskAtDecision(
  tx: Prisma.TransactionClient,
  appeal: Appeal,
  now: Date,
): Promise<{ level: 'NORMAL' | 'HIGH'; signals: RiskSignal[] }> {
  const risk = await reassessInTransaction(tx, appeal, now);
  // Too many wrong answers: no approval by anyone (request information or reject).
  if (!risk.approvable) throw new Refusal(409, risk.blockedReason!);
  return { level: levelNow(appeal.riskLevel, risk.level), signals: risk.signals };
}

/** First approval: a normal-risk case is applied at once; a high-risk one (as stored, or as it is now) waits for a senior agent. */
export async function approveAppeal(
  services: Services,
  actor: StaffActor,
  appealId: string,
  version: number,
  now = new Date(),
): Promise<DecisionResult> {
  return run(services, async (tx) => {
    const appeal = await lockAppeal(tx, appealId);
    if (appeal.version !== version) {
      if (
        (appeal.status === 'APPROVED' && appeal.decidedById === actor.staffId) ||
        (appeal.status === 'PENDING_SECOND_APPROVAL' && appeal.firstApproverId === actor.staffId)
      ) {
        return 'You already approved this case.';
      }
      throw new Refusal(409, await staleMessage(tx, appeal));
    }
    allow(actor, 'approve', appeal);
    if (!checklistComplete(appeal.checklist)) throw new Refusal(400, 'Complete the review checklist before approving.');
    const risk = await riskAtDecision(tx, appeal, now);
    if (risk.level === 'HIGH') {
      if (!appeal.accountUid) throw new Refusal(409, NO_ACCOUNT);
      const raised = appeal.riskLevel !== 'HIGH';
      await tx.appeal.update({
        where: { id: appeal.id },
        data: {
          status: 'PENDING_SECOND_APPROVAL',
          firstApproverId: actor.staffId,
          firstApprovedAt: now,
          ...(raised ? { riskLevel: 'HIGH', riskSignals: risk.signals } : {}),
          version: { increment: 1 },
        },
      });
      await audit(tx, actor, appeal, 'appeal.first_approval', {
        status: { from: appeal.status, to: 'PENDING_SECOND_APPROVAL' },
        ...(raised
          ? { riskLevel: { from: appeal.riskLevel, to: 'HIGH' }, riskSignals: risk.signals.map((s) => s.code) }
          : {}),
      });
      return raised
        ? 'The risk of this case is high now (a signal appeared after it was filed): it now waits for a senior agent’s second approval.'
        : 'High-risk case: it now waits for a senior agent’s second approval.';
    }
    return approvedWords(await approveAndSchedule(tx, services, actor, appeal, now), 'Approved.');
  });
}

/** Second approval of a high-risk case — a senior agent who did not approve it first (checked by the ability and again here). */
export async function secondApproveAppeal(
  services: Services,
  actor: StaffActor,
  appealId: string,
  version: number,
  now = new Date(),
): Promise<DecisionResult> {
  return run(services, async (tx) => {
    const appeal = await lockAppeal(tx, appealId);
    if (appeal.version !== version) {
      if (appeal.status === 'APPROVED' && appeal.decidedById === actor.staffId)
        return 'You already approved this case.';
      throw new Refusal(409, await staleMessage(tx, appeal));
    }
    allow(actor, 'secondApprove', appeal);
    if (appeal.firstApproverId === actor.staffId)
      throw new Refusal(403, 'You approved this case first; another senior agent must give the second approval.');
    await riskAtDecision(tx, appeal, now);
    return approvedWords(await approveAndSchedule(tx, services, actor, appeal, now), 'Second approval given.');
  });
}

export async function rejectAppeal(
  services: Services,
  actor: StaffActor,
  appealId: string,
  version: number,
  input: { reason: RejectReason; message: string; final: boolean },
  now = new Date(),
): Promise<DecisionResult> {
  return run(services, async (tx) => {
    const appeal = await lockAppeal(tx, appealId);
    if (appeal.version !== version) {
      if (appeal.status === 'REJECTED' && appeal.decidedById === actor.staffId)
        return 'You already rejected this case.';
      throw new Refusal(409, await staleMessage(tx, appeal));
    }
    allow(actor, 'reject', appeal);
    await tx.appeal.update({
      where: { id: appeal.id },
      data: {
        status: 'REJECTED',
        rejectReason: input.reason,
        rejectFinal: input.final,
        decidedAt: now,
        decidedById: actor.staffId,
        version: { increment: 1 },
      },
    });
    await tx.appealMessage.create({ data: { appealId, author: 'STAFF', staffId: actor.staffId, body: input.message } });
    const trackUrl = await freshTrackingUrl(tx, services, appeal.id);
    await enqueueEmail(tx, {
      to: appeal.newEmail,
      ...appealDecided({
        caseNumber: appeal.caseNumber,
        approved: false,
        message: `${input.message}\n\n${input.final ? 'This decision is final.' : 'You may file a new appeal.'}`,
        trackUrl,
      }),
      template: 'appeal-rejected',
    });
    await audit(tx, actor, appeal, 'appeal.rejected', {
      status: { from: appeal.status, to: 'REJECTED' },
      reason: input.reason,
      final: input.final,
    });
    return `Rejected (${REJECT_REASONS[input.reason]}).`;
  });
}

/** The expiry job: a case waiting for the customer for 14 days without a reply closes. */
export async function expireStaleAppeals(services: Services, now = new Date(), days = 14): Promise<number> {
  const cutoff = new Date(now.getTime() - days * 24 * 3600_000);
  const stale = await services.prisma.appeal.findMany({
    where: { status: 'AWAITING_CUSTOMER', awaitingSince: { lt: cutoff } },
    select: { id: true },
    take: 500,
  });
  let expired = 0;
  for (const { id } of stale) {
    const done = await services.prisma.$transaction(async (tx) => {
      const appeal = await lockAppeal(tx, id);
      if (appeal.status !== 'AWAITING_CUSTOMER' || !appeal.awaitingSince || appeal.awaitingSince >= cutoff)
        return false;
      await tx.appeal.update({ where: { id }, data: { status: 'EXPIRED', decidedAt: now, version: { increment: 1 } } });
      await tx.appealMessage.create({
        data: { appealId: id, author: 'SYSTEM', body: `Closed: no reply within ${days} days.` },
      });
      await enqueueEmail(tx, {
        to: appeal.newEmail,
        subject: `Appeal ${appeal.caseNumber} closed`,
        text: `We asked for more information about appeal ${appeal.caseNumber} ${days} days ago and did not hear back, so the case is closed. Nothing on the account was changed. You may file a new appeal at any time.\n\n— Account Recovery Desk`,
        template: 'appeal-expired',
      });
      await recordAudit(tx, {
        actor: { type: 'system', id: 'expiry' },
        action: 'appeal.expired',
        accountUid: appeal.accountUid,
        appealId: id,
        data: { caseNumber: appeal.caseNumber, status: { from: 'AWAITING_CUSTOMER', to: 'EXPIRED' } },
      });
      return true;
    });
    if (done) expired++;
  }
  if (expired) services.outbox.kick();
  return expired;
}
