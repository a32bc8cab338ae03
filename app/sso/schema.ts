// The owner's identity provider form (validated on the server; the issuer's scheme rules live in
// oidc.server.ts because they depend on the portal mode).
import { z } from 'zod';

const claimName = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `Enter the name of the ${what} claim.`)
    .max(64, 'A claim name has at most 64 characters.')
    .regex(/^[A-Za-z0-9_.:/-]+$/, 'A claim name uses letters, digits and _ . : / - only.');

export const identityProviderSchema = z.object({
  issuer: z
    .string()
    .trim()
    .min(1, 'Enter the issuer URL of your identity provider.')
    .max(500, 'The issuer URL is too long.'),
  clientId: z
    .string()
    .trim()
    .min(1, 'Enter the client ID the identity provider gave this portal.')
    .max(200, 'The client ID is too long.'),
  /** Empty = keep the stored secret (required the first time). */
  clientSecret: z.string().max(500, 'The client secret is too long.').default(''),
  userClaim: claimName('user'),
  roleClaim: claimName('role'),
  mode: z.enum(['USER', 'ROLE'], { error: 'Choose user-based or role-based SSO.' }),
  enabled: z.boolean(),
});

export type IdentityProviderInput = z.infer<typeof identityProviderSchema>;

/** The form's fields that can be at fault (a checkbox cannot). */
export type ProviderField = Exclude<keyof IdentityProviderInput, 'enabled'>;
