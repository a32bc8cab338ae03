// Forms answered with errors in Chromium, with JavaScript (the page stays, the answer comes by fetch): focus moves to
// what went wrong, a refused password leaves its field, the appeal form keeps what was typed and the files chosen,
// and the tracking page says "reply sent" once.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { markDocument, isSameDocument, useBrowserPortal, waitForReactHandlers } from '../support/browser';
import { latestCodeFor } from '../support/appeals';
import { makeAppeal } from '../support/backoffice';
import { pngBytes } from '../support/files';
import { newToken, sha256 } from '~/lib/tokens.server';

/** What has focus: its tag, name, id and whether it is a form's error message. */
function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return {
      tag: el?.tagName.toLowerCase(),
      name: el?.getAttribute('name'),
      id: el?.id,
      formError: el?.hasAttribute('data-form-error') ?? false,
      text: el?.textContent ?? '',
    };
  });
}

describe('forms answered with errors, with JavaScript', () => {
  const env = useBrowserPortal({ config: { trustProxy: 1 } });

  it('a refused sign-in empties the password, keeps the logon name and moves focus to the error message', async () => {
    const page = await env.page();
    await page.goto(`${env.portal.url}/login`);
    await waitForReactHandlers(page, 'form[method="post"]');
    await markDocument(page);
    await page.getByLabel('Logon name').fill('alice@example.com');
    await page.getByLabel('Password').fill('wrong-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The logon name or password is incorrect.' }).waitFor();
    expect(await isSameDocument(page)).toBe(true);
    await page.waitForFunction(() => document.activeElement?.hasAttribute('data-form-error'));
    expect((await focused(page)).text).toContain('The logon name or password is incorrect.');
    await expect.poll(() => page.getByLabel('Password').inputValue()).toBe('');
    await expect.poll(() => page.getByLabel('Logon name').inputValue()).toBe('alice@example.com');
  });

  it('a refused staff sign-in empties the password and keeps the work email', async () => {
    const page = await env.page({ extraHTTPHeaders: { 'X-Forwarded-For': '192.0.2.91' } });
    await page.goto(`${env.portal.url}/staff/login`);
    await waitForReactHandlers(page, 'form[method="post"]');
    await markDocument(page);
    await page.getByLabel('Work email').fill('agent@support.example.com');
    await page.getByLabel('Password').fill('wrong-password-1');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('alert').waitFor();
    expect(await isSameDocument(page)).toBe(true);
    await page.waitForFunction(() => document.activeElement?.hasAttribute('data-form-error'));
    await expect.poll(() => page.getByLabel('Password').inputValue()).toBe('');
    await expect.poll(() => page.getByLabel('Work email').inputValue()).toBe('agent@support.example.com');
  });

  it('a refused password reset empties both new passwords, keeps the code and moves focus to the field at fault', async () => {
    const page = await env.page({ extraHTTPHeaders: { 'X-Forwarded-For': '192.0.2.92' } });
    await page.goto(`${env.portal.url}/password-reset`);
    await waitForReactHandlers(page, 'form[method="post"]');
    await page.getByLabel('Logon email', { exact: true }).fill('bob@example.com');
    await page.getByRole('button', { name: 'Get verification code' }).click();
    await page.getByLabel('Verification code', { exact: true }).waitFor();
    await waitForReactHandlers(page, 'form[method="post"]');
    await markDocument(page);
    // A code that is certainly not the one sent.
    const sent = await latestCodeFor(env.portal.db.prisma, 'bob@example.com');
    const wrong = sent === '000000' ? '111111' : '000000';
    await page.getByLabel('Verification code', { exact: true }).fill(wrong);
    await page.getByLabel('New password', { exact: true }).fill('a-new-Passw0rd!');
    await page.getByLabel('Repeat the new password').fill('a-new-Passw0rd!');
    await page.getByRole('button', { name: 'Reset password' }).click();
    await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'code');
    expect(await isSameDocument(page)).toBe(true);
    await expect.poll(() => page.getByLabel('Verification code', { exact: true }).inputValue()).toBe(wrong);
    await expect.poll(() => page.getByLabel('New password', { exact: true }).inputValue()).toBe('');
    await expect.poll(() => page.getByLabel('Repeat the new password').inputValue()).toBe('');
  });

  it('the appeal form refused by the server keeps the text and the files chosen, and focus goes to the file at fault', async () => {
    const page = await env.page({ extraHTTPHeaders: { 'X-Forwarded-For': '192.0.2.92' } });
    await page.goto(`${env.portal.url}/appeals/new?scenario=FORGOT_LOGON_EMAIL`);
    const newEmail = `keep.${Date.now()}@corp.example`;
    await page.getByLabel('New logon email').fill(newEmail);
    await page.getByRole('button', { name: 'Get verification code' }).click();
    await page.locator('input[name=code]').waitFor();
    await page.locator('input[name=code]').fill(await latestCodeFor(env.portal.db.prisma, newEmail));
    await page.getByRole('button', { name: 'Verify email' }).click();
    await page.getByRole('button', { name: 'Submit appeal' }).waitFor();
    await waitForReactHandlers(page, 'form[enctype="multipart/form-data"]');
    await markDocument(page);

    await page.getByLabel('Account ID (UID)').fill('1000000000000001');
    await page.getByLabel('Full name or company name on the account').fill('Alice Chen');
    await page.getByLabel('Amount of the last payment').fill('128.00');
    await page.getByLabel('When was the account created? (approximately)').fill('2019-03');
    // A "PNG" whose bytes are text: only the server, which judges the content, refuses it.
    await page.setInputFiles('#file-idDocument', {
      name: 'id-card.png',
      mimeType: 'image/png',
      buffer: Buffer.from('not really a picture'),
    });
    await page.setInputFiles('#file-paymentRecord', { name: 'receipt.png', mimeType: 'image/png', buffer: pngBytes() });
    await page.getByRole('button', { name: 'Submit appeal' }).click();
    await page.locator('#file-idDocument[aria-invalid="true"]').waitFor();
    expect(await isSameDocument(page)).toBe(true);
    await page.waitForFunction(() => document.activeElement?.id === 'file-idDocument');
    await expect.poll(() => page.getByLabel('Account ID (UID)').inputValue()).toBe('1000000000000001');
    await expect
      .poll(() => page.getByLabel('Full name or company name on the account').inputValue())
      .toBe('Alice Chen');
    await expect
      .poll(() => page.getByLabel('When was the account created? (approximately)').inputValue())
      .toBe('2019-03');
    await expect
      .poll(() =>
        page
          .locator('#file-paymentRecord')
          .evaluate((input: HTMLInputElement) => [...(input.files ?? [])].map((f) => f.name)),
      )
      .toEqual(['receipt.png']);
    // The files are still there: no note to choose them again.
    await expect.poll(() => page.getByTestId('choose-files-again').count()).toBe(0);
  });

  it('a refused reply moves focus to its message field; "reply sent" is said once, not again on reload', async () => {
    const token = newToken();
    await makeAppeal(env.portal.db.prisma, env.portal.services.evidence, {
      trackingTokenHash: sha256(token),
      status: 'AWAITING_CUSTOMER',
    });
    const page = await env.page();
    await page.goto(`${env.portal.url}/appeals/track/${token}`);
    await waitForReactHandlers(page, 'form[enctype="multipart/form-data"]');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByText('Write a message, or attach a file.').waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'reply-body');
    await expect.poll(() => page.getByLabel('Your message').getAttribute('aria-describedby')).toBe('reply-body-error');

    await page.getByLabel('Your message').fill('The invoice is on its way.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByRole('status').filter({ hasText: 'Your reply was sent.' }).waitFor();
    const address = new URL(page.url());
    expect(address.pathname + address.search).toBe(`/appeals/track/${token}`);
    // The message field is empty again for a next reply.
    await expect.poll(() => page.getByLabel('Your message').inputValue()).toBe('');
    await page.reload();
    await page.getByText('The invoice is on its way.').waitFor();
    await expect.poll(() => page.getByText('Your reply was sent.').count()).toBe(0);
  });
});
