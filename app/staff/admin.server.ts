// Staff administration: the list, invitations, roles, deactivation. Never a deletion.
// Routes check the ability first; every act here writes its audit event with the admin as actor,
// in the same transaction as the change (and the invitation mail goes through the outbox there too).
import { accessibleBy } from '@casl/prisma/runtime';
import { UUID } from '~/lib/ids';
import type { Services } from '~/services.server';
import type { StaffRole } from '~/generated/prisma/enums';
import type { AppAbility } from '~/authz/ability';
import type { StaffRoleName } from '~/authz/principal';
import { releaseCasesOf, worksAppeals } from '~/appeals/assignment.server';
import { recordAudit, type RequestMeta, type Tx } from '~/audit/audit.server';
import { enqueueEmail } from '~/outbox/outbox.server';
import { staffInvitation } from '~/outbox/templates';
import { newToken, sha256 } from '~/lib/tokens.server';
import { hashPassword } from '~/auth/password.server';
import { isUniqueViolation } from '~/db/errors';
import { normaliseRoles, ROLE_LABELS } from './admin-schema';

export const INVITATION_TTL_MS = 72 * 60 * 60_000;
export const DUPLICATE_EMAIL =
  'A staff member with this email already exists. Change their roles or reactivate them in the list instead.';
export const STALE_ROLES = 'The roles of this member changed meanwhile. Check the list and try again.';
export const INVITATION_INVALID =
  'This invitation link is not valid or was already used. Ask an administrator for a new invitation.';
export const INVITATION_EXPIRED =
  'This invitation has expired (links are valid for 72 hours). Ask an administrator for a new invitation.';
export const passwordAlreadySet = (name: string) =>
  `${name} has already set a password, so no new invitation was sent.`;
export const NO_STAFF_DOMAINS =
  'No staff email domain is configured, so no staff member can be added: set STAFF_EMAIL_DOMAINS (e.g. support.example.com).';
export const staffDomainOnly = (domains: string[]) =>
  `Staff emails must be addresses at ${domains.map((d) => `@${d}`).join(' or ')}.`;
export const SENIOR_NEEDS_ANOTHER_ADMIN =
  'You asked for this senior agent role: another administrator must confirm it.';
export const NO_SENIOR_REQUEST = 'There is no senior agent request for this member any more. Check the list.';

type Admin = { id: string; name: string };
const actorOf = (admin: Admin) => ({ type: 'staff' as const, id: admin.id });

export class StaffAdminError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly field?: 'email' | 'roles',
  ) {
    super(message);
  }
}

export type StaffRow = {
  id: string;
  email: string;
  name: string;
  roles: StaffRoleName[];
  active: boolean;
  deactivatedAt: string | null;
  totpEnrolled: boolean;
  passwordSet: boolean;
  invitationExpiresAt: string | null;
  createdAt: string;
  /** Senior agent asked for and waiting for another admin's confirmation: by whom (id and name), and when. */
  seniorRequest: { byId: string; byName: string; at: string } | null;
};

/** Every member the viewer may read (accessibleBy: a viewer without the right gets no rows at all). */
export async function listStaff(services: Services, ability: AppAbility): Promise<StaffRow[]> {
  const rows = await services.prisma.staff.findMany({
    where: accessibleBy(ability as never).ofType('Staff' as never),
    orderBy: [{ active: 'desc' }, { createdAt: 'asc' }],
    select: {
      id: true,
      email: true,
      name: true,
      roles: true,
      active: true,
      deactivatedAt: true,
      totpEnrolledAt: true,
      passwordHash: true,
      invitationExpiresAt: true,
      createdAt: true,
      seniorRequestedAt: true,
      seniorRequestedBy: { select: { id: true, name: true } },
    },
  });
  return rows.map((s) => ({
    id: s.id,
    email: s.email,
    name: s.name,
    roles: s.roles as StaffRoleName[],
    active: s.active,
    deactivatedAt: s.deactivatedAt?.toISOString() ?? null,
    totpEnrolled: Boolean(s.totpEnrolledAt),
    passwordSet: Boolean(s.passwordHash),
    invitationExpiresAt: s.invitationExpiresAt?.toISOString() ?? null,
    createdAt: s.createdAt.toISOString(),
    seniorRequest:
      s.seniorRequestedBy && s.seniorRequestedAt
        ? { byId: s.seniorRequestedBy.id, byName: s.seniorRequestedBy.name, at: s.seniorRequestedAt.toISOString() }
        : null,
  }));
}

/** Whether an email is at one of the configured staff domains (exactly: a subdomain is another domain). */
export function isStaffEmail(domains: readonly string[], email: string): boolean {
  const at = email.lastIndexOf('@');
  return at > 0 && domains.includes(email.slice(at + 1).toLowerCase());
}

