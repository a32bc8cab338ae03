// npm run secrets:reencrypt — re-encrypts the stored secrets (staff TOTP secrets, SSO client secrets)
// under the newest key of ENCRYPTION_KEYS (embedded database under DATA_DIR, or DATABASE_URL). Run it
// after putting a new key first; once it reports nothing unreadable, older keys (and the session
// secrets values were sealed under before ENCRYPTION_KEYS) may be removed. Exit 1 if a secret could not be read.
import { encryptionKeysFrom } from '~/config.server';
import { openCommandDatabase } from '~/db/embedded-lock.server';
import { reencryptStoredSecrets } from '~/security/secrets-at-rest.server';

async function main() {
  const keys = encryptionKeysFrom();
  const db = await openCommandDatabase({ poolSize: 2 });
  try {
    console.log(`Database: ${db.kind} (${db.location})`);
    const report = await reencryptStoredSecrets(db.prisma, keys);
    const under = report.keyId ? `key "${report.keyId}"` : 'the first SESSION_SECRET (no ENCRYPTION_KEYS set)';
    console.log(
      `Re-encrypted under ${under}: ${report.staffTotp} staff TOTP secret(s), ${report.ssoClientSecrets} SSO client secret(s); ${report.alreadyCurrent} already were.`,
    );
    for (const problem of report.unreadable) console.error(`  could not read ${problem}`);
    if (report.unreadable.length) {
      console.error(
        'Keep the keys these were sealed under (ENCRYPTION_KEYS, ENCRYPTION_SECRET or SESSION_SECRET) and run this again.',
      );
      process.exitCode = 1;
    }
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 2;
});
