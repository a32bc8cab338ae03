// Every redirect target a request names (redirectTo on the customer and staff sign-in, and through an SSO
// sign-in) stays on the portal's origin, whatever the value.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { useTestPortal } from '../support/portal';
import { HttpClient } from '../support/http';
import { DEMO_STAFF, staffSignIn } from '../support/staff';
import { configureAliceIdp, signInWithSso, startTestIdp } from '../support/oidc';
import type { RunningDevIdp } from '../../scripts/dev-idp';

/** Values an attacker puts in `redirectTo`; each would leave the site if taken as it is or as its normalised path. */
const HOSTILE = [
  '/.//evil.example',
  '/..//evil.example',
  '/a/../..//evil.example/x',
  '/%2e//evil.example',
  '/\\evil.example',
  '%2F%2Fevil.example',
  '//evil.example',
  'https://evil.example',
  'javascript:alert(1)',
  '/\t/evil.example',
  '/\n/evil.example',
  'java\nscript:alert(1)',
];

describeEachDatabase('redirect targets from requests stay on the portal', (kind) => {
  const portal = useTestPortal(kind);
  let idp: RunningDevIdp;
  beforeAll(async () => {
    idp = await startTestIdp(portal().url);
    await configureAliceIdp(portal(), idp.issuer);
  });
  afterAll(async () => {
    await idp?.stop();
  });

  /** A Location header that a browser resolves to this portal (not just a path that looks like one). */
  const expectOnPortal = (location: string | null, value: string) => {
    expect(location, `redirectTo=${JSON.stringify(value)}`).toBeTruthy();
    expect(new URL(location!, portal().url).origin, `redirectTo=${JSON.stringify(value)} → ${location}`).toBe(
      new URL(portal().url).origin,
    );
    expect(location, `redirectTo=${JSON.stringify(value)}`).toMatch(/^\/(?![/\\])/);
  };

  it.each(HOSTILE)(
    'customer sign-in: GET (signed in) and POST /login with redirectTo=%j go to Security Settings',
    async (value) => {
      const alice = new HttpClient(portal().url);
      const posted = await alice.post('/login', {
        login: 'alice@example.com',
        password: 'demo-Passw0rd!',
        redirectTo: value,
      });
      expect(posted.status).toBe(302);
      expectOnPortal(posted.headers.get('location'), value);
      expect(posted.headers.get('location')).toBe('/account/security');
      const again = await alice.get(`/login?${new URLSearchParams({ redirectTo: value })}`);
      expect(again.status).toBe(302);
      expect(again.headers.get('location')).toBe('/account/security');
    },
  );

  it('customer sign-in still goes back to a page of the portal that was asked for', async () => {
    const alice = new HttpClient(portal().url);
    expect(
      (
        await alice.post('/login', {
          login: 'alice@example.com',
          password: 'demo-Passw0rd!',
          redirectTo: '/account?tab=keys',
        })
      ).headers.get('location'),
    ).toBe('/account?tab=keys');
    expect((await alice.get('/login?redirectTo=%2Faccount')).headers.get('location')).toBe('/account');
  });

  it.each(HOSTILE)(
    'staff sign-in: both steps and GET /staff/login with redirectTo=%j stay on the portal',
    async (value) => {
      const agent = new HttpClient(portal().url);
      const password = await agent.post('/staff/login', {
        email: DEMO_STAFF.agent,
        password: 'demo-Passw0rd!',
        redirectTo: value,
      });
      expect(password.status).toBe(302);
      expectOnPortal(password.headers.get('location'), value);
      expect(password.headers.get('location')).toBe('/staff/login');
      const done = await staffSignIn(agent, DEMO_STAFF.agent, { prisma: portal().db.prisma, redirectTo: value });
      expectOnPortal(done.headers.get('location'), value);
      expect(done.headers.get('location')).toBe('/staff/dashboard');
      const again = await agent.get(`/staff/login?${new URLSearchParams({ redirectTo: value })}`);
      expect(again.status).toBe(302);
      expect(again.headers.get('location')).toBe('/staff/dashboard');
    },
  );

  it.each(HOSTILE)(
    'SSO: the sign-in page link and /sso/start with redirectTo=%j end on Security Settings',
    async (value) => {
      const page = await new HttpClient(portal().url).get(
        `/login?${new URLSearchParams({ sso_account: 'alicecloud', redirectTo: value })}`,
      );
      const href = /href="(\/sso\/start\?[^"]+)"/.exec(await page.text())?.[1].replace(/&amp;/g, '&');
      expect(href, 'the page links to /sso/start').toBeTruthy();
      const linked = new URL(href!, portal().url).searchParams.get('redirectTo');
      if (linked !== null) expectOnPortal(linked, value);
      // The link is what the page offers; /sso/start itself is reached with whatever an attacker writes.
      const outcome = await signInWithSso(portal(), { account: 'alicecloud', redirectTo: value });
      expect(outcome.status).toBe(302);
      expectOnPortal(outcome.location, value);
      expect(outcome.location).toBe('/account/security');
    },
  );
});
