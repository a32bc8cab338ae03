import { redirect } from '@remix-run/node';
import { portalCookie } from '~/lib/cookies.server';
import type { PrismaClient, PrincipalType, Prisma } from '~/generated/prisma/client';
import type { CustomerPrincipal } from '~/authz/principal';
import type { PortalConfig } from '~/config.server';
import { newToken, sha256 } from '~/lib/tokens.server';
import { maskEmail } from '~/lib/masking';
import type { Database, SqlStatement } from '~/db/connect.server';
import { ACCOUNT, RAM_ROLE, RAM_USER, SESSION, pickRow, selectColumns } from '~/db/rows.server';
import { recordAudit, type RequestMeta } from '~/audit/audit.server';

export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60_000;
export const ROLE_SESSION_MS = 60 * 60_000;
/** lastSeenAt is written at most this often, so a page view is not always a write. */
const TOUCH_EVERY_MS = 60_000;

export const sessionCookie = portalCookie('ard_session', { maxAgeSec: SESSION_ABSOLUTE_MS / 1000 });

export type SessionRow = Prisma.SessionGetPayload<{ include: { ramUser: true; ramRole: true } }>;
export type SessionWithAccount = Prisma.SessionGetPayload<{ include: { account: true; ramUser: true; ramRole: true } }>;

export type NewSession = {
  principalType: PrincipalType;
  accountUid: string;
  ramUserId?: string | null;
  ramRoleId?: string | null;
  ssoSubject?: string | null;
  ssoName?: string | null;
  parentSessionId?: string | null;
  ip?: string;
  userAgent?: string;
  lifetimeMs?: number;
};

export async function createSession(
  prisma: PrismaClient | Prisma.TransactionClient,
  input: NewSession,
  now = new Date(),
) {
  const token = newToken();
  const session = await prisma.session.create({
    data: {
      tokenHash: sha256(token),
      principalType: input.principalType,
      accountUid: input.accountUid,
      ramUserId: input.ramUserId ?? null,
      ramRoleId: input.ramRoleId ?? null,
      ssoSubject: input.ssoSubject ?? null,
      ssoName: input.ssoName ?? null,
      parentSessionId: input.parentSessionId ?? null,
      ip: input.ip?.slice(0, 64),
      userAgent: input.userAgent?.slice(0, 400),
      expiresAt: new Date(now.getTime() + (input.lifetimeMs ?? SESSION_ABSOLUTE_MS)),
    },
  });
  return { token, session };
}

export async function commitSessionCookie(config: PortalConfig, token: string): Promise<string> {
  return sessionCookie(config).serialize(token);
}

export async function clearSessionCookie(config: PortalConfig): Promise<string> {
  return sessionCookie(config).serialize('', { maxAge: 0 });
}

export async function readSessionToken(config: PortalConfig, request: Request): Promise<string | null> {
  const value = await sessionCookie(config).parse(request.headers.get('Cookie'));
  return typeof value === 'string' && value.length > 0 ? value : null;
}

export function isSessionLive(
  session: { revokedAt: Date | null; expiresAt: Date; lastSeenAt: Date },
  now = new Date(),
): boolean {
  if (session.revokedAt) return false;
  if (session.expiresAt.getTime() <= now.getTime()) return false;
  return now.getTime() - session.lastSeenAt.getTime() < SESSION_IDLE_MS;
}

const SESSION_BY_TOKEN: SqlStatement = {
  name: 'session_by_token',
  // With the count of the principal's other live sessions (the same owner, or the same RAM user),
  // which Security Settings shows: an index look-up here costs less than a second round trip.
  text: `SELECT ${selectColumns('s', SESSION)}, ${selectColumns('a', ACCOUNT)}, ${selectColumns('u', RAM_USER)}, ${selectColumns('r', RAM_ROLE)},
      (SELECT count(*)::int FROM "Session" o
        WHERE o."accountUid" = s."accountUid" AND o."principalType" = s."principalType" AND o."ramUserId" IS NOT DISTINCT FROM s."ramUserId"
          AND o."ssoSubject" IS NOT DISTINCT FROM s."ssoSubject" AND o.id <> s.id
          AND o."revokedAt" IS NULL AND o."expiresAt" > (now() AT TIME ZONE 'UTC')) AS "otherSessions"
    FROM "Session" s JOIN "Account" a ON a.uid = s."accountUid"
    LEFT JOIN "RamUser" u ON u.id = s."ramUserId" LEFT JOIN "RamRole" r ON r.id = s."ramRoleId"
    WHERE s."tokenHash" = $1`,
};

/**
 * The live session of this request with its account (and RAM user or role) and the number of other
 * live sessions of the same principal, or null. Refreshes the idle timer.
 */
export async function loadSession(
  db: Pick<Database, 'prisma' | 'sql'>,
  config: PortalConfig,
  request: Request,
  now = new Date(),
): Promise<(SessionWithAccount & { otherSessions: number }) | null> {
  const token = await readSessionToken(config, request);
  if (!token) return null;
  // Every signed-in page view runs this: one prepared statement, the session with its account, RAM
  // user and role joined in (db/rows.server.ts).
  const [row] = await db.sql(SESSION_BY_TOKEN, [sha256(token)]);
  const session = row && pickRow(row, 's', SESSION, 'id');
  const account = row && pickRow(row, 'a', ACCOUNT, 'uid');
  if (!session || !account || !isSessionLive(session, now)) return null;
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    // Working in a role session keeps the RAM user session it came from alive ("Back to RAM user").
    const ids = session.parentSessionId ? [session.id, session.parentSessionId] : [session.id];
    await db.prisma.session.updateMany({ where: { id: { in: ids }, revokedAt: null }, data: { lastSeenAt: now } });
  }
  return {
    ...session,
    account,
    ramUser: pickRow(row, 'u', RAM_USER, 'id'),
    ramRole: pickRow(row, 'r', RAM_ROLE, 'id'),
    otherSessions: row.otherSessions as number,
  };
}

