// Throttling of password (and staff TOTP) guesses that a stranger cannot turn into a lock-out of the
// subscriber (NIST SP 800-63B §3.2.2): a tight limit per login name *and* client address, a limit per
// address across names, and per name from anywhere no lock at all — after FREE_FAILURES failed guesses
// each next one waits, the wait doubling up to MAX_WAIT_SEC, while the owner's other ways in stay open.
import type { LimitName, RateLimits } from '~/security/rate-limits.server';

export type GuessLimits = { pair: LimitName; perLogin: LimitName; wait: LimitName };

export const CUSTOMER_GUESSES: GuessLimits = {
  pair: 'loginFailuresPerLoginAndIp',
  perLogin: 'loginFailuresPerLogin',
  wait: 'loginWaitPerLogin',
};
export const STAFF_GUESSES: GuessLimits = {
  pair: 'staffFailuresPerLoginAndIp',
  perLogin: 'staffFailuresPerLogin',
  wait: 'staffWaitPerLogin',
};

/** Failed guesses of one login name (from any address, within 24 h) before each further guess waits. */
export const FREE_FAILURES = 10;
export const MAX_WAIT_SEC = 30 * 60;

/** Seconds the next guess of a login waits after its `failures`-th guess (0 within the free ones). */
export function waitAfterGuess(failures: number): number {
  return failures <= FREE_FAILURES ? 0 : Math.min(MAX_WAIT_SEC, 2 ** (failures - FREE_FAILURES));
}

/** Which limit refused: this login from this address, this address (any login), or this login (a wait). */
export type GuessRefusal = { limit: 'login-and-address' | 'address' | 'login-wait'; retryAfterSec: number };

const pairKey = (login: string, ip: string) => `${login}|${ip}`;

/** A guess counted and let through: how many the login's count held with it (for `guessSucceeded`). */
export type GuessTicket = { refused: false; failures: number };

/**
 * Counts a guess before it is checked (parallel guesses cannot all pass a check made before any of them
 * is counted), or says which limit refuses it. A guess that then turns out right calls `guessSucceeded`.
 */
export async function beforeGuess(
  limits: RateLimits,
  scope: GuessLimits,
  login: string,
  ip: string,
): Promise<(GuessRefusal & { refused: true }) | GuessTicket> {
  const refused = await limits.attempt([
    [scope.pair, pairKey(login, ip)],
    ['loginFailuresPerIp', ip],
  ]);
  if (refused)
    return {
      refused: true,
      limit: refused.limit === scope.pair ? 'login-and-address' : 'address',
      retryAfterSec: refused.retryAfterSec,
    };
  const failures = await limits.count(scope.perLogin, login);
  if (failures > FREE_FAILURES) {
    // One guess at a time: whoever takes the slot sets the wait for the next one before its check.
    const slot = await limits.consume(scope.wait, login);
    if (!slot.allowed) {
      await limits.forgive(scope.perLogin, login);
      await limits.forgive(scope.pair, pairKey(login, ip));
      await limits.forgive('loginFailuresPerIp', ip);
      return { refused: true, limit: 'login-wait', retryAfterSec: slot.retryAfterSec };
    }
    await limits.block(scope.wait, login, waitAfterGuess(failures));
  }
  return { refused: false, failures };
}

/**
 * A right guess takes back what it counted. `clearLogin`: it proves the subscriber (a customer's
 * password, a staff member's TOTP step), so the login's failures and wait start afresh; otherwise (a
 * staff password, with the TOTP step still to come) only the wait is lifted for that next step.
 */
export async function guessSucceeded(
  limits: RateLimits,
  scope: GuessLimits,
  login: string,
  ip: string,
  ticket: GuessTicket,
  options: { clearLogin: boolean },
): Promise<void> {
  await limits.forgive('loginFailuresPerIp', ip);
  // A wait is set only past the free failures (one round trip less on an ordinary sign-in).
  if (ticket.failures > FREE_FAILURES) await limits.reset(scope.wait, login);
  if (options.clearLogin) {
    await limits.reset(scope.pair, pairKey(login, ip));
    await limits.reset(scope.perLogin, login);
  } else {
    await limits.forgive(scope.pair, pairKey(login, ip));
    await limits.forgive(scope.perLogin, login);
  }
}

/** "3 minutes", "40 seconds": a wait in words, rounded up. */
export function waitInWords(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
