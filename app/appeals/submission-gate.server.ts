// What refuses an appeal's submission before its body (up to 51 MB of files) is read: everything that
// the cookie, the email proof and the rate limits decide does not need the form.
import type { Services } from '~/services.server';
import type { RequestMeta } from '~/audit/audit.server';
import type { AppealFlow } from './flow.server';
import { appealEmailProof, caseFiledWithProof } from './submit.server';

export type SubmissionGate =
  | { verdict: 'read' }
  | { verdict: 'no-proof' }
  | { verdict: 'filed'; caseNumber: string; newEmail: string }
  | { verdict: 'limited'; retryAfterSec: number };

/** A multipart body is the submission (the only form with files), so its refusals are known from the request alone. */
export const isMultipart = (request: Request) =>
  (request.headers.get('content-type') ?? '').toLowerCase().startsWith('multipart/form-data');

export async function submissionGate(
  services: Services,
  flow: AppealFlow | null,
  meta: RequestMeta,
): Promise<SubmissionGate> {
  const proof = flow ? await appealEmailProof(services.prisma, flow.flowKey) : null;
  if (!proof) return { verdict: 'no-proof' };
  const filed = await caseFiledWithProof(services.prisma, proof.id);
  if (filed) return { verdict: 'filed', caseNumber: filed, newEmail: proof.newEmail };
  for (const [name, key] of [
    ['appealsPerIp', meta.ip],
    ['appealsPerEmail', proof.newEmail],
  ] as const) {
    const verdict = await services.limits.check(name, key);
    if (!verdict.allowed) return { verdict: 'limited', retryAfterSec: verdict.retryAfterSec };
  }
  return { verdict: 'read' };
}
