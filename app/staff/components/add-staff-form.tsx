import { useEffect } from 'react';
import { Form } from '@remix-run/react';
import { FormStatus, TextField } from '~/components/form';
import { fieldError, useZodForm } from '~/components/zod-form';
import { createStaffSchema, ROLE_HINTS, ROLE_LABELS, STAFF_ROLES } from '~/staff/admin-schema';
import type { StaffAdminAnswer } from '~/staff/admin-page.server';

/**
 * "Add a staff member": work email, name and roles; the new member is invited by email. A refused form
 * comes back filled in; once a member is added it is empty again for the next one.
 */
export function AddStaffForm({ result, busy }: { result: StaffAdminAnswer | undefined; busy: boolean }) {
  const create = useZodForm(createStaffSchema, { defaultValues: { email: '', name: '', roles: ['AGENT'] } });
  // A roles error with a staffId belongs to that member's row, not to this form.
  const server = result?.staffId ? {} : (result?.fieldErrors ?? {});
  // Without JavaScript the new page is empty already.
  const { reset } = create;
  useEffect(() => {
    if (result?.created) reset();
  }, [result, reset]);
  const refused = result?.values;
  const rolesError = fieldError(create.formState.errors.roles, server.roles);
  return (
    <>
      <h2 id="add-member">Add a staff member</h2>
      {result?.created ? <FormStatus>{result.message}</FormStatus> : null}
      <Form method="post" className="card narrow" noValidate onSubmit={create.onSubmit} aria-labelledby="add-member">
        <input type="hidden" name="intent" value="create" />
        <TextField
          label="Work email"
          type="email"
          autoComplete="off"
          defaultValue={refused?.email}
          error={fieldError(create.formState.errors.email, server.email)}
          {...create.register('email')}
        />
        <TextField
          label="Name"
          autoComplete="off"
          defaultValue={refused?.name}
          error={fieldError(create.formState.errors.name, server.name)}
          {...create.register('name')}
        />
        <fieldset className="field" aria-describedby={rolesError ? 'new-roles-error' : undefined}>
          <legend>Roles</legend>
          {STAFF_ROLES.map((r) => (
            <label key={r} className="choice">
              <input
                type="checkbox"
                value={r}
                defaultChecked={refused ? refused.roles.includes(r) : r === 'AGENT'}
                {...create.register('roles')}
              />
              <span>
                {ROLE_LABELS[r]} <span className="muted small">— {ROLE_HINTS[r]}</span>
              </span>
            </label>
          ))}
          {rolesError ? (
            <p className="field-error" id="new-roles-error">
              {rolesError}
            </p>
          ) : null}
        </fieldset>
        <p className="small muted">
          The new member gets an email with a one-time link (valid 72 hours) to set a password; they set up TOTP at
          their first sign-in.
        </p>
        <div className="actions">
          <button type="submit" disabled={busy}>
            Add and send invitation
          </button>
        </div>
      </Form>
    </>
  );
}
