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
import { ERROR_HELP, errorHeading } from '~/components/error-page';
import { ErrorReference } from '~/components/error-reference';
import { getCustomer } from '~/auth/guards.server';
import { PRINCIPAL_LABELS } from '~/authz/principal';
import { denialReason } from '~/authz/ability';

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
    user: customer
      ? {
          label: customer.principal.label,
          kind: PRINCIPAL_LABELS[customer.principal.kind],
          // A role session names its role, and a RAM user's one can go back to the RAM user.
          role: role
            ? {
                name: role.roleName,
                until: customer.session.expiresAt.toISOString(),
                canGoBack: customer.session.principalType === 'RAM_ROLE',
                backTo: customer.session.ssoSubject ? 'SSO user' : 'RAM user',
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
          Account <span>Recovery</span> Desk
        </a>
        <nav aria-label="Main" className="site-nav">
          {backOffice ? (
            <a href="/staff">Back office</a>
          ) : user ? (
            <>
              <a href="/account">Account Management</a>
              <a href="/account/security">Security Settings</a>
              {user.canSwitchRole ? <a href="/account/roles">Switch role</a> : null}
              {user.canManageSso ? <a href="/account/sso">Single sign-on</a> : null}
            </>
          ) : (
            <a href="/login">Sign in</a>
          )}
          <a href="/help/change-logon-email">Help</a>
          {data?.devTools ? <a href="/dev/outbox">Dev outbox</a> : null}
        </nav>
        {user ? (
          <div className="whoami">
            <span>
              Signed in as <strong>{user.label}</strong> <span className="kind">{user.kind}</span>
            </span>
            {user.role ? (
              <span data-testid="role-session">
                Role <strong>{user.role.name}</strong> until {new Date(user.role.until).toISOString().slice(11, 16)} UTC
              </span>
            ) : null}
            {user.role?.canGoBack ? (
              <Form method="post" action="/account/roles/back">
                <button type="submit" className="secondary">
                  Back to {user.role.backTo}
                </button>
              </Form>
            ) : null}
            <Form method="post" action="/logout">
              <button type="submit" className="secondary">
                Sign out
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
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to main content
        </a>
        <Header />
        <RouteAnnouncer />
        <main id="main" tabIndex={-1}>
          {children}
        </main>
        <footer className="site-footer">
          Account Recovery Desk — change your logon email, recover an account, follow an appeal.
        </footer>
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

const NOT_FOUND_HELP = 'We could not find this page. The address may be mistyped, or the page may have moved.';

/** The message a refusal or a missing page carries, unless it is only the status's name or the router's own words. */
function errorMessage(error: unknown): string {
  if (!isRouteErrorResponse(error)) return ERROR_HELP;
  const said = typeof error.data === 'string' ? error.data.trim() : '';
  const plain = said && !/^(not found|forbidden)$/i.test(said) && !said.startsWith('Error: No route matches');
  if (plain) return said;
  return error.status === 404
    ? NOT_FOUND_HELP
    : error.status === 403
      ? 'You are not allowed to open this page.'
      : ERROR_HELP;
}

/** A refusal, a missing page or a failure on the customer side: what happened, and the ways on from here. */
export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<typeof loader>('root');
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const signedIn = Boolean(data?.user);
  return (
    <div className="narrow">
      <h1>{errorHeading(error)}</h1>
      <div className={`notice ${status === 403 ? 'warn' : 'error'}`} role="alert">
        <p>{errorMessage(error)}</p>
      </div>
      <ErrorReference />
      <p>Where to go from here:</p>
      <ul data-testid="error-links">
        {signedIn ? (
          <li>
            <Link to="/account/security">Security Settings</Link>
          </li>
        ) : (
          <li>
            <Link to="/login">Sign in</Link>
          </li>
        )}
        <li>
          <Link to="/">Back to the start page</Link>
        </li>
        <li>
          <Link to="/help/change-logon-email">Help: change your logon email</Link>
        </li>
      </ul>
    </div>
  );
}
