// Issue 28: which language a page is in, the switcher (without JavaScript), and mail in the account's language.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { startSmtpServer, type ReceivedMail } from '../support/smtp';
import { HttpClient } from '../support/http';
import { createOwner, DONE, STEP1, STEP2 } from '../support/accounts';

const HELP = '/help/change-logon-email';
const langOf = (html: string) => /<html lang="([^"]*)"/.exec(html)?.[1];

/** A header or body part of a received message, decoded (RFC 2047 words, base64 or quoted-printable UTF-8). */
function decodeWords(header: string): string {
  return header.replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=\s*/gi, (_, enc: string, text: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (__, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
  );
}
function subjectOf(mail: ReceivedMail): string {
  const folded = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(mail.raw)?.[1] ?? '';
  return decodeWords(folded.replace(/\r?\n[ \t]/g, ' '));
}
function bodyOf(mail: ReceivedMail): string {
  const split = mail.raw.search(/\r?\n\r?\n/);
  const head = mail.raw.slice(0, split);
  const body = mail.raw.slice(split).trim();
  if (/Content-Transfer-Encoding: base64/i.test(head)) return Buffer.from(body, 'base64').toString('utf8');
  if (/Content-Transfer-Encoding: quoted-printable/i.test(head))
    return Buffer.from(
      body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    )
      .toString('utf8')
      .replace(/\r\n/g, '\n');
  return body.replace(/\r\n/g, '\n');
}

describeEachDatabase('languages: detection, switcher and mail', (kind) => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let portal: TestPortal;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    portal = await startTestPortal(kind, {
      env: { SMTP_URL: smtp.url, MAIL_FROM: 'Recovery Desk <desk@example.com>' },
    });
  });
  afterAll(async () => {
    await portal?.stop();
    await smtp?.close();
  });

  const page = async (client: HttpClient, path: string, acceptLanguage?: string) => {
    const res = await client.get(path, { headers: acceptLanguage ? { 'Accept-Language': acceptLanguage } : {} });
    expect(res.status).toBe(200);
    return res.text();
  };

  describe('detection order', () => {
    it('English when nothing says otherwise, and for a language the portal does not have', async () => {
      const client = new HttpClient(portal.url);
      const html = await page(client, HELP);
      expect(langOf(html)).toBe('en');
      expect(html).toContain('<title>Change account logon email — Help</title>');
      expect(langOf(await page(client, HELP, 'fr-FR,fr;q=0.9'))).toBe('en');
    });

    it('Accept-Language picks Chinese: <html lang>, the page, its title and the header', async () => {
      const html = await page(new HttpClient(portal.url), HELP, 'zh-CN,zh;q=0.9,en;q=0.5');
      expect(langOf(html)).toBe('zh-CN');
      expect(html).toContain('<title>修改账号登录邮箱 — 帮助</title>');
      expect(html).toContain('修改登录邮箱的场景');
      // Both FAQ answers and the console's words.
      expect(html).toContain('修改登录邮箱时收不到验证码怎么办？');
      expect(html).toContain('提示新邮箱已被使用怎么办？');
      expect(html).toContain('<strong>获取验证码</strong>');
      expect(html).toContain('<strong>确定</strong>');
      expect(html).toContain('<strong>修改成功</strong>');
      // The page ships its own namespaces (common + help), not the others.
      const shipped = /window\.__i18n=(\{.*?\})<\/script>/.exec(html)?.[1];
      expect(Object.keys(JSON.parse(shipped!)).sort()).toEqual(['common', 'help']);
    });

    it('the switcher cookie beats Accept-Language; the switcher works as a plain form and goes back', async () => {
      const client = new HttpClient(portal.url);
      // In the header: a plain HTML form (no JavaScript needed) that names the page to come back to.
      const before = await page(client, `${HELP}?x=1`);
      expect(before).toMatch(/<form method="post" action="\/language"[^>]*>/);
      expect(before).toContain('<input type="hidden" name="redirectTo" value="/help/change-logon-email?x=1"/>');
      expect(before).toMatch(/<button[^>]*name="lng"[^>]*value="zh-CN"[^>]*lang="zh-CN"[^>]*>简体中文<\/button>/);
      const res = await client.post('/language', { lng: 'zh-CN', redirectTo: `${HELP}?x=1` });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(`${HELP}?x=1`);
      expect(client.hasCookie('lng')).toBe(true);
      expect(langOf(await page(client, HELP, 'en-US,en;q=0.9'))).toBe('zh-CN');
      // And back to English.
      await client.post('/language', { lng: 'en', redirectTo: HELP });
      expect(langOf(await page(client, HELP, 'zh-CN'))).toBe('en');
    });

    it("a signed-in owner's saved preference beats the cookie and Accept-Language; the switcher saves it", async () => {
      const owner = await createOwner(portal.db.prisma);
      await portal.db.prisma.account.update({ where: { uid: owner.uid }, data: { language: 'zh-CN' } });
      const client = new HttpClient(portal.url);
      await client.post('/language', { lng: 'en', redirectTo: '/' });
      await client.signIn(owner.email);
      const html = await page(client, '/account/security', 'en');
      expect(langOf(html)).toBe('zh-CN');
      expect(html).toContain('<h1>安全设置</h1>');
      expect(html).toContain('aria-label="修改登录邮箱"');
      const home = await page(client, '/account', 'en');
      expect(home).toContain('<h1>账号中心</h1>');
      expect(home).toContain('RAM 用户');
      // Switching while signed in as the owner changes the saved preference (and the mail's language).
      await client.post('/language', { lng: 'en', redirectTo: '/account/security' });
      const saved = await portal.db.prisma.account.findUniqueOrThrow({ where: { uid: owner.uid } });
      expect(saved.language).toBe('en');
      expect(langOf(await page(client, '/account/security', 'zh-CN'))).toBe('en');
    });
  });

  describe('the switcher refuses', () => {
    it('a cross-site POST (the CSRF origin check): 403, no cookie', async () => {
      const client = new HttpClient(portal.url);
      const res = await client.post(
        '/language',
        { lng: 'zh-CN', redirectTo: HELP },
        { origin: 'https://evil.example' },
      );
      expect(res.status).toBe(403);
      expect(client.hasCookie('lng')).toBe(false);
      expect(langOf(await page(client, HELP))).toBe('en');
    });

    it.each([
      'https://evil.example/phish',
      '//evil.example/phish',
      '/\\evil.example/phish',
      '/\t/evil.example',
      'javascript:alert(1)',
    ])('an off-site redirect target (%j): it goes to the start page', async (target) => {
      const client = new HttpClient(portal.url);
      const res = await client.post('/language', { lng: 'zh-CN', redirectTo: target });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('/');
    });

    it('a language the portal does not have: no cookie', async () => {
      const client = new HttpClient(portal.url);
      const res = await client.post('/language', { lng: 'xx', redirectTo: HELP });
      expect(res.status).toBe(302);
      expect(client.hasCookie('lng')).toBe(false);
    });
  });

  it('serves a page namespace to the browser, and never the mail namespace', async () => {
    const client = new HttpClient(portal.url);
    const res = await client.get('/locales/zh-CN/logon-email');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { done: { heading: string } }).done.heading).toBe('修改成功');
    expect((await client.get('/locales/zh-CN/mail')).status).toBe(404);
    expect((await client.get('/locales/de/common')).status).toBe(404);
  });

  it('an account whose language is zh-CN gets its codes and the change notices in Chinese, over SMTP', async () => {
    const owner = await createOwner(portal.db.prisma);
    await portal.db.prisma.account.update({ where: { uid: owner.uid }, data: { language: 'zh-CN' } });
    const client = new HttpClient(portal.url);
    await client.signIn(owner.email);
    const step1 = await page(client, STEP1);
    expect(step1).toContain('<h1>修改登录邮箱</h1>');
    expect(step1).toContain('获取验证码');

    expect((await client.post(STEP1, { intent: 'send-code', channel: 'EMAIL' })).status).toBe(302);
    const identityMail = await smtp.waitFor((m) => m.to.includes(owner.email));
    expect(subjectOf(identityMail)).toMatch(/^您的验证码：\d{6}$/);
    const identityBody = bodyOf(identityMail);
    expect(identityBody).toContain('用于在修改账号登录邮箱前验证您的身份');
    const identityCode = /您的验证码是 (\d{6})/.exec(identityBody)?.[1];
    expect(identityCode).toMatch(/^\d{6}$/);
    // A wrong code is refused in Chinese.
    const wrong = await client.post(STEP1, { intent: 'verify', code: identityCode === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('验证码错误');
    expect((await client.post(STEP1, { intent: 'verify', code: identityCode! })).headers.get('location')).toBe(STEP2);

    const newEmail = `zh-${owner.uid}@example.net`;
    expect((await client.post(STEP2, { intent: 'send-code', newEmail })).status).toBe(302);
    const newMail = await smtp.waitFor((m) => m.to.includes(newEmail));
    const newCode = /您的验证码是 (\d{6})/.exec(bodyOf(newMail))?.[1];
    expect(newCode).toMatch(/^\d{6}$/);
    const confirmed = await client.post(STEP2, { intent: 'confirm', newEmail, code: newCode! });
    expect(confirmed.headers.get('location')).toBe(DONE);
    expect(await page(client, DONE)).toContain('<h1>修改成功</h1>');

    const confirmation = await smtp.waitFor((m) => m.to.includes(newEmail) && subjectOf(m).includes('登录邮箱'));
    expect(subjectOf(confirmation)).toBe('此地址已成为您账号的登录邮箱');
    expect(bodyOf(confirmation)).toContain(`UID 为 ${owner.uid} 的阿里云账号`);
    const notice = await smtp.waitFor((m) => m.to.includes(owner.email) && subjectOf(m).startsWith('安全通知'));
    const text = bodyOf(notice);
    expect(text).toContain('不是我本人操作');
    expect(text).toMatch(/\/security\/not-me\/[A-Za-z0-9_-]{20,}/);
    // The date in Chinese (Intl, UTC), not the English form.
    expect(text).toMatch(/时间：\d{4}年\d{1,2}月\d{1,2}日/);
  });
});
