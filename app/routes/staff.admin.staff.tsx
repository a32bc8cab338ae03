import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { useEffect, useRef } from 'react';
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { requireStaff } from '~/staff/session.server';
import { assertAllowed } from '~/auth/guards.server';
import { subject } from '@casl/ability';
import {
  answerSeniorRequest,
  changeStaffRoles,
  createStaffMember,
  deactivateStaffMember,
  findStaff,
  listStaff,
  reactivateStaffMember,
  reinviteStaffMember,
  StaffAdminError,
} from '~/staff/admin.server';
import {
  createStaffSchema,
  normaliseRoles,
  ROLE_HINTS,
  ROLE_LABELS,
  rolesSchema,
  STAFF_ROLES,
} from '~/staff/admin-schema';
import { requestMeta } from '~/lib/request.server';
import { useAppAbility } from '~/components/ability';
import { FormError, FormStatus, TextField } from '~/components/form';
import { fieldError, useZodForm } from '~/components/zod-form';
import { staffTitle } from '~/staff/pages';
import { StaffRowView } from '~/components/staff-row';
import { fieldErrorsOf } from '~/lib/form-errors';

export const meta: MetaFunction = () => [{ title: staffTitle('Staff') }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { staff, ability } = await requireStaff(request, context);
  assertAllowed(ability, 'read', 'Staff');
  return { me: staff.id, members: await listStaff(context.services, ability) };
}

/**
 * `created`: a member was added (the add form empties itself); `values`: what a refused add form held,
 * so that without JavaScript it comes back filled in (with JavaScript the form keeps them anyway).
 */
type ActionData = {
  fieldErrors: { email?: string; name?: string; roles?: string };
  error?: string;
  message?: string;
  staffId?: string;
  created?: boolean;
  values?: { email: string; name: string; roles: string[] };
};

export async function action({ request, context }: ActionFunctionArgs) {
  const { staff: admin, ability } = await requireStaff(request, context);
  assertAllowed(ability, 'read', 'Staff');
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  const meta = requestMeta(context, request);
  const { services } = context;
  try {
    if (intent === 'create') {
      assertAllowed(ability, 'create', 'Staff');
      const parsed = createStaffSchema.safeParse({
        email: form.get('email') ?? '',
        name: form.get('name') ?? '',
        roles: form.getAll('roles'),
      });
      // What comes back into a refused form (bounded: it is written into the page).
      const values = {
        email: String(form.get('email') ?? '').slice(0, 320),
        name: String(form.get('name') ?? '').slice(0, 200),
        roles: form.getAll('roles').map(String).slice(0, 3),
      };
      if (!parsed.success)
        return data<ActionData>({ fieldErrors: fieldErrorsOf(parsed.error), values }, { status: 400 });
      let created;
      try {
        created = await createStaffMember(services, admin, parsed.data, meta);
      } catch (err) {
        if (err instanceof StaffAdminError)
          return data<ActionData>(
            {
              fieldErrors: err.field ? { [err.field]: err.message } : {},
              error: err.field ? undefined : err.message,
              values,
            },
            { status: err.status },
          );
        throw err;
      }
      const senior = created.seniorPending ? ` ${SENIOR_PENDING}` : '';
      return data<ActionData>({
        fieldErrors: {},
        created: true,
        message: `${parsed.data.name} was added. An invitation to set a password was sent to ${parsed.data.email}; the link is valid for 72 hours.${senior}`,
      });
    }

    // The other acts concern one existing member.
    const target = await findStaff(services, String(form.get('staffId') ?? ''));
    if (!target) throw new Response('No such staff member.', { status: 404 });
    const record = { id: target.id };
    if (intent === 'roles') {
      assertAllowed(ability, 'changeRole', 'Staff', record);
      const roles = rolesSchema.safeParse(form.getAll('roles'));
      if (!roles.success)
        return data<ActionData>(
          { fieldErrors: { roles: roles.error.issues[0].message }, staffId: target.id },
          { status: 400 },
        );
      const expected = form.has('expected') ? normaliseRoles(String(form.get('expected')).split(',')) : undefined;
      const outcome = await changeStaffRoles(
        services,
        admin,
        { staffId: target.id, roles: roles.data, expected },
        meta,
      );
      const granted = roles.data.filter((r) => outcome !== 'senior-requested' || r !== 'SENIOR_AGENT');
      const message = {
        changed: `Roles of ${target.name} changed to ${granted.map((r) => ROLE_LABELS[r]).join(', ')}.`,
        'senior-requested': `Roles of ${target.name}: ${granted.map((r) => ROLE_LABELS[r]).join(', ')}. ${SENIOR_PENDING}`,
        unchanged: `The roles of ${target.name} are unchanged.`,
      }[outcome];
      return data<ActionData>({ fieldErrors: {}, message });
    }
    if (intent === 'senior-confirm' || intent === 'senior-decline') {
      assertAllowed(ability, 'changeRole', 'Staff', record);
      const outcome = await answerSeniorRequest(
        services,
        admin,
        target.id,
        intent === 'senior-confirm' ? 'confirm' : 'decline',
        meta,
      );
      return data<ActionData>({
        fieldErrors: {},
        message:
          outcome === 'confirmed'
            ? `${target.name} is now a senior agent.`
            : `The senior agent request for ${target.name} was dropped.`,
      });
    }
    if (intent === 'deactivate') {
      assertAllowed(ability, 'deactivate', 'Staff', record);
      // Asked first (the row's button opens the question): a stray click ends nobody's access.
      if (form.get('confirm') !== 'yes')
        return data<ActionData>(
          { fieldErrors: {}, error: `${target.name} was not deactivated: confirm it with “Yes, deactivate”.` },
          { status: 400 },
        );
      const outcome = await deactivateStaffMember(services, admin, target.id, meta);
      return data<ActionData>({
        fieldErrors: {},
        message:
          outcome === 'deactivated'
            ? `${target.name} was deactivated and signed out everywhere.`
            : `${target.name} was already deactivated.`,
      });
    }
    if (intent === 'reactivate') {
      assertAllowed(ability, 'deactivate', 'Staff', record);
      const outcome = await reactivateStaffMember(services, admin, target.id, meta);
      return data<ActionData>({
        fieldErrors: {},
        message:
          outcome === 'reactivated'
            ? `${target.name} was reactivated and can sign in again.`
            : `${target.name} was already active.`,
      });
    }
    if (intent === 'reinvite') {
      assertAllowed(ability, 'create', 'Staff');
      await reinviteStaffMember(services, admin, target.id, meta);
      return data<ActionData>({
        fieldErrors: {},
        message: `A new invitation was sent to ${target.email}. Earlier links no longer work.`,
      });
    }
  } catch (err) {
    if (err instanceof StaffAdminError) {
      return data<ActionData>(
        err.field ? { fieldErrors: { [err.field]: err.message } } : { fieldErrors: {}, error: err.message },
        { status: err.status },
      );
    }
    throw err;
  }
  return data<ActionData>({ fieldErrors: {}, error: 'Unknown request.' }, { status: 400 });
}

