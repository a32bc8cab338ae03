// The appeal form's first step: a code sent to the new logon email, typed back to prove the address.
// The code and the proof are bound to the flow's key (its cookie), not to an account.
import type { Services } from '~/services.server';
import type { RequestMeta } from '~/audit/audit.server';
import type { AppealScenario } from '~/generated/prisma/enums';
import { codeSchema } from '~/account/schemas.server';
import { fieldErrorsOf } from '~/lib/form-errors';
import { checkErrorMessage, CODE_RULES, issueErrorMessage, liveCode } from '~/verification/codes.server';
import type { Errors } from './appeal-form';
import type { AppealFlow } from './flow.server';
import { appealEmailStepSchema } from './schema.server';
import { latestAppealEmailCode, provedEmail, sendAppealEmailCode, verifyAppealEmail } from './submit.server';

/** What the step shows: the proved email if any, else where a live code went and when another may be asked for. */
export async function emailStepView(prisma: Services['prisma'], flowKey: string) {
  const [proved, pending] = await Promise.all([provedEmail(prisma, flowKey), latestAppealEmailCode(prisma, flowKey)]);
  return {
    provedEmail: proved,
    pendingEmail: liveCode(pending)?.target ?? null,
    resendAt: pending ? new Date(pending.createdAt.getTime() + CODE_RULES.resendAfterMs).toISOString() : null,
  };
}

export type CodeRequest =
  | { kind: 'sent'; scenario: AppealScenario }
  | { kind: 'invalid'; fieldErrors: Errors }
  | { kind: 'refused'; message: string };

/** "Get verification code": the scenario is the form's, else the flow's (chosen by a link). */
export async function requestAppealEmailCode(
  services: Services,
  input: { flow: AppealFlow; scenario?: string; newEmail?: string; meta: RequestMeta },
): Promise<CodeRequest> {
  const parsed = appealEmailStepSchema.safeParse({
    scenario: input.scenario ?? input.flow.scenario,
    newEmail: input.newEmail ?? '',
  });
  if (!parsed.success) return { kind: 'invalid', fieldErrors: fieldErrorsOf(parsed.error) };
  const result = await sendAppealEmailCode(services, {
    flowKey: input.flow.flowKey,
    newEmail: parsed.data.newEmail,
    meta: input.meta,
  });
  if (!result.ok) {
    const message =
      result.reason === 'ip-limit'
        ? `Too many codes were requested from your network. Try again in ${Math.ceil(result.retryAfterSec / 60)} minutes.`
        : issueErrorMessage(result);
    return { kind: 'refused', message };
  }
  return { kind: 'sent', scenario: parsed.data.scenario };
}

/** "Verify email": the code typed back proves the address of the flow's newest code. */
export async function proveAppealEmail(
  services: Services,
  input: { flow: AppealFlow; code?: string; meta: RequestMeta },
): Promise<{ ok: true } | { ok: false; fieldErrors: { code: string } }> {
  const code = codeSchema.safeParse(input.code ?? '');
  if (!code.success) return { ok: false, fieldErrors: { code: code.error.issues[0].message } };
  const pending = await latestAppealEmailCode(services.prisma, input.flow.flowKey);
  if (!pending) return { ok: false, fieldErrors: { code: 'Request a verification code first.' } };
  const result = await verifyAppealEmail(services, {
    flowKey: input.flow.flowKey,
    newEmail: pending.target,
    code: code.data,
    meta: input.meta,
  });
  return result.ok ? { ok: true } : { ok: false, fieldErrors: { code: checkErrorMessage(result) } };
}
