// Faults: the SMTP server refusing and coming back, dispatchers stopped, frozen and killed mid-batch,
// and PostgreSQL going away under a running portal (cut, mid-transaction, black hole) and coming back.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase, openTestDatabase, postgresOnly } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { HttpClient, pageText } from '../support/http';
import { createOwner, newestSession, STEP1 } from '../support/accounts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { outboxIdOf, startSmtpServer, type ReceivedMail } from '../support/smtp';
import { openDatabase, type Database } from '~/db/connect.server';
import { DevMailbox, enqueueEmail, OutboxDispatcher, SmtpTransport, type EmailTransport } from '~/outbox/outbox.server';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function queueMails(prisma: Database['prisma'], count: number, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push(
      await prisma.$transaction((tx) =>
        enqueueEmail(tx, { to: `${tag}-${i}@example.com`, subject: `${tag} ${i}`, text: 'hello', template: 'test' }),
      ),
    );
  }
  return ids;
}

/** Runs rounds until nothing is pending (bounded: at most `rounds`, waiting `gapMs` for backoffs). */
async function drain(dispatcher: OutboxDispatcher, prisma: Database['prisma'], ids: string[], rounds = 60, gapMs = 60) {
  for (let i = 0; i < rounds; i++) {
    await dispatcher.runOnce();
    if ((await prisma.outboxMessage.count({ where: { id: { in: ids }, status: { not: 'SENT' } } })) === 0) return;
    await sleep(gapMs);
  }
}

const count = (list: ReceivedMail[], id: string) => list.filter((m) => outboxIdOf(m) === id).length;

describeEachDatabase('resilience: outbox faults', (kind) => {
  let db: Database;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    smtp = await startSmtpServer();
  });
  afterAll(async () => {
    await smtp?.close();
    await db?.close();
  });
  const dispatcher = (options: Partial<ConstructorParameters<typeof OutboxDispatcher>[0]> = {}) =>
    new OutboxDispatcher({
      prisma: db.prisma,
      email: new SmtpTransport(smtp.url),
      sms: new DevMailbox(),
      from: 'desk@example.com',
      backoffMs: () => 50,
      batchSize: 4,
      log: () => {},
      ...options,
    });

  it('SMTP refusing (451), then down, then back: every message delivered once, across a dispatcher restart', async () => {
    const ids = await queueMails(db.prisma, 10, `refuse-${kind}`);
    smtp.refuseNext(3);
    const first = dispatcher();
    await first.runOnce();
    await first.runOnce();
    // The mail server goes away altogether: attempts fail, nothing is lost.
    await smtp.stop();
    await sleep(60);
    await first.runOnce();
    await first.stop();
    const pending = await db.prisma.outboxMessage.count({ where: { id: { in: ids }, status: 'PENDING' } });
    expect(pending).toBeGreaterThan(0);
    expect(await db.prisma.outboxMessage.count({ where: { id: { in: ids }, status: 'FAILED' } })).toBe(0);
    // It comes back; a new dispatcher (a restarted portal) finishes the job.
    await smtp.start();
    const second = dispatcher();
    await drain(second, db.prisma, ids);
    const rows = await db.prisma.outboxMessage.findMany({ where: { id: { in: ids } } });
    expect(rows.every((r) => r.status === 'SENT')).toBe(true);
    for (const id of ids) expect(count(smtp.received, id), `message ${id}`).toBe(1);
    expect(rows.filter((r) => r.attempts > 1).length).toBeGreaterThanOrEqual(3);
  });

  it('a dispatcher frozen mid-batch: after its lease runs out another one delivers the rest; nothing marked sent goes twice', async () => {
    const ids = await queueMails(db.prisma, 8, `frozen-${kind}`);
    const real = new SmtpTransport(smtp.url);
    let sends = 0;
    // Delivers two messages, then hangs on the third for ever (as a process that stopped).
    const freezing: EmailTransport = {
      name: 'freezing',
      send: (m, from) => (++sends <= 2 ? real.send(m, from) : new Promise<void>(() => {})),
    };
    const frozen = dispatcher({ email: freezing, batchSize: 8, leaseMs: 2500 });
    void frozen.runOnce();
    for (let i = 0; i < 100 && sends < 3; i++) await sleep(20);
    expect(sends).toBe(3);
    const sentByFrozen = (await db.prisma.outboxMessage.findMany({ where: { id: { in: ids }, status: 'SENT' } })).map(
      (r) => r.id,
    );
    expect(sentByFrozen).toHaveLength(2);
    // Within the lease nobody else takes them.
    const rescuer = dispatcher({ batchSize: 8 });
    expect(await rescuer.runOnce()).toBe(0);
    await sleep(2600);
    await drain(rescuer, db.prisma, ids);
    expect(
      (await db.prisma.outboxMessage.findMany({ where: { id: { in: ids } } })).every((r) => r.status === 'SENT'),
    ).toBe(true);
    for (const id of ids) expect(count(smtp.received, id), `message ${id}`).toBe(1);
    real.close();
  });
});

