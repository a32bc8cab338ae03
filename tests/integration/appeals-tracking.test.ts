import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { HttpClient, pageText } from '../support/http';
import { makeAppeal } from '../support/backoffice';
import { file, pngBytes } from '../support/files';
import { newToken, sha256 } from '~/lib/tokens.server';
import { defineAbilityFor } from '~/authz/ability';
import { requestInformation } from '~/appeals/decisions.server';

const REPLACED =
  /This tracking link was replaced by a newer one: each new email about your case carries a new link, and the older ones stop working\. Open the link in the newest email from us about your case\./;
const NOT_VALID =
  /This tracking link is not valid\. Each new email about your case carries a new link and the older ones stop working — open the link in the newest email from us, or check that you copied the whole link\./;

describeEachDatabase('appeals, the tracking page', (kind) => {
  let portal: TestPortal;
  beforeAll(async () => {
    portal = await startTestPortal(kind);
  });
  afterAll(async () => {
    await portal?.stop();
  });
  const prisma = () => portal.db.prisma;
  const client = () => new HttpClient(portal.url);

  /** An open case and its tracking link (as mailed to the customer). */
  async function trackedCase(data: Parameters<typeof makeAppeal>[2] = {}) {
    const token = newToken();
    const appeal = await makeAppeal(prisma(), portal.services.evidence, { trackingTokenHash: sha256(token), ...data });
    return { appeal, link: `/appeals/track/${token}` };
  }

  it('an older link, replaced by the one in a "more information" email, says it was replaced (410) and nothing else; a link that never existed is not found (404)', async () => {
    const staff = await prisma().staff.findFirstOrThrow({ where: { email: 'agent@support.example.com' } });
    const { appeal, link: oldLink } = await trackedCase({ status: 'IN_REVIEW', assigneeId: staff.id });
    expect((await client().get(oldLink)).status).toBe(200);
    const actor = {
      staffId: staff.id,
      ability: defineAbilityFor({
        kind: 'staff',
        staffId: staff.id,
        roles: ['AGENT'],
        active: true,
        label: staff.name,
      }),
      meta: { ip: '127.0.0.1', userAgent: 'test' },
    };
    const asked = await requestInformation(
      portal.services,
      actor,
      appeal.id,
      appeal.version,
      'Please send a clearer photo.',
    );
    expect(asked.ok).toBe(true);
    const mail = await prisma().outboxMessage.findFirstOrThrow({
      where: { recipient: appeal.newEmail, template: 'appeal-info-requested' },
    });
    const newLink = new URL(/https?:\/\/\S+\/appeals\/track\/[A-Za-z0-9_-]+/.exec(mail.text)![0]).pathname;
    expect(newLink).not.toBe(oldLink);
    expect((await client().get(newLink)).status).toBe(200);

    // Only the hash of the replaced token is kept, with the case.
    expect(await prisma().replacedTrackingLink.count({ where: { appealId: appeal.id } })).toBe(1);
    const old = await client().get(oldLink);
    expect(old.status).toBe(410);
    const oldText = pageText(await old.text());
    expect(oldText).toContain('This link was replaced');
    expect(oldText).toMatch(REPLACED);
    // It tells that the link was replaced, and nothing about the case: no number, no status, no address.
    expect(oldText).not.toContain(appeal.caseNumber);
    expect(oldText).not.toContain(appeal.newEmail);
    expect(oldText).not.toMatch(/review|waiting|approved|rejected/i);
    const random = await client().get(`/appeals/track/${newToken()}`);
    expect(random.status).toBe(404);
    expect(pageText(await random.text())).toMatch(NOT_VALID);
    // A form posted to the old link is answered the same, and changes nothing.
    const posted = await client().post(oldLink, { intent: 'reply', body: 'hello' });
    expect(posted.status).toBe(410);
    expect(pageText(await posted.text())).toMatch(REPLACED);
    expect(await prisma().appealMessage.count({ where: { appealId: appeal.id, body: 'hello' } })).toBe(0);
  });

  it("after a reply the page says it was sent, once, and shows an empty form (no JavaScript: the redirect's page, then a reload)", async () => {
    const { appeal, link } = await trackedCase();
    const c = client();
    const form = new FormData();
    form.append('intent', 'reply');
    form.append('body', 'Here is a better photo.');
    form.append('otherEvidence', file(pngBytes(), 'better.png'));
    const sent = await c.post(link, form);
    expect(sent.status).toBe(302);
    const location = sent.headers.get('location')!;
    // The page's own address: nothing in it to say "sent" again on a reload.
    const address = new URL(location, portal.url);
    expect(address.pathname + address.search).toBe(link);
    expect(c.hasCookie('ard_reply_sent')).toBe(true);
    const html = await (await c.get(location)).text();
    expect(html).toMatch(/role="status"[^>]*><p>Your reply was sent\. Support will look at it/);
    expect(html).toMatch(/<textarea id="reply-body" name="body"[^>]*><\/textarea>/);
    expect(pageText(html)).toContain('Here is a better photo.');
    expect(await prisma().appealMessage.count({ where: { appealId: appeal.id, author: 'CUSTOMER' } })).toBe(1);

    // Said once: the page that said it cleared the cookie, so a reload says nothing about a reply.
    expect(c.hasCookie('ard_reply_sent')).toBe(false);
    const reloaded = pageText(await (await c.get(location)).text());
    expect(reloaded).toContain('Here is a better photo.');
    expect(reloaded).not.toContain('Your reply was sent');
    // Another browser opening the same link (from the email) is not told either.
    expect(pageText(await (await client().get(link)).text())).not.toContain('Your reply was sent');
    // A refused reply posted from the "sent" page does not say it was sent.
    const refused = await c.post(location, { intent: 'reply', body: '' });
    expect(refused.status).toBe(400);
    const refusedText = pageText(await refused.text());
    expect(refusedText).toContain('Write a message, or attach a file.');
    expect(refusedText).not.toContain('Your reply was sent');
  });

  it('withdraws only after a confirmation: the first step asks, the second withdraws; a withdrawal without the confirmation changes nothing', async () => {
    const { appeal, link } = await trackedCase();
    const c = client();
    const page = await (await c.get(link)).text();
    // The first step is a link-like GET form: it works without JavaScript and changes nothing.
    expect(page).toMatch(
      /<form[^>]*method="get"[^>]*>(?:(?!<\/form>)[\s\S])*<button type="submit" name="withdraw" value="confirm"[^>]*>Withdraw appeal<\/button>/,
    );
    expect(pageText(page)).not.toContain('Withdraw this appeal?');

    const asking = await c.get(`${link}?withdraw=confirm`);
    expect(asking.status).toBe(200);
    const askingHtml = await asking.text();
    const askingText = pageText(askingHtml);
    expect(askingText).toContain('Withdraw this appeal? The case will be closed and cannot be reopened.');
    expect(askingText).toContain('Yes, withdraw');
    expect(askingText).toContain('Keep my appeal');
    expect(askingHtml).toMatch(/<input type="hidden" name="confirm" value="yes"\/>/);
    expect(askingHtml).toMatch(new RegExp(`<a[^>]*href="${link}"[^>]*>Keep my appeal</a>`));
    expect((await prisma().appeal.findUniqueOrThrow({ where: { id: appeal.id } })).status).toBe('SUBMITTED');

    // A withdrawal without the confirmation (an old form, a crafted post): a message, and nothing changes.
    const unconfirmed = await c.post(link, { intent: 'withdraw' });
    expect(unconfirmed.status).toBe(400);
    expect(pageText(await unconfirmed.text())).toContain(
      'The appeal was not withdrawn: confirm it with Yes, withdraw.',
    );
    const still = await prisma().appeal.findUniqueOrThrow({ where: { id: appeal.id } });
    expect(still).toMatchObject({ status: 'SUBMITTED', version: appeal.version, decidedAt: null });
    expect(await prisma().auditEvent.count({ where: { appealId: appeal.id, action: 'appeal.withdrawn' } })).toBe(0);
    expect(
      await prisma().outboxMessage.count({ where: { recipient: appeal.newEmail, template: 'appeal-withdrawn' } }),
    ).toBe(0);

    const confirmed = await c.post(`${link}?withdraw=confirm`, { intent: 'withdraw', confirm: 'yes' });
    expect(confirmed.status).toBe(200);
    const confirmedText = pageText(await confirmed.text());
    expect(confirmedText).toContain('Your appeal was withdrawn');
    expect(confirmedText).not.toContain('Withdraw this appeal?');
    expect((await prisma().appeal.findUniqueOrThrow({ where: { id: appeal.id } })).status).toBe('WITHDRAWN');
    expect(await prisma().auditEvent.count({ where: { appealId: appeal.id, action: 'appeal.withdrawn' } })).toBe(1);
    // The timeline speaks to the customer: "You withdrew the appeal", not "The customer withdrew the appeal".
    const after = pageText(await (await c.get(link)).text());
    expect(after).toContain('You withdrew the appeal.');
    expect(after).not.toContain('The customer withdrew the appeal.');
  });
});
