import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import {
  useActionData,
  useLoaderData,
  useNavigation,
  useRevalidator,
  type ShouldRevalidateFunction,
} from '@remix-run/react';
import { subject } from '@casl/ability';
import { z } from 'zod';
import { requireStaff } from '~/staff/session.server';
import { denialReason } from '~/authz/ability';
import { forbidden } from '~/auth/guards.server';
import { requestMeta } from '~/lib/request.server';
import { UUID } from '~/lib/ids';
import { REJECT_REASONS } from '~/appeals/review';
import { loadCaseView } from '~/appeals/case-view.server';
import { useCaseLive } from '~/appeals/use-case-live';
import {
  addInternalNote,
  approveAppeal,
  claimAppeal,
  reassignAppeal,
  rejectAppeal,
  releaseAppeal,
  requestInformation,
  secondApproveAppeal,
  updateChecklist,
  type DecisionResult,
  type StaffActor,
} from '~/appeals/decisions.server';
import { staffTitle } from '~/staff/pages';
import { useAppAbility } from '~/components/ability';
import { FormError, FormStatus } from '~/components/form';
import { CaseHeader } from '~/appeals/components/case-header';
import { CaseAssignment } from '~/appeals/components/case-assignment';
import { CaseRecords } from '~/appeals/components/case-records';
import { EvidenceViewer } from '~/appeals/components/evidence-viewer';
import { CaseDecisions, type CaseAnswer } from '~/appeals/components/case-decisions';
import { fieldErrorsOf, type FieldErrors } from '~/lib/form-errors';
import { CaseConversation } from '~/appeals/components/case-conversation';
import { CaseTimeline } from '~/appeals/components/case-timeline';

export const meta: MetaFunction<typeof loader> = ({ data: d }) => [
  { title: staffTitle(d?.appeal.caseNumber ?? 'Case') },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const member = await requireStaff(request, context);
  if (denialReason(member.ability, 'read', 'Appeal')) throw forbidden('Your role does not include working on appeals.');
  const id = params.id ?? '';
  const view = UUID.test(id)
    ? await loadCaseView(context.services, { staffId: member.staff.id, ability: member.ability }, id)
    : null;
  if (!view) throw new Response('This case does not exist.', { status: 404 });
  return view;
}

/**
 * After every post, refused ones too: a refusal (someone claimed first, a stale form) means the case
 * changed, and the page must show it as it is now. Remix does not reload after a 4xx answer by itself.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) =>
  formMethod && formMethod.toUpperCase() !== 'GET' ? true : defaultShouldRevalidate;

const text = (max: number, empty: string) => z.string().trim().min(1, empty).max(max, `Use at most ${max} characters.`);
const versionSchema = z.coerce.number().int().min(0);
const rejectSchema = z.object({
  reason: z.enum(Object.keys(REJECT_REASONS) as [keyof typeof REJECT_REASONS]),
  message: text(5000, 'Write the message the customer will read.'),
  final: z.enum(['retry', 'final']),
});

/** Each intent: the form's fields parsed, then one decision. A refused field is named by its input's name. */
async function decide(
  intent: string,
  form: FormData,
  services: ActionFunctionArgs['context']['services'],
  actor: StaffActor,
  id: string,
  v: number,
): Promise<DecisionResult | { fieldErrors: FieldErrors }> {
  const field = (name: string, schema: z.ZodType<string>) => {
    const parsed = schema.safeParse(form.get(name) ?? '');
    return parsed.success
      ? { value: parsed.data }
      : { error: { fieldErrors: { [name]: parsed.error.issues[0].message } } };
  };
  switch (intent) {
    case 'claim':
      return claimAppeal(services, actor, id);
    case 'release':
      return releaseAppeal(services, actor, id, v);
    case 'reassign':
      return reassignAppeal(services, actor, id, v, String(form.get('to') ?? ''));
    case 'note': {
      const body = field('body', text(5000, 'Write the note.'));
      return body.error ?? addInternalNote(services, actor, id, body.value);
    }
    case 'checklist':
      return updateChecklist(services, actor, id, v, form.getAll('check').map(String));
    case 'request-info': {
      const body = field('message', text(5000, 'Write what the customer should send or explain.'));
      return body.error ?? requestInformation(services, actor, id, v, body.value);
    }
    case 'approve':
      return approveAppeal(services, actor, id, v);
    case 'second-approve':
      return secondApproveAppeal(services, actor, id, v);
    case 'reject': {
      const parsed = rejectSchema.safeParse({
        reason: form.get('reason'),
        message: form.get('message') ?? '',
        final: form.get('final'),
      });
      if (!parsed.success) return { fieldErrors: fieldErrorsOf(parsed.error) };
      return rejectAppeal(services, actor, id, v, {
        reason: parsed.data.reason,
        message: parsed.data.message,
        final: parsed.data.final === 'final',
      });
    }
    default:
      return { ok: false, status: 400, message: 'Unknown request.' };
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const member = await requireStaff(request, context);
  const form = await request.formData();
  const actor: StaffActor = { staffId: member.staff.id, ability: member.ability, meta: requestMeta(context, request) };
  const version = versionSchema.safeParse(form.get('version'));
  const intent = String(form.get('intent') ?? '');
  const result = await decide(
    intent,
    form,
    context.services,
    actor,
    params.id ?? '',
    version.success ? version.data : -1,
  );
  if ('fieldErrors' in result)
    return data<CaseAnswer>({ intent, fieldErrors: result.fieldErrors, error: null, message: null }, { status: 400 });
  if (!result.ok)
    return data<CaseAnswer>(
      { intent, fieldErrors: {}, error: result.message, message: null },
      { status: result.status },
    );
  return data<CaseAnswer>({ intent, fieldErrors: {}, error: null, message: result.message });
}

export default function CasePage() {
  const d = useLoaderData<typeof loader>();
  const live = useCaseLive(d.appeal.id, d.viewers, d.appeal.version);
  const revalidator = useRevalidator();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const canSecondApprove = useAppAbility().can('secondApprove', subject('Appeal', { ...d.appeal } as never) as never);
  const Hidden = () => <input type="hidden" name="version" value={d.appeal.version} />;
  return (
    <>
      <CaseHeader
        d={d}
        viewers={live.viewers}
        changed={live.changed && revalidator.state === 'idle' && !busy}
        onReload={() => revalidator.revalidate()}
        canSecondApprove={canSecondApprove}
      />
      {result?.message ? <FormStatus>{result.message}</FormStatus> : <FormError>{result?.error}</FormError>}
      <CaseAssignment d={d} busy={busy} Hidden={Hidden} />
      <CaseRecords d={d} />
      <EvidenceViewer evidence={d.evidence} />
      <CaseDecisions d={d} result={result} busy={busy} Hidden={Hidden} />
      <CaseConversation d={d} result={result} busy={busy} />
      <CaseTimeline timeline={d.timeline} />
    </>
  );
}