describe.skipIf(!postgresOnly())('resilience: a dispatcher process killed mid-batch [postgres]', () => {
  let db: Database;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    smtp = await startSmtpServer();
  });
  afterAll(async () => {
    await smtp?.close();
    await db?.close();
  });

  it('SIGKILL while it waits for the mail server: the lease expires, another dispatcher delivers the rest, each message exactly once', async () => {
    const ids = await queueMails(db.prisma, 6, 'killed');
    // The worker sends two, then the mail server holds the third without answering; then the worker is killed.
    const third = smtp.holdAfter(2);
    const worker = spawn(process.execPath, ['--import', 'tsx', 'tests/support/outbox-worker.ts'], {
      env: { ...process.env, DATABASE_URL: db.location, SMTP_URL: smtp.url, BATCH: '6', LEASE_MS: '1500' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    worker.stdout!.on('data', (c) => (output += c));
    worker.stderr!.on('data', (c) => (output += c));
    const exited = new Promise<number | null>((resolve) =>
      worker.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))),
    );
    const held = await Promise.race([third, sleep(30_000).then(() => null)]);
    expect(held, `the worker never reached the third message:\n${output}`).not.toBeNull();
    worker.kill('SIGKILL');
    expect(await exited).toBe(-1);

    const rows = await db.prisma.outboxMessage.findMany({ where: { id: { in: ids } } });
    const sentByWorker = rows.filter((r) => r.status === 'SENT').map((r) => r.id);
    const stuck = rows.filter((r) => r.status === 'PENDING' && r.lockedUntil);
    expect(sentByWorker).toHaveLength(2);
    expect(stuck.map((r) => r.id)).toContain(held);
    // Another instance's dispatcher: nothing before the lease ends, then the rest.
    const rescuer = new OutboxDispatcher({
      prisma: db.prisma,
      email: new SmtpTransport(smtp.url),
      sms: new DevMailbox(),
      from: 'desk@example.com',
      batchSize: 6,
      log: () => {},
    });
    expect(await rescuer.runOnce()).toBe(0);
    await sleep(1600);
    await drain(rescuer, db.prisma, ids);
    const after = await db.prisma.outboxMessage.findMany({ where: { id: { in: ids } } });
    expect(after.every((r) => r.status === 'SENT')).toBe(true);
    for (const id of ids) expect(count(smtp.received, id), `message ${id}`).toBe(1);
    // The two the worker had marked sent were never claimed again.
    for (const id of sentByWorker) expect(after.find((r) => r.id === id)!.attempts).toBe(1);
  });
});

