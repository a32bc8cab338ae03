// Filing an appeal: the new email is proved by a code first; the submission never reveals whether
// the identified account exists; a second open appeal for the same account and email is merged.
import { keepReplacedTrackingLink } from './tracking.server';
import type { Appeal, Prisma } from '~/generated/prisma/client';
import type { Services } from '~/services.server';
import { recordAudit, type RequestMeta } from '~/audit/audit.server';
import { checkCode, latestCode, sendCode, type CheckResult, type IssueResult } from '~/verification/codes.server';
import { enqueueEmail } from '~/outbox/outbox.server';
import { appealReceived } from '~/outbox/templates';
import { newToken, sha256 } from '~/lib/tokens.server';
import { maskEmail } from '~/lib/masking';
import { OPEN_STATUSES, type AppealDetails } from './schema';
import { addWorkingDays, backInReview, slaWorkingDays } from './sla';
import { firstApprovalWithdrawn } from './review';
import { answerSignals, assessRisk, raiseCandidates, reassessInTransaction } from './risk.server';
import { mergeSignals, scoreRisk, storedSignals } from './risk';
import { NoticeLinkUsed, readNoticeLink, useNoticeLink, type NoticeContext } from './notice-link.server';
import { warnOwnerOfFiling } from './owner-stop.server';
import { lockAppealRow } from './lock.server';
import { readInTransaction } from '~/db/composed.server';
import type { AcceptedFile } from './uploads.server';
import { EVIDENCE_FIELDS } from './schema';

/** Why a merged filing withdrew a first approval (the audit record and the case's timeline say it). */
export const FIRST_APPROVAL_WITHDRAWN_REASON =
  'A merged filing added evidence after the first approval: the case is back in review for a new first approval.';

/** The queue's priority of a case filed from a "This wasn't me" link (others are 0). */
export const PRIORITY_NOT_ME = 10;

/** How long a proved new email stays usable for submitting the form. */
export const PROOF_VALID_MS = 60 * 60_000;
const requesterKey = (flowKey: string) => `appeal:${flowKey}`;

export async function sendAppealEmailCode(
  services: Services,
  input: { flowKey: string; newEmail: string; meta: RequestMeta },
): Promise<IssueResult | { ok: false; reason: 'ip-limit'; retryAfterSec: number }> {
  const ip = await services.limits.consume('appealCodeRequestsPerIp', input.meta.ip);
  if (!ip.allowed) return { ok: false, reason: 'ip-limit', retryAfterSec: ip.retryAfterSec };
  return sendCode(services, {
    purpose: 'APPEAL_NEW_EMAIL',
    channel: 'EMAIL',
    target: input.newEmail,
    accountUid: null,
    requesterKey: requesterKey(input.flowKey),
    actor: { type: 'anonymous' },
    meta: input.meta,
  });
}

export async function verifyAppealEmail(
  services: Services,
  input: { flowKey: string; newEmail: string; code: string; meta: RequestMeta },
): Promise<CheckResult> {
  return services.prisma.$transaction((tx) =>
    checkCode(tx, services.config.encryptionSecret, {
      purpose: 'APPEAL_NEW_EMAIL',
      target: input.newEmail,
      accountUid: null,
      requesterKey: requesterKey(input.flowKey),
      code: input.code,
      actor: { type: 'anonymous' },
      meta: input.meta,
    }),
  );
}

/** What proves the filer's new email: the verification (a consumed code) and the address. */
export type EmailProof = { id: string; newEmail: string };

/** The proof of the new email this browser flow holds (a code consumed less than an hour ago), if any. */
export async function appealEmailProof(
  prisma: Pick<Prisma.TransactionClient, 'verification'>,
  flowKey: string,
  now = new Date(),
): Promise<EmailProof | null> {
  const proof = await prisma.verification.findFirst({
    where: {
      purpose: 'APPEAL_NEW_EMAIL',
      requesterKey: requesterKey(flowKey),
      consumedAt: { gt: new Date(now.getTime() - PROOF_VALID_MS) },
    },
    orderBy: { consumedAt: 'desc' },
    select: { id: true, target: true },
  });
  return proof ? { id: proof.id, newEmail: proof.target } : null;
}