const SENIOR_PENDING = 'Senior agent takes effect once another administrator confirms it (listed below).';

export default function StaffAdmin() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const ability = useAppAbility();
  const busy = useNavigation().state !== 'idle';
  const create = useZodForm(createStaffSchema, { defaultValues: { email: '', name: '', roles: ['AGENT'] } });
  const server = result?.staffId ? {} : (result?.fieldErrors ?? {});
  const canCreate = ability.can('create', 'Staff');
  // A member was added: the form is empty again for the next one (without JavaScript the new page is).
  const { reset } = create;
  useEffect(() => {
    if (result?.created) reset();
  }, [result, reset]);
  const refused = result?.values;
  // The first step of Deactivate only asks (a page of its own, so it works without JavaScript).
  const [params] = useSearchParams();
  const asked = result
    ? null
    : d.members.find(
        (m) =>
          m.id === params.get('deactivate') &&
          m.active &&
          ability.can('deactivate', subject('Staff', { id: m.id } as never) as never),
      );
  const question = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (asked) question.current?.focus();
  }, [asked]);
  return (
    <div>
      <h1>Staff</h1>
      <p className="lead">Back-office members. Members are never deleted: deactivate them to end their access.</p>
      <FormError>{result?.error}</FormError>
      {result?.created ? null : <FormStatus>{result?.message}</FormStatus>}
      {asked ? (
        <section className="card notice warn" aria-labelledby="deactivate-question">
          <h2 id="deactivate-question" tabIndex={-1} ref={question}>
            Deactivate {asked.name}?
          </h2>
          <p>
            They are signed out everywhere at once and cannot sign in; their open cases go back to the queue. Nothing is
            deleted, and you can reactivate them later.
          </p>
          <Form method="post" action="/staff/admin/staff" className="actions">
            <input type="hidden" name="intent" value="deactivate" />
            <input type="hidden" name="staffId" value={asked.id} />
            <input type="hidden" name="confirm" value="yes" />
            <button type="submit" disabled={busy}>
              Yes, deactivate
            </button>
            <Link className="button secondary" to="/staff/admin/staff">
              Cancel
            </Link>
          </Form>
        </section>
      ) : null}

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
          {d.members.map((m) => (
            <StaffRowView
              key={m.id}
              member={m}
              me={d.me}
              busy={busy}
              rolesError={result?.staffId === m.id ? result.fieldErrors.roles : undefined}
            />
          ))}
        </tbody>
      </table>

      {canCreate ? (
        <>
          <h2 id="add-member">Add a staff member</h2>
          {result?.created ? <FormStatus>{result.message}</FormStatus> : null}
          <Form
            method="post"
            className="card narrow"
            noValidate
            onSubmit={create.onSubmit}
            aria-labelledby="add-member"
          >
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
            <fieldset
              className="field"
              aria-describedby={fieldError(create.formState.errors.roles, server.roles) ? 'new-roles-error' : undefined}
            >
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
              {fieldError(create.formState.errors.roles, server.roles) ? (
                <p className="field-error" id="new-roles-error">
                  {fieldError(create.formState.errors.roles, server.roles)}
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
      ) : null}
    </div>
  );
}
