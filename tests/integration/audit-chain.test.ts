import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { HttpClient } from '../support/http';
import { urlFor } from '../support/postgres';
import { DEMO_STAFF, staffSignIn } from '../support/staff';
import { postAppeal } from '../support/appeals';
import { verifyAuditChain } from '~/audit/audit.server';
import { describeChainReport } from '~/audit/audit-log.server';

/** `npm run audit:verify` as a child process against `databaseUrl`: exit code and output. */
function runAuditVerify(
  databaseUrl: string,
  args: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const tsx = path.resolve('node_modules/.bin/tsx');
  return new Promise((resolve) => {
    execFile(
      tsx,
      ['scripts/audit-verify.ts', ...args],
      { env: { ...process.env, DATABASE_URL: databaseUrl }, timeout: 120_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describeEachDatabase('audit chain verification', (kind) => {
  let portal: TestPortal;
  beforeAll(async () => {
    portal = await startTestPortal(kind);
    // Real activity through the portal: customer sign-ins, an appeal, staff sign-in and administration.
    const alice = new HttpClient(portal.url);
    await alice.signIn('alice@example.com');
    await new HttpClient(portal.url).post('/login', { login: 'bob@example.com', password: 'wrong-password-1' });
    await postAppeal(new HttpClient(portal.url), portal.db.prisma, `chain-${kind}@example.net`);
    const admin = new HttpClient(portal.url);
    await staffSignIn(admin, DEMO_STAFF.admin, { prisma: portal.db.prisma });
    expect(
      (
        await admin.post('/staff/admin/staff', {
          intent: 'create',
          email: `chain-${kind}@support.example.com`,
          name: 'Chain Tester',
          roles: 'AGENT',
        })
      ).status,
    ).toBe(200);
    expect((await admin.get('/staff/admin/audit')).status).toBe(200);
    expect((await admin.get('/staff/admin/audit.csv')).status).toBe(200);
  });
  afterAll(async () => {
    await portal?.stop();
  });

  const prisma = () => portal.db.prisma;
  const databaseUrl = () => urlFor(new URL(portal.db.location).pathname.slice(1));
  /**
   * The chain once every event written so far is sealed: an event waits while an older writing
   * transaction runs anywhere on the server (other suites share it), so this asks again until none waits.
   */
  async function settled(expectHead?: Parameters<typeof verifyAuditChain>[2]) {
    for (let i = 0; ; i++) {
      const report = await verifyAuditChain(prisma(), 5000, expectHead);
      if (!report.pending || report.firstBrokenId !== null || i > 100) return report;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('finds the chain intact after real activity, then detects an edited row and a deleted row', async () => {
    const count = await prisma().auditEvent.count();
    expect(count).toBeGreaterThan(8);
    const intact = await settled();
    const last = await prisma().auditEvent.findFirstOrThrow({ orderBy: { seq: 'desc' } });
    expect(intact).toEqual({ checked: count, firstBrokenId: null, head: { id: last.id, hash: last.hash }, pending: 0 });
    expect(describeChainReport(intact)).toMatchObject({
      ok: true,
      message: expect.stringContaining(`Audit chain intact: ${count} events; head ${last.id}:${last.hash}`),
    });

    // Edit one row's content (a cleverer forger would recompute its hash: the next row's link gives that away).
    const rows = await prisma().auditEvent.findMany({ orderBy: { seq: 'asc' } });
    const victim = rows.find((r) => r.action === 'staff.created')!;
    await prisma().auditEvent.update({
      where: { id: victim.id },
      data: { data: { ...(victim.data as object), roles: ['ADMIN'] } },
    });
    const edited = await verifyAuditChain(prisma());
    expect(edited.firstBrokenId).toBe(victim.id);
    expect(edited.problem).toBe('content does not match its hash');
    expect(describeChainReport(edited)).toMatchObject({
      ok: false,
      message: expect.stringContaining(`BROKEN at event ${victim.id}`),
    });

    // Put it back exactly: intact again.
    await prisma().auditEvent.update({ where: { id: victim.id }, data: { data: victim.data as object } });
    expect((await verifyAuditChain(prisma())).firstBrokenId).toBeNull();

    // Delete a row in the middle: the next one's link no longer matches.
    const middle = rows[Math.floor(rows.length / 2)];
    const after = rows[rows.indexOf(middle) + 1];
    await prisma().auditEvent.delete({ where: { id: middle.id } });
    const deleted = await verifyAuditChain(prisma());
    expect(deleted.firstBrokenId).toBe(after.id);
    expect(deleted.problem).toBe('link to the previous event does not match');
    expect(deleted.checked).toBe(rows.indexOf(middle));
    await prisma().auditEvent.create({ data: { ...middle, data: middle.data as object } });
    expect((await verifyAuditChain(prisma())).firstBrokenId).toBeNull();
  });

  it('events cut off at the end leave a whole chain, which a head written down earlier gives away', async () => {
    await new HttpClient(portal.url).signIn('alice@example.com'); // more events after the head
    const before = await settled();
    const head = before.head!;
    const headSeq = (await prisma().auditEvent.findUniqueOrThrow({ where: { id: head.id } })).seq!;
    const after = await prisma().auditEvent.findMany({ where: { seq: { gte: headSeq } }, orderBy: { seq: 'asc' } });
    await new HttpClient(portal.url).signIn('alice@example.com');
    expect(await settled(head)).toMatchObject({ firstBrokenId: null }); // grown since: fine

    // Cut the newest events, the recorded head among them: the chain alone still looks whole…
    const tail = await prisma().auditEvent.findMany({ where: { seq: { gte: headSeq } }, orderBy: { seq: 'asc' } });
    await prisma().auditEvent.deleteMany({ where: { seq: { gte: headSeq } } });
    expect((await verifyAuditChain(prisma())).firstBrokenId).toBeNull();
    // …but not against the head.
    const cut = await verifyAuditChain(prisma(), 5000, head);
    expect(cut.firstBrokenId).toBe(head.id);
    expect(cut.problem).toMatch(/cut off at the end/);
    expect(describeChainReport(cut).ok).toBe(false);

    // A head with another hash (the chain rewritten and re-hashed from there) is refused too.
    for (const row of tail) await prisma().auditEvent.create({ data: { ...row, data: row.data as object } });
    expect(await verifyAuditChain(prisma(), 5000, head)).toMatchObject({ firstBrokenId: null });
    const forged = await verifyAuditChain(prisma(), 5000, { id: head.id, hash: 'f'.repeat(64) });
    expect(forged).toMatchObject({
      firstBrokenId: head.id,
      problem: expect.stringMatching(/not the head recorded earlier/),
    });
    expect(after[0].id).toBe(head.id);
  });

  it.runIf(kind === 'postgres')(
    'npm run audit:verify exits 0 on an intact chain and 1, naming the row, on an edited or deleted one',
    async () => {
      await settled();
      const count = await prisma().auditEvent.count();
      const ok = await runAuditVerify(databaseUrl());
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain(`Audit chain intact: ${count} events`);
      const printed = /head (\d+:[0-9a-f]{64})/.exec(ok.stdout)![1];
      expect((await runAuditVerify(databaseUrl(), ['--head', printed])).code).toBe(0);
      expect((await runAuditVerify(databaseUrl(), ['--head', `${printed.split(':')[0]}:${'0'.repeat(64)}`])).code).toBe(
        1,
      );
      expect((await runAuditVerify(databaseUrl(), ['--head', 'nonsense'])).code).toBe(2);

      await settled();
      const rows = await prisma().auditEvent.findMany({ where: { seq: { not: null } }, orderBy: { seq: 'asc' } });
      const victim = rows.find((r) => r.action === 'login.succeeded')!;
      await prisma().$executeRawUnsafe(`UPDATE "AuditEvent" SET "ip" = '203.0.113.66' WHERE "id" = ${victim.id}`);
      const edited = await runAuditVerify(databaseUrl());
      expect(edited.code).toBe(1);
      expect(edited.stderr).toContain(`Audit chain BROKEN at event ${victim.id}: content does not match its hash`);
      await prisma().$executeRawUnsafe(`UPDATE "AuditEvent" SET "ip" = $1 WHERE "id" = ${victim.id}`, victim.ip);
      expect((await runAuditVerify(databaseUrl())).code).toBe(0);

      const middle = rows[Math.floor(rows.length / 3)];
      const after = rows[rows.indexOf(middle) + 1];
      await prisma().$executeRawUnsafe(`DELETE FROM "AuditEvent" WHERE "id" = ${middle.id}`);
      const deleted = await runAuditVerify(databaseUrl());
      expect(deleted.code).toBe(1);
      expect(deleted.stderr).toContain(
        `Audit chain BROKEN at event ${after.id}: link to the previous event does not match`,
      );
      expect(deleted.stdout).not.toContain('intact');

      const unreachable = await runAuditVerify('postgresql://root@127.0.0.1:1/nowhere');
      expect(unreachable.code).toBe(2);
      expect(unreachable.stderr).toContain('Could not verify the audit chain');
    },
    300_000,
  ); // five runs of tsx, each compiling the Prisma client: slow on a busy machine
});