/**
 * The roles given now, and whether senior agent waits for a second admin: one admin alone could
 * otherwise make two senior agents (or one, and be the other approver through them) and defeat
 * the second approval of high-risk appeals.
 */
function splitSenior(roles: StaffRoleName[]): { granted: StaffRoleName[]; seniorAsked: boolean } {
  return { granted: roles.filter((r) => r !== 'SENIOR_AGENT'), seniorAsked: roles.includes('SENIOR_AGENT') };
}

export async function findStaff(services: Services, id: string) {
  if (!UUID.test(id)) return null;
  return services.prisma.staff.findUnique({ where: { id } });
}

async function queueInvitation(
  services: Services,
  tx: Tx,
  member: { email: string; name: string; roles: StaffRoleName[] },
  admin: Admin,
  now: number,
) {
  const token = newToken();
  const expiresAt = new Date(now + INVITATION_TTL_MS);
  await enqueueEmail(tx, {
    to: member.email,
    template: 'staff-invitation',
    ...staffInvitation({
      name: member.name,
      invitedBy: admin.name,
      roles: member.roles.map((r) => ROLE_LABELS[r]),
      url: `${services.config.publicUrl}/staff/invite/${token}`,
      expiresAt,
    }),
  });
  return { invitationTokenHash: sha256(token), invitationExpiresAt: expiresAt };
}

/** A new member with an invitation (one-time link, 72 h) — mail, member and audit in one transaction. */
export async function createStaffMember(
  services: Services,
  admin: Admin,
  input: { email: string; name: string; roles: StaffRoleName[] },
  meta: RequestMeta,
): Promise<{ id: string; seniorPending: boolean }> {
  const roles = normaliseRoles(input.roles);
  if (!roles.length) throw new StaffAdminError('Choose at least one role.', 400, 'roles');
  const domains = services.config.staffEmailDomains;
  if (!domains.length) throw new StaffAdminError(NO_STAFF_DOMAINS, 400, 'email');
  if (!isStaffEmail(domains, input.email)) throw new StaffAdminError(staffDomainOnly(domains), 400, 'email');
  const { granted, seniorAsked } = splitSenior(roles);
  try {
    const created = await services.prisma.$transaction(async (tx) => {
      if (await tx.staff.findUnique({ where: { email: input.email }, select: { id: true } }))
        throw new StaffAdminError(DUPLICATE_EMAIL, 409, 'email');
      const now = new Date();
      const invitation = await queueInvitation(
        services,
        tx,
        { email: input.email, name: input.name, roles: granted },
        admin,
        now.getTime(),
      );
      const member = await tx.staff.create({
        data: {
          email: input.email,
          name: input.name,
          roles: granted as StaffRole[],
          ...invitation,
          ...(seniorAsked ? { seniorRequestedById: admin.id, seniorRequestedAt: now } : {}),
        },
        select: { id: true },
      });
      await recordAudit(tx, {
        actor: actorOf(admin),
        action: 'staff.created',
        meta,
        data: { staffId: member.id, email: input.email, name: input.name, roles: granted },
      });
      if (seniorAsked)
        await recordAudit(tx, {
          actor: actorOf(admin),
          action: 'staff.senior_requested',
          meta,
          data: { staffId: member.id, email: input.email },
        });
      return member;
    });
    services.outbox.kick();
    return { ...created, seniorPending: seniorAsked };
  } catch (err) {
    // Two admins adding the same address at once: the unique index decides.
    if (isUniqueViolation(err, 'email')) throw new StaffAdminError(DUPLICATE_EMAIL, 409, 'email');
    throw err;
  }
}

/** A fresh invitation for a member who has not set a password yet (the old link stops working). */
export async function reinviteStaffMember(
  services: Services,
  admin: Admin,
  staffId: string,
  meta: RequestMeta,
): Promise<void> {
  await services.prisma.$transaction(async (tx) => {
    const member = await tx.staff.findUnique({ where: { id: staffId } });
    if (!member) throw new StaffAdminError('No such staff member.', 404);
    if (member.passwordHash) throw new StaffAdminError(passwordAlreadySet(member.name), 409);
    if (!member.active) throw new StaffAdminError(`${member.name} is deactivated. Reactivate them first.`, 409);
    const invitation = await queueInvitation(
      services,
      tx,
      { email: member.email, name: member.name, roles: member.roles as StaffRoleName[] },
      admin,
      Date.now(),
    );
    // Only while still without a password and active: the member may accept the old link (or be deactivated)
    // between the read above and this write, and must not be left with a new link that sets the password again.
    const updated = await tx.staff.updateMany({
      where: { id: member.id, passwordHash: null, active: true },
      data: invitation,
    });
    if (!updated.count) {
      const current = await tx.staff.findUnique({ where: { id: member.id }, select: { active: true } });
      throw new StaffAdminError(
        current?.active === false
          ? `${member.name} was deactivated meanwhile. Reactivate them first.`
          : passwordAlreadySet(member.name),
        409,
      );
    }
    await recordAudit(tx, {
      actor: actorOf(admin),
      action: 'staff.invitation_resent',
      meta,
      data: { staffId: member.id, email: member.email },
    });
  });
  services.outbox.kick();
}

