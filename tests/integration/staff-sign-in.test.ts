// Staff sign-in's second step: the session gets a new token when TOTP completes, and a TOTP code is
// accepted once — across the boundary of its 30-second window too — without refusing the next window's code.
import type { AppLoadContext } from '@remix-run/node';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { useTestPortal } from '../support/portal';
import { HttpClient } from '../support/http';
import { DEMO_STAFF, DEMO_TOTP_SECRET, staffSignIn } from '../support/staff';
import { DEMO_PASSWORD } from '~/demo/seed.server';
import { completeStaffSignIn } from '~/staff/auth.server';
import { totpNow } from '~/staff/totp.server';

const STEP_MS = 30_000;
const META = { ip: '203.0.113.50', userAgent: 'vitest staff sign-in' };

describeEachDatabase('staff sign-in: second step', (kind) => {
  const portal = useTestPortal(kind);

  /** A session after the password step (what the TOTP step completes), by its id. */
  async function pendingSession(email: string): Promise<string> {
    const res = await new HttpClient(portal().url).post('/staff/login', { email, password: DEMO_PASSWORD });
    expect(res.status).toBe(302);
    const session = await portal().db.prisma.staffSession.findFirstOrThrow({
      where: { staff: { email }, mfaPassed: false },
      orderBy: { createdAt: 'desc' },
    });
    return session.id;
  }
  const context = () => ({ services: portal().services }) as AppLoadContext;
  const forgetLastStep = (email: string) =>
    portal().db.prisma.staff.update({ where: { email }, data: { totpLastStep: null } });

  it('issues a new session token when TOTP completes: the password step’s cookie never opens the back office', async () => {
    const agent = new HttpClient(portal().url);
    await agent.post('/staff/login', { email: DEMO_STAFF.agent, password: DEMO_PASSWORD });
    const halfway = agent.cookieHeader();
    await forgetLastStep(DEMO_STAFF.agent);
    const done = await agent.post('/staff/login', { intent: 'totp', code: totpNow(DEMO_TOTP_SECRET) });
    expect(done.status).toBe(302);
    expect(done.headers.getSetCookie().some((c) => c.startsWith('ard_staff='))).toBe(true);
    expect(agent.cookieHeader()).not.toBe(halfway);

    expect((await agent.get('/staff/appeals')).status).toBe(200);
    const old = await fetch(`${portal().url}/staff/appeals`, { headers: { Cookie: halfway }, redirect: 'manual' });
    expect(old.status).toBe(302);
    expect(old.headers.get('location')).toMatch(/^\/staff\/login/);
  });

  it('refuses a code used once when it comes again in the next window (replay across the boundary)', async () => {
    await forgetLastStep(DEMO_STAFF.senior);
    const step = Math.floor(Date.now() / STEP_MS);
    const code = totpNow(DEMO_TOTP_SECRET, step * STEP_MS);
    // Used at :29 of its own window…
    expect(
      await completeStaffSignIn(
        context(),
        await pendingSession(DEMO_STAFF.senior),
        code,
        META,
        step * STEP_MS + 29_000,
      ),
    ).toMatchObject({ ok: true });
    // …and again at :01 of the next one, where it is still within the allowed drift.
    const replay = await completeStaffSignIn(
      context(),
      await pendingSession(DEMO_STAFF.senior),
      code,
      META,
      (step + 1) * STEP_MS + 1_000,
    );
    expect(replay).toMatchObject({
      ok: false,
      status: 401,
      message: 'This code was already used. Wait for the next one.',
    });
  });

  it("accepts the next window's code right after this window's code was used (an authenticator a little ahead)", async () => {
    await forgetLastStep(DEMO_STAFF.admin);
    const step = Math.floor(Date.now() / STEP_MS);
    const now = step * STEP_MS + 25_000;
    expect(
      await completeStaffSignIn(
        context(),
        await pendingSession(DEMO_STAFF.admin),
        totpNow(DEMO_TOTP_SECRET, now),
        META,
        now,
      ),
    ).toMatchObject({ ok: true });
    const ahead = totpNow(DEMO_TOTP_SECRET, (step + 1) * STEP_MS);
    expect(
      await completeStaffSignIn(context(), await pendingSession(DEMO_STAFF.admin), ahead, META, now + 1_000),
    ).toMatchObject({ ok: true });
    // Both steps are on record as used: the later one is the last accepted.
    expect(
      (await portal().db.prisma.staff.findUniqueOrThrow({ where: { email: DEMO_STAFF.admin } })).totpLastStep,
    ).toBe(step + 1);
  });

  it('still signs in over HTTP with the current code', async () => {
    await staffSignIn(new HttpClient(portal().url), DEMO_STAFF.agent, { prisma: portal().db.prisma });
  });
});
