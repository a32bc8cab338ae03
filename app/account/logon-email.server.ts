// The help page's procedure: verify identity (secure phone or current logon email) → a 15-minute
// privileged window → prove the new address with a code → the change, its notices and its audit in
// one transaction.
import type { Account, VerificationChannel } from '~/generated/prisma/client';
import type { Services } from '~/services.server';
import type { RequestMeta } from '~/audit/audit.server';
import { recordAudit } from '~/audit/audit.server';
import { checkCode, sendCode, type CheckResult, type IssueResult } from '~/verification/codes.server';
import { enqueueEmail } from '~/outbox/outbox.server';
import { logonEmailChangedNew, logonEmailChangedOld } from '~/outbox/templates';
import { maskEmail } from '~/lib/masking';
import { emailSchema, normaliseEmail } from './email';
import { CHANGE_MESSAGES } from './messages';
import { isUniqueViolation } from '~/db/errors';
import { createNoticeLink, NOT_ME_LINK_DAYS } from '~/appeals/notice-link.server';

export { NOT_ME_LINK_DAYS };
export const PRIVILEGED_WINDOW_MS = 15 * 60_000;

export const MESSAGES = CHANGE_MESSAGES;

export type ChangeSession = { id: string; accountUid: string };

/** Checks a code of this change (the identity step's or the new address's): bound to the session that asked for it. */
function checkChangeCode(
  tx: Parameters<typeof checkCode>[0],
  services: Services,
  session: ChangeSession,
  account: { uid: string },
  purpose: 'CHANGE_EMAIL_IDENTITY' | 'CHANGE_EMAIL_NEW',
  target: string,
  code: string,
  meta: RequestMeta,
  now: Date,
): Promise<CheckResult> {
  return checkCode(
    tx,
    services.config.encryptionSecret,
    {
      purpose,
      target,
      accountUid: account.uid,
      requesterKey: requesterKey(session),
      code,
      actor: { type: 'customer', id: session.id },
      meta,
    },
    undefined,
    now,
  );
}

const requesterKey = (session: ChangeSession) => `session:${session.id}`;

/** The ways this account can verify its identity: the secure phone (if any) and the current logon email. */
export function identityChannels(
  account: Pick<Account, 'securePhone' | 'logonEmail'>,
): { channel: VerificationChannel; target: string }[] {
  const channels: { channel: VerificationChannel; target: string }[] = [];
  if (account.securePhone) channels.push({ channel: 'SMS', target: account.securePhone });
  channels.push({ channel: 'EMAIL', target: account.logonEmail });
  return channels;
}

/** The signed-in requesters' own budget per client address (anonymous code requests never spend it). */
async function addressBudget(services: Services, meta: RequestMeta): Promise<IssueResult | null> {
  const verdict = await services.limits.consume('signedInCodeRequestsPerIp', meta.ip);
  return verdict.allowed
    ? null
    : { ok: false, reason: 'limit', window: 'hour', scope: 'address', retryAfterSec: verdict.retryAfterSec };
}

export async function sendIdentityCode(
  services: Services,
  session: ChangeSession,
  account: Account,
  channel: VerificationChannel,
  meta: RequestMeta,
): Promise<IssueResult | { ok: false; reason: 'no-channel' }> {
  const choice = identityChannels(account).find((c) => c.channel === channel);
  if (!choice) return { ok: false, reason: 'no-channel' };
  const overBudget = await addressBudget(services, meta);
  if (overBudget) return overBudget;
  return sendCode(services, {
    purpose: 'CHANGE_EMAIL_IDENTITY',
    channel: choice.channel,
    target: choice.target,
    accountUid: account.uid,
    requesterKey: requesterKey(session),
    actor: { type: 'customer', id: session.id },
    meta,
    language: account.language,
  });
}

/** Checks the identity code; a right one opens the 15-minute privileged window on this session. */
export async function verifyIdentity(
  services: Services,
  session: ChangeSession,
  account: Account,
  code: string,
  meta: RequestMeta,
  now = new Date(),
): Promise<CheckResult> {
  return services.prisma.$transaction(async (tx) => {
    const latest = await tx.verification.findFirst({
      where: { purpose: 'CHANGE_EMAIL_IDENTITY', requesterKey: requesterKey(session), accountUid: account.uid },
      orderBy: { createdAt: 'desc' },
      select: { target: true },
    });
    const result = await checkChangeCode(
      tx,
      services,
      session,
      account,
      'CHANGE_EMAIL_IDENTITY',
      latest?.target ?? account.logonEmail,
      code,
      meta,
      now,
    );
    if (result.ok) {
      await tx.session.update({
        where: { id: session.id },
        data: { privilegedUntil: new Date(now.getTime() + PRIVILEGED_WINDOW_MS) },
      });
    }
    return result;
  });
}

/** How long after a change its "Modification successful" page is shown (and a repeated submit answered with it). */
export const CHANGE_DONE_SHOWN_MS = 15 * 60_000;

/**
 * Did this account's logon email just become `raw`? Then a second submit of the final step (a double
 * click, a retry after a lost answer) is answered with the outcome of the first, not with an error.
 */
