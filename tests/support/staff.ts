// Staff sign-in over HTTP for tests: password, then the TOTP code — the way /staff/login is used.
import type { PrismaClient } from '~/generated/prisma/client';
import { normaliseEmail } from '~/account/email';
import { DEMO_PASSWORD } from '~/demo/seed.server';
import { totpNow } from '~/staff/totp.server';
import type { HttpClient } from './http';

/** The TOTP secret every demo staff member is enrolled with (DESIGN.md). */
export const DEMO_TOTP_SECRET = 'JBSWY3DPEHPK3PXP';

export const DEMO_STAFF = {
  agent: 'agent@support.example.com',
  senior: 'senior@support.example.com',
  admin: 'admin@support.example.com',
} as const;

export type StaffSignInOptions = {
  password?: string;
  /** The member's TOTP secret (default: the demo secret). */
  secret?: string;
  /** The moment the code is made for (default now). The portal accepts the step before and after too. */
  now?: number;
  /**
   * A code (time step) is accepted once per member. Given the database, the helper forgets the
   * member's last accepted step first, so the same member can sign in several times in one test.
   */
  prisma?: PrismaClient;
  redirectTo?: string;
};

/**
 * Signs `client` in as a staff member: POST /staff/login {email, password} → 302, then
 * POST /staff/login {intent: 'totp', code} → 302. Throws with the portal's answer when a step fails.
 * Returns the final (302) response.
 */
export async function staffSignIn(
  client: HttpClient,
  email: string,
  options: StaffSignInOptions = {},
): Promise<Response> {
  const redirectTo: Record<string, string> = options.redirectTo ? { redirectTo: options.redirectTo } : {};
  const first = await client.post('/staff/login', {
    email,
    password: options.password ?? DEMO_PASSWORD,
    ...redirectTo,
  });
  if (first.status !== 302)
    throw new Error(
      `staff sign-in of ${email} (password) answered ${first.status}: ${(await first.text()).slice(0, 300)}`,
    );
  if (options.prisma)
    await options.prisma.staff.updateMany({ where: { email: normaliseEmail(email) }, data: { totpLastStep: null } });
  const code = totpNow(options.secret ?? DEMO_TOTP_SECRET, options.now ?? Date.now());
  const second = await client.post('/staff/login', { intent: 'totp', code, ...redirectTo });
  if (second.status !== 302)
    throw new Error(
      `staff sign-in of ${email} (TOTP) answered ${second.status}: ${(await second.text()).slice(0, 300)}`,
    );
  return second;
}
