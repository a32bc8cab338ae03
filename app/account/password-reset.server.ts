// "How do I reset a forgotten password?": a code to the logon email or the secure phone, then a new
// password. Every answer is the same whether or not the email is registered (or has a phone).
import type { VerificationChannel } from '~/generated/prisma/client';
import type { Services } from '~/services.server';
import { recordAudit, type RequestMeta } from '~/audit/audit.server';
import { checkCode, sendCode } from '~/verification/codes.server';
import { enqueueEmail } from '~/outbox/outbox.server';
import { passwordChanged } from '~/outbox/templates';
import { hashPassword, passwordProblem } from '~/auth/password.server';
import { maskEmail } from '~/lib/masking';
import { RESET_MESSAGES } from './messages';

export { RESET_MESSAGES };

export async function requestPasswordReset(
  services: Services,
  input: { email: string; channel: VerificationChannel; flowKey: string; meta: RequestMeta },
): Promise<{ ok: true } | { ok: false; retryAfterSec: number }> {
  for (const [name, key] of [
    ['resetRequestsPerFlow', input.flowKey],
    ['resetRequestsPerEmail', input.email],
    ['resetCodeRequestsPerIp', input.meta.ip],
  ] as const) {
    const verdict = await services.limits.consume(name, key);
    if (!verdict.allowed) return { ok: false, retryAfterSec: verdict.retryAfterSec };
  }
  const account = await services.prisma.account.findUnique({
    where: { logonEmail: input.email },
    select: { uid: true, logonEmail: true, securePhone: true },
  });
  const target = input.channel === 'SMS' ? account?.securePhone : account?.logonEmail;
  await sendCode(services, {
    purpose: 'PASSWORD_RESET',
    channel: input.channel,
    target: target ?? input.email,
    accountUid: account?.uid ?? null,
    requesterKey: `reset:${input.flowKey}`,
    actor: { type: 'anonymous' },
    meta: input.meta,
    deliver: Boolean(account && target),
  });
  return { ok: true };
}

/** A new password refused once the code proved the requester (inside the transaction, to roll it back). */
class PasswordRefused extends Error {}

export type ResetResult = { ok: true } | { ok: false; field: 'code' | 'password'; message: string };

export async function resetPassword(
  services: Services,
  input: {
    email: string;
    channel: VerificationChannel;
    flowKey: string;
    code: string;
    password: string;
    meta: RequestMeta;
  },
  now = new Date(),
): Promise<ResetResult> {
  const account = await services.prisma.account.findUnique({ where: { logonEmail: input.email } });
  const weak = passwordProblem(input.password, { email: input.email });
  if (weak) return { ok: false, field: 'password', message: weak };
  // The name on file is told only to whoever holds the right code: before it, this answer would say
  // whether the email is registered and to whom. Judged for every request alike (the same time taken).
  const weakForOwner = passwordProblem(input.password, {
    email: input.email,
    name: account?.holderName ?? 'Account Holder',
  });
  const target = input.channel === 'SMS' ? account?.securePhone : account?.logonEmail;
  // Hash before the transaction: argon2 takes tens of milliseconds and must not hold it open.
  const passwordHash = await hashPassword(input.password);
  if (!account || !target) return { ok: false, field: 'code', message: RESET_MESSAGES.badCode };
  const result = await services.prisma
    .$transaction(async (tx) => {
      const check = await checkCode(
        tx,
        services.config.encryptionSecret,
        {
          purpose: 'PASSWORD_RESET',
          target,
          accountUid: account.uid,
          requesterKey: `reset:${input.flowKey}`,
          code: input.code,
          actor: { type: 'anonymous' },
          meta: input.meta,
        },
        undefined,
        now,
      );
      if (!check.ok) return { ok: false, field: 'code', message: RESET_MESSAGES.badCode } as const;
      // Rolled back: the code stays usable for a better password.
      if (weakForOwner) throw new PasswordRefused(weakForOwner);
      await tx.account.update({ where: { uid: account.uid }, data: { passwordHash, passwordChangedAt: now } });
      await tx.session.updateMany({
        where: { accountUid: account.uid, principalType: 'OWNER', revokedAt: null },
        data: { revokedAt: now },
      });
      await enqueueEmail(tx, {
        to: account.logonEmail,
        ...passwordChanged({ uid: account.uid, when: now, ip: input.meta.ip }),
        template: 'password-reset',
      });
      await recordAudit(tx, {
        actor: { type: 'anonymous' },
        action: 'password.reset',
        accountUid: account.uid,
        meta: input.meta,
        data: { email: maskEmail(account.logonEmail), channel: input.channel },
      });
      return { ok: true } as const;
    })
    .catch((err: unknown) => {
      if (err instanceof PasswordRefused) return { ok: false, field: 'password', message: err.message } as const;
      throw err;
    });
  services.outbox.kick();
  return result;
}