export function alreadyChangedTo(
  account: Pick<Account, 'logonEmail' | 'logonEmailChangedAt'>,
  raw: string,
  now = new Date(),
): boolean {
  return (
    normaliseEmail(raw) === account.logonEmail &&
    account.logonEmailChangedAt !== null &&
    now.getTime() - account.logonEmailChangedAt.getTime() <= CHANGE_DONE_SHOWN_MS
  );
}

/**
 * Did this session make the account's latest change of its logon email, less than CHANGE_DONE_SHOWN_MS
 * ago? Told by the change's audit event (its actor is the session). "Modification successful", with the
 * whole new address, is for that session only.
 */
export async function changedInThisSession(
  prisma: Services['prisma'],
  account: Pick<Account, 'uid' | 'logonEmailChangedAt'>,
  sessionId: string,
  now = new Date(),
): Promise<boolean> {
  const changedAt = account.logonEmailChangedAt;
  if (!changedAt || now.getTime() - changedAt.getTime() > CHANGE_DONE_SHOWN_MS) return false;
  const latest = await prisma.auditEvent.findFirst({
    where: {
      accountUid: account.uid,
      action: 'logon_email.changed',
      at: { gte: new Date(now.getTime() - CHANGE_DONE_SHOWN_MS) },
    },
    orderBy: { at: 'desc' },
    select: { actorType: true, actorId: true },
  });
  return latest?.actorType === 'customer' && latest.actorId === sessionId;
}

/** Ends the live code sent to a new address in this session ("Use a different address"). */
export async function dropNewEmailCode(
  services: Services,
  session: ChangeSession,
  account: Pick<Account, 'uid'>,
  now = new Date(),
): Promise<void> {
  await services.prisma.verification.updateMany({
    where: {
      purpose: 'CHANGE_EMAIL_NEW',
      requesterKey: requesterKey(session),
      accountUid: account.uid,
      consumedAt: null,
      invalidatedAt: null,
    },
    data: { invalidatedAt: now },
  });
}

export function hasPrivilegedWindow(session: { privilegedUntil: Date | null }, now = new Date()): boolean {
  return Boolean(session.privilegedUntil && session.privilegedUntil.getTime() > now.getTime());
}

export type NewEmailProblem = {
  field: 'newEmail';
  message: string;
  inUse?: boolean;
  tooMany?: boolean;
  /** With tooMany: the wait, for the page to say in its own language. */
  retryMinutes?: number;
};

/** Shape, length, sameness and "already in use" — the checks made before a code is sent and again at the end. */
export async function checkNewEmail(
  services: Services,
  account: Pick<Account, 'uid' | 'logonEmail'>,
  raw: unknown,
): Promise<{ ok: true; email: string } | { ok: false; problem: NewEmailProblem }> {
  const parsed = emailSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problem: { field: 'newEmail', message: parsed.error.issues[0].message } };
  const email = parsed.data;
  if (email === account.logonEmail) return { ok: false, problem: { field: 'newEmail', message: MESSAGES.sameEmail } };
  const lookups = await services.limits.consume('newEmailLookupsPerAccount', account.uid);
  if (!lookups.allowed)
    return {
      ok: false,
      problem: {
        field: 'newEmail',
        message: MESSAGES.tooManyLookups(Math.ceil(lookups.retryAfterSec / 60)),
        tooMany: true,
        retryMinutes: Math.ceil(lookups.retryAfterSec / 60),
      },
    };
  const owner = await services.prisma.account.findUnique({ where: { logonEmail: email }, select: { uid: true } });
  if (owner && owner.uid !== account.uid)
    return { ok: false, problem: { field: 'newEmail', message: MESSAGES.inUse, inUse: true } };
  return { ok: true, email };
}

export type SendNewEmailCodeResult =
  IssueResult | { ok: false; reason: 'invalid'; problem: NewEmailProblem } | { ok: false; reason: 'window' };

export async function sendNewEmailCode(
  services: Services,
  session: ChangeSession & { privilegedUntil: Date | null },
  account: Account,
  raw: unknown,
  meta: RequestMeta,
): Promise<SendNewEmailCodeResult> {
  if (!hasPrivilegedWindow(session)) return { ok: false, reason: 'window' };
  const checked = await checkNewEmail(services, account, raw);
  if (!checked.ok) return { ok: false, reason: 'invalid', problem: checked.problem };
  const overBudget = await addressBudget(services, meta);
  if (overBudget) return overBudget;
  return sendCode(services, {
    purpose: 'CHANGE_EMAIL_NEW',
    channel: 'EMAIL',
    target: checked.email,
    accountUid: account.uid,
    requesterKey: requesterKey(session),
    actor: { type: 'customer', id: session.id },
    meta,
    language: account.language,
  });
}

export type ChangeResult =
  | { ok: true; newEmail: string }
  | { ok: false; reason: 'window' }
  | { ok: false; reason: 'invalid'; problem: NewEmailProblem }
  | { ok: false; reason: 'code'; check: Exclude<CheckResult, { ok: true }> };

