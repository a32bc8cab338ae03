import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { autofocused, HttpClient, pageText } from '../support/http';
import {
  codeSentTo,
  postConfirmNewEmail,
  createOwner,
  DONE,
  newestSession,
  postNewEmailCode,
  sessionFor,
  STEP1,
  STEP2,
  postVerifyIdentity,
  wrongCode,
} from '../support/accounts';
import type { PrismaClient } from '~/generated/prisma/client';
import { NOT_ROOT_REASON } from '~/authz/ability';
import { CHANGE_MESSAGES } from '~/account/messages';
import { ALICE_UID, BOB_UID } from '~/demo/seed.server';
import { hashCode } from '~/verification/codes.server';
import { INVALID_CREDENTIALS } from '~/auth/login.server';
import { isUniqueViolation } from '~/db/errors';

const EXPIRED = `${STEP1}?expired=1`;
const FAQ_UNREGISTERED = 'Use an email address that has not been registered';

/** Everything bound to an account that a logon-email change must leave alone. */
async function boundToAccount(prisma: PrismaClient, uid: string) {
  const account = await prisma.account.findUniqueOrThrow({ where: { uid } });
  const { logonEmail: _e, logonEmailChangedAt: _c, updatedAt: _u, ...rest } = account;
  const byId = { orderBy: { id: 'asc' as const } };
  return {
    account: rest,
    ramUsers: await prisma.ramUser.findMany({ where: { accountUid: uid }, ...byId }),
    ramRoles: await prisma.ramRole.findMany({ where: { accountUid: uid }, ...byId }),
    assumers: await prisma.ramRoleAssumer.findMany({
      where: { role: { accountUid: uid } },
      orderBy: [{ roleId: 'asc' }, { ramUserId: 'asc' }],
    }),
    accessKeys: await prisma.accessKey.findMany({ where: { accountUid: uid }, ...byId }),
    identityProvider: await prisma.identityProvider.findMany({ where: { accountUid: uid } }),
  };
}

