import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import {
  Form,
  Link,
  NavLink,
  Outlet,
  isRouteErrorResponse,
  useLoaderData,
  useRouteError,
  useRouteLoaderData,
} from '@remix-run/react';
import { readStaffSession, staffPrincipal } from '~/staff/session.server';
import { defineAbilityFor } from '~/authz/ability';
import { staffPages, staffTitle, type StaffPage } from '~/staff/pages';
import { AbilityProvider } from '~/components/ability';
import { ERROR_HELP, errorHeading } from '~/components/error-page';
import { ErrorReference } from '~/components/error-reference';

/** The back office frame: its own navigation; pages below decide for themselves who may see them. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const session = await readStaffSession(context, request);
  if (!session?.mfaPassed) return { staff: null, pages: [] as StaffPage[], rules: [] };
  const ability = defineAbilityFor(staffPrincipal(session.staff));
  return {
    staff: { name: session.staff.name, email: session.staff.email, roles: session.staff.roles },
    pages: staffPages(ability),
    rules: ability.rules,
  };
}

// Pages below have titles of their own; a refusal or error shown here gets one in the same form.
export const meta: MetaFunction = ({ error, matches }) =>
  error ? [{ title: staffTitle(errorHeading(error)) }] : (matches.find((m) => m.id === 'root')?.meta ?? []);

type Frame = Awaited<ReturnType<typeof loader>>;

function StaffBar({ frame }: { frame: Frame | undefined }) {
  const staff = frame?.staff;
  if (!staff) {
    return (
      <p className="small muted">
        Back office · <Link to="/">customer portal</Link>
      </p>
    );
  }
  return (
    <nav className="staff-bar card" aria-label="Back office">
      {frame.pages.map((p) => (
        <NavLink key={p.to} to={p.to} end={p.to === '/staff/appeals'}>
          {p.label}
        </NavLink>
      ))}
      <span className="muted small">
        {staff.name} · {staff.roles.join(', ').toLowerCase().replace(/_/g, ' ')}
      </span>
      <Form method="post" action="/staff/logout">
        <button type="submit" className="secondary">
          Sign out
        </button>
      </Form>
    </nav>
  );
}

export default function StaffLayout() {
  const frame = useLoaderData<typeof loader>();
  return (
    <AbilityProvider rules={frame.rules}>
      <StaffBar frame={frame} />
      <Outlet />
    </AbilityProvider>
  );
}

/** A refusal or error inside the back office keeps its navigation and points to the pages the member may use. */
export function ErrorBoundary() {
  const error = useRouteError();
  const frame = useRouteLoaderData<typeof loader>('routes/staff');
  const message = isRouteErrorResponse(error)
    ? (typeof error.data === 'string' && error.data) || error.statusText || 'The page could not be shown.'
    : ERROR_HELP;
  const status = isRouteErrorResponse(error) ? error.status : 500;
  return (
    <>
      <StaffBar frame={frame} />
      <div className="narrow">
        <h1>{errorHeading(error)}</h1>
        <div className={`notice ${status === 403 ? 'warn' : 'error'}`} role="alert">
          <p>{message}</p>
        </div>
        <ErrorReference />
        {frame?.staff ? (
          frame.pages.length ? (
            <>
              <p>Pages your role allows:</p>
              <ul data-testid="allowed-pages">
                {frame.pages.map((p) => (
                  <li key={p.to}>
                    <Link to={p.to}>{p.label}</Link>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p>Your role gives you no back-office page. Ask an administrator to give you a role.</p>
          )
        ) : (
          <p>
            <Link to="/staff/login">Staff sign-in</Link>
          </p>
        )}
      </div>
    </>
  );
}
