// Code quotas over HTTP: what anonymous requesters ask for never spends the signed-in owner's budget,
// and anonymous password-reset and appeal codes each have a per-address budget of their own.
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { useTestPortal } from '../support/portal';
import { clientsAt, HttpClient, pageText } from '../support/http';
import { STEP1 } from '../support/accounts';
import { LIMITS } from '~/security/rate-limits.server';

describeEachDatabase('code quotas: anonymous and signed-in requesters apart', (kind) => {
  const portal = useTestPortal(kind, { config: { trustProxy: 1 } });

  /** A client at an address of its own (behind the one trusted proxy). */
  const at = clientsAt(() => portal().url, `198.18.${kind === 'pglite' ? 5 : 6}`);
  const askReset = (c: HttpClient, email: string) =>
    c.post('/password-reset', { intent: 'request', email, channel: 'EMAIL' });
  const codesTo = (recipient: string) =>
    portal().db.prisma.outboxMessage.count({ where: { recipient, template: { startsWith: 'code:' } } });

  it("five anonymous password-reset requests for bob@example.com do not make Bob's own request for a code answer 429", async () => {
    // Strangers, each with fresh cookies and an address of their own.
    for (let i = 0; i < 5; i++)
      expect((await askReset(at(), 'bob@example.com')).status, `reset request ${i + 1}`).toBe(302);
    expect(await codesTo('bob@example.com')).toBe(5);

    const bob = at();
    await bob.signIn('bob@example.com');
    // Bob has no secure phone: his identity code goes to the same address the strangers used.
    const sent = await bob.post(STEP1, { intent: 'send-code', channel: 'EMAIL' });
    expect(sent.status, pageText(await sent.clone().text()).slice(0, 400)).toBe(302);
    expect(await codesTo('bob@example.com')).toBe(6);
  });

  it('anonymous reset and appeal codes have per-address budgets of their own, and neither spends the signed-in one', async () => {
    const office = `198.18.${kind === 'pglite' ? 7 : 8}.1`;
    const { points } = LIMITS.resetCodeRequestsPerIp;
    const statuses = await Promise.all(
      Array.from({ length: points }, (_, i) =>
        askReset(at(office), `colleague-${i}-${kind}@example.com`).then((r) => r.status),
      ),
    );
    expect(
      statuses.every((s) => s === 302),
      `statuses ${statuses}`,
    ).toBe(true);
    const refused = await askReset(at(office), `colleague-last-${kind}@example.com`);
    expect(refused.status).toBe(429);
    expect(pageText(await refused.text())).toMatch(/Too many codes were requested\. Try again in \d+ minutes?\./);

    // An appeal from the same office still gets its code…
    const appellant = at(office);
    await appellant.get('/appeals/new?scenario=FORGOT_LOGON_EMAIL');
    const appealCode = await appellant.post('/appeals/new', {
      intent: 'send-code',
      scenario: 'FORGOT_LOGON_EMAIL',
      newEmail: `appellant-${kind}@example.com`,
    });
    expect(appealCode.status, pageText(await appealCode.clone().text()).slice(0, 400)).toBe(302);
    expect(await codesTo(`appellant-${kind}@example.com`)).toBe(1);

    // …and so does a signed-in owner there.
    const alice = at(office);
    await alice.signIn('alice@example.com');
    const identity = await alice.post(STEP1, { intent: 'send-code', channel: 'SMS' });
    expect(identity.status, pageText(await identity.clone().text()).slice(0, 400)).toBe(302);
  });

  it("a signed-in owner's address has a budget of its own too, and says so", async () => {
    const lab = `198.18.${kind === 'pglite' ? 9 : 10}.1`;
    const { points } = LIMITS.signedInCodeRequestsPerIp;
    await portal().services.limits.consume('signedInCodeRequestsPerIp', lab, points);
    const alice = at(lab);
    await alice.signIn('alice@example.com');
    const refused = await alice.post(STEP1, { intent: 'send-code', channel: 'SMS' });
    expect(refused.status).toBe(429);
    expect(pageText(await refused.text())).toMatch(
      /Too many codes were requested from your network in the last hour\. Try again in \d+ (min|h)\./,
    );
    // Anonymous requests from that address are not refused by it.
    expect((await askReset(at(lab), `lab-${kind}@example.com`)).status).toBe(302);
  });
});
