// A keep-alive connection stays usable after a request whose body the route never read (an action that
// only redirects, a refused encoding, a form too large or of unknown length): the server reads the rest
// of the body and drops it.
import http from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { ONE_MB } from '../support/fuzz';

type Answer = { status: number; reusedSocket: boolean };

describeEachDatabase('connections after a body nobody read', (kind) => {
  let portal: TestPortal;
  let agent: http.Agent;
  beforeAll(async () => {
    portal = await startTestPortal(kind);
  });
  afterAll(async () => {
    agent?.destroy();
    await portal?.stop();
  });

  /** One request on the agent's single connection; a connection error fails the test with its code. */
  function send(
    method: string,
    path: string,
    body?: { type: string; text: string; chunked?: boolean },
  ): Promise<Answer> {
    const url = new URL(path, portal.url);
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = body ? { 'Content-Type': body.type, Origin: url.origin } : {};
      // Without a Content-Length, Node sends the body chunked.
      if (body && !body.chunked) headers['Content-Length'] = Buffer.byteLength(body.text);
      const req = http.request(
        { host: url.hostname, port: url.port, method, path: url.pathname, agent, headers },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, reusedSocket: req.reusedSocket }));
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) =>
        reject(
          new Error(
            `${method} ${path} on ${req.reusedSocket ? 'the reused' : 'a new'} connection: ${err.code ?? err.message}`,
          ),
        ),
      );
      if (body) req.write(body.text);
      req.end();
    });
  }

  const form = (text: string) => ({ type: 'application/x-www-form-urlencoded', text });
  const cases: [string, string, { type: string; text: string; chunked?: boolean }, number, ('reused' | 'new')?][] = [
    ['an action that redirects without reading the form', '/account/roles/back', form(`x=${ONE_MB}`), 302],
    ['signing out', '/logout', form(`intent=${ONE_MB}`), 302],
    [
      'a body in an encoding no action takes',
      '/login',
      { type: 'application/json', text: JSON.stringify({ login: ONE_MB }) },
      415,
    ],
    // Forms are read into memory whole: over 4 MB, or of unknown length, they are refused unread.
    // Node closes the connection after answering a body this large before it arrived (the answer gets through).
    ['a form over the 4 MB limit', '/login', form(`login=${ONE_MB.repeat(5)}`), 413, 'new'],
    ['a form sent chunked, of unknown length', '/login', { ...form(`login=${ONE_MB}`), chunked: true }, 411],
    [
      'a form with files sent chunked',
      '/appeals/new',
      { type: 'multipart/form-data; boundary=x', text: `--x\r\n${ONE_MB}`, chunked: true },
      411,
    ],
  ];
  it('keeps an idle connection longer than a proxy would (65 s, said in Keep-Alive), so the portal never closes one a client is about to reuse', async () => {
    agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const first = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get(new URL('/login', portal.url), { agent }, resolve).on('error', reject),
    );
    first.resume();
    await new Promise((r) => first.on('end', r));
    expect(first.headers['keep-alive']).toBe('timeout=65');
    // Past Node's default of 5 s, the same connection still answers.
    await new Promise((r) => setTimeout(r, 6000));
    expect(await send('GET', '/login')).toEqual({ status: 200, reusedSocket: true });
    agent.destroy();
  });

  for (const [what, path, body, status, after = 'reused'] of cases) {
    it(`answers ${what} with ${status}, and the next request on ${after === 'reused' ? 'the same' : 'a new'} connection`, async () => {
      agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      expect((await send('GET', '/login')).status).toBe(200);
      const posted = await send('POST', path, body);
      expect(posted.status).toBe(status);
      expect(posted.reusedSocket).toBe(true);
      const next = await send('GET', '/login');
      expect(next).toMatchObject({ status: 200, reusedSocket: after === 'reused' });
      agent.destroy();
    });
  }
});
