import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { useEffect } from 'react';
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { EVIDENCE_LIMITS } from '~/appeals/options';
import { FIELD_ORDER, typedValues, type AppealFormAnswer } from '~/appeals/appeal-form';
import {
  appealFlowCookie,
  appealFlowForPost,
  appealFlowForView,
  newAppealFlow,
  readAppealFlow,
} from '~/appeals/flow.server';
import { emailStepView, proveAppealEmail, requestAppealEmailCode } from '~/appeals/email-step.server';
import { noticeLinkView } from '~/appeals/notice-link.server';
import { parseFormWithFiles } from '~/appeals/uploads.server';
import { isMultipart, submissionGate } from '~/appeals/submission-gate.server';
import { fileAppeal, FILING_FLOOR_MS, NO_PROOF, tooManyAppeals } from '~/appeals/file-appeal.server';
import { atLeast } from '~/lib/timing';
import { maskEmail } from '~/lib/masking';
import { requestMeta } from '~/lib/request.server';
import { ErrorFocus, FormError } from '~/components/form';
import { useAppealForms } from '~/appeals/components/use-appeal-forms';
import { AppealEmailStep, ProvedEmail } from '~/appeals/components/appeal-email-step';
import { AppealDetailsForm } from '~/appeals/components/appeal-details-form';
import { AppealSubmitted } from '~/appeals/components/appeal-submitted';
import { NoticeLinkNotes } from '~/appeals/components/notice-link-notes';

const TITLE = 'File an appeal — Account Recovery Desk';
const SUBMITTED_TITLE = 'Appeal submitted — Account Recovery Desk';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.submitted ? SUBMITTED_TITLE : TITLE }];

// meta sees the loader's data, not the action's: a filing answered in this request (the page posted without
// JavaScript, whose loader runs right after the action) is noted on the request's context for the loader.
const answeredFiled = new WeakMap<AppLoadContext, true>();

