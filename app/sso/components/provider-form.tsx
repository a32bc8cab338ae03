// The owner's identity provider form on the SSO page.
import { Form } from '@remix-run/react';
import { TextField } from '~/components/form';
import type { FieldErrors } from '~/lib/form-errors';
import type { ProviderField } from '../schema';

/** What the fields show: what a refused form typed, else the saved settings (null: none yet). */
export type ProviderValues = {
  issuer: string;
  clientId: string;
  userClaim: string;
  roleClaim: string;
  mode: string;
  enabled: boolean;
} | null;

export function ProviderForm({
  values: v,
  secretStored,
  errors,
  busy,
}: {
  values: ProviderValues;
  /** A secret is stored: an empty field keeps it. */
  secretStored: boolean;
  errors: FieldErrors<ProviderField>;
  busy: boolean;
}) {
  return (
    <Form method="post" noValidate>
      <TextField
        label="Issuer URL"
        name="issuer"
        type="text"
        inputMode="url"
        required
        defaultValue={v?.issuer ?? ''}
        error={errors.issuer}
        hint="Its discovery document is at <issuer>/.well-known/openid-configuration."
      />
      <TextField
        label="Client ID"
        name="clientId"
        type="text"
        required
        defaultValue={v?.clientId ?? ''}
        error={errors.clientId}
      />
      <TextField
        label="Client secret"
        name="clientSecret"
        type="password"
        autoComplete="off"
        defaultValue=""
        error={errors.clientSecret}
        hint={
          secretStored
            ? 'Stored encrypted and never shown. Leave empty to keep the current secret.'
            : 'Stored encrypted and never shown again.'
        }
      />
      <fieldset className="field">
        <legend>Mode</legend>
        <label className="choice">
          <input type="radio" name="mode" value="USER" defaultChecked={(v?.mode ?? 'USER') !== 'ROLE'} /> User-based SSO
          — the user claim names a RAM user
        </label>
        <label className="choice">
          <input type="radio" name="mode" value="ROLE" defaultChecked={v?.mode === 'ROLE'} /> Role-based SSO — the role
          claim names a RAM role (1-hour role sessions)
        </label>
        {errors.mode ? <p className="field-error">{errors.mode}</p> : null}
      </fieldset>
      <TextField
        label="User claim"
        name="userClaim"
        type="text"
        required
        defaultValue={v?.userClaim ?? 'preferred_username'}
        error={errors.userClaim}
        hint="ID token claim whose value is the RAM user name (user-based SSO)."
      />
      <TextField
        label="Role claim"
        name="roleClaim"
        type="text"
        required
        defaultValue={v?.roleClaim ?? 'role'}
        error={errors.roleClaim}
        hint="ID token claim whose value is the RAM role name (role-based SSO)."
      />
      <label className="choice">
        <input type="checkbox" name="enabled" defaultChecked={v?.enabled ?? true} /> Single sign-on is enabled
      </label>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
      </div>
    </Form>
  );
}
