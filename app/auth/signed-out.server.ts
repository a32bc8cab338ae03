// Why this browser's session ended, told on the sign-in page: the session cookie the browser still
// presents names a session that was ended by a change of the logon email or by a password reset.
import type { PortalConfig } from '~/config.server';
import type { PrismaClient } from '~/generated/prisma/client';
import { sha256 } from '~/lib/tokens.server';
import { readSessionToken } from './session.server';

export type SignedOutReason = 'logon-email-changed' | 'password-reset';

export const SIGNED_OUT_MESSAGES: Record<SignedOutReason, string> = {
  'logon-email-changed':
    'You were signed out because the logon email of this account was changed. Sign in with the new logon email.',
  'password-reset':
    'You were signed out because the password of this account was reset. Sign in with the new password.',
};

/**
 * The reason, when the session of this request's cookie was ended together with (in the same
 * transaction as, so at the same instant as) a change of the account's logon email or password.
 * Only the holder of that cookie learns it, and only for the account it was signed in to.
 */
export async function signedOutReason(
  prisma: PrismaClient,
  config: PortalConfig,
  request: Request,
): Promise<SignedOutReason | null> {
  const token = await readSessionToken(config, request);
  if (!token) return null;
  const session = await prisma.session.findUnique({
    where: { tokenHash: sha256(token) },
    select: {
      revokedAt: true,
      principalType: true,
      account: { select: { logonEmailChangedAt: true, passwordChangedAt: true } },
    },
  });
  const ended = session?.revokedAt?.getTime();
  if (!session || ended === undefined || session.principalType !== 'OWNER') return null;
  if (session.account.logonEmailChangedAt?.getTime() === ended) return 'logon-email-changed';
  if (session.account.passwordChangedAt?.getTime() === ended) return 'password-reset';
  return null;
}
