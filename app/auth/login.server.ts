import { Authenticator } from 'remix-auth';
import { FormStrategy } from 'remix-auth-form';
import type { PrincipalType } from '~/generated/prisma/client';
import type { Services } from '~/services.server';
import type { RequestMeta } from '~/audit/audit.server';
import { recordAudit } from '~/audit/audit.server';
import { verifyPassword } from './password.server';
import { createSession } from './session.server';
import { normaliseEmail } from '~/account/email';
import { maskEmail } from '~/lib/masking';
import { beforeGuess, CUSTOMER_GUESSES, guessSucceeded, waitInWords, type GuessRefusal } from './guessing.server';

export const INVALID_CREDENTIALS = 'The logon name or password is incorrect.';

/** Why a sign-in is refused before its password is checked; each says what lifts it, and only what does. */
export function throttledMessage(refusal: GuessRefusal, login: string): string {
  const wait = waitInWords(refusal.retryAfterSec);
  // A completed password reset starts this login's counters afresh (see guessKey); RAM users have no reset here.
  const orReset = RAM_LOGIN.test(login) ? '' : ', or reset your password';
  switch (refusal.limit) {
    case 'login-and-address':
      return `Too many failed sign-in attempts for this logon name from your network. Try again in ${wait}${orReset}.`;
    case 'address':
      return `Too many failed sign-in attempts from your network. Try again in ${wait}.`;
    case 'login-wait':
      return `Many wrong passwords were tried for this logon name, so each sign-in attempt now waits a while. Try again in ${wait}${orReset}.`;
  }
}

export type SignedInIdentity = {
  principalType: PrincipalType;
  accountUid: string;
  ramUserId: string | null;
  login: string;
};

export class LoginRefused extends Error {
  constructor(
    readonly kind: 'invalid' | 'throttled',
    message: string,
    readonly retryAfterSec?: number,
  ) {
    super(message);
  }
}

/** name@<UID>.onaliyun.com or name@<alias>.onaliyun.com */
const RAM_LOGIN = /^([a-z0-9._-]{1,64})@([a-z0-9-]{1,64})\.onaliyun\.com$/;

type Candidate = {
  principalType: PrincipalType;
  accountUid: string;
  ramUserId: string | null;
  passwordHash: string | null;
  passwordChangedAt: Date | null;
};

/** The key guesses of a login are counted by: with the password's date, so a completed reset starts every counter afresh. */
function guessKey(login: string, candidate: Candidate | null): string {
  const key = login || '(empty)';
  return candidate?.passwordChangedAt ? `${key}#${candidate.passwordChangedAt.getTime()}` : key;
}

async function findCandidate(services: Services, login: string): Promise<Candidate | null> {
  const ram = RAM_LOGIN.exec(login);
  if (ram) {
    const [, name, accountRef] = ram;
    const user = await services.prisma.ramUser.findFirst({
      where: { name, account: /^\d{16}$/.test(accountRef) ? { uid: accountRef } : { alias: accountRef } },
      select: { id: true, accountUid: true, passwordHash: true },
    });
    return (
      user && {
        principalType: 'RAM_USER',
        accountUid: user.accountUid,
        ramUserId: user.id,
        passwordHash: user.passwordHash,
        passwordChangedAt: null,
      }
    );
  }
  const account = await services.prisma.account.findUnique({
    where: { logonEmail: login },
    select: { uid: true, passwordHash: true, passwordChangedAt: true },
  });
  return (
    account && {
      principalType: 'OWNER',
      accountUid: account.uid,
      ramUserId: null,
      passwordHash: account.passwordHash,
      passwordChangedAt: account.passwordChangedAt,
    }
  );
}

/**
 * Checks a logon name and password. Unknown names cost the same as known ones (one argon2
 * verification against a dummy hash) and get the same message; guesses are throttled per name and
 * address, per address, and per name with a growing wait (guessing.server.ts), never locked.
 */
export async function signIn(
  services: Services,
  loginRaw: string,
  password: string,
  meta: RequestMeta,
): Promise<SignedInIdentity> {
  const login = normaliseEmail(loginRaw).slice(0, 254);
  const candidate = await findCandidate(services, login);
  const key = guessKey(login, candidate);
  // Counted as a failure before the password is checked (given back if it is right): 200 guesses sent
  // at once get a few checks, not 200.
  const guess = await beforeGuess(services.limits, CUSTOMER_GUESSES, key, meta.ip);
  if (guess.refused) {
    await services.prisma.$transaction((tx) =>
      recordAudit(tx, {
        actor: { type: 'anonymous' },
        action: 'login.throttled',
        accountUid: candidate?.accountUid ?? null,
        meta,
        data: { login: maskEmail(login), limit: guess.limit },
      }),
    );
    throw new LoginRefused('throttled', throttledMessage(guess, login), guess.retryAfterSec);
  }
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
  await guessSucceeded(services.limits, CUSTOMER_GUESSES, key, meta.ip, guess, { clearLogin: true });
  return {
    principalType: candidate.principalType,
    accountUid: candidate.accountUid,
    ramUserId: candidate.ramUserId,
    login,
  };
}

/** Opens the session of a password sign-in, with its audit event: the token for the session cookie. */
export async function startSignedInSession(
  prisma: Services['prisma'],
  identity: SignedInIdentity,
  meta: RequestMeta,
): Promise<string> {
  const { token } = await prisma.$transaction(async (tx) => {
    const created = await createSession(tx, { ...identity, ...meta });
    await recordAudit(tx, {
      actor: { type: 'customer', id: created.session.id },
      action: 'login.succeeded',
      accountUid: identity.accountUid,
      meta,
      data: { principalType: identity.principalType },
    });
    return created;
  });
  return token;
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
