// One member in the staff list: roles (with a senior agent request waiting for a second admin), status,
// sign-in state and the acts the viewer's ability allows on them, each refusal with its reason.
import { Form } from '@remix-run/react';
import { useAppAbility } from '~/components/ability';
import { denialReason } from '~/authz/ability';
import { ROLE_LABELS, STAFF_ROLES } from '~/staff/admin-schema';
import type { StaffRow } from '~/staff/admin.server';

const when = (iso: string) => new Date(iso).toISOString().slice(0, 16).replace('T', ' ');

export function StaffRowView({
  member: m,
  me,
  busy,
  rolesError,
}: {
  member: StaffRow;
  me: string;
  busy: boolean;
  rolesError?: string;
}) {
  const ability = useAppAbility();
  const roleRefusal = denialReason(ability, 'changeRole', 'Staff', { id: m.id });
  const deactivateRefusal = denialReason(ability, 'deactivate', 'Staff', { id: m.id });
  const canChangeRole = roleRefusal === null;
  const canDeactivate = deactivateRefusal === null;
  return (
    <tr data-testid={`staff-${m.email}`}>
      <td>
        {m.name}
        {m.id === me ? <span className="muted small"> (you)</span> : null}
      </td>
      <td className="mono">{m.email}</td>
      <td>
        {m.roles.map((r) => (
          <span key={r} className="badge">
            {ROLE_LABELS[r]}
          </span>
        ))}
      </td>
      <td>
        {m.active ? (
          <span className="badge ok">Active</span>
        ) : (
          <span className="badge bad">Deactivated {m.deactivatedAt ? when(m.deactivatedAt) : ''}</span>
        )}
      </td>
      <td className="small">
        {m.passwordSet
          ? 'Password set'
          : m.invitationExpiresAt
            ? `Invited (link valid until ${when(m.invitationExpiresAt)})`
            : 'Invitation expired or not sent'}
        <br />
        {m.totpEnrolled ? (
          <span className="badge ok">TOTP enrolled</span>
        ) : (
          <span className="badge warn">TOTP not enrolled</span>
        )}
      </td>
      <td className="small">{when(m.createdAt)}</td>
      <td className="small">
        {canChangeRole ? (
          <Form method="post" aria-label={`Roles of ${m.name}`}>
            <input type="hidden" name="intent" value="roles" />
            <input type="hidden" name="staffId" value={m.id} />
            <input type="hidden" name="expected" value={m.roles.join(',')} />
            <fieldset>
              <legend className="visually-hidden">Roles of {m.name}</legend>
              {STAFF_ROLES.map((r) => (
                <label key={r} className="choice">
                  <input
                    type="checkbox"
                    name="roles"
                    value={r}
                    defaultChecked={m.roles.includes(r) || (r === 'SENIOR_AGENT' && m.seniorRequest !== null)}
                  />{' '}
                  <span>{ROLE_LABELS[r]}</span>
                </label>
              ))}
              {rolesError ? <p className="field-error">{rolesError}</p> : null}
            </fieldset>
            <button type="submit" className="secondary" disabled={busy}>
              Save roles
            </button>
          </Form>
        ) : (
          <p className="muted" data-testid="role-refusal">
            {roleRefusal}
          </p>
        )}
        {canChangeRole ? <SeniorRequest member={m} me={me} busy={busy} /> : null}
        {canDeactivate ? (
          m.active ? (
            // Only asks: the page's question has the button that deactivates.
            <Form method="get">
              <button type="submit" name="deactivate" value={m.id} className="secondary" disabled={busy}>
                Deactivate
              </button>
            </Form>
          ) : (
            <Form method="post">
              <input type="hidden" name="staffId" value={m.id} />
              <button type="submit" name="intent" value="reactivate" className="secondary" disabled={busy}>
                Reactivate
              </button>
            </Form>
          )
        ) : deactivateRefusal !== roleRefusal ? (
          <p className="muted">{deactivateRefusal}</p>
        ) : null}
        {!m.passwordSet && m.active && ability.can('create', 'Staff') ? (
          <Form method="post">
            <input type="hidden" name="staffId" value={m.id} />
            <button type="submit" name="intent" value="reinvite" className="link" disabled={busy}>
              Send a new invitation
            </button>
          </Form>
        ) : null}
      </td>
    </tr>
  );
}

/**
 * A senior agent role waiting for a second administrator: who asked and when; another admin may
 * confirm or decline it, the one who asked may only withdraw it.
 */
export function SeniorRequest({ member: m, me, busy }: { member: StaffRow; me: string; busy: boolean }) {
  if (!m.seniorRequest) return null;
  const mine = m.seniorRequest.byId === me;
  return (
    <div className="notice small" data-testid={`senior-request-${m.email}`}>
      <p>
        Senior agent asked for by {mine ? 'you' : m.seniorRequest.byName} ({when(m.seniorRequest.at)} UTC):{' '}
        {mine ? 'another administrator must confirm it.' : 'it takes effect when you confirm it.'}
      </p>
      <Form method="post" aria-label={`Senior agent request for ${m.name}`}>
        <input type="hidden" name="staffId" value={m.id} />
        {mine ? null : (
          <button type="submit" name="intent" value="senior-confirm" disabled={busy}>
            Confirm senior agent
          </button>
        )}
        <button type="submit" name="intent" value="senior-decline" className="secondary" disabled={busy}>
          {mine ? 'Withdraw the request' : 'Decline'}
        </button>
      </Form>
    </div>
  );
}