/** The new email this browser flow proved, if any. */
export async function provedEmail(
  prisma: Pick<Prisma.TransactionClient, 'verification'>,
  flowKey: string,
  now = new Date(),
): Promise<string | null> {
  return (await appealEmailProof(prisma, flowKey, now))?.newEmail ?? null;
}

/** The newest code this browser flow asked for at a new email, live or not. */
export function latestAppealEmailCode(prisma: Pick<Prisma.TransactionClient, 'verification'>, flowKey: string) {
  return latestCode(prisma, { purpose: 'APPEAL_NEW_EMAIL', requesterKey: requesterKey(flowKey) });
}

/** The anonymous filer in the audit log, known by the proof of their email; what makes a submission happen once per proof. */
const filer = (proofId: string) => ({ type: 'anonymous' as const, id: `verification:${proofId}` });

/** The case a proof was already filed as (or merged into), if any. */
export async function caseFiledWithProof(
  prisma: Pick<Prisma.TransactionClient, 'auditEvent' | 'appeal'>,
  proofId: string,
): Promise<string | null> {
  const filed = await prisma.auditEvent.findFirst({
    where: { actorId: filer(proofId).id, action: { in: ['appeal.submitted', 'appeal.merged'] } },
    select: { appealId: true },
  });
  if (!filed?.appealId) return null;
  return (
    (await prisma.appeal.findUnique({ where: { id: filed.appealId }, select: { caseNumber: true } }))?.caseNumber ??
    null
  );
}

/** A second submission with a proof already filed (a double click, a form sent again): it only gets the first one's case. */
export class AlreadyFiled extends Error {
  constructor(readonly caseNumber: string) {
    super(`This appeal was already filed as ${caseNumber}.`);
  }
}

async function resolveAccount(tx: Prisma.TransactionClient, details: AppealDetails, notice: NoticeContext | null) {
  if (notice) return { accountUid: notice.accountUid, conflict: false };
  const found = new Set<string>();
  if (details.givenUid) {
    const a = await tx.account.findUnique({ where: { uid: details.givenUid }, select: { uid: true } });
    if (a) found.add(a.uid);
  }
  if (details.givenAlias) {
    const a = await tx.account.findUnique({
      where: { alias: details.givenAlias.toLowerCase() },
      select: { uid: true },
    });
    if (a) found.add(a.uid);
  }
  if (details.givenOldEmail) {
    const a = await tx.account.findUnique({ where: { logonEmail: details.givenOldEmail }, select: { uid: true } });
    if (a) found.add(a.uid);
  }
  const [first] = found;
  return { accountUid: first ?? null, conflict: found.size > 1 };
}

async function nextCaseNumber(tx: Prisma.TransactionClient, now: Date): Promise<string> {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  const rows = await tx.$queryRawUnsafe<{ last: number }[]>(
    `INSERT INTO "CaseNumberCounter" ("day", "last") VALUES ($1, 1)
     ON CONFLICT ("day") DO UPDATE SET "last" = "CaseNumberCounter"."last" + 1 RETURNING "last"`,
    day,
  );
  return `AP-${day}-${String(rows[0].last).padStart(6, '0')}`;
}

/**
 * The open appeal a new submission merges into, locked (as a decision locks it) and read after the
 * lock: a case decided meanwhile is no longer open, and is never changed by the merge.
 */
async function lockOpenAppeal(tx: Prisma.TransactionClient, match: Prisma.AppealWhereInput): Promise<Appeal | null> {
  // Each turn finds a case that was open; a decided case never reopens, so this ends.
  for (;;) {
    const candidate = await tx.appeal.findFirst({
      where: { ...match, status: { in: OPEN_STATUSES } },
      orderBy: { submittedAt: 'asc' },
      select: { id: true },
    });
    if (!candidate) return null;
    const locked = await lockAppealRow(tx, candidate.id);
    if (locked && OPEN_STATUSES.includes(locked.status)) return locked;
  }
}

