import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInWithBrowser, useBrowserPortal } from '../support/browser';
import { configureAliceIdp, startTestIdp } from '../support/oidc';
import type { RunningDevIdp } from '../../scripts/dev-idp';
import { NOT_ROOT_REASON } from '~/authz/ability';
import { DEMO_IDP_PASSWORD, DEMO_IDP_USER } from '~/sso/demo';

describe('SSO sign-in in Chromium', () => {
  const env = useBrowserPortal();
  let idp: RunningDevIdp;
  beforeAll(async () => {
    idp = await startTestIdp(env.portal.url);
    await configureAliceIdp(env.portal, idp.issuer);
  });
  afterAll(async () => {
    await idp?.stop();
  });

  it("signs in through the provider's own login page, shows the reason, and the change action answers 403", async () => {
    const page = await env.page();
    const cspErrors: string[] = [];
    page.on(
      'console',
      (m) => m.type() === 'error' && /Content Security Policy/i.test(m.text()) && cspErrors.push(m.text()),
    );

    // The portal's sign-in page: "Sign in with SSO" asks for the account first.
    await page.goto(`${env.portal.url}/login`);
    await page.getByRole('heading', { name: 'Sign in with SSO' }).waitFor();
    await page.getByLabel('Account UID or alias').fill('alicecloud');
    await page.getByRole('button', { name: 'Continue with SSO' }).click();
    const onward = page.getByRole('link', { name: 'Continue to your identity provider' });
    await onward.waitFor();
    await expect.poll(() => page.locator('#sso').innerText()).toContain(new URL(idp.issuer).host);
    await onward.click();

    // The provider's own pages: login, then consent.
    await page.waitForURL((url) => url.origin === idp.issuer && url.pathname.startsWith('/interaction/'));
    await page.getByLabel('Username').fill(DEMO_IDP_USER);
    await page.getByLabel('Password').fill(DEMO_IDP_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();

    // Back at the portal, signed in as the SSO user, who sees why the logon email is not theirs to change.
    await page.waitForURL(`${env.portal.url}/account/security`);
    await page.getByText(NOT_ROOT_REASON).waitFor({ state: 'visible' });
    const header = await page.locator('header').innerText();
    expect(header).toContain('SSO Developer');
    expect(header).toContain('SSO user');
    await expect.poll(() => page.getByRole('link', { name: 'Change logon email' }).count()).toBe(0);
    const session = await env.portal.db.prisma.session.findFirstOrThrow({
      where: { principalType: 'SSO_USER', revokedAt: null },
      include: { ramUser: true },
    });
    expect(session.ramUser?.name).toBe('dev');

    // A direct POST to the change action with the browser's cookies and a same-origin Origin.
    const res = await page.request.post(`${env.portal.url}/account/security/logon-email`, {
      form: { intent: 'send-code', channel: 'EMAIL' },
      headers: { Origin: env.portal.url },
      maxRedirects: 0,
    });
    expect(res.status()).toBe(403);
    expect(await res.text()).toContain(NOT_ROOT_REASON);
    expect(await env.portal.db.prisma.verification.count({ where: { purpose: 'CHANGE_EMAIL_IDENTITY' } })).toBe(0);

    // Opening the change page in the browser shows the same reason.
    await page.goto(`${env.portal.url}/account/security/logon-email`);
    await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    await expect.poll(() => page.getByRole('alert').innerText()).toContain(NOT_ROOT_REASON);
    expect(cspErrors).toEqual([]);
  });

  it('a RAM user switches to a role, sees it in the header, and goes back to the RAM user', async () => {
    const page = await env.page();
    await signInWithBrowser(page, env.portal.url, 'dev@1000000000000001.onaliyun.com');
    await page.getByRole('link', { name: 'Switch role' }).click();
    await page.getByRole('button', { name: 'Switch to OpsAdmin' }).click();
    await page.getByTestId('role-session').waitFor();
    await expect.poll(() => page.getByTestId('role-session').innerText()).toMatch(/Role OpsAdmin until \d\d:\d\d UTC/);
    await page.getByText(NOT_ROOT_REASON).waitFor({ state: 'visible' });
    await page.getByRole('button', { name: 'Back to RAM user' }).click();
    await page.getByTestId('role-session').waitFor({ state: 'detached' });
    await expect.poll(() => page.locator('header').innerText()).toContain('dev@1000000000000001.onaliyun.com');
  });

  it('an unknown account gets a clear message on the sign-in page', async () => {
    const page = await env.page();
    await page.goto(`${env.portal.url}/login`);
    await page.getByLabel('Account UID or alias').fill('no-such-account');
    await page.getByRole('button', { name: 'Continue with SSO' }).click();
    await page.getByTestId('sso-error').waitFor();
    await expect.poll(() => page.getByTestId('sso-error').innerText()).toContain('No account has this UID or alias');
  });
});
