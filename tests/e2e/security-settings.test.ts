import { describe, expect, it } from 'vitest';
import {
  isSameDocument,
  markDocument,
  signInWithBrowser,
  useBrowserPortal,
  waitForReactHandlers,
} from '../support/browser';
import { NOT_ROOT_REASON } from '~/authz/ability';

describe('Security Settings in Chromium', () => {
  const env = useBrowserPortal();

  it('Alice signs in and sees her Security Settings with the Change button', async () => {
    const page = await env.page();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await signInWithBrowser(page, env.portal.url, 'alice@example.com');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Security Settings');
    const main = await page.locator('main').innerText();
    expect(main).toContain('1000000000000001');
    expect(main).toContain('a***e@example.com');
    await expect.poll(() => page.getByRole('link', { name: 'Change logon email' }).isVisible()).toBe(true);
    expect(main).not.toContain(NOT_ROOT_REASON);
    // The page hydrated under the nonce CSP: no script was blocked.
    expect(errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
    // The header's links are plain links the header opens inside the app (useInAppLinks): once
    // hydrated, going to Account Management (the Account Center) and back loads no new document.
    await waitForReactHandlers(page, '.site-header .inner');
    await markDocument(page);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Account Management', exact: true })
      .click();
    await page.waitForURL(/\/account$/);
    await page.getByRole('heading', { level: 1, name: 'Account Center' }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Security Settings' }).click();
    await page.getByRole('heading', { level: 1, name: 'Security Settings' }).waitFor();
    expect(await isSameDocument(page)).toBe(true);
  });

  it('the RAM user sees the reason instead of the Change button', async () => {
    const page = await env.page();
    await signInWithBrowser(page, env.portal.url, 'dev@1000000000000001.onaliyun.com');
    await page.getByText(NOT_ROOT_REASON).waitFor({ state: 'visible' });
    await expect.poll(() => page.getByRole('link', { name: 'Change logon email' }).count()).toBe(0);
  });

  it('a wrong password shows the generic message and keeps the visitor on the sign-in page', async () => {
    const page = await env.page();
    await page.goto(`${env.portal.url}/login`);
    await page.getByLabel('Logon name').fill('alice@example.com');
    await page.getByLabel('Password').fill('wrong-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('The logon name or password is incorrect.');
    expect(new URL(page.url()).pathname).toBe('/login');
  });
});
