// The document as the server sends it (app/entry.server.tsx): rendered whole with renderToString after
// the single-fetch handoff was read to its end. These checks stand guard over the two Remix internals
// that rendering relies on: where StreamTransfer looks for the handoff, and what it writes.
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { useTestPortal } from '../support/portal';

describeEachDatabase('the server-rendered document', (kind) => {
  const portal = useTestPortal(kind);

  it('is one whole body with its length, a doctype, and the route data handed over in full, under the response nonce', async () => {
    // Uncompressed: with gzip, the compression middleware streams the body in chunks.
    const res = await fetch(`${portal().url}/help/change-logon-email`, { headers: { 'Accept-Encoding': 'identity' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('transfer-encoding')).toBeNull();
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
    const html = bytes.toString('utf8');
    expect(html.startsWith('<!DOCTYPE html><html lang="en">')).toBe(true);

    // The route data: one enqueue carrying every route's data, then the close. Nothing left to stream
    // (a pending chunk would show as React's client-rendered Suspense marker, <!--$!-->).
    const enqueues = [
      ...html.matchAll(
        /<script nonce="([^"]+)">window\.__remixContext\.streamController\.enqueue\((".*?")\);<\/script>/g,
      ),
    ];
    expect(enqueues).toHaveLength(1);
    const data = JSON.parse(JSON.parse(enqueues[0][2].replace(/\\u003c/g, '<'))) as unknown[];
    expect(data).toContain('routes/help.change-logon-email');
    expect(data).toContain('root');
    expect(html).toMatch(/<script nonce="[^"]+">window\.__remixContext\.streamController\.close\(\);<\/script>/);
    expect(html.indexOf('streamController.close()')).toBeGreaterThan(html.indexOf('streamController.enqueue('));
    expect(html).not.toContain('<!--$!-->');

    // Every inline script carries this response's nonce, the one the CSP allows.
    const nonce = /'nonce-([^']+)'/.exec(res.headers.get('content-security-policy') ?? '')?.[1];
    expect(nonce).toBeTruthy();
    expect(enqueues[0][1]).toBe(nonce);
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)].map((m) => m[1]);
    expect(inline.length).toBeGreaterThan(2);
    for (const attrs of inline) expect(attrs).toContain(`nonce="${nonce}"`);
  });

  it('answers a page whose loader fails with the error page, whole, and a 404 for a case that does not exist', async () => {
    const res = await fetch(`${portal().url}/appeals/track/not-a-token`, {
      headers: { 'Accept-Encoding': 'identity' },
    });
    const html = await res.text();
    expect([404, 410]).toContain(res.status);
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(html));
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toMatch(/<\/html>/);
  });
});
