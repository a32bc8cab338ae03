import { RouteAnnouncer } from '~/components/route-announcer';
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import {
  Form,
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  isRouteErrorResponse,
  useLoaderData,
  useLocation,
  useRouteError,
  useRouteLoaderData,
} from '@remix-run/react';
import stylesheet from '~/styles/app.css';
import { useNonce } from '~/components/nonce';
import { useInAppLinks } from '~/components/in-app-links';
import { errorHeading } from '~/components/error-page';
import type { TFunction } from 'i18next';
import { ErrorReference } from '~/components/error-reference';
import { getCustomer } from '~/auth/guards.server';
import { denialReason } from '~/authz/ability';
import { Trans, useTranslation } from 'react-i18next';
import { requestLanguage } from '~/i18n/i18n.server';
import { LanguageSwitcher } from '~/components/language-switcher';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: stylesheet },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
];
const SITE = 'Account Recovery Desk';

// Pages have titles of their own; a refusal or error shown by this boundary gets one in the same form.
export const meta: MetaFunction = ({ error }) => [{ title: error ? `${errorHeading(error)} — ${SITE}` : SITE }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const customer = await getCustomer(request, context);
  const own = customer ? { accountUid: customer.account.uid } : {};
  const role = customer?.principal.kind === 'ram_role' ? customer.principal : null;
  return {
    language: await requestLanguage(request, context),
    user: customer
      ? {
          label: customer.principal.label,
          kind: customer.principal.kind,
          // A role session names its role, and a RAM user's one can go back to the RAM user.
          role: role
            ? {
                name: role.roleName,
                until: customer.session.expiresAt.toISOString(),
                canGoBack: customer.session.principalType === 'RAM_ROLE',
                backTo: customer.session.ssoSubject ? ('sso' as const) : ('ram' as const),
              }
            : null,
          canSwitchRole: denialReason(customer.ability, 'switch', 'RamRole', own) === null,
          canManageSso: denialReason(customer.ability, 'manage', 'IdentityProvider', own) === null,
        }
      : null,
    devTools: context.services.config.mode !== 'production',
    /** The error page's reference (this page's X-Request-Id). */
    requestId: context.requestId,
  };
}

function Header() {
  const data = useRouteLoaderData<typeof loader>('root');
  const { t } = useTranslation();
  const backOffice = useLocation().pathname.startsWith('/staff');
  const user = backOffice ? null : data?.user;
  // Plain links, opened inside the app by one handler rather than a <Link> per item (whose hooks
  // cost server time on every render; see components/in-app-links.tsx).
  const openInApp = useInAppLinks();
  return (
    <header className="site-header">
      {/* eslint-disable-next-line jsx-a11y/click-events-have-key-events, jsx-a11y/no-static-element-interactions -- delegation: the anchors inside take Enter and clicks; this only opens them in the app */}
      <div className="inner" onClick={openInApp}>
        <a href="/" className="brand">
          {t('brand.first')}
          <span>{t('brand.highlight')}</span>
          {t('brand.last')}
        </a>
        <nav aria-label={t('nav.label')} className="site-nav">
          {backOffice ? (
            <a href="/staff">{t('nav.backOffice')}</a>
          ) : user ? (
            <>
              <a href="/account">{t('nav.account')}</a>
              <a href="/account/security">{t('nav.security')}</a>
              {user.canSwitchRole ? <a href="/account/roles">{t('nav.switchRole')}</a> : null}
              {user.canManageSso ? <a href="/account/sso">{t('nav.sso')}</a> : null}
            </>
          ) : (
            <a href="/login">{t('nav.signIn')}</a>
          )}
          <a href="/help/change-logon-email">{t('nav.help')}</a>
          {data?.devTools ? <a href="/dev/outbox">{t('nav.devOutbox')}</a> : null}
        </nav>
        <LanguageSwitcher />
        {user ? (
          <div className="whoami">
            <span>
              <Trans
                t={t}
                i18nKey="whoami.signedInAs"
                values={{ label: user.label }}
                components={{ strong: <strong /> }}
              />{' '}
              <span className="kind">{t(`principal.${user.kind}`)}</span>
            </span>
            {user.role ? (
              <span data-testid="role-session">
                <Trans
                  t={t}
                  i18nKey="whoami.roleUntil"
                  values={{ name: user.role.name, time: new Date(user.role.until).toISOString().slice(11, 16) }}
                  components={{ strong: <strong /> }}
                />
              </span>
            ) : null}
            {user.role?.canGoBack ? (
              <Form method="post" action="/account/roles/back">
                <button type="submit" className="secondary">
                  {user.role.backTo === 'sso' ? t('whoami.backToSsoUser') : t('whoami.backToRamUser')}
                </button>
              </Form>
            ) : null}
            <Form method="post" action="/logout">
              <button type="submit" className="secondary">
                {t('whoami.signOut')}
              </button>
            </Form>
          </div>
        ) : null}
      </div>
    </header>
  );
}

export function Layout({ children }: { children: React.ReactNode }) {
  const nonce = useNonce();
  const { t, i18n } = useTranslation();
  return (
    <html lang={i18n.language}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          {t('skipToMain')}
        </a>
        <Header />
        <RouteAnnouncer />
        <main id="main" tabIndex={-1}>
          {children}
        </main>
        <footer className="site-footer">{t('footer')}</footer>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  useLoaderData<typeof loader>();
  return <Outlet />;
}

/** The message a refusal or a missing page carries, unless it is only the status's name or the router's own words. */
function errorMessage(error: unknown, t: TFunction): string {
  if (!isRouteErrorResponse(error)) return t('error.help');
  const said = typeof error.data === 'string' ? error.data.trim() : '';
  const plain = said && !/^(not found|forbidden)$/i.test(said) && !said.startsWith('Error: No route matches');
  if (plain) return said;
  return error.status === 404
    ? t('error.notFoundHelp')
    : error.status === 403
      ? t('error.forbiddenHelp')
      : t('error.help');
}

/** The heading of the customer side's error page, in the page's language (errorHeading is the back office's). */
function translatedHeading(error: unknown, t: TFunction): string {
  const status = isRouteErrorResponse(error) ? error.status : 500;
  if (status === 403) return t('error.notAllowed');
  if (status === 404) return t('error.notFound');
  if (status === 410) return t('error.replaced');
  return t('error.failed');
}

/** A refusal, a missing page or a failure on the customer side: what happened, and the ways on from here. */
export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<typeof loader>('root');
  const { t } = useTranslation();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const signedIn = Boolean(data?.user);
  return (
    <div className="narrow">
      <h1>{translatedHeading(error, t)}</h1>
      <div className={`notice ${status === 403 ? 'warn' : 'error'}`} role="alert">
        <p>{errorMessage(error, t)}</p>
      </div>
      <ErrorReference />
      <p>{t('error.whereNext')}</p>
      <ul data-testid="error-links">
        {signedIn ? (
          <li>
            <Link to="/account/security">{t('nav.security')}</Link>
          </li>
        ) : (
          <li>
            <Link to="/login">{t('nav.signIn')}</Link>
          </li>
        )}
        <li>
          <Link to="/">{t('error.home')}</Link>
        </li>
        <li>
          <Link to="/help/change-logon-email">{t('error.helpLink')}</Link>
        </li>
      </ul>
    </div>
  );
}