/**
 * The change, answered as a repeat of itself: a refused submit whose address the account's logon email
 * just became (a double click, a retry after a lost answer, its twin racing it) gets the first one's
 * outcome, not an error.
 */
export async function confirmNewEmail(
  services: Services,
  session: ChangeSession & { privilegedUntil: Date | null },
  account: Account,
  raw: unknown,
  code: string,
  meta: RequestMeta,
  now = new Date(),
): Promise<ChangeResult> {
  const result = await changeLogonEmail(services, session, account, raw, code, meta, now);
  if (result.ok || typeof raw !== 'string') return result;
  return (await isRepeatOfChange(services.prisma, account.uid, raw, now))
    ? { ok: true, newEmail: normaliseEmail(raw) }
    : result;
}

/** Whether `raw` is the address this account's logon email just became (see alreadyChangedTo). */
export async function isRepeatOfChange(
  prisma: Services['prisma'],
  accountUid: string,
  raw: string,
  now = new Date(),
): Promise<boolean> {
  const current = await prisma.account.findUnique({
    where: { uid: accountUid },
    select: { logonEmail: true, logonEmailChangedAt: true },
  });
  return Boolean(current && raw && alreadyChangedTo(current, raw, now));
}

/**
 * The change itself. Inside one transaction it re-checks the privileged window, the code and that
 * the address is free; the unique index on the logon email is the last word when two accounts race.
 * The account row, the other sessions, the audit event and both notices commit together or not at all.
 */
async function changeLogonEmail(
  services: Services,
  session: ChangeSession & { privilegedUntil: Date | null },
  account: Account,
  raw: unknown,
  code: string,
  meta: RequestMeta,
  now = new Date(),
): Promise<ChangeResult> {
  // No window, no look-up: whether an address is in use is told only inside the change.
  if (!hasPrivilegedWindow(session, now)) return { ok: false, reason: 'window' };
  const checked = await checkNewEmail(services, account, raw);
  if (!checked.ok) return { ok: false, reason: 'invalid', problem: checked.problem };
  const newEmail = checked.email;
  try {
    return await services.prisma.$transaction(async (tx) => {
      const live = await tx.session.findUnique({
        where: { id: session.id },
        select: { privilegedUntil: true, revokedAt: true },
      });
      if (!live || live.revokedAt || !hasPrivilegedWindow(live, now)) return { ok: false, reason: 'window' } as const;
      const check = await checkChangeCode(
        tx,
        services,
        session,
        account,
        'CHANGE_EMAIL_NEW',
        newEmail,
        code,
        meta,
        now,
      );
      // A wrong code is counted and committed; nothing else changes.
      if (!check.ok) return { ok: false, reason: 'code', check } as const;

      // The language as committed now (the notices are written in it, in this transaction).
      const current = await tx.account.findUniqueOrThrow({
        where: { uid: account.uid },
        select: { logonEmail: true, language: true },
      });
      const taken = await tx.account.findUnique({ where: { logonEmail: newEmail }, select: { uid: true } });
      if (taken) throw new EmailTaken();
      await tx.account.update({
        where: { uid: account.uid },
        data: { logonEmail: newEmail, logonEmailChangedAt: now },
      });
      await tx.session.updateMany({
        where: { accountUid: account.uid, principalType: 'OWNER', revokedAt: null, id: { not: session.id } },
        data: { revokedAt: now },
      });
      await tx.session.update({ where: { id: session.id }, data: { privilegedUntil: null } });
      await tx.verification.updateMany({
        where: { accountUid: account.uid, consumedAt: null, invalidatedAt: null },
        data: { invalidatedAt: now },
      });

      const token = await createNoticeLink(tx, {
        accountUid: account.uid,
        oldEmail: current.logonEmail,
        newEmail,
        now,
      });
      const confirmation = logonEmailChangedNew({ uid: account.uid, when: now, language: current.language });
      await enqueueEmail(tx, { to: newEmail, ...confirmation, template: 'logon-email-changed:new' });
      const notice = logonEmailChangedOld({
        uid: account.uid,
        when: now,
        ip: meta.ip,
        newEmailMasked: maskEmail(newEmail),
        notMeUrl: `${services.config.publicUrl}/security/not-me/${token}`,
        validDays: NOT_ME_LINK_DAYS,
        language: current.language,
      });
      await enqueueEmail(tx, { to: current.logonEmail, ...notice, template: 'logon-email-changed:old' });
      await recordAudit(tx, {
        actor: { type: 'customer', id: session.id },
        action: 'logon_email.changed',
        accountUid: account.uid,
        meta,
        data: { from: maskEmail(current.logonEmail), to: maskEmail(newEmail), via: 'self-service' },
      });
      return { ok: true, newEmail } as const;
    });
  } catch (err) {
    if (err instanceof EmailTaken || isUniqueViolation(err, 'logonEmail')) {
      return { ok: false, reason: 'invalid', problem: { field: 'newEmail', message: MESSAGES.inUse, inUse: true } };
    }
    throw err;
  } finally {
    services.outbox.kick();
  }
}

class EmailTaken extends Error {}
