// Two portal instances on one PostgreSQL database (each with its own connection pool, as two
// processes behind a load balancer): a sign-in limit reached through A holds on B, and a session
// revoked through A is dead on B at once. With Redis (REDIS_URL, or a server answering on
// 127.0.0.1:6379) the same again with the rate limits in Redis.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, postgresOnly } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { HttpClient, pageText } from '../support/http';
import { createOwner } from '../support/accounts';
import { signInStaff } from '../support/backoffice';
import { openDatabase, type Database } from '~/db/connect.server';
import { LIMITS } from '~/security/rate-limits.server';
import { DEMO_PASSWORD } from '~/demo/seed.server';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisAnswers(): Promise<boolean> {
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
const withRedis = await redisAnswers();

function twoInstances(store: 'database' | 'redis') {
  const ctx = {} as { dbA: Database; dbB: Database; a: TestPortal; b: TestPortal };
  beforeAll(async () => {
    ctx.dbA = await openTestDatabase('postgres');
    // Instance B: a pool of its own on the same database, as another process would have.
    ctx.dbB = await openDatabase({ url: ctx.dbA.location, poolSize: 4 });
    // Behind a "proxy": each run signs in from an address of its own, so counters a previous run left
    // in Redis (they outlive the test database) never meet this one.
    const config = { trustProxy: 1, ...(store === 'redis' ? { redisUrl: REDIS_URL } : {}) };
    ctx.a = await startTestPortal('postgres', { db: ctx.dbA, config });
    ctx.b = await startTestPortal('postgres', { db: ctx.dbB, seed: false, config });
  });
  afterAll(async () => {
    await ctx.a?.stop();
    await ctx.b?.stop();
    await ctx.dbB?.close();
    await ctx.dbA?.close();
  });
  return ctx;
}

function suite(store: 'database' | 'redis') {
  const ctx = twoInstances(store);
  const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
  const ip = `198.19.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`;
  const client = (portal: TestPortal) => new HttpClient(portal.url, { forwardedFor: ip });
  const owner = () =>
    createOwner(ctx.dbA.prisma, { email: `instances-${store}-${run}-${Math.floor(Math.random() * 1e9)}@example.com` });

  it(`rate limits live in the ${store}, shared by both instances`, () => {
    expect(ctx.a.services.limits.storeKind).toBe(store === 'redis' ? 'redis' : 'prisma');
    expect(ctx.b.services.limits.storeKind).toBe(ctx.a.services.limits.storeKind);
  });

  it('a sign-in limit reached through A holds on B (even with the right password)', async () => {
    const account = await owner();
    const { points } = LIMITS.loginFailuresPerLoginAndIp;
    for (let i = 0; i < points; i++) {
      const via = i % 2 ? ctx.b : ctx.a;
      const res = await client(via).post('/login', { login: account.email, password: `wrong-${i}` });
      expect(res.status).toBe(401);
    }
    const onB = await client(ctx.b).post('/login', { login: account.email, password: DEMO_PASSWORD });
    expect(onB.status).toBe(429);
    expect(pageText(await onB.text())).toMatch(/Too many/i);
    const onA = await client(ctx.a).post('/login', { login: account.email, password: DEMO_PASSWORD });
    expect(onA.status).toBe(429);
    if (store === 'redis') {
      // Nothing of it in the database store.
      expect(await ctx.dbA.prisma.rateLimiterFlexible.count({ where: { key: { contains: account.email } } })).toBe(0);
    }
  });

  it('"Sign out other sessions" through A ends the session on B at once', async () => {
    const account = await owner();
    const onA = client(ctx.a);
    const onB = client(ctx.b);
    await onA.signIn(account.email);
    await onB.signIn(account.email);
    expect((await onB.get('/account/security')).status).toBe(200);
    const out = await onA.post('/account/security', { intent: 'sign-out-others' });
    expect(pageText(await out.text())).toContain('Signed out 1 other session.');
    const after = await onB.get('/account/security');
    expect(after.status).toBe(302);
    expect(after.headers.get('location')).toMatch(/^\/login\?redirectTo=/);
    // A's own session goes on.
    expect((await onA.get('/account/security')).status).toBe(200);
  });

  it('a staff sign-out through A ends the staff session on B', async () => {
    const agent = client(ctx.a);
    await signInStaff(agent, ctx.dbA.prisma, 'agent@support.example.com');
    // The same cookie presented to B: the session row is shared.
    const onB = client(ctx.b);
    const cookie = agent.cookieHeader();
    expect((await onB.get('/staff/appeals', { headers: { Cookie: cookie } })).status).toBe(200);
    expect((await agent.post('/staff/logout', {})).status).toBe(302);
    const after = await onB.get('/staff/appeals', { headers: { Cookie: cookie } });
    expect(after.status).toBe(302);
    expect(after.headers.get('location')).toMatch(/^\/staff\/login/);
  });
}

describe.skipIf(!postgresOnly())('resilience: two portal instances on one PostgreSQL [postgres]', () =>
  suite('database'),
);

// Not required: runs when a Redis server answers (CI machines have one), skipped and said so otherwise.
describe.skipIf(!postgresOnly() || !withRedis)(
  `resilience: two portal instances with rate limits in Redis (${REDIS_URL}) [postgres]`,
  () => suite('redis'),
);
