// The handover: what an approved appeal does to the account, after the hold in which the current owner
// can still stop it. It sets the logon email (and phone), removes the password (the new owner sets one
// from a single-use link), signs out every session of the account and tells the old address.
import type { Account, Appeal, Prisma } from '~/generated/prisma/client';
import type { Services } from '~/services.server';
import { recordAudit, type AuditActor, type RequestMeta } from '~/audit/audit.server';
import { enqueueEmail } from '~/outbox/outbox.server';
import { handoverDone, logonEmailChangedByAppeal } from '~/outbox/templates';
import { maskEmail } from '~/lib/masking';
import { newToken, sha256 } from '~/lib/tokens.server';
import { createNoticeLink, NOT_ME_LINK_DAYS } from './notice-link.server';
import { lockAppealRow } from './lock.server';
import { isOnHold } from './options';

type Tx = Prisma.TransactionClient;

export const SET_PASSWORD_KIND = 'SET_PASSWORD';
export const SET_PASSWORD_LINK_HOURS = 72;
export const setPasswordPath = (token: string) => `/password/set/${token}`;

/**
 * When an approval hands over: after RECOVERY_HOLD_HOURS, or at once when the hold is 0 or the case came
 * from a "This wasn't me" link (the old address proved itself by opening it).
 */
export function handoverTime(appeal: Pick<Appeal, 'origin'>, holdHours: number, now: Date): Date {
  return appeal.origin === 'NOT_ME_LINK' || holdHours <= 0 ? now : new Date(now.getTime() + holdHours * 3600_000);
}

/** Why a due handover cannot be made as approved; null when it can. Checked inside its transaction. */
async function handoverConflict(tx: Tx, appeal: Appeal, account: Account | null): Promise<string | null> {
  if (!account) return 'The account no longer exists.';
  if (account.logonEmail !== appeal.newEmail) {
    const taken = await tx.account.findUnique({ where: { logonEmail: appeal.newEmail }, select: { uid: true } });
    if (taken && taken.uid !== account.uid) return 'The new email address now belongs to another account.';
  }
  // Someone used the account's credentials during the hold: the owner may still have access. A person decides.
  const approvedAt = appeal.decidedAt ?? appeal.handoverAt!;
  if (account.logonEmailChangedAt && account.logonEmailChangedAt > approvedAt)
    return 'The account’s logon email was changed during the hold.';
  if (account.passwordChangedAt && account.passwordChangedAt > approvedAt)
    return 'The account’s password was changed during the hold.';
  return null;
}

/**
 * The change itself, in the caller's transaction on the locked case. `actor` is the approving member
 * when it happens at the approval, the system when the job makes it after the hold.
 */
