import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase, openTestDatabase } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { startSmtpServer } from '../support/smtp';
import { HttpClient } from '../support/http';
import type { Database } from '~/db/connect.server';
import { seedDemoData } from '~/demo/seed.server';
import { enqueueEmail, enqueueSms, OutboxDispatcher, SmtpTransport, DevMailbox } from '~/outbox/outbox.server';
import { recordAudit, verifyAuditChain } from '~/audit/audit.server';
import { createServices } from '~/services.server';
import { readConfig } from '~/config.server';

describeEachDatabase('seed, outbox and audit', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('seeds the demo data once: a second run changes nothing', async () => {
    const first = await seedDemoData(db.prisma);
    expect(first).toMatch(/^Seeded: /);
    const snapshot = async () => ({
      accounts: await db.prisma.account.findMany({ orderBy: { uid: 'asc' } }),
      ramUsers: await db.prisma.ramUser.findMany({ orderBy: { name: 'asc' } }),
      roles: await db.prisma.ramRole.count(),
      keys: await db.prisma.accessKey.count(),
      staff: await db.prisma.staff.findMany({ orderBy: { email: 'asc' } }),
    });
    const before = await snapshot();
    expect(before.accounts.map((a) => a.logonEmail)).toEqual(['alice@example.com', 'bob@example.com']);
    expect(before.accounts[1].securePhone).toBeNull();
    expect(await seedDemoData(db.prisma)).toBe('Demo data already present: nothing changed.');
    expect(await snapshot()).toEqual(before);
  });

  it('delivers outbox mail through a real SMTP server, retrying after a refusal, never twice', async () => {
    const smtp = await startSmtpServer();
    const dispatcher = new OutboxDispatcher({
      prisma: db.prisma,
      email: new SmtpTransport(smtp.url),
      sms: new DevMailbox(),
      from: 'desk@example.com',
      backoffMs: () => 50,
      log: () => {},
    });
    try {
      const id = await db.prisma.$transaction((tx) =>
        enqueueEmail(tx, { to: 'someone@example.com', subject: 'Hello there', text: 'Body', template: 'test' }),
      );
      smtp.refuseNext(1);
      expect(await dispatcher.runOnce()).toBe(1);
      let row = await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id } });
      expect(row.status).toBe('PENDING');
      expect(row.attempts).toBe(1);
      expect(row.lastError).toMatch(/451|temporarily/);
      await new Promise((r) => setTimeout(r, 80));
      expect(await dispatcher.runOnce()).toBe(1);
      row = await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id } });
      expect(row.status).toBe('SENT');
      const mail = await smtp.waitFor((m) => m.to.includes('someone@example.com'));
      expect(mail.subject).toBe('Hello there');
      expect(mail.messageId).toBe(`<${id}@account-recovery-desk>`);
      // A second dispatcher round finds nothing left to send.
      expect(await dispatcher.runOnce()).toBe(0);
      expect(smtp.received.filter((m) => m.to.includes('someone@example.com'))).toHaveLength(1);
    } finally {
      await smtp.close();
    }
  });

  it('lets two dispatchers share the outbox without sending any message twice', async () => {
    const sent: string[] = [];
    const transport = { name: 'count', send: async (m: { id: string }) => void sent.push(m.id) };
    const ids = await db.prisma.$transaction(async (tx) => {
      const out: string[] = [];
      for (let i = 0; i < 30; i++)
        out.push(
          await enqueueSms(tx, { to: `+861380000${String(i).padStart(4, '0')}`, text: `code ${i}`, template: 'test' }),
        );
      return out;
    });
    const a = new OutboxDispatcher({
      prisma: db.prisma,
      email: transport as never,
      sms: transport as never,
      from: 'x',
      batchSize: 7,
      log: () => {},
    });
    const b = new OutboxDispatcher({
      prisma: db.prisma,
      email: transport as never,
      sms: transport as never,
      from: 'x',
      batchSize: 7,
      log: () => {},
    });
    for (let round = 0; round < 6; round++) await Promise.all([a.runOnce(), b.runOnce()]);
    expect(sent.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
  });

  it('an idle dispatcher, started as a portal starts it (no poll interval given), claims once a second, not continuously', async () => {
    // As services.server passes it: the tests' interval, undefined elsewhere. Spread over the defaults,
    // that undefined made the interval 0: ~500 claim statements a second from an idle portal.
    const bare = new OutboxDispatcher({
      prisma: db.prisma,
      email: new DevMailbox(),
      sms: new DevMailbox(),
      from: 'x',
      pollMs: undefined,
      batchSize: undefined,
      log: () => {},
    });
    expect(bare.pollMs).toBe(1000);
    const services = await createServices(readConfig({ PORTAL_MODE: 'test' }), { db });
    try {
      expect(services.outbox.pollMs).toBe(1000);
      await new Promise((r) => setTimeout(r, 1500));
      // The first round at start, one a second after it (and one more should the timer fire late).
      expect(services.outbox.rounds).toBeGreaterThanOrEqual(1);
      expect(services.outbox.rounds).toBeLessThanOrEqual(3);
    } finally {
      await services.stop();
    }
  });

  it('gives up after the last attempt and keeps the error', async () => {
    const failing = {
      name: 'down',
      send: async () => {
        throw new Error('connection refused');
      },
    };
    const d = new OutboxDispatcher({
      prisma: db.prisma,
      email: failing,
      sms: failing,
      from: 'x',
      maxAttempts: 2,
      backoffMs: () => 0,
      log: () => {},
    });
    const id = await db.prisma.$transaction((tx) =>
      enqueueEmail(tx, { to: 'down@example.com', subject: 's', text: 't', template: 'test' }),
    );
    await d.runOnce();
    await d.runOnce();
    const row = await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe('FAILED');
    expect(row.attempts).toBe(2);
    expect(row.lastError).toBe('connection refused');
  });

  it('chains audit events by hash and detects an edited row', async () => {
    for (let i = 0; i < 5; i++) {
      await db.prisma.$transaction((tx) =>
        recordAudit(tx, {
          actor: { type: 'system' },
          action: 'test.event',
          data: { i, when: new Date('2026-01-01T00:00:00Z') },
        }),
      );
    }
    const ok = await verifyAuditChain(db.prisma);
    expect(ok.firstBrokenId).toBeNull();
    expect(ok.checked).toBeGreaterThanOrEqual(5);
    const victim = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'test.event' },
      orderBy: { id: 'asc' },
      skip: 2,
    });
    await db.prisma.auditEvent.update({ where: { id: victim.id }, data: { data: { i: 99 } } });
    const broken = await verifyAuditChain(db.prisma);
    expect(broken.firstBrokenId).toBe(victim.id);
    expect(broken.problem).toMatch(/content/);
  });
});

