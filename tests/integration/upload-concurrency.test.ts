// Slow uploads hold nobody else up: a body is refused unread when the cookie, the email proof or the rate
// limits already refuse it; one client address has at most MULTIPART_READS_PER_CLIENT bodies read at once;
// a body that stops coming, or headers that never end, are dropped within seconds. Slow senders are real
// sockets from their own loopback addresses (127.0.0.x), trickling or stopping half-way through.
import http from 'node:http';
import net from 'node:net';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { useTestPortal } from '../support/portal';
import { HttpClient, pageText } from '../support/http';
import { BASE_DETAILS, appealForm, postAppealEmailProof } from '../support/appeals';
import { file, pngBytes } from '../support/files';
import { MAX_FORM_PARTS, MULTIPART_READS_PER_CLIENT, UPLOAD_BUSY } from '~/appeals/uploads.server';
import { BODY_GRACE_MS, HEADERS_TIMEOUT_MS } from '~/server/http.server';

const BOUNDARY = '----ard-upload-test';
const head = (name: string, filename?: string) =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"\r\nContent-Type: application/pdf` : ''}\r\n\r\n`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeEachDatabase('slow uploads', (kind) => {
  const portal = useTestPortal(kind);
  let mailbox = 0;

  /** A browser flow that proved its new email (the step before a submission), as its Cookie header. */
  async function provedFlow(): Promise<string> {
    const client = new HttpClient(portal().url);
    await postAppealEmailProof(client, portal().db.prisma, `slow.${mailbox++}@upload.example`);
    return client.cookieHeader();
  }

  /**
   * A multipart POST of the appeal form from `from` (a loopback address) declaring the whole body's length
   * but sending only `first`; the rest goes when `finish` is called.
   */
  function upload(from: string, cookie: string, first: string, rest: string) {
    const url = new URL('/appeals/new', portal().url);
    const body = first + rest;
    let status: number | null = null;
    let text = '';
    let closed = false;
    const req = http.request(url, {
      method: 'POST',
      localAddress: from,
      agent: false,
      headers: {
        'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`,
        'Content-Length': Buffer.byteLength(body),
        Origin: url.origin,
        Cookie: cookie,
      },
    });
    const answered = new Promise<number>((resolve, reject) => {
      req.on('response', (res) => {
        status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve(status!));
      });
      req.on('error', reject);
    });
    answered.catch(() => {});
    req.on('close', () => (closed = true));
    req.write(first);
    return {
      answered,
      finish: () => req.end(rest),
      write: (s: string) => req.write(s),
      status: () => status,
      text: () => pageText(text),
      closed: () => closed,
      abort: () => req.destroy(),
    };
  }
  const halfFile = `${head('intent')}submit\r\n${head('idDocument', 'id.pdf')}%PDF-1.4 half`;
  const restOfFile = ` of a file\r\n--${BOUNDARY}--\r\n`;

  it('answers a submission the flow cookie or the rate limits refuse without waiting for its body', async () => {
    // No cookie at all: 5 MB declared, a few bytes sent, the answer comes at once.
    const stranger = upload('127.0.0.1', '', halfFile, 'x'.repeat(5 * 1024 * 1024));
    expect(await stranger.answered).toBe(400);
    expect(stranger.text()).toContain('Prove your new email with a verification code first');
    stranger.abort();

    // A proved flow from an address that has used up its appeals for the day.
    const cookie = await provedFlow();
    for (let i = 0; i < 10; i++) await portal().services.limits.consume('appealsPerIp', '127.0.0.9');
    const limited = upload('127.0.0.9', cookie, halfFile, 'x'.repeat(5 * 1024 * 1024));
    expect(await limited.answered).toBe(429);
    expect(limited.text()).toContain('Too many appeals were filed recently');
    limited.abort();
  });

  it(`reads at most ${MULTIPART_READS_PER_CLIENT} bodies of one address at once, and a normal upload from elsewhere is answered meanwhile`, async () => {
    // Slow senders on two addresses, stopped in the middle of a file, each with a proved flow.
    const senders = ['127.0.0.2', '127.0.0.2', '127.0.0.4', '127.0.0.4', '127.0.0.5'];
    const stalled = [];
    for (const from of senders) stalled.push(upload(from, await provedFlow(), halfFile, restOfFile));
    await sleep(300);
    expect(stalled.map((s) => s.status())).toEqual(senders.map(() => null));

    // A third body from a busy address is refused at once, unread.
    const third = upload('127.0.0.2', await provedFlow(), halfFile, restOfFile);
    expect(await third.answered).toBe(429);
    expect(third.text()).toContain(UPLOAD_BUSY);
    third.abort();

    // Somebody else's whole appeal, with its ID document, is filed while the slow ones hang.
    const client = new HttpClient(portal().url);
    await postAppealEmailProof(client, portal().db.prisma, 'normal@upload.example');
    const form = appealForm(BASE_DETAILS, { idDocument: file(pngBytes(), 'id.png', 'image/png') });
    const started = Date.now();
    const filed = await client.post('/appeals/new', form);
    expect(filed.status).toBe(200);
    expect(await filed.text()).toMatch(/AP-\d{8}-\d{6}/);
    expect(Date.now() - started).toBeLessThan(BODY_GRACE_MS);
    expect(stalled.map((s) => s.status())).toEqual(senders.map(() => null));

    for (const s of stalled) s.finish();
    for (const s of stalled) expect(await s.answered).toBeLessThan(500);
  });

  it('drops a body that trickles, and headers that never end, within seconds; the portal() still serves pages', async () => {
    const trickler = upload('127.0.0.6', await provedFlow(), halfFile, restOfFile);
    const drip = setInterval(() => trickler.write('x'), 1000);
    const slowloris = net.connect({
      host: '127.0.0.1',
      port: Number(new URL(portal().url).port),
      localAddress: '127.0.0.7',
    });
    let headersDropped = 0;
    slowloris.on('close', () => (headersDropped = Date.now()));
    slowloris.on('error', () => {});
    slowloris.write('GET /login HTTP/1.1\r\nHost: x\r\n');
    const dripHeaders = setInterval(() => slowloris.write('X-Slow: 1\r\n'), 1000);
    const started = Date.now();
    try {
      for (
        let waited = 0;
        !(trickler.closed() && headersDropped) && waited < BODY_GRACE_MS + HEADERS_TIMEOUT_MS + 5000;
        waited += 200
      )
        await sleep(200);
      expect(trickler.closed()).toBe(true);
      expect(trickler.status()).toBeNull();
      expect(Date.now() - started).toBeLessThan(BODY_GRACE_MS + 5000);
      expect(headersDropped).toBeGreaterThan(0);
      expect(headersDropped - started).toBeLessThan(HEADERS_TIMEOUT_MS + 5000);
    } finally {
      clearInterval(drip);
      clearInterval(dripHeaders);
      slowloris.destroy();
      trickler.abort();
    }
    expect((await fetch(`${portal().url}/login`)).status).toBe(200);
  }, 40_000);

  it(`stops reading a form of more than ${MAX_FORM_PARTS} parts, with a message`, async () => {
    const parts = Array.from({ length: MAX_FORM_PARTS + 5 }, (_, i) => `${head(`f${i}`)}v\r\n`).join('');
    const many = upload('127.0.0.8', await provedFlow(), `${head('intent')}submit\r\n${parts}`, `--${BOUNDARY}--\r\n`);
    many.finish();
    expect(await many.answered).toBe(413);
    expect(many.text()).toContain('The form has more parts than it can have');
  });

  it.each(['scan=1.png', 'scan;2024.png'])('files evidence named %s under that name', async (name) => {
    const client = new HttpClient(portal().url);
    const newEmail = `named.${mailbox++}@upload.example`;
    await postAppealEmailProof(client, portal().db.prisma, newEmail);
    const res = await client.post(
      '/appeals/new',
      appealForm(BASE_DETAILS, { idDocument: file(pngBytes(), name, 'image/png') }),
    );
    const html = await res.text();
    expect(res.status, pageText(html).slice(0, 300)).toBe(200);
    const caseNumber = /AP-\d{8}-\d{6}/.exec(html)![0];
    const appeal = await portal().db.prisma.appeal.findUniqueOrThrow({
      where: { caseNumber },
      include: { evidence: true },
    });
    expect(appeal.evidence.map((e) => e.originalName)).toEqual([name]);
  });
});
