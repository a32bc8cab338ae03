// The staff page's forms behind its action: each one's fields parsed, one call to admin.server.ts, and
// the answer the page shows. The route asks the ability before each.
import { data } from '@remix-run/node';
import type { Services } from '~/services.server';
import type { RequestMeta } from '~/audit/audit.server';
import type { Staff } from '~/generated/prisma/client';
import { fieldErrorsOf } from '~/lib/form-errors';
import { createStaffSchema, normaliseRoles, ROLE_LABELS, rolesSchema } from './admin-schema';
import {
  answerSeniorRequest,
  changeStaffRoles,
  createStaffMember,
  deactivateStaffMember,
  reactivateStaffMember,
  reinviteStaffMember,
  StaffAdminError,
} from './admin.server';

/**
 * `created`: a member was added (the add form empties itself); `values`: what a refused add form held,
 * so that without JavaScript it comes back filled in (with JavaScript the form keeps them anyway).
 * `staffId`: the member whose row the roles error belongs to.
 */
export type StaffAdminAnswer = {
  fieldErrors: { email?: string; name?: string; roles?: string };
  error?: string;
  message?: string;
  staffId?: string;
  created?: boolean;
  values?: { email: string; name: string; roles: string[] };
};

/** One post to the page: who acts, with what, from where. */
export type StaffAdminPost = {
  services: Services;
  admin: Parameters<typeof createStaffMember>[1];
  form: FormData;
  meta: RequestMeta;
};
type Member = Pick<Staff, 'id' | 'name' | 'email'>;

const SENIOR_PENDING = 'Senior agent takes effect once another administrator confirms it (listed below).';

const answer = (body: StaffAdminAnswer, status?: number) =>
  status ? data<StaffAdminAnswer>(body, { status }) : data<StaffAdminAnswer>(body);

export async function addStaffMember({ services, admin, form, meta }: StaffAdminPost) {
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
  if (!parsed.success) return answer({ fieldErrors: fieldErrorsOf(parsed.error), values }, 400);
  let created;
  try {
    created = await createStaffMember(services, admin, parsed.data, meta);
  } catch (err) {
    if (err instanceof StaffAdminError)
      return answer(
        {
          fieldErrors: err.field ? { [err.field]: err.message } : {},
          error: err.field ? undefined : err.message,
          values,
        },
        err.status,
      );
    throw err;
  }
  const senior = created.seniorPending ? ` ${SENIOR_PENDING}` : '';
  return answer({
    fieldErrors: {},
    created: true,
    message: `${parsed.data.name} was added. An invitation to set a password was sent to ${parsed.data.email}; the link is valid for 72 hours.${senior}`,
  });
}

export async function changeRoles({ services, admin, form, meta }: StaffAdminPost, target: Member) {
  const roles = rolesSchema.safeParse(form.getAll('roles'));
  if (!roles.success) return answer({ fieldErrors: { roles: roles.error.issues[0].message }, staffId: target.id }, 400);
  const expected = form.has('expected') ? normaliseRoles(String(form.get('expected')).split(',')) : undefined;
  const outcome = await changeStaffRoles(services, admin, { staffId: target.id, roles: roles.data, expected }, meta);
  const granted = roles.data.filter((r) => outcome !== 'senior-requested' || r !== 'SENIOR_AGENT');
  const message = {
    changed: `Roles of ${target.name} changed to ${granted.map((r) => ROLE_LABELS[r]).join(', ')}.`,
    'senior-requested': `Roles of ${target.name}: ${granted.map((r) => ROLE_LABELS[r]).join(', ')}. ${SENIOR_PENDING}`,
    unchanged: `The roles of ${target.name} are unchanged.`,
  }[outcome];
  return answer({ fieldErrors: {}, message });
}

export async function answerSenior(
  { services, admin, meta }: StaffAdminPost,
  target: Member,
  reply: 'confirm' | 'decline',
) {
  const outcome = await answerSeniorRequest(services, admin, target.id, reply, meta);
  return answer({
    fieldErrors: {},
    message:
      outcome === 'confirmed'
        ? `${target.name} is now a senior agent.`
        : `The senior agent request for ${target.name} was dropped.`,
  });
}

export async function deactivate({ services, admin, form, meta }: StaffAdminPost, target: Member) {
  // Asked first (the row's button opens the question): a stray click ends nobody's access.
  if (form.get('confirm') !== 'yes')
    return answer(
      { fieldErrors: {}, error: `${target.name} was not deactivated: confirm it with “Yes, deactivate”.` },
      400,
    );
  const outcome = await deactivateStaffMember(services, admin, target.id, meta);
  return answer({
    fieldErrors: {},
    message:
      outcome === 'deactivated'
        ? `${target.name} was deactivated and signed out everywhere.`
        : `${target.name} was already deactivated.`,
  });
}

export async function reactivate({ services, admin, meta }: StaffAdminPost, target: Member) {
  const outcome = await reactivateStaffMember(services, admin, target.id, meta);
  return answer({
    fieldErrors: {},
    message:
      outcome === 'reactivated'
        ? `${target.name} was reactivated and can sign in again.`
        : `${target.name} was already active.`,
  });
}

export async function reinvite({ services, admin, meta }: StaffAdminPost, target: Member) {
  await reinviteStaffMember(services, admin, target.id, meta);
  return answer({
    fieldErrors: {},
    message: `A new invitation was sent to ${target.email}. Earlier links no longer work.`,
  });
}

/** A refusal from admin.server.ts: at its field when it names one, else at the top of the page. */
export function refusal(err: StaffAdminError) {
  return answer(
    err.field ? { fieldErrors: { [err.field]: err.message } } : { fieldErrors: {}, error: err.message },
    err.status,
  );
}
