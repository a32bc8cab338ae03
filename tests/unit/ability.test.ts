import { describe, expect, it } from 'vitest';
import {
  defineAbilityFor,
  denialReason,
  NOT_ROOT_REASON,
  NOT_ROOT_PASSWORD_REASON,
  abilityFromRules,
  type Action,
  type SubjectName,
} from '~/authz/ability';
import type { Principal } from '~/authz/principal';

const UID = '1000000000000001';
const OTHER = '1000000000000002';

const principals: Record<string, Principal> = {
  owner: { kind: 'owner', accountUid: UID, label: 'alice@example.com' },
  ramUser: { kind: 'ram_user', accountUid: UID, ramUserId: 'u1', label: 'dev@1000000000000001.onaliyun.com' },
  ramRoleFromUser: {
    kind: 'ram_role',
    accountUid: UID,
    ramRoleId: 'r1',
    roleName: 'OpsAdmin',
    via: 'ram_user',
    label: 'OpsAdmin',
  },
  ramRoleFromSso: {
    kind: 'ram_role',
    accountUid: UID,
    ramRoleId: 'r1',
    roleName: 'OpsAdmin',
    via: 'sso',
    label: 'OpsAdmin',
  },
  ssoUser: { kind: 'sso_user', accountUid: UID, ramUserId: 'u1', label: 'sso-dev' },
  agent: { kind: 'staff', staffId: 's1', roles: ['AGENT'], active: true, label: 'agent' },
  senior: { kind: 'staff', staffId: 's2', roles: ['AGENT', 'SENIOR_AGENT'], active: true, label: 'senior' },
  admin: { kind: 'staff', staffId: 's3', roles: ['ADMIN'], active: true, label: 'admin' },
};

type Row = [keyof typeof principals, Action, SubjectName, string, boolean];
// principal × (action, subject, on whose account) → allowed?
const matrix: Row[] = [];
const customerRows: [Action, SubjectName][] = [
  ['change', 'LogonEmail'],
  ['change', 'SecurePhone'],
  ['change', 'Password'],
  ['manage', 'IdentityProvider'],
  ['manage', 'Session'],
  ['read', 'RamUser'],
  ['read', 'AccessKey'],
  ['switch', 'RamRole'],
];
const ownerMay = new Set([
  'change LogonEmail',
  'change SecurePhone',
  'change Password',
  'manage IdentityProvider',
  'manage Session',
  'read RamUser',
  'read AccessKey',
]);
const delegateMay = new Set(['manage Session', 'read RamUser', 'read AccessKey']);
for (const [name, p] of Object.entries(principals)) {
  for (const [action, subject] of customerRows) {
    const key = `${action} ${subject}`;
    let own = false;
    if (p.kind === 'owner') own = ownerMay.has(key);
    // An SSO user signed in as a RAM user may switch roles like that RAM user.
    else if (p.kind === 'ram_user' || (p.kind === 'sso_user' && p.ramUserId))
      own = delegateMay.has(key) || key === 'switch RamRole';
    else if (p.kind === 'ram_role' || p.kind === 'sso_user') own = delegateMay.has(key);
    matrix.push([name as keyof typeof principals, action, subject, UID, own]);
    matrix.push([name as keyof typeof principals, action, subject, OTHER, false]);
  }
}

describe('ability matrix (customer subjects)', () => {
  it.each(matrix)('%s may %s %s of account %s: %s', (who, action, subject, uid, expected) => {
    const ability = defineAbilityFor(principals[who]);
    expect(denialReason(ability, action, subject, { accountUid: uid }) === null).toBe(expected);
  });
});

describe('the help page rule: only the account itself changes its logon email', () => {
  for (const who of ['ramUser', 'ramRoleFromUser', 'ramRoleFromSso', 'ssoUser'] as const) {
    it(`${who} gets an explicit cannot with the help page's reason`, () => {
      const ability = defineAbilityFor(principals[who]);
      expect(denialReason(ability, 'change', 'LogonEmail', { accountUid: UID })).toBe(NOT_ROOT_REASON);
      expect(denialReason(ability, 'change', 'Password', { accountUid: UID })).toBe(NOT_ROOT_PASSWORD_REASON);
      // The same holds on the browser side, built from the packed rules.
      const rebuilt = abilityFromRules(ability.rules);
      expect(denialReason(rebuilt, 'change', 'LogonEmail', { accountUid: UID })).toBe(NOT_ROOT_REASON);
    });
  }

  it('an owner may not change the logon email of another account', () => {
    const ability = defineAbilityFor(principals.owner);
    expect(denialReason(ability, 'change', 'LogonEmail', { accountUid: OTHER })).not.toBeNull();
  });

  it('staff never change a logon email directly', () => {
    for (const who of ['agent', 'senior', 'admin'] as const) {
      expect(denialReason(defineAbilityFor(principals[who]), 'change', 'LogonEmail', { accountUid: UID })).toMatch(
        /approving an appeal/,
      );
    }
  });

  it('nobody signed in may do nothing', () => {
    const ability = defineAbilityFor(null);
    expect(ability.rules).toHaveLength(0);
    expect(denialReason(ability, 'read', 'Account', { uid: UID })).not.toBeNull();
  });

  it('reading the account is limited to its own UID', () => {
    const ability = defineAbilityFor(principals.ramUser);
    expect(denialReason(ability, 'read', 'Account', { uid: UID })).toBeNull();
    expect(denialReason(ability, 'read', 'Account', { uid: OTHER })).not.toBeNull();
  });
});

