// The back office in Chromium: where an admin lands, and a refusal inside the frame.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage, useBrowserPortal } from '../support/browser';
import { totpNow } from '~/staff/totp.server';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '~/db/seed.server';

/** Errors of the page's scripts (hydration included); the 403 document logs a failed load too. */
const scriptErrors = (errors: string[]) => errors.filter((e) => !e.startsWith('Failed to load resource'));

describe('finding one\'s way in the back office (Chromium)', () => {
  const env = useBrowserPortal();

  async function staffSignIn(page: Page, email: string) {
    await env.portal.db.prisma.staff.update({ where: { email }, data: { totpLastStep: null } });
    await page.goto(`${env.portal.url}/staff/login`);
    await page.getByLabel('Work email').fill(email);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Authentication code').fill(totpNow(DEMO_TOTP_SECRET));
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('an admin lands on the staff administration; the queue refuses inside the frame and links back', async () => {
    const { page, errors, close } = await openPage(env.browser);
    await staffSignIn(page, 'admin@support.example.com');
    await page.waitForURL(/\/staff\/admin\/staff$/);
    const nav = page.getByRole('navigation', { name: 'Back office' });
    await nav.getByRole('link', { name: 'Audit log' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Appeal queue' }).count()).toBe(0);
    await page.goto(`${env.portal.url}/staff/appeals`);
    await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    expect(await page.title()).toBe('Not allowed — Back office');
    await page.getByTestId('allowed-pages').getByRole('link', { name: 'Audit log' }).click();
    await page.waitForURL(/\/staff\/admin\/audit/);
    expect(await nav.getByRole('link', { name: 'Staff' }).count()).toBe(1);
    expect(scriptErrors(errors)).toEqual([]);
    await close();
  });
});
