import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { useEffect, useRef } from 'react';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { CURRENCIES, EVIDENCE_LIMITS, NEEDS_NEW_PHONE } from '~/appeals/options';
import { appealEmailStepSchema, scenarioSchema } from '~/appeals/schema.server';
import { appealFlowCookie, newAppealFlow, readAppealFlow, type AppealFlow } from '~/appeals/flow.server';
import { provedEmail, sendAppealEmailCode, verifyAppealEmail } from '~/appeals/submit.server';
import { noticeUsedMessage, readNoticeLink } from '~/appeals/notice-link.server';
import { parseFormWithFiles } from '~/appeals/uploads.server';
import { isMultipart, submissionGate } from '~/appeals/submission-gate.server';
import { fileAppeal, FILING_FLOOR_MS, NO_PROOF, tooManyAppeals } from '~/appeals/file-appeal.server';
import { atLeast } from '~/lib/timing';
import { codeSchema } from '~/account/schemas.server';
import { maskEmail } from '~/lib/masking';
import { checkErrorMessage, issueErrorMessage, latestCode, liveCode, CODE_RULES } from '~/verification/codes.server';
import { requestMeta } from '~/lib/request.server';
import { CodeHelp, ResendButton } from '~/components/code-entry';
import { ErrorFocus, firstInvalidField, FormError, TextField } from '~/components/form';
import { fieldError, useZodForm } from '~/components/zod-form';
import { fieldErrorsOf } from '~/lib/form-errors';
import { ACCOUNT_TYPES, ChoiceError, FileField, ScenarioChoices } from '~/appeals/components/appeal-form-fields';

const TITLE = 'File an appeal — Account Recovery Desk';
const SUBMITTED_TITLE = 'Appeal submitted — Account Recovery Desk';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.submitted ? SUBMITTED_TITLE : TITLE }];

// meta sees the loader's data, not the action's: a filing answered in this request (the page posted without
// JavaScript, whose loader runs right after the action) is noted on the request's context for the loader.
const answeredFiled = new WeakMap<AppLoadContext, true>();

type Errors = Record<string, string>;
/** The text fields a refused form is refilled with (never files, the code, the honeypot or the notice's token). */
const TYPED_FIELDS = [
  'scenario',
  'newEmail',
  'givenUid',
  'givenAlias',
  'givenOldEmail',
  'accountType',
  'holderName',
  'newPhone',
  'lastPaymentAmount',
  'lastPaymentCurrency',
  'createdMonth',
] as const;
type Typed = Partial<Record<(typeof TYPED_FIELDS)[number], string>>;
type ActionData = {
  fieldErrors: Errors;
  error?: string;
  submitted?: { caseNumber: string; sentTo: string };
  /** What was typed, for a refused form: without JavaScript the answer is a new page that would otherwise be blank. */
  typed?: Typed;
  /** Files were sent with the refused form: a new page cannot give them back, so they must be chosen again. */
  filesDropped?: boolean;
};

function typedValues(fields: Record<string, string | undefined>): Typed {
  const typed: Typed = {};
  for (const name of TYPED_FIELDS) if (typeof fields[name] === 'string') typed[name] = fields[name]!.slice(0, 320);
  return typed;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { services } = context;
  const url = new URL(request.url);
  let flow = await readAppealFlow(services.config, request);
  const headers = new Headers();
  const askedScenario = scenarioSchema.safeParse(url.searchParams.get('scenario'));
  const askedNotice = url.searchParams.get('notice');
  if (
    !flow ||
    (askedScenario.success && askedScenario.data !== flow.scenario) ||
    (askedNotice && askedNotice !== flow.notice)
  ) {
    flow = {
      ...(flow ?? newAppealFlow()),
      ...(askedScenario.success ? { scenario: askedScenario.data } : {}),
      ...(askedNotice ? { notice: askedNotice.slice(0, 100) } : {}),
    };
    headers.append('Set-Cookie', await appealFlowCookie(services.config).serialize(flow));
  }
  const [link, proved, pending] = await Promise.all([
    flow.notice ? readNoticeLink(services.prisma, flow.notice) : null,
    provedEmail(services.prisma, flow.flowKey),
    latestCode(services.prisma, { purpose: 'APPEAL_NEW_EMAIL', requesterKey: `appeal:${flow.flowKey}` }),
  ]);
  const live = liveCode(pending);
  const notice = link?.state === 'live' ? link.notice : null;
  return data(
    {
      submitted: answeredFiled.has(context),
      scenario: notice ? 'EMAIL_CHANGED_NOT_ME' : (flow.scenario ?? null),
      notice: notice ? { oldEmailMasked: notice.oldEmailMasked, newEmailMasked: notice.newEmailMasked } : null,
      noticeInvalid: Boolean(flow.notice && !notice && link?.state !== 'used'),
      noticeUsed: link?.state === 'used' ? noticeUsedMessage(link.caseNumber) : null,
      provedEmail: proved,
      pendingEmail: live?.target ?? null,
      resendAt: pending ? new Date(pending.createdAt.getTime() + CODE_RULES.resendAfterMs).toISOString() : null,
    },
    { headers },
  );
}

