// SSO test helpers: the demo OpenID provider on a free port, the portal's IdP row pointed at it,
// and a browser-like client (cookies per origin, redirects followed by hand) that walks the real
// authorization code flow through the provider's own login and consent pages.
import { expect } from 'vitest';
import type { SsoMode } from '~/generated/prisma/client';
import { ALICE_UID } from '~/demo/seed.server';
import { DEMO_IDP_CLIENT_SECRET, DEMO_IDP_PASSWORD, DEMO_IDP_USER } from '~/sso/demo';
import { sealClientSecret } from '~/sso/secret.server';
import { startDevIdp, type DevIdpOptions, type RunningDevIdp } from '../../scripts/dev-idp';
import type { TestPortal } from './portal';

/** The demo provider on a free loopback port, accepting the test portal's callback. */
export function startTestIdp(portalUrl: string, options: DevIdpOptions = {}): Promise<RunningDevIdp> {
  const origin = new URL(portalUrl);
  return startDevIdp({
    port: 0,
    redirectUris: [`${origin.origin}/sso/callback`, `http://localhost:${origin.port}/sso/callback`],
    ...options,
  });
}

/** Points Alice's IdP row (from the seed) at `issuer`, with the demo settings unless others are given. */
export async function configureAliceIdp(
  portal: TestPortal,
  issuer: string,
  settings: {
    mode?: SsoMode;
    enabled?: boolean;
    clientId?: string;
    clientSecret?: string;
    userClaim?: string;
    roleClaim?: string;
  } = {},
) {
  const { clientSecret = DEMO_IDP_CLIENT_SECRET, ...rest } = settings;
  const data = {
    issuer,
    mode: 'USER' as SsoMode,
    enabled: true,
    clientId: 'recovery-desk',
    userClaim: 'ram_user',
    roleClaim: 'role',
    ...rest,
    clientSecretEncrypted: sealClientSecret(portal.services.config, clientSecret),
  };
  await portal.db.prisma.identityProvider.update({ where: { accountUid: ALICE_UID }, data });
}

/** Cookies kept per host (as browsers do: ports share cookies), sent on every request to it. */
export class BrowserLikeClient {
  private jar = new Map<string, Map<string, string>>();

  constructor(readonly portalUrl: string) {}

  private cookiesFor(url: URL) {
    let cookies = this.jar.get(url.hostname);
    if (!cookies) this.jar.set(url.hostname, (cookies = new Map()));
    return cookies;
  }

  cookie(url: string, name: string): string | undefined {
    return this.cookiesFor(new URL(url)).get(name);
  }

  cookieHeader(url: string): string {
    return [...this.cookiesFor(new URL(url))].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url, this.portalUrl);
    const headers = new Headers(init.headers);
    const cookie = this.cookieHeader(target.href);
    if (cookie) headers.set('Cookie', cookie);
    if (init.method && init.method !== 'GET' && !headers.has('Origin')) headers.set('Origin', target.origin);
    headers.set('User-Agent', 'vitest browser-like client');
    const res = await fetch(target, { ...init, headers, redirect: 'manual' });
    const cookies = this.cookiesFor(target);
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || attrs.some((a) => /max-age=0\b/i.test(a) || /expires=Thu, 01 Jan 1970/i.test(a)))
        cookies.delete(name);
      else cookies.set(name, value);
    }
    return res;
  }

  /** GET, then follow redirects (across origins) until a non-redirect or `stopAt` matches the next URL. */
  async follow(
    url: string,
    stopAt?: (next: URL) => boolean,
    init: RequestInit = {},
  ): Promise<{ res: Response; url: string }> {
    let current = new URL(url, this.portalUrl).href;
    let res = await this.request(current, init);
    for (let hops = 0; hops < 15 && res.status >= 300 && res.status < 400; hops++) {
      const next = new URL(res.headers.get('location')!, current);
      if (stopAt?.(next)) return { res, url: current };
      current = next.href;
      res = await this.request(current);
    }
    return { res, url: current };
  }

  post(url: string, fields: Record<string, string>) {
    return this.request(new URL(url, this.portalUrl).href, { method: 'POST', body: new URLSearchParams(fields) });
  }
}

const formAction = (html: string, pattern: RegExp) => {
  const m = pattern.exec(html);
  if (!m) throw new Error(`no form matching ${pattern} in: ${html.slice(0, 500)}`);
  return m[1];
};

export type SsoOutcome = { status: number; location: string | null; client: BrowserLikeClient };

/**
 * The whole code flow as a browser would do it: /sso/start → provider login page → consent →
 * back to /sso/callback; returns the portal's answer to the callback (a redirect either way).
 */
export async function signInWithSso(
  portal: TestPortal,
  options: {
    account?: string;
    username?: string;
    password?: string;
    client?: BrowserLikeClient;
    redirectTo?: string;
    cancel?: boolean;
  } = {},
): Promise<SsoOutcome> {
  const client = options.client ?? new BrowserLikeClient(portal.url);
  const portalOrigin = new URL(portal.url).origin;
  const start = new URLSearchParams({ account: options.account ?? 'alicecloud' });
  if (options.redirectTo) start.set('redirectTo', options.redirectTo);
  const isCallback = (u: URL) => u.origin === portalOrigin && u.pathname === '/sso/callback';
  const backAtPortal = (u: URL) => u.origin === portalOrigin;
  // Into the provider: its login page (or straight back when the provider remembers the session).
  let step = await client.follow(`/sso/start?${start}`, backAtPortal);
  for (let pages = 0; pages < 4 && step.res.status === 200; pages++) {
    const html = await step.res.text();
    const at = new URL(step.url);
    if (/name="password"/.test(html) && options.cancel) {
      const abort = formAction(html, /<a href="([^"]+\/abort)"/);
      step = await client.follow(new URL(abort, at).href, backAtPortal);
    } else if (/name="password"/.test(html)) {
      const action = formAction(html, /<form method="post" action="([^"]+\/login)"/);
      const res = await client.post(new URL(action, at).href, {
        username: options.username ?? DEMO_IDP_USER,
        password: options.password ?? DEMO_IDP_PASSWORD,
      });
      if (res.status === 401) return { status: 401, location: null, client };
      expect(res.status, html.slice(0, 300)).toBe(303);
      step = await client.follow(new URL(res.headers.get('location')!, at).href, backAtPortal);
    } else if (/\/confirm"/.test(html)) {
      const action = formAction(html, /<form method="post" action="([^"]+\/confirm)"/);
      const res = await client.post(new URL(action, at).href, {});
      expect(res.status).toBe(303);
      step = await client.follow(new URL(res.headers.get('location')!, at).href, backAtPortal);
    } else {
      throw new Error(`unexpected page at ${step.url}: ${html.slice(0, 500)}`);
    }
  }
  // step.res now redirects to the callback (or the portal answered already, e.g. a start failure).
  const location = step.res.headers.get('location');
  if (location && isCallback(new URL(location, step.url))) {
    const callback = await client.request(new URL(location, step.url).href);
    return { status: callback.status, location: callback.headers.get('location'), client };
  }
  return { status: step.res.status, location, client };
}
