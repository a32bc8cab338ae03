// One verification mechanism for every flow (change of logon email, password reset, appeal email
// proof): 6-digit codes bound to purpose + destination + account (+ the session or flow that asked),
// stored as an HMAC, valid 10 minutes, single use, 5 wrong entries kill them.
import { createHmac, randomUUID } from 'node:crypto';
import type { VerificationChannel, VerificationPurpose } from '~/generated/prisma/client';
import type { Services } from '~/services.server';
import { recordAudit, type AuditActor, type RequestMeta, type Tx } from '~/audit/audit.server';
import { enqueueEmail, enqueueSms } from '~/outbox/outbox.server';
import { newNumericCode, safeEqual } from '~/lib/tokens.server';
import { maskDestination } from '~/lib/masking';
import { codeMessage } from '~/outbox/templates';

import { CODE_RULES, type CodeRules } from './rules';

export { CODE_RULES, type CodeRules };

export type IssueInput = {
  purpose: VerificationPurpose;
  channel: VerificationChannel;
  /** Normalised email or E.164 phone. */
  target: string;
  accountUid?: string | null;
  /** The session or anonymous flow the code is for; another one cannot use it. */
  requesterKey: string;
  actor: AuditActor;
  meta: RequestMeta;
  /** Whether to really send it (false: the answer looks the same, but nothing is stored or sent — no enumeration). */
  deliver?: boolean;
  /** The language of the message (the account's); none is English. */
  language?: string | null;
};

export type IssueResult =
  | { ok: true; verificationId: string | null; resendAt: Date; expiresAt: Date }
  | { ok: false; reason: 'cooldown'; retryAfterSec: number }
  | { ok: false; reason: 'limit'; window: 'hour' | 'day'; scope: LimitScope; retryAfterSec: number };

/**
 * What a send limit counts: the codes sent to one address or number, or the codes a signed-in account
 * sent to new logon emails of its choosing, whatever the addresses — the one purpose whose destination
 * the requester picks, so an account cannot spray codes over many addresses. A destination has two
 * budgets of the same size: codes anonymous requesters asked for (password reset, appeal email proof),
 * and codes the signed-in owner asked for — a stranger who knows the logon email must not use up the
 * owner's change of address, and the two together bound what reaches an inbox. `address`: a client
 * address's own budget (rate-limits.server.ts), anonymous and signed-in apart too.
 */
export type LimitScope = 'destination' | 'account' | 'address';

/** The purposes a signed-in owner asks for; every other code comes from an anonymous requester. */
const SIGNED_IN_PURPOSES: readonly VerificationPurpose[] = ['CHANGE_EMAIL_IDENTITY', 'CHANGE_EMAIL_NEW'];
const requesterClass = (purpose: VerificationPurpose) =>
  SIGNED_IN_PURPOSES.includes(purpose) ? 'signed-in' : 'anonymous';

/** The purpose counted for the account, besides its destinations. */
const ACCOUNT_COUNTED: VerificationPurpose = 'CHANGE_EMAIL_NEW';

export type CheckResult =
  | { ok: true; verificationId: string }
  | { ok: false; reason: 'no-code' | 'expired' | 'used' | 'locked' }
  | { ok: false; reason: 'wrong'; attemptsLeft: number };

export function hashCode(pepper: string, verificationId: string, code: string): string {
  return createHmac('sha256', pepper).update(`${verificationId}:${code}`).digest('hex');
}

/**
 * Takes the transaction's locks on these keys in one statement, in the order given (PostgreSQL
 * evaluates a select list left to right), so that every issuer takes them in the same order.
 */
async function lockKeys(tx: Tx, keys: string[]): Promise<void> {
  await tx.$executeRawUnsafe(
    `SELECT ${keys.map((_, i) => `pg_advisory_xact_lock(hashtext($${i + 1}))`).join(', ')}`,
    ...keys,
  );
}

