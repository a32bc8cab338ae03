// Verifying the audit chain while the portal runs: through the portal (GET /staff/admin/audit/verify, the
// button on the audit page), and the commands on the embedded database under DATA_DIR, which say what to do
// instead of failing with "Aborted()" while a portal holds it.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { loadBuild, startTestPortal, type TestPortal } from '../support/portal';
import { HttpClient, pageText } from '../support/http';
import { DEMO_STAFF, staffSignIn } from '../support/staff';

describeEachDatabase('GET /staff/admin/audit/verify', (kind) => {
  let portal: TestPortal;
  let admin: HttpClient;
  beforeAll(async () => {
    portal = await startTestPortal(kind);
    admin = new HttpClient(portal.url);
    await staffSignIn(admin, DEMO_STAFF.admin, { prisma: portal.db.prisma });
  });
  afterAll(async () => {
    await portal?.stop();
  });
  const prisma = () => portal.db.prisma;

  it('checks the chain inside the portal for an administrator, reports a break, and is itself audited', async () => {
    const auditPage = await (await admin.get('/staff/admin/audit')).text();
    expect(auditPage).toMatch(/<form method="get" action="\/staff\/admin\/audit\/verify"[^>]*>.*Verify the chain/s);

    const count = await prisma().auditEvent.count();
    const intact = await admin.get('/staff/admin/audit/verify');
    expect(intact.status).toBe(200);
    const text = pageText(await intact.text());
    expect(text).toContain(`Audit chain intact: ${count} events`);
    const head = /Head (\d+:[0-9a-f]{64})/.exec(text)![1];
    expect(
      await prisma().auditEvent.findFirst({ where: { action: 'audit.verified' }, orderBy: { id: 'desc' } }),
    ).toMatchObject({ actorType: 'staff' });

    expect(pageText(await (await admin.get(`/staff/admin/audit/verify?head=${head}`)).text())).toContain(
      'Audit chain intact',
    );
    const badHead = await admin.get('/staff/admin/audit/verify?head=nonsense');
    expect(badHead.status).toBe(400);
    expect(pageText(await badHead.text())).toContain('Enter the head as <event id>:<64 hex characters>');

    const victim = await prisma().auditEvent.findFirstOrThrow({
      where: { action: 'staff.login' },
      orderBy: { id: 'asc' },
    });
    await prisma().$executeRawUnsafe(`UPDATE "AuditEvent" SET "ip" = '198.51.100.66' WHERE "id" = ${victim.id}`);
    try {
      const broken = pageText(await (await admin.get('/staff/admin/audit/verify')).text());
      expect(broken).toContain(`Audit chain BROKEN at event ${victim.id}: content does not match its hash`);
    } finally {
      await prisma().$executeRawUnsafe(`UPDATE "AuditEvent" SET "ip" = $1 WHERE "id" = ${victim.id}`, victim.ip);
    }
    // Not for staff who may not read the log.
    const agent = new HttpClient(portal.url);
    await staffSignIn(agent, DEMO_STAFF.agent, { prisma: prisma() });
    expect((await agent.get('/staff/admin/audit/verify')).status).toBe(403);
  });
});

/** A command as `npm run <it>` runs it, with DATA_DIR (and no DATABASE_URL): exit code and output. */
function run(script: string, args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  const tsx = path.resolve('node_modules/.bin/tsx');
  const { DATABASE_URL: _url, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(tsx, [script, ...args], { env: { ...inherited, ...env }, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

describe('commands on the embedded database under DATA_DIR', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ard-data-'));
  const env = { DATA_DIR: dataDir, SESSION_SECRET: 'd'.repeat(40) };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('db:migrate, db:seed, audit:verify and secrets:reencrypt use DATA_DIR; while the portal holds it they say what to do', async () => {
    const migrated = await run('scripts/db.ts', ['migrate'], env);
    expect(migrated.out).toContain(`Database: pglite (${path.join(dataDir, 'pglite')})`);
    expect(migrated.code).toBe(0);
    expect(existsSync(path.join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);
    const seeded = await run('scripts/db.ts', ['seed'], env);
    expect(seeded.code, seeded.out).toBe(0);

    // The portal on that folder (as npm start runs it).
    const build = await loadBuild();
    const config = build.entry.module.readConfig(
      { PORTAL_MODE: 'test', ...env },
      { port: 0, evidenceDir: path.join(dataDir, 'evidence') },
    );
    const portal = await build.entry.module.startPortal({
      build,
      config,
      host: '127.0.0.1',
      log: () => {},
      jobs: false,
    });
    let busy: { code: number; out: string };
    try {
      busy = await run('scripts/audit-verify.ts', [], env);
      // The portal still answers: nothing opened its database behind its back.
      expect((await fetch(`${portal.url}/healthz`)).status).toBe(200);
    } finally {
      await portal.stop();
    }
    expect(busy.code).toBe(2);
    expect(busy.out).not.toContain('Aborted()');
    expect(busy.out).toContain(`The portal (process ${process.pid}, ${portal.url}) has the embedded database`);
    expect(busy.out).toContain(`${portal.url}/staff/admin/audit/verify`);

    const verified = await run('scripts/audit-verify.ts', [], env);
    expect(verified.out).toContain('Audit chain intact');
    expect(verified.code).toBe(0);
    const reencrypted = await run('scripts/secrets-reencrypt.ts', [], {
      ...env,
      ENCRYPTION_KEYS: `k1:${'1'.repeat(40)}`,
    });
    expect(reencrypted.out).toMatch(
      /Re-encrypted under key "k1": [1-9]\d* staff TOTP secret\(s\), 1 SSO client secret\(s\); 0 already were\./,
    );
    expect(reencrypted.code).toBe(0);
  }, 300_000);
});
