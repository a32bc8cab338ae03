// patches/@remix-run+server-runtime+2.17.5.patch: a loader or action gets the request itself when its URL
// has no parameter for Remix to strip, and a new request without it otherwise (as before the patch).
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
type Call = (args: {
  loadContext: unknown;
  params: object;
  request: Request;
  routeId: string;
  singleFetch: boolean;
  loader?: unknown;
  action?: unknown;
}) => Promise<unknown>;
const { callRouteLoader, callRouteAction } = require('@remix-run/server-runtime/dist/data.js') as {
  callRouteLoader: Call;
  callRouteAction: Call;
};

/** The request a loader (or action) was called with, for a request to url. */
async function seenBy(kind: 'loader' | 'action', request: Request) {
  let seen: Request | undefined;
  const handler = async ({ request: r }: { request: Request }) => {
    seen = r;
    return kind === 'action' ? { form: Object.fromEntries(await r.formData()) } : null;
  };
  const call = kind === 'loader' ? callRouteLoader : callRouteAction;
  const result = await call({
    loadContext: {},
    params: {},
    request,
    routeId: 'routes/x',
    singleFetch: true,
    [kind]: handler,
  });
  return { seen: seen!, result };
}

describe('Remix passes the request to loaders and actions', () => {
  it('as it is when the URL has no index or _routes parameter', async () => {
    const request = new Request('http://portal.test/staff/appeals?status=open&q=a%20b', { headers: { cookie: 'x=1' } });
    const { seen } = await seenBy('loader', request);
    expect(seen).toBe(request);
    expect(new URL(seen.url).searchParams.get('q')).toBe('a b');
  });

  it('without _routes and the empty index parameter, keeping the rest', async () => {
    const request = new Request('http://portal.test/account?index&_routes=routes%2Faccount._index&tab=2', {
      headers: { cookie: 'x=1' },
    });
    const { seen } = await seenBy('loader', request);
    expect(seen).not.toBe(request);
    expect([...new URL(seen.url).searchParams]).toEqual([['tab', '2']]);
    expect(seen.headers.get('cookie')).toBe('x=1');
  });

  it('with its form body to an action, stripped or not', async () => {
    for (const url of ['http://portal.test/login', 'http://portal.test/staff?index']) {
      const request = new Request(url, { method: 'POST', body: new URLSearchParams({ email: 'a@example.com' }) });
      const { seen, result } = await seenBy('action', request);
      expect(new URL(seen.url).searchParams.has('index')).toBe(false);
      expect(seen === request).toBe(!url.includes('?index'));
      expect(result).toEqual({ form: { email: 'a@example.com' } });
    }
  });
});