/** Issues a code in a transaction of its own and wakes the outbox dispatcher once it is committed. */
export async function sendCode(
  services: Pick<Services, 'prisma' | 'config' | 'outbox'>,
  input: IssueInput,
): Promise<IssueResult> {
  const result = await services.prisma.$transaction((tx) => issueCode(tx, services.config.encryptionSecret, input));
  if (result.ok) services.outbox.kick();
  return result;
}

/**
 * Issues a new code (replacing the previous one for the same purpose, destination and requester),
 * queues it in the outbox, and audits it — all in the caller's transaction. Limits are counted from
 * the stored codes under a per-destination lock, so parallel requests cannot exceed them.
 */
export async function issueCode(
  tx: Tx,
  pepper: string,
  input: IssueInput,
  rules: CodeRules = CODE_RULES,
  now = new Date(),
): Promise<IssueResult & { code?: string }> {
  // Before any read: a statement's snapshot is taken when it starts, so the reads below must be
  // statements of their own, after this one.
  await lockKeys(tx, [
    `verification:${input.target}`,
    ...(accountCounted(input) ? [`verification-account:${input.accountUid}`] : []),
    `verification-requester:${input.requesterKey}`,
  ]);

  const last = await tx.verification.findFirst({
    // One live code per purpose and requester: switching channel or address does not skip the cooldown.
    where: { purpose: input.purpose, requesterKey: input.requesterKey, accountUid: input.accountUid ?? null },
    orderBy: { createdAt: 'desc' },
    select: { createdAt: true },
  });
  if (last && now.getTime() - last.createdAt.getTime() < rules.resendAfterMs) {
    return {
      ok: false,
      reason: 'cooldown',
      retryAfterSec: Math.ceil((last.createdAt.getTime() + rules.resendAfterMs - now.getTime()) / 1000),
    };
  }
  const limit = await sendLimit(tx, input, rules, now);
  if (limit) return limit;

  if (input.deliver === false) {
    // Unknown destination: same answer, nothing stored, nothing sent.
    return {
      ok: true,
      verificationId: null,
      resendAt: new Date(now.getTime() + rules.resendAfterMs),
      expiresAt: new Date(now.getTime() + rules.ttlMs),
    };
  }

  await tx.verification.updateMany({
    where: {
      purpose: input.purpose,
      requesterKey: input.requesterKey,
      accountUid: input.accountUid ?? null,
      consumedAt: null,
      invalidatedAt: null,
    },
    data: { invalidatedAt: now },
  });
  const code = newNumericCode(6);
  const expiresAt = new Date(now.getTime() + rules.ttlMs);
  // The id is chosen here, so the code's hash (which binds it to its row) is written with the row.
  const id = randomUUID();
  await tx.verification.create({
    data: {
      id,
      purpose: input.purpose,
      channel: input.channel,
      target: input.target,
      accountUid: input.accountUid ?? null,
      requesterKey: input.requesterKey,
      codeHash: hashCode(pepper, id, code),
      createdAt: now,
      expiresAt,
    },
    select: { id: true },
  });
  const message = codeMessage(input.purpose, code, rules.ttlMs / 60_000, input.language);
  if (input.channel === 'EMAIL')
    await enqueueEmail(tx, {
      to: input.target,
      subject: message.subject,
      text: message.text,
      template: `code:${input.purpose}`,
    });
  else await enqueueSms(tx, { to: input.target, text: message.sms, template: `code:${input.purpose}` });
  await recordAudit(tx, {
    actor: input.actor,
    action: 'verification.code_sent',
    accountUid: input.accountUid ?? null,
    meta: input.meta,
    data: { purpose: input.purpose, channel: input.channel, to: maskDestination(input.target) },
  });
  return { ok: true, verificationId: id, resendAt: new Date(now.getTime() + rules.resendAfterMs), expiresAt, code };
}

function accountCounted(input: IssueInput): input is IssueInput & { accountUid: string } {
  return Boolean(input.accountUid) && input.purpose === ACCOUNT_COUNTED;
}

