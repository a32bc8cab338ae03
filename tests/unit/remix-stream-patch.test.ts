// patches/@remix-run+node+2.17.5.patch: Remix writes a response body to the socket only as fast as the
// client reads it (the audit log's CSV export of a million rows), and stops reading it when the client
// has gone. Unpatched, it read the whole stream into the socket's buffer: +91 MB of the portal's memory
// for a reader that stalled 10 s at 1 000 000 audit events.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const { writeReadableStreamToWritable } = require('@remix-run/node/dist/stream.js') as {
  writeReadableStreamToWritable: (stream: ReadableStream<Uint8Array>, writable: http.ServerResponse) => Promise<void>;
};

const CHUNKS = 400;
const CHUNK = new Uint8Array(64 * 1024).fill(120);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a streamed body follows its reader', () => {
  let server: http.Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  async function serve() {
    const seen = { pulled: 0, cancelled: false, finished: false };
    server = http.createServer((_req, res) => {
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (seen.pulled++ >= CHUNKS) controller.close();
          else controller.enqueue(CHUNK);
        },
        cancel() {
          seen.cancelled = true;
        },
      });
      void writeReadableStreamToWritable(body, res).finally(() => (seen.finished = true));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return { seen, port: (server.address() as AddressInfo).port };
  }

  it('reads no further than the socket can take while the client stops reading, and cancels when it leaves', async () => {
    const { seen, port } = await serve();
    const req = http.get({ host: '127.0.0.1', port, path: '/' });
    const res = await new Promise<http.IncomingMessage>((r) => req.on('response', r));
    res.pause();
    await sleep(1000);
    // 400 chunks are 25 MB; the socket's buffers on both sides hold a few of them.
    expect(seen.pulled).toBeLessThan(CHUNKS / 2);
    const pulledWhilePaused = seen.pulled;
    req.destroy();
    await expect.poll(() => seen.cancelled, { timeout: 3000 }).toBe(true);
    expect(seen.finished).toBe(true);
    expect(seen.pulled).toBeLessThanOrEqual(pulledWhilePaused + 1);
  });

  it('a client that reads gets the whole body', async () => {
    const { seen, port } = await serve();
    const bytes = await new Promise<number>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/' }, (res) => {
          let n = 0;
          res.on('data', (c: Buffer) => (n += c.length));
          res.on('end', () => resolve(n));
        })
        .on('error', reject);
    });
    expect(bytes).toBe(CHUNKS * CHUNK.length);
    expect(seen.cancelled).toBe(false);
  });
});
