// The ability matrix for the principals SSO and role switching create, built the way requests
// build them: a session row → principalOf → defineAbilityFor. Nothing here is special-cased per
// route; the block follows from the principal type.
import { describe, expect, it } from 'vitest';
import type { PrincipalType } from '~/generated/prisma/client';
import { principalOf, type SessionRow } from '~/auth/session.server';
import {
  abilityFromRules,
  defineAbilityFor,
  denialReason,
  NOT_ROOT_PASSWORD_REASON,
  NOT_ROOT_PHONE_REASON,
  NOT_ROOT_REASON,
  SWITCH_ROLE_REASON,
  type Action,
  type SubjectName,
} from '~/authz/ability';

const UID = '1000000000000001';
const OTHER = '1000000000000002';
const OWNER_ONLY_SSO = 'Only the account owner can configure single sign-on.';

function session(principalType: PrincipalType, extra: Partial<SessionRow> = {}): SessionRow {
  const now = new Date();
  return {
    id: `s-${principalType}`,
    tokenHash: 'x',
    principalType,
    accountUid: UID,
    ramUserId: null,
    ramRoleId: null,
    ssoSubject: null,
    ssoName: null,
    parentSessionId: null,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + 3600_000),
    revokedAt: null,
    ip: null,
    userAgent: null,
    privilegedUntil: null,
    ramUser: null,
    ramRole: null,
    ...extra,
  } as SessionRow;
}

const ramUser = {
  id: 'u-dev',
  accountUid: UID,
  name: 'dev',
  displayName: 'Developer',
  passwordHash: null,
  createdAt: new Date(),
};
const ramRole = { id: 'r-ops', accountUid: UID, name: 'OpsAdmin', description: '', createdAt: new Date() };

const sessions = {
  owner: session('OWNER'),
  ramUser: session('RAM_USER', { ramUserId: ramUser.id, ramUser }),
  // A RAM user who switched to a role.
  ramRole: session('RAM_ROLE', {
    ramUserId: ramUser.id,
    ramUser,
    ramRoleId: ramRole.id,
    ramRole,
    parentSessionId: 's-RAM_USER',
  }),
  // User-based SSO: the IdP user maps to RAM user dev.
  ssoUser: session('SSO_USER', { ramUserId: ramUser.id, ramUser, ssoSubject: 'sso-dev', ssoName: 'SSO Developer' }),
  // Role-based SSO: the role claim named OpsAdmin.
  ssoRole: session('SSO_ROLE', { ramRoleId: ramRole.id, ramRole, ssoSubject: 'sso-dev', ssoName: 'SSO Developer' }),
};
type Who = keyof typeof sessions;

const principal = (who: Who) => principalOf(sessions[who], 'alice@example.com');
const ability = (who: Who) => defineAbilityFor(principal(who));

describe('principals of SSO and role sessions', () => {
  it('maps each session type to its principal kind and label', () => {
    expect(principal('ssoUser')).toEqual({
      kind: 'sso_user',
      accountUid: UID,
      ramUserId: 'u-dev',
      label: 'SSO Developer',
    });
    expect(principal('ssoRole')).toMatchObject({
      kind: 'ram_role',
      via: 'sso',
      roleName: 'OpsAdmin',
      label: 'OpsAdmin (SSO Developer)',
    });
    expect(principal('ramRole')).toMatchObject({
      kind: 'ram_role',
      via: 'ram_user',
      roleName: 'OpsAdmin',
      label: 'OpsAdmin (dev)',
    });
  });
});

