import { Authenticator } from 'remix-auth';
import { FormStrategy } from 'remix-auth-form';
import type { PrincipalType } from '~/generated/prisma/client';
import type { Services } from '~/services.server';
import type { RequestMeta } from '~/audit/audit.server';
import { recordAudit } from '~/audit/audit.server';
import { verifyPassword } from './password.server';
import { normaliseEmail } from '~/account/email';
import { maskEmail } from '~/account/masking';

export const INVALID_CREDENTIALS = 'The logon name or password is incorrect.';
export const LOCKED_OUT = (minutes: number) =>
  `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or reset your password.`;

export type SignedInIdentity = { principalType: PrincipalType; accountUid: string; ramUserId: string | null; login: string };

export class LoginRefused extends Error {
  constructor(readonly kind: 'invalid' | 'locked', message: string, readonly retryAfterSec?: number) {
    super(message);
  }
}

/** name@<UID>.onaliyun.com or name@<alias>.onaliyun.com */
const RAM_LOGIN = /^([a-z0-9._-]{1,64})@([a-z0-9-]{1,64})\.onaliyun\.com$/;

type Candidate = { principalType: PrincipalType; accountUid: string; ramUserId: string | null; passwordHash: string | null };

async function findCandidate(services: Services, login: string): Promise<Candidate | null> {
  const ram = RAM_LOGIN.exec(login);
  if (ram) {
    const [, name, accountRef] = ram;
    const user = await services.prisma.ramUser.findFirst({
      where: { name, account: /^\d{16}$/.test(accountRef) ? { uid: accountRef } : { alias: accountRef } },
      select: { id: true, accountUid: true, passwordHash: true },
    });
    return user && { principalType: 'RAM_USER', accountUid: user.accountUid, ramUserId: user.id, passwordHash: user.passwordHash };
  }
  const account = await services.prisma.account.findUnique({ where: { logonEmail: login }, select: { uid: true, passwordHash: true } });
  return account && { principalType: 'OWNER', accountUid: account.uid, ramUserId: null, passwordHash: account.passwordHash };
}

/**
 * Checks a logon name and password. Unknown names cost the same as known ones (one argon2
 * verification against a dummy hash) and get the same message; failures count per name and per IP.
 */
export async function signIn(services: Services, loginRaw: string, password: string, meta: RequestMeta): Promise<SignedInIdentity> {
  const login = normaliseEmail(loginRaw).slice(0, 254);
  const limitKey = login || '(empty)';
  // Counted as a failure before the password is checked (given back if it is right): 200 guesses sent
  // at once get 5 checks, not 200.
  const refused = await services.limits.attempt([
    ['loginFailuresPerLogin', limitKey],
    ['loginFailuresPerIp', meta.ip],
  ]);
  if (refused) {
    await services.prisma.$transaction((tx) =>
      recordAudit(tx, { actor: { type: 'anonymous' }, action: 'login.locked_out', meta, data: { login: maskEmail(login), limit: refused.limit } }),
    );
    throw new LoginRefused('locked', LOCKED_OUT(Math.ceil(refused.retryAfterSec / 60)), refused.retryAfterSec);
  }
  const candidate = await findCandidate(services, login);
  const ok = await verifyPassword(candidate?.passwordHash, password);
  if (!candidate || !ok) {
    await services.prisma.$transaction((tx) =>
      recordAudit(tx, {
        actor: { type: 'anonymous' },
        action: 'login.failed',
        accountUid: candidate?.accountUid ?? null,
        meta,
        data: { login: maskEmail(login) },
      }),
    );
    throw new LoginRefused('invalid', INVALID_CREDENTIALS);
  }
  await services.limits.reset('loginFailuresPerLogin', limitKey);
  await services.limits.forgive('loginFailuresPerIp', meta.ip);
  return { principalType: candidate.principalType, accountUid: candidate.accountUid, ramUserId: candidate.ramUserId, login };
}

/** remix-auth with its form strategy; the strategy's verify callback is `signIn`. */
export function passwordAuthenticator(services: Services, meta: RequestMeta) {
  const authenticator = new Authenticator<SignedInIdentity>();
  authenticator.use(
    new FormStrategy(async ({ form }) => {
      const login = form.get('login');
      const password = form.get('password');
      if (typeof login !== 'string' || typeof password !== 'string' || !login.trim() || !password) {
        throw new LoginRefused('invalid', 'Enter your logon name and password.');
      }
      return signIn(services, login, password.slice(0, 256), meta);
    }),
    'password',
  );
  return authenticator;
}