describe('ability matrix (staff on appeals)', () => {
  // Case states as the decisions see them: who holds it, its status, who approved first.
  const cases = {
    unclaimed: { status: 'SUBMITTED', assigneeId: null, firstApproverId: null },
    agentsInReview: { status: 'IN_REVIEW', assigneeId: 's1', firstApproverId: null },
    othersInReview: { status: 'IN_REVIEW', assigneeId: 's9', firstApproverId: null },
    othersAwaiting: { status: 'AWAITING_CUSTOMER', assigneeId: 's9', firstApproverId: null },
    pendingByOther: { status: 'PENDING_SECOND_APPROVAL', assigneeId: 's9', firstApproverId: 's9' },
    pendingBySenior: { status: 'PENDING_SECOND_APPROVAL', assigneeId: 's2', firstApproverId: 's2' },
    approved: { status: 'APPROVED', assigneeId: 's9', firstApproverId: null },
    stopped: { status: 'CANCELLED_BY_OWNER', assigneeId: 's9', firstApproverId: null },
  } as const;
  type Case = keyof typeof cases;
  const rows: [keyof typeof principals, Action, Case, boolean][] = [
    ['agent', 'claim', 'unclaimed', true],
    ['agent', 'claim', 'othersInReview', false],
    ['agent', 'claim', 'stopped', false],
    ['agent', 'release', 'agentsInReview', true],
    ['agent', 'release', 'othersInReview', false],
    ['agent', 'reassign', 'othersInReview', false],
    ['agent', 'approve', 'agentsInReview', true],
    ['agent', 'approve', 'othersInReview', false],
    ['agent', 'secondApprove', 'pendingByOther', false],
    ['senior', 'release', 'othersInReview', true],
    ['senior', 'release', 'othersAwaiting', true],
    ['senior', 'release', 'pendingByOther', true],
    ['senior', 'release', 'unclaimed', false],
    ['senior', 'release', 'approved', false],
    ['senior', 'reassign', 'unclaimed', true],
    ['senior', 'reassign', 'othersInReview', true],
    ['senior', 'reassign', 'pendingByOther', true],
    ['senior', 'reassign', 'approved', false],
    ['senior', 'reassign', 'stopped', false],
    ['senior', 'secondApprove', 'pendingByOther', true],
    ['senior', 'secondApprove', 'pendingBySenior', false],
    ['senior', 'approve', 'othersInReview', false],
    ['admin', 'reassign', 'othersInReview', false],
    ['admin', 'release', 'othersInReview', false],
    ['admin', 'claim', 'unclaimed', false],
  ];
  it.each(rows)('%s may %s a case that is %s: %s', (who, action, state, expected) => {
    const ability = defineAbilityFor(principals[who]);
    expect(denialReason(ability, action, 'Appeal', { id: 'a1', ...cases[state] }) === null).toBe(expected);
  });
});

describe('ability matrix (staff on the dashboard: the Report subject)', () => {
  const inactive: Principal = {
    kind: 'staff',
    staffId: 's4',
    roles: ['AGENT', 'SENIOR_AGENT'],
    active: false,
    label: 'gone',
  };
  const noRole: Principal = { kind: 'staff', staffId: 's5', roles: [], active: true, label: 'none' };
  const everyone: Record<string, Principal> = { ...principals, inactive, noRole };
  // The desk's figures (team totals included), a member's own row, another member's row.
  const reports = { desk: { kind: 'desk' }, ownRow: null, othersRow: { kind: 'person', staffId: 's9' } } as const;
  const rows: [string, keyof typeof reports, boolean][] = [
    ['agent', 'desk', true],
    ['agent', 'ownRow', true],
    ['agent', 'othersRow', false],
    ['senior', 'desk', true],
    ['senior', 'ownRow', true],
    ['senior', 'othersRow', true],
    ['admin', 'desk', true],
    ['admin', 'ownRow', true],
    ['admin', 'othersRow', true],
    ['inactive', 'desk', false],
    ['inactive', 'othersRow', false],
    ['noRole', 'desk', false],
    ['noRole', 'ownRow', false],
    ['owner', 'desk', false],
    ['ramUser', 'desk', false],
    ['ssoUser', 'othersRow', false],
  ];
  it.each(rows)('%s may read the %s report: %s', (who, report, expected) => {
    const p = everyone[who];
    const record = reports[report] ?? { kind: 'person', staffId: p.kind === 'staff' ? p.staffId : 'x' };
    const ability = defineAbilityFor(p);
    expect(denialReason(ability, 'read', 'Report', record) === null).toBe(expected);
    // The browser's copy of the rules says the same.
    expect(denialReason(abilityFromRules(ability.rules), 'read', 'Report', record) === null).toBe(expected);
  });
});