describeEachDatabase('/dev/outbox', (kind) => {
  let portal: TestPortal;
  let production: TestPortal;
  beforeAll(async () => {
    portal = await startTestPortal(kind);
    production = await startTestPortal(kind, {
      seed: false,
      env: {
        PORTAL_MODE: 'production',
        SMTP_URL: 'smtp://127.0.0.1:9',
        SESSION_SECRET: 'x'.repeat(40),
        PUBLIC_URL: 'https://desk.example.com',
      },
      config: { port: 0 },
    });
  });
  afterAll(async () => {
    await portal?.stop();
    await production?.stop();
  });

  it('lists delivered messages newest first, as HTML and JSON', async () => {
    await portal.db.prisma.$transaction(async (tx) => {
      await enqueueEmail(tx, { to: 'first@example.com', subject: 'First', text: 'one', template: 't' });
    });
    portal.services.outbox.kick();
    await new Promise((r) => setTimeout(r, 300));
    await portal.db.prisma.$transaction(async (tx) => {
      await enqueueEmail(tx, { to: 'second@example.com', subject: 'Second', text: 'two', template: 't' });
    });
    portal.services.outbox.kick();
    const client = new HttpClient(portal.url);
    let list: { to: string; subject: string }[] = [];
    for (let i = 0; i < 50 && list.length < 2; i++) {
      list = await (await client.get('/dev/outbox.json')).json();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(list.map((m) => m.to).slice(0, 2)).toEqual(['second@example.com', 'first@example.com']);
    const html = await (await client.get('/dev/outbox?to=first@example.com')).text();
    expect(html).toContain('first@example.com');
    expect(html).not.toContain('second@example.com');
  });

  it('answers 404 in production, as HTML and JSON', async () => {
    const client = new HttpClient(production.url);
    expect((await client.get('/dev/outbox')).status).toBe(404);
    expect((await client.get('/dev/outbox.json')).status).toBe(404);
  });
});
