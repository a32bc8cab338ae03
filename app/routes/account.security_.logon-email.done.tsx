import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { requireAllowed } from '~/auth/guards.server';
import { changedInThisSession } from '~/account/logon-email.server';
import { Trans, useTranslation } from 'react-i18next';
import { titleMeta, type I18nHandle } from '~/i18n/config';
import { pageT } from '~/i18n/i18n.server';

export const handle: I18nHandle = { i18n: ['logon-email'] };
export const meta: MetaFunction<typeof loader> = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  // Like the other steps: only the account itself (never a RAM user, RAM role or SSO user) gets here.
  const { account, session } = await requireAllowed(request, context, 'change', 'LogonEmail');
  // Only right after a change, and only in the session that made it (it typed the address, so it sees
  // it whole): any other session of the owner has nothing to report here and gets Security Settings.
  if (!(await changedInThisSession(context.services.prisma, account, session.id))) throw redirect('/account/security');
  const t = await pageT(request, context, 'logon-email');
  return {
    title: t('done.title'),
    email: account.logonEmail,
    uid: account.uid,
    changedAt: account.logonEmailChangedAt?.toISOString() ?? null,
  };
}

export default function Done() {
  const d = useLoaderData<typeof loader>();
  const { t } = useTranslation('logon-email');
  return (
    <div className="narrow">
      <h1>{t('done.heading')}</h1>
      <div className="notice ok" role="status">
        <p>
          <Trans
            t={t}
            i18nKey="done.nowIs"
            values={{ uid: d.uid, email: d.email }}
            components={{ mono: <span className="mono" />, strong: <strong /> }}
          />
        </p>
      </div>
      <div className="card">
        <ul>
          <li>{t('done.signInWithNew')}</li>
          <li>{t('done.notices')}</li>
          <li>{t('done.sessions')}</li>
          <li>{t('done.unchanged')}</li>
        </ul>
        <div className="actions">
          <Link className="button" to="/account/security">
            {t('done.back')}
          </Link>
          <Link to="/account">{t('done.seeRam')}</Link>
        </div>
      </div>
    </div>
  );
}
