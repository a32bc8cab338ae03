import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { requireAllowed } from '~/auth/guards.server';
import { identityChannels, sendIdentityCode, verifyIdentity, hasPrivilegedWindow } from '~/account/logon-email.server';
import { CHANGE_MESSAGES as MESSAGES } from '~/account/messages';
import { channelSchema, identityCodeSchema } from '~/account/schemas.server';
import { latestCode, liveCode, CODE_RULES } from '~/verification/codes.server';
import { maskDestination } from '~/lib/masking';
import { requestMeta } from '~/lib/request.server';
import { CodeHelp, ResendButton, Steps } from '~/components/code-entry';
import { ErrorFocus, firstInvalidField, FormError, TextField } from '~/components/form';
import { Trans, useTranslation } from 'react-i18next';
import { titleMeta, type I18nHandle } from '~/i18n/config';
import { pageT } from '~/i18n/i18n.server';
import { checkErrorText, issueErrorText, translateMessage } from '~/i18n/messages';

export const handle: I18nHandle = { i18n: ['logon-email'] };
export const meta: MetaFunction<typeof loader> = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { account, session } = await requireAllowed(request, context, 'change', 'LogonEmail');
  const latest = await latestCode(context.services.prisma, {
    purpose: 'CHANGE_EMAIL_IDENTITY',
    requesterKey: `session:${session.id}`,
    accountUid: account.uid,
  });
  const pending = liveCode(latest);
  const url = new URL(request.url);
  const t = await pageT(request, context, 'logon-email');
  return {
    title: t('verify.title'),
    channels: identityChannels(account).map((c) => ({ channel: c.channel, masked: maskDestination(c.target) })),
    pending: pending ? { channel: pending.channel, masked: maskDestination(pending.target) } : null,
    resendAt: latest ? new Date(latest.createdAt.getTime() + CODE_RULES.resendAfterMs).toISOString() : null,
    windowOpen: hasPrivilegedWindow(session),
    expired: url.searchParams.get('expired') === '1',
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { account, session } = await requireAllowed(request, context, 'change', 'LogonEmail');
  const form = await request.formData();
  const meta = requestMeta(context, request);
  const intent = form.get('intent');
  const t = await pageT(request, context, 'logon-email');
  if (intent === 'send-code') {
    const channel = channelSchema.safeParse(form.get('channel'));
    if (!channel.success)
      return data(
        { fieldErrors: { channel: translateMessage(t, channel.error.issues[0].message) }, error: null },
        { status: 400 },
      );
    const result = await sendIdentityCode(context.services, session, account, channel.data, meta);
    if (!result.ok) {
      const message =
        result.reason === 'no-channel' ? translateMessage(t, MESSAGES.noChannel) : issueErrorText(t, result);
      return data({ fieldErrors: {}, error: message }, { status: result.reason === 'no-channel' ? 400 : 429 });
    }
    return redirect('/account/security/logon-email');
  }
  if (intent === 'verify') {
    const parsed = identityCodeSchema.safeParse({ code: form.get('code') ?? '' });
    if (!parsed.success)
      return data(
        { fieldErrors: { code: translateMessage(t, parsed.error.issues[0].message) }, error: null },
        { status: 400 },
      );
    const result = await verifyIdentity(context.services, session, account, parsed.data.code, meta);
    if (!result.ok) return data({ fieldErrors: { code: checkErrorText(t, result) }, error: null }, { status: 400 });
    return redirect('/account/security/logon-email/new');
  }
  return data({ fieldErrors: {}, error: t('common:form.unknownRequest') }, { status: 400 });
}

export default function VerifyIdentity() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useTranslation('logon-email');
  const busy = useNavigation().state !== 'idle';
  const fieldErrors: Record<string, string | undefined> = result?.fieldErrors ?? {};
  const hasPhone = d.channels.some((c) => c.channel === 'SMS');
  return (
    // Without a live code there is no code field: its error is the form's message, which then takes focus.
    <ErrorFocus answer={result} notShown={d.pending ? undefined : ['code']}>
      <div className="narrow">
        <h1>{t('heading')}</h1>
        <Steps current={1} />
        {d.expired ? (
          <div className="notice warn" role="alert">
            <p>{t('problem.windowExpired')}</p>
          </div>
        ) : null}
        {d.windowOpen ? (
          <div className="notice ok" role="status">
            <p>
              <Trans
                t={t}
                i18nKey="verify.verified"
                components={{ next: <Link to="/account/security/logon-email/new" /> }}
              />
            </p>
          </div>
        ) : null}
        {/* A code error is shown at the code field; when the code is dead there is no field, so here. */}
        <FormError>{result?.error ?? (d.pending ? undefined : fieldErrors.code)}</FormError>
        <div className="card">
          <h2>{t('verify.heading')}</h2>
          {hasPhone ? <p>{t('verify.chooseChannel')}</p> : <p>{t('verify.emailOnly')}</p>}
          <Form method="post" noValidate>
            <fieldset
              className="field"
              role="radiogroup"
              aria-invalid={fieldErrors.channel ? true : undefined}
              aria-describedby={fieldErrors.channel ? 'channel-error' : undefined}
            >
              <legend>{t('verify.receiveBy')}</legend>
              {d.channels.map((c, i) => (
                <label key={c.channel} className="choice">
                  <input
                    type="radio"
                    name="channel"
                    value={c.channel}
                    defaultChecked={d.pending ? d.pending.channel === c.channel : i === 0}
                    autoFocus={i === 0 && firstInvalidField(result) === 'channel'}
                  />
                  <span>
                    {c.channel === 'SMS' ? t('verify.securePhone') : t('verify.originalEmail')}{' '}
                    <span className="mono">{c.masked}</span>
                  </span>
                </label>
              ))}
              {fieldErrors.channel ? (
                <p className="field-error" id="channel-error">
                  {fieldErrors.channel}
                </p>
              ) : null}
            </fieldset>
            <div className="actions">
              {d.pending ? (
                <ResendButton resendAt={d.resendAt} label={t('common:code.resendCode')} />
              ) : (
                <ResendButton resendAt={d.resendAt} label={t('common:code.getCode')} />
              )}
            </div>
          </Form>
        </div>
        {d.pending ? (
          <div className="card">
            <p role="status">
              <Trans
                t={t}
                i18nKey="verify.sentTo"
                values={{ masked: d.pending.masked }}
                components={{ strong: <strong className="mono" /> }}
              />
            </p>
            <Form method="post" noValidate>
              <input type="hidden" name="intent" value="verify" />
              <TextField
                label={t('codeLabel')}
                name="code"
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                pattern="[0-9]{6}"
                required
                error={fieldErrors.code}
              />
              <div className="actions">
                <button type="submit" disabled={busy}>
                  {t('verify.verify')}
                </button>
              </div>
            </Form>
          </div>
        ) : null}
        <CodeHelp />
        <div className="card small">
          <p>
            <Trans
              t={t}
              i18nKey={hasPhone ? 'verify.cannotUseBoth' : 'verify.cannotUseEmail'}
              components={{
                strong: <strong />,
                appeal: <Link to="/appeals/new?scenario=EMAIL_AND_PHONE_UNAVAILABLE" />,
              }}
            />
          </p>
        </div>
      </div>
    </ErrorFocus>
  );
}
