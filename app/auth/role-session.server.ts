// RAM role sessions: a RAM user — signed in with a password, or through SSO as that RAM user —
// switches to a role they are trusted to assume (RamRoleAssumer); the role session lasts one hour
// and remembers the session it came from, which the browser keeps in a second cookie so "Back to
// RAM user" (or "Back to SSO user") can return to it.
import { portalCookie } from '~/lib/cookies.server';
import type { PrincipalType, PrismaClient } from '~/generated/prisma/client';
import type { PortalConfig } from '~/config.server';
import type { Services } from '~/services.server';
import { recordAudit, type RequestMeta } from '~/audit/audit.server';
import { sha256 } from '~/lib/tokens.server';
import { ROLE_MESSAGES } from '~/sso/messages';
import { ROLE_SESSION_MS, SESSION_ABSOLUTE_MS, createSession, isSessionLive, type SessionRow } from './session.server';
import { forbidden } from './guards.server';
import { UUID } from '~/lib/ids';

/** The RAM user session's token while a role session is in use. */
const parentCookie = portalCookie('ard_parent', { maxAgeSec: SESSION_ABSOLUTE_MS / 1000 });

export async function readParentToken(config: PortalConfig, request: Request): Promise<string | null> {
  const value = await parentCookie(config).parse(request.headers.get('Cookie'));
  return typeof value === 'string' && value ? value : null;
}

export function commitParentCookie(config: PortalConfig, token: string): Promise<string> {
  return parentCookie(config).serialize(token);
}

export function clearParentCookie(config: PortalConfig): Promise<string> {
  return parentCookie(config).serialize('', { maxAge: 0 });
}

/** The sessions a role can be assumed from (and returned to). */
const SWITCHING_PRINCIPALS = new Set<PrincipalType>(['RAM_USER', 'SSO_USER']);

/** The roles of the account this RAM user may assume. */
export function assumableRoles(prisma: PrismaClient, accountUid: string, ramUserId: string) {
  return prisma.ramRole.findMany({
    where: { accountUid, assumers: { some: { ramUserId } } },
    orderBy: { name: 'asc' },
    select: { id: true, name: true, description: true },
  });
}

/**
 * Opens a role session for the RAM user of `parent`. The caller has checked the ability to switch
 * roles at all; this checks that the user is trusted to assume this role. Throws a 403 otherwise.
 */
export async function assumeRole(
  services: Services,
  parent: SessionRow,
  roleIdRaw: unknown,
  meta: RequestMeta,
  now = new Date(),
) {
  const { prisma } = services;
  if (!SWITCHING_PRINCIPALS.has(parent.principalType) || !parent.ramUserId) throw forbidden(ROLE_MESSAGES.notAssumable);
  const roleId = typeof roleIdRaw === 'string' && UUID.test(roleIdRaw) ? roleIdRaw : null;
  const role = roleId
    ? await prisma.ramRole.findFirst({
        where: { id: roleId, accountUid: parent.accountUid },
        select: { id: true, name: true },
      })
    : null;
  if (!role) throw forbidden(ROLE_MESSAGES.unknownRole);
  const trusted = await prisma.ramRoleAssumer.findUnique({
    where: { roleId_ramUserId: { roleId: role.id, ramUserId: parent.ramUserId } },
  });
  if (!trusted) {
    await prisma.$transaction((tx) =>
      recordAudit(tx, {
        actor: { type: 'customer', id: parent.id },
        action: 'role.assume_refused',
        accountUid: parent.accountUid,
        meta,
        data: { role: role.name },
      }),
    );
    throw forbidden(ROLE_MESSAGES.notAssumable);
  }
  return prisma.$transaction(async (tx) => {
    const created = await createSession(
      tx,
      {
        principalType: 'RAM_ROLE',
        accountUid: parent.accountUid,
        ramUserId: parent.ramUserId,
        ramRoleId: role.id,
        parentSessionId: parent.id,
        // Who is behind the role: an SSO user keeps the name the IdP gave.
        ssoSubject: parent.ssoSubject,
        ssoName: parent.ssoName,
        lifetimeMs: ROLE_SESSION_MS,
        ...meta,
      },
      now,
    );
    await recordAudit(tx, {
      actor: { type: 'customer', id: parent.id },
      action: 'role.assumed',
      accountUid: parent.accountUid,
      meta,
      data: {
        role: role.name,
        roleSessionId: created.session.id,
        expiresAt: created.session.expiresAt.toISOString(),
        from: parent.principalType,
      },
    });
    return { ...created, role };
  });
}

/**
 * Ends a RAM role session and returns the token of the RAM user session it came from, when that
 * is still live (and really its parent); null sends the visitor to sign in again.
 */
export async function leaveRole(
  services: Services,
  roleSession: SessionRow,
  parentToken: string | null,
  meta: RequestMeta,
  now = new Date(),
): Promise<string | null> {
  const { prisma } = services;
  const parent =
    parentToken && roleSession.parentSessionId
      ? await prisma.session.findUnique({ where: { tokenHash: sha256(parentToken) } })
      : null;
  const back =
    parent &&
    parent.id === roleSession.parentSessionId &&
    SWITCHING_PRINCIPALS.has(parent.principalType) &&
    isSessionLive(parent, now)
      ? parent
      : null;
  await prisma.$transaction(async (tx) => {
    await tx.session.updateMany({ where: { id: roleSession.id, revokedAt: null }, data: { revokedAt: now } });
    if (back) await tx.session.update({ where: { id: back.id }, data: { lastSeenAt: now } });
    await recordAudit(tx, {
      actor: { type: 'customer', id: roleSession.id },
      action: 'role.left',
      accountUid: roleSession.accountUid,
      meta,
      data: { role: roleSession.ramRole?.name ?? null, backToSessionId: back?.id ?? null },
    });
  });
  return back ? parentToken : null;
}
