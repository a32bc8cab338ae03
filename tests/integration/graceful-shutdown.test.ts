// Issue 29: a portal told to stop (SIGTERM) stops taking connections, lets the requests in flight finish
// (answering them with Connection: close), stops the dispatcher after the message it is sending — the
// rest of its batch given back, unsent — and exits 0.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeEachDatabase, openTestDatabase } from '../support/db';
import { startTestPortal } from '../support/portal';
import { HttpClient, pageText } from '../support/http';
import { BASE_DETAILS } from '../support/appeals';
import { pngBytes } from '../support/files';
import { startSmtpServer } from '../support/smtp';
import { captureLog } from '../support/log-capture';
import { OutboxDispatcher, SmtpTransport } from '~/outbox/outbox.server';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('graceful shutdown of `npm start` (embedded database)', () => {
  let child: ChildProcess | undefined;
  let dataDir = '';
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('an upload in flight when SIGTERM arrives completes (Connection: close), new connections are refused, and the process exits 0', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'ard-shutdown-'));
    child = spawn(process.execPath, ['scripts/start.mjs', '--mode=test'], {
      env: {
        ...process.env,
        PORTAL_MODE: 'test',
        DATA_DIR: dataDir,
        PORT: '0',
        LOG_LEVEL: 'info',
        DATABASE_URL: '',
        SHUTDOWN_GRACE_SECONDS: '20',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    for (let i = 0; i < 600 && !/on http:\/\/localhost:\d+/.test(output); i++) {
      if (child.exitCode !== null) throw new Error(`the portal did not start:\n${output}`);
      await sleep(100);
    }
    const port = Number(/on http:\/\/localhost:(\d+)/.exec(output)?.[1]);
    expect(port, output).toBeGreaterThan(0);
    const base = `http://127.0.0.1:${port}`;

    // Prove a new email for the appeal form (the code read from the dev outbox).
    const client = new HttpClient(base);
    const email = 'in.flight@shutdown.example';
    await client.get('/appeals/new?scenario=FORGOT_LOGON_EMAIL');
    expect(
      (await client.post('/appeals/new', { intent: 'send-code', scenario: 'FORGOT_LOGON_EMAIL', newEmail: email }))
        .status,
    ).toBe(302);
    let code = '';
    for (let i = 0; i < 100 && !code; i++) {
      const messages = (await (await fetch(`${base}/dev/outbox.json?to=${encodeURIComponent(email)}`)).json()) as {
        text: string;
      }[];
      code = /code is (\d{6})/.exec(messages[0]?.text ?? '')?.[1] ?? '';
      if (!code) await sleep(100);
    }
    expect((await client.post('/appeals/new', { intent: 'verify-email', code })).status).toBe(302);

    // The submission with its ID document, sent half-way.
    const boundary = '----ard-shutdown';
    const part = (name: string, value: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const fields = Object.entries({ intent: 'submit', ...BASE_DETAILS })
      .map(([k, v]) => part(k, v))
      .join('');
    const body = Buffer.concat([
      Buffer.from(
        `${fields}--${boundary}\r\nContent-Disposition: form-data; name="idDocument"; filename="id.png"\r\nContent-Type: image/png\r\n\r\n`,
      ),
      pngBytes(),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const half = Math.floor(body.length / 2);
    const req = http.request(`${base}/appeals/new`, {
      method: 'POST',
      agent: false,
      headers: {
        'Content-Type': `multipart/form-data; boundary=${boundary}`,
        'Content-Length': body.length,
        Origin: base,
        Cookie: client.cookieHeader(),
      },
    });
    const answer = new Promise<{ status: number; connection: string | undefined; text: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, text }));
      });
      req.on('error', reject);
    });
    req.write(body.subarray(0, half));
    await sleep(300);

    child.kill('SIGTERM');
    await sleep(700);
    expect(child.exitCode, 'the portal waits for the upload').toBeNull();
    // No new connections meanwhile.
    await expect(fetch(`${base}/healthz/live`)).rejects.toThrow();

    req.end(body.subarray(half));
    const answered = await answer;
    expect(answered.status, pageText(answered.text).slice(0, 300)).toBe(200);
    expect(answered.text).toMatch(/AP-\d{8}-\d{6}/);
    expect(answered.connection).toBe('close');

    expect(await Promise.race([exited, sleep(30_000).then(() => 'still running')])).toBe(0);
    expect(output).toMatch(/stopped: HTTP \(every request finished\)/);
    expect(output).toMatch(/stopped: database/);
  }, 120_000);
});

describeEachDatabase('graceful shutdown: the outbox', (kind) => {
  it('a delivery in progress is finished, the rest of the batch is given back unsent, and each message is delivered exactly once', async () => {
    const smtp = await startSmtpServer();
    const db = await openTestDatabase(kind);
    const portal = await startTestPortal(kind, {
      db,
      seed: false,
      env: { SMTP_URL: smtp.url },
      logger: captureLog().logger,
      dispatcherPollMs: 60_000,
    });
    const held = smtp.holdNext();
    try {
      // One transaction: the dispatcher's first round (at start) sees the three messages or none of them.
      const ids = (
        await db.prisma.$transaction(
          [0, 1, 2].map((i) =>
            db.prisma.outboxMessage.create({
              data: {
                channel: 'EMAIL',
                recipient: `batch${i}@example.com`,
                subject: `Message ${i}`,
                text: 'hello',
                template: 'shutdown-test',
                createdAt: new Date(Date.now() - (3 - i) * 1000),
              },
            }),
          ),
        )
      ).map((m) => m.id);
      portal.services.outbox.kick();
      await held.arrival; // the first message is on the wire; the other two are claimed with it
      const claimed = await db.prisma.outboxMessage.findMany({ where: { id: { in: ids } } });
      expect(claimed.every((m) => m.lockedBy !== null)).toBe(true);

      const stopped = portal.stop();
      await sleep(300);
      held.release();
      await stopped;

      const after = await db.prisma.outboxMessage.findMany({ where: { id: { in: ids } } });
      const sent = after.filter((m) => m.status === 'SENT');
      const rest = after.filter((m) => m.status !== 'SENT');
      // The one on the wire was finished (and is the one the server received); the other two were given back:
      // no lease, no attempt counted for a send that never happened.
      expect(sent).toHaveLength(1);
      expect(smtp.received.map((m) => m.to[0])).toEqual([sent[0].recipient]);
      expect(rest.map((m) => [m.status, m.lockedBy, m.lockedUntil, m.attempts])).toEqual([
        ['PENDING', null, null, 0],
        ['PENDING', null, null, 0],
      ]);

      // Another instance delivers the rest at once (no lease to wait for): each message reached its recipient once.
      const transport = new SmtpTransport(smtp.url);
      const other = new OutboxDispatcher({
        prisma: db.prisma,
        email: transport,
        sms: transport as never,
        from: 'desk@example.com',
      });
      expect(await other.runOnce()).toBe(2);
      transport.close();
      expect(smtp.received.map((m) => m.to[0]).sort()).toEqual([
        'batch0@example.com',
        'batch1@example.com',
        'batch2@example.com',
      ]);
      expect(
        (await db.prisma.outboxMessage.findMany({ where: { id: { in: ids } } })).every(
          (m) => m.status === 'SENT' && m.attempts === 1,
        ),
      ).toBe(true);
    } finally {
      // A failed expectation above must not leave the message on the wire: stop() would wait for it for ever.
      held.release();
      await portal.stop();
      await db.close();
      await smtp.close();
    }
  }, 120_000);
});
