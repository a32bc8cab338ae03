import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { useEffect } from 'react';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { requireAllowed } from '~/auth/guards.server';
import {
  alreadyChangedTo,
  confirmNewEmail,
  isRepeatOfChange,
  dropNewEmailCode,
  hasPrivilegedWindow,
  sendNewEmailCode,
} from '~/account/logon-email.server';
import { confirmNewEmailSchema } from '~/account/schemas.server';
import { latestCode, liveCode, CODE_RULES } from '~/verification/codes.server';
import { maskEmail } from '~/lib/masking';
import { requestMeta } from '~/lib/request.server';
import { CodeHelp, ResendButton, Steps } from '~/components/code-entry';
import { ErrorFocus, FormError, TextField } from '~/components/form';
import { fieldError, useZodForm } from '~/components/zod-form';
import { Trans, useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { formatDateTime, titleMeta, type I18nHandle } from '~/i18n/config';
import { pageT } from '~/i18n/i18n.server';
import { checkErrorText, issueErrorText, translateMessage } from '~/i18n/messages';
import type { NewEmailProblem } from '~/account/logon-email.server';

export const handle: I18nHandle = { i18n: ['logon-email'] };
export const meta: MetaFunction<typeof loader> = titleMeta;

const EXPIRED = '/account/security/logon-email?expired=1';
const DONE = '/account/security/logon-email/done';

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { account, session } = await requireAllowed(request, context, 'change', 'LogonEmail');
  if (!hasPrivilegedWindow(session)) {
    // Back from "Modification successful" (the change closed the window): that page again, not "expired".
    if (account.logonEmailChangedAt && alreadyChangedTo(account, account.logonEmail)) throw redirect(DONE);
    throw redirect(EXPIRED);
  }
  const latest = await latestCode(context.services.prisma, {
    purpose: 'CHANGE_EMAIL_NEW',
    requesterKey: `session:${session.id}`,
    accountUid: account.uid,
  });
  const live = liveCode(latest);
  const t = await pageT(request, context, 'logon-email');
  return {
    title: t('new.title'),
    currentEmail: maskEmail(account.logonEmail),
    pendingEmail: live?.target ?? null,
    // The wait before another code holds for this session's next code, to whichever address (the server's rule).
    resendAt: latest ? new Date(latest.createdAt.getTime() + CODE_RULES.resendAfterMs).toISOString() : null,
    windowEndsAt: session.privilegedUntil!.toISOString(),
  };
}

type ActionData = {
  fieldErrors: { newEmail?: string; code?: string };
  inUse?: boolean;
  error?: string;
  sentTo?: string;
};

/** A refused address in the page's language (the domain's problem carries its own English words). */
function problemText(t: TFunction, problem: NewEmailProblem): string | undefined {
  if (problem.tooMany && problem.retryMinutes) return t('problem.tooManyLookups', { count: problem.retryMinutes });
  return translateMessage(t, problem.message);
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { account, session } = await requireAllowed(request, context, 'change', 'LogonEmail');
  const form = await request.formData();
  const meta = requestMeta(context, request);
  const intent = form.get('intent');
  const t = await pageT(request, context, 'logon-email');
  const newEmail = form.get('newEmail') ?? '';
  if (intent === 'send-code') {
    const result = await sendNewEmailCode(context.services, session, account, newEmail, meta);
    if (result.ok) return redirect('/account/security/logon-email/new');
    if (result.reason === 'window') throw redirect(EXPIRED);
    if (result.reason === 'invalid')
      return data<ActionData>(
        { fieldErrors: { newEmail: problemText(t, result.problem) }, inUse: result.problem.inUse },
        { status: result.problem.tooMany ? 429 : 400 },
      );
    return data<ActionData>({ fieldErrors: {}, error: issueErrorText(t, result) }, { status: 429 });
  }
  if (intent === 'change-address') {
    // "Use a different address": the code sent to the address shown ends, and the address can be typed again.
    if (!hasPrivilegedWindow(session)) throw redirect(EXPIRED);
    await dropNewEmailCode(context.services, session, account);
    return redirect('/account/security/logon-email/new');
  }
  if (intent === 'confirm') {
    const parsed = confirmNewEmailSchema.safeParse({ newEmail, code: form.get('code') ?? '' });
    if (!parsed.success) {
      const fieldErrors: ActionData['fieldErrors'] = {};
      for (const issue of parsed.error.issues)
        fieldErrors[issue.path[0] as 'newEmail' | 'code'] ??= translateMessage(t, issue.message);
      return data<ActionData>({ fieldErrors }, { status: 400 });
    }
    const result = await confirmNewEmail(
      context.services,
      session,
      account,
      parsed.data.newEmail,
      parsed.data.code,
      meta,
    );
    if (result.ok) return redirect(DONE);
    if (result.reason === 'window') throw redirect(EXPIRED);
    if (result.reason === 'invalid')
      return data<ActionData>(
        { fieldErrors: { newEmail: problemText(t, result.problem) }, inUse: result.problem.inUse },
        { status: result.problem.tooMany ? 429 : 409 },
      );
    return data<ActionData>({ fieldErrors: { code: checkErrorText(t, result.check) } }, { status: 400 });
  }
  // A form without its intent that carries the address just changed to: a repeat of that change.
  if (typeof newEmail === 'string' && (await isRepeatOfChange(context.services.prisma, account.uid, newEmail)))
    return redirect(DONE);
  return data<ActionData>({ fieldErrors: {}, error: t('common:form.unknownRequest') }, { status: 400 });
}

