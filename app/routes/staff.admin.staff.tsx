import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react';
import { subject } from '@casl/ability';
import { requireStaff } from '~/staff/session.server';
import { assertAllowed } from '~/auth/guards.server';
import { findStaff, listStaff, StaffAdminError } from '~/staff/admin.server';
import {
  addStaffMember,
  answerSenior,
  changeRoles,
  deactivate,
  reactivate,
  refusal,
  reinvite,
  type StaffAdminAnswer,
} from '~/staff/admin-page.server';
import { requestMeta } from '~/lib/request.server';
import { useAppAbility } from '~/components/ability';
import { FormError, FormStatus } from '~/components/form';
import { staffTitle } from '~/staff/pages';
import { DeactivateQuestion } from '~/staff/components/deactivate-question';
import { StaffTable } from '~/staff/components/staff-table';
import { AddStaffForm } from '~/staff/components/add-staff-form';

export const meta: MetaFunction = () => [{ title: staffTitle('Staff') }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { staff, ability } = await requireStaff(request, context);
  assertAllowed(ability, 'read', 'Staff');
  return { me: staff.id, members: await listStaff(context.services, ability) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { staff: admin, ability } = await requireStaff(request, context);
  assertAllowed(ability, 'read', 'Staff');
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  const post = { services: context.services, admin, form, meta: requestMeta(context, request) };
  try {
    if (intent === 'create') {
      assertAllowed(ability, 'create', 'Staff');
      return await addStaffMember(post);
    }
    // The other acts concern one existing member.
    const target = await findStaff(context.services, String(form.get('staffId') ?? ''));
    if (!target) throw new Response('No such staff member.', { status: 404 });
    const record = { id: target.id };
    switch (intent) {
      case 'roles':
        assertAllowed(ability, 'changeRole', 'Staff', record);
        return await changeRoles(post, target);
      case 'senior-confirm':
      case 'senior-decline':
        assertAllowed(ability, 'changeRole', 'Staff', record);
        return await answerSenior(post, target, intent === 'senior-confirm' ? 'confirm' : 'decline');
      case 'deactivate':
        assertAllowed(ability, 'deactivate', 'Staff', record);
        return await deactivate(post, target);
      case 'reactivate':
        assertAllowed(ability, 'deactivate', 'Staff', record);
        return await reactivate(post, target);
      case 'reinvite':
        assertAllowed(ability, 'create', 'Staff');
        return await reinvite(post, target);
    }
  } catch (err) {
    if (err instanceof StaffAdminError) return refusal(err);
    throw err;
  }
  return data<StaffAdminAnswer>({ fieldErrors: {}, error: 'Unknown request.' }, { status: 400 });
}

export default function StaffAdmin() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const ability = useAppAbility();
  const busy = useNavigation().state !== 'idle';
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
  return (
    <div>
      <h1>Staff</h1>
      <p className="lead">Back-office members. Members are never deleted: deactivate them to end their access.</p>
      <FormError>{result?.error}</FormError>
      {result?.created ? null : <FormStatus>{result?.message}</FormStatus>}
      {asked ? <DeactivateQuestion member={asked} busy={busy} /> : null}

      <StaffTable
        members={d.members}
        me={d.me}
        busy={busy}
        rolesError={{ staffId: result?.staffId, message: result?.fieldErrors.roles }}
      />

      {ability.can('create', 'Staff') ? <AddStaffForm result={result} busy={busy} /> : null}
    </div>
  );
}
