// The queue as an agent works it (Chromium): how many cases, pages both ways, where each case stands,
// searches by the start of a number or an email, and a filter that is not valid said next to it.
import { describe, expect, it } from 'vitest';
import { openPage, useBrowserPortal } from '../support/browser';
import { makeAppeal } from '../support/backoffice';
import { totpNow } from '~/staff/totp.server';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '~/demo/seed.server';

describe('the appeal queue in Chromium', () => {
  const env = useBrowserPortal();

  it('counts, pages forward and back, says where each case stands, finds by a prefix, and names an invalid filter', async () => {
    const prisma = env.portal.db.prisma;
    const agent = await prisma.staff.findUniqueOrThrow({ where: { email: 'agent@support.example.com' } });
    const base = Date.now();
    const made = [];
    for (let i = 0; i < 27; i++)
      made.push(
        await makeAppeal(prisma, null, {
          slaDueAt: new Date(base + (i + 2) * 3600_000),
          newEmail: `queue${i}@corp.example`,
        }),
      );
    // One released back to the queue, one waiting for the customer, one past its due date.
    await prisma.appeal.update({ where: { id: made[0].id }, data: { status: 'IN_REVIEW', assigneeId: null } });
    await prisma.appeal.update({
      where: { id: made[1].id },
      data: { status: 'AWAITING_CUSTOMER', assigneeId: agent.id, slaPausedAt: new Date() },
    });
    const late = await makeAppeal(prisma, null, {
      slaDueAt: new Date(base - 5 * 3600_000),
      newEmail: 'late.case@corp.example',
      submittedAt: new Date(base - 4 * 86400_000),
    });

    const { page, errors, close } = await openPage(env.browser);
    await prisma.staff.update({ where: { id: agent.id }, data: { totpLastStep: null } });
    await page.goto(`${env.portal.url}/staff/login`);
    await page.getByLabel('Work email').fill(agent.email);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Authentication code').fill(totpNow(DEMO_TOTP_SECRET));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/staff\/dashboard$/);
    await page.goto(`${env.portal.url}/staff/appeals`);

    await expect.poll(() => page.getByTestId('queue-count').innerText()).toBe('28 appeals match.');
    const rowOf = (caseNumber: string) => page.getByRole('row').filter({ hasText: caseNumber });
    const lateRow = await rowOf(late.caseNumber).innerText();
    expect(lateRow).toMatch(/4 d\b/);
    expect(lateRow).toMatch(/breached 5 h ago/);
    expect(await rowOf(made[0].caseNumber).innerText()).toContain('unassigned');
    expect(await rowOf(made[1].caseNumber).innerText()).toContain('paused — waiting for the customer');
    expect(await rowOf(made[5].caseNumber).innerText()).toMatch(/due in \d+ h/);

    // Next, then back: the first page again.
    const firstPage = await page.getByTestId('queue').locator('tbody tr').allInnerTexts();
    expect(firstPage).toHaveLength(25);
    await expect.poll(() => page.getByRole('link', { name: 'Previous page' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Next page' }).click();
    await page.getByRole('link', { name: 'Previous page' }).waitFor();
    await expect.poll(() => page.getByTestId('queue').locator('tbody tr').count()).toBe(3);
    await page.getByRole('link', { name: 'Previous page' }).click();
    await expect.poll(() => page.getByTestId('queue').locator('tbody tr').allInnerTexts()).toEqual(firstPage);

    // The start of a case number and of an email.
    const prefix = late.caseNumber.slice(0, -1);
    await page.getByLabel('Search').fill(prefix);
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.getByTestId('queue').innerText()).toContain(late.caseNumber);
    await page.getByLabel('Search').fill('late.ca');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.getByTestId('queue-count').innerText()).toBe('1 appeal match.');

    // An invalid value is named at its field, and no queue is shown as if it were not set.
    const refused = await page.goto(`${env.portal.url}/staff/appeals?assignee=not-a-uuid`);
    expect(refused?.status()).toBe(400);
    const assignee = page.getByLabel('Assignee');
    expect(await assignee.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`#${await assignee.getAttribute('aria-describedby')}`).innerText()).toBe(
      'Choose an assignee from the list.',
    );
    await expect
      .poll(() => page.getByTestId('queue-count').innerText())
      .toBe('Correct the filter marked above to see the queue.');
    await expect
      .poll(() => page.getByTestId('queue').locator('tbody tr').innerText())
      .toBe('No appeals match these filters.');
    await page.goto(`${env.portal.url}/staff/appeals?q=${'x'.repeat(255)}`);
    await expect.poll(() => page.locator('#f-q-error').innerText()).toMatch(/at most 254 characters/);
    expect(errors.filter((e) => !e.startsWith('Failed to load resource'))).toEqual([]);
    await close();
  });
});
