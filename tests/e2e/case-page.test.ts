// The case page as agents work it (Chromium): it never shows a stale state after a refused action, it
// learns within seconds that someone else changed the case, and it leads each member to their next step.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage, useBrowserPortal, waitForReactHandlers } from '../support/browser';
import { HttpClient } from '../support/http';
import { makeAppeal, signInStaff } from '../support/backoffice';
import { totpNow } from '~/staff/totp.server';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '~/demo/seed.server';
import { CASE_POLL_MS } from '~/appeals/presence';

describe('the case page in Chromium', () => {
  const env = useBrowserPortal();
  const prisma = () => env.portal.db.prisma;

  async function staffPage(email: string): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
    const { page, errors, close } = await openPage(env.browser);
    await prisma().staff.update({ where: { email }, data: { totpLastStep: null } });
    await page.goto(`${env.portal.url}/staff/login`);
    await page.getByLabel('Work email').fill(email);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Authentication code').fill(totpNow(DEMO_TOTP_SECRET));
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Signed in once the sign-in page is left (its own address matches /staff/ too).
    await page.waitForURL((url) => url.pathname.startsWith('/staff/') && !url.pathname.startsWith('/staff/login'));
    return { page, errors, close };
  }

  it('a claim refused because someone else claimed first shows who has the case, and no Claim button', async () => {
    const appeal = await makeAppeal(prisma(), null);
    const { page, close } = await staffPage('agent@support.example.com');
    await page.goto(`${env.portal.url}/staff/appeals/${appeal.id}`);
    await waitForReactHandlers(page, 'form');
    await expect.poll(() => page.getByTestId('assignee').innerText()).toBe('Assignee: nobody');
    // The senior agent claims it while the agent's page is open.
    const senior = new HttpClient(env.portal.url);
    await signInStaff(senior, prisma(), 'senior@support.example.com');
    expect((await senior.post(`/staff/appeals/${appeal.id}`, { intent: 'claim' })).status).toBe(200);

    await page.getByRole('button', { name: 'Claim' }).click();
    await page.getByRole('alert').filter({ hasText: 'Sasha Senior claimed this case first.' }).waitFor();
    await expect.poll(() => page.getByTestId('assignee').innerText()).toBe('Assignee: Sasha Senior');
    await expect.poll(() => page.getByRole('button', { name: 'Claim' }).count()).toBe(0);
    await expect
      .poll(() => page.getByTestId('checklist-locked').innerText())
      .toBe('Sasha Senior has this case: only they can decide it.');
    await close();
  });

  it('an open page learns within seconds that someone else decided the case, and reloads it on request', async () => {
    const senior = await prisma().staff.findUniqueOrThrow({ where: { email: 'senior@support.example.com' } });
    const appeal = await makeAppeal(prisma(), null, { status: 'IN_REVIEW', assigneeId: senior.id });
    const { page, close } = await staffPage('agent@support.example.com');
    await page.goto(`${env.portal.url}/staff/appeals/${appeal.id}`);
    await waitForReactHandlers(page, 'form');
    await expect.poll(() => page.getByTestId('case-changed').count()).toBe(0);
    // The customer writes (a new version of the case) while the page is open.
    await prisma().appeal.update({ where: { id: appeal.id }, data: { version: { increment: 1 } } });
    await prisma().appealMessage.create({
      data: { appealId: appeal.id, author: 'CUSTOMER', body: 'Here is my new passport scan.' },
    });
    const started = Date.now();
    await page.getByTestId('case-changed').waitFor({ timeout: CASE_POLL_MS * 3 });
    expect(Date.now() - started).toBeLessThan(CASE_POLL_MS * 2 + 1000);
    await expect.poll(() => page.locator('main').innerText()).not.toContain('Here is my new passport scan.');
    await page.getByRole('button', { name: 'Reload it' }).click();
    await page.getByText('Here is my new passport scan.').waitFor();
    await expect.poll(() => page.getByTestId('case-changed').count()).toBe(0);
    await close();
  });

  it('the order of work: the checklist waits for a claim, a note empties its box, the second approver is told first why', async () => {
    const agent = await prisma().staff.findUniqueOrThrow({ where: { email: 'agent@support.example.com' } });
    const appeal = await makeAppeal(prisma(), null);
    const { page, close } = await staffPage('agent@support.example.com');
    await page.goto(`${env.portal.url}/staff/appeals/${appeal.id}`);
    await waitForReactHandlers(page, 'form');
    await expect.poll(() => page.getByTestId('checklist-locked').innerText()).toBe('Claim the case to decide.');
    await expect.poll(() => page.getByRole('checkbox').first().isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Claim' }).click();
    await page.getByText('The case is yours.').waitFor();
    await expect.poll(() => page.getByRole('checkbox').first().isDisabled()).toBe(false);

    await page.getByLabel('Add a note').fill('Called the customer back.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByText('Note added.').waitFor();
    await expect.poll(() => page.getByLabel('Add a note').inputValue()).toBe('');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByText('Write the note.').waitFor();
    expect(await prisma().internalNote.count({ where: { appealId: appeal.id } })).toBe(1);
    await close();

    const pending = await makeAppeal(prisma(), null, {
      status: 'PENDING_SECOND_APPROVAL',
      riskLevel: 'HIGH',
      assigneeId: agent.id,
      firstApproverId: agent.id,
      firstApprovedAt: new Date(),
      riskSignals: [{ code: 'EVIDENCE_REUSED', label: 'The same evidence file was used in another appeal' }],
    });
    const senior = await staffPage('senior@support.example.com');
    await senior.page.goto(`${env.portal.url}/staff/appeals/${pending.id}`);
    const banner = senior.page.getByTestId('waits-for-you');
    await banner.waitFor();
    expect(await banner.innerText()).toContain(
      'This case waits for your second approval. Sam Agent approved it first.',
    );
    expect(await banner.innerText()).toContain('The same evidence file was used in another appeal');
    // It stands above the case's records: the first thing read after the heading.
    const order = await senior.page.evaluate(() => {
      const waits = document.querySelector('[data-testid="waits-for-you"]')!;
      const records = document.getElementById('appeal-h')!;
      return waits.compareDocumentPosition(records) & Node.DOCUMENT_POSITION_FOLLOWING;
    });
    expect(order).toBeTruthy();
    await senior.close();
  });

  it('evidence opens in a viewer (zoom, rotate, a new tab); viewing it again shows one timeline line with a count, each view audited', async () => {
    const appeal = await makeAppeal(prisma(), env.portal.services.evidence);
    const file = await prisma().evidenceFile.findFirstOrThrow({ where: { appealId: appeal.id } });
    const { page, errors, close } = await staffPage('agent@support.example.com');
    await page.goto(`${env.portal.url}/staff/appeals/${appeal.id}`);
    await waitForReactHandlers(page, '[role=toolbar] button');
    const image = page.getByTestId(`evidence-image-${file.id}`);
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await page.getByRole('button', { name: 'Rotate' }).click();
    await page.getByText('150 %, 90°').waitFor();
    expect(await image.evaluate((img) => img.style.transform)).toBe('scale(1.5) rotate(90deg)');
    const link = page.getByRole('link', { name: /Open in a new tab/ });
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('href')).toBe(`/staff/evidence/${file.id}`);
    // Two more views (images load lazily: in view).
    for (let i = 0; i < 2; i++) {
      await page.reload();
      await image.scrollIntoViewIfNeeded();
      await page.waitForFunction(
        (id) =>
          (document.querySelector(`[data-testid="evidence-image-${id}"]`) as HTMLImageElement | null)?.naturalWidth,
        file.id,
      );
    }
    await expect
      .poll(() => prisma().auditEvent.count({ where: { appealId: appeal.id, action: 'evidence.viewed' } }))
      .toBe(3);
    await page.reload();
    // The last load lists the three views before it as one line.
    const lines = await page
      .getByTestId('timeline')
      .locator('li')
      .filter({ hasText: 'Evidence viewed' })
      .allInnerTexts();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/Evidence viewed ×3 \(Sam Agent\) — id\.png last /);
    // Zoom and rotation are set by script: nothing the page's CSP refuses (a style attribute in the HTML).
    expect(errors.filter((e) => /Content Security Policy/.test(e))).toEqual([]);
    await close();
  });
});
