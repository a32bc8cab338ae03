import { StaffRowView } from '~/components/staff-row';
import type { StaffRow } from '~/staff/admin.server';

/** Every member the viewer may see, a row each; `rolesError` belongs to the row of `rolesError.staffId`. */
export function StaffTable({
  members,
  me,
  busy,
  rolesError,
}: {
  members: StaffRow[];
  me: string;
  busy: boolean;
  rolesError?: { staffId?: string; message?: string };
}) {
  return (
    <table aria-label="Staff members">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Email</th>
          <th scope="col">Roles</th>
          <th scope="col">Status</th>
          <th scope="col">Sign-in</th>
          <th scope="col">Created (UTC)</th>
          <th scope="col">Manage</th>
        </tr>
      </thead>
      <tbody>
        {members.map((m) => (
          <StaffRowView
            key={m.id}
            member={m}
            me={me}
            busy={busy}
            rolesError={rolesError?.staffId === m.id ? rolesError.message : undefined}
          />
        ))}
      </tbody>
    </table>
  );
}
