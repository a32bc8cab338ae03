import { ShortDate } from '~/components/hydrated';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { assertAllowed, requireCustomer } from '~/auth/guards.server';
import { denialReason } from '~/authz/ability';
import { signOutOtherSessions } from '~/auth/session.server';
import { maskEmail, maskPhone } from '~/lib/masking';
import { requestMeta } from '~/lib/request.server';
import { FormStatus } from '~/components/form';
import { Trans, useTranslation } from 'react-i18next';
import { titleMeta, type I18nHandle } from '~/i18n/config';
import { pageT } from '~/i18n/i18n.server';

export const handle: I18nHandle = { i18n: ['account'] };
export const meta: MetaFunction<typeof loader> = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { account, ability, principal, otherSessions } = await requireCustomer(request, context);
  assertAllowed(ability, 'read', 'Account', { uid: account.uid });
  const own = { accountUid: account.uid };
  const t = await pageT(request, context, 'account');
  return {
    title: t('security.title'),
    uid: account.uid,
    principalKind: principal.kind,
    logonEmail: maskEmail(account.logonEmail),
    securePhone: maskPhone(account.securePhone),
    passwordChangedAt: account.passwordChangedAt?.toISOString() ?? null,
    changeEmailDenied: denialReason(ability, 'change', 'LogonEmail', own),
    changePhoneDenied: denialReason(ability, 'change', 'SecurePhone', own),
    changePasswordDenied: denialReason(ability, 'change', 'Password', own),
    otherSessions,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { account, ability, session } = await requireCustomer(request, context);
  assertAllowed(ability, 'manage', 'Session', { accountUid: account.uid });
  const form = await request.formData();
  const t = await pageT(request, context, 'account');
  if (form.get('intent') !== 'sign-out-others') return data({ message: t('security.unknownRequest') }, { status: 400 });
  const meta = requestMeta(context, request);
  const count = await signOutOtherSessions(context.services.prisma, session, meta);
  return { message: t('security.signedOut', { count }) };
}

export default function SecuritySettings() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useTranslation('account');
  return (
    <>
      <h1>{t('security.heading')}</h1>
      <p className="lead">{t('security.uidLead', { uid: d.uid })}</p>
      <FormStatus>{result?.message}</FormStatus>
      <div className="card">
        <ul className="settings">
          <li>
            <span className="label">{t('security.uid')}</span>
            <span className="mono">{d.uid}</span>
            <span className="muted small">{t('security.neverChanges')}</span>
          </li>
          <li>
            <span className="label">{t('security.logonAccount')}</span>
            <span>{d.logonEmail}</span>
            {d.changeEmailDenied ? (
              <span className="notice warn small" role="note" data-testid="change-email-denied">
                {d.changeEmailDenied}
              </span>
            ) : (
              <Link className="button" to="/account/security/logon-email" aria-label={t('security.changeEmailLabel')}>
                {t('security.change')}
              </Link>
            )}
          </li>
          <li>
            <span className="label">{t('security.securePhone')}</span>
            <span>{d.securePhone ?? <span className="muted">{t('security.notSet')}</span>}</span>
            <span className="muted small" data-testid="change-phone-denied">
              {d.changePhoneDenied ?? ''}
            </span>
          </li>
          <li>
            <span className="label">{t('security.password')}</span>
            <span data-testid="password-changed">
              {d.passwordChangedAt ? (
                <Trans
                  t={t}
                  i18nKey="security.changedOn"
                  components={{ date: <ShortDate iso={d.passwordChangedAt} /> }}
                />
              ) : (
                '••••••••••'
              )}
            </span>
            <span className="muted small" data-testid="change-password-denied">
              {d.changePasswordDenied ?? t('security.forgot')}
            </span>
          </li>
        </ul>
      </div>
      <div className="card">
        <h2>{t('security.sessions')}</h2>
        <p>
          {d.otherSessions === 0
            ? t('security.noOtherSessions')
            : t('security.otherSessions', { count: d.otherSessions })}
        </p>
        <Form method="post">
          <input type="hidden" name="intent" value="sign-out-others" />
          <button type="submit" className="secondary">
            {t('security.signOutOthers')}
          </button>
        </Form>
      </div>
    </>
  );
}
