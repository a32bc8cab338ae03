// axe-core in Chromium on every customer and staff page, each in the states a visitor sees
// (before and after a code was sent, both stages of the sign-ins and forms): no serious or
// critical violation. The pages are reached the way a visitor reaches them, in the browser.
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { signInWithBrowser, useBrowserPortal } from '../support/browser';
import { axeScan } from '../support/axe';
import { latestCodeFor } from '../support/appeals';
import { makeAppeal } from '../support/backoffice';
import { codeSentTo, createOwner } from '../support/accounts';
import { ALICE_UID, DEMO_PASSWORD, DEMO_TOTP_SECRET } from '~/demo/seed.server';
import { totpNow } from '~/staff/totp.server';
import { newToken, sha256 } from '~/lib/tokens.server';

type Finding = { page: string; id: string; impact: string; help: string; nodes: string[] };

describe('accessibility (axe-core) of every page', () => {
  const env = useBrowserPortal({ config: { trustProxy: 1 } });
  const findings: Finding[] = [];
  const scanned: string[] = [];

  /** Scans the page as it is now; records serious and critical violations under `name`. */
  async function scan(page: Page, name: string) {
    await page.waitForLoadState('networkidle');
    const result = await axeScan(page);
    scanned.push(name);
    for (const v of result.violations) {
      if (v.impact !== 'serious' && v.impact !== 'critical') continue;
      findings.push({
        page: name,
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
      });
    }
  }
  const report = (names: string[]) =>
    findings
      .filter((f) => names.includes(f.page))
      .map((f) => `${f.page}: [${f.impact}] ${f.id} — ${f.help} (${f.nodes.join(', ')})`);

  async function fresh(): Promise<{ context: BrowserContext; page: Page }> {
    const page = await env.page();
    return { context: page.context(), page };
  }

  it('public customer pages: start, sign-in, help, password reset (both stages)', async () => {
    const { context, page } = await fresh();
    const names: string[] = [];
    for (const [name, path] of [
      ['start', '/'],
      ['sign-in', '/login'],
      ['help', '/help/change-logon-email'],
      ['password reset: request', '/password-reset'],
    ]) {
      await page.goto(`${env.portal.url}${path}`);
      await scan(page, name);
      names.push(name);
    }
    await page.locator('input[name=email]').fill('bob@example.com');
    await page.getByRole('button', { name: 'Get verification code' }).click();
    await page.locator('input[name=code]').waitFor();
    await scan(page, 'password reset: code and new password');
    names.push('password reset: code and new password');
    await context.close();
    expect(report(names)).toEqual([]);
  });

  it('signed-in customer pages: account, Security Settings, the change of the logon email (every step)', async () => {
    const { context, page } = await fresh();
    await signInWithBrowser(page, env.portal.url, 'alice@example.com');
    const names = [
      'account',
      'Security Settings',
      'step 1: verify identity',
      'step 1: code sent',
      'step 2: new email',
      'step 2: code sent',
      'done',
    ];
    await page.goto(`${env.portal.url}/account`);
    await scan(page, 'account');
    await page.goto(`${env.portal.url}/account/security`);
    await scan(page, 'Security Settings');
    await page.getByRole('link', { name: 'Change logon email' }).click();
    await page.waitForURL(/\/account\/security\/logon-email$/);
    await scan(page, 'step 1: verify identity');
    await page.getByRole('button', { name: 'Get verification code' }).click();
    await page.getByLabel('Verification code').waitFor();
    await scan(page, 'step 1: code sent');
    await page.getByLabel('Verification code').fill(await codeSentTo(env.portal.db.prisma, '+8613800000001'));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(/\/logon-email\/new$/);
    await scan(page, 'step 2: new email');
    const newEmail = `alice.a11y.${Date.now()}@corp.example`;
    await page.getByLabel('New logon email').fill(newEmail);
    await page.getByRole('button', { name: 'Get verification code' }).click();
    await page.getByLabel('Verification code').waitFor();
    await scan(page, 'step 2: code sent');
    await page.getByLabel('Verification code').fill(await codeSentTo(env.portal.db.prisma, newEmail));
    await page.getByRole('button', { name: 'OK' }).click();
    await page.waitForURL(/\/logon-email\/done$/);
    await scan(page, 'done');
    await context.close();
    expect(report(names)).toEqual([]);
  });

  it('appeal pages: the email step, the details form and the tracking page', async () => {
    const { context, page } = await fresh();
    await context.setExtraHTTPHeaders({ 'X-Forwarded-For': '192.0.2.77' });
    const names = ['appeal: prove the email', 'appeal: code sent', 'appeal: details and evidence', 'appeal: tracking'];
    await page.goto(`${env.portal.url}/appeals/new?scenario=FORGOT_LOGON_EMAIL`);
    await scan(page, 'appeal: prove the email');
    const newEmail = `a11y.${Date.now()}@corp.example`;
    await page.getByLabel('New logon email').fill(newEmail);
    await page.getByRole('button', { name: 'Get verification code' }).click();
    await page.locator('input[name=code]').waitFor();
    await scan(page, 'appeal: code sent');
    await page.locator('input[name=code]').fill(await latestCodeFor(env.portal.db.prisma, newEmail));
    await page.getByRole('button', { name: 'Verify email' }).click();
    await page.getByRole('button', { name: 'Submit appeal' }).waitFor();
    await scan(page, 'appeal: details and evidence');
    const token = newToken();
    await makeAppeal(env.portal.db.prisma, env.portal.services.evidence, {
      trackingTokenHash: sha256(token),
      status: 'AWAITING_CUSTOMER',
    });
    await page.goto(`${env.portal.url}/appeals/track/${token}`);
    await scan(page, 'appeal: tracking');
    await context.close();
    expect(report(names)).toEqual([]);
  });

  it('staff pages: sign-in (both stages), queue, case, administration', async () => {
    const names = ['staff sign-in: password', 'staff sign-in: code'];
    const { context, page } = await fresh();
    await page.goto(`${env.portal.url}/staff/login`);
    await scan(page, 'staff sign-in: password');
    await env.portal.db.prisma.staff.updateMany({ data: { totpLastStep: null } });
    await page.getByLabel('Work email').fill('admin@support.example.com');
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Authentication code').waitFor();
    await scan(page, 'staff sign-in: code');
    await page.getByLabel('Authentication code').fill(totpNow(DEMO_TOTP_SECRET));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/staff\//);
    for (const [name, path] of [
      ['staff administration', '/staff/admin/staff'],
      ['audit log', '/staff/admin/audit'],
    ]) {
      const res = await page.goto(`${env.portal.url}${path}`);
      if (res?.status() === 404) continue; // not in this build
      await scan(page, name);
      names.push(name);
    }
    await context.close();

    const agent = await fresh();
    await agent.page.goto(`${env.portal.url}/staff/login`);
    await agent.page.getByLabel('Work email').fill('agent@support.example.com');
    await agent.page.getByLabel('Password').fill(DEMO_PASSWORD);
    await agent.page.getByRole('button', { name: 'Continue' }).click();
    await agent.page.getByLabel('Authentication code').fill(totpNow(DEMO_TOTP_SECRET));
    await agent.page.getByRole('button', { name: 'Sign in' }).click();
    await agent.page.waitForURL(/\/staff\/dashboard/);
    const appeal = await makeAppeal(env.portal.db.prisma, env.portal.services.evidence, { riskLevel: 'HIGH' });
    await agent.page.goto(`${env.portal.url}/staff/appeals`);
    await scan(agent.page, 'queue');
    await agent.page.goto(`${env.portal.url}/staff/appeals/${appeal.id}`);
    await scan(agent.page, 'case');
    await agent.page.getByRole('button', { name: 'Claim' }).click();
    await agent.page.getByText('The case is yours.').waitFor();
    await scan(agent.page, 'case: claimed');
    names.push('queue', 'case', 'case: claimed');
    await agent.context.close();
    expect(report(names)).toEqual([]);
  });

  it('the other pages: switch role, Security Settings in a role session, a refusal (403), single sign-on, the "this wasn\'t me" link (valid and expired), a staff invitation, the stop link (both states), the set-password link, not found (404)', async () => {
    const names = [
      'switch role',
      'Security Settings in a role session',
      'refused: the change of the logon email in a role session',
      'single sign-on',
      'not me: appeal form',
      'not me: link expired',
      'staff invitation',
      'stop an appeal',
      'appeal stopped',
      'set a password after a handover',
      'not found',
    ];
    const prisma = env.portal.db.prisma;
    const dev = await fresh();
    await signInWithBrowser(dev.page, env.portal.url, 'dev@1000000000000001.onaliyun.com');
    await dev.page.goto(`${env.portal.url}/account/roles`);
    await scan(dev.page, 'switch role');
    await dev.page.getByRole('button', { name: 'Switch to OpsAdmin' }).click();
    await dev.page.getByTestId('role-session').waitFor();
    await scan(dev.page, 'Security Settings in a role session');
    const refused = await dev.page.goto(`${env.portal.url}/account/security/logon-email`);
    expect(refused?.status()).toBe(403);
    await scan(dev.page, 'refused: the change of the logon email in a role session');
    await dev.context.close();

    // An owner of its own: the test above changed Alice's logon email.
    const owner = await fresh();
    await signInWithBrowser(owner.page, env.portal.url, (await createOwner(prisma)).email);
    await owner.page.goto(`${env.portal.url}/account/sso`);
    await scan(owner.page, 'single sign-on');
    await owner.context.close();

    const visitor = await fresh();
    const notice = newToken();
    await prisma.securityNoticeToken.create({
      data: {
        tokenHash: sha256(notice),
        accountUid: ALICE_UID,
        kind: 'LOGON_EMAIL_CHANGED',
        data: { oldEmailMasked: 'a***@example.com', newEmailMasked: 'm***@corp.example' },
        expiresAt: new Date(Date.now() + 86_400_000),
      },
    });
    await visitor.page.goto(`${env.portal.url}/security/not-me/${notice}`);
    await visitor.page.waitForURL(/\/appeals\/new/);
    await scan(visitor.page, 'not me: appeal form');
    await visitor.page.goto(`${env.portal.url}/security/not-me/${newToken()}`);
    await visitor.page.getByRole('heading', { name: 'This link is no longer valid' }).waitFor();
    await scan(visitor.page, 'not me: link expired');
    const invitation = newToken();
    await prisma.staff.create({
      data: {
        email: `a11y-invitee-${Date.now()}@support.example.com`,
        name: 'Invitee',
        roles: ['AGENT'],
        invitationTokenHash: sha256(invitation),
        invitationExpiresAt: new Date(Date.now() + 3_600_000),
      },
    });
    await visitor.page.goto(`${env.portal.url}/staff/invite/${invitation}`);
    await visitor.page.getByRole('heading', { name: 'Set your password' }).waitFor();
    await scan(visitor.page, 'staff invitation');
    // The owner's stop link (before and after the button) and the new owner's set-password link.
    const stop = newToken();
    const stoppable = await makeAppeal(prisma, null, {
      accountUid: ALICE_UID,
      givenUid: ALICE_UID,
      newEmail: `a11y-stop-${Date.now()}@corp.example`,
    });
    await prisma.appealStopToken.create({ data: { tokenHash: sha256(stop), appealId: stoppable.id } });
    await visitor.page.goto(`${env.portal.url}/appeals/stop/${stop}`);
    await scan(visitor.page, 'stop an appeal');
    await visitor.page.getByRole('button', { name: 'Stop this — I still have access' }).click();
    await visitor.page.getByText('is stopped').waitFor();
    await scan(visitor.page, 'appeal stopped');
    const setPassword = newToken();
    await prisma.securityNoticeToken.create({
      data: {
        tokenHash: sha256(setPassword),
        accountUid: ALICE_UID,
        kind: 'SET_PASSWORD',
        data: {},
        expiresAt: new Date(Date.now() + 3_600_000),
      },
    });
    await visitor.page.goto(`${env.portal.url}/password/set/${setPassword}`);
    await visitor.page.getByLabel('New password', { exact: true }).waitFor();
    await scan(visitor.page, 'set a password after a handover');
    const missing = await visitor.page.goto(`${env.portal.url}/no-such-page`);
    expect(missing?.status()).toBe(404);
    await scan(visitor.page, 'not found');
    await visitor.context.close();
    expect(report(names)).toEqual([]);
  });

  it('covered every page', () => {
    expect(scanned.length).toBeGreaterThanOrEqual(34);
  });
});