/** Sets the roles (the route has checked the ability: never one's own). Refuses if they changed since the form was shown. */
export async function changeStaffRoles(
  services: Services,
  admin: Admin,
  input: { staffId: string; roles: StaffRoleName[]; expected?: StaffRoleName[] },
  meta: RequestMeta,
): Promise<'changed' | 'unchanged' | 'senior-requested'> {
  const asked = normaliseRoles(input.roles);
  if (!asked.length) throw new StaffAdminError('Choose at least one role.', 400, 'roles');
  return services.prisma.$transaction(async (tx) => {
    const member = await tx.staff.findUnique({ where: { id: input.staffId } });
    if (!member) throw new StaffAdminError('No such staff member.', 404);
    const from = normaliseRoles(member.roles);
    if (input.expected && normaliseRoles(input.expected).join() !== from.join())
      throw new StaffAdminError(STALE_ROLES, 409);
    // Taking senior agent away is at once; giving it waits for another admin (kept as the roles are).
    const newlySenior = asked.includes('SENIOR_AGENT') && !from.includes('SENIOR_AGENT');
    const to = newlySenior ? splitSenior(asked).granted : asked;
    const seniorRequest = newlySenior
      ? {
          seniorRequestedById: member.seniorRequestedById ?? admin.id,
          seniorRequestedAt: member.seniorRequestedAt ?? new Date(),
        }
      : { seniorRequestedById: null, seniorRequestedAt: null };
    const requestChanged = (member.seniorRequestedById !== null) !== newlySenior;
    if (from.join() === to.join() && !requestChanged) return 'unchanged' as const;
    const updated = await tx.staff.updateMany({
      where: { id: member.id, roles: { equals: member.roles }, seniorRequestedById: member.seniorRequestedById },
      data: { roles: to as StaffRole[], ...seniorRequest },
    });
    if (!updated.count) throw new StaffAdminError(STALE_ROLES, 409);
    const released = worksAppeals(to)
      ? 0
      : await releaseCasesOf(tx, member.id, actorOf(admin), 'The member no longer works appeals.', meta);
    if (from.join() !== to.join())
      await recordAudit(tx, {
        actor: actorOf(admin),
        action: 'staff.role_changed',
        meta,
        data: { staffId: member.id, email: member.email, from, to, ...(released ? { appealsReleased: released } : {}) },
      });
    if (requestChanged) {
      await recordAudit(tx, {
        actor: actorOf(admin),
        action: newlySenior ? 'staff.senior_requested' : 'staff.senior_request_withdrawn',
        meta,
        data: { staffId: member.id, email: member.email },
      });
    }
    return newlySenior ? ('senior-requested' as const) : ('changed' as const);
  });
}

/**
 * A second admin's answer to a pending senior agent request: `confirm` grants the role (never by the
 * admin who asked for it), `decline` drops the request (the asker may withdraw it this way too).
 */
export async function answerSeniorRequest(
  services: Services,
  admin: Admin,
  staffId: string,
  answer: 'confirm' | 'decline',
  meta: RequestMeta,
): Promise<'confirmed' | 'declined'> {
  return services.prisma.$transaction(async (tx) => {
    const member = await tx.staff.findUnique({ where: { id: staffId } });
    if (!member) throw new StaffAdminError('No such staff member.', 404);
    if (!member.seniorRequestedById) throw new StaffAdminError(NO_SENIOR_REQUEST, 409);
    if (answer === 'confirm' && member.seniorRequestedById === admin.id)
      throw new StaffAdminError(SENIOR_NEEDS_ANOTHER_ADMIN, 403);
    if (answer === 'confirm' && !member.active)
      throw new StaffAdminError(`${member.name} is deactivated. Reactivate them first.`, 409);
    const roles =
      answer === 'confirm' ? normaliseRoles([...member.roles, 'SENIOR_AGENT']) : normaliseRoles(member.roles);
    const updated = await tx.staff.updateMany({
      where: { id: member.id, seniorRequestedById: member.seniorRequestedById, roles: { equals: member.roles } },
      data: { roles: roles as StaffRole[], seniorRequestedById: null, seniorRequestedAt: null },
    });
    if (!updated.count) throw new StaffAdminError(NO_SENIOR_REQUEST, 409);
    await recordAudit(tx, {
      actor: actorOf(admin),
      action: answer === 'confirm' ? 'staff.senior_confirmed' : 'staff.senior_declined',
      meta,
      data: {
        staffId: member.id,
        email: member.email,
        requestedBy: member.seniorRequestedById,
        ...(answer === 'confirm' ? { from: normaliseRoles(member.roles), to: roles } : {}),
      },
    });
    return answer === 'confirm' ? ('confirmed' as const) : ('declined' as const);
  });
}

