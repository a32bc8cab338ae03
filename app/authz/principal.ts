// Who is making a request. Shared by server and browser (no server imports here).

export type StaffRoleName = 'AGENT' | 'SENIOR_AGENT' | 'ADMIN';

export type CustomerPrincipal =
  | { kind: 'owner'; accountUid: string; label: string }
  | { kind: 'ram_user'; accountUid: string; ramUserId: string; label: string }
  /** A RAM role session; `via` says whether a RAM user or an SSO user assumed it. */
  | {
      kind: 'ram_role';
      accountUid: string;
      ramRoleId: string;
      roleName: string;
      via: 'ram_user' | 'sso';
      label: string;
    }
  /** User-based SSO (maps to a RAM user of the account) — role-based SSO arrives as a ram_role with via 'sso'. */
  | { kind: 'sso_user'; accountUid: string; ramUserId: string | null; label: string };

export type StaffPrincipal = { kind: 'staff'; staffId: string; roles: StaffRoleName[]; active: boolean; label: string };

export type Principal = CustomerPrincipal | StaffPrincipal;

export const PRINCIPAL_LABELS: Record<Principal['kind'], string> = {
  owner: 'Account owner',
  ram_user: 'RAM user',
  ram_role: 'RAM role',
  sso_user: 'SSO user',
  staff: 'Support staff',
};
