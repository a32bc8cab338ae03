// The dashboard in Chromium (issue 27), on the demo history: a lead on a 390 px wide screen sees every
// member, axe finds nothing serious, and a number leads to the queue listing that many cases; an agent,
// without JavaScript, sees the team and their own row and switches the range.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { openPage, useBrowserPortal } from '../support/browser';
import { totpNow } from '~/staff/totp.server';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '~/demo/seed.server';
import { seedHistory } from '~/demo/history-seed.server';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

describe('the dashboard (Chromium)', () => {
  const env = useBrowserPortal();
  beforeAll(async () => {
    await seedHistory(env.portal.db);
  });

  async function staffSignIn(page: Page, email: string) {
    await env.portal.db.prisma.staff.update({ where: { email }, data: { totpLastStep: null } });
    await page.goto(`${env.portal.url}/staff/login`);
    await page.getByLabel('Work email').fill(email);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Authentication code').fill(totpNow(DEMO_TOTP_SECRET));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/staff\/dashboard$/);
  }

  async function seriousFindings(page: Page) {
    const result = await new AxeBuilder({ page }).withTags(TAGS).analyze();
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.id}: ${v.help} (${v.nodes
            .slice(0, 3)
            .map((n) => n.target.join(' '))
            .join(', ')})`,
      );
  }

  it('a lead at 390 px: every member, charts with tables, no serious axe finding; a number leads to the queue with that many cases', async () => {
    const { page, errors, close } = await openPage(env.browser);
    await page.setViewportSize({ width: 390, height: 844 });
    await staffSignIn(page, 'senior@support.example.com');
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    expect(await page.getByTestId('dashboard-empty').count()).toBe(0);
    // Five charts, each an image named by its title, with its numbers in a table.
    expect(await page.locator('svg[role=img]').count()).toBe(5);
    for (const title of [
      'Cases filed',
      'Cases decided, by outcome',
      'Time from filing to decision',
      'Within SLA, approval rate and high risk',
      'Most frequent risk signals',
    ]) {
      await page.getByRole('img', { name: title }).waitFor();
      expect(await page.getByRole('table', { name: `${title}: the numbers` }).count(), title).toBe(1);
    }
    expect(await page.getByTestId('person-row').allInnerTexts()).toEqual([
      expect.stringMatching(/^Sam Agent\t/),
      expect.stringMatching(/^Sasha Senior \(you\)\t/),
    ]);
    // Readable at 390 px: nothing makes the page wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: '/tmp/dashboard-lead-390.png', fullPage: true });
    for (const id of ['decided', 'signals'])
      await page.getByTestId(`chart-${id}`).screenshot({ path: `/tmp/dashboard-${id}-390.png` });
    expect(await seriousFindings(page)).toEqual([]);
    await page.goto(`${env.portal.url}/staff/dashboard?range=12m`);
    await page.getByRole('img', { name: 'Cases filed' }).waitFor();
    expect(await seriousFindings(page)).toEqual([]);
    await page.goto(`${env.portal.url}/staff/dashboard`);

    // Follow "waiting for the customer" to the queue: it lists exactly that many.
    const tile = page.getByTestId('now-awaiting');
    const figure = await tile.locator('.figure').innerText();
    expect(Number(figure)).toBeGreaterThan(0);
    await tile.click();
    await page.waitForURL(/\/staff\/appeals\?status=AWAITING_CUSTOMER$/);
    await expect
      .poll(() => page.getByTestId('queue-count').innerText())
      .toBe(`${figure} appeal${figure === '1' ? '' : 's'} match.`);
    expect(errors.filter((e) => !e.startsWith('Failed to load resource'))).toEqual([]);
    await close();
  });

  it('an agent without JavaScript: the team and their own row, the range picker, a number to the queue (axe needs scripts: the lead’s test scans both ranges)', async () => {
    const context = await env.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await staffSignIn(page, 'agent@support.example.com');
    expect(await page.getByTestId('person-row').allInnerTexts()).toEqual([
      expect.stringMatching(/^Sam Agent \(you\)\t/),
    ]);
    expect(await page.getByTestId('team-row').innerText()).toMatch(/^Team \(2\)\t/);
    expect(await page.getByRole('table', { name: 'Cases filed: the numbers' }).locator('tbody tr').count()).toBe(30);
    await page.getByLabel('Range', { exact: true }).selectOption('12m');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/\/staff\/dashboard\?range=12m$/);
    expect(await page.getByRole('table', { name: 'Cases filed: the numbers' }).locator('tbody tr').count()).toBe(52);
    const open = page.getByTestId('now-open');
    const figure = await open.locator('.figure').innerText();
    await open.click();
    await page.waitForURL(/\/staff\/appeals\?status=open$/);
    expect(await page.getByTestId('queue-count').innerText()).toBe(`${figure} appeals match.`);
    await context.close();
  });
});
