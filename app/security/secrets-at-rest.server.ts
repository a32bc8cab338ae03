// Moving the secrets stored encrypted (staff TOTP secrets, SSO client secrets) to the newest key of
// ENCRYPTION_KEYS, so older keys — and the session secrets older values were sealed under — can go.
import type { PrismaClient } from '~/generated/prisma/client';
import { decryptSecret, encryptSecret, sealedUnderNewest, type EncryptionKeys } from '~/lib/crypto.server';
import { TOTP_PURPOSE } from '~/staff/totp.server';
import { SSO_SECRET_PURPOSE } from '~/sso/secret.server';
import { recordAudit } from '~/audit/audit.server';

export type ReencryptReport = {
  keyId: string | null;
  staffTotp: number;
  ssoClientSecrets: number;
  alreadyCurrent: number;
  unreadable: string[];
};

type Column = {
  what: keyof Pick<ReencryptReport, 'staffTotp' | 'ssoClientSecrets'>;
  purpose: string;
  rows: () => Promise<{ id: string; sealed: string | null }[]>;
  /** Writes the new value only over the one it was made from: a secret changed meanwhile stays as it is. */
  swap: (id: string, from: string, to: string) => Promise<number>;
};

export async function reencryptStoredSecrets(prisma: PrismaClient, keys: EncryptionKeys): Promise<ReencryptReport> {
  const report: ReencryptReport = {
    keyId: keys.keys[0]?.id ?? null,
    staffTotp: 0,
    ssoClientSecrets: 0,
    alreadyCurrent: 0,
    unreadable: [],
  };
  const columns: Column[] = [
    {
      what: 'staffTotp',
      purpose: TOTP_PURPOSE,
      rows: async () =>
        (
          await prisma.staff.findMany({
            where: { totpSecretEncrypted: { not: null } },
            select: { id: true, totpSecretEncrypted: true },
          })
        ).map((r) => ({ id: r.id, sealed: r.totpSecretEncrypted })),
      swap: async (id, from, to) =>
        (await prisma.staff.updateMany({ where: { id, totpSecretEncrypted: from }, data: { totpSecretEncrypted: to } }))
          .count,
    },
    {
      what: 'ssoClientSecrets',
      purpose: SSO_SECRET_PURPOSE,
      rows: async () =>
        (await prisma.identityProvider.findMany({ select: { id: true, clientSecretEncrypted: true } })).map((r) => ({
          id: r.id,
          sealed: r.clientSecretEncrypted,
        })),
      swap: async (id, from, to) =>
        (
          await prisma.identityProvider.updateMany({
            where: { id, clientSecretEncrypted: from },
            data: { clientSecretEncrypted: to },
          })
        ).count,
    },
  ];
  for (const column of columns) {
    for (const row of await column.rows()) {
      if (!row.sealed) continue;
      if (sealedUnderNewest(keys, column.purpose, row.sealed)) {
        report.alreadyCurrent++;
        continue;
      }
      let plain: string;
      try {
        plain = decryptSecret(keys, column.purpose, row.sealed);
      } catch (err) {
        report.unreadable.push(`${column.what} ${row.id}: ${(err as Error).message}`);
        continue;
      }
      report[column.what] += await column.swap(row.id, row.sealed, encryptSecret(keys, column.purpose, plain));
    }
  }
  await prisma.$transaction((tx) =>
    recordAudit(tx, {
      actor: { type: 'system', id: 'secrets:reencrypt' },
      action: 'secrets.reencrypted',
      data: {
        keyId: report.keyId,
        staffTotp: report.staffTotp,
        ssoClientSecrets: report.ssoClientSecrets,
        alreadyCurrent: report.alreadyCurrent,
        unreadable: report.unreadable.length,
      },
    }),
  );
  return report;
}
