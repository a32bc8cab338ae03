// Password guessing is slowed without letting a stranger lock the owner or a staff member out
// (NIST SP 800-63B §3.2.2): tight per login and client address, a growing wait per login, never a lock.
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { useTestPortal } from '../support/portal';
import { clientsAt, HttpClient, pageText } from '../support/http';
import { codeSentTo, createOwner } from '../support/accounts';
import { staffSignIn } from '../support/staff';
import { LIMITS } from '~/security/rate-limits.server';
import { FREE_FAILURES } from '~/auth/guessing.server';
import { INVALID_CREDENTIALS } from '~/auth/login.server';
import { STAFF_INVALID } from '~/staff/auth.server';
import { hashPassword } from '~/auth/password.server';
import { DEMO_PASSWORD } from '~/demo/seed.server';

const PAIR_POINTS = LIMITS.loginFailuresPerLoginAndIp.points;
/** Failures after which the next guess of a login makes the one after it wait the longest (MAX_WAIT_SEC). */
const LONG_WAIT_FAILURES = FREE_FAILURES + 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeEachDatabase('sign-in throttling without lock-outs', (kind) => {
  const portal = useTestPortal(kind, { config: { trustProxy: 1 } });

  /** A client at an address of its own (behind the one trusted proxy). */
  const at = clientsAt(() => portal().url, `198.18.${kind === 'pglite' ? 1 : 2}`);
  const login = (c: HttpClient, name: string, password: string) => c.post('/login', { login: name, password });
  const staffPassword = (c: HttpClient, email: string, password: string) => c.post('/staff/login', { email, password });
  const newStaff = async (email: string) =>
    portal().db.prisma.staff.create({
      data: {
        email,
        name: 'Throttled',
        roles: ['AGENT'],
        passwordHash: await hashPassword(DEMO_PASSWORD),
        totpSecretEncrypted: null,
      },
    });

  it('an attacker at address A exhausts its tries; the owner at address B still signs in', async () => {
    const owner = await createOwner(portal().db.prisma);
    const attacker = at();
    for (let i = 0; i < PAIR_POINTS; i++)
      expect((await login(attacker, owner.email, `wrong-password-${i}`)).status).toBe(401);
    const refused = await login(attacker, owner.email, DEMO_PASSWORD);
    expect(refused.status).toBe(429);
    expect((await login(at(), owner.email, DEMO_PASSWORD)).status, 'the owner at another address').toBe(302);

    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(pageText(await refused.text())).toMatch(
      /Too many failed sign-in attempts for this logon name from your network\. Try again in \d+ minutes?, or reset your password\./,
    );
    // An unknown name is refused in the same words: the answer tells nothing about which names exist.
    const ghost = at();
    for (let i = 0; i < PAIR_POINTS; i++) await login(ghost, `ghost-${kind}@example.com`, `wrong-password-${i}`);
    expect(pageText(await (await login(ghost, `ghost-${kind}@example.com`, DEMO_PASSWORD)).text())).toMatch(
      /for this logon name from your network/,
    );
    const audited = await portal().db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'login.throttled', accountUid: owner.uid },
    });
    expect(audited.data).toMatchObject({ limit: 'login-and-address' });
  });

  it('the refusal tells the truth: a completed password reset lifts it, even at the address that was refused', async () => {
    const owner = await createOwner(portal().db.prisma);
    const shared = at();
    for (let i = 0; i < PAIR_POINTS; i++) await login(shared, owner.email, `wrong-password-${i}`);
    expect((await login(shared, owner.email, DEMO_PASSWORD)).status).toBe(429);

    const phone = at();
    expect(
      (await phone.post('/password-reset', { intent: 'request', email: owner.email, channel: 'EMAIL' })).status,
    ).toBe(302);
    const code = await codeSentTo(portal().db.prisma, owner.email);
    const done = await phone.post('/password-reset', {
      intent: 'reset',
      code,
      password: 'Harbour-lantern-482',
      confirm: 'Harbour-lantern-482',
    });
    expect(done.status, pageText(await done.clone().text())).toBe(302);

    expect((await login(shared, owner.email, 'Harbour-lantern-482')).status).toBe(302);
  });

  it('guesses from many addresses are slowed by a growing wait, never locked; the owner gets in once it passes', async () => {
    const owner = await createOwner(portal().db.prisma);
    // The free failures, each from an address of its own (no per-address limit is reached).
    for (let i = 0; i < FREE_FAILURES; i++)
      expect((await login(at(), owner.email, `wrong-password-${i}`)).status, `guess ${i + 1}`).toBe(401);
    // The next guess is still checked, and makes the one after it wait 2 s.
    expect((await login(at(), owner.email, 'wrong-password-x')).status).toBe(401);
    const waiting = await login(at(), owner.email, DEMO_PASSWORD);
    expect(waiting.status).toBe(429);
    const retryAfter = Number(waiting.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(2);
    expect(pageText(await waiting.text())).toMatch(
      /each sign-in attempt now waits a while\. Try again in [12] seconds?, or reset your password\./,
    );
    await sleep(retryAfter * 1000 + 100);
    expect((await login(at(), owner.email, DEMO_PASSWORD)).status).toBe(302);
    // The owner's sign-in started the count afresh: the next wrong guess is simply wrong, not kept waiting.
    const next = await login(at(), owner.email, 'wrong-password-y');
    expect(next.status).toBe(401);
    expect(pageText(await next.text())).toContain(INVALID_CREDENTIALS);
  });

  it('counts guesses sent at once before checking them: 20 from one address get 5 checks; 20 from 20 addresses, once the login waits, get one', async () => {
    const one = await createOwner(portal().db.prisma);
    const office = `198.18.${kind === 'pglite' ? 3 : 4}.1`;
    const fromOne = await Promise.all(
      Array.from({ length: 20 }, (_, i) => login(at(office), one.email, `wrong-password-${i}`).then((r) => r.status)),
    );
    expect(
      fromOne.filter((s) => s === 401),
      `statuses ${fromOne}`,
    ).toHaveLength(PAIR_POINTS);
    expect(fromOne.filter((s) => s === 429)).toHaveLength(20 - PAIR_POINTS);

    // Past many failures (counted directly here: a wait of half an hour, longer than the burst takes on a busy machine).
    const many = await createOwner(portal().db.prisma);
    await portal().services.limits.consume('loginFailuresPerLogin', many.email, LONG_WAIT_FAILURES);
    const fromMany = await Promise.all(
      Array.from({ length: 20 }, (_, i) => login(at(), many.email, `wrong-password-${i}`).then((r) => r.status)),
    );
    expect(
      fromMany.filter((s) => s === 401),
      `statuses ${fromMany}`,
    ).toHaveLength(1);
    expect(fromMany.filter((s) => s === 429)).toHaveLength(19);
  });

  it('staff: an attacker at address A exhausts its tries; the member at address B still signs in with password and TOTP', async () => {
    const email = `throttled-a-${kind}@support.example.com`;
    await newStaff(email);
    // Enrol once (first sign-in), so later sign-ins use the stored secret.
    const member = at();
    const first = await member.post('/staff/login', { email, password: DEMO_PASSWORD });
    expect(first.status).toBe(302);
    const secret = /data-testid="totp-secret">([A-Z2-7]+)</.exec(await (await member.get('/staff/login')).text())![1];
    await staffSignIn(at(), email, { secret, prisma: portal().db.prisma });

    const attacker = at();
    for (let i = 0; i < PAIR_POINTS; i++)
      expect((await staffPassword(attacker, email, `wrong-password-${i}`)).status).toBe(401);
    const refused = await staffPassword(attacker, email, DEMO_PASSWORD);
    expect(refused.status).toBe(429);
    await staffSignIn(at(), email, { secret, prisma: portal().db.prisma });
    expect(pageText(await refused.text())).toMatch(
      /Too many failed attempts for this email from your network\. Try again in \d+ minutes?\./,
    );
    expect(await portal().db.prisma.auditEvent.count({ where: { action: 'staff.login_throttled' } })).toBeGreaterThan(
      0,
    );
  });

  it('staff: guesses from many addresses only make the member wait; a TOTP-verified sign-in ends the wait', async () => {
    const email = `throttled-b-${kind}@support.example.com`;
    await newStaff(email);
    const member = at();
    await member.post('/staff/login', { email, password: DEMO_PASSWORD });
    const secret = /data-testid="totp-secret">([A-Z2-7]+)</.exec(await (await member.get('/staff/login')).text())![1];
    await staffSignIn(at(), email, { secret, prisma: portal().db.prisma });

    for (let i = 0; i <= FREE_FAILURES; i++)
      expect((await staffPassword(at(), email, `wrong-password-${i}`)).status, `guess ${i + 1}`).toBe(401);
    const waiting = await staffPassword(at(), email, DEMO_PASSWORD);
    expect(waiting.status).toBe(429);
    expect(pageText(await waiting.text())).toMatch(
      /each attempt now waits a while\. Try again in [12] seconds?; your next complete sign-in with your authenticator code ends the wait\./,
    );
    await sleep(Number(waiting.headers.get('retry-after')) * 1000 + 100);
    await staffSignIn(at(), email, { secret, prisma: portal().db.prisma });
    // The count started afresh: a wrong password is simply wrong again.
    const next = await staffPassword(at(), email, 'wrong-password-y');
    expect(next.status).toBe(401);
    expect(pageText(await next.text())).toContain(STAFF_INVALID);
  });

  it('staff: guesses sent at once from 20 addresses, once the email waits, get one check', async () => {
    const email = `throttled-c-${kind}@support.example.com`;
    await newStaff(email);
    await portal().services.limits.consume('staffFailuresPerLogin', email, LONG_WAIT_FAILURES);
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => staffPassword(at(), email, `wrong-password-${i}`).then((r) => r.status)),
    );
    expect(
      statuses.filter((s) => s === 401),
      `statuses ${statuses}`,
    ).toHaveLength(1);
    expect(statuses.filter((s) => s === 429)).toHaveLength(19);
  });
});
