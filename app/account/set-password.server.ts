// The new owner's first password after an appeal's handover: a single-use link to the new logon email
// (72 hours). Until it is used the account has no password, so the old one signs in nowhere.
import type { Services } from '~/services.server';
import { recordAudit, type RequestMeta } from '~/audit/audit.server';
import { hashPassword, passwordProblem } from '~/auth/password.server';
import { sha256 } from '~/lib/tokens.server';
import { SET_PASSWORD_KIND } from '~/appeals/handover.server';
import { maskEmail } from '~/lib/masking';

export type SetPasswordLink =
  { state: 'live'; emailMasked: string } | { state: 'used' } | { state: 'expired' } | { state: 'unknown' };

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,100}$/;

export async function readSetPasswordLink(
  services: Pick<Services, 'prisma'>,
  token: string,
  now = new Date(),
): Promise<SetPasswordLink> {
  if (!TOKEN_SHAPE.test(token)) return { state: 'unknown' };
  const row = await services.prisma.securityNoticeToken.findUnique({
    where: { tokenHash: sha256(token) },
    select: { kind: true, usedAt: true, expiresAt: true, account: { select: { logonEmail: true } } },
  });
  if (!row || row.kind !== SET_PASSWORD_KIND) return { state: 'unknown' };
  if (row.usedAt) return { state: 'used' };
  if (row.expiresAt <= now) return { state: 'expired' };
  return { state: 'live', emailMasked: maskEmail(row.account.logonEmail) };
}

export type SetPasswordResult = { ok: true } | { ok: false; field: 'password' | null; message: string };

export const SET_PASSWORD_ENDED: Record<'used' | 'expired' | 'unknown', string> = {
  used: 'This link was already used to set a password. Sign in, or use “Forgot password?” on the sign-in page.',
  expired:
    'This link has expired (it is valid for 72 hours). Use “Forgot password?” on the sign-in page: a code goes to your logon email.',
  unknown: 'This link is not valid. Use “Forgot password?” on the sign-in page.',
};

/** Sets the password once: the link is locked, checked and used up in the same transaction as the change. */
export async function setPasswordFromLink(
  services: Services,
  input: { token: string; password: string; meta: RequestMeta },
  now = new Date(),
): Promise<SetPasswordResult> {
  if (!TOKEN_SHAPE.test(input.token)) return { ok: false, field: null, message: SET_PASSWORD_ENDED.unknown };
  // Not the account's own email or name, nor a common password; the link itself is checked, locked, below.
  const owner = await services.prisma.securityNoticeToken.findUnique({
    where: { tokenHash: sha256(input.token) },
    select: { account: { select: { logonEmail: true, holderName: true } } },
  });
  const weak = passwordProblem(input.password, { email: owner?.account.logonEmail, name: owner?.account.holderName });
  if (weak) return { ok: false, field: 'password', message: weak };
  // Hash before the transaction: argon2 takes tens of milliseconds and must not hold it open.
  const passwordHash = await hashPassword(input.password);
  return services.prisma.$transaction(async (tx) => {
    const [locked] = await tx.$queryRawUnsafe<{ id: string }[]>(
      'SELECT "id" FROM "SecurityNoticeToken" WHERE "tokenHash" = $1 FOR UPDATE',
      sha256(input.token),
    );
    const row = locked ? await tx.securityNoticeToken.findUnique({ where: { id: locked.id } }) : null;
    if (!row || row.kind !== SET_PASSWORD_KIND) return { ok: false, field: null, message: SET_PASSWORD_ENDED.unknown };
    if (row.usedAt) return { ok: false, field: null, message: SET_PASSWORD_ENDED.used };
    if (row.expiresAt <= now) return { ok: false, field: null, message: SET_PASSWORD_ENDED.expired };
    await tx.securityNoticeToken.update({ where: { id: row.id }, data: { usedAt: now } });
    await tx.account.update({ where: { uid: row.accountUid }, data: { passwordHash, passwordChangedAt: now } });
    await recordAudit(tx, {
      actor: { type: 'anonymous', id: `set-password:${row.id}` },
      action: 'password.set',
      accountUid: row.accountUid,
      appealId: row.appealId,
      meta: input.meta,
      data: { via: 'handover-link' },
    });
    return { ok: true } as const;
  });
}
