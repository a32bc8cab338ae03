import type { LoaderFunctionArgs } from '@remix-run/node';
import { Form, Link, NavLink, Outlet, useLoaderData } from '@remix-run/react';
import { readStaffSession, staffPrincipal } from '~/staff/session.server';
import { defineAbilityFor } from '~/authz/ability';
import { AbilityProvider } from '~/components/ability';

/** The back office frame: its own navigation; pages below decide for themselves who may see them. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const session = await readStaffSession(context, request);
  if (!session?.mfaPassed) return { staff: null, rules: [] };
  const principal = staffPrincipal(session.staff);
  return { staff: { name: session.staff.name, email: session.staff.email, roles: session.staff.roles }, rules: defineAbilityFor(principal).rules };
}

export default function StaffLayout() {
  const { staff, rules } = useLoaderData<typeof loader>();
  return (
    <AbilityProvider rules={rules}>
      {staff ? (
        <nav className="staff-bar card" aria-label="Back office">
          <NavLink to="/staff/appeals" end>Appeal queue</NavLink>
          {staff.roles.includes('ADMIN') ? (
            <>
              <NavLink to="/staff/admin/staff">Staff</NavLink>
              <NavLink to="/staff/admin/audit">Audit log</NavLink>
            </>
          ) : null}
          <span className="muted small">
            {staff.name} · {staff.roles.join(', ').toLowerCase().replace(/_/g, ' ')}
          </span>
          <Form method="post" action="/staff/logout">
            <button type="submit" className="secondary">Sign out</button>
          </Form>
        </nav>
      ) : (
        <p className="small muted">
          Back office · <Link to="/">customer portal</Link>
        </p>
      )}
      <Outlet />
    </AbilityProvider>
  );
}
