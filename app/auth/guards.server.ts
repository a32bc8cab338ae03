import type { AppLoadContext } from '@remix-run/node';
import type { Account } from '~/generated/prisma/client';
import type { CustomerPrincipal } from '~/authz/principal';
import { defineAbilityFor, denialReason, type Action, type AppAbility, type SubjectName } from '~/authz/ability';
import { loadSession, principalOf, redirectToLogin, type SessionRow } from './session.server';

export type Customer = {
  session: SessionRow;
  principal: CustomerPrincipal;
  ability: AppAbility;
  account: Account;
  /** The principal's other live sessions (Security Settings shows how many). */
  otherSessions: number;
};

const pageViews = new WeakMap<AppLoadContext, Promise<Customer | null>>();

/**
 * The signed-in customer of this request, or null. The loaders of one page view (root, layout, page)
 * share one lookup: the load context is per request. An action always looks afresh (it may change
 * the session, and the loaders that run after it get a GET request of their own).
 */
export function getCustomer(request: Request, context: AppLoadContext): Promise<Customer | null> {
  if (request.method !== 'GET') return lookupCustomer(request, context);
  let customer = pageViews.get(context);
  if (!customer) {
    customer = lookupCustomer(request, context);
    pageViews.set(context, customer);
  }
  return customer;
}

async function lookupCustomer(request: Request, context: AppLoadContext): Promise<Customer | null> {
  const { db, config } = context.services;
  const found = await loadSession(db, config, request);
  if (!found) return null;
  const { account, otherSessions, ...session } = found;
  const principal = principalOf(session, account.logonEmail);
  // For the request's log line: who, by kind and id (never an email).
  if (context.flags) context.flags.principal = { kind: principal.kind, id: principalId(principal) };
  return { session, principal, ability: defineAbilityFor(principal), account, otherSessions };
}

function principalId(p: CustomerPrincipal): string {
  if (p.kind === 'ram_user') return p.ramUserId;
  if (p.kind === 'ram_role') return p.ramRoleId;
  if (p.kind === 'sso_user') return p.ramUserId ?? p.accountUid;
  return p.accountUid;
}

/** The signed-in customer, or a redirect to the sign-in page. */
export async function requireCustomer(request: Request, context: AppLoadContext): Promise<Customer> {
  const customer = await getCustomer(request, context);
  if (!customer) redirectToLogin(request);
  return customer;
}

export class Forbidden extends Response {}

/** Throws a 403 carrying the ability's reason when the action is not allowed. */
export function assertAllowed(
  ability: AppAbility,
  action: Action,
  type: SubjectName,
  record?: Record<string, unknown>,
): void {
  const reason = denialReason(ability, action, type, record);
  if (reason) throw forbidden(reason);
}

export function forbidden(reason: string): Response {
  return new Response(reason, {
    status: 403,
    statusText: 'Forbidden',
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

/** A signed-in customer allowed to do `action` on their own account's `type`. */
export async function requireAllowed(
  request: Request,
  context: AppLoadContext,
  action: Action,
  type: SubjectName,
): Promise<Customer> {
  const customer = await requireCustomer(request, context);
  assertAllowed(customer.ability, action, type, { accountUid: customer.account.uid });
  return customer;
}
