// The owner's side of recovery in Chromium: the stop link from the warning, and the "This wasn't me"
// appeal from a security notice, filed with JavaScript on.
import { describe, expect, it } from 'vitest';
import { useBrowserPortal, waitForMessage, waitForReactHandlers } from '../support/browser';
import { HttpClient } from '../support/http';
import { BASE_DETAILS, postAppeal } from '../support/appeals';
import { pngBytes } from '../support/files';
import { newToken, sha256 } from '~/lib/tokens.server';

describe('recovery in Chromium: the owner stops an appeal, the "This wasn\'t me" appeal is filed', () => {
  const env = useBrowserPortal();

  it("Bob follows the warning's link and stops an appeal someone filed for his account", async () => {
    const prisma = env.portal.db.prisma;
    const filed = await postAppeal(new HttpClient(env.portal.url), prisma, 'someone@corp.example', {
      ...BASE_DETAILS,
      givenUid: '1000000000000002',
      holderName: 'Bob Martin',
    });
    expect(filed.caseNumber, filed.text).toBeTruthy();
    const warning = await waitForMessage(env.portal.url, 'bob@example.com', /(http\S+\/appeals\/stop\/\S+)/);
    expect(warning.text).toContain(filed.caseNumber!);

    const page = await env.page();
    await page.goto(warning.match[1]);
    await waitForReactHandlers(page, 'main');
    await expect.poll(() => page.locator('main').innerText()).toContain(filed.caseNumber!);
    await page.getByRole('button', { name: 'Stop this — I still have access' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Appeal ${filed.caseNumber} is stopped.` })
      .waitFor();
    await expect
      .poll(async () => (await prisma.appeal.findUniqueOrThrow({ where: { caseNumber: filed.caseNumber! } })).status)
      .toBe('CANCELLED_BY_OWNER');
    // The appellant hears it, without a name.
    const told = await waitForMessage(env.portal.url, 'someone@corp.example', /The account owner stopped this request/);
    expect(told.text).not.toContain('bob');

    await page.reload();
    await page.getByText(`Appeal ${filed.caseNumber} was already stopped.`).waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Stop this — I still have access' }).count()).toBe(0);
  });

  it('the "This wasn\'t me" link opens the appeal bound to the account, and it submits with JavaScript on', async () => {
    const prisma = env.portal.db.prisma;
    const token = newToken();
    await prisma.securityNoticeToken.create({
      data: {
        tokenHash: sha256(token),
        accountUid: '1000000000000002',
        kind: 'LOGON_EMAIL_CHANGED',
        data: { oldEmailMasked: 'b***b@example.com', newEmailMasked: 'h***r@evil.example' },
        expiresAt: new Date(Date.now() + 86_400_000),
      },
    });
    const page = await env.page();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${env.portal.url}/security/not-me/${token}`);
    await page.waitForURL(/\/appeals\/new\?scenario=EMAIL_CHANGED_NOT_ME/);
    await page.getByText('b***b@example.com').waitFor();
    await waitForReactHandlers(page, 'form');

    await page.getByLabel('New logon email').fill('bob.is.back@corp.example');
    await page.getByRole('button', { name: 'Get verification code' }).click();
    const code = await waitForMessage(env.portal.url, 'bob.is.back@corp.example', /code is (\d{6})/);
    await page.getByLabel('Verification code', { exact: true }).fill(code.match[1]);
    await page.getByRole('button', { name: 'Verify email' }).click();
    await page.getByText('New logon email verified').waitFor();

    // No identification fields: the notice names the account.
    await expect.poll(() => page.getByLabel('Account ID (UID)').count()).toBe(0);
    await waitForReactHandlers(page, 'form[enctype="multipart/form-data"]');
    await page.getByLabel('Full name or company name on the account').fill('Bob Martin');
    await page.getByLabel('Amount of the last payment').fill('20.00');
    await page.getByLabel('Currency of the last payment').selectOption('USD');
    await page.getByLabel('When was the account created? (approximately)').fill('2021-07');
    await page.setInputFiles('#file-idDocument', { name: 'passport.png', mimeType: 'image/png', buffer: pngBytes() });
    const posted: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && posted.push(r.url()));
    await page.getByRole('button', { name: 'Submit appeal' }).click();
    await page.getByRole('heading', { name: 'Appeal submitted' }).waitFor();
    expect(posted).toHaveLength(1);
    expect(errors).toEqual([]);

    const appeal = await prisma.appeal.findFirstOrThrow({ where: { newEmail: 'bob.is.back@corp.example' } });
    expect(appeal).toMatchObject({ accountUid: '1000000000000002', origin: 'NOT_ME_LINK', priority: 10 });

    // The link worked once: opened again it names the case instead of opening a second appeal.
    const again = await env.page();
    await again.goto(`${env.portal.url}/security/not-me/${token}`);
    await again.getByRole('heading', { name: 'This link was already used' }).waitFor();
    expect(await again.locator('main').innerText()).toContain(appeal.caseNumber);
  });
});
