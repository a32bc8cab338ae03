import { describe, expect, it } from 'vitest';
import {
  isSameDocument,
  markDocument,
  waitForMessage,
  useBrowserPortal,
  waitForReactHandlers,
} from '../support/browser';
import { pdfBytes, pngBytes } from '../support/files';
import { totpNow } from '~/staff/totp.server';
import { DEMO_TOTP_SECRET } from '~/demo/seed.server';
import { newToken, sha256 } from '~/lib/tokens.server';
import { makeAppeal } from '../support/backoffice';
import { performDueHandovers } from '~/appeals/handover.server';

describe('filing and following an appeal in Chromium', () => {
  const env = useBrowserPortal();

  it("someone who forgot Alice's logon email files an appeal with files, proves the new email, tracks it and replies", async () => {
    const page = await env.page();
    await page.goto(`${env.portal.url}/login`);
    await page.getByRole('link', { name: 'Forgot your logon email?' }).click();
    await page.waitForURL(/\/appeals\/new/);

    // Step 1: prove the new email with the code from the dev outbox.
    await expect.poll(() => page.getByLabel('I forgot my logon email').isChecked()).toBe(true);
    await page.getByLabel('New logon email').fill('alice.recovered@corp.example');
    await page.getByRole('button', { name: 'Get verification code' }).click();
    const { match } = await waitForMessage(env.portal.url, 'alice.recovered@corp.example', /code is (\d{6})/);
    await page.getByLabel('Verification code', { exact: true }).fill(match[1]);
    await page.getByRole('button', { name: 'Verify email' }).click();
    await page.getByText('New logon email verified').waitFor();

    // Step 2: details and evidence.
    await page.getByLabel('Account ID (UID)').fill('1000000000000001');
    await page.getByLabel('Full name or company name on the account').fill('Alice Chen');
    await page.getByLabel('Amount of the last payment').fill('128.00');
    await page.getByLabel('Currency of the last payment').selectOption('CNY');
    await page.getByLabel('When was the account created? (approximately)').fill('2019-03');
    await page.setInputFiles('#file-idDocument', { name: 'id-card.png', mimeType: 'image/png', buffer: pngBytes() });
    await page.setInputFiles('#file-paymentRecord', {
      name: 'invoice.pdf',
      mimeType: 'application/pdf',
      buffer: pdfBytes(),
    });
    await page.getByRole('button', { name: 'Submit appeal' }).click();
    await page.getByRole('heading', { name: 'Appeal submitted' }).waitFor();
    await expect.poll(() => page.title()).toBe('Appeal submitted — Account Recovery Desk');
    const caseNumber = /AP-\d{8}-\d{6}/.exec(await page.locator('main').innerText())?.[0];
    expect(caseNumber).toBeTruthy();

    // The tracking link arrives at the new address.
    const mail = await waitForMessage(env.portal.url, 'alice.recovered@corp.example', /(http\S+\/appeals\/track\/\S+)/);
    await page.goto(mail.match[1]);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe(`Appeal ${caseNumber}`);
    await expect.poll(() => page.getByTestId('appeal-status').innerText()).toContain("We're reviewing your appeal");

    await page.getByLabel('Your message').fill('I can also send my last invoice.');
    await page.setInputFiles('#reply-files', { name: 'second.png', mimeType: 'image/png', buffer: pngBytes() });
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByText('I can also send my last invoice.').waitFor();
    await expect.poll(() => page.locator('main').innerText()).toContain('Attached: second.png');
    // Sent: the page says so and the form is empty again, so nothing invites sending it twice.
    await page.getByRole('status').filter({ hasText: 'Your reply was sent.' }).waitFor();
    await expect.poll(() => page.getByLabel('Your message').inputValue()).toBe('');
    await expect
      .poll(() => page.locator('#reply-files').evaluate((input: HTMLInputElement) => input.files?.length))
      .toBe(0);

    const appeal = await env.portal.db.prisma.appeal.findUniqueOrThrow({
      where: { caseNumber: caseNumber! },
      include: { evidence: true },
    });
    expect(appeal.accountUid).toBe('1000000000000001');
    expect(appeal.evidence.map((e) => e.originalName).sort()).toEqual(['id-card.png', 'invoice.pdf', 'second.png']);
  });

  it('the agent signs in with TOTP, claims that appeal, asks for information, the customer replies, the agent approves; after the hold the customer sets a password and signs in with the new email', async () => {
    const appeal = await env.portal.db.prisma.appeal.findFirstOrThrow({
      where: { newEmail: 'alice.recovered@corp.example' },
    });
    const agent = await env.page();
    await agent.goto(`${env.portal.url}/staff/login`);
    await agent.getByLabel('Work email').fill('agent@support.example.com');
    await agent.getByLabel('Password').fill('demo-Passw0rd!');
    await agent.getByRole('button', { name: 'Continue' }).click();
    await agent.getByLabel('Authentication code').fill(totpNow(DEMO_TOTP_SECRET));
    await agent.getByRole('button', { name: 'Sign in' }).click();
    await agent.waitForURL(/\/staff\/dashboard$/);
    await agent.goto(`${env.portal.url}/staff/appeals`);
    // The case numbers are plain links the queue's table opens inside the app (useInAppLinks): once
    // the page is hydrated, a click changes the page without loading a new document.
    await waitForReactHandlers(agent, 'tbody');
    // A click with a modifier key or the middle button stays the browser's (a new tab or window):
    // the handler leaves it alone. The window, after React, notes that and stops the browser here.
    const leftToTheBrowser = await agent.evaluate((caseNumber) => {
      const link = [...document.querySelectorAll('tbody a')].find((a) => a.textContent === caseNumber)!;
      return [{ ctrlKey: true }, { metaKey: true }, { shiftKey: true }, { button: 1 }].map((init) => {
        let prevented: boolean | null = null;
        const note = (event: Event) => {
          prevented = event.defaultPrevented;
          event.preventDefault();
        };
        window.addEventListener('click', note, { once: true });
        link.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, ...init }));
        return prevented;
      });
    }, appeal.caseNumber);
    expect(leftToTheBrowser).toEqual([false, false, false, false]);
    await markDocument(agent);
    await agent.getByRole('link', { name: appeal.caseNumber }).click();
    await agent.getByRole('button', { name: 'Claim' }).click();
    expect(await isSameDocument(agent)).toBe(true);
    await agent.getByText('The case is yours.').waitFor();

    await agent
      .getByLabel('Ask the customer for more information')
      .fill('Please send the invoice of your last payment.');
    await agent.getByRole('button', { name: 'Request information' }).click();
    await agent.getByText('The SLA is paused').waitFor();

    // The customer answers through the (new) tracking link in the "more information" mail.
    const mail = await waitForMessage(env.portal.url, 'alice.recovered@corp.example', /(http\S+\/appeals\/track\/\S+)/);
    const customer = await env.page();
    await customer.goto(mail.match[1]);
    await expect.poll(() => customer.getByTestId('appeal-status').innerText()).toContain('We need more information');
    await customer.getByLabel('Your message').fill('Here is the invoice.');
    await customer.setInputFiles('#reply-files', {
      name: 'invoice-oct.pdf',
      mimeType: 'application/pdf',
      buffer: pdfBytes(),
    });
    await customer.getByRole('button', { name: 'Send reply' }).click();
    await customer.getByText('Here is the invoice.').waitFor();

    await agent.reload();
    await expect.poll(() => agent.locator('main').innerText()).toContain('status in review');
    for (const box of await agent.getByRole('checkbox').all()) await box.check();
    await agent.getByRole('button', { name: 'Save checklist' }).click();
    await agent.getByText('Checklist saved.').waitFor();
    await agent.getByRole('button', { name: 'Approve', exact: true }).click();
    // The approval waits for the hold (24 hours): Alice's account is unchanged until then.
    await agent.getByText('The change takes effect on').first().waitFor();
    await agent.getByTestId('on-hold').waitFor();
    expect(
      (await env.portal.db.prisma.account.findUniqueOrThrow({ where: { uid: '1000000000000001' } })).logonEmail,
    ).toBe('alice@example.com');
    // The approval's mail carries a new tracking link (the older ones stop working).
    const approvedMail = await waitForMessage(
      env.portal.url,
      'alice.recovered@corp.example',
      /approved[\s\S]*?(http\S+\/appeals\/track\/\S+)/,
    );
    await customer.goto(approvedMail.match[1]);
    await expect
      .poll(() => customer.getByTestId('appeal-status').innerText())
      .toContain('Approved — the change takes effect on');

    // The job after the hold hands over; the new owner gets a link to set the password.
    expect(await performDueHandovers(env.portal.services, new Date(Date.now() + 25 * 3600_000))).toEqual({
      handedOver: 1,
      parked: 0,
    });
    const link = await waitForMessage(env.portal.url, 'alice.recovered@corp.example', /(http\S+\/password\/set\/\S+)/);
    const owner = await env.page();
    await owner.goto(link.match[1]);
    await owner.getByLabel('New password', { exact: true }).fill('Tangerine-Harbor-8142');
    await owner.getByLabel('Repeat the new password').fill('Tangerine-Harbor-8142');
    await owner.getByRole('button', { name: 'Set password' }).click();
    await owner.waitForURL(/\/login\?password=set$/);
    await owner.getByText('Your password is set.').waitFor();
    await owner.getByLabel('Logon name').fill('alice.recovered@corp.example');
    await owner.getByLabel('Password').fill('Tangerine-Harbor-8142');
    await owner.getByRole('button', { name: 'Sign in' }).click();
    await owner.waitForURL(/\/account\/security$/);
    await owner.getByRole('heading', { name: 'Security Settings', level: 1 }).waitFor();
    await expect.poll(() => owner.locator('main').innerText()).toContain('a***d@corp.example');
  });

  it('withdrawing asks first: Keep my appeal leaves it open, Yes, withdraw closes it', async () => {
    const token = newToken();
    const appeal = await makeAppeal(env.portal.db.prisma, env.portal.services.evidence, {
      trackingTokenHash: sha256(token),
    });
    const page = await env.page();
    await page.goto(`${env.portal.url}/appeals/track/${token}`);
    await waitForReactHandlers(page, 'main');
    await page.getByRole('button', { name: 'Withdraw appeal' }).click();
    const question = page.getByRole('heading', { name: 'Withdraw this appeal?' });
    await question.waitFor();
    await expect.poll(() => question.evaluate((h) => h === document.activeElement)).toBe(true);
    await page.getByRole('link', { name: 'Keep my appeal' }).click();
    await page.getByRole('button', { name: 'Withdraw appeal' }).waitFor();
    expect((await env.portal.db.prisma.appeal.findUniqueOrThrow({ where: { id: appeal.id } })).status).toBe(
      'SUBMITTED',
    );
    await page.getByRole('button', { name: 'Withdraw appeal' }).click();
    await page.getByRole('button', { name: 'Yes, withdraw' }).click();
    await page.getByText('Your appeal was withdrawn.').waitFor();
    expect((await env.portal.db.prisma.appeal.findUniqueOrThrow({ where: { id: appeal.id } })).status).toBe(
      'WITHDRAWN',
    );
  });

  it('the browser checks the form before posting (react-hook-form with the shared schema)', async () => {
    const page = await env.page();
    await page.goto(`${env.portal.url}/appeals/new?scenario=PHONE_UNAVAILABLE`);
    await page.getByLabel('New logon email').fill('not-an-email');
    await page.getByRole('button', { name: 'Get verification code' }).click();
    await page.getByText('Enter a valid email address, like name@example.com.').waitFor();
    const emailInput = page.getByLabel('New logon email');
    await expect.poll(() => emailInput.getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => emailInput.getAttribute('aria-describedby')).toMatch(/error/);
  });
});
