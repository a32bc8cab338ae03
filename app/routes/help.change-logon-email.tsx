import type { MetaFunction, LoaderFunctionArgs } from '@remix-run/node';
import { Link } from '@remix-run/react';
import { Trans, useTranslation } from 'react-i18next';
import { CODE_RULES } from '~/verification/rules';
import { titleMeta, type I18nHandle } from '~/i18n/config';
import { pageT } from '~/i18n/i18n.server';

export const handle: I18nHandle = { i18n: ['help'] };
export const meta: MetaFunction<typeof loader> = titleMeta;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const t = await pageT(request, context, 'help');
  return { title: t('title') };
}

const APPEAL_BOTH = '/appeals/new?scenario=EMAIL_AND_PHONE_UNAVAILABLE';
const APPEAL_FORGOT = '/appeals/new?scenario=FORGOT_LOGON_EMAIL';

/** The help page the product implements, with each step linked to where it happens. */
export default function HelpChangeLogonEmail() {
  const { t } = useTranslation('help');
  const strong = <strong />;
  const unavailable = <a href="#email-unavailable">.</a>;
  return (
    <article className="narrow help">
      <h1>{t('heading')}</h1>
      <p className="lead">{t('lead')}</p>

      <h2>{t('scenarios.heading')}</h2>
      <p>{t('scenarios.intro')}</p>
      <ul>
        <li>
          <Trans t={t} i18nKey="scenarios.security" components={{ strong }} />
        </li>
        <li>
          <Trans t={t} i18nKey="scenarios.organization" components={{ strong }} />
        </li>
        <li>
          <Trans t={t} i18nKey="scenarios.standardize" components={{ strong }} />
        </li>
      </ul>
      <div className="notice" role="note">
        <p>
          <Trans t={t} i18nKey="note" components={{ strong, account: <Link to="/account" /> }} />
        </p>
      </div>

      <h2>{t('prerequisites.heading')}</h2>
      <p>{t('prerequisites.intro')}</p>
      <ul>
        <li>{t('prerequisites.available')}</li>
        <li>
          {t('prerequisites.unavailable')}
          <ul>
            <li>{t('prerequisites.remember')}</li>
            <li>
              <Trans
                t={t}
                i18nKey="prerequisites.forgot"
                components={{ appeal: <Link to={APPEAL_FORGOT} />, unavailable }}
              />
            </li>
          </ul>
        </li>
        <li>
          <Trans t={t} i18nKey="prerequisites.both" components={{ appeal: <Link to={APPEAL_BOTH} />, unavailable }} />
        </li>
      </ul>

      <h2>{t('procedure.heading')}</h2>
      <div className="notice warn" role="note">
        <p>{t('procedure.ramNote')}</p>
      </div>
      <ol>
        <li>
          <Trans
            t={t}
            i18nKey="procedure.step1"
            components={{
              strong,
              login: <Link to="/login" />,
              account: <Link to="/account" />,
              security: <Link to="/account/security" />,
            }}
          />
        </li>
        <li>{t('procedure.step2')}</li>
        <li>
          <Trans t={t} i18nKey="procedure.step3" components={{ strong }} />
        </li>
        <li>
          <Trans t={t} i18nKey="procedure.step4" components={{ strong }} />
        </li>
      </ol>

      <h2>{t('recommendations.heading')}</h2>
      <p>{t('recommendations.intro')}</p>
      <ul>
        <li>{t('recommendations.ownNew')}</li>
        <li>{t('recommendations.afterChange')}</li>
      </ul>

      <h2>{t('faq.heading')}</h2>
      <h3>{t('faq.noCodeQ')}</h3>
      <ol>
        <li>
          <Trans
            t={t}
            i18nKey="faq.noCodeA1"
            components={{ strong, appeal: <Link to="/appeals/new" />, nocode: <a href="#no-code">.</a> }}
          />
        </li>
        <li>
          <Trans t={t} i18nKey="faq.noCodeA2" components={{ appeal: <Link to={APPEAL_BOTH} />, unavailable }} />
        </li>
      </ol>
      <h3>{t('faq.inUseQ')}</h3>
      <p>{t('faq.inUseA')}</p>
      <ol>
        <li>{t('faq.inUseA1')}</li>
        <li>
          <Trans t={t} i18nKey="faq.inUseA2" components={{ reset: <Link to="/password-reset" /> }} />
        </li>
      </ol>
      <h3 id="no-code">{t('faq.receiveQ')}</h3>
      <ol>
        <li>{t('faq.receive1')}</li>
        <li>{t('faq.receive2')}</li>
        <li>
          <Trans t={t} i18nKey="faq.receive3" components={{ strong }} />
        </li>
        <li>{t('faq.receive4', { perHour: CODE_RULES.perHour, perDay: CODE_RULES.perDay })}</li>
        <li>
          <Trans t={t} i18nKey="faq.receive5" components={{ appeal: <Link to="/appeals/new" /> }} />
        </li>
      </ol>
      <h3 id="email-unavailable">{t('faq.unavailableQ')}</h3>
      <p>
        <Trans
          t={t}
          i18nKey="faq.unavailableA"
          components={{ appeal: <Link to={APPEAL_BOTH} />, forgot: <Link to={APPEAL_FORGOT} /> }}
        />
      </p>
    </article>
  );
}
