// Pages reached by a private link (the tracking page, the staff invitation) keep their link out of other sites'
// Referer, yet their forms must still be recognised as this portal's: posted by Chromium without JavaScript
// (a plain form submission), each form is answered, not refused as cross-site.
import { describe, expect, it } from 'vitest';
import { useBrowserPortal } from '../support/browser';
import { makeAppeal } from '../support/backoffice';
import { newToken, sha256 } from '~/lib/tokens.server';
import { CSRF_MESSAGE } from '~/security/csrf.server';

describe('forms on pages with a private link, without JavaScript', () => {
  const env = useBrowserPortal();

  it('the tracking page: a reply, then withdraw and its confirmation', async () => {
    const token = newToken();
    await makeAppeal(env.portal.db.prisma, env.portal.services.evidence, {
      trackingTokenHash: sha256(token),
      status: 'AWAITING_CUSTOMER',
    });
    const page = await env.page({ javaScriptEnabled: false });
    const context = page.context();
    try {
      const trackUrl = `${env.portal.url}/appeals/track/${token}`;
      await page.goto(trackUrl);
      await page.getByLabel('Your message').fill('Here is what you asked for.');
      await page.getByRole('button', { name: 'Send reply' }).click();
      await page.waitForLoadState();
      const afterReply = await page.locator('body').innerText();
      expect(afterReply).not.toContain(CSRF_MESSAGE);
      expect(afterReply).toContain('Your reply was sent.');
      expect(page.url()).toBe(trackUrl);

      await page.getByRole('button', { name: 'Withdraw appeal' }).click();
      await page.getByRole('button', { name: 'Yes, withdraw' }).click();
      await page.waitForLoadState();
      const afterWithdraw = await page.locator('body').innerText();
      expect(afterWithdraw).not.toContain(CSRF_MESSAGE);
      expect(afterWithdraw).toContain('Your appeal was withdrawn.');
      const appeal = await env.portal.db.prisma.appeal.findUniqueOrThrow({
        where: { trackingTokenHash: sha256(token) },
        include: { messages: true },
      });
      expect(appeal.status).toBe('WITHDRAWN');
      expect(appeal.messages.map((m) => m.body)).toContain('Here is what you asked for.');
    } finally {
      await context.close();
    }
  });

  it('the staff invitation page: setting the password', async () => {
    const token = newToken();
    await env.portal.db.prisma.staff.create({
      data: {
        email: 'nojs.member@support.example.com',
        name: 'No Script',
        roles: ['AGENT'],
        invitationTokenHash: sha256(token),
        invitationExpiresAt: new Date(Date.now() + 3600_000),
      },
    });
    const page = await env.page({ javaScriptEnabled: false });
    const context = page.context();
    try {
      await page.goto(`${env.portal.url}/staff/invite/${token}`);
      await page.getByLabel('New password').fill('Quiet-Lantern-Orbit-84');
      await page.getByLabel('Repeat the password').fill('Quiet-Lantern-Orbit-84');
      await page.getByRole('button', { name: 'Set password' }).click();
      await page.waitForLoadState();
      await expect.poll(() => page.locator('body').innerText()).not.toContain(CSRF_MESSAGE);
      expect(new URL(page.url()).pathname).toBe('/staff/login');
      const member = await env.portal.db.prisma.staff.findUniqueOrThrow({
        where: { email: 'nojs.member@support.example.com' },
      });
      expect(member.passwordHash).not.toBeNull();
    } finally {
      await context.close();
    }
  });
});
