// Issue 24, customers, as a person sees them in Chromium: step 2 of the change shows the address its code
// went to (with "Use a different address"); focus and an announcement after each step; "Modification
// successful" with the whole address in that session only; the words Bob reads; the resend wait without
// JavaScript; the appeal form's checks before posting; the tracking page's card; the password row; the
// dev outbox's links.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage, signInWithBrowser, useBrowserPortal } from '../support/browser';
import { codeSentTo, createOwner } from '../support/accounts';
import { latestCodeFor } from '../support/appeals';
import { makeAppeal } from '../support/backoffice';
import { pngBytes } from '../support/files';
import { newToken, sha256 } from '~/lib/tokens.server';
import { ALICE_UID } from '~/demo/seed.server';
import { APPEAL_FORM_MESSAGES } from '~/appeals/schema';
import { enqueueEmail } from '~/outbox/outbox.server';
import { appealReceived } from '~/outbox/templates';

describe('issue 24, customer pages in Chromium', () => {
  const env = useBrowserPortal();
  const prisma = () => env.portal.db.prisma;

  /** Where focus is, and what the route announcer says. */
  const focusAndAnnouncement = (page: Page) =>
    page.evaluate(() => ({
      tag: document.activeElement?.tagName,
      text: document.activeElement?.textContent,
      said: document.querySelector('[data-testid=route-announcer]')?.textContent,
    }));

  it('the change of the logon email: focus and announcement per step, the address shown once its code is sent, "Use a different address", the whole new address on "Modification successful" in that session only', async () => {
    const owner = await createOwner(prisma(), { phone: true });
    const { page, errors, close } = await openPage(env.browser);
    const other = await openPage(env.browser);
    await signInWithBrowser(page, env.portal.url, owner.email);
    await signInWithBrowser(other.page, env.portal.url, owner.email);

    await page.getByRole('link', { name: 'Change logon email' }).click();
    await page.getByRole('heading', { name: 'Verify your identity' }).waitFor();
    // A client-side navigation: focus on the new page's heading, its title announced.
    await expect
      .poll(() => focusAndAnnouncement(page))
      .toEqual({ tag: 'H1', text: 'Change logon email', said: 'Verify your identity — Change logon email' });
    await page.getByRole('button', { name: 'Get verification code' }).click();
    await page.getByLabel('Verification code', { exact: true }).waitFor();
    await page.getByLabel('Verification code', { exact: true }).fill(await codeSentTo(prisma(), owner.phone!));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(/\/logon-email\/new$/);
    await expect
      .poll(() => focusAndAnnouncement(page))
      .toEqual({ tag: 'H1', text: 'Change logon email', said: 'New logon email — Change logon email' });

    const first = `first-${owner.uid}@corp.example`;
    await page.getByLabel('New logon email').fill(first);
    await page.getByRole('button', { name: 'Get verification code' }).click();
    await page.getByText(`We sent a verification code to ${first}`).waitFor();
    // The address is shown as text now: no field to edit (OK could only confirm the address the code went to).
    expect(await page.getByTestId('pending-email').innerText()).toContain(first);
    expect(await page.getByRole('textbox', { name: 'New logon email' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Use a different address' }).click();
    const field = page.getByRole('textbox', { name: 'New logon email' });
    await field.waitFor();
    expect(await field.inputValue()).toBe('');
    expect(await page.getByLabel('Verification code', { exact: true }).count()).toBe(0);

    // The next code waits for the minute after the last one (the server's rule, to any address): the button
    // counts it down. The minute is moved back in the database rather than waited for, and the page reloaded.
    expect(await page.getByRole('button', { name: /^Get verification code \(\d+ s\)$/ }).isDisabled()).toBe(true);
    await prisma().verification.updateMany({
      where: { accountUid: owner.uid, purpose: 'CHANGE_EMAIL_NEW' },
      data: { createdAt: new Date(Date.now() - 61_000) },
    });
    await page.reload();
    const second = `second-${owner.uid}@corp.example`;
    await field.fill(second);
    await page.getByRole('button', { name: 'Get verification code' }).click();
    await page.getByText(`We sent a verification code to ${second}`).waitFor();
    await page.getByLabel('Verification code', { exact: true }).fill(await codeSentTo(prisma(), second));
    await page.getByRole('button', { name: 'OK' }).click();
    await page.waitForURL(/\/logon-email\/done$/);
    await page.getByRole('heading', { name: 'Modification successful' }).waitFor();
    await expect
      .poll(() => focusAndAnnouncement(page))
      .toEqual({ tag: 'H1', text: 'Modification successful', said: 'Modification successful — Change logon email' });
    expect(await page.getByRole('status').filter({ hasText: 'is now' }).innerText()).toContain(`is now ${second}.`);
    expect((await prisma().account.findUniqueOrThrow({ where: { uid: owner.uid } })).logonEmail).toBe(second);
    expect(errors.filter((e) => /Content Security Policy|hydrat/i.test(e))).toEqual([]);

    // The other session was signed out by the change: the sign-in page says why.
    await other.page.goto(`${env.portal.url}/account/security`);
    await other.page.waitForURL(/\/login\?/);
    expect(await other.page.getByTestId('signed-out-reason').innerText()).toBe(
      'You were signed out because the logon email of this account was changed. Sign in with the new logon email.',
    );
    // Signed in again (with the new address), it gets Security Settings at /done, not the success page.
    await signInWithBrowser(other.page, env.portal.url, second);
    await other.page.goto(`${env.portal.url}/account/security/logon-email/done`);
    await other.page.waitForURL(/\/account\/security$/);
    await other.page.getByRole('heading', { name: 'Security Settings', level: 1 }).waitFor();
    await other.close();
    await close();
  });

  it('an owner without a secure phone is not offered one; an address in use is said once, with the ways out', async () => {
    const owner = await createOwner(prisma());
    const taken = await createOwner(prisma());
    const { page, close } = await openPage(env.browser);
    await signInWithBrowser(page, env.portal.url, owner.email);
    await page.getByRole('link', { name: 'Change logon email' }).click();
    await page.getByRole('heading', { name: 'Verify your identity' }).waitFor();
    const main = await page.locator('main').innerText();
    expect(main).not.toContain('your secure phone or your original logon email');
    expect(main).toContain(
      'Your account has no secure phone, so the verification code goes to your original logon email.',
    );
    await page.getByRole('button', { name: 'Get verification code' }).click();
    await page.getByLabel('Verification code', { exact: true }).waitFor();
    await page.getByLabel('Verification code', { exact: true }).fill(await codeSentTo(prisma(), owner.email));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(/\/logon-email\/new$/);
    await page.getByLabel('New logon email').fill(taken.email);
    await page.getByRole('button', { name: 'Get verification code' }).click();
    await page.getByTestId('email-in-use').waitFor();
    const text = await page.locator('main').innerText();
    expect(text.match(/already in use/g)).toHaveLength(1);
    expect(text).not.toContain('registered for another account');
    expect(await page.getByTestId('email-in-use').innerText()).toContain(
      'Use an email address that has not been registered.',
    );
    await close();
  });

  it('without JavaScript the resend button says after when a new code can be asked for, and is enabled on a reload after that', async () => {
    const owner = await createOwner(prisma());
    const context = await env.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signInWithBrowser(page, env.portal.url, owner.email);
    await page.goto(`${env.portal.url}/account/security/logon-email`);
    await page.getByRole('button', { name: 'Get verification code' }).click();
    await page.getByLabel('Verification code', { exact: true }).waitFor();
    const resend = page.getByRole('button', { name: 'Resend code', exact: true });
    expect(await resend.isDisabled()).toBe(true);
    const code = await prisma().verification.findFirstOrThrow({
      where: { accountUid: owner.uid, purpose: 'CHANGE_EMAIL_IDENTITY' },
      orderBy: { createdAt: 'desc' },
    });
    const after = new Date(code.createdAt.getTime() + 60_000).toISOString().slice(11, 19);
    expect(await page.getByTestId('resend-after').innerText()).toBe(
      `You can ask for a new code after ${after} UTC. Reload the page then.`,
    );
    // No countdown that cannot count.
    expect(await page.locator('main').innerText()).not.toMatch(/\(\d+ s\)/);

    // The minute has passed (moved back in the database rather than waited for): a reload enables it.
    await prisma().verification.update({ where: { id: code.id }, data: { createdAt: new Date(Date.now() - 61_000) } });
    await page.reload();
    expect(await resend.isDisabled()).toBe(false);
    expect(await page.getByTestId('resend-after').count()).toBe(0);
    await context.close();
  });

  it("the appeal form reports a missing ID document and a creation month in the future before posting, in the server's words; the code help fits the new address", async () => {
    const { page, close } = await openPage(env.browser);
    await page.goto(`${env.portal.url}/appeals/new?scenario=FORGOT_LOGON_EMAIL`);
    const newEmail = `browser-check-${Date.now()}@corp.example`;
    await page.getByLabel('New logon email').fill(newEmail);
    await page.getByRole('button', { name: 'Get verification code' }).click();
    await page.locator('input[name=code]').waitFor();
    // "Didn't receive the code?" speaks of the address just typed, not of the original email or phone.
    await page.getByText("Didn't receive the code?").click();
    const help = await page.getByTestId('code-help').innerText();
    expect(help).toContain('The code goes to the new email address you entered above.');
    expect(help).not.toMatch(/original logon email|secure phone|submit an appeal/i);
    await page.locator('input[name=code]').fill(await latestCodeFor(prisma(), newEmail));
    await page.getByRole('button', { name: 'Verify email' }).click();
    await page.getByRole('button', { name: 'Submit appeal' }).waitFor();

    await page.getByLabel('Account ID (UID)').fill('1000000000000002');
    await page.getByLabel('Full name or company name on the account').fill('Bob Martin');
    await page.getByLabel('Amount of the last payment').fill('10.00');
    const future = new Date();
    future.setUTCMonth(future.getUTCMonth() + 2);
    await page.getByLabel('When was the account created? (approximately)').fill(future.toISOString().slice(0, 7));
    const posts: string[] = [];
    page.on('request', (r) => void (r.method() === 'POST' && posts.push(r.url())));
    await page.getByRole('button', { name: 'Submit appeal' }).click();
    await page.getByText(APPEAL_FORM_MESSAGES.createdMonthFuture).waitFor();
    expect(await page.getByLabel('When was the account created? (approximately)').getAttribute('aria-invalid')).toBe(
      'true',
    );
    expect(posts).toEqual([]);
    // The month corrected, the missing ID document is reported, still before any post, at its field.
    await page.getByLabel('When was the account created? (approximately)').fill('2019-03');
    await page.getByRole('button', { name: 'Submit appeal' }).click();
    await page.getByText(APPEAL_FORM_MESSAGES.idDocumentMissing).waitFor();
    expect(await page.locator('#file-idDocument').getAttribute('aria-invalid')).toBe('true');
    expect(posts).toEqual([]);

    await page.setInputFiles('#file-idDocument', { name: 'id.png', mimeType: 'image/png', buffer: pngBytes() });
    await page.getByRole('button', { name: 'Submit appeal' }).click();
    await page.getByRole('heading', { name: 'Appeal submitted' }).waitFor();
    expect(posts.length).toBe(1);
    await close();
  });

  it("layout: the tracking page's conversation and files inside one card; the password row as a short date on one line; dev outbox links clickable on the page's origin", async () => {
    const { page, close } = await openPage(env.browser);
    const token = newToken();
    const appeal = await makeAppeal(prisma(), env.portal.services.evidence, {
      trackingTokenHash: sha256(token),
      status: 'IN_REVIEW',
    });
    await prisma().appealMessage.createMany({
      data: [
        { appealId: appeal.id, author: 'STAFF', body: 'Please send a clearer photo.' },
        { appealId: appeal.id, author: 'CUSTOMER', body: 'Here it is.' },
      ],
    });
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${env.portal.url}/appeals/track/${token}`);
      const layout = await page.evaluate(() => {
        const card = document.querySelector('.conversation')!.getBoundingClientRect();
        const inside = (el: Element) => {
          const r = el.getBoundingClientRect();
          return r.left >= card.left && r.right <= card.right && r.top >= card.top && r.bottom <= card.bottom;
        };
        const items = [...document.querySelectorAll('.conversation li')];
        return {
          items: items.length,
          itemsInside: items.every(inside),
          markers: items.map((li) => getComputedStyle(li).listStyleType),
          filesInside: inside(document.querySelector('[data-testid=files-sent]')!),
          overflow: document.documentElement.scrollWidth > window.innerWidth,
        };
      });
      expect(layout.items).toBeGreaterThanOrEqual(2);
      expect(layout).toMatchObject({ itemsInside: true, filesInside: true, overflow: false });
      expect(new Set(layout.markers)).toEqual(new Set(['none']));
    }

    // The RAM user's Security Settings: "Changed 3 Dec 2026" (the reader's own format), on one line.
    await prisma().account.update({
      where: { uid: ALICE_UID },
      data: { passwordChangedAt: new Date('2026-12-03T09:20:34Z') },
    });
    const ram = await openPage(env.browser);
    await ram.page.setViewportSize({ width: 1280, height: 900 });
    await signInWithBrowser(ram.page, env.portal.url, 'dev@1000000000000001.onaliyun.com');
    const row = ram.page.getByTestId('password-changed');
    await expect.poll(() => row.innerText()).toBe('Changed Dec 3, 2026');
    const box = await row.boundingBox();
    const lineHeight = await row.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight));
    expect(box!.height).toBeLessThan(lineHeight * 1.5);
    await ram.close();

    // /dev/outbox, opened on 127.0.0.1 (the mails are written for PUBLIC_URL, localhost here): the links are links, on this origin.
    const to = `outbox-links-${Date.now()}@corp.example`;
    await prisma().$transaction((tx) =>
      enqueueEmail(tx, {
        to,
        ...appealReceived({
          caseNumber: appeal.caseNumber,
          trackUrl: `${env.portal.services.config.publicUrl}/appeals/track/${token}`,
          dueAt: new Date(),
          merged: false,
        }),
        template: 'appeal-received',
      }),
    );
    env.portal.services.outbox.kick();
    expect(env.portal.services.config.publicUrl).toMatch(/^http:\/\/localhost:/);
    await page.setViewportSize({ width: 1280, height: 900 });
    await expect
      .poll(async () => (await prisma().outboxMessage.findFirst({ where: { recipient: to } }))?.status)
      .toBe('SENT');
    const res = await page.goto(`${env.portal.url}/dev/outbox?to=${encodeURIComponent(to)}`);
    expect(res?.status()).toBe(200);
    const links = await page.locator('pre.mail a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    expect(links.length).toBeGreaterThan(0);
    for (const href of links) expect(href.startsWith(`${env.portal.url}/`), href).toBe(true);
    // A click opens the page the mail means, here.
    await page.locator('pre.mail a').first().click();
    await page.waitForURL(`${env.portal.url}/appeals/track/${token}`);
    await page.getByRole('heading', { name: `Appeal ${appeal.caseNumber}` }).waitFor();
    await close();
  });
});
