import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { assertAllowed, requireCustomer } from '~/auth/guards.server';
import { maskEmail } from '~/lib/masking';
import { accessKeysOf, ramRolesOf, ramUsersOf } from '~/account/ram.server';

export const meta: MetaFunction = () => [{ title: 'Account Center — Account Recovery Desk' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { account, ability } = await requireCustomer(request, context);
  assertAllowed(ability, 'read', 'Account', { uid: account.uid });
  assertAllowed(ability, 'read', 'RamUser', { accountUid: account.uid });
  const { prisma } = context.services;
  const [ramUsers, ramRoles, accessKeys] = await Promise.all([
    ramUsersOf(prisma, account.uid),
    ramRolesOf(prisma, account.uid),
    accessKeysOf(prisma, account.uid),
  ]);
  return {
    uid: account.uid,
    alias: account.alias,
    logonEmail: maskEmail(account.logonEmail),
    ramUsers: ramUsers.map((u) => ({ ...u, createdAt: u.createdAt.toISOString() })),
    ramRoles: ramRoles.map((r) => ({ name: r.name, description: r.description })),
    accessKeys: accessKeys.map((k) => ({ ...k, createdAt: k.createdAt.toISOString() })),
  };
}

export default function AccountOverview() {
  const d = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Account Center</h1>
      <p className="lead">
        UID <span className="mono">{d.uid}</span>
        {d.alias ? <> · alias {d.alias}</> : null} · logon email {d.logonEmail}
      </p>
      <div className="notice" role="note">
        <p>
          Everything here is bound to the UID. Changing the logon email does not change the UID, the resources, RAM
          users, permissions or AccessKey pairs of the account. <Link to="/account/security">Security Settings</Link>
        </p>
      </div>
      <h2 id="ram-users">RAM users</h2>
      <table aria-labelledby="ram-users">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Sign-in name</th>
            <th scope="col">Display name</th>
          </tr>
        </thead>
        <tbody>
          {d.ramUsers.length ? (
            d.ramUsers.map((u) => (
              <tr key={u.id}>
                <td>{u.name}</td>
                <td className="mono">{u.signInName}</td>
                <td>{u.displayName}</td>
              </tr>
            ))
          ) : (
            <tr>
              <td colSpan={3} className="muted">
                No RAM users.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <h2 id="ram-roles">RAM roles</h2>
      <table aria-labelledby="ram-roles">
        <thead>
          <tr>
            <th scope="col">Role</th>
            <th scope="col">Description</th>
          </tr>
        </thead>
        <tbody>
          {d.ramRoles.length ? (
            d.ramRoles.map((r) => (
              <tr key={r.name}>
                <td>{r.name}</td>
                <td>{r.description}</td>
              </tr>
            ))
          ) : (
            <tr>
              <td colSpan={2} className="muted">
                No RAM roles.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <h2 id="access-keys">AccessKey pairs</h2>
      <table aria-labelledby="access-keys">
        <thead>
          <tr>
            <th scope="col">AccessKey ID</th>
            <th scope="col">Belongs to</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {d.accessKeys.length ? (
            d.accessKeys.map((k) => (
              <tr key={k.id}>
                <td className="mono">{k.id}</td>
                <td>{k.owner}</td>
                <td>{k.active ? 'Active' : 'Disabled'}</td>
              </tr>
            ))
          ) : (
            <tr>
              <td colSpan={3} className="muted">
                No AccessKey pairs.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </>
  );
}