// The browser validates with the action's own schema, loaded when the form is first checked.
const WINDOW_END: Intl.DateTimeFormatOptions = {
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
};

const loadConfirmSchema = () => import('~/account/schemas').then((m) => m.confirmNewEmailSchema);

export default function NewLogonEmail() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, i18n } = useTranslation('logon-email');
  const busy = useNavigation().state !== 'idle';
  // Two forms: the address (send a code to it), and the code (confirm the address the code went to).
  // Enter in the code field then confirms; in one form it pressed the first button, "Resend code".
  const send = useZodForm(loadConfirmSchema, {
    defaultValues: { newEmail: d.pendingEmail ?? '', code: '' },
    partial: { 'send-code': ['newEmail'] },
  });
  // The address the form holds follows the page: the pending one, or none after "Use a different address".
  const { reset } = send;
  useEffect(() => {
    reset({ newEmail: d.pendingEmail ?? '', code: '' });
  }, [d.pendingEmail, reset]);
  // The confirm form checks the code in the browser; the address is the one the code went to (hidden).
  const confirm = useZodForm(loadConfirmSchema, { defaultValues: { code: '' }, partial: { confirm: ['code'] } });
  const server = result?.fieldErrors ?? {};
  const emailError = translateMessage(t, fieldError(send.formState.errors.newEmail, server.newEmail));
  return (
    // Without a live code there is no code field: its error is the form's message, which then takes focus.
    <ErrorFocus answer={result} notShown={d.pendingEmail ? undefined : ['code']}>
      <div className="narrow">
        <h1>{t('heading')}</h1>
        <Steps current={2} />
        <p className="lead">
          <Trans
            t={t}
            i18nKey="new.lead"
            values={{ email: d.currentEmail, time: formatDateTime(d.windowEndsAt, i18n.language, WINDOW_END) }}
            components={{ mono: <span className="mono" />, time: <time dateTime={d.windowEndsAt} /> }}
          />
        </p>
        {/* A code error is shown at the code field; when the code is dead there is no field, so here. */}
        <FormError>{result?.error ?? (d.pendingEmail ? undefined : server.code)}</FormError>
        {result?.inUse ? (
          <div className="notice warn" role="alert" data-testid="email-in-use">
            <p>
              {/* The field says that the address is in use (once); this says what to do about it (the help page's FAQ). */}
              <strong>{t('new.whatYouCanDo')}</strong>
            </p>
            <ol>
              <li>{t('new.useUnregistered')}</li>
              <li>
                <Trans t={t} i18nKey="new.recoverThat" components={{ reset: <Link to="/password-reset" /> }} />
              </li>
            </ol>
          </div>
        ) : null}
        <div className="card">
          {d.pendingEmail ? (
            <>
              {/* The code went to this address: it is shown, not editable (OK confirms this address, nothing else). */}
              <p className="field" data-testid="pending-email">
                <span className="label-text">{t('new.newEmail')}</span>
                <br />
                <strong className="mono">{d.pendingEmail}</strong>
              </p>
              {/* Refused at the last step (taken meanwhile): said at the address, which can then be replaced. */}
              {emailError ? (
                <p className="field-error" id="pending-email-error" data-testid="pending-email-error">
                  {emailError}
                </p>
              ) : null}
              <div className="actions">
                <Form method="post" noValidate onSubmit={send.onSubmit}>
                  <input type="hidden" {...send.register('newEmail')} value={d.pendingEmail} />
                  <ResendButton resendAt={d.resendAt} label={t('common:code.resendCode')} />
                </Form>
                <Form method="post">
                  <button type="submit" name="intent" value="change-address" className="secondary" disabled={busy}>
                    {t('new.useDifferent')}
                  </button>
                </Form>
              </div>
            </>
          ) : (
            <Form method="post" noValidate onSubmit={send.onSubmit}>
              <TextField
                label={t('new.newEmail')}
                type="email"
                autoComplete="email"
                hint={t('new.hint')}
                error={emailError}
                defaultValue=""
                {...send.register('newEmail')}
              />
              <div className="actions">
                <ResendButton resendAt={d.resendAt} label={t('common:code.getCode')} />
              </div>
            </Form>
          )}
          {d.pendingEmail ? (
            <Form method="post" noValidate onSubmit={confirm.onSubmit} aria-label={t('new.confirmLabel')}>
              <p role="status">
                <Trans
                  t={t}
                  i18nKey="new.sentTo"
                  values={{ email: d.pendingEmail }}
                  components={{ strong: <strong className="mono" /> }}
                />
              </p>
              <input type="hidden" name="intent" value="confirm" />
              <input type="hidden" name="newEmail" value={d.pendingEmail} />
              <TextField
                label={t('codeLabel')}
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                error={translateMessage(t, fieldError(confirm.formState.errors.code, server.code))}
                {...confirm.register('code')}
              />
              <div className="actions">
                <button type="submit" value="confirm" disabled={busy}>
                  {t('new.ok')}
                </button>
              </div>
            </Form>
          ) : null}
        </div>
        <CodeHelp />
        <div className="card small">
          <h2>{t('new.recommendations')}</h2>
          <p>{t('new.risky')}</p>
          <ul>
            <li>{t('new.ownNew')}</li>
            <li>{t('new.afterChange')}</li>
          </ul>
        </div>
      </div>
    </ErrorFocus>
  );
}