export type SubmitInput = {
  flowKey: string;
  details: AppealDetails;
  proof: EmailProof;
  files: (AcceptedFile & { storedName: string })[];
  meta: RequestMeta;
  noticeToken?: string | null;
};

export type SubmitResult = { caseNumber: string; merged: boolean; sentTo: string };

/**
 * Stores the appeal (or merges it into the open one) with its evidence, the tracking link mail and the audit.
 * Once per proof: a second submission with it throws AlreadyFiled and changes nothing.
 */
export async function submitAppeal(
  services: Services,
  submission: SubmitInput,
  now = new Date(),
): Promise<SubmitResult> {
  const input = { ...submission, newEmail: submission.proof.newEmail };
  const trackingToken = newToken();
  const result = await services.prisma.$transaction(async (tx) => {
    // A second submission of the same proof waits here until the first one commits, then sees its case.
    await tx.$queryRawUnsafe('SELECT "id" FROM "Verification" WHERE "id" = $1::uuid FOR UPDATE', input.proof.id);
    const filed = await caseFiledWithProof(tx, input.proof.id);
    if (filed) throw new AlreadyFiled(filed);
    // A "This wasn't me" link binds the appeal to its account, whatever the form says; it files once.
    const link = input.noticeToken ? await readNoticeLink(tx, input.noticeToken, now, { lock: true }) : null;
    if (link?.state === 'used') throw new NoticeLinkUsed(link.caseNumber);
    const notice = link?.state === 'live' ? link.notice : null;
    const { accountUid, conflict } = await resolveAccount(tx, input.details, notice);
    const account = accountUid ? await tx.account.findUnique({ where: { uid: accountUid } }) : null;
    const d = {
      ...input.details,
      ...(notice ? { givenUid: undefined, givenAlias: undefined, givenOldEmail: undefined } : {}),
    };
    const cents = Math.round(Number(d.lastPaymentAmount) * 100);
    const evidence = input.files.map((f) => ({
      kind: EVIDENCE_FIELDS[f.field].kind,
      storedName: f.storedName,
      originalName: f.filename,
      mimeType: f.mimeType,
      sizeBytes: f.size,
      sha256: f.sha256,
    }));

    // A second open appeal with the same identification as given (UID, alias, old email), the same
    // matched account and the same new email is merged. Only identical identification merges: had a
    // submission merged whenever its identifiers led to the same account, whether a new case number
    // came back would tell whether an old email (or a UID) is registered.
    const given = {
      givenUid: d.givenUid ?? null,
      givenAlias: d.givenAlias ?? null,
      givenOldEmail: d.givenOldEmail ?? null,
    };
    await tx.$executeRawUnsafe(
      'SELECT pg_advisory_xact_lock(hashtext($1))',
      `appeal:${accountUid ?? ''}|${given.givenUid}|${given.givenAlias}|${given.givenOldEmail}:${input.newEmail}`,
    );
    const open = await lockOpenAppeal(tx, { newEmail: input.newEmail, accountUid: accountUid ?? null, ...given });
    const answers = {
      accountFound: Boolean(accountUid),
      givenUid: given.givenUid,
      givenOldEmail: given.givenOldEmail,
      holderName: d.holderName,
      accountType: d.accountType,
      lastPaymentCents: Number.isFinite(cents) ? cents : null,
      lastPaymentCurrency: d.lastPaymentCurrency,
      createdMonth: d.createdMonth,
    };
    const knowledge = answerSignals(answers, account, now);

    if (open) {
      // Like a reply: a case waiting for the customer goes back to review, its SLA clock running again.
      const resumed = open.status === 'AWAITING_CUSTOMER' ? backInReview(open, now) : null;
      const slaDueAt = resumed?.slaDueAt ?? open.slaDueAt;
      // New evidence on a case whose first approval is given: that approval did not see it, so it is
      // withdrawn and the case is reviewed again (review.ts firstApprovalWithdrawn).
      const unapproved = open.status === 'PENDING_SECOND_APPROVAL' ? firstApprovalWithdrawn() : null;
      const message = await tx.appealMessage.create({
        data: {
          appealId: open.id,
          author: 'CUSTOMER',
          body: `Additional submission (merged): ${input.files.length} file(s) attached. Name: ${d.holderName}.`,
        },
      });
      if (evidence.length)
        await tx.evidenceFile.createMany({
          data: evidence.map((e) => ({ ...e, appealId: open.id, messageId: message.id })),
        });
      if (notice && !(await useNoticeLink(tx, notice, open.id, now))) throw new NoticeLinkUsed(null);
      // The merged filing's answers count too (a second set of wrong answers is telling): risk never falls.
      const assessed = await assessRisk(readInTransaction(tx), {
        appealId: open.id,
        accountUid,
        conflict,
        newEmail: input.newEmail,
        evidenceHashes: input.files.map((f) => f.sha256),
        notMeOrigin: open.origin === 'NOT_ME_LINK',
        knowledge,
        now,
      });
      const signals = mergeSignals(storedSignals(open.riskSignals), assessed.signals);
      const risk = scoreRisk(signals.map((x) => x.code));
      // The merged filing's mail carries a new link; the case's earlier one is kept as replaced.
      await keepReplacedTrackingLink(tx, open.id, open.trackingTokenHash, now);
      await tx.appeal.update({
        where: { id: open.id },
        data: {
          trackingTokenHash: sha256(trackingToken),
          riskLevel: open.riskLevel === 'HIGH' ? 'HIGH' : risk.level,
          riskSignals: signals,
          ...resumed,
          ...unapproved,
          version: { increment: 1 },
        },
      });
      await enqueueEmail(tx, {
        to: input.newEmail,
        ...appealReceived({
          caseNumber: open.caseNumber,
          trackUrl: `${services.config.publicUrl}/appeals/track/${trackingToken}`,
          dueAt: slaDueAt,
          merged: true,
        }),
        template: 'appeal-received',
      });
      await recordAudit(tx, {
        actor: filer(input.proof.id),
        action: 'appeal.merged',
        accountUid,
        appealId: open.id,
        meta: input.meta,
        data: {
          files: input.files.length,
          ...(resumed || unapproved ? { status: { from: open.status, to: 'IN_REVIEW' } } : {}),
        },
      });
      if (unapproved) {
        await recordAudit(tx, {
          actor: { type: 'system', id: 'merge' },
          action: 'appeal.first_approval_withdrawn',
          accountUid,
          appealId: open.id,
          data: {
            caseNumber: open.caseNumber,
            reason: FIRST_APPROVAL_WITHDRAWN_REASON,
            firstApproverId: open.firstApproverId,
            firstApprovedAt: open.firstApprovedAt?.toISOString() ?? null,
            files: input.files.length,
            status: { from: 'PENDING_SECOND_APPROVAL', to: 'IN_REVIEW' },
          },
        });
      }
      return { caseNumber: open.caseNumber, merged: true, appealId: open.id, accountUid };
    }

    const caseNumber = await nextCaseNumber(tx, now);
    // Only a link from the notice makes the priority path: the scenario alone is the filer's word.
    const origin = notice ? 'NOT_ME_LINK' : 'FORM';
    const slaDueAt = addWorkingDays(now, slaWorkingDays(origin));
    const risk = await assessRisk(readInTransaction(tx), {
      accountUid,
      conflict,
      newEmail: input.newEmail,
      evidenceHashes: input.files.map((f) => f.sha256),
      notMeOrigin: Boolean(notice),
      knowledge,
      now,
    });
    const appeal = await tx.appeal.create({
      data: {
        caseNumber,
        scenario: notice ? 'EMAIL_CHANGED_NOT_ME' : d.scenario,
        origin,
        priority: notice ? PRIORITY_NOT_ME : 0,
        riskLevel: risk.level,
        riskSignals: risk.signals,
        accountUid,
        accountFound: Boolean(accountUid),
        givenUid: d.givenUid ?? null,
        givenAlias: d.givenAlias ?? null,
        givenOldEmail: d.givenOldEmail ?? null,
        accountType: d.accountType,
        holderName: d.holderName,
        newEmail: input.newEmail,
        newPhone: d.newPhone ?? null,
        lastPaymentCents: answers.lastPaymentCents,
        lastPaymentCurrency: d.lastPaymentCurrency,
        createdMonth: d.createdMonth,
        trackingTokenHash: sha256(trackingToken),
        filerIp: input.meta.ip,
        submittedAt: now,
        slaDueAt,
        evidence: { create: evidence },
        messages: { create: { author: 'SYSTEM', body: 'Appeal received.' } },
      },
    });
    if (notice && !(await useNoticeLink(tx, notice, appeal.id, now))) throw new NoticeLinkUsed(null);
    // The account's current owner hears of it at once — unless the filer proved to be the owner through
    // the notice's link: then the current logon email is the one they say is not theirs.
    if (account && !notice) await warnOwnerOfFiling(tx, services, { appeal, owner: account, now });
    await enqueueEmail(tx, {
      to: input.newEmail,
      ...appealReceived({
        caseNumber,
        trackUrl: `${services.config.publicUrl}/appeals/track/${trackingToken}`,
        dueAt: slaDueAt,
        merged: false,
      }),
      template: 'appeal-received',
    });
    await recordAudit(tx, {
      actor: filer(input.proof.id),
      action: 'appeal.submitted',
      accountUid,
      appealId: appeal.id,
      meta: input.meta,
      data: {
        caseNumber,
        scenario: appeal.scenario,
        accountFound: Boolean(accountUid),
        risk: risk.level,
        newEmail: maskEmail(input.newEmail),
        files: input.files.length,
      },
    });
    return { caseNumber, merged: false, appealId: appeal.id, accountUid };
  });
  services.outbox.kick();
  await raiseRelatedCases(
    services,
    { ...result, newEmail: input.newEmail, evidenceHashes: input.files.map((f) => f.sha256) },
    now,
  );
  return { caseNumber: result.caseNumber, merged: result.merged, sentTo: maskEmail(input.newEmail) };
}

