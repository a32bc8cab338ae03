// Staff administration forms: schemas shared by the browser (react-hook-form) and the actions.
import { z } from 'zod';
import { emailSchema } from '~/account/email';
import type { StaffRoleName } from '~/authz/principal';

export const STAFF_ROLES: readonly StaffRoleName[] = ['AGENT', 'SENIOR_AGENT', 'ADMIN'];

export const ROLE_LABELS: Record<StaffRoleName, string> = {
  AGENT: 'Agent',
  SENIOR_AGENT: 'Senior agent',
  ADMIN: 'Administrator',
};

export const ROLE_HINTS: Record<StaffRoleName, string> = {
  AGENT: 'reviews and decides appeals',
  SENIOR_AGENT: 'also gives the second approval of high-risk appeals (includes Agent)',
  ADMIN: 'manages staff and reads the audit log',
};

/** Known roles only, in a fixed order; a senior agent is always an agent too. */
export function normaliseRoles(roles: readonly unknown[]): StaffRoleName[] {
  const set = new Set(roles.filter((r): r is StaffRoleName => STAFF_ROLES.includes(r as StaffRoleName)));
  if (set.has('SENIOR_AGENT')) set.add('AGENT');
  return STAFF_ROLES.filter((r) => set.has(r));
}

/** Checkbox groups arrive as an array, a single string (one box, native post) or false (react-hook-form, none ticked). */
export const rolesSchema = z.preprocess(
  (v) => (Array.isArray(v) ? v : typeof v === 'string' && v ? [v] : []),
  z
    .array(z.enum(['AGENT', 'SENIOR_AGENT', 'ADMIN'], { error: 'Choose roles from the list.' }))
    .min(1, 'Choose at least one role.')
    .transform((roles) => normaliseRoles(roles)),
);

export const createStaffSchema = z.object({
  email: emailSchema,
  name: z.string({ error: 'Enter the name.' }).trim().min(1, 'Enter the name.').max(120, 'Use at most 120 characters.'),
  roles: rolesSchema,
});

export const setPasswordSchema = z
  .object({
    password: z
      .string({ error: 'Choose a password.' })
      .min(1, 'Choose a password.')
      .max(128, 'Use at most 128 characters.'),
    confirm: z.string({ error: 'Repeat the password.' }).min(1, 'Repeat the password.'),
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'The two passwords do not match.' });
