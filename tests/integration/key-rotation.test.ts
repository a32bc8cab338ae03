// Rotating SESSION_SECRET and the encryption keys locks nobody out: one database, portals restarted with
// new secrets, and after each restart a staff member signs in with TOTP and Alice's SSO user signs in through
// the real OpenID provider (both read a secret stored encrypted). Re-encryption then lets the old ones go.
import { createServer } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase, openTestDatabase } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { HttpClient } from '../support/http';
import { DEMO_STAFF, staffSignIn } from '../support/staff';
import { configureAliceIdp, signInWithSso, startTestIdp } from '../support/oidc';
import type { RunningDevIdp } from '../../scripts/dev-idp';
import type { Database } from '~/db/connect.server';
import { encryptionKeysFrom } from '~/config.server';
import { reencryptStoredSecrets } from '~/security/secrets-at-rest.server';
import { openTotpSecret } from '~/staff/totp.server';

const secret = (c: string) => c.repeat(40);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describeEachDatabase('rotating the session secret and the encryption keys', (kind) => {
  let db: Database;
  let idp: RunningDevIdp;
  let port = 0;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    // One address for every restart, so the provider's registered callback stays valid.
    port = await freePort();
    idp = await startTestIdp(`http://127.0.0.1:${port}`);
  });
  afterAll(async () => {
    await idp?.stop();
    await db?.close();
  });

  async function withPortal(env: Record<string, string>, use: (portal: TestPortal) => Promise<void>, seed = false) {
    const portal = await startTestPortal(kind, {
      db,
      seed,
      env: { ...env, PUBLIC_URL: `http://127.0.0.1:${port}` },
      config: { port },
    });
    try {
      await use(portal);
    } finally {
      await portal.stop();
    }
  }
  async function staffAndSsoSignIn(portal: TestPortal) {
    await staffSignIn(new HttpClient(portal.url), DEMO_STAFF.agent, { prisma: db.prisma });
    const sso = await signInWithSso(portal);
    expect(sso.status).toBe(302);
    expect(sso.location).toBe('/account/security');
  }
  const stored = async () => [
    ...(await db.prisma.staff.findMany({ where: { totpSecretEncrypted: { not: null } } })).map(
      (s) => s.totpSecretEncrypted!,
    ),
    ...(await db.prisma.identityProvider.findMany()).map((p) => p.clientSecretEncrypted),
  ];

  it('staff TOTP and SSO keep working through both rotations, and after re-encryption without the old secrets', async () => {
    // Before: one session secret, no ENCRYPTION_KEYS — stored secrets are sealed under the key derived from it.
    const before = { SESSION_SECRET: secret('a') };
    await withPortal(
      before,
      async (portal) => {
        await configureAliceIdp(portal, idp.issuer);
        await staffAndSsoSignIn(portal);
      },
      true,
    );
    expect((await stored()).every((s) => s.startsWith('v1.'))).toBe(true);

    // Both rotated: a new session secret first (the old one still verifies cookies) and a first encryption key.
    const rotated = { SESSION_SECRET: `${secret('b')},${secret('a')}`, ENCRYPTION_KEYS: `k1:${secret('1')}` };
    await withPortal(rotated, staffAndSsoSignIn);

    // Re-encrypted under k1, the old session secret goes.
    const moved = await reencryptStoredSecrets(db.prisma, encryptionKeysFrom(rotated));
    expect(moved).toMatchObject({ keyId: 'k1', unreadable: [] });
    expect(moved.staffTotp + moved.ssoClientSecrets).toBe((await stored()).length);
    expect((await stored()).every((s) => s.startsWith('v2.k1.'))).toBe(true);
    await withPortal({ SESSION_SECRET: secret('b'), ENCRYPTION_KEYS: `k1:${secret('1')}` }, staffAndSsoSignIn);

    // The encryption key rotated again (and the session secret): k2 encrypts, k1 still decrypts.
    const again = {
      SESSION_SECRET: `${secret('c')},${secret('b')}`,
      ENCRYPTION_KEYS: `k2:${secret('2')},k1:${secret('1')}`,
    };
    await withPortal(again, staffAndSsoSignIn);
    // Without re-encryption, k1 could not go yet: its values name it.
    const onlyK2 = encryptionKeysFrom({ SESSION_SECRET: secret('c'), ENCRYPTION_KEYS: `k2:${secret('2')}` });
    const agent = await db.prisma.staff.findUniqueOrThrow({ where: { email: DEMO_STAFF.agent } });
    expect(() => openTotpSecret(onlyK2, agent.totpSecretEncrypted!)).toThrow(/"k1"/);

    expect(await reencryptStoredSecrets(db.prisma, encryptionKeysFrom(again))).toMatchObject({
      keyId: 'k2',
      alreadyCurrent: 0,
      unreadable: [],
    });
    expect((await stored()).every((s) => s.startsWith('v2.k2.'))).toBe(true);
    await withPortal({ SESSION_SECRET: secret('c'), ENCRYPTION_KEYS: `k2:${secret('2')}` }, staffAndSsoSignIn);
    // A second run finds nothing to do; each run is on the audit trail.
    expect(await reencryptStoredSecrets(db.prisma, onlyK2)).toMatchObject({
      staffTotp: 0,
      ssoClientSecrets: 0,
      unreadable: [],
    });
    expect(await db.prisma.auditEvent.count({ where: { action: 'secrets.reencrypted' } })).toBe(3);
  });
});
