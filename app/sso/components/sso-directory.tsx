// The SSO page's lists of what a claim can name: the account's RAM users and RAM roles.

type RamUser = { id: string; name: string; signInName: string; displayName: string | null };
type RamRole = { id: string; name: string; description: string | null; assumers: string[] };

export function SsoDirectory({ ramUsers, ramRoles }: { ramUsers: RamUser[]; ramRoles: RamRole[] }) {
  return (
    <>
      <h2 id="sso-ram-users">RAM users</h2>
      <table aria-labelledby="sso-ram-users">
        <thead>
          <tr>
            <th scope="col">Name (user claim value)</th>
            <th scope="col">Sign-in name</th>
            <th scope="col">Display name</th>
          </tr>
        </thead>
        <tbody>
          {ramUsers.length ? (
            ramUsers.map((u) => (
              <tr key={u.id}>
                <td className="mono">{u.name}</td>
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
      <h2 id="sso-ram-roles">RAM roles</h2>
      <table aria-labelledby="sso-ram-roles">
        <thead>
          <tr>
            <th scope="col">Role (role claim value)</th>
            <th scope="col">Description</th>
            <th scope="col">RAM users who may switch to it</th>
          </tr>
        </thead>
        <tbody>
          {ramRoles.length ? (
            ramRoles.map((r) => (
              <tr key={r.id}>
                <td className="mono">{r.name}</td>
                <td>{r.description}</td>
                <td>{r.assumers.length ? r.assumers.join(', ') : <span className="muted">nobody</span>}</td>
              </tr>
            ))
          ) : (
            <tr>
              <td colSpan={3} className="muted">
                No RAM roles.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </>
  );
}