// principal × (action, subject) on the own account → the reason it is refused (null = allowed).
const rows: [Action, SubjectName][] = [
  ['change', 'LogonEmail'],
  ['change', 'SecurePhone'],
  ['change', 'Password'],
  ['manage', 'IdentityProvider'],
  ['switch', 'RamRole'],
  ['manage', 'Session'],
  ['read', 'RamUser'],
  ['read', 'RamRole'],
  ['read', 'AccessKey'],
];
const expected: Record<Who, (string | null)[]> = {
  owner: [null, null, null, null, SWITCH_ROLE_REASON, null, null, null, null],
  ramUser: [
    NOT_ROOT_REASON,
    NOT_ROOT_PHONE_REASON,
    NOT_ROOT_PASSWORD_REASON,
    OWNER_ONLY_SSO,
    null,
    null,
    null,
    null,
    null,
  ],
  ramRole: [
    NOT_ROOT_REASON,
    NOT_ROOT_PHONE_REASON,
    NOT_ROOT_PASSWORD_REASON,
    OWNER_ONLY_SSO,
    SWITCH_ROLE_REASON,
    null,
    null,
    null,
    null,
  ],
  // Signed in through SSO as RAM user dev: may assume dev's roles (DESIGN: "a RAM user (or SSO user) who switched").
  ssoUser: [
    NOT_ROOT_REASON,
    NOT_ROOT_PHONE_REASON,
    NOT_ROOT_PASSWORD_REASON,
    OWNER_ONLY_SSO,
    null,
    null,
    null,
    null,
    null,
  ],
  ssoRole: [
    NOT_ROOT_REASON,
    NOT_ROOT_PHONE_REASON,
    NOT_ROOT_PASSWORD_REASON,
    OWNER_ONLY_SSO,
    SWITCH_ROLE_REASON,
    null,
    null,
    null,
    null,
  ],
};
const matrix = (Object.keys(expected) as Who[]).flatMap((who) =>
  rows.map(([action, subject], i) => [who, action, subject, expected[who][i]] as const),
);

describe('ability matrix with SSO users (both modes) and role sessions', () => {
  it.each(matrix)('%s: %s %s on its own account → %s', (who, action, subject, reason) => {
    expect(denialReason(ability(who), action, subject, { accountUid: UID })).toBe(reason);
  });

  it.each(Object.keys(sessions) as Who[])('%s may do nothing on another account', (who) => {
    for (const [action, subject] of rows) {
      expect(denialReason(ability(who), action, subject, { accountUid: OTHER }), `${action} ${subject}`).not.toBeNull();
    }
    expect(denialReason(ability(who), 'read', 'Account', { uid: OTHER })).not.toBeNull();
    expect(denialReason(ability(who), 'read', 'Account', { uid: UID })).toBeNull();
  });

  it.each(['ssoUser', 'ssoRole', 'ramRole'] as Who[])(
    '%s: the browser, rebuilding the ability from packed rules, shows the same reasons',
    (who) => {
      const rebuilt = abilityFromRules(ability(who).rules);
      expect(denialReason(rebuilt, 'change', 'LogonEmail', { accountUid: UID })).toBe(NOT_ROOT_REASON);
      expect(denialReason(rebuilt, 'change', 'Password', { accountUid: UID })).toBe(NOT_ROOT_PASSWORD_REASON);
      expect(denialReason(rebuilt, 'switch', 'RamRole', { accountUid: UID })).toBe(
        who === 'ssoUser' ? null : SWITCH_ROLE_REASON,
      );
    },
  );

  it('an SSO role session is blocked even though no RAM user stands behind it', () => {
    expect(sessions.ssoRole.ramUserId).toBeNull();
    expect(denialReason(ability('ssoRole'), 'change', 'LogonEmail', { accountUid: UID })).toBe(NOT_ROOT_REASON);
  });

  it('an SSO user whose RAM user is unknown (ramUserId null) is still blocked, and has no roles to switch to', () => {
    const p = principalOf(session('SSO_USER', { ssoSubject: 'x' }), 'alice@example.com');
    expect(p).toMatchObject({ kind: 'sso_user', ramUserId: null, label: 'x' });
    expect(denialReason(defineAbilityFor(p), 'change', 'LogonEmail', { accountUid: UID })).toBe(NOT_ROOT_REASON);
    expect(denialReason(defineAbilityFor(p), 'switch', 'RamRole', { accountUid: UID })).toBe(SWITCH_ROLE_REASON);
  });
});