async function sendLimit(tx: Tx, input: IssueInput, rules: CodeRules, now: Date): Promise<IssueResult | null> {
  const hourAgo = new Date(now.getTime() - 60 * 60_000);
  const dayAgo = new Date(now.getTime() - 24 * 60 * 60_000);
  // Both scopes (the destination, and the account when it counts) in one read, then counted apart.
  // Each scope is a set of equalities (the read's OR) and a test of its rows.
  type Row = { target: string; accountUid: string | null; purpose: VerificationPurpose };
  const requester = requesterClass(input.purpose);
  const scopes: { scope: LimitScope; where: Partial<Row>; counts: (v: Row) => boolean }[] = [
    {
      scope: 'destination',
      where: { target: input.target },
      counts: (v) => v.target === input.target && requesterClass(v.purpose) === requester,
    },
  ];
  if (accountCounted(input)) {
    scopes.push({
      scope: 'account',
      where: { accountUid: input.accountUid, purpose: ACCOUNT_COUNTED },
      counts: (v) => v.accountUid === input.accountUid && v.purpose === ACCOUNT_COUNTED,
    });
  }
  const recent = await tx.verification.findMany({
    where: { createdAt: { gt: dayAgo }, OR: scopes.map((s) => s.where) },
    select: { createdAt: true, target: true, accountUid: true, purpose: true },
    orderBy: { createdAt: 'asc' },
  });
  for (const { scope, counts } of scopes) {
    const sentToday = recent.filter(counts);
    const lastHour = sentToday.filter((v) => v.createdAt > hourAgo);
    if (sentToday.length >= rules.perDay) {
      return {
        ok: false,
        reason: 'limit',
        window: 'day',
        scope,
        retryAfterSec: Math.ceil((sentToday[0].createdAt.getTime() + 24 * 3600_000 - now.getTime()) / 1000),
      };
    }
    if (lastHour.length >= rules.perHour) {
      return {
        ok: false,
        reason: 'limit',
        window: 'hour',
        scope,
        retryAfterSec: Math.ceil((lastHour[0].createdAt.getTime() + 3600_000 - now.getTime()) / 1000),
      };
    }
  }
  return null;
}

export type CheckInput = {
  purpose: VerificationPurpose;
  target: string;
  accountUid?: string | null;
  requesterKey: string;
  code: string;
  actor: AuditActor;
  meta: RequestMeta;
};

/**
 * Checks a code against the newest live code for this purpose, destination and requester, and
 * consumes it when right. A wrong entry is counted on the code itself (not only per IP); the fifth
 * kills it. Call inside a transaction that commits even when the answer is "wrong".
 */
export async function checkCode(
  tx: Tx,
  pepper: string,
  input: CheckInput,
  rules: CodeRules = CODE_RULES,
  now = new Date(),
): Promise<CheckResult> {
  const row = await tx.verification.findFirst({
    where: {
      purpose: input.purpose,
      target: input.target,
      requesterKey: input.requesterKey,
      accountUid: input.accountUid ?? null,
      invalidatedAt: null,
    },
    orderBy: { createdAt: 'desc' },
  });
  const fail = async (result: CheckResult) => {
    await recordAudit(tx, {
      actor: input.actor,
      action: 'verification.failed',
      accountUid: input.accountUid ?? null,
      meta: input.meta,
      data: { purpose: input.purpose, to: maskDestination(input.target), reason: result.ok ? 'ok' : result.reason },
    });
    return result;
  };
  if (!row) return fail({ ok: false, reason: 'no-code' });
  if (row.consumedAt) return fail({ ok: false, reason: 'used' });
  if (row.attempts >= rules.maxAttempts) return fail({ ok: false, reason: 'locked' });
  if (row.expiresAt <= now) return fail({ ok: false, reason: 'expired' });

  const candidate = /^\d{6}$/.test(input.code.trim()) ? input.code.trim() : '';
  if (!candidate || !safeEqual(hashCode(pepper, row.id, candidate), row.codeHash)) {
    // One UPDATE … RETURNING: the count after this entry, as the row holds it (a parallel wrong entry
    // is counted too), or no row when the code was used or locked meanwhile.
    const [after] = await tx.verification.updateManyAndReturn({
      where: { id: row.id, consumedAt: null, attempts: { lt: rules.maxAttempts } },
      data: { attempts: { increment: 1 } },
      select: { attempts: true },
    });
    if (!after || after.attempts >= rules.maxAttempts) {
      await tx.verification.updateMany({ where: { id: row.id, invalidatedAt: null }, data: { invalidatedAt: now } });
      return fail({ ok: false, reason: 'locked' });
    }
    return fail({ ok: false, reason: 'wrong', attemptsLeft: rules.maxAttempts - after.attempts });
  }
  const consumed = await tx.verification.updateMany({
    where: {
      id: row.id,
      consumedAt: null,
      invalidatedAt: null,
      attempts: { lt: rules.maxAttempts },
      expiresAt: { gt: now },
    },
    data: { consumedAt: now },
  });
  if (!consumed.count) return fail({ ok: false, reason: 'used' });
  await recordAudit(tx, {
    actor: input.actor,
    action: 'verification.succeeded',
    accountUid: input.accountUid ?? null,
    meta: input.meta,
    data: { purpose: input.purpose, to: maskDestination(input.target) },
  });
  return { ok: true, verificationId: row.id };
}