export function principalOf(session: SessionRow, ownerEmail: string): CustomerPrincipal {
  switch (session.principalType) {
    case 'OWNER':
      return { kind: 'owner', accountUid: session.accountUid, label: maskEmail(ownerEmail) };
    case 'RAM_USER':
      return {
        kind: 'ram_user',
        accountUid: session.accountUid,
        ramUserId: session.ramUserId!,
        label: `${session.ramUser?.name ?? 'ram-user'}@${session.accountUid}.onaliyun.com`,
      };
    case 'SSO_USER':
      return {
        kind: 'sso_user',
        accountUid: session.accountUid,
        ramUserId: session.ramUserId,
        label: session.ssoName ?? session.ssoSubject ?? 'SSO user',
      };
    case 'RAM_ROLE':
    case 'SSO_ROLE':
      return {
        kind: 'ram_role',
        accountUid: session.accountUid,
        ramRoleId: session.ramRoleId!,
        roleName: session.ramRole?.name ?? 'role',
        via: session.principalType === 'SSO_ROLE' ? 'sso' : 'ram_user',
        label: `${session.ramRole?.name ?? 'role'} (${session.ssoName ?? session.ramUser?.name ?? 'role session'})`,
      };
  }
}

export type RevokeScope = { accountUid: string; principalTypes?: PrincipalType[]; exceptSessionId?: string };

/** Signs out sessions of an account (all, or of some principal types), keeping one if asked. */
export async function revokeSessions(
  prisma: PrismaClient | Prisma.TransactionClient,
  scope: RevokeScope,
  now = new Date(),
): Promise<number> {
  const result = await prisma.session.updateMany({
    where: {
      accountUid: scope.accountUid,
      revokedAt: null,
      ...(scope.principalTypes ? { principalType: { in: scope.principalTypes } } : {}),
      ...(scope.exceptSessionId ? { id: { not: scope.exceptSessionId } } : {}),
    },
    data: { revokedAt: now },
  });
  return result.count;
}

/**
 * "Sign out other sessions": ends the other live sessions of the same principal — the same kind, RAM user
 * and federated subject (an SSO role session has no RAM user; without its subject, every federated user's
 * role sessions would match) — and audits how many. Returns that count.
 */
export async function signOutOtherSessions(
  prisma: PrismaClient,
  session: Pick<SessionRow, 'id' | 'accountUid' | 'principalType' | 'ramUserId' | 'ssoSubject'>,
  meta: RequestMeta,
): Promise<number> {
  return prisma.$transaction(async (tx) => {
    const n = await tx.session.updateMany({
      where: {
        accountUid: session.accountUid,
        principalType: session.principalType,
        ramUserId: session.ramUserId,
        ssoSubject: session.ssoSubject,
        revokedAt: null,
        id: { not: session.id },
      },
      data: { revokedAt: new Date() },
    });
    await recordAudit(tx, {
      actor: { type: 'customer', id: session.id },
      action: 'sessions.signed_out_others',
      accountUid: session.accountUid,
      meta,
      data: { count: n.count },
    });
    return n.count;
  });
}

/** Ends the session of this token (if it is live) and audits it: who signed out, and why. */
export async function revokeSessionByToken(
  prisma: PrismaClient,
  token: string,
  meta: RequestMeta,
  reason: 'signed-out' | 'role-session-ended' | 'replaced-by-sso-sign-in',
) {
  await prisma.$transaction(async (tx) => {
    const ended = await tx.session.updateManyAndReturn({
      where: { tokenHash: sha256(token), revokedAt: null },
      data: { revokedAt: new Date() },
      select: { id: true, accountUid: true, principalType: true },
    });
    for (const s of ended) {
      await recordAudit(tx, {
        actor: { type: 'customer', id: s.id },
        action: 'session.signed_out',
        accountUid: s.accountUid,
        meta,
        data: { reason, principalType: s.principalType },
      });
    }
  });
}

const SAME_SITE = 'http://portal.invalid';

/**
 * A same-site path to go back to after sign-in; anything else falls back. Browsers drop tabs and
 * newlines from a URL and read a backslash as a slash, so `/\t/evil.example` would leave the site:
 * such characters are refused outright, and what remains must resolve to this site — both as given
 * and as the normalised path that goes into the Location header.
 */
export function safeRedirectPath(
  to: FormDataEntryValue | string | null | undefined,
  fallback = '/account/security',
): string {
  // eslint-disable-next-line no-control-regex
  if (typeof to !== 'string' || !to.startsWith('/') || /[\\\u0000-\u001f\u007f]/.test(to)) return fallback;
  let path: string;
  try {
    const url = new URL(to, SAME_SITE);
    if (url.origin !== SAME_SITE) return fallback;
    path = url.pathname + url.search + url.hash;
    // Dot segments collapse: `/.//x` and `/..//x` normalise to `//x`, which a browser reads as host x.
    if (new URL(path, SAME_SITE).origin !== SAME_SITE) return fallback;
  } catch {
    return fallback;
  }
  return path;
}

export function redirectToLogin(request: Request): never {
  const url = new URL(request.url);
  throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
}
