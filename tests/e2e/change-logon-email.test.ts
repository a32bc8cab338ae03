import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage, signInWithBrowser, useBrowserPortal, waitForMessage } from '../support/browser';

const CODE = /verification code is (\d{6})/;

describe('Change logon email in Chromium', () => {
  const env = useBrowserPortal();

  const newPage = () => openPage(env.browser);

  /** The newest code sent to `to` that is not one of `seen`. */
  async function freshCode(to: string, seen: string[] = []): Promise<string> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const { match } = await waitForMessage(env.portal.url, to, CODE);
      if (!seen.includes(match[1])) return match[1];
      if (Date.now() > deadline) throw new Error(`no new code for ${to}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function step1(page: Page, channelLabel: RegExp, to: string, masked: string) {
    await page.getByRole('link', { name: 'Change logon email' }).click();
    await page.waitForURL(/\/account\/security\/logon-email$/);
    await page.getByRole('heading', { name: 'Verify your identity' }).waitFor();
    // The code help panel is there, with the appeal for "both unavailable".
    await page.getByText("Didn't receive the code?").click();
    await page.getByRole('link', { name: 'both my phone and my email are unavailable' }).waitFor({ state: 'visible' });

    await page.getByLabel(channelLabel).check();
    await page.getByRole('button', { name: 'Get verification code' }).click();
    await page.getByText(`We sent a verification code to ${masked}`).waitFor();
    // The resend button counts down and is disabled meanwhile.
    const resend = page.getByRole('button', { name: /^Resend code \(\d+ s\)$/ });
    await resend.waitFor();
    expect(await resend.isDisabled()).toBe(true);
    // The countdown is not read out every second: the button is not live, and the live region stays empty until it ends.
    expect(await resend.getAttribute('aria-live')).toBeNull();
    await expect.poll(() => page.getByTestId('resend-ready').innerText()).toBe('');

    const code = await freshCode(to);
    await page.getByLabel('Verification code', { exact: true }).fill(code);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(/\/account\/security\/logon-email\/new$/);
  }

  /** Step 2; `confirmBy` is how the customer sends the code: a click on OK, a double click, or Enter in the code field. */
  async function step2(page: Page, newEmail: string, confirmBy: 'click' | 'double-click' | 'enter' = 'click') {
    await page.getByLabel('New logon email').fill(newEmail);
    await page.getByRole('button', { name: 'Get verification code' }).click();
    await page.getByText(`We sent a verification code to ${newEmail}`).waitFor();
    await page.getByText("Didn't receive the code?").waitFor();
    const code = await freshCode(newEmail);
    const field = page.getByLabel('Verification code', { exact: true });
    await field.fill(code);
    const posts: string[] = [];
    page.on('request', (r) => void (r.method() === 'POST' && posts.push(r.url())));
    if (confirmBy === 'enter') await field.press('Enter');
    else if (confirmBy === 'double-click') {
      // The server's answer is held back, so that the second click comes while the first confirmation
      // is on its way: that is when a second POST would reach the server and be refused (the code is
      // used up by the first), hiding the success. (Two clicks in one task cannot show it: the router
      // cancels the first submission before it is sent, guard or not.)
      let release = () => {};
      const held = new Promise<void>((r) => (release = r));
      await page.route(/\/account\/security\/logon-email\/new/, async (route) => {
        if (route.request().method() === 'POST') await held;
        await route.continue();
      });
      const sent = page.waitForRequest((r) => r.method() === 'POST');
      const ok = page.getByRole('button', { name: 'OK' });
      await ok.click();
      await sent;
      // A click by script, as a user's would be: Playwright's own click waits for the button to be enabled.
      await ok.evaluate((b: HTMLButtonElement) => b.click());
      await page.waitForTimeout(200); // room for a second submission to start, were there one
      release();
      await page.unrouteAll({ behavior: 'wait' });
    } else await page.getByRole('button', { name: 'OK' }).click();
    await page.waitForURL(/\/account\/security\/logon-email\/done$/);
    expect(posts, 'one confirmation posted').toHaveLength(1);
    await page.getByRole('heading', { name: 'Modification successful' }).waitFor();
  }

  async function expectSignIn(login: string, works: boolean) {
    const { page, close } = await newPage();
    if (works) {
      await signInWithBrowser(page, env.portal.url, login);
      await page.getByRole('heading', { level: 1, name: 'Security Settings' }).waitFor();
      await expect.poll(() => page.locator('main').innerText()).toContain(login.replace(/^(.).*(.)@/, '$1***$2@'));
    } else {
      await page.goto(`${env.portal.url}/login`);
      await page.getByLabel('Logon name').fill(login);
      await page.getByLabel('Password').fill('demo-Passw0rd!');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
      await expect
        .poll(() => page.getByRole('alert').innerText())
        .toContain('The logon name or password is incorrect.');
      expect(new URL(page.url()).pathname).toBe('/login');
    }
    await close();
  }

  it('Alice changes her logon email via her secure phone, then only the new email signs in', async () => {
    const { page, errors, close } = await newPage();
    await signInWithBrowser(page, env.portal.url, 'alice@example.com');
    await step1(page, /Secure phone/, '+8613800000001', '+86138****0001');
    await expect.poll(() => page.locator('main').innerText()).toContain('a***e@example.com');
    // A second click on OK while the first is on its way changes the address once and shows the result (not "Unknown request.").
    await step2(page, 'alice.e2e@example.org', 'double-click');
    // "Modification successful" shows the whole new address to the person who just typed it (issue 24).
    await expect.poll(() => page.locator('main').innerText()).toContain('is now alice.e2e@example.org.');
    expect(
      await env.portal.db.prisma.auditEvent.count({
        where: { action: 'logon_email.changed', accountUid: '1000000000000001' },
      }),
    ).toBe(1);
    expect(errors.filter((e) => /Content Security Policy|hydrat/i.test(e))).toEqual([]);
    await close();

    await expectSignIn('alice.e2e@example.org', true);
    await expectSignIn('alice@example.com', false);
  });

  it('Bob, who has no secure phone, changes his logon email via the original logon email', async () => {
    const { page, errors, close } = await newPage();
    await signInWithBrowser(page, env.portal.url, 'bob@example.com');
    // Only the email channel is offered.
    await page.getByRole('link', { name: 'Change logon email' }).click();
    await page.getByRole('heading', { name: 'Verify your identity' }).waitFor();
    await expect.poll(() => page.getByRole('radio').count()).toBe(1);
    await expect.poll(() => page.getByLabel(/Secure phone/).count()).toBe(0);
    await page.goto(`${env.portal.url}/account/security`);
    await step1(page, /Original logon email/, 'bob@example.com', 'b***b@example.com');

    // The browser checks the address with the server's schema before posting.
    await page.getByLabel('New logon email').fill('not-an-email');
    await page.getByRole('button', { name: 'Get verification code' }).click();
    await page.getByText('Enter a valid email address, like name@example.com.').waitFor();
    // An address in use is refused by the server with the FAQ's two ways out, and no code goes there.
    await page.getByLabel('New logon email').fill('alice.e2e@example.org');
    await page.getByRole('button', { name: 'Get verification code' }).click();
    await page.getByTestId('email-in-use').waitFor();
    await expect
      .poll(() => page.getByTestId('email-in-use').innerText())
      .toContain('Use an email address that has not been registered.');
    await expect
      .poll(() => page.getByRole('link', { name: 'How do I reset a forgotten password?' }).getAttribute('href'))
      .toBe('/password-reset');

    // Enter in the code field confirms (it used to press the first button of the form, "Resend code").
    await step2(page, 'bob.e2e@example.net', 'enter');
    expect(errors.filter((e) => /Content Security Policy|hydrat/i.test(e))).toEqual([]);
    await close();

    await expectSignIn('bob.e2e@example.net', true);
    await expectSignIn('bob@example.com', false);
  });
});
