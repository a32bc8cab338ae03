// Filing the details of an appeal, behind the route: the email proof, a repeated submission, the
// honeypot, the "This wasn't me" link, the form's rules (ID document, an enterprise's business
// licence, the files themselves), the appeal limits, the timing floor, and a twin submission racing
// this one. The route turns each outcome into its answer.
import type { Services } from '~/services.server';
import type { RequestMeta } from '~/audit/audit.server';
import { recordAudit } from '~/audit/audit.server';
import { atLeast } from '~/lib/timing';
import { fieldErrorsOf } from '~/lib/form-errors';
import { APPEAL_FORM_MESSAGES, appealDetailsSchema } from './schema.server';
import { AlreadyFiled, appealEmailProof, caseFiledWithProof, submitAppeal } from './submit.server';
import { NoticeLinkUsed, noticeUsedMessage, readNoticeLink } from './notice-link.server';
import { vetUploads, type Upload } from './uploads.server';
import { withStoredFiles } from './evidence-store.server';

/** Every filing answer takes at least this long, so a bot's, a repeat's and a real one look alike. */
export const FILING_FLOOR_MS = 400;

export const NO_PROOF = 'Prove your new email with a verification code first (it stays valid for one hour).';
export const tooManyAppeals = (retryAfterSec: number) =>
  `Too many appeals were filed recently. Try again in ${Math.ceil(retryAfterSec / 3600)} hours.`;

export type FilingInput = {
  flowKey: string;
  /** The "This wasn't me" link's token from the flow cookie (never from the form). */
  noticeToken?: string;
  fields: Record<string, string | undefined>;
  uploads: Upload[];
  meta: RequestMeta;
};

export type FilingOutcome =
  /** Filed now, or already filed with this proof (the form sent twice, or its twin won the race). */
  | { kind: 'filed'; caseNumber: string; newEmail: string }
  /** The honeypot was filled: a look-alike answer, nothing stored but an audit line. */
  | { kind: 'decoy'; newEmail: string }
  | { kind: 'no-proof' }
  | { kind: 'invalid'; fieldErrors: Record<string, string> }
  | { kind: 'refused'; status: 409 | 429; message: string };

export async function fileAppeal(services: Services, input: FilingInput): Promise<FilingOutcome> {
  const { prisma } = services;
  const { fields, uploads, meta } = input;
  const proof = await appealEmailProof(prisma, input.flowKey);
  if (!proof) return { kind: 'no-proof' };
  const newEmail = proof.newEmail;
  const filed = await caseFiledWithProof(prisma, proof.id);
  if (filed) return atLeast(FILING_FLOOR_MS, Promise.resolve({ kind: 'filed', caseNumber: filed, newEmail }));
  if (fields.website) {
    await prisma.$transaction((tx) =>
      recordAudit(tx, { actor: { type: 'anonymous' }, action: 'appeal.honeypot', meta }),
    );
    return atLeast(FILING_FLOOR_MS, Promise.resolve({ kind: 'decoy', newEmail }));
  }
  // The notice's account stands in for the identification only while its link is live.
  const link = input.noticeToken ? await readNoticeLink(prisma, input.noticeToken) : null;
  if (link?.state === 'used') return { kind: 'refused', status: 409, message: noticeUsedMessage(link.caseNumber) };

  const parsed = appealDetailsSchema.safeParse({
    ...fields,
    notice: link?.state === 'live' ? input.noticeToken : undefined,
  });
  const errors: Record<string, string> = parsed.success ? {} : fieldErrorsOf(parsed.error);
  const present = new Set(uploads.map((u) => u.field));
  if (!present.has('idDocument')) errors.idDocument ??= APPEAL_FORM_MESSAGES.idDocumentMissing;
  if (fields.accountType === 'ENTERPRISE' && !present.has('businessLicence'))
    errors.businessLicence ??= 'Enterprise accounts must attach a business licence.';
  const vetted = await vetUploads(uploads);
  for (const [field, message] of Object.entries(vetted.errors)) errors[field] ??= message;
  if (!parsed.success || Object.keys(errors).length) return { kind: 'invalid', fieldErrors: errors };

  for (const [name, key] of [
    ['appealsPerIp', meta.ip],
    ['appealsPerEmail', newEmail],
  ] as const) {
    const verdict = await services.limits.consume(name, key);
    if (!verdict.allowed) return { kind: 'refused', status: 429, message: tooManyAppeals(verdict.retryAfterSec) };
  }
  try {
    const result = await withStoredFiles(services.evidence, vetted.files, (files) =>
      atLeast(
        FILING_FLOOR_MS,
        submitAppeal(services, {
          flowKey: input.flowKey,
          details: parsed.data,
          proof,
          files,
          meta,
          noticeToken: input.noticeToken,
        }),
      ),
    );
    return { kind: 'filed', caseNumber: result.caseNumber, newEmail };
  } catch (err) {
    // Its twin, sent at the same moment, filed it first; the files of this one are removed again.
    if (err instanceof AlreadyFiled) return { kind: 'filed', caseNumber: err.caseNumber, newEmail };
    if (err instanceof NoticeLinkUsed) return { kind: 'refused', status: 409, message: err.message };
    throw err;
  }
}