/** The newest code issued for this purpose and requester (for showing where it went and the resend countdown). */
export async function latestCode(
  tx: Pick<Tx, 'verification'>,
  where: { purpose: VerificationPurpose; requesterKey: string; accountUid?: string | null },
) {
  return tx.verification.findFirst({
    where: {
      purpose: where.purpose,
      requesterKey: where.requesterKey,
      ...(where.accountUid !== undefined ? { accountUid: where.accountUid } : {}),
    },
    orderBy: { createdAt: 'desc' },
    select: {
      id: true,
      channel: true,
      target: true,
      createdAt: true,
      expiresAt: true,
      consumedAt: true,
      invalidatedAt: true,
      attempts: true,
    },
  });
}

/** The code if it can still be entered: not used, not replaced or withdrawn, not expired. */
export function liveCode<T extends { consumedAt: Date | null; invalidatedAt: Date | null; expiresAt: Date }>(
  code: T | null,
  now = Date.now(),
): T | null {
  return code && !code.consumedAt && !code.invalidatedAt && code.expiresAt.getTime() > now ? code : null;
}

export function issueErrorMessage(result: Exclude<IssueResult, { ok: true }>): string {
  if (result.reason === 'cooldown') return `You can request a new code in ${result.retryAfterSec} s.`;
  const wait =
    result.retryAfterSec >= 3600
      ? `${Math.ceil(result.retryAfterSec / 3600)} h`
      : `${Math.ceil(result.retryAfterSec / 60)} min`;
  if (result.scope === 'address')
    return `Too many codes were requested from your network in the last hour. Try again in ${wait}.`;
  const sentTo = result.scope === 'account' ? 'to new email addresses for this account' : 'to this address or number';
  return result.window === 'hour'
    ? `Too many codes were sent ${sentTo} in the last hour (at most ${CODE_RULES.perHour}). Try again in ${wait}.`
    : `Too many codes were sent ${sentTo} today (at most ${CODE_RULES.perDay}). Try again in ${wait}${result.scope === 'destination' ? ', or file an appeal' : ''}.`;
}

export function checkErrorMessage(result: Exclude<CheckResult, { ok: true }>): string {
  switch (result.reason) {
    case 'wrong':
      return `The verification code is incorrect. You have ${result.attemptsLeft} more ${result.attemptsLeft === 1 ? 'try' : 'tries'}.`;
    case 'locked':
      return 'The code was entered wrongly too many times and no longer works. Request a new code.';
    case 'expired':
      return 'The verification code has expired. Request a new code.';
    case 'used':
      return 'This verification code was already used. Request a new code.';
    case 'no-code':
      return 'There is no valid verification code for this request. Request a new code.';
  }
}