type ActionData = AppealFormAnswer;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { services } = context;
  const { flow, setCookie } = await appealFlowForView(services.config, request);
  const [linked, email] = await Promise.all([
    noticeLinkView(services.prisma, flow.notice),
    emailStepView(services.prisma, flow.flowKey),
  ]);
  return data(
    {
      submitted: answeredFiled.has(context),
      scenario: linked.notice ? 'EMAIL_CHANGED_NOT_ME' : (flow.scenario ?? null),
      ...linked,
      ...email,
    },
    { headers: setCookie ? { 'Set-Cookie': setCookie } : undefined },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { services } = context;
  const meta = requestMeta(context, request);
  const cookie = appealFlowCookie(services.config);
  const clearFlow = () => cookie.serialize('', { maxAge: 0 });
  const filedAnswer = (caseNumber: string, newEmail: string, headers: HeadersInit) => {
    answeredFiled.set(context, true);
    return data<ActionData>({ fieldErrors: {}, submitted: { caseNumber, sentTo: maskEmail(newEmail) } }, { headers });
  };
  if (isMultipart(request)) {
    const gate = await submissionGate(services, await readAppealFlow(services.config, request), meta);
    if (gate.verdict === 'no-proof')
      return data<ActionData>({ fieldErrors: {}, error: NO_PROOF, filesDropped: true }, { status: 400 });
    if (gate.verdict === 'filed')
      return atLeast(
        FILING_FLOOR_MS,
        Promise.resolve(filedAnswer(gate.caseNumber, gate.newEmail, { 'Set-Cookie': await clearFlow() })),
      );
    if (gate.verdict === 'limited')
      return data<ActionData>(
        { fieldErrors: {}, error: tooManyAppeals(gate.retryAfterSec), filesDropped: true },
        { status: 429 },
      );
  }
  const { fields, uploads, tooLarge, refused } = await parseFormWithFiles(request, { client: context.clientIp });
  if (refused)
    return data<ActionData>(
      { fieldErrors: {}, error: refused.message, typed: typedValues(fields), filesDropped: true },
      { status: refused.status },
    );
  if (tooLarge)
    return data<ActionData>(
      {
        fieldErrors: {
          files: `The files are too large together. Attach at most ${EVIDENCE_LIMITS.maxFiles} files of at most 10 MB each.`,
        },
        typed: typedValues(fields),
        filesDropped: true,
      },
      { status: 413 },
    );
  const { flow, setCookie } = await appealFlowForPost(services.config, request);

  switch (fields.intent) {
    case 'send-code': {
      const sent = await requestAppealEmailCode(services, {
        flow,
        scenario: fields.scenario,
        newEmail: fields.newEmail,
        meta,
      });
      if (sent.kind === 'invalid')
        return data<ActionData>(
          { fieldErrors: sent.fieldErrors, typed: typedValues(fields) },
          { status: 400, headers: setCookie ? { 'Set-Cookie': setCookie } : {} },
        );
      if (sent.kind === 'refused')
        return data<ActionData>({ fieldErrors: {}, error: sent.message, typed: typedValues(fields) }, { status: 429 });
      return redirect('/appeals/new', {
        headers: { 'Set-Cookie': await cookie.serialize({ ...flow, scenario: sent.scenario }) },
      });
    }
    case 'verify-email': {
      const proved = await proveAppealEmail(services, { flow, code: fields.code, meta });
      if (!proved.ok) return data<ActionData>({ fieldErrors: proved.fieldErrors }, { status: 400 });
      return redirect('/appeals/new');
    }
    case 'change-email':
      return redirect('/appeals/new', {
        headers: {
          'Set-Cookie': await cookie.serialize(newAppealFlow({ scenario: flow.scenario, notice: flow.notice })),
        },
      });
    case 'submit': {
      const outcome = await fileAppeal(services, {
        flowKey: flow.flowKey,
        noticeToken: flow.notice,
        fields,
        uploads,
        meta,
      });
      const filesDropped = uploads.length > 0;
      switch (outcome.kind) {
        case 'filed':
          return filedAnswer(outcome.caseNumber, outcome.newEmail, { 'Set-Cookie': await clearFlow() });
        case 'decoy':
          answeredFiled.set(context, true);
          return data<ActionData>({
            fieldErrors: {},
            submitted: { caseNumber: 'AP-pending', sentTo: maskEmail(outcome.newEmail) },
          });
        case 'no-proof':
          return data<ActionData>({ fieldErrors: {}, error: NO_PROOF }, { status: 400 });
        case 'invalid':
          return data<ActionData>(
            { fieldErrors: outcome.fieldErrors, typed: typedValues(fields), filesDropped },
            { status: 400 },
          );
        case 'refused':
          return data<ActionData>(
            { fieldErrors: {}, error: outcome.message, typed: typedValues(fields), filesDropped },
            { status: outcome.status },
          );
      }
    }
  }
  return data<ActionData>({ fieldErrors: {}, error: 'Unknown request.' }, { status: 400 });
}

export default function NewAppeal() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const forms = useAppealForms(d, result);
  const submitted = Boolean(result?.submitted);
  // Posted with JavaScript, the loader runs in a request of its own and cannot tell meta; the title is set here.
  useEffect(() => {
    if (!submitted) return;
    const before = document.title;
    document.title = SUBMITTED_TITLE;
    return () => {
      if (document.title === SUBMITTED_TITLE) document.title = before;
    };
  }, [submitted]);

  if (result?.submitted) return <AppealSubmitted {...result.submitted} />;

  return (
    <ErrorFocus answer={result} order={FIELD_ORDER}>
      <div className="narrow">
        <h1>File an appeal</h1>
        <p className="lead">
          For owners who cannot sign in or cannot verify their identity. We review every appeal by hand; you never need
          to share a password or a verification code with us.
        </p>
        <ol className="steps" aria-label="Progress">
          <li aria-current={!d.provedEmail ? 'step' : undefined}>1. Prove your new email</li>
          <li aria-current={d.provedEmail ? 'step' : undefined}>2. Details and evidence</li>
          <li>3. Submitted</li>
        </ol>
        <NoticeLinkNotes notice={d.notice} used={d.noticeUsed} invalid={d.noticeInvalid} />
        <FormError>{result?.error}</FormError>
        {!d.provedEmail ? (
          <AppealEmailStep forms={forms} pendingEmail={d.pendingEmail} resendAt={d.resendAt} busy={busy} />
        ) : (
          <>
            <ProvedEmail email={d.provedEmail} />
            <AppealDetailsForm forms={forms} fromNotice={Boolean(d.notice)} busy={busy} />
          </>
        )}
      </div>
    </ErrorFocus>
  );
}
