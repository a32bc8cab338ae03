// The demo data of DESIGN.md §6. Idempotent: existing rows are left as they are.
import type { PrismaClient } from '~/generated/prisma/client';
import { hashPassword } from '~/auth/password.server';
import { encryptionKeysFrom } from '~/config.server';
import { encryptSecret, type KeyMaterial } from '~/lib/crypto.server';
import { TOTP_PURPOSE } from '~/staff/totp.server';
import {
  DEMO_IDP_CLIENT_ID,
  DEMO_IDP_CLIENT_SECRET,
  DEMO_IDP_DEFAULT_ISSUER,
  DEMO_IDP_ROLE_CLAIM,
  DEMO_IDP_USER_CLAIM,
} from '~/sso/demo';
import { SSO_SECRET_PURPOSE } from '~/sso/secret.server';

export const DEMO_PASSWORD = 'demo-Passw0rd!';
export const DEMO_TOTP_SECRET = 'JBSWY3DPEHPK3PXP';
export const ALICE_UID = '1000000000000001';
export const BOB_UID = '1000000000000002';

export const DEMO_STAFF = [
  { email: 'agent@support.example.com', name: 'Sam Agent', roles: ['AGENT'] as const },
  { email: 'senior@support.example.com', name: 'Sasha Senior', roles: ['AGENT', 'SENIOR_AGENT'] as const },
  { email: 'admin@support.example.com', name: 'Ada Admin', roles: ['ADMIN'] as const },
];

export async function seedDemoData(
  prisma: PrismaClient,
  options: { encryptionKeys?: KeyMaterial; encryptionSecret?: string; idpIssuer?: string } = {},
): Promise<string> {
  const encryptionSecret = options.encryptionKeys ?? options.encryptionSecret ?? encryptionKeysFrom();
  const idpIssuer = options.idpIssuer ?? process.env.IDP_ISSUER ?? DEMO_IDP_DEFAULT_ISSUER;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const counts = () =>
    Promise.all([
      prisma.account.count(),
      prisma.ramUser.count(),
      prisma.ramRole.count(),
      prisma.accessKey.count(),
      prisma.staff.count(),
      prisma.identityProvider.count(),
    ]);
  const before = await counts();

  await prisma.account.upsert({
    where: { uid: ALICE_UID },
    update: {},
    create: {
      uid: ALICE_UID,
      logonEmail: 'alice@example.com',
      securePhone: '+8613800000001',
      passwordHash,
      alias: 'alicecloud',
      accountType: 'ENTERPRISE',
      holderName: 'Alice Chen',
      lastPaymentCents: 12800,
      lastPaymentCurrency: 'CNY',
      lastPaymentAt: new Date('2026-10-28T09:00:00Z'),
      createdAt: new Date('2019-03-14T08:00:00Z'),
    },
  });
  await prisma.account.upsert({
    where: { uid: BOB_UID },
    update: {},
    create: {
      uid: BOB_UID,
      logonEmail: 'bob@example.com',
      securePhone: null,
      passwordHash,
      accountType: 'INDIVIDUAL',
      holderName: 'Bob Martin',
      lastPaymentCents: 2000,
      lastPaymentCurrency: 'USD',
      lastPaymentAt: new Date('2026-11-02T10:00:00Z'),
      createdAt: new Date('2021-07-02T08:00:00Z'),
    },
  });

  const dev = await prisma.ramUser.upsert({
    where: { accountUid_name: { accountUid: ALICE_UID, name: 'dev' } },
    update: {},
    create: { accountUid: ALICE_UID, name: 'dev', displayName: 'Developer', passwordHash },
  });
  await prisma.ramUser.upsert({
    where: { accountUid_name: { accountUid: ALICE_UID, name: 'ops' } },
    update: {},
    create: { accountUid: ALICE_UID, name: 'ops', displayName: 'Operations', passwordHash },
  });
  const opsAdmin = await prisma.ramRole.upsert({
    where: { accountUid_name: { accountUid: ALICE_UID, name: 'OpsAdmin' } },
    update: {},
    create: { accountUid: ALICE_UID, name: 'OpsAdmin', description: 'Operations administrator (assumable by dev)' },
  });
  await prisma.ramRole.upsert({
    where: { accountUid_name: { accountUid: ALICE_UID, name: 'ReadOnlyAuditor' } },
    update: {},
    create: { accountUid: ALICE_UID, name: 'ReadOnlyAuditor', description: 'Read-only access for audits' },
  });
  await prisma.ramRoleAssumer.upsert({
    where: { roleId_ramUserId: { roleId: opsAdmin.id, ramUserId: dev.id } },
    update: {},
    create: { roleId: opsAdmin.id, ramUserId: dev.id },
  });
  for (const key of [
    { id: 'LTAI5tAliceRootKey0001', ramUserId: null },
    { id: 'LTAI5tDevUserKey000001', ramUserId: dev.id },
  ]) {
    await prisma.accessKey.upsert({ where: { id: key.id }, update: {}, create: { ...key, accountUid: ALICE_UID } });
  }

  // Alice's account signs in through the demo identity provider (`npm run idp`): user-based SSO,
  // where the IdP user sso-dev carries ram_user=dev (and role=OpsAdmin for role-based SSO).
  await prisma.identityProvider.upsert({
    where: { accountUid: ALICE_UID },
    update: {},
    create: {
      accountUid: ALICE_UID,
      issuer: idpIssuer,
      clientId: DEMO_IDP_CLIENT_ID,
      clientSecretEncrypted: encryptSecret(encryptionSecret, SSO_SECRET_PURPOSE, DEMO_IDP_CLIENT_SECRET),
      userClaim: DEMO_IDP_USER_CLAIM,
      roleClaim: DEMO_IDP_ROLE_CLAIM,
      mode: 'USER',
      enabled: true,
    },
  });

  for (const member of DEMO_STAFF) {
    await prisma.staff.upsert({
      where: { email: member.email },
      update: {},
      create: {
        email: member.email,
        name: member.name,
        roles: [...member.roles],
        passwordHash,
        // Demo staff are enrolled already: any authenticator (or a test) produces their codes.
        totpSecretEncrypted: encryptSecret(encryptionSecret, TOTP_PURPOSE, DEMO_TOTP_SECRET),
        totpEnrolledAt: new Date(),
      },
    });
  }
  const after = await counts();
  const added = ['accounts', 'RAM users', 'RAM roles', 'AccessKeys', 'staff', 'identity providers']
    .map((label, i) => [label, after[i] - before[i]] as const)
    .filter(([, n]) => n > 0)
    .map(([label, n]) => `${n} ${label}`);
  return added.length ? `Seeded: ${added.join(', ')}.` : 'Demo data already present: nothing changed.';
}
