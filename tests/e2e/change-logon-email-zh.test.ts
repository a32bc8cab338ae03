import { describe, expect, it } from 'vitest';
import { signInWithBrowser, useBrowserPortal, waitForMessage } from '../support/browser';
import { createOwner } from '../support/accounts';
import { axeScan } from '../support/axe';

// The code in either language's message: "verification code is 123456" / "您的验证码是 123456".
const CODE = /(?:verification code is|验证码是) (\d{6})/;

describe('Change logon email in Chinese, in Chromium (issue 28)', () => {
  const env = useBrowserPortal();

  it('an owner switches the portal to 简体中文 in the header and walks the change of the logon email', async () => {
    const owner = await createOwner(env.portal.db.prisma, { phone: true });
    const page = await env.page();
    const errors: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    page.on('pageerror', (e) => void errors.push(e.message));
    await signInWithBrowser(page, env.portal.url, owner.email);

    // The switcher: a plain form in the header; the owner's choice is saved on the account.
    await page.getByRole('button', { name: '简体中文' }).click();
    await page.getByRole('heading', { level: 1, name: '安全设置' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(new URL(page.url()).pathname).toBe('/account/security');
    const saved = await env.portal.db.prisma.account.findUniqueOrThrow({ where: { uid: owner.uid } });
    expect(saved.language).toBe('zh-CN');
    await page.getByRole('button', { name: 'English' }).waitFor();

    // Security Settings → 修改 (a client-side navigation: the page's namespace is fetched on the way).
    await page.getByRole('link', { name: '修改登录邮箱' }).click();
    await page.waitForURL(/\/account\/security\/logon-email$/);
    await page.getByRole('heading', { level: 2, name: '身份验证' }).waitFor();
    expect(await page.title()).toBe('身份验证 — 修改登录邮箱');
    await page.getByText('收不到验证码？').click();
    await page.getByRole('link', { name: '手机和邮箱均不可用' }).waitFor({ state: 'visible' });

    await page.getByLabel(/安全手机/).check();
    await page.getByRole('button', { name: '获取验证码', exact: true }).click();
    await page.getByText('验证码已发送至').waitFor();
    await page.getByRole('button', { name: /^重新发送验证码（\d+ 秒）$/ }).waitFor();
    const sms = await waitForMessage(env.portal.url, owner.phone!, CODE);
    expect(sms.text).toMatch(/^【账号找回服务台】您的验证码是 \d{6}/);
    await page.getByLabel('验证码', { exact: true }).fill(sms.match[1]);
    await page.getByRole('button', { name: '验证', exact: true }).click();
    await page.waitForURL(/\/account\/security\/logon-email\/new$/);

    // A malformed address is refused in the browser, in Chinese.
    await page.getByLabel('新登录邮箱').fill('not-an-email');
    await page.getByRole('button', { name: '获取验证码', exact: true }).click();
    await page.getByText('请输入有效的邮箱地址，例如 name@example.com。').waitFor();

    const newEmail = `zh-e2e-${owner.uid}@example.org`;
    await page.getByLabel('新登录邮箱').fill(newEmail);
    await page.getByRole('button', { name: '获取验证码', exact: true }).click();
    await page.getByText(`验证码已发送至 ${newEmail}`).waitFor();
    const mail = await waitForMessage(env.portal.url, newEmail, CODE);
    expect(mail.text).toContain('用于确认此地址为您账号的新登录邮箱');
    await page.getByLabel('验证码', { exact: true }).fill(mail.match[1]);
    await page.getByRole('button', { name: '确定', exact: true }).click();
    await page.waitForURL(/\/account\/security\/logon-email\/done$/);
    await page.getByRole('heading', { level: 1, name: '修改成功' }).waitFor();
    await expect.poll(() => page.locator('main').innerText()).toContain(newEmail);

    // No raw keys anywhere, nothing broke on hydration, and the Chinese page passes the axe scan.
    expect(await page.locator('body').innerText()).not.toMatch(/\b(done|new|verify|common:)\.[a-z]+/i);
    expect(errors.filter((e) => /Content Security Policy|hydrat|i18next/i.test(e))).toEqual([]);
    expect((await axeScan(page)).violations).toEqual([]);
  });
});
