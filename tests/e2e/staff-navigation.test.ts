// The back office in Chromium: where an admin lands, a refusal inside the frame, and the case page
// telling why Approve stays disabled while boxes are ticked but not saved.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage, useBrowserPortal, waitForReactHandlers } from '../support/browser';
import { makeAppeal } from '../support/backoffice';
import { totpNow } from '~/staff/totp.server';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '~/demo/seed.server';

/** Errors of the page's scripts (hydration included); the 403 document and the test case's absent evidence file log a failed load too. */
const scriptErrors = (errors: string[]) => errors.filter((e) => !e.startsWith('Failed to load resource'));

describe("finding one's way in the back office (Chromium)", () => {
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

  it('an admin lands on the dashboard; the queue refuses inside the frame and links back', async () => {
    const { page, errors, close } = await openPage(env.browser);
    await staffSignIn(page, 'admin@support.example.com');
    await page.waitForURL(/\/staff\/dashboard$/);
    const nav = page.getByRole('navigation', { name: 'Back office' });
    await nav.getByRole('link', { name: 'Audit log' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Appeal queue' }).count()).toBe(0);
    await page.goto(`${env.portal.url}/staff/appeals`);
    await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    await expect.poll(() => page.title()).toBe('Not allowed — Back office');
    await page.getByTestId('allowed-pages').getByRole('link', { name: 'Audit log' }).click();
    await page.waitForURL(/\/staff\/admin\/audit/);
    expect(await nav.getByRole('link', { name: 'Staff' }).count()).toBe(1);
    expect(scriptErrors(errors)).toEqual([]);
    await close();
  });

  it('the case page says why Approve is disabled: what is missing, then that ticked boxes count once saved', async () => {
    const prisma = env.portal.db.prisma;
    const agent = await prisma.staff.findUniqueOrThrow({ where: { email: 'agent@support.example.com' } });
    const owner = await prisma.account.create({
      data: { uid: '1000000000000991', logonEmail: 'e2e-nav@example.com', passwordHash: 'x', holderName: 'Nav Owner' },
    });
    const appeal = await makeAppeal(prisma, null, {
      accountUid: owner.uid,
      givenUid: owner.uid,
      holderName: 'Nav Owner',
      newEmail: 'e2e-nav@1000000000000991.example',
      status: 'IN_REVIEW',
      assigneeId: agent.id,
    });
    const { page, errors, close } = await openPage(env.browser);
    await staffSignIn(page, 'agent@support.example.com');
    await page.waitForURL(/\/staff\/dashboard$/);
    await page.goto(`${env.portal.url}/staff/appeals/${appeal.id}`);
    await waitForReactHandlers(page, 'form');
    const approve = page.getByRole('button', { name: 'Approve', exact: true });
    const hint = page.locator('#approve-hint');
    expect(await approve.isDisabled()).toBe(true);
    expect(await approve.getAttribute('aria-describedby')).toBe('approve-hint');
    expect(await hint.textContent()).toContain('Not checked yet:');
    for (const box of await page.getByRole('checkbox').all()) await box.check();
    await page.getByText('ticked boxes count once “Save checklist” is pressed').waitFor();
    expect(await approve.isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Save checklist' }).click();
    await page.getByText('Checklist saved.').waitFor();
    await page.waitForFunction(() => !document.querySelector('#approve-hint'));
    expect(await approve.isDisabled()).toBe(false);
    expect(await approve.getAttribute('aria-describedby')).toBeNull();
    expect(scriptErrors(errors)).toEqual([]);
    await close();
  });

  it('the case page removes the member from "also looking" when they leave it, in the app or away from it', async () => {
    const prisma = env.portal.db.prisma;
    const senior = await prisma.staff.findUniqueOrThrow({ where: { email: 'senior@support.example.com' } });
    const appeal = await makeAppeal(prisma, null, { status: 'IN_REVIEW' });
    const seniorRow = () =>
      prisma.caseViewer.findUnique({ where: { appealId_staffId: { appealId: appeal.id, staffId: senior.id } } });
    const until = async (check: () => Promise<boolean>) => {
      for (const deadline = Date.now() + 10_000; !(await check());) {
        if (Date.now() > deadline) throw new Error('timed out');
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const { page, errors, close } = await openPage(env.browser);
    await staffSignIn(page, 'senior@support.example.com');
    await page.waitForURL(/\/staff\/dashboard$/);
    await page.goto(`${env.portal.url}/staff/appeals/${appeal.id}`);
    await waitForReactHandlers(page, 'form');
    expect(await seniorRow()).not.toBeNull();
    // Back to the queue inside the app: the page's leave removes the presence.
    await page.getByRole('link', { name: '← Queue' }).click();
    await page.waitForURL(/\/staff\/appeals$/);
    await until(async () => (await seniorRow()) === null);
    // Open again (written at once), then leave the document itself.
    await page.goto(`${env.portal.url}/staff/appeals/${appeal.id}`);
    await waitForReactHandlers(page, 'form');
    expect(await seniorRow()).not.toBeNull();
    await page.goto(`${env.portal.url}/staff/login`);
    await until(async () => (await seniorRow()) === null);
    expect(scriptErrors(errors)).toEqual([]);
    await close();
  });

  it('leaving one of two tabs on a case keeps the member present: the other tab reports at once', async () => {
    const prisma = env.portal.db.prisma;
    const senior = await prisma.staff.findUniqueOrThrow({ where: { email: 'senior@support.example.com' } });
    const appeal = await makeAppeal(prisma, null, { status: 'IN_REVIEW' });
    const seniorRow = () =>
      prisma.caseViewer.findUnique({ where: { appealId_staffId: { appealId: appeal.id, staffId: senior.id } } });
    const { page, errors, close } = await openPage(env.browser);
    await staffSignIn(page, 'senior@support.example.com');
    await page.waitForURL(/\/staff\/dashboard$/);
    await page.goto(`${env.portal.url}/staff/appeals/${appeal.id}`);
    await waitForReactHandlers(page, 'form');
    // A second tab of the same browser on the same case.
    const other = await page.context().newPage();
    await other.goto(`${env.portal.url}/staff/appeals/${appeal.id}`);
    await waitForReactHandlers(other, 'form');
    const before = (await seniorRow())!.lastSeenAt;
    // The first tab leaves: its leave removes the row, the other tab's report writes it again at once
    // (without it, the member was gone until that tab's next beat, up to 31 s later).
    await page.goto(`${env.portal.url}/staff/login`);
    for (const deadline = Date.now() + 10_000; ;) {
      const row = await seniorRow();
      if (row && row.lastSeenAt.getTime() > before.getTime()) break;
      if (Date.now() > deadline) throw new Error(`the other tab did not report: ${row ? 'row unchanged' : 'row gone'}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(scriptErrors(errors)).toEqual([]);
    await close();
  });

  it('staff administration with JavaScript: adding a member says so and empties the form; deactivating a member says so', async () => {
    const { page, errors, close } = await openPage(env.browser);
    await staffSignIn(page, 'admin@support.example.com');
    await page.waitForURL(/\/staff\/dashboard$/);
    await page.goto(`${env.portal.url}/staff/admin/staff`);
    await waitForReactHandlers(page, 'form');
    const form = page.getByRole('form', { name: 'Add a staff member' });
    await form.getByLabel('Work email').fill('e2e.added@support.example.com');
    await form.getByLabel('Name').fill('Eve Added');
    await form.getByRole('checkbox', { name: /Senior agent/ }).check();
    await form.getByRole('button', { name: 'Add and send invitation' }).click();
    const status = page.getByRole('status').filter({ hasText: 'Eve Added was added.' });
    await status.waitFor();
    expect(await form.getByLabel('Work email').inputValue()).toBe('');
    expect(await form.getByLabel('Name').inputValue()).toBe('');
    expect(await form.getByRole('checkbox', { name: /Senior agent/ }).isChecked()).toBe(false);
    expect(await form.getByRole('checkbox', { name: /^Agent/ }).isChecked()).toBe(true);
    // A row's act: its own status message.
    const row = page.getByTestId('staff-e2e.added@support.example.com');
    await row.getByRole('button', { name: 'Deactivate' }).click();
    // Asked first, the question taking focus; Cancel leaves the member active.
    const question = page.getByRole('heading', { name: 'Deactivate Eve Added?' });
    await question.waitFor();
    await expect.poll(() => question.evaluate((h) => h === document.activeElement)).toBe(true);
    await page.getByRole('link', { name: 'Cancel' }).click();
    await expect.poll(() => question.count()).toBe(0);
    expect(
      (await env.portal.db.prisma.staff.findUniqueOrThrow({ where: { email: 'e2e.added@support.example.com' } }))
        .active,
    ).toBe(true);
    await row.getByRole('button', { name: 'Deactivate' }).click();
    await page.getByRole('button', { name: 'Yes, deactivate' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Eve Added was deactivated and signed out everywhere.' })
      .waitFor();
    expect(scriptErrors(errors)).toEqual([]);
    await close();
  });
});
