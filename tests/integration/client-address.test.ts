// The client's address behind reverse proxies: the rightmost X-Forwarded-For entry that is not a trusted
// proxy, so a client cannot choose the address its limits are counted by, or the one the audit log records.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { HttpClient } from '../support/http';
import { LIMITS } from '~/security/rate-limits.server';

const randomAddress = () => [...randomBytes(4)].join('.');

describeEachDatabase('client address from X-Forwarded-For', (kind) => {
  let oneHop: TestPortal;
  let listed: TestPortal;
  beforeAll(async () => {
    // As deployed: TRUST_PROXY read from the environment, one reverse proxy (on loopback) appending the peer.
    oneHop = await startTestPortal(kind, { env: { TRUST_PROXY: '1' } });
    listed = await startTestPortal(kind, { env: { TRUST_PROXY: 'loopback, 198.51.100.0/24' } });
  });
  afterAll(async () => {
    await oneHop?.stop();
    await listed?.stop();
  });

  const failedLogin = (portal: TestPortal, forwardedFor: string, login: string) =>
    new HttpClient(portal.url, { forwardedFor }).post('/login', { login, password: 'not-the-password-1' });

  it('TRUST_PROXY=1: rotating the leftmost entry does not escape the per-address sign-in limit', async () => {
    const points = LIMITS.loginFailuresPerIp.points;
    // A different login each time, so only the per-address limit can refuse.
    for (let i = 0; i < points; i++) {
      const res = await failedLogin(oneHop, `${randomAddress()}, 203.0.113.7`, `rotation-${i}@example.com`);
      expect(res.status, `attempt ${i + 1}`).toBe(401);
    }
    const refused = await failedLogin(oneHop, `${randomAddress()}, 203.0.113.7`, 'rotation-last@example.com');
    expect(refused.status).toBe(429);
    // Another client behind the same proxy is not affected.
    expect((await failedLogin(oneHop, `203.0.113.7, 203.0.113.8`, 'rotation-last@example.com')).status).toBe(401);
    // And the audit log holds the address the proxy saw, never the one the client wrote.
    const recorded = await oneHop.db.prisma.auditEvent.findMany({
      where: { action: 'login.failed' },
      select: { ip: true },
    });
    expect(new Set(recorded.map((e) => e.ip))).toEqual(new Set(['203.0.113.7', '203.0.113.8']));
  });

  it('TRUST_PROXY=1: a request without X-Forwarded-For is the proxy itself', async () => {
    await new HttpClient(oneHop.url).post('/login', { login: 'no-header@example.com', password: 'not-the-password-1' });
    const event = await oneHop.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'login.failed' },
      orderBy: { id: 'desc' },
    });
    expect(event.ip).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
  });

  it('TRUST_PROXY as a list of proxies: the rightmost address that is not one of them is the client', async () => {
    await failedLogin(listed, `${randomAddress()}, 203.0.113.9, 198.51.100.20, 198.51.100.21`, 'listed@example.com');
    const event = await listed.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'login.failed' },
      orderBy: { id: 'desc' },
    });
    expect(event.ip).toBe('203.0.113.9');
  });
});