describeEachDatabase('change of the logon email over HTTP', (kind) => {
  let portal: TestPortal;
  let prisma: PrismaClient;
  /** Alice's and Bob's logon emails as the tests change them. */
  const current = { alice: 'alice@example.com', bob: 'bob@example.com' };

  beforeAll(async () => {
    portal = await startTestPortal(kind);
    prisma = portal.db.prisma;
  });
  afterAll(async () => {
    await portal?.stop();
  });

  const client = () => new HttpClient(portal.url, { userAgent: 'vitest change-logon-email' });
  async function signedIn(login: string) {
    const c = client();
    await c.signIn(login);
    return c;
  }
  const text = async (res: Response) => pageText(await res.text());
  const noticesTo = (recipient: string) =>
    prisma.outboxMessage.findMany({ where: { recipient, template: 'logon-email-changed:old' } });
  const confirmationsTo = (recipient: string) =>
    prisma.outboxMessage.findMany({ where: { recipient, template: 'logon-email-changed:new' } });

  /** A fresh owner taken through step 1 (by email) and the code for `newEmail`. */
  async function ownerAtFinalStep(newEmail: string, options: { phone?: boolean } = {}) {
    const owner = await createOwner(prisma, options);
    const c = await signedIn(owner.email);
    await postVerifyIdentity(c, prisma, 'EMAIL', owner.email);
    const code = await postNewEmailCode(c, prisma, newEmail);
    return { owner, client: c, code };
  }

  it('Alice changes her logon email via the secure phone, and nothing else of the account changes', async () => {
    const before = await boundToAccount(prisma, ALICE_UID);
    const elsewhere = await signedIn(current.alice);
    const alice = await signedIn(current.alice);
    const session = await newestSession(prisma, ALICE_UID);

    const step1 = await alice.get(STEP1);
    expect(step1.status).toBe(200);
    const page1 = await text(step1);
    expect(page1).toContain('Secure phone +86138****0001');
    expect(page1).toContain('Original logon email a***e@example.com');
    expect(page1).toContain("Didn't receive the code?");
    expect(page1).toContain(
      'If your original logon email is unavailable, choose to receive the verification code on your secure phone.',
    );
    expect(page1).not.toContain('+8613800000001');

    const sent = await alice.post(STEP1, { intent: 'send-code', channel: 'SMS' });
    expect(sent.status).toBe(302);
    expect(await text(await alice.get(STEP1))).toContain('We sent a verification code to +86138****0001');
    const smsCode = await codeSentTo(prisma, '+8613800000001');
    expect(
      await prisma.outboxMessage.count({
        where: { recipient: 'alice@example.com', template: { startsWith: 'code:' } },
      }),
    ).toBe(0);
    const verifiedAt = Date.now();
    const verified = await alice.post(STEP1, { intent: 'verify', code: smsCode });
    expect(verified.status).toBe(302);
    expect(verified.headers.get('location')).toBe(STEP2);
    const privileged = (await prisma.session.findUniqueOrThrow({ where: { id: session.id } })).privilegedUntil!;
    expect(Math.abs(privileged.getTime() - (verifiedAt + 15 * 60_000))).toBeLessThan(5_000);

    const step2 = await alice.get(STEP2);
    expect(step2.status).toBe(200);
    const page2 = await text(step2);
    expect(page2).toContain('Current logon email: a***e@example.com');
    expect(page2).toContain(
      `Your identity verification lasts 15 minutes: finish by ${privileged.toISOString().slice(11, 16)} UTC`,
    );
    // The help page's security recommendations, in full, where the new address is entered.
    expect(page2).toContain('You must confirm that you have full control over the new mailbox.');
    expect(page2).toContain('You must keep your new email address secure.');
    // The address is normalised before the code is sent.
    const newCode = await postNewEmailCode(alice, prisma, '  Alice.New@Example.ORG ');
    expect(await text(await alice.get(STEP2))).toContain('We sent a verification code to alice.new@example.org');

    const done = await postConfirmNewEmail(alice, 'alice.new@example.org', newCode);
    expect(done.status, await done.clone().text()).toBe(302);
    expect(done.headers.get('location')).toBe(DONE);
    const donePage = await alice.get(DONE);
    expect(donePage.status).toBe(200);
    const donePageText = await text(donePage);
    expect(donePageText).toContain('Modification successful');
    // The whole new address, to the session that typed it (issue 24).
    expect(donePageText).toContain('is now alice.new@example.org');
    current.alice = 'alice.new@example.org';

    const account = await prisma.account.findUniqueOrThrow({ where: { uid: ALICE_UID } });
    expect(account.logonEmail).toBe('alice.new@example.org');
    expect(account.logonEmailChangedAt).not.toBeNull();
    // UID, RAM users, RAM roles, AccessKeys and their ids are unchanged.
    expect(await boundToAccount(prisma, ALICE_UID)).toEqual(before);
    expect(before.ramUsers.length).toBeGreaterThan(0);
    expect(before.accessKeys.map((k) => k.id)).toContain('LTAI5tAliceRootKey0001');

    // The other session is signed out; this one stays, with its window closed.
    expect((await elsewhere.get('/account/security')).status).toBe(302);
    expect((await alice.get('/account/security')).status).toBe(200);
    // Step 2 (the browser's Back) shows the change just made, not "expired".
    const afterStep2 = await alice.get(STEP2);
    expect(afterStep2.status).toBe(302);
    expect(afterStep2.headers.get('location')).toBe(DONE);

    // Only the new email signs in.
    const old = await client().post('/login', { login: 'alice@example.com', password: 'demo-Passw0rd!' });
    expect(old.status).toBe(401);
    expect(await text(old)).toContain(INVALID_CREDENTIALS);
    await client().signIn('alice.new@example.org');

    // The audit record: masked emails, IP and user agent.
    const audit = await prisma.auditEvent.findMany({ where: { action: 'logon_email.changed', accountUid: ALICE_UID } });
    expect(audit).toHaveLength(1);
    expect(audit[0].data).toEqual({ from: 'a***e@example.com', to: 'a***w@example.org', via: 'self-service' });
    expect(audit[0].ip).toMatch(/127\.0\.0\.1|::1/);
    expect(audit[0].userAgent).toBe('vitest change-logon-email');
    expect(audit[0].actorType).toBe('customer');
    expect(JSON.stringify(audit[0].data)).not.toMatch(/alice@example\.com|alice\.new@example\.org/);
    for (const action of ['verification.code_sent', 'verification.succeeded']) {
      expect(await prisma.auditEvent.count({ where: { action, accountUid: ALICE_UID } })).toBe(2);
    }

    // Both notices: a confirmation to the new address, a security notice to the old one.
    const [confirmation] = await confirmationsTo('alice.new@example.org');
    expect(confirmation.text).toContain(ALICE_UID);
    const notices = await noticesTo('alice@example.com');
    expect(notices).toHaveLength(1);
    const notice = notices[0].text;
    expect(notice).toContain(`From IP address: ${audit[0].ip}`);
    expect(notice).toContain(account.logonEmailChangedAt!.toUTCString());
    expect(notice).toContain('a***w@example.org');
    const link = /(https?:\/\/[^\s/]+)\/security\/not-me\/([A-Za-z0-9_-]{20,})/.exec(notice);
    expect(link).not.toBeNull();
    expect(new URL(link![1]).port).toBe(new URL(portal.url).port);
    const notMe = await client().get(`/security/not-me/${link![2]}`);
    expect(notMe.status).toBe(302);
    expect(notMe.headers.get('location')).toMatch(/^\/appeals\/new\?scenario=EMAIL_CHANGED_NOT_ME(&|$)/);
    // The token is stored hashed, valid 7 days.
    const stored = await prisma.securityNoticeToken.findFirstOrThrow({ where: { accountUid: ALICE_UID } });
    expect(stored.tokenHash).not.toBe(link![2]);
    expect(Math.round((stored.expiresAt.getTime() - account.logonEmailChangedAt!.getTime()) / 86_400_000)).toBe(7);
  });

  it('Bob (no secure phone) changes his logon email via the original logon email; SMS is refused with a clear message', async () => {
    const before = await boundToAccount(prisma, BOB_UID);
    const bob = await signedIn(current.bob);
    const html = await (await bob.get(STEP1)).text();
    expect(html).not.toContain('value="SMS"');
    expect(pageText(html)).not.toContain('Secure phone');
    expect(pageText(html)).toContain('Original logon email b***b@example.com');
    expect(pageText(html)).toContain('Your account has no secure phone');
    // Without the logon email he can use no channel, and is pointed to the appeal (not to a phone he has not got).
    expect(pageText(html)).toContain(
      'Your account has no secure phone, so without the logon email you cannot complete the verification',
    );
    expect(pageText(html)).not.toContain('on your secure phone');
    expect(html).toContain('href="/appeals/new?scenario=EMAIL_AND_PHONE_UNAVAILABLE"');
    // The "Didn't receive the code?" panel offers the appeal and the troubleshooting article.
    expect(html).toContain('href="/help/change-logon-email#no-code"');

    const sms = await bob.post(STEP1, { intent: 'send-code', channel: 'SMS' });
    expect(sms.status).toBe(400);
    expect(await text(sms)).toContain(CHANGE_MESSAGES.noChannel);
    const none = await bob.post(STEP1, { intent: 'send-code' });
    expect(none.status).toBe(400);
    expect(await text(none)).toContain('Choose how to receive the code.');
    expect(await prisma.verification.count({ where: { accountUid: BOB_UID } })).toBe(0);

    await postVerifyIdentity(bob, prisma, 'EMAIL', 'bob@example.com');
    const code = await postNewEmailCode(bob, prisma, 'bob.new@example.net');
    const done = await postConfirmNewEmail(bob, 'bob.new@example.net', code);
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe(DONE);
    current.bob = 'bob.new@example.net';

    // The same confirmation again (a double click, a retry after a lost answer): the first one's outcome,
    // not "expired"; so is a form without its intent that carries the address just changed to.
    const again = await postConfirmNewEmail(bob, 'bob.new@example.net', code);
    expect(again.headers.get('location')).toBe(DONE);
    const bare = await bob.post(STEP2, { newEmail: 'bob.new@example.net' });
    expect(bare.headers.get('location')).toBe(DONE);
    // Another address is no repeat: the change closed the window.
    const other = await postConfirmNewEmail(bob, 'bob.other@example.net', code);
    expect(other.headers.get('location')).toBe('/account/security/logon-email?expired=1');
    expect((await prisma.account.findUniqueOrThrow({ where: { uid: BOB_UID } })).logonEmail).toBe(
      'bob.new@example.net',
    );
    expect((await prisma.account.findUniqueOrThrow({ where: { uid: BOB_UID } })).logonEmail).toBe(
      'bob.new@example.net',
    );
    expect(await boundToAccount(prisma, BOB_UID)).toEqual(before);
    expect(await confirmationsTo('bob.new@example.net')).toHaveLength(1);
    expect(await noticesTo('bob@example.com')).toHaveLength(1);
    expect((await client().post('/login', { login: 'bob@example.com', password: 'demo-Passw0rd!' })).status).toBe(401);
    await client().signIn('bob.new@example.net');
  });

  it('shows "Modification successful" only right after a change', async () => {
    const owner = await createOwner(prisma);
    const c = await signedIn(owner.email);
    const before = await c.get(DONE);
    expect(before.status).toBe(302);
    expect(before.headers.get('location')).toBe('/account/security');
    await prisma.account.update({
      where: { uid: owner.uid },
      data: { logonEmailChangedAt: new Date(Date.now() - 16 * 60_000) },
    });
    expect((await c.get(DONE)).status).toBe(302);
  });

  it('after the change, going back to step 2 or sending its form again without the button shows the result', async () => {
    const target = `after-done-${Date.now()}@example.com`;
    const { client: c, code } = await ownerAtFinalStep(target);
    expect((await postConfirmNewEmail(c, target, code)).headers.get('location')).toBe(DONE);
    // The browser's Back: step 2 again, its window closed by the change.
    const back = await c.get(STEP2);
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe(DONE);
    // A second post of the form that lost its intent (a double click) carrying the new address.
    const again = await c.post(STEP2, { newEmail: target, code });
    expect(again.status).toBe(302);
    expect(again.headers.get('location')).toBe(DONE);
    // Without a change just made, both are "expired" (no window).
    const other = await signedIn((await createOwner(prisma)).email);
    expect((await other.post(STEP2, { newEmail: target, code })).headers.get('location')).toBe(EXPIRED);
    expect((await other.get(STEP2)).headers.get('location')).toBe(EXPIRED);
  });

  it('refuses a wrong identity code with the tries left, and a dead code after 5 wrong entries', async () => {
    const owner = await createOwner(prisma, { phone: true });
    const c = await signedIn(owner.email);
    expect((await c.post(STEP1, { intent: 'send-code', channel: 'SMS' })).status).toBe(302);
    const code = await codeSentTo(prisma, owner.phone!);
    const wrong = await c.post(STEP1, { intent: 'verify', code: wrongCode(code) });
    expect(wrong.status).toBe(400);
    expect(await text(wrong)).toContain('The verification code is incorrect. You have 4 more tries.');
    const malformed = await c.post(STEP1, { intent: 'verify', code: '12ab' });
    expect(malformed.status).toBe(400);
    expect(await text(malformed)).toContain('Enter the 6-digit code from the message.');
    // No window was opened.
    const step2 = await c.get(STEP2);
    expect(step2.status).toBe(302);
    expect(step2.headers.get('location')).toBe(EXPIRED);
    for (let i = 0; i < 4; i++) await c.post(STEP1, { intent: 'verify', code: wrongCode(code) });
    const dead = await c.post(STEP1, { intent: 'verify', code });
    expect(dead.status).toBe(400);
    const deadHtml = await dead.text();
    expect(pageText(deadHtml)).toMatch(/Request a new code\./);
    // There is no code field for a dead code: its message is the form's, and it takes focus (without JavaScript too).
    expect(deadHtml).not.toMatch(/name="code"/);
    expect(autofocused(deadHtml)).toEqual([expect.stringMatching(/data-form-error/)]);
    expect((await c.get(STEP2)).status).toBe(302);
    expect(await prisma.auditEvent.count({ where: { action: 'verification.failed', accountUid: owner.uid } })).toBe(6);
  });

  it('refuses a wrong code for the new address and changes nothing', async () => {
    const target = `wrong-final-${Date.now()}@example.com`;
    const { owner, client: c, code } = await ownerAtFinalStep(target);
    const wrong = await postConfirmNewEmail(c, target, wrongCode(code));
    expect(wrong.status).toBe(400);
    expect(await text(wrong)).toContain('The verification code is incorrect. You have 4 more tries.');
    expect((await prisma.account.findUniqueOrThrow({ where: { uid: owner.uid } })).logonEmail).toBe(owner.email);
    expect(await noticesTo(owner.email)).toHaveLength(0);
    // The right code still works afterwards.
    expect((await postConfirmNewEmail(c, target, code)).status).toBe(302);
  });

  it('kills the code for the new address after 5 wrong entries and says so', async () => {
    const target = `five-wrong-${Date.now()}@example.com`;
    const { owner, client: c, code } = await ownerAtFinalStep(target);
    for (const left of [4, 3, 2, 1]) {
      const res = await postConfirmNewEmail(c, target, wrongCode(code));
      expect(res.status).toBe(400);
      expect(await text(res)).toContain(`You have ${left} more ${left === 1 ? 'try' : 'tries'}.`);
    }
    const fifth = await postConfirmNewEmail(c, target, wrongCode(code));
    expect(fifth.status).toBe(400);
    expect(await text(fifth)).toContain(
      'The code was entered wrongly too many times and no longer works. Request a new code.',
    );
    const right = await postConfirmNewEmail(c, target, code);
    expect(right.status).toBe(400);
    const rightHtml = await right.text();
    expect(pageText(rightHtml)).toMatch(/Request a new code\./);
    expect(rightHtml).not.toMatch(/name="code"/);
    expect(autofocused(rightHtml)).toEqual([expect.stringMatching(/data-form-error/)]);
    expect((await prisma.account.findUniqueOrThrow({ where: { uid: owner.uid } })).logonEmail).toBe(owner.email);
    expect(await noticesTo(owner.email)).toHaveLength(0);
  });

  it('enforces the 60 s resend cooldown on the server, in both steps', async () => {
    const owner = await createOwner(prisma);
    const c = await signedIn(owner.email);
    expect((await c.post(STEP1, { intent: 'send-code', channel: 'EMAIL' })).status).toBe(302);
    const again = await c.post(STEP1, { intent: 'send-code', channel: 'EMAIL' });
    expect(again.status).toBe(429);
    expect(await text(again)).toMatch(/You can request a new code in (59|60) s\./);
    expect(await prisma.outboxMessage.count({ where: { recipient: owner.email } })).toBe(1);
    // The page shows the Resend button with the moment it becomes usable.
    expect(await (await c.get(STEP1)).text()).toMatch(/Resend code/);

    await c.post(STEP1, { intent: 'verify', code: await codeSentTo(prisma, owner.email) });
    const target = `cooldown-${owner.uid}@example.com`;
    expect((await c.post(STEP2, { intent: 'send-code', newEmail: target })).status).toBe(302);
    const again2 = await c.post(STEP2, { intent: 'send-code', newEmail: target });
    expect(again2.status).toBe(429);
    expect(await text(again2)).toMatch(/You can request a new code in \d+ s\./);
    expect(await prisma.outboxMessage.count({ where: { recipient: target } })).toBe(1);
  });

  it('sends step 2 back to step 1 without a privileged window, and sends nothing', async () => {
    const owner = await createOwner(prisma);
    const c = await signedIn(owner.email);
    const get = await c.get(STEP2);
    expect(get.status).toBe(302);
    expect(get.headers.get('location')).toBe(EXPIRED);
    expect(await text(await c.get(EXPIRED))).toContain(CHANGE_MESSAGES.windowExpired);
    const target = `no-window-${owner.uid}@example.com`;
    for (const fields of [
      { intent: 'send-code', newEmail: target },
      { intent: 'confirm', newEmail: target, code: '123456' },
    ] as Record<string, string>[]) {
      const res = await c.post(STEP2, fields);
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(EXPIRED);
    }
    expect(await prisma.verification.count({ where: { target } })).toBe(0);
    expect(await prisma.outboxMessage.count({ where: { recipient: target } })).toBe(0);
    // Nor does the final step say, without a window, whether an address is in use.
    const other = await createOwner(prisma);
    const probe = await c.post(STEP2, { intent: 'confirm', newEmail: other.email, code: '123456' });
    expect(probe.status).toBe(302);
    expect(probe.headers.get('location')).toBe(EXPIRED);
  });

  it('limits how many addresses one account can test for "already in use": 30 look-ups an hour', async () => {
    const owner = await createOwner(prisma);
    const others = await Promise.all(Array.from({ length: 3 }, () => createOwner(prisma)));
    const c = await signedIn(owner.email);
    await postVerifyIdentity(c, prisma, 'EMAIL', owner.email);
    // 30 look-ups: each says "in use" (send code, then the final step).
    for (let i = 0; i < 15; i++) {
      const taken = others[i % others.length].email;
      expect((await c.post(STEP2, { intent: 'send-code', newEmail: taken })).status, `send ${i}`).toBe(400);
      expect((await postConfirmNewEmail(c, taken, '123456')).status, `confirm ${i}`).toBe(409);
    }
    // The 31st is refused before the look-up, taken or free, with the wait.
    for (const newEmail of [others[0].email, `free-${owner.uid}@example.com`]) {
      const res = await c.post(STEP2, { intent: 'send-code', newEmail });
      expect(res.status).toBe(429);
      const page = await text(res);
      expect(page).toMatch(
        /Too many different addresses were tried for this account in the last hour\. Try again in \d+ minutes?\./,
      );
      expect(page).not.toContain(CHANGE_MESSAGES.inUse);
    }
    expect(await prisma.verification.count({ where: { accountUid: owner.uid, purpose: 'CHANGE_EMAIL_NEW' } })).toBe(0);
    // Another account is not affected.
    const neighbour = await createOwner(prisma);
    const n = await signedIn(neighbour.email);
    await postVerifyIdentity(n, prisma, 'EMAIL', neighbour.email);
    expect((await n.post(STEP2, { intent: 'send-code', newEmail: others[0].email })).status).toBe(400);
  });

  it('keeps the privileged window and the codes to the session that verified', async () => {
    const target = `other-session-${Date.now()}@example.com`;
    const { owner, client: a, code } = await ownerAtFinalStep(target);
    const b = await signedIn(owner.email);
    const get = await b.get(STEP2);
    expect(get.status).toBe(302);
    expect(get.headers.get('location')).toBe(EXPIRED);
    // Even with its own window, the other session cannot use the first one's code.
    const bSession = await newestSession(prisma, owner.uid);
    await prisma.session.update({
      where: { id: bSession.id },
      data: { privilegedUntil: new Date(Date.now() + 60_000) },
    });
    const stolen = await postConfirmNewEmail(b, target, code);
    expect(stolen.status).toBe(400);
    expect(await text(stolen)).toContain('There is no valid verification code for this request. Request a new code.');
    expect((await prisma.account.findUniqueOrThrow({ where: { uid: owner.uid } })).logonEmail).toBe(owner.email);
    // The session that asked for it still can.
    expect((await postConfirmNewEmail(a, target, code)).headers.get('location')).toBe(DONE);
  });

  it('refuses the final step once the 15-minute window is over, and changes nothing', async () => {
    const target = `late-${Date.now()}@example.com`;
    const { owner, client: c, code } = await ownerAtFinalStep(target);
    const session = await newestSession(prisma, owner.uid);
    await prisma.session.update({ where: { id: session.id }, data: { privilegedUntil: new Date(Date.now() - 1000) } });
    const late = await postConfirmNewEmail(c, target, code);
    expect(late.status).toBe(302);
    expect(late.headers.get('location')).toBe(EXPIRED);
    expect((await prisma.account.findUniqueOrThrow({ where: { uid: owner.uid } })).logonEmail).toBe(owner.email);
    expect(await noticesTo(owner.email)).toHaveLength(0);
    expect(await confirmationsTo(target)).toHaveLength(0);
    expect(await prisma.auditEvent.count({ where: { action: 'logon_email.changed', accountUid: owner.uid } })).toBe(0);
    const stepAgain = await c.get(STEP2);
    expect(stepAgain.headers.get('location')).toBe(EXPIRED);
  });

  it('validates the new email: malformed, too long, the same as now, in use by another account — and sends no code', async () => {
    const owner = await createOwner(prisma);
    const other = await createOwner(prisma);
    const c = await signedIn(owner.email);
    await postVerifyIdentity(c, prisma, 'EMAIL', owner.email);
    const longEmail = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.com`;
    expect(longEmail.length).toBe(255);
    const cases: [string, string][] = [
      ['not-an-email', 'Enter a valid email address, like name@example.com.'],
      ['', 'Enter an email address.'],
      [longEmail, 'An email address has at most 254 characters.'],
      [`  ${owner.email.toUpperCase()} `, CHANGE_MESSAGES.sameEmail],
    ];
    for (const [newEmail, message] of cases) {
      const res = await c.post(STEP2, { intent: 'send-code', newEmail });
      expect(res.status, newEmail).toBe(400);
      const page = await text(res);
      expect(page).toContain(message);
      expect(page).not.toContain(FAQ_UNREGISTERED);
    }
    // In use by another account (compared normalised): the FAQ's two ways out, and no code to that address.
    const inUse = await c.post(STEP2, { intent: 'send-code', newEmail: ` ${other.email.toUpperCase()}` });
    expect(inUse.status).toBe(400);
    const html = await inUse.text();
    expect(pageText(html)).toContain(CHANGE_MESSAGES.inUse);
    expect(pageText(html)).toContain(FAQ_UNREGISTERED);
    expect(html).toContain('href="/password-reset"');
    expect(await prisma.verification.count({ where: { target: other.email } })).toBe(0);
    expect(await prisma.outboxMessage.count({ where: { recipient: other.email } })).toBe(0);
    expect(await prisma.verification.count({ where: { accountUid: owner.uid, purpose: 'CHANGE_EMAIL_NEW' } })).toBe(0);
    // The same rules hold at the final step.
    const confirmInUse = await postConfirmNewEmail(c, other.email, '123456');
    expect(confirmInUse.status).toBe(409);
    expect(await text(confirmInUse)).toContain(FAQ_UNREGISTERED);
    const confirmLong = await postConfirmNewEmail(c, longEmail, '123456');
    expect(confirmLong.status).toBe(400);
    expect(await text(confirmLong)).toContain('An email address has at most 254 characters.');
    expect((await prisma.account.findUniqueOrThrow({ where: { uid: owner.uid } })).logonEmail).toBe(owner.email);
  });

  it('re-checks at the final step that the address is still free', async () => {
    const target = `taken-later-${Date.now()}@example.com`;
    const { owner, client: c, code } = await ownerAtFinalStep(target);
    // After the code was sent, another account registers the address.
    const rival = await createOwner(prisma, { email: target });
    const res = await postConfirmNewEmail(c, target, code);
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(pageText(html)).toContain(CHANGE_MESSAGES.inUse);
    expect(pageText(html)).toContain(FAQ_UNREGISTERED);
    expect(html).toContain('href="/password-reset"');
    expect((await prisma.account.findUniqueOrThrow({ where: { uid: owner.uid } })).logonEmail).toBe(owner.email);
    expect((await prisma.account.findUniqueOrThrow({ where: { uid: rival.uid } })).logonEmail).toBe(target);
    expect(await noticesTo(owner.email)).toHaveLength(0);
    expect(await confirmationsTo(target)).toHaveLength(0);
  });

  it('a double submit of the final step changes once, sends one notice, and answers the second clearly', async () => {
    const target = `double-${Date.now()}@example.com`;
    const { owner, client: c, code } = await ownerAtFinalStep(target);
    const answers = await Promise.all([postConfirmNewEmail(c, target, code), postConfirmNewEmail(c, target, code)]);
    const statuses = answers.map((r) => r.status);
    // The twin gets the same outcome: the "Modification successful" page, not an error about its code or window.
    expect(statuses).toEqual([302, 302]);
    expect(answers.map((r) => r.headers.get('location'))).toEqual([DONE, DONE]);

    // And once more, after the change went through: the outcome of the first, the "Modification successful" page.
    const third = await postConfirmNewEmail(c, target, code);
    expect(third.status).toBe(302);
    expect(third.headers.get('location')).toBe(DONE);
    expect(pageText(await (await c.get(DONE)).text())).toContain('Modification successful');

    expect((await prisma.account.findUniqueOrThrow({ where: { uid: owner.uid } })).logonEmail).toBe(target);
    expect(await noticesTo(owner.email)).toHaveLength(1);
    expect(await confirmationsTo(target)).toHaveLength(1);
    expect(await prisma.auditEvent.count({ where: { action: 'logon_email.changed', accountUid: owner.uid } })).toBe(1);
  });

  it('opens the appeal only from a live "This wasn\'t me" link', async () => {
    const target = `notme-${Date.now()}@example.com`;
    const { owner, client: c, code } = await ownerAtFinalStep(target);
    expect((await postConfirmNewEmail(c, target, code)).status).toBe(302);
    const [notice] = await noticesTo(owner.email);
    const token = /\/security\/not-me\/([A-Za-z0-9_-]+)/.exec(notice.text)![1];
    const live = await client().get(`/security/not-me/${token}`);
    expect(live.status).toBe(302);
    expect(live.headers.get('location')).toContain('/appeals/new?scenario=EMAIL_CHANGED_NOT_ME');

    await prisma.securityNoticeToken.updateMany({
      where: { accountUid: owner.uid },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    for (const t of [token, `${token.slice(0, -4)}AAAA`, 'unknown-token-of-some-length-000000000']) {
      const res = await client().get(`/security/not-me/${t}`);
      expect(res.status).not.toBe(302);
      expect(res.headers.get('location')).toBeNull();
      expect(await text(res)).toContain('This link is no longer valid');
    }
  });

  it('answers RAM users, RAM roles and SSO users 403 with the reason on every loader and action, and changes nothing', async () => {
    const opsAdmin = await prisma.ramRole.findFirstOrThrow({ where: { accountUid: ALICE_UID, name: 'OpsAdmin' } });
    const dev = await prisma.ramUser.findFirstOrThrow({ where: { accountUid: ALICE_UID, name: 'dev' } });
    const ramUser = new HttpClient(portal.url, { userAgent: 'vitest ram user' });
    await ramUser.signIn('dev@1000000000000001.onaliyun.com');
    const ramUserSession = await prisma.session.findFirstOrThrow({
      where: { principalType: 'RAM_USER', ramUserId: dev.id, revokedAt: null },
      orderBy: { createdAt: 'desc' },
    });
    const principals = [
      { name: 'RAM user', client: ramUser, sessionId: ramUserSession.id },
      ...(await Promise.all(
        [
          { name: 'RAM role', principalType: 'RAM_ROLE' as const, ramRoleId: opsAdmin.id, ramUserId: dev.id },
          { name: 'SSO user', principalType: 'SSO_USER' as const, ssoSubject: 'sso-sub-1', ssoName: 'sso.dev' },
          {
            name: 'SSO role',
            principalType: 'SSO_ROLE' as const,
            ramRoleId: opsAdmin.id,
            ssoSubject: 'sso-sub-2',
            ssoName: 'sso.ops',
          },
        ].map(async ({ name, ...input }) => {
          const { session, client: c } = await sessionFor(portal, { accountUid: ALICE_UID, ...input });
          return { name, client: c as HttpClient, sessionId: session.id };
        }),
      )),
    ];

    const target = 'ram-takeover@example.com';
    const CODE = '424242';
    const created = new Date(Date.now() - 3 * 86_400_000); // outside every send limit, so Alice is not affected
    const expires = new Date(Date.now() + 30 * 60_000);
    for (const p of principals) {
      // Give each delegate session what an owner would need: an open window and live codes.
      await prisma.session.update({ where: { id: p.sessionId }, data: { privilegedUntil: expires } });
      for (const [purpose, channel, to] of [
        ['CHANGE_EMAIL_IDENTITY', 'EMAIL', current.alice],
        ['CHANGE_EMAIL_NEW', 'EMAIL', target],
      ] as const) {
        const row = await prisma.verification.create({
          data: {
            purpose,
            channel,
            target: to,
            accountUid: ALICE_UID,
            requesterKey: `session:${p.sessionId}`,
            codeHash: 'x',
            createdAt: created,
            expiresAt: expires,
          },
        });
        await prisma.verification.update({
          where: { id: row.id },
          data: { codeHash: hashCode(portal.services.config.encryptionSecret, row.id, CODE) },
        });
      }
    }
    const before = {
      account: await prisma.account.findUniqueOrThrow({ where: { uid: ALICE_UID } }),
      verifications: await prisma.verification.findMany({ where: { accountUid: ALICE_UID }, orderBy: { id: 'asc' } }),
      outbox: await prisma.outboxMessage.count(),
      sessions: await prisma.session.findMany({
        where: { accountUid: ALICE_UID },
        orderBy: { id: 'asc' },
        select: { id: true, revokedAt: true, privilegedUntil: true },
      }),
    };

    const calls: [string, (c: HttpClient) => Promise<Response>][] = [
      ['GET step 1', (c) => c.get(STEP1)],
      ['send-code SMS', (c) => c.post(STEP1, { intent: 'send-code', channel: 'SMS' })],
      ['send-code EMAIL', (c) => c.post(STEP1, { intent: 'send-code', channel: 'EMAIL' })],
      ['verify', (c) => c.post(STEP1, { intent: 'verify', code: CODE })],
      ['GET step 2', (c) => c.get(STEP2)],
      ['send-code new email', (c) => c.post(STEP2, { intent: 'send-code', newEmail: target })],
      ['confirm', (c) => c.post(STEP2, { intent: 'confirm', newEmail: target, code: CODE })],
      ['GET done', (c) => c.get(DONE)],
    ];
    for (const p of principals) {
      // The principal really is signed in (the 403 is not a sign-in redirect).
      expect((await p.client.get('/account/security')).status, p.name).toBe(200);
      for (const [what, call] of calls) {
        const res = await call(p.client);
        expect(res.status, `${p.name}: ${what}`).toBe(403);
        expect(await text(res), `${p.name}: ${what}`).toContain(NOT_ROOT_REASON);
      }
    }

    expect(await prisma.account.findUniqueOrThrow({ where: { uid: ALICE_UID } })).toEqual(before.account);
    expect(await prisma.verification.findMany({ where: { accountUid: ALICE_UID }, orderBy: { id: 'asc' } })).toEqual(
      before.verifications,
    );
    expect(await prisma.outboxMessage.count()).toBe(before.outbox);
    expect(
      await prisma.session.findMany({
        where: { accountUid: ALICE_UID },
        orderBy: { id: 'asc' },
        select: { id: true, revokedAt: true, privilegedUntil: true },
      }),
    ).toEqual(before.sessions);
    expect(await prisma.account.count({ where: { logonEmail: target } })).toBe(0);
  });

  it('recognises the unique index on the logon email as "already in use" on this database (the last word in a race)', async () => {
    const a = await createOwner(prisma);
    const b = await createOwner(prisma);
    const err = await prisma.account.update({ where: { uid: b.uid }, data: { logonEmail: a.email } }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).not.toBeNull();
    expect(isUniqueViolation(err, 'logonEmail')).toBe(true);
    expect(isUniqueViolation(err, 'alias')).toBe(false);
    expect((await prisma.account.findUniqueOrThrow({ where: { uid: b.uid } })).logonEmail).toBe(b.email);
  });

  it.skipIf(kind !== 'postgres')(
    'two accounts racing for one address: exactly one wins, the loser is told and unchanged (PostgreSQL)',
    async () => {
      const contested = 'contested@example.com';
      const alice = await signedIn(current.alice);
      const bob = await signedIn(current.bob);
      await postVerifyIdentity(alice, prisma, 'SMS', '+8613800000001');
      await postVerifyIdentity(bob, prisma, 'EMAIL', current.bob);
      const aliceCode = await postNewEmailCode(alice, prisma, contested);
      const bobCode = await postNewEmailCode(bob, prisma, contested);
      // Both codes went to the same address; make sure each holds its own.
      expect(
        await prisma.verification.count({
          where: { target: contested, purpose: 'CHANGE_EMAIL_NEW', consumedAt: null, invalidatedAt: null },
        }),
      ).toBe(2);
      const beforeAlice = await prisma.account.findUniqueOrThrow({ where: { uid: ALICE_UID } });
      const beforeBob = await prisma.account.findUniqueOrThrow({ where: { uid: BOB_UID } });
      const changes = (uid: string) =>
        prisma.auditEvent.count({ where: { action: 'logon_email.changed', accountUid: uid } });
      const changesBefore: Record<string, number> = {
        [ALICE_UID]: await changes(ALICE_UID),
        [BOB_UID]: await changes(BOB_UID),
      };

      const [a, b] = await Promise.all([
        postConfirmNewEmail(alice, contested, aliceCode),
        postConfirmNewEmail(bob, contested, bobCode),
      ]);
      const results = [
        { uid: ALICE_UID, res: a, before: beforeAlice },
        { uid: BOB_UID, res: b, before: beforeBob },
      ];
      const winners = results.filter((r) => r.res.status === 302 && r.res.headers.get('location') === DONE);
      const losers = results.filter((r) => r.res.status === 409);
      expect(results.map((r) => r.res.status)).toEqual(expect.arrayContaining([302, 409]));
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(1);
      const loserPage = await text(losers[0].res);
      expect(loserPage).toContain(CHANGE_MESSAGES.inUse);
      expect(loserPage).toContain(FAQ_UNREGISTERED);
      expect((await prisma.account.findUniqueOrThrow({ where: { uid: winners[0].uid } })).logonEmail).toBe(contested);
      expect(await prisma.account.findUniqueOrThrow({ where: { uid: losers[0].uid } })).toEqual(losers[0].before);
      expect(await prisma.account.count({ where: { logonEmail: contested } })).toBe(1);
      expect(await noticesTo(losers[0].before.logonEmail)).toHaveLength(0);
      expect(await noticesTo(winners[0].before.logonEmail)).toHaveLength(1);
      expect(await confirmationsTo(contested)).toHaveLength(1);
      expect(await changes(losers[0].uid)).toBe(changesBefore[losers[0].uid]);
      expect(await changes(winners[0].uid)).toBe(changesBefore[winners[0].uid] + 1);
    },
  );
});
