// A deployment keeps no live code or one-time link in its outbox once a message is delivered: a production
// portal mailing through a real SMTP server (tests/support/smtp.ts) keeps recipient, template, times and
// status only, and the retention job deletes delivered rows after OUTBOX_RETENTION_DAYS.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { startSmtpServer } from '../support/smtp';
import { HttpClient, pageText } from '../support/http';
import { BASE_DETAILS, appealForm } from '../support/appeals';
import { staffSignIn, DEMO_STAFF } from '../support/staff';
import { runJob } from '~/server/jobs.server';

describeEachDatabase('outbox in production', (kind) => {
  let portal: TestPortal;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    portal = await startTestPortal(kind, {
      env: {
        PORTAL_MODE: 'production',
        SMTP_URL: smtp.url,
        SESSION_SECRET: 's'.repeat(40),
        PUBLIC_URL: 'https://desk.example.com',
        STAFF_EMAIL_DOMAINS: 'support.example.com',
      },
    });
  });
  afterAll(async () => {
    await portal?.stop();
    await smtp?.close();
  });
  const prisma = () => portal.db.prisma;
  /** The mail's body as sent (quoted-printable soft breaks joined). */
  const mailText = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  const codeIn = (raw: string) => /code is (\d{6})/.exec(mailText(raw))?.[1];

  it('keeps no code, tracking link or invitation in the outbox after delivery; the retention job deletes delivered rows', async () => {
    // A password-reset code, an appeal's email code, the appeal's tracking link, the owner's stop link, a staff invitation.
    const owner = new HttpClient(portal.url);
    await owner.get('/password-reset');
    expect(
      (await owner.post('/password-reset', { intent: 'request', email: 'bob@example.com', channel: 'EMAIL' })).status,
    ).toBe(302);
    const resetMail = await smtp.waitFor((m) => m.to.includes('bob@example.com'));

    const filer = new HttpClient(portal.url);
    await filer.get('/appeals/new?scenario=FORGOT_LOGON_EMAIL');
    expect(
      (
        await filer.post('/appeals/new', {
          intent: 'send-code',
          scenario: 'FORGOT_LOGON_EMAIL',
          newEmail: 'filer@prod.example',
        })
      ).status,
    ).toBe(302);
    const appealCodeMail = await smtp.waitFor((m) => m.to.includes('filer@prod.example') && Boolean(codeIn(m.raw)));
    expect(
      (await filer.post('/appeals/new', { intent: 'verify-email', code: codeIn(appealCodeMail.raw)! })).status,
    ).toBe(302);
    // For Bob's account (no secure phone: this production portal has no SMS gateway), whose logon email is warned with a stop link.
    expect(
      (
        await filer.post(
          '/appeals/new',
          appealForm({ ...BASE_DETAILS, givenUid: '1000000000000002', holderName: 'Bob Martin' }),
        )
      ).status,
    ).toBe(200);
    const trackingMail = await smtp.waitFor(
      (m) => m.to.includes('filer@prod.example') && /\/appeals\/track\//.test(mailText(m.raw)),
    );
    const warningMail = await smtp.waitFor(
      (m) => m.to.includes('bob@example.com') && /\/appeals\/stop\//.test(mailText(m.raw)),
    );

    const admin = new HttpClient(portal.url);
    await staffSignIn(admin, DEMO_STAFF.admin, { prisma: prisma() });
    const invited = await admin.post('/staff/admin/staff', {
      intent: 'create',
      email: 'new.member@support.example.com',
      name: 'New Member',
      roles: 'AGENT',
    });
    expect(invited.status).toBeLessThan(400);
    const inviteMail = await smtp.waitFor((m) => m.to.includes('new.member@support.example.com'));

    const secrets = [
      codeIn(resetMail.raw)!,
      codeIn(appealCodeMail.raw)!,
      /\/appeals\/track\/([A-Za-z0-9_-]+)/.exec(mailText(trackingMail.raw))![1],
      /\/appeals\/stop\/([A-Za-z0-9_-]+)/.exec(mailText(warningMail.raw))![1],
      /\/staff\/invite\/([A-Za-z0-9_-]+)/.exec(mailText(inviteMail.raw))![1],
    ];
    expect(secrets.every(Boolean)).toBe(true);

    // Every queued message is delivered (the dispatcher marks it after the SMTP server took it).
    let rows = await prisma().outboxMessage.findMany();
    for (let i = 0; i < 100 && rows.some((r) => r.status !== 'SENT'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      rows = await prisma().outboxMessage.findMany();
    }
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(rows.every((r) => r.status === 'SENT' && r.sentAt)).toBe(true);
    const stored = JSON.stringify(rows);
    for (const secret of secrets) expect(stored).not.toContain(secret);
    for (const r of rows)
      expect({ subject: r.subject, text: r.text, html: r.html }).toEqual({ subject: '', text: '', html: null });
    expect(rows.map((r) => r.recipient)).toEqual(
      expect.arrayContaining(['bob@example.com', 'filer@prod.example', 'new.member@support.example.com']),
    );

    // The retention job: nothing is old enough yet; 31 days on, the delivered rows are gone.
    expect(await runJob(portal.services, 'outbox')).toEqual({ deleted: 0, redacted: 0 });
    const later = new Date(Date.now() + 31 * 24 * 3600_000);
    expect(await runJob(portal.services, 'outbox', later)).toEqual({ deleted: rows.length, redacted: 0 });
    expect(await prisma().outboxMessage.count()).toBe(0);
  });

  it('the reset-flow cookie is a __Host- cookie that carries no readable email, and the reset still completes', async () => {
    const owner = new HttpClient(portal.url);
    const asked = await owner.post('/password-reset', {
      intent: 'request',
      email: 'alice@example.com',
      channel: 'EMAIL',
    });
    expect(asked.status).toBe(302);
    const setCookie = asked.headers.getSetCookie().find((c) => /ard_reset=/.test(c))!;
    expect(setCookie).toMatch(/^__Host-ard_reset=/);
    expect(setCookie).toMatch(/; Path=\/(;|$)/);
    expect(setCookie).toMatch(/; Secure/);
    expect(setCookie).not.toMatch(/Domain=/i);
    // Every reading of the value a curious party might try: as sent, URL-decoded, base64 of each part.
    const value = decodeURIComponent(setCookie.slice(setCookie.indexOf('=') + 1, setCookie.indexOf(';')));
    const readings = [value, ...value.split('.').map((part) => Buffer.from(part, 'base64').toString('latin1'))];
    for (const reading of readings) expect(reading.toLowerCase()).not.toContain('alice');

    const mail = await smtp.waitFor((m) => m.to.includes('alice@example.com') && Boolean(codeIn(m.raw)));
    expect(pageText(await (await owner.get('/password-reset')).text())).toContain('a***e@example.com');
    const done = await owner.post('/password-reset', {
      intent: 'reset',
      code: codeIn(mail.raw)!,
      password: 'Velvet-Harbour-Signal-73',
      confirm: 'Velvet-Harbour-Signal-73',
    });
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe('/login?reset=1');
  });

  it('the retention job empties a delivered row that still holds its content (queued before redaction) and keeps pending ones whole', async () => {
    const [sent, pending] = await Promise.all([
      prisma().outboxMessage.create({
        data: {
          channel: 'EMAIL',
          recipient: 'old@example.com',
          subject: 'Your verification code: 123456',
          text: 'Your code is 123456',
          template: 'code:x',
          status: 'SENT',
          sentAt: new Date(),
        },
      }),
      prisma().outboxMessage.create({
        data: {
          channel: 'EMAIL',
          recipient: 'later@example.com',
          subject: 'Your verification code: 654321',
          text: 'Your code is 654321',
          template: 'code:x',
          status: 'PENDING',
          nextAttemptAt: new Date(Date.now() + 3600_000),
        },
      }),
    ]);
    expect(await runJob(portal.services, 'outbox')).toEqual({ deleted: 0, redacted: 1 });
    expect(await prisma().outboxMessage.findUniqueOrThrow({ where: { id: sent.id } })).toMatchObject({
      subject: '',
      text: '',
      html: null,
      recipient: 'old@example.com',
      status: 'SENT',
    });
    expect(await prisma().outboxMessage.findUniqueOrThrow({ where: { id: pending.id } })).toMatchObject({
      text: 'Your code is 654321',
    });
    await prisma().outboxMessage.deleteMany({ where: { id: pending.id } });
  });
});
