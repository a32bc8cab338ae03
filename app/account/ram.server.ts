// What an account holds besides its logon: RAM users, RAM roles and AccessKey pairs. The callers check that
// the principal may read them (Account Center, the SSO page); these only read the account's own rows.
import type { PrismaClient } from '~/generated/prisma/client';

/** The account's RAM users by name, each with its sign-in name (name@<UID>.onaliyun.com). */
export async function ramUsersOf(prisma: PrismaClient, accountUid: string) {
  const users = await prisma.ramUser.findMany({
    where: { accountUid },
    orderBy: { name: 'asc' },
    select: { id: true, name: true, displayName: true, createdAt: true },
  });
  return users.map((u) => ({ ...u, signInName: `${u.name}@${accountUid}.onaliyun.com` }));
}

/** The account's RAM roles by name, each with the names of the RAM users who may switch to it. */
export async function ramRolesOf(prisma: PrismaClient, accountUid: string) {
  const roles = await prisma.ramRole.findMany({
    where: { accountUid },
    orderBy: { name: 'asc' },
    select: { id: true, name: true, description: true, assumers: { select: { ramUser: { select: { name: true } } } } },
  });
  return roles.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    assumers: r.assumers.map((a) => a.ramUser.name).sort(),
  }));
}

/** The account's AccessKey pairs, oldest first, each with whom it belongs to. */
export async function accessKeysOf(prisma: PrismaClient, accountUid: string) {
  const keys = await prisma.accessKey.findMany({
    where: { accountUid },
    orderBy: { createdAt: 'asc' },
    select: { id: true, active: true, createdAt: true, ramUser: { select: { name: true } } },
  });
  return keys.map((k) => ({
    id: k.id,
    active: k.active,
    /** The RAM user it belongs to, or null for the account's own (the page words it in its language). */
    ramUser: k.ramUser?.name ?? null,
    createdAt: k.createdAt,
  }));
}