describe.skipIf(!postgresOnly())('resilience: PostgreSQL going away under a running portal [postgres]', () => {
  let direct: Database;
  let proxied: Database;
  let proxy: TcpProxy;
  let portal: TestPortal;
  let owner: { uid: string; email: string; phone: string | null };
  let alice: HttpClient;

  beforeAll(async () => {
    direct = await openTestDatabase('postgres');
    const url = direct.location; // postgresql://root@127.0.0.1:5432/<this suite's database> (trust auth: no password)
    const u = new URL(url);
    proxy = await startTcpProxy({ host: u.hostname, port: Number(u.port || 5432) });
    proxied = await openDatabase({ url: proxy.urlFor(url), poolSize: 4, connectTimeoutMs: 1500, queryTimeoutMs: 2000 });
    portal = await startTestPortal('postgres', { db: proxied });
    owner = await createOwner(direct.prisma, { phone: true });
    alice = new HttpClient(portal.url);
    await alice.signIn(owner.email);
  });
  afterAll(async () => {
    await portal?.stop();
    await proxied?.close();
    await proxy?.close();
    await direct?.close();
  });

  const writtenSince = async (since: Date) => ({
    verifications: await direct.prisma.verification.count({
      where: { accountUid: owner.uid, createdAt: { gte: since } },
    }),
    outbox: await direct.prisma.outboxMessage.count({ where: { recipient: owner.phone!, createdAt: { gte: since } } }),
    audit: await direct.prisma.auditEvent.count({
      where: { accountUid: owner.uid, action: 'verification.code_sent', at: { gte: since } },
    }),
  });

  it('cut: pages and actions answer 503 with Retry-After and a clear message; the health check says so; nothing is written', async () => {
    const since = new Date();
    proxy.cut();
    const page = await alice.get('/account/security');
    expect(page.status).toBe(503);
    expect(page.headers.get('retry-after')).toBe('5');
    expect(pageText(await page.text())).toContain('Please try again in a moment.');
    const send = await alice.post(STEP1, { intent: 'send-code', channel: 'SMS' });
    expect(send.status).toBe(503);
    const login = await new HttpClient(portal.url).post('/login', { login: owner.email, password: 'wrong' });
    expect(login.status).toBe(503);
    const health = await fetch(`${portal.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'unavailable', error: 'database unreachable' });
    // A page that needs no database still works.
    expect((await new HttpClient(portal.url).get('/help/change-logon-email')).status).toBe(200);
    proxy.restore();
    expect(await writtenSince(since)).toEqual({ verifications: 0, outbox: 0, audit: 0 });
  });

  /** After the database comes back, the pool may still hold a connection of before: a request can fail once on it. */
  async function untilServed(
    attempt: () => Promise<Response>,
    ok: (r: Response) => boolean,
    tries = 8,
  ): Promise<Response> {
    let res = await attempt();
    for (let i = 1; i < tries && !ok(res); i++) {
      expect(res.status, 'only "try again" while the portal reconnects').toBe(503);
      await sleep(200);
      res = await attempt();
    }
    return res;
  }

  it('cut in the middle of a transaction (as the code goes into the outbox): 503, and none of it is written', async () => {
    proxy.restore();
    await untilServed(
      () => alice.get('/account/security'),
      (r) => r.status === 200,
    );
    const since = new Date();
    let fired = false;
    let send: Response | null = null;
    // Bounded: a request that fails on a connection of before never reaches the INSERT; then once more.
    for (let i = 0; i < 5 && !fired; i++) {
      const cut = proxy.cutWhen('INSERT INTO "public"."OutboxMessage"').then(() => void (fired = true));
      send = await alice.post(STEP1, { intent: 'send-code', channel: 'SMS' });
      await Promise.race([cut, sleep(500)]);
      proxy.restore();
    }
    expect(fired, 'the cut came while the transaction was open').toBe(true);
    expect(send!.status).toBe(503);
    // The verification row was inserted before the cut, inside the transaction: rolled back with it.
    expect(await writtenSince(since)).toEqual({ verifications: 0, outbox: 0, audit: 0 });
    const session = await newestSession(direct.prisma, owner.uid);
    expect(
      await direct.prisma.verification.count({
        where: { requesterKey: `session:${session.id}`, createdAt: { gte: since } },
      }),
    ).toBe(0);
  });

  it('black hole (connections accepted, never answered): new connections give up and the request answers 503, not a hang', async () => {
    proxy.blackhole();
    const started = Date.now();
    const page = await alice.get('/account/security');
    expect(page.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(15_000);
    proxy.restore();
  });

  it('a partition after the connections were opened (they stay open, nothing passes): 503 within the query timeout, not a hang', async () => {
    proxy.restore();
    await untilServed(
      () => alice.get('/account/security'),
      (r) => r.status === 200,
    );
    expect(proxy.open()).toBeGreaterThan(0); // pooled connections, in use again below
    proxy.freeze();
    const started = Date.now();
    const page = await alice.get('/account/security');
    expect(page.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(10_000);
    proxy.restore();
  });

  it('back again: the same portal recovers without a restart — pages, sign-in and writes work', async () => {
    proxy.restore();
    let health = 0;
    for (let i = 0; i < 50 && health !== 200; i++) {
      health = (await fetch(`${portal.url}/healthz`)).status;
      if (health !== 200) await sleep(100);
    }
    expect(health).toBe(200);
    expect(
      (
        await untilServed(
          () => alice.get('/account/security'),
          (r) => r.status === 200,
        )
      ).status,
    ).toBe(200);
    const since = new Date();
    const send = await untilServed(
      () => alice.post(STEP1, { intent: 'send-code', channel: 'SMS' }),
      (r) => r.status !== 503,
    );
    expect(send.status, pageText(await send.clone().text()).slice(0, 200)).toBe(302);
    expect(await writtenSince(since)).toEqual({ verifications: 1, outbox: 1, audit: 1 });
    const other = new HttpClient(portal.url);
    expect(
      (
        await untilServed(
          () => other.post('/login', { login: owner.email, password: 'demo-Passw0rd!' }),
          (r) => r.status !== 503,
        )
      ).status,
    ).toBe(302);
    // And it stays served.
    for (let i = 0; i < 5; i++) expect((await alice.get('/account/security')).status).toBe(200);
  });
});
