// Issue 29: what operators run the portal with — the log (one line per request, job run and delivery;
// nothing secret in it), the request id, /metrics, and the liveness and readiness probes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { HttpClient } from '../support/http';
import { captureLog, type CapturedLog } from '../support/log-capture';
import { createOwner, postConfirmNewEmail, DONE, postNewEmailCode, postVerifyIdentity } from '../support/accounts';
import { BASE_DETAILS, postAppeal, mailedLink, STOP_LINK, trackingLinkFor } from '../support/appeals';
import { DEMO_PASSWORD } from '~/demo/seed.server';
import { signInStaff } from '../support/backoffice';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The sum of the samples of `name` whose labels include `labels` (null when there is none). */
function sample(metrics: string, name: string, labels: Record<string, string> = {}): number | null {
  let sum: number | null = null;
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum = (sum ?? 0) + Number(m[3]);
  }
  return sum;
}

describeEachDatabase('operations: logs, request ids, metrics, probes', (kind) => {
  let portal: TestPortal;
  let log: CapturedLog;
  beforeAll(async () => {
    log = captureLog();
    portal = await startTestPortal(kind, { logger: log.logger });
  });
  afterAll(async () => {
    await portal?.stop();
  });
  const prisma = () => portal.db.prisma;

  async function delivered() {
    for (let i = 0; i < 100 && (await prisma().outboxMessage.count({ where: { status: 'PENDING' } })); i++)
      await sleep(100);
  }

  it('a change of the logon email and an appeal leave no code, token, password, cookie or unmasked email in the log', async () => {
    const owner = await createOwner(prisma());
    const newEmail = `moved.${owner.uid}@example.org`;
    const client = new HttpClient(portal.url);
    await client.signIn(owner.email, DEMO_PASSWORD);
    const principalId = owner.uid;
    await postVerifyIdentity(client, prisma(), 'EMAIL', owner.email);
    const code = await postNewEmailCode(client, prisma(), newEmail);
    const done = await postConfirmNewEmail(client, newEmail, code);
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe(DONE);
    const sessionCookie = client.cookieHeader();

    // An appeal for Bob's account: it warns the owner with a stop link; the appellant gets a tracking link.
    const appellant = new HttpClient(portal.url);
    const appealEmail = `appellant.${owner.uid}@example.net`;
    const filed = await postAppeal(appellant, prisma(), appealEmail, {
      ...BASE_DETAILS,
      givenUid: '1000000000000002',
      holderName: 'Bob Li',
      lastPaymentAmount: '1.00',
    });
    expect(filed.caseNumber).toMatch(/AP-/);
    const tracking = await trackingLinkFor(prisma(), appealEmail);
    expect((await appellant.get(tracking)).status).toBe(200);
    const stop = await mailedLink(prisma(), 'bob@example.com', 'appeal-owner-warned', STOP_LINK);
    expect((await new HttpClient(portal.url).get(stop)).status).toBe(200);
    await delivered();
    await sleep(200);

    // Every secret the flows handled: codes and links from the messages, the cookies, the password, the addresses.
    const messages = await prisma().outboxMessage.findMany({
      where: { recipient: { in: [owner.email, newEmail, appealEmail, 'bob@example.com'] } },
    });
    expect(messages.length).toBeGreaterThan(4);
    const secrets = new Set<string>([
      DEMO_PASSWORD,
      owner.email,
      newEmail,
      appealEmail,
      'bob@example.com',
      tracking.split('/').pop()!,
      stop.split('/').pop()!,
    ]);
    for (const m of messages) {
      for (const c of m.text.matchAll(/\b(\d{6})\b/g)) secrets.add(c[1]);
      for (const t of m.text.matchAll(/\/([A-Za-z0-9_-]{20,})\b/g)) secrets.add(t[1]);
    }
    for (const pair of [...sessionCookie.split('; '), ...appellant.cookieHeader().split('; ')].filter(Boolean))
      secrets.add(pair.slice(pair.indexOf('=') + 1));
    const text = log.text();
    for (const secret of secrets) expect(text, `the log holds ${secret}`).not.toContain(secret);
    expect(text).not.toMatch(/verification code is/i);

    // And it says what happened: requests by route id with the principal, and each delivery.
    const entries = log.entries();
    const confirm = entries.find(
      (e) => e.event === 'request' && e.method === 'POST' && e.route === 'routes/account.security_.logon-email.new',
    );
    expect(confirm).toMatchObject({ status: 302, principal: { kind: 'owner', id: principalId } });
    expect(typeof confirm?.requestId).toBe('string');
    expect(typeof confirm?.durationMs).toBe('number');
    expect(
      entries.some((e) => e.event === 'request' && e.route === 'routes/appeals.track.$token' && e.status === 200),
    ).toBe(true);
    expect(entries.filter((e) => e.event === 'outbox.delivery' && e.outcome === 'sent').length).toBeGreaterThanOrEqual(
      messages.length,
    );
    expect(entries.some((e) => e.event === 'startup.step' && e.step === 'ready')).toBe(true);
  });

  it('every answer carries X-Request-Id (a well-formed one from a proxy is kept), its log line has it, and the error page quotes it', async () => {
    const own = await fetch(`${portal.url}/login`);
    const id = own.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await sleep(50);
    expect(log.entries().find((e) => e.requestId === id)).toMatchObject({
      event: 'request',
      route: 'routes/login',
      status: 200,
      method: 'GET',
    });

    expect(
      (await fetch(`${portal.url}/login`, { headers: { 'X-Request-Id': 'lb-7f3a9c21-aa' } })).headers.get(
        'x-request-id',
      ),
    ).toBe('lb-7f3a9c21-aa');
    const forged = (
      await fetch(`${portal.url}/login`, { headers: { 'X-Request-Id': 'bad id <script>alert(1)</script>' } })
    ).headers.get('x-request-id');
    expect(forged).toMatch(/^[0-9a-f-]{36}$/);

    // A page the portal serves, refusing: a tracking link that does not exist.
    const missing = await fetch(`${portal.url}/appeals/track/${'x'.repeat(43)}`);
    expect(missing.status).toBe(404);
    const html = await missing.text();
    expect(html).toContain('quote this reference');
    expect(html).toContain(missing.headers.get('x-request-id'));
  });

  it("a staff member's requests are logged with the staff id, never the email", async () => {
    const staff = new HttpClient(portal.url);
    await signInStaff(staff, prisma(), 'agent@support.example.com');
    const queue = await staff.get('/staff/appeals');
    expect(queue.status).toBe(200);
    const id = queue.headers.get('x-request-id');
    await sleep(50);
    const agent = await prisma().staff.findUniqueOrThrow({ where: { email: 'agent@support.example.com' } });
    expect(log.entries().find((e) => e.requestId === id)).toMatchObject({
      route: 'routes/staff.appeals._index',
      principal: { kind: 'staff', id: agent.id },
    });
    expect(log.text()).not.toContain('agent@support.example.com');
  });

  it('/metrics: request durations by route and status class, outbox backlog and age, open appeals by SLA state, handovers due, job runs, rate-limit refusals, pool and process', async () => {
    // A message stuck for ten minutes (its next attempt far away), an appeal past its due date, a handover due.
    const stuck = await prisma().outboxMessage.create({
      data: {
        channel: 'EMAIL',
        recipient: 'stuck@example.com',
        text: 'x',
        template: 'test',
        createdAt: new Date(Date.now() - 600_000),
        nextAttemptAt: new Date(Date.now() + 3600_000),
      },
    });
    // Six wrong passwords for one name from one address: the sixth is refused by a limiter.
    const guesser = new HttpClient(portal.url);
    for (let i = 0; i < 6; i++)
      await guesser.post('/login', { login: 'nobody@example.com', password: 'wrong-password-1' });
    // The handover job runs 5 s after start-up.
    await sleep(Math.max(0, 5_500 - 0));

    const res = await fetch(`${portal.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await res.text();
    expect(
      sample(body, 'ard_http_request_duration_seconds_count', {
        route: 'routes/login',
        status_class: '2xx',
        method: 'GET',
      }),
    ).toBeGreaterThan(0);
    expect(
      sample(body, 'ard_http_request_duration_seconds_bucket', { route: 'routes/login', method: 'POST', le: '+Inf' }),
    ).toBeGreaterThanOrEqual(6);
    const pending = await prisma().outboxMessage.count({ where: { status: 'PENDING' } });
    expect(sample(body, 'ard_outbox_backlog')).toBe(pending);
    expect(sample(body, 'ard_outbox_oldest_undelivered_age_seconds')).toBeGreaterThanOrEqual(599);
    const open = await prisma().appeal.count({ where: { status: 'SUBMITTED' } });
    const submitted = ['on_time', 'due_24h', 'breached'].reduce(
      (n, sla) => n + (sample(body, 'ard_appeals_open', { status: 'SUBMITTED', sla }) ?? 0),
      0,
    );
    expect(submitted).toBe(open);
    expect(sample(body, 'ard_appeals_open', { status: 'AWAITING_CUSTOMER', sla: 'paused' })).not.toBeNull();
    expect(sample(body, 'ard_handovers_due')).toBe(0);
    expect(sample(body, 'ard_job_runs_total', { job: 'handover', outcome: 'ok' })).toBe(1);
    expect(
      sample(body, 'ard_rate_limit_refusals_total', { limiter: 'loginFailuresPerLoginAndIp' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(body, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(body, 'nodejs_eventloop_lag_seconds')).not.toBeNull();
    if (kind === 'postgres') expect(sample(body, 'ard_db_pool_connections', { state: 'in_use' })).not.toBeNull();
    // The job's own log line.
    expect(log.entries().find((e) => e.event === 'job.run' && e.job === 'handover')).toMatchObject({ outcome: 'ok' });
    await prisma().outboxMessage.delete({ where: { id: stuck.id } });
  });

  it('a failed delivery is counted and logged without its recipient', async () => {
    await prisma().outboxMessage.create({
      data: { channel: 'SMS', recipient: '+8613912345678', text: 'code 123456', template: 'test-sms' },
    });
    const failing = portal.services.outbox as unknown as { o: { sms: { send(): Promise<void> } } };
    const original = failing.o.sms.send;
    failing.o.sms.send = async () => {
      throw new Error('gateway refused +8613912345678 for user carol@example.com');
    };
    try {
      for (
        let i = 0;
        i < 50 && !log.entries().some((e) => e.event === 'outbox.delivery' && e.template === 'test-sms');
        i++
      )
        await sleep(100);
    } finally {
      failing.o.sms.send = original;
    }
    const line = log.entries().find((e) => e.event === 'outbox.delivery' && e.template === 'test-sms');
    expect(line).toMatchObject({ outcome: 'retry', channel: 'SMS', attempt: 1 });
    expect(JSON.stringify(line)).not.toMatch(/8613912345678|carol@example\.com|123456/);
    expect(String(line?.error)).toContain('c***@example.com');
    const body = await (await fetch(`${portal.url}/metrics`)).text();
    expect(
      sample(body, 'ard_outbox_delivery_failures_total', { channel: 'SMS', final: 'false' }),
    ).toBeGreaterThanOrEqual(1);
    await prisma().outboxMessage.deleteMany({ where: { template: 'test-sms' } });
  });

  it('/healthz/live answers while the process runs; /healthz/ready is 503 while starting and stopping; /healthz stays', async () => {
    const live = await fetch(`${portal.url}/healthz/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'live' });
    const ready = await fetch(`${portal.url}/healthz/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok' } });
    expect(await (await fetch(`${portal.url}/healthz`)).json()).toEqual({ status: 'ok', database: kind });

    portal.lifecycle.state = 'starting';
    try {
      expect((await fetch(`${portal.url}/healthz/ready`)).status).toBe(503);
      expect((await fetch(`${portal.url}/healthz/live`)).status).toBe(200);
      const page = await fetch(`${portal.url}/login`);
      expect(page.status).toBe(503);
      expect(page.headers.get('retry-after')).toBe('5');
      portal.lifecycle.state = 'stopping';
      const stopping = await fetch(`${portal.url}/healthz/ready`);
      expect(stopping.status).toBe(503);
      expect(await stopping.json()).toEqual({ status: 'stopping' });
      const last = await fetch(`${portal.url}/login`);
      expect(last.status).toBe(200);
      expect(last.headers.get('connection')).toBe('close');
    } finally {
      portal.lifecycle.state = 'ready';
    }
  });
});

describeEachDatabase('operations: /metrics and readiness in production', (kind) => {
  const token = 'metrics-token-0123456789';
  let portal: TestPortal;
  let open: TestPortal;
  const production = {
    PORTAL_MODE: 'production',
    SMTP_URL: 'smtp://127.0.0.1:9',
    SESSION_SECRET: 's'.repeat(40),
    PUBLIC_URL: 'https://desk.example.com',
  };
  beforeAll(async () => {
    portal = await startTestPortal(kind, {
      env: { ...production, METRICS_TOKEN: token, REDIS_URL: 'redis://127.0.0.1:6379' },
      logger: captureLog().logger,
    });
    open = await startTestPortal(kind, { env: production, config: { metricsPort: 0 }, logger: captureLog().logger });
  });
  afterAll(async () => {
    await portal?.stop();
    await open?.stop();
  });

  it('answers /metrics only with the bearer token; without METRICS_TOKEN only on the loopback METRICS_PORT', async () => {
    expect((await fetch(`${portal.url}/metrics`)).status).toBe(401);
    expect(
      (await fetch(`${portal.url}/metrics`, { headers: { Authorization: 'Bearer wrong-token-0123456789' } })).status,
    ).toBe(401);
    const ok = await fetch(`${portal.url}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('ard_outbox_backlog');

    expect((await fetch(`${open.url}/metrics`)).status).toBe(404);
    expect(open.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const local = await fetch(`${open.metricsUrl}/metrics`);
    expect(local.status).toBe(200);
    expect(await local.text()).toContain('ard_http_request_duration_seconds');
  });

  it('readiness checks Redis when it is configured', async () => {
    const ready = await fetch(`${portal.url}/healthz/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'ok' } });
  });
});
