// A burst of uploads does not grow the portal without bound: at most MULTIPART_READS_AT_ONCE
// multipart bodies are read at a time; the next waits (its bytes stay in the socket) and is served
// as soon as one of them ends. Slow senders are real sockets that stop half-way through their body.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPortal, type TestPortal } from '../support/portal';
import { MULTIPART_READS_AT_ONCE } from '~/appeals/uploads.server';

const BOUNDARY = '----ard-upload-test';
const head = (name: string, filename?: string) =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"\r\nContent-Type: application/pdf` : ''}\r\n\r\n`;

describe('multipart bodies read at once', () => {
  let portal: TestPortal;
  beforeAll(async () => {
    portal = await startTestPortal('pglite');
  });
  afterAll(async () => {
    await portal?.stop();
  });

  /** A POST of an appeal form whose body is sent in parts: `first` now, the rest when `finish` is called. */
  function upload(first: string, rest: string) {
    const url = new URL('/appeals/new', portal.url);
    const body = first + rest;
    let status: number | null = null;
    const req = http.request(url, {
      method: 'POST',
      headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`, 'Content-Length': Buffer.byteLength(body), Origin: url.origin },
    });
    const answered = new Promise<number>((resolve, reject) => {
      req.on('response', (res) => {
        status = res.statusCode ?? 0;
        res.resume();
        res.on('end', () => resolve(status!));
      });
      req.on('error', reject);
    });
    req.write(first);
    return { answered, finish: () => req.end(rest), status: () => status, abort: () => req.destroy() };
  }
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const completeBody = `${head('intent')}submit\r\n--${BOUNDARY}--\r\n`;

  it(`reads at most ${MULTIPART_READS_AT_ONCE} bodies at once; the next is served when one of them ends`, async () => {
    // Senders that stop in the middle of a file: each holds a reading slot.
    const stalled = Array.from({ length: MULTIPART_READS_AT_ONCE }, () => upload(`${head('intent')}submit\r\n${head('idDocument', 'id.pdf')}%PDF-1.4 half`, ` of a file\r\n--${BOUNDARY}--\r\n`));
    await sleep(300);
    const waiting = upload(completeBody, '');
    waiting.finish();
    await sleep(700);
    // Its body has been sent whole, yet it has no answer: every slot is taken.
    expect(waiting.status()).toBeNull();
    expect(stalled.map((s) => s.status())).toEqual(stalled.map(() => null));

    // One slow sender finishes: its slot passes to the waiting request, which is answered.
    stalled[0].finish();
    expect(await stalled[0].answered).toBeLessThan(500);
    expect(await waiting.answered).toBeLessThan(500);
    expect(stalled.slice(1).map((s) => s.status())).toEqual(stalled.slice(1).map(() => null));

    // The rest finish too, and the portal still serves pages.
    for (const s of stalled.slice(1)) s.finish();
    for (const s of stalled.slice(1)) expect(await s.answered).toBeLessThan(500);
    expect((await fetch(`${portal.url}/login`)).status).toBe(200);
  });

  it('a sender that disconnects half-way frees its slot', async () => {
    const gone = Array.from({ length: MULTIPART_READS_AT_ONCE }, () => upload(`${head('intent')}submit\r\n${head('idDocument', 'id.pdf')}%PDF-1.4 half`, ` never sent\r\n--${BOUNDARY}--\r\n`));
    await sleep(300);
    const waiting = upload(completeBody, '');
    waiting.finish();
    await sleep(300);
    expect(waiting.status()).toBeNull();
    for (const g of gone) {
      g.answered.catch(() => {});
      g.abort();
    }
    expect(await waiting.answered).toBeLessThan(500);
  });
});
