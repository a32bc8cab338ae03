// The back office's pages, and which of them a member's ability opens: the navigation lists those,
// and sign-in and /staff send the member to the first (an admin without appeal rights to the admin pages).
import { subject } from '@casl/ability';
import type { AppAbility } from '~/authz/ability';

export type StaffPage = { to: string; label: string };

const PAGES: (StaffPage & { allowed: (ability: AppAbility) => boolean })[] = [
  {
    to: '/staff/dashboard',
    label: 'Dashboard',
    allowed: (a) => a.can('read', subject('Report', { kind: 'desk' }) as never),
  },
  { to: '/staff/appeals', label: 'Appeal queue', allowed: (a) => a.can('read', 'Appeal') },
  { to: '/staff/admin/staff', label: 'Staff', allowed: (a) => a.can('read', 'Staff') },
  { to: '/staff/admin/audit', label: 'Audit log', allowed: (a) => a.can('read', 'AuditEvent') },
];

/** The pages this member may open, in navigation order. */
export function staffPages(ability: AppAbility): StaffPage[] {
  return PAGES.filter((p) => p.allowed(ability)).map(({ to, label }) => ({ to, label }));
}

/** Where a signed-in member starts: the first page their role allows, or null when none does. */
export function staffHome(ability: AppAbility): string | null {
  return staffPages(ability)[0]?.to ?? null;
}

/** Every page title of the back office ends so. */
export const staffTitle = (page: string) => `${page} — Back office`;