/** Deactivates a member, ends every session of theirs and releases their open cases, in one transaction. Never deletes. */
export async function deactivateStaffMember(
  services: Services,
  admin: Admin,
  staffId: string,
  meta: RequestMeta,
): Promise<'deactivated' | 'already'> {
  return services.prisma.$transaction(async (tx) => {
    const member = await tx.staff.findUnique({ where: { id: staffId } });
    if (!member) throw new StaffAdminError('No such staff member.', 404);
    const now = new Date();
    const updated = await tx.staff.updateMany({
      where: { id: member.id, active: true },
      data: { active: false, deactivatedAt: now },
    });
    if (!updated.count) return 'already' as const;
    const sessions = await tx.staffSession.updateMany({
      where: { staffId: member.id, revokedAt: null },
      data: { revokedAt: now },
    });
    const released = await releaseCasesOf(tx, member.id, actorOf(admin), 'The member was deactivated.', meta);
    await recordAudit(tx, {
      actor: actorOf(admin),
      action: 'staff.deactivated',
      meta,
      data: { staffId: member.id, email: member.email, sessionsRevoked: sessions.count, appealsReleased: released },
    });
    return 'deactivated' as const;
  });
}

export async function reactivateStaffMember(
  services: Services,
  admin: Admin,
  staffId: string,
  meta: RequestMeta,
): Promise<'reactivated' | 'already'> {
  return services.prisma.$transaction(async (tx) => {
    const member = await tx.staff.findUnique({ where: { id: staffId } });
    if (!member) throw new StaffAdminError('No such staff member.', 404);
    const updated = await tx.staff.updateMany({
      where: { id: member.id, active: false },
      data: { active: true, deactivatedAt: null },
    });
    if (!updated.count) return 'already' as const;
    await recordAudit(tx, {
      actor: actorOf(admin),
      action: 'staff.reactivated',
      meta,
      data: { staffId: member.id, email: member.email },
    });
    return 'reactivated' as const;
  });
}

export type Invitation =
  | { ok: true; staffId: string; name: string; email: string; expiresAt: Date }
  | { ok: false; status: 404 | 410; message: string };

/** The member a one-time invitation link belongs to, if it is still good. */
export async function findInvitation(services: Services, token: string, now = Date.now()): Promise<Invitation> {
  if (!token || token.length > 200) return { ok: false, status: 404, message: INVITATION_INVALID };
  const member = await services.prisma.staff.findUnique({ where: { invitationTokenHash: sha256(token) } });
  if (!member || !member.active || member.passwordHash) return { ok: false, status: 404, message: INVITATION_INVALID };
  if (!member.invitationExpiresAt || member.invitationExpiresAt.getTime() <= now)
    return { ok: false, status: 410, message: INVITATION_EXPIRED };
  return {
    ok: true,
    staffId: member.id,
    name: member.name,
    email: member.email,
    expiresAt: member.invitationExpiresAt,
  };
}

/** Sets the password and clears the token (once: a second use finds nothing). TOTP is enrolled at the first sign-in. */
export async function acceptInvitation(
  services: Services,
  token: string,
  password: string,
  meta: RequestMeta,
): Promise<Invitation> {
  const invitation = await findInvitation(services, token);
  if (!invitation.ok) return invitation;
  const passwordHash = await hashPassword(password);
  const used = await services.prisma.$transaction(async (tx) => {
    const updated = await tx.staff.updateMany({
      // passwordHash: null — a link is for setting the first password, never for replacing one.
      where: {
        id: invitation.staffId,
        invitationTokenHash: sha256(token),
        invitationExpiresAt: { gt: new Date() },
        active: true,
        passwordHash: null,
      },
      data: { passwordHash, invitationTokenHash: null, invitationExpiresAt: null },
    });
    if (!updated.count) return false;
    await recordAudit(tx, {
      actor: { type: 'staff', id: invitation.staffId },
      action: 'staff.invitation_accepted',
      meta,
      data: { staffId: invitation.staffId },
    });
    return true;
  });
  return used ? invitation : { ok: false, status: 404, message: INVITATION_INVALID };
}