async function withFlow(
  request: Request,
  context: ActionFunctionArgs['context'],
): Promise<{ flow: AppealFlow; setCookie?: string }> {
  const flow = await readAppealFlow(context.services.config, request);
  if (flow) return { flow };
  const fresh = newAppealFlow();
  return { flow: fresh, setCookie: await appealFlowCookie(context.services.config).serialize(fresh) };
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
  const { flow, setCookie } = await withFlow(request, context);
  const intent = fields.intent;

  if (intent === 'send-code') {
    const parsed = appealEmailStepSchema.safeParse({
      scenario: fields.scenario ?? flow.scenario,
      newEmail: fields.newEmail ?? '',
    });
    if (!parsed.success)
      return data<ActionData>(
        { fieldErrors: fieldErrorsOf(parsed.error), typed: typedValues(fields) },
        { status: 400, headers: setCookie ? { 'Set-Cookie': setCookie } : {} },
      );
    const result = await sendAppealEmailCode(services, { flowKey: flow.flowKey, newEmail: parsed.data.newEmail, meta });
    if (!result.ok) {
      const message =
        result.reason === 'ip-limit'
          ? `Too many codes were requested from your network. Try again in ${Math.ceil(result.retryAfterSec / 60)} minutes.`
          : issueErrorMessage(result);
      return data<ActionData>({ fieldErrors: {}, error: message, typed: typedValues(fields) }, { status: 429 });
    }
    return redirect('/appeals/new', {
      headers: { 'Set-Cookie': await cookie.serialize({ ...flow, scenario: parsed.data.scenario }) },
    });
  }

  if (intent === 'verify-email') {
    const code = codeSchema.safeParse(fields.code ?? '');
    if (!code.success)
      return data<ActionData>({ fieldErrors: { code: code.error.issues[0].message } }, { status: 400 });
    const pending = await latestCode(services.prisma, {
      purpose: 'APPEAL_NEW_EMAIL',
      requesterKey: `appeal:${flow.flowKey}`,
    });
    if (!pending)
      return data<ActionData>({ fieldErrors: { code: 'Request a verification code first.' } }, { status: 400 });
    const result = await verifyAppealEmail(services, {
      flowKey: flow.flowKey,
      newEmail: pending.target,
      code: code.data,
      meta,
    });
    if (!result.ok) return data<ActionData>({ fieldErrors: { code: checkErrorMessage(result) } }, { status: 400 });
    return redirect('/appeals/new');
  }

  if (intent === 'change-email') {
    return redirect('/appeals/new', {
      headers: {
        'Set-Cookie': await cookie.serialize(newAppealFlow({ scenario: flow.scenario, notice: flow.notice })),
      },
    });
  }

  if (intent === 'submit') {
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
  return data<ActionData>({ fieldErrors: {}, error: 'Unknown request.' }, { status: 400 });
}

/** What the details form starts with, in the browser (react-hook-form) and in the HTML the server sends. */
const DETAILS_DEFAULTS = { accountType: 'INDIVIDUAL', lastPaymentCurrency: 'CNY' } as const;

/** The fields of both steps in the order the page shows them: a refused form's focus goes to the first with an error. */
const FIELD_ORDER = [
  'scenario',
  'newEmail',
  'code',
  'givenUid',
  'givenAlias',
  'givenOldEmail',
  'accountType',
  'holderName',
  'newPhone',
  'lastPaymentAmount',
  'lastPaymentCurrency',
  'createdMonth',
  'files',
  'idDocument',
  'businessLicence',
  'paymentRecord',
  'otherEvidence',
];

// The browser validates with the action's own schemas, loaded when the form is first checked.
const loadDetailsSchema = () => import('~/appeals/schema').then((m) => m.appealDetailsBrowserSchema);
const loadEmailStepSchema = () => import('~/appeals/schema').then((m) => m.appealEmailStepSchema);

export default function NewAppeal() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const errors: Errors = result?.fieldErrors ?? {};
  // A refused form comes back filled with what was typed (without JavaScript the answer is a new page).
  const typed: Typed = result?.typed ?? {};
  const { newEmail: typedEmail, ...typedDetails } = typed;
  const scenarioChosen = typed.scenario ?? d.scenario;
  const details = useZodForm(loadDetailsSchema, {
    // From a notice the page hides the identification: the schema is told the notice stands in for it
    // (the server takes the notice from the flow cookie, never from the form).
    defaultValues: {
      ...DETAILS_DEFAULTS,
      ...typedDetails,
      scenario: (scenarioChosen ?? undefined) as never,
      notice: d.notice ? 'security-notice' : undefined,
    } as never,
  });
  const emailForm = useZodForm(loadEmailStepSchema, {
    defaultValues: { scenario: (scenarioChosen ?? undefined) as never, newEmail: typedEmail ?? d.pendingEmail ?? '' },
    partial: {},
  });
  const focusField = firstInvalidField(result, FIELD_ORDER);
  // Files cannot be given back: when the refusal is a new page (posted without JavaScript), they must be chosen
  // again. With JavaScript the page stays and so do the chosen files.
  const answerOfThisDocument = useRef(result);
  const chooseFilesAgain = Boolean(result?.filesDropped) && result === answerOfThisDocument.current;
  const ce = details.formState.errors as Record<string, { message?: string } | undefined>;
  const emailScenarioError = fieldError(emailForm.formState.errors.scenario, errors.scenario);
  const scenarioError = fieldError(ce.scenario, errors.scenario);
  const accountTypeError = fieldError(ce.accountType, errors.accountType);
  const currencyError = fieldError(ce.lastPaymentCurrency, errors.lastPaymentCurrency);
  const scenario = details.watch('scenario') ?? scenarioChosen;
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

  if (result?.submitted) {
    return (
      <div className="narrow">
        <h1>Appeal submitted</h1>
        <div className="notice ok" role="status">
          <p>
            Your case number is <strong className="mono">{result.submitted.caseNumber}</strong>.
          </p>
          <p>
            We sent a private tracking link to <strong>{result.submitted.sentTo}</strong>. Use it to follow your case,
            answer our questions and add documents. We expect to decide within 3 working days.
          </p>
        </div>
        <p className="small muted">
          If you do not receive the email, check your spam folder. Do not share the tracking link.
        </p>
      </div>
    );
  }

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
        {d.notice ? (
          <div className="notice warn" role="note">
            <p>
              You came from the security notice about the change of the logon email from{' '}
              <strong>{d.notice.oldEmailMasked}</strong> to <strong>{d.notice.newEmailMasked}</strong>. Your appeal is
              linked to that account and handled with priority.
            </p>
          </div>
        ) : null}
        {d.noticeUsed ? (
          <div className="notice warn" role="note" data-testid="notice-used">
            <p>{d.noticeUsed}</p>
          </div>
        ) : null}
        {d.noticeInvalid ? (
          <div className="notice warn" role="note">
            <p>
              The link from the security notice has expired, so the account is not filled in for you. Identify it below.
            </p>
          </div>
        ) : null}
        <FormError>{result?.error}</FormError>

        {!d.provedEmail ? (
          <div className="card">
            <h2>Prove your new email</h2>
            <p>
              The new logon email must be yours: we send a 6-digit code to it, and all news about your appeal goes
              there.
            </p>
            <Form method="post" noValidate onSubmit={emailForm.onSubmit}>
              <ScenarioChoices
                errorId="email-scenario-error"
                error={emailScenarioError}
                chosen={scenarioChosen}
                autoFocus={focusField === 'scenario'}
                field={emailForm.register('scenario')}
                withHints
              />
              <TextField
                label="New logon email"
                type="email"
                autoComplete="email"
                defaultValue={typedEmail ?? d.pendingEmail ?? ''}
                error={fieldError(emailForm.formState.errors.newEmail, errors.newEmail)}
                {...emailForm.register('newEmail')}
              />
              <div className="actions">
                <ResendButton resendAt={d.resendAt} label={d.pendingEmail ? 'Resend code' : 'Get verification code'} />
              </div>
            </Form>
            {d.pendingEmail ? (
              <Form method="post" noValidate>
                <input type="hidden" name="intent" value="verify-email" />
                <p role="status">
                  We sent a verification code to <strong className="mono">{d.pendingEmail}</strong>.
                </p>
                <TextField
                  label="Verification code"
                  name="code"
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  maxLength={6}
                  error={errors.code}
                />
                <div className="actions">
                  <button type="submit" disabled={busy}>
                    Verify email
                  </button>
                </div>
              </Form>
            ) : null}
            <CodeHelp variant="new-address" />
          </div>
        ) : (
          <>
            <div className="notice ok" role="status">
              <p>
                New logon email verified: <strong className="mono">{d.provedEmail}</strong>
              </p>
              <Form method="post">
                <button type="submit" name="intent" value="change-email" className="link">
                  Use a different email
                </button>
              </Form>
            </div>
            <Form method="post" encType="multipart/form-data" noValidate onSubmit={details.onSubmit} className="card">
              <input type="hidden" name="intent" value="submit" />
              <ScenarioChoices
                errorId="scenario-error"
                error={scenarioError}
                chosen={scenarioChosen}
                autoFocus={focusField === 'scenario'}
                field={details.register('scenario')}
                only={d.notice ? 'EMAIL_CHANGED_NOT_ME' : undefined}
              />

              {d.notice ? null : (
                <fieldset className="field">
                  <legend>Which account? Give any one of these</legend>
                  <TextField
                    label="Account ID (UID)"
                    inputMode="numeric"
                    maxLength={16}
                    hint="16 digits"
                    error={fieldError(ce.givenUid, errors.givenUid)}
                    defaultValue={typed.givenUid}
                    {...details.register('givenUid')}
                  />
                  <TextField
                    label="Account alias"
                    error={fieldError(ce.givenAlias, errors.givenAlias)}
                    defaultValue={typed.givenAlias}
                    {...details.register('givenAlias')}
                  />
                  <TextField
                    label="Old logon email"
                    type="email"
                    error={fieldError(ce.givenOldEmail, errors.givenOldEmail)}
                    defaultValue={typed.givenOldEmail}
                    {...details.register('givenOldEmail')}
                  />
                </fieldset>
              )}

              <fieldset
                className="field"
                role="radiogroup"
                aria-invalid={accountTypeError ? true : undefined}
                aria-describedby={accountTypeError ? 'accountType-error' : undefined}
              >
                <legend>Account type</legend>
                {ACCOUNT_TYPES.map((t, i) => (
                  <label key={t.value} className="choice">
                    <input
                      type="radio"
                      value={t.value}
                      defaultChecked={t.value === (typed.accountType ?? DETAILS_DEFAULTS.accountType)}
                      autoFocus={i === 0 && focusField === 'accountType'}
                      {...details.register('accountType')}
                    />{' '}
                    <span>{t.label}</span>
                  </label>
                ))}
                <ChoiceError id="accountType-error" error={accountTypeError} />
              </fieldset>
              <TextField
                label="Full name or company name on the account"
                autoComplete="name"
                error={fieldError(ce.holderName, errors.holderName)}
                defaultValue={typed.holderName}
                {...details.register('holderName')}
              />
              {scenario && NEEDS_NEW_PHONE.includes(scenario as never) ? (
                <TextField
                  label="New secure phone"
                  type="tel"
                  autoComplete="tel"
                  hint="International format, e.g. +8613800000001"
                  error={fieldError(ce.newPhone, errors.newPhone)}
                  defaultValue={typed.newPhone}
                  {...details.register('newPhone')}
                />
              ) : (
                <TextField
                  label="New secure phone (optional)"
                  type="tel"
                  autoComplete="tel"
                  hint="International format, e.g. +8613800000001"
                  error={fieldError(ce.newPhone, errors.newPhone)}
                  defaultValue={typed.newPhone}
                  {...details.register('newPhone')}
                />
              )}

              <h2>What only the owner knows</h2>
              <TextField
                label="Amount of the last payment"
                inputMode="decimal"
                hint="e.g. 128.00"
                error={fieldError(ce.lastPaymentAmount, errors.lastPaymentAmount)}
                defaultValue={typed.lastPaymentAmount}
                {...details.register('lastPaymentAmount')}
              />
              <div className="field">
                <label htmlFor="currency">Currency of the last payment</label>
                <select
                  id="currency"
                  defaultValue={typed.lastPaymentCurrency ?? DETAILS_DEFAULTS.lastPaymentCurrency}
                  aria-invalid={currencyError ? true : undefined}
                  autoFocus={focusField === 'lastPaymentCurrency'}
                  aria-describedby={currencyError ? 'currency-error' : undefined}
                  {...details.register('lastPaymentCurrency')}
                >
                  {CURRENCIES.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
                <ChoiceError id="currency-error" error={currencyError} />
              </div>
              <TextField
                label="When was the account created? (approximately)"
                type="month"
                hint="YYYY-MM"
                error={fieldError(ce.createdMonth, errors.createdMonth)}
                defaultValue={typed.createdMonth}
                {...details.register('createdMonth')}
              />

              <h2>Evidence</h2>
              <p className="small muted">
                JPEG, PNG or PDF only (we check the content, not the name), at most 10 MB each and 5 files in all.
              </p>
              {errors.files ? (
                <p className="field-error" role="alert" id="files-error">
                  {errors.files}
                </p>
              ) : null}
              {chooseFilesAgain ? (
                <div className="notice warn" role="note" id="choose-files-again" data-testid="choose-files-again">
                  <p>
                    The files you attached were not kept when the form came back: choose them again before you submit.
                  </p>
                </div>
              ) : null}
              <FileField
                name="idDocument"
                label="ID document"
                hint="A photo or scan of the holder's identity document."
                required
                autoFocus={focusField === 'files' || focusField === 'idDocument'}
                error={fieldError(ce.idDocument, errors.idDocument)}
                filesError={errors.files}
                chooseAgainId={chooseFilesAgain ? 'choose-files-again' : undefined}
                register={details.register as never}
              />
              <FileField
                name="businessLicence"
                label="Business licence"
                hint="Required for enterprise accounts."
                autoFocus={focusField === 'businessLicence'}
                required={details.watch('accountType') === 'ENTERPRISE'}
                error={fieldError(ce.businessLicence, errors.businessLicence)}
                filesError={errors.files}
                chooseAgainId={chooseFilesAgain ? 'choose-files-again' : undefined}
                register={details.register as never}
              />
              <FileField
                name="paymentRecord"
                label="Recent payment record"
                hint="An invoice or bank statement of a payment to the account."
                autoFocus={focusField === 'paymentRecord'}
                error={fieldError(ce.paymentRecord, errors.paymentRecord)}
                filesError={errors.files}
                chooseAgainId={chooseFilesAgain ? 'choose-files-again' : undefined}
                register={details.register as never}
              />
              <FileField
                name="otherEvidence"
                label="Other evidence"
                hint="Anything else that shows the account is yours."
                autoFocus={focusField === 'otherEvidence'}
                error={fieldError(ce.otherEvidence, errors.otherEvidence)}
                filesError={errors.files}
                chooseAgainId={chooseFilesAgain ? 'choose-files-again' : undefined}
                register={details.register as never}
              />

              <div className="visually-hidden" aria-hidden="true">
                <label htmlFor="website">Leave this empty</label>
                <input id="website" type="text" name="website" tabIndex={-1} autoComplete="off" />
              </div>
              <div className="actions">
                <button type="submit" disabled={busy}>
                  {busy ? 'Submitting…' : 'Submit appeal'}
                </button>
                <Link to="/help/change-logon-email">Help</Link>
              </div>
            </Form>
          </>
        )}
      </div>
    </ErrorFocus>
  );
}