/**
 * A filing can be the signal for cases filed before it: the evidence file it reuses, the domain it
 * shares, the account it names again are theirs too. Open cases still rated normal that it relates to
 * are assessed again and raised, so the queue's risk filter and column say what the case page says.
 * After the filing has committed, each case in a short transaction of its own (a filing never waits on
 * another case's lock); should this fail, an approval still assesses the risk again before it acts.
 */
async function raiseRelatedCases(
  services: Pick<Services, 'prisma'>,
  filed: {
    appealId: string;
    caseNumber: string;
    accountUid: string | null;
    newEmail: string;
    evidenceHashes: string[];
  },
  now: Date,
): Promise<void> {
  try {
    for (const id of await raiseCandidates(services.prisma, filed)) {
      await services.prisma.$transaction(async (tx) => {
        const appeal = await lockAppealRow(tx, id);
        if (!appeal || appeal.riskLevel !== 'NORMAL' || !OPEN_STATUSES.includes(appeal.status)) return;
        const risk = await reassessInTransaction(tx, appeal, now);
        if (risk.level !== 'HIGH') return;
        await tx.appeal.update({
          where: { id },
          data: { riskLevel: 'HIGH', riskSignals: risk.signals, version: { increment: 1 } },
        });
        await recordAudit(tx, {
          actor: { type: 'system', id: 'risk' },
          action: 'appeal.risk_raised',
          accountUid: appeal.accountUid,
          appealId: id,
          data: {
            by: filed.caseNumber,
            riskLevel: { from: 'NORMAL', to: 'HIGH' },
            signals: risk.signals.map((s) => s.code),
          },
        });
      });
    }
  } catch (err) {
    console.error(
      `[appeals] raising the risk of cases related to ${filed.caseNumber} failed: ${(err as Error).message}`,
    );
  }
}
