import type { AppLoadContext } from '@remix-run/node';
import { recordAudit, type RequestMeta } from '~/audit/audit.server';
import { verifyPassword } from '~/auth/password.server';
import { maskEmail } from '~/lib/masking';
import { normaliseEmail } from '~/account/email';
import { matchTotp, newTotpSecret, openTotpSecret, sealTotpSecret } from './totp.server';
import { STAFF_SESSION_MS } from './session.server';
import { newToken, sha256 } from '~/lib/tokens.server';
import {
  beforeGuess,
  guessSucceeded,
  STAFF_GUESSES,
  waitInWords,
  type GuessRefusal,
  type GuessTicket,
} from '~/auth/guessing.server';

export const STAFF_INVALID = 'The email, password or code is incorrect.';

/** Why a staff sign-in step is refused before it is checked; each says what lifts it. */
export function staffThrottledMessage(refusal: GuessRefusal): string {
  const wait = waitInWords(refusal.retryAfterSec);
  switch (refusal.limit) {
    case 'login-and-address':
      return `Too many failed attempts for this email from your network. Try again in ${wait}.`;
    case 'address':
      return `Too many failed sign-in attempts from your network. Try again in ${wait}.`;
    case 'login-wait':
      return `Many wrong passwords or codes were tried for this email, so each attempt now waits a while. Try again in ${wait}; your next complete sign-in with your authenticator code ends the wait.`;
  }
}

type Refusal = { ok: false; message: string; status: number; retryAfterSec?: number };

/**
 * Counts this step as a failure before the password or code is checked (parallel guesses cannot all
 * pass a check made before any is counted), or refuses it, audited.
 */
async function throttled(
  context: AppLoadContext,
  email: string,
  meta: RequestMeta,
  staffId: string | null,
  stage: string,
): Promise<Refusal | GuessTicket> {
  const refused = await beforeGuess(context.services.limits, STAFF_GUESSES, email, meta.ip);
  if (!refused.refused) return refused;
  await context.services.prisma.$transaction((tx) =>
    recordAudit(tx, {
      actor: { type: 'anonymous', id: staffId ?? undefined },
      action: 'staff.login_throttled',
      meta,
      data: { email: maskEmail(email), stage, limit: refused.limit },
    }),
  );
  return { ok: false, message: staffThrottledMessage(refused), status: 429, retryAfterSec: refused.retryAfterSec };
}

async function countFailure(
  context: AppLoadContext,
  email: string,
  meta: RequestMeta,
  staffId: string | null,
  stage: string,
) {
  await context.services.prisma.$transaction((tx) =>
    recordAudit(tx, {
      actor: { type: 'anonymous', id: staffId ?? undefined },
      action: 'staff.login_failed',
      meta,
      data: { email: maskEmail(email), stage },
    }),
  );
}

/** Step 1: email and password. Deactivated or unknown staff get the same answer as a wrong password. */
export async function checkStaffPassword(
  context: AppLoadContext,
  rawEmail: string,
  password: string,
  meta: RequestMeta,
): Promise<{ ok: true; staffId: string; enrolled: boolean } | Refusal> {
  const email = normaliseEmail(rawEmail).slice(0, 254);
  const guess = await throttled(context, email, meta, null, 'password');
  if ('ok' in guess) return guess;
  const staff = await context.services.prisma.staff.findUnique({ where: { email } });
  const ok = await verifyPassword(staff?.passwordHash, password);
  if (!staff || !ok || !staff.active) {
    await countFailure(context, email, meta, staff?.id ?? null, 'password');
    return { ok: false, message: STAFF_INVALID, status: 401 };
  }
  // Only the TOTP step proves the member: the password takes its own count back and lifts the wait for that step.
  await guessSucceeded(context.services.limits, STAFF_GUESSES, email, meta.ip, guess, { clearLogin: false });
  return { ok: true, staffId: staff.id, enrolled: Boolean(staff.totpEnrolledAt && staff.totpSecretEncrypted) };
}

/**
 * Step 2: the TOTP code. A code (time step) is accepted once; the session then gets its full 8 hours
 * and a new token, so the one issued at the password step (the cookie then) never becomes the full session.
 */
export async function completeStaffSignIn(
  context: AppLoadContext,
  sessionId: string,
  code: string,
  meta: RequestMeta,
  now = Date.now(),
): Promise<{ ok: true; token: string } | Refusal> {
  const { prisma, config } = context.services;
  const session = await prisma.staffSession.findUniqueOrThrow({ where: { id: sessionId }, include: { staff: true } });
  const staff = session.staff;
  const guess = await throttled(context, staff.email, meta, staff.id, 'totp');
  if ('ok' in guess) return guess;
  const step = staff.totpSecretEncrypted
    ? matchTotp(openTotpSecret(config.encryptionKeys, staff.totpSecretEncrypted), code.trim(), now)
    : null;
  if (step === null) {
    await countFailure(context, staff.email, meta, staff.id, 'totp');
    return {
      ok: false,
      message: 'The code is incorrect or has expired. Enter the current code from your authenticator app.',
      status: 401,
    };
  }
  const token = newToken();
  const accepted = await prisma.$transaction(async (tx) => {
    // Replay guard: only a newer time step than the last one accepted.
    const used = await tx.staff.updateMany({
      where: { id: staff.id, active: true, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] },
      data: { totpLastStep: step, ...(staff.totpEnrolledAt ? {} : { totpEnrolledAt: new Date(now) }) },
    });
    if (!used.count) return false;
    await tx.staffSession.update({
      where: { id: session.id },
      data: {
        tokenHash: sha256(token),
        mfaPassed: true,
        expiresAt: new Date(now + STAFF_SESSION_MS),
        lastSeenAt: new Date(now),
      },
    });
    await recordAudit(tx, {
      actor: { type: 'staff', id: staff.id },
      action: staff.totpEnrolledAt ? 'staff.login' : 'staff.totp_enrolled',
      meta,
      data: { email: maskEmail(staff.email) },
    });
    return true;
  });
  if (!accepted) return { ok: false, message: 'This code was already used. Wait for the next one.', status: 401 };
  // A TOTP-verified sign-in proves the member: this email's failures and wait start afresh.
  await guessSucceeded(context.services.limits, STAFF_GUESSES, staff.email, meta.ip, guess, { clearLogin: true });
  return { ok: true, token };
}

/** First sign-in: a new secret is made (and kept sealed) until the member proves it with a code. */
export async function enrolmentSecret(context: AppLoadContext, staffId: string): Promise<string> {
  const { prisma, config } = context.services;
  const staff = await prisma.staff.findUniqueOrThrow({ where: { id: staffId } });
  if (staff.totpSecretEncrypted && !staff.totpEnrolledAt)
    return openTotpSecret(config.encryptionKeys, staff.totpSecretEncrypted);
  if (staff.totpEnrolledAt) throw new Error('already enrolled');
  const secret = newTotpSecret();
  await prisma.staff.updateMany({
    where: { id: staffId, totpEnrolledAt: null },
    data: { totpSecretEncrypted: sealTotpSecret(config.encryptionKeys, secret) },
  });
  const fresh = await prisma.staff.findUniqueOrThrow({ where: { id: staffId } });
  return openTotpSecret(config.encryptionKeys, fresh.totpSecretEncrypted!);
}