export async function handOver(
  tx: Tx,
  services: Pick<Services, 'config'>,
  appeal: Appeal,
  account: Account,
  actor: AuditActor,
  now: Date,
  meta?: RequestMeta,
) {
  const emailChanges = account.logonEmail !== appeal.newEmail;
  await tx.account.update({
    where: { uid: account.uid },
    data: {
      ...(emailChanges ? { logonEmail: appeal.newEmail, logonEmailChangedAt: now } : {}),
      ...(appeal.newPhone ? { securePhone: appeal.newPhone } : {}),
      passwordHash: null,
      passwordChangedAt: now,
    },
  });
  // Every principal of the account: the owner, RAM users, RAM role and SSO sessions all carry its UID.
  const signedOut = await tx.session.updateMany({
    where: { accountUid: account.uid, revokedAt: null },
    data: { revokedAt: now },
  });
  await tx.verification.updateMany({
    where: { accountUid: account.uid, consumedAt: null, invalidatedAt: null },
    data: { invalidatedAt: now },
  });
  await tx.securityNoticeToken.updateMany({
    where: { accountUid: account.uid, kind: SET_PASSWORD_KIND, usedAt: null },
    data: { usedAt: now },
  });
  await tx.appealStopToken.updateMany({ where: { appealId: appeal.id, usedAt: null }, data: { usedAt: now } });
  await tx.appeal.update({ where: { id: appeal.id }, data: { handedOverAt: now, version: { increment: 1 } } });

  const token = newToken();
  const expiresAt = new Date(now.getTime() + SET_PASSWORD_LINK_HOURS * 3600_000);
  await tx.securityNoticeToken.create({
    data: {
      tokenHash: sha256(token),
      accountUid: account.uid,
      kind: SET_PASSWORD_KIND,
      appealId: appeal.id,
      data: {},
      expiresAt,
    },
  });
  await tx.appealMessage.create({
    data: {
      appealId: appeal.id,
      author: 'SYSTEM',
      body: `Done. The account's logon email is now ${maskEmail(appeal.newEmail)}; we emailed you a link to set a new password.`,
    },
  });
  await enqueueEmail(tx, {
    to: appeal.newEmail,
    ...handoverDone({
      caseNumber: appeal.caseNumber,
      uid: account.uid,
      newEmail: appeal.newEmail,
      setPasswordUrl: `${services.config.publicUrl}${setPasswordPath(token)}`,
      expiresAt,
    }),
    template: 'appeal-handed-over',
  });
  if (emailChanges) {
    // After a "This wasn't me" recovery the old address is the one the owner disowned: no link for it to reverse this.
    const notMeUrl =
      appeal.origin === 'NOT_ME_LINK'
        ? null
        : `${services.config.publicUrl}/security/not-me/${await createNoticeLink(tx, { accountUid: account.uid, oldEmail: account.logonEmail, newEmail: appeal.newEmail, now })}`;
    await enqueueEmail(tx, {
      to: account.logonEmail,
      ...logonEmailChangedByAppeal({
        uid: account.uid,
        caseNumber: appeal.caseNumber,
        when: now,
        newEmailMasked: maskEmail(appeal.newEmail),
        notMeUrl,
        validDays: NOT_ME_LINK_DAYS,
      }),
      template: 'logon-email-changed:old',
    });
  }
  const audit = { actor, accountUid: account.uid, appealId: appeal.id, meta };
  await recordAudit(tx, {
    ...audit,
    action: 'appeal.handed_over',
    data: { caseNumber: appeal.caseNumber, sessionsSignedOut: signedOut.count, passwordRemoved: true },
  });
  await recordAudit(tx, {
    ...audit,
    action: 'logon_email.changed',
    data: {
      from: maskEmail(account.logonEmail),
      to: maskEmail(appeal.newEmail),
      via: 'appeal',
      caseNumber: appeal.caseNumber,
      phoneChanged: Boolean(appeal.newPhone),
    },
  });
}

const SYSTEM: AuditActor = { type: 'system', id: 'handover' };

/** A due handover that cannot be made goes back to review for a person, with the reason on its timeline. */
async function park(tx: Tx, appeal: Appeal, reason: string, now: Date) {
  await tx.appeal.update({
    where: { id: appeal.id },
    data: {
      status: 'IN_REVIEW',
      handoverAt: null,
      decidedAt: null,
      decidedById: null,
      firstApproverId: null,
      firstApprovedAt: null,
      checklist: {},
      version: { increment: 1 },
    },
  });
  await recordAudit(tx, {
    actor: SYSTEM,
    action: 'appeal.handover_parked',
    accountUid: appeal.accountUid,
    appealId: appeal.id,
    data: {
      caseNumber: appeal.caseNumber,
      reason,
      status: { from: 'APPROVED', to: 'IN_REVIEW' },
      at: now.toISOString(),
    },
  });
}

export type HandoverRun = { handedOver: number; parked: number };

/**
 * The job: every approved case whose hold has ended is handed over, each in a transaction of its own on
 * the locked case, checked again there (still approved and not handed over, the address still free).
 * Several instances may run it at once: the row lock and that check make each handover happen once.
 */
export async function performDueHandovers(
  services: Pick<Services, 'prisma' | 'config' | 'outbox'>,
  now = new Date(),
  batch = 200,
): Promise<HandoverRun> {
  const due = await services.prisma.appeal.findMany({
    where: { status: 'APPROVED', handedOverAt: null, handoverAt: { not: null, lte: now } },
    select: { id: true },
    orderBy: { handoverAt: 'asc' },
    take: batch,
  });
  const run: HandoverRun = { handedOver: 0, parked: 0 };
  for (const { id } of due) {
    const outcome = await services.prisma.$transaction(async (tx) => {
      const appeal = await lockAppealRow(tx, id);
      if (!appeal || !isOnHold(appeal) || appeal.handoverAt! > now) return null;
      const account = appeal.accountUid ? await tx.account.findUnique({ where: { uid: appeal.accountUid } }) : null;
      const conflict = await handoverConflict(tx, appeal, account);
      if (conflict) {
        await park(tx, appeal, conflict, now);
        return 'parked' as const;
      }
      await handOver(tx, services, appeal, account!, SYSTEM, now);
      return 'handedOver' as const;
    });
    if (outcome) run[outcome]++;
  }
  if (run.handedOver) services.outbox.kick();
  return run;
}
