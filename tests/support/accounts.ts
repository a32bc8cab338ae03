// Helpers for tests of the logon-email change and the password reset: fresh accounts, sessions of
// any principal type, codes read from the outbox, and the steps of the procedure over HTTP.
import { expect } from 'vitest';
import type { PrincipalType, PrismaClient } from '~/generated/prisma/client';
import { commitSessionCookie, createSession } from '~/auth/session.server';
import { hashPassword } from '~/auth/password.server';
import { DEMO_PASSWORD } from '~/demo/seed.server';
import type { TestPortal } from './portal';
import { HttpClient } from './http';

let demoHash: Promise<string> | undefined;
let counter = 0;

/** A new owner account (password DEMO_PASSWORD) with its own email, and a phone if asked. */
export async function createOwner(
  prisma: PrismaClient,
  options: { phone?: boolean; email?: string; uid?: string } = {},
) {
  demoHash ??= hashPassword(DEMO_PASSWORD);
  counter++;
  const suffix = `${process.pid % 1000}${String(counter).padStart(4, '0')}`.padStart(8, '0').slice(-8);
  const uid = options.uid ?? `30000000${suffix}`;
  const email = options.email ?? `owner-${uid}@example.com`;
  const securePhone = options.phone ? `+86139${suffix}` : null;
  await prisma.account.create({
    data: { uid, logonEmail: email, securePhone, passwordHash: await demoHash, holderName: `Owner ${uid}` },
  });
  return { uid, email, phone: securePhone };
}

/** The 6-digit code of the newest message queued for `recipient`. */
export async function codeSentTo(prisma: PrismaClient, recipient: string): Promise<string> {
  const message = await prisma.outboxMessage.findFirst({
    where: { recipient, template: { startsWith: 'code:' } },
    orderBy: { createdAt: 'desc' },
  });
  if (!message) throw new Error(`no code was sent to ${recipient}`);
  const code = /verification code is (\d{6})/.exec(message.text)?.[1];
  if (!code) throw new Error(`no code in the message to ${recipient}: ${message.text}`);
  return code;
}

/** Another 6-digit code than `code`. */
export const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

/** A client that presents a given session cookie (for sessions created directly in the database). */
export class CookieClient extends HttpClient {
  constructor(
    baseUrl: string,
    private readonly cookie: string,
  ) {
    super(baseUrl, { userAgent: 'vitest cookie client' });
  }

  override request(path: string, init: RequestInit & { origin?: string | null } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('Cookie', this.cookie);
    return super.request(path, { ...init, headers });
  }
}

/** A session of any principal type for an account, created in the database, and a client carrying its cookie. */
export async function sessionFor(
  portal: TestPortal,
  input: {
    principalType: PrincipalType;
    accountUid: string;
    ramUserId?: string | null;
    ramRoleId?: string | null;
    ssoSubject?: string;
    ssoName?: string;
  },
) {
  const { token, session } = await createSession(portal.db.prisma, input);
  const setCookie = await commitSessionCookie(portal.services.config, token);
  return { session, client: new CookieClient(portal.url, setCookie.split(';')[0]) };
}

/** The newest live session of a signed-in account (the one a client just opened). */
export async function newestSession(prisma: PrismaClient, accountUid: string) {
  return prisma.session.findFirstOrThrow({
    where: { accountUid, revokedAt: null, principalType: 'OWNER' },
    orderBy: { createdAt: 'desc' },
  });
}

export const STEP1 = '/account/security/logon-email';
export const STEP2 = '/account/security/logon-email/new';
export const DONE = '/account/security/logon-email/done';

/** Step 1: get the identity code on a channel and enter it; the privileged window opens. */
export async function postVerifyIdentity(
  client: HttpClient,
  prisma: PrismaClient,
  channel: 'SMS' | 'EMAIL',
  target: string,
) {
  const sent = await client.post(STEP1, { intent: 'send-code', channel });
  expect(sent.status, await sent.clone().text()).toBe(302);
  const code = await codeSentTo(prisma, target);
  const verified = await client.post(STEP1, { intent: 'verify', code });
  expect(verified.status, await verified.clone().text()).toBe(302);
  expect(verified.headers.get('location')).toBe(STEP2);
}

/** Step 2a: ask for the code at the new address; returns it. */
export async function postNewEmailCode(client: HttpClient, prisma: PrismaClient, newEmail: string): Promise<string> {
  const sent = await client.post(STEP2, { intent: 'send-code', newEmail });
  expect(sent.status, await sent.clone().text()).toBe(302);
  expect(sent.headers.get('location')).toBe(STEP2);
  return codeSentTo(prisma, newEmail.trim().toLowerCase());
}

/** Step 2b: confirm with the code. */
export function postConfirmNewEmail(client: HttpClient, newEmail: string, code: string) {
  return client.post(STEP2, { intent: 'confirm', newEmail, code });
}
