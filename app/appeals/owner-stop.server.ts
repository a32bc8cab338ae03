// The current owner's say in an appeal that names their account: warned at filing (and again at an
// approval on hold), with a "Stop this — I still have access" link that cancels the case. The
// appellant is only told that the account owner stopped it, never who or how.
import type { Appeal, Prisma } from '~/generated/prisma/client';
import type { Services } from '~/services.server';
import { recordAudit, type RequestMeta } from '~/audit/audit.server';
import { enqueueEmail, enqueueSms } from '~/outbox/outbox.server';
import { appealStoppedByOwner, ownerWarnedOfAppeal, ownerWarnedOfApproval } from '~/outbox/templates';
import { newToken, sha256 } from '~/lib/tokens.server';
import { mayStillChangeAccount } from './options';
import { lockAppealRow } from './lock.server';

type Owner = { uid: string; logonEmail: string; securePhone: string | null };
type Tx = Prisma.TransactionClient;

export const stopPath = (token: string) => `/appeals/stop/${token}`;

async function newStopLink(tx: Tx, services: Pick<Services, 'config'>, appealId: string): Promise<string> {
  const token = newToken();
  await tx.appealStopToken.create({ data: { tokenHash: sha256(token), appealId } });
  return `${services.config.publicUrl}${stopPath(token)}`;
}

/** At filing, in the filing's transaction: the account's logon email and secure phone hear of it at once. */
export async function warnOwnerOfFiling(
  tx: Tx,
  services: Pick<Services, 'config'>,
  input: { appeal: Pick<Appeal, 'id' | 'caseNumber'>; owner: Owner; now: Date },
) {
  const stopUrl = await newStopLink(tx, services, input.appeal.id);
  const message = ownerWarnedOfAppeal({
    uid: input.owner.uid,
    caseNumber: input.appeal.caseNumber,
    filedAt: input.now,
    holdHours: services.config.recoveryHoldHours,
    stopUrl,
  });
  await tellOwner(tx, input.owner, message, 'appeal-owner-warned');
}

/** At an approval that waits for its hold: the owner is told when the change takes effect, with a fresh stop link. */
export async function warnOwnerOfApproval(
  tx: Tx,
  services: Pick<Services, 'config'>,
  input: { appeal: Pick<Appeal, 'id' | 'caseNumber'>; owner: Owner; handoverAt: Date },
) {
  const stopUrl = await newStopLink(tx, services, input.appeal.id);
  const message = ownerWarnedOfApproval({
    uid: input.owner.uid,
    caseNumber: input.appeal.caseNumber,
    handoverAt: input.handoverAt,
    stopUrl,
  });
  await tellOwner(tx, input.owner, message, 'appeal-owner-approval-warned');
}

/** The owner's logon email gets the message, and their secure phone (if any) its SMS. */
async function tellOwner(
  tx: Tx,
  owner: Owner,
  message: { subject: string; text: string; sms: string },
  template: string,
) {
  await enqueueEmail(tx, { to: owner.logonEmail, subject: message.subject, text: message.text, template });
  if (owner.securePhone) await enqueueSms(tx, { to: owner.securePhone, text: message.sms, template });
}

export type StopLink =
  | { state: 'live'; caseNumber: string; handoverAt: Date | null }
  /** Used already, or the case ended otherwise (decided, withdrawn, handed over). */
  | { state: 'ended'; caseNumber: string; stoppedByOwner: boolean }
  /** This very request stopped it. */
  | { state: 'stopped'; caseNumber: string }
  | { state: 'unknown' };

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,100}$/;

export async function readStopLink(
  prisma: Pick<Prisma.TransactionClient, 'appealStopToken'>,
  token: string,
): Promise<StopLink> {
  if (!TOKEN_SHAPE.test(token)) return { state: 'unknown' };
  const row = await prisma.appealStopToken.findUnique({
    where: { tokenHash: sha256(token) },
    select: {
      usedAt: true,
      appeal: { select: { caseNumber: true, status: true, handoverAt: true, handedOverAt: true } },
    },
  });
  if (!row) return { state: 'unknown' };
  const { appeal } = row;
  if (row.usedAt || !mayStillChangeAccount(appeal))
    return { state: 'ended', caseNumber: appeal.caseNumber, stoppedByOwner: appeal.status === 'CANCELLED_BY_OWNER' };
  return {
    state: 'live',
    caseNumber: appeal.caseNumber,
    handoverAt: appeal.status === 'APPROVED' ? appeal.handoverAt : null,
  };
}

/**
 * "Stop this — I still have access": the case ends as CANCELLED_BY_OWNER, every stop link of it is
 * used up, the appellant is told without names, and the act is audited. One transaction on the locked case.
 */
export async function stopAppealByOwner(
  services: Services,
  token: string,
  meta: RequestMeta,
  now = new Date(),
): Promise<StopLink> {
  if (!TOKEN_SHAPE.test(token)) return { state: 'unknown' };
  const outcome = await services.prisma.$transaction(async (tx): Promise<StopLink> => {
    const link = await tx.appealStopToken.findUnique({
      where: { tokenHash: sha256(token) },
      select: { id: true, appealId: true },
    });
    if (!link) return { state: 'unknown' };
    const appeal = await lockAppealRow(tx, link.appealId);
    if (!appeal) return { state: 'unknown' };
    const used = await tx.appealStopToken.updateMany({ where: { id: link.id, usedAt: null }, data: { usedAt: now } });
    if (!used.count || !mayStillChangeAccount(appeal))
      return { state: 'ended', caseNumber: appeal.caseNumber, stoppedByOwner: appeal.status === 'CANCELLED_BY_OWNER' };
    await tx.appealStopToken.updateMany({ where: { appealId: appeal.id, usedAt: null }, data: { usedAt: now } });
    await tx.appeal.update({
      where: { id: appeal.id },
      data: { status: 'CANCELLED_BY_OWNER', decidedAt: now, handoverAt: null, version: { increment: 1 } },
    });
    await tx.appealMessage.create({
      data: {
        appealId: appeal.id,
        author: 'SYSTEM',
        body: 'The account owner stopped this request. Nothing on the account was changed.',
      },
    });
    await enqueueEmail(tx, {
      to: appeal.newEmail,
      ...appealStoppedByOwner({ caseNumber: appeal.caseNumber }),
      template: 'appeal-stopped-by-owner',
    });
    await recordAudit(tx, {
      actor: { type: 'anonymous', id: `stop-link:${link.id}` },
      action: 'appeal.cancelled_by_owner',
      accountUid: appeal.accountUid,
      appealId: appeal.id,
      meta,
      data: {
        caseNumber: appeal.caseNumber,
        status: { from: appeal.status, to: 'CANCELLED_BY_OWNER' },
        ...(appeal.status === 'APPROVED' ? { handoverAt: appeal.handoverAt?.toISOString() } : {}),
      },
    });
    return { state: 'stopped', caseNumber: appeal.caseNumber };
  });
  services.outbox.kick();
  return outcome;
}
