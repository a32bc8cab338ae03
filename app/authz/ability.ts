// The one place that says who may do what. Server loaders/actions ask it; the browser gets the
// packed rules (for what it shows) but the server decides.
import { AbilityBuilder, subject, type Ability, type RawRuleOf } from '@casl/ability';
import { createPrismaAbility } from '@casl/prisma/runtime';
import type { Principal } from './principal';
import { OPEN_STATUSES } from '~/appeals/options';

export type Action =
  | 'read'
  | 'change'
  | 'manage'
  | 'switch'
  | 'create'
  // back office
  | 'claim'
  | 'release'
  | 'reassign'
  | 'note'
  | 'requestInfo'
  | 'approve'
  | 'secondApprove'
  | 'reject'
  | 'changeRole'
  | 'deactivate';
export type SubjectName =
  | 'Account'
  | 'LogonEmail'
  | 'SecurePhone'
  | 'Password'
  | 'Session'
  | 'RamUser'
  | 'RamRole'
  | 'AccessKey'
  | 'IdentityProvider'
  | 'Appeal'
  | 'EvidenceFile'
  | 'Staff'
  | 'AuditEvent'
  | 'Report'
  | 'all';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AppAbility = Ability<[Action, SubjectName | Record<string, any>], any>;

/** The help page's words: who must do it instead, and how. */
const ASK_THE_ADMINISTRATOR =
  'You must contact the account administrator to log on to the Alibaba Cloud account and perform the operation.';
export const NOT_ROOT_REASON = `RAM users, RAM roles and SSO users cannot change the logon email of the Alibaba Cloud account. ${ASK_THE_ADMINISTRATOR}`;
export const NOT_ROOT_PHONE_REASON = `RAM users, RAM roles and SSO users cannot change the secure phone of the Alibaba Cloud account. ${ASK_THE_ADMINISTRATOR}`;
export const NOT_ROOT_PASSWORD_REASON = `RAM users, RAM roles and SSO users cannot change the Alibaba Cloud account's password. ${ASK_THE_ADMINISTRATOR}`;

export const SWITCH_ROLE_REASON =
  'Only a RAM user (or an SSO user signed in as one) can switch to a RAM role. From a role session, go back first.';

export function defineAbilityFor(principal: Principal | null): AppAbility {
  const { can, cannot, build } = new AbilityBuilder<AppAbility>(createPrismaAbility as never);
  if (!principal) return build();

  switch (principal.kind) {
    case 'owner': {
      const own = { accountUid: principal.accountUid };
      can('read', 'Account', { uid: principal.accountUid });
      can('change', 'LogonEmail', own);
      can('change', 'SecurePhone', own);
      can('change', 'Password', own);
      can('manage', 'Session', own);
      can('read', 'RamUser', own);
      can('read', 'RamRole', own);
      can('read', 'AccessKey', own);
      can('manage', 'IdentityProvider', own);
      cannot('switch', 'RamRole').because(SWITCH_ROLE_REASON);
      break;
    }
    case 'ram_user':
    case 'ram_role':
    case 'sso_user': {
      const own = { accountUid: principal.accountUid };
      can('read', 'Account', { uid: principal.accountUid });
      can('manage', 'Session', own);
      can('read', 'RamUser', own);
      can('read', 'RamRole', own);
      can('read', 'AccessKey', own);
      // A RAM user, or an SSO user signed in as a RAM user (the IdP's USER mode), may assume that RAM user's roles.
      if (principal.kind === 'ram_user' || (principal.kind === 'sso_user' && principal.ramUserId))
        can('switch', 'RamRole', own);
      else cannot('switch', 'RamRole').because(SWITCH_ROLE_REASON);
      // The help page's rule: only the account itself may change its credentials.
      cannot('change', 'LogonEmail').because(NOT_ROOT_REASON);
      cannot('change', 'SecurePhone').because(NOT_ROOT_PHONE_REASON);
      cannot('change', 'Password').because(NOT_ROOT_PASSWORD_REASON);
      cannot('manage', 'IdentityProvider').because('Only the account owner can configure single sign-on.');
      break;
    }
    case 'staff': {
      if (!principal.active) break; // deactivated: nothing at all
      const me = principal.staffId;
      const roles = new Set(principal.roles);
      if (roles.has('AGENT') || roles.has('SENIOR_AGENT')) {
        can('read', 'Appeal');
        can('read', 'EvidenceFile');
        can('claim', 'Appeal', { assigneeId: null, status: { in: ['SUBMITTED', 'IN_REVIEW'] } });
        can('release', 'Appeal', { assigneeId: me, status: { in: ['IN_REVIEW', 'AWAITING_CUSTOMER'] } });
        can('note', 'Appeal');
        can(['requestInfo', 'approve', 'reject'], 'Appeal', { assigneeId: me, status: 'IN_REVIEW' });
      }
      // The dashboard (a Report): the desk's figures for everyone who works cases; each member's own row;
      // everyone's rows for a lead (senior agent or admin).
      if (roles.has('AGENT') || roles.has('SENIOR_AGENT') || roles.has('ADMIN')) {
        can('read', 'Report', { kind: 'desk' });
        can('read', 'Report', { kind: 'person', staffId: me });
      }
      if (roles.has('SENIOR_AGENT') || roles.has('ADMIN')) can('read', 'Report', { kind: 'person' });
      if (roles.has('SENIOR_AGENT')) {
        // No case is stranded: a senior agent frees or hands on any open case, whoever holds it.
        const open = { in: OPEN_STATUSES };
        can('release', 'Appeal', { assigneeId: { not: null }, status: open });
        can('reassign', 'Appeal', { status: open });
        // The four-eyes rule: never the second approval of a case one approved first.
        can(['secondApprove', 'reject'], 'Appeal', { status: 'PENDING_SECOND_APPROVAL', firstApproverId: { not: me } });
        cannot(['secondApprove'], 'Appeal', { firstApproverId: me }).because(
          'You approved this case first; another senior agent must give the second approval.',
        );
      }
      if (roles.has('ADMIN')) {
        can(['read', 'create'], 'Staff');
        can(['changeRole', 'deactivate'], 'Staff', { id: { not: me } });
        cannot(['changeRole', 'deactivate'], 'Staff', { id: me }).because(
          'Administrators cannot change their own role or deactivate themselves.',
        );
        can('read', 'AuditEvent');
      }
      // Staff never change an account directly, only through an approved appeal.
      cannot('change', 'LogonEmail').because('Staff change a logon email only by approving an appeal.');
      break;
    }
  }
  return build();
}

/** Typed helper for checks on a record: `can(ability, 'change', 'LogonEmail', { accountUid })`. */
export function on(type: SubjectName, record: Record<string, unknown>) {
  return subject(type as never, { ...record } as never);
}

/** The reason CASL gives for refusing, or a generic one. */
export function denialReason(
  ability: AppAbility,
  action: Action,
  type: SubjectName,
  record?: Record<string, unknown>,
): string | null {
  const target = record ? on(type, record) : type;
  if (ability.can(action, target as never)) return null;
  const rule = ability.relevantRuleFor(action, target as never);
  return rule?.reason ?? 'You do not have permission to do this.';
}

export type PackedRules = RawRuleOf<AppAbility>[];

export function abilityFromRules(rules: PackedRules): AppAbility {
  return createPrismaAbility(rules as never) as unknown as AppAbility;
}
