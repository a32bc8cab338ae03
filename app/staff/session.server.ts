// Staff sessions are separate from customer sessions: their own cookie, table, lifetimes and second factor.
import { redirect, type AppLoadContext } from '@remix-run/node';
import { portalCookie } from '~/lib/cookies.server';
import type { Staff, StaffSession } from '~/generated/prisma/client';
import type { SqlStatement } from '~/db/connect.server';
import { STAFF, STAFF_SESSION, pickRow, selectColumns } from '~/db/rows.server';
import { newToken, sha256 } from '~/lib/tokens.server';
import type { StaffPrincipal, StaffRoleName } from '~/authz/principal';
import { defineAbilityFor, type AppAbility } from '~/authz/ability';
import { recordAudit, type RequestMeta } from '~/audit/audit.server';

export const STAFF_SESSION_MS = 8 * 60 * 60_000;
export const STAFF_IDLE_MS = 30 * 60_000;
/** Between password and TOTP a half-signed-in session lives at most this long. */
export const STAFF_MFA_PENDING_MS = 5 * 60_000;
const TOUCH_EVERY_MS = 30_000;

export const staffCookie = portalCookie('ard_staff', { sameSite: 'strict', maxAgeSec: STAFF_SESSION_MS / 1000 });

export async function startStaffSession(
  context: AppLoadContext,
  staffId: string,
  meta: { ip: string; userAgent: string },
) {
  const token = newToken();
  const now = Date.now();
  const session = await context.services.prisma.staffSession.create({
    data: {
      tokenHash: sha256(token),
      staffId,
      mfaPassed: false,
      expiresAt: new Date(now + STAFF_MFA_PENDING_MS),
      ip: meta.ip,
      userAgent: meta.userAgent,
    },
  });
  return { session, cookie: await staffCookie(context.services.config).serialize(token) };
}

type StaffSessionRow = (StaffSession & { staff: Staff }) | null;
const pageViews = new WeakMap<AppLoadContext, Promise<StaffSessionRow>>();

/** The staff session of this request; the back office layout and its page share one lookup (see getCustomer). */
export function readStaffSession(
  context: AppLoadContext,
  request: Request,
  options: { touch?: boolean } = {},
): Promise<StaffSessionRow> {
  if (request.method !== 'GET' || options.touch === false)
    return lookupStaffSession(context, request, options.touch !== false);
  let session = pageViews.get(context);
  if (!session) {
    session = lookupStaffSession(context, request);
    pageViews.set(context, session);
  }
  return session;
}

const STAFF_SESSION_BY_TOKEN: SqlStatement = {
  name: 'staff_session_by_token',
  text: `SELECT ${selectColumns('s', STAFF_SESSION)}, ${selectColumns('m', STAFF)} FROM "StaffSession" s JOIN "Staff" m ON m.id = s."staffId" WHERE s."tokenHash" = $1`,
};

async function lookupStaffSession(context: AppLoadContext, request: Request, touch = true): Promise<StaffSessionRow> {
  const token = await staffCookie(context.services.config).parse(request.headers.get('Cookie'));
  if (typeof token !== 'string' || !token) return null;
  // Every back-office page view runs this: one prepared statement (db/rows.server.ts).
  const [row] = await context.services.db.sql(STAFF_SESSION_BY_TOKEN, [sha256(token)]);
  const found = row && pickRow(row, 's', STAFF_SESSION, 'id');
  const staff = row && pickRow(row, 'm', STAFF, 'id');
  const session = found && staff ? { ...found, staff } : null;
  const now = Date.now();
  if (
    !session ||
    session.revokedAt ||
    session.expiresAt.getTime() <= now ||
    now - session.lastSeenAt.getTime() >= STAFF_IDLE_MS
  )
    return null;
  if (!session.staff.active) return null;
  // For the request's log line (a member half-way through sign-in, before TOTP, is logged as staff too).
  if (context.flags) context.flags.principal = { kind: 'staff', id: session.staff.id };
  if (touch && now - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await context.services.prisma.staffSession.updateMany({
      where: { id: session.id, revokedAt: null },
      data: { lastSeenAt: new Date(now) },
    });
  }
  return session;
}

export type StaffMember = { staff: Staff; sessionId: string; principal: StaffPrincipal; ability: AppAbility };

export function staffPrincipal(staff: Pick<Staff, 'id' | 'roles' | 'active' | 'name'>): StaffPrincipal {
  return {
    kind: 'staff',
    staffId: staff.id,
    roles: staff.roles as StaffRoleName[],
    active: staff.active,
    label: staff.name,
  };
}

/**
 * A fully signed-in staff member (password and TOTP), or a redirect to the staff sign-in. Customers' sessions never count.
 * `touch: false` for requests the page makes by itself (the case page's presence heartbeat): they do not
 * count as activity, so a page left open still ends its session after STAFF_IDLE_MS.
 */
export async function requireStaff(
  request: Request,
  context: AppLoadContext,
  options: { touch?: boolean } = {},
): Promise<StaffMember> {
  const session = await readStaffSession(context, request, options);
  if (!session || !session.mfaPassed) {
    const url = new URL(request.url);
    throw redirect(`/staff/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  const principal = staffPrincipal(session.staff);
  return { staff: session.staff, sessionId: session.id, principal, ability: defineAbilityFor(principal) };
}

export async function revokeStaffSessions(
  prisma: AppLoadContext['services']['prisma'],
  staffId: string,
  exceptSessionId?: string,
) {
  await prisma.staffSession.updateMany({
    where: { staffId, revokedAt: null, ...(exceptSessionId ? { id: { not: exceptSessionId } } : {}) },
    data: { revokedAt: new Date() },
  });
}

/** Signing out: ends this staff session and audits it — once (a second sign-out of an ended session records nothing). */
export async function endStaffSession(
  prisma: AppLoadContext['services']['prisma'],
  session: Pick<StaffSession, 'id' | 'staffId'>,
  meta: RequestMeta,
): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const ended = await tx.staffSession.updateMany({
      where: { id: session.id, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (ended.count)
      await recordAudit(tx, { actor: { type: 'staff', id: session.staffId }, action: 'staff.logout', meta, data: {} });
  });
}
