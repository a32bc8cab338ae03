import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { HttpClient, pageText } from '../support/http';
import { codeSentTo, CookieClient, wrongCode } from '../support/accounts';
import type { PrismaClient } from '~/generated/prisma/client';
import { RESET_MESSAGES } from '~/account/messages';
import { ALICE_UID, BOB_UID, DEMO_PASSWORD } from '~/demo/seed.server';
import { INVALID_CREDENTIALS } from '~/auth/login.server';

describeEachDatabase('password reset', (kind) => {
  let portal: TestPortal;
  let prisma: PrismaClient;
  let alicePassword = DEMO_PASSWORD;

  beforeAll(async () => {
    portal = await startTestPortal(kind);
    prisma = portal.db.prisma;
  });
  afterAll(async () => {
    await portal?.stop();
  });

  const client = () => new HttpClient(portal.url, { userAgent: 'vitest password-reset' });
  const text = async (res: Response) => pageText(await res.text());

  async function requestReset(c: HttpClient, email: string, channel: 'EMAIL' | 'SMS') {
    const res = await c.post('/password-reset', { intent: 'request', email, channel });
    return res;
  }
  const reset = (c: HttpClient, code: string, password: string, confirm = password) =>
    c.post('/password-reset', { intent: 'reset', code, password, confirm });

  /** What the visitor sees, with what legitimately differs (the masked email they typed, the ticking countdown) blanked. */
  const comparable = (page: string, masked: string) =>
    page
      .split(masked)
      .join('<email>')
      .replace(/\(\d+ s\)/g, '(N s)')
      // The time after which a new code can be asked for (said without JavaScript): the two requests' own.
      .replace(/\b\d\d:\d\d:\d\d UTC\b/g, '<time> UTC');

  it('resets by a code to the logon email: all owner sessions end, the new password works, the old one not, a notice goes out', async () => {
    const here = client();
    const there = client();
    await here.signIn('alice@example.com', alicePassword);
    await there.signIn('alice@example.com', alicePassword);
    const before = await prisma.account.findUniqueOrThrow({ where: { uid: ALICE_UID } });

    const r = client();
    const requested = await requestReset(r, '  Alice@Example.COM ', 'EMAIL');
    expect(requested.status).toBe(302);
    expect(requested.headers.get('location')).toBe('/password-reset');
    expect(r.hasCookie('ard_reset')).toBe(true);
    const page = await text(await r.get('/password-reset'));
    expect(page).toContain(RESET_MESSAGES.sent('EMAIL'));
    // The same words for every address, so they also tell when no code may come (the address's limits).
    expect(page).toContain(
      'No code comes when 5 were already requested for it without signing in (password reset, appeal) in the last hour (or 10 today)',
    );
    expect(page).toContain('a***e@example.com');
    expect(page).not.toContain('alice@example.com');
    const code = await codeSentTo(prisma, 'alice@example.com');

    const wrong = await reset(r, wrongCode(code), 'N3w-password-one');
    expect(wrong.status).toBe(400);
    expect(await text(wrong)).toContain(RESET_MESSAGES.badCode);
    expect((await prisma.account.findUniqueOrThrow({ where: { uid: ALICE_UID } })).passwordHash).toBe(
      before.passwordHash,
    );
    expect((await here.get('/account/security')).status).toBe(200);

    const flowCookie = r.cookieHeader();
    const done = await reset(r, code, 'N3w-password-one');
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe('/login?reset=1');
    expect(r.hasCookie('ard_reset')).toBe(false);
    expect(await text(await r.get('/login?reset=1'))).toContain(RESET_MESSAGES.done);
    alicePassword = 'N3w-password-one';

    for (const c of [here, there]) expect((await c.get('/account/security')).status).toBe(302);
    expect(
      await prisma.session.count({ where: { accountUid: ALICE_UID, principalType: 'OWNER', revokedAt: null } }),
    ).toBe(0);
    const old = await client().post('/login', { login: 'alice@example.com', password: DEMO_PASSWORD });
    expect(old.status).toBe(401);
    expect(await text(old)).toContain(INVALID_CREDENTIALS);
    await client().signIn('alice@example.com', 'N3w-password-one');

    const notices = await prisma.outboxMessage.findMany({
      where: { recipient: 'alice@example.com', template: 'password-reset' },
    });
    expect(notices).toHaveLength(1);
    expect(notices[0].subject).toMatch(/password was reset/);
    expect(notices[0].text).toContain(ALICE_UID);
    expect(notices[0].text).toMatch(/127\.0\.0\.1|::1/);
    const audit = await prisma.auditEvent.findFirstOrThrow({
      where: { action: 'password.reset', accountUid: ALICE_UID },
    });
    expect(audit.data).toEqual({ email: 'a***e@example.com', channel: 'EMAIL' });
    // The code was single use: replaying the flow cookie with it does nothing.
    const replay = await reset(new CookieClient(portal.url, flowCookie), code, 'N3w-password-two');
    expect(replay.status).toBe(400);
    expect(await text(replay)).toContain(RESET_MESSAGES.badCode);
    await client().signIn('alice@example.com', 'N3w-password-one');
  });

  it('resets by a code to the secure phone', async () => {
    const r = client();
    const smsBefore = await prisma.outboxMessage.count({ where: { recipient: '+8613800000001' } });
    const emailBefore = await prisma.outboxMessage.count({
      where: { recipient: 'alice@example.com', template: 'code:PASSWORD_RESET' },
    });
    expect((await requestReset(r, 'alice@example.com', 'SMS')).status).toBe(302);
    expect(await text(await r.get('/password-reset'))).toContain(RESET_MESSAGES.sent('SMS'));
    expect(await prisma.outboxMessage.count({ where: { recipient: '+8613800000001' } })).toBe(smsBefore + 1);
    expect(
      await prisma.outboxMessage.count({ where: { recipient: 'alice@example.com', template: 'code:PASSWORD_RESET' } }),
    ).toBe(emailBefore);
    const code = await codeSentTo(prisma, '+8613800000001');
    const done = await reset(r, code, 'Ph0ne-reset-password');
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe('/login?reset=1');
    expect((await client().post('/login', { login: 'alice@example.com', password: alicePassword })).status).toBe(401);
    alicePassword = 'Ph0ne-reset-password';
    await client().signIn('alice@example.com', alicePassword);
    const audit = await prisma.auditEvent.findMany({
      where: { action: 'password.reset', accountUid: ALICE_UID },
      orderBy: { id: 'asc' },
    });
    expect(audit.at(-1)!.data).toEqual({ email: 'a***e@example.com', channel: 'SMS' });
  });

  it('answers an unknown email, and Bob asking for SMS without a phone, exactly like a real reset — and sends nothing', async () => {
    const outboxBefore = await prisma.outboxMessage.count();
    const pairs: [string, 'EMAIL' | 'SMS', string, string][] = [
      // [real email, channel, email with nothing behind it, its mask]
      ['alice@example.com', 'EMAIL', 'nobody-here@example.com', 'n***e@example.com'],
      ['alice@example.com', 'SMS', 'bob@example.com', 'b***b@example.com'],
    ];
    for (const [real, channel, fake, fakeMask] of pairs) {
      const a = client();
      const b = client();
      const ra = await requestReset(a, real, channel);
      const rb = await requestReset(b, fake, channel);
      expect(rb.status).toBe(ra.status);
      expect(rb.headers.get('location')).toBe(ra.headers.get('location'));
      expect(b.hasCookie('ard_reset')).toBe(a.hasCookie('ard_reset'));
      const pa = comparable(await text(await a.get('/password-reset')), 'a***e@example.com');
      const pb = comparable(await text(await b.get('/password-reset')), fakeMask);
      expect(pb).toBe(pa);
      expect(pa).toContain(RESET_MESSAGES.sent(channel));
      // A wrong code gets the same answer too.
      const wa = await reset(a, '000000', 'Some-passw0rd-x');
      const wb = await reset(b, '000000', 'Some-passw0rd-x');
      expect(wb.status).toBe(wa.status);
      expect(comparable(await text(wb), fakeMask)).toBe(comparable(await text(wa), 'a***e@example.com'));
      // An immediate resend is refused the same way for both.
      const sa = await a.post('/password-reset', { intent: 'resend' });
      const sb = await b.post('/password-reset', { intent: 'resend' });
      expect(sa.status).toBe(429);
      expect(sb.status).toBe(sa.status);
      expect(comparable(await text(sb), fakeMask)).toBe(comparable(await text(sa), 'a***e@example.com'));
    }
    expect(await prisma.verification.count({ where: { target: 'nobody-here@example.com' } })).toBe(0);
    expect(await prisma.verification.count({ where: { purpose: 'PASSWORD_RESET', accountUid: BOB_UID } })).toBe(0);
    // Only Alice's two codes were queued.
    expect(await prisma.outboxMessage.count()).toBe(outboxBefore + 2);
    expect(
      await prisma.outboxMessage.count({
        where: { recipient: { in: ['nobody-here@example.com', 'bob@example.com'] } },
      }),
    ).toBe(0);
  });

  it('validates the request and the new password with clear field messages', async () => {
    const bad = await client().post('/password-reset', { intent: 'request', email: 'not-an-email', channel: 'EMAIL' });
    expect(bad.status).toBe(400);
    expect(await text(bad)).toContain('Enter a valid email address, like name@example.com.');
    const noFlow = await client().post('/password-reset', {
      intent: 'reset',
      code: '123456',
      password: 'Abcdefgh12',
      confirm: 'Abcdefgh12',
    });
    expect(noFlow.status).toBe(400);
    expect(await text(noFlow)).toContain('This reset has expired. Start again.');

    const r = client();
    expect((await requestReset(r, 'bob@example.com', 'EMAIL')).status).toBe(302);
    const code = await codeSentTo(prisma, 'bob@example.com');
    const mismatch = await reset(r, code, 'Abcdefgh12', 'Abcdefgh13');
    expect(mismatch.status).toBe(400);
    expect(await text(mismatch)).toContain('The two passwords do not match.');
    const weak = await reset(r, code, 'short1');
    expect(weak.status).toBe(400);
    expect(await text(weak)).toContain('Use at least 10 characters.');
    const noDigits = await reset(r, code, 'onlyletters-here');
    expect(noDigits.status).toBe(400);
    expect(await text(noDigits)).toContain('Use both letters and digits.');
    // None of those used up the code.
    expect((await reset(r, code, 'Quiet-meadow-7316')).status).toBe(302);
    await client().signIn('bob@example.com', 'Quiet-meadow-7316');
  });
});
