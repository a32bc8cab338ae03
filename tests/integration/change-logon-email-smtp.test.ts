import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { startSmtpServer, type ReceivedMail } from '../support/smtp';
import { HttpClient } from '../support/http';
import { DONE, STEP1, STEP2 } from '../support/accounts';

/** The text body of a received message (quoted-printable soft breaks and escapes undone). */
function bodyOf(mail: ReceivedMail): string {
  const body = mail.raw.slice(mail.raw.search(/\r?\n\r?\n/));
  return body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\r\n/g, '\n');
}

describeEachDatabase('change of the logon email with mail over SMTP', (kind) => {
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

  const codeIn = (mail: ReceivedMail) => /verification code is (\d{6})/.exec(bodyOf(mail))?.[1];

  it('Bob changes his logon email: codes, confirmation and security notice all arrive over SMTP', async () => {
    const bob = new HttpClient(portal.url, { userAgent: 'vitest smtp' });
    await bob.signIn('bob@example.com');

    expect((await bob.post(STEP1, { intent: 'send-code', channel: 'EMAIL' })).status).toBe(302);
    const identityMail = await smtp.waitFor(
      (m) => m.to.includes('bob@example.com') && /verification code/i.test(m.subject),
    );
    expect(identityMail.from).toBe('desk@example.com');
    const identityCode = codeIn(identityMail);
    expect(identityCode).toMatch(/^\d{6}$/);
    expect((await bob.post(STEP1, { intent: 'verify', code: identityCode! })).headers.get('location')).toBe(STEP2);

    const newEmail = 'bob.smtp@example.net';
    expect((await bob.post(STEP2, { intent: 'send-code', newEmail })).status).toBe(302);
    const newCodeMail = await smtp.waitFor((m) => m.to.includes(newEmail) && /verification code/i.test(m.subject));
    const confirmed = await bob.post(STEP2, { intent: 'confirm', newEmail, code: codeIn(newCodeMail)! });
    expect(confirmed.status).toBe(302);
    expect(confirmed.headers.get('location')).toBe(DONE);

    const confirmation = await smtp.waitFor(
      (m) => m.to.includes(newEmail) && m.subject === 'This is now the logon email of your account',
    );
    expect(bodyOf(confirmation)).toContain('1000000000000002');
    const notice = await smtp.waitFor(
      (m) =>
        m.to.includes('bob@example.com') &&
        m.subject === 'Security notice: the logon email of your account was changed',
    );
    expect(notice.to).toEqual(['bob@example.com']);
    const text = bodyOf(notice);
    expect(text).toContain('b***p@example.net');
    expect(text).toMatch(/From IP address: (127\.0\.0\.1|::ffff:127\.0\.0\.1|::1)/);
    expect(text).toMatch(/\/security\/not-me\/[A-Za-z0-9_-]{20,}/);
    // Each went out once, and the outbox knows them as sent.
    expect(smtp.received.filter((m) => m.subject === notice.subject)).toHaveLength(1);
    expect(smtp.received.filter((m) => m.subject === confirmation.subject)).toHaveLength(1);
    const rows = await portal.db.prisma.outboxMessage.findMany({
      where: { template: { startsWith: 'logon-email-changed' } },
    });
    expect(rows.map((r) => r.status)).toEqual(['SENT', 'SENT']);
  });
});
