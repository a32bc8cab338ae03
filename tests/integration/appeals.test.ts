import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { HttpClient, pageText } from '../support/http';
import {
  BASE_DETAILS,
  appealForm,
  postAppeal,
  postAppealEmailProof,
  trackingLinkFor,
  extraFiles,
} from '../support/appeals';
import { file, htmlBytes, pngBytes } from '../support/files';
import { newToken, sha256 } from '~/lib/tokens.server';
import { purgeDecidedEvidence } from '~/appeals/retention.server';

describeEachDatabase('appeals, customer side', (kind) => {
  let portal: TestPortal;
  beforeAll(async () => {
    // Behind a "proxy", so each test client can have an address of its own (limits per IP hold per client).
    portal = await startTestPortal(kind, { config: { trustProxy: 1 } });
  });
  afterAll(async () => {
    await portal?.stop();
  });
  const prisma = () => portal.db.prisma;
  let nextIp = 1;
  const client = () => new HttpClient(portal.url, { forwardedFor: `198.51.100.${nextIp++}` });
  const stored = () =>
    existsSync(portal.services.config.evidenceDir) ? readdirSync(portal.services.config.evidenceDir) : [];

  it('files an appeal with evidence: case number, files stored outside public/ with their hash, tracking link mailed', async () => {
    const r = await postAppeal(client(), prisma(), 'alice.new@corp.example', BASE_DETAILS, {
      idDocument: file(pngBytes(), 'id.png'),
      ...extraFiles,
    });
    expect(r.res.status).toBe(200);
    expect(r.caseNumber).toMatch(/^AP-\d{8}-\d{6}$/);
    expect(r.text).toContain('We sent a private tracking link to a***w@corp.example');
    const appeal = await prisma().appeal.findUniqueOrThrow({
      where: { caseNumber: r.caseNumber! },
      include: { evidence: true },
    });
    expect(appeal).toMatchObject({
      status: 'SUBMITTED',
      accountUid: '1000000000000001',
      accountFound: true,
      newEmail: 'alice.new@corp.example',
      lastPaymentCents: 12800,
    });
    expect(appeal.evidence.map((e) => [e.kind, e.mimeType]).sort()).toEqual([
      ['ID_DOCUMENT', 'image/png'],
      ['PAYMENT_RECORD', 'application/pdf'],
    ]);
    for (const e of appeal.evidence) {
      expect(e.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(e.storedName).not.toContain('.');
      expect(stored()).toContain(e.storedName);
    }
    expect(path.resolve(portal.services.config.evidenceDir).startsWith(path.resolve('public'))).toBe(false);
    expect(await trackingLinkFor(prisma(), 'alice.new@corp.example')).toMatch(/^\/appeals\/track\//);
    expect(await prisma().auditEvent.count({ where: { action: 'appeal.submitted', appealId: appeal.id } })).toBe(1);
  });

  it('titles the answer to a submission "Appeal submitted" (a refused one keeps "File an appeal")', async () => {
    const c = client();
    await postAppealEmailProof(c, prisma(), 'titled@corp.example');
    const form = await (await c.get('/appeals/new')).text();
    expect(form).toMatch(/<title>File an appeal — Account Recovery Desk<\/title>/);
    const refused = await c.post('/appeals/new', appealForm(BASE_DETAILS, {}));
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/<title>File an appeal — Account Recovery Desk<\/title>/);
    const res = await c.post('/appeals/new', appealForm(BASE_DETAILS));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/<title>Appeal submitted — Account Recovery Desk<\/title>/);
    expect(html.match(/<title>/g)).toHaveLength(1);
    expect(pageText(html)).toMatch(/Your case number is AP-\d{8}-\d{6}/);
  });

  it('the start page leads to the appeal and to the help page', async () => {
    const html = await (await client().get('/')).text();
    expect(html).toMatch(
      /<a[^>]*href="\/appeals\/new"[^>]*>Can(’|&#x27;|')t use your email or phone\? File an appeal<\/a>/,
    );
    expect(html).toMatch(/<a[^>]*href="\/help\/change-logon-email"[^>]*>/);
  });

  it('answers the same for an account that does not exist — and keeps that appeal, marked for the agent', async () => {
    const known = await postAppeal(client(), prisma(), 'parity.one@mail.example', {
      ...BASE_DETAILS,
      givenUid: '1000000000000002',
      holderName: 'Bob Martin',
    });
    const unknown = await postAppeal(client(), prisma(), 'parity.two@mail.example', {
      ...BASE_DETAILS,
      givenUid: '9999999999999999',
      holderName: 'Bob Martin',
    });
    expect(unknown.res.status).toBe(known.res.status);
    const normalise = (t: string) =>
      t.replace(/AP-\d{8}-\d{6}/g, 'AP-X').replace(/p\*\*\*[a-z]@mail\.example/g, 'MASKED');
    expect(normalise(unknown.text)).toBe(normalise(known.text));
    const stored = await prisma().appeal.findUniqueOrThrow({ where: { caseNumber: unknown.caseNumber! } });
    expect(stored.accountFound).toBe(false);
    expect(stored.accountUid).toBeNull();
    expect(JSON.stringify(stored.riskSignals)).toContain('ACCOUNT_NOT_FOUND');
  });

  it('merges a second open appeal with the same identification and new email instead of duplicating it', async () => {
    const details = { ...BASE_DETAILS, givenUid: '1000000000000002', holderName: 'Bob Martin' };
    const first = await postAppeal(client(), prisma(), 'merge@corp2.example', details);
    const second = await postAppeal(client(), prisma(), 'merge@corp2.example', details, {
      idDocument: file(pngBytes(), 'again.png'),
      ...extraFiles,
    });
    expect(second.caseNumber).toBe(first.caseNumber);
    expect(await prisma().appeal.count({ where: { newEmail: 'merge@corp2.example' } })).toBe(1);
    expect(await prisma().evidenceFile.count({ where: { appeal: { caseNumber: first.caseNumber! } } })).toBe(3);
  });

  it('tells nobody, by merging or not, whether an old email is registered: only identical identification merges', async () => {
    // Someone proves their own address, then names an old email with and without a made-up UID. Had
    // merging followed the account the identifiers lead to, the second case number would match the
    // first only for a registered email.
    const probe = async (oldEmail: string, newEmail: string) => {
      const base = { ...BASE_DETAILS, givenUid: '', givenOldEmail: oldEmail, holderName: 'Probe' };
      const first = await postAppeal(client(), prisma(), newEmail, base);
      const same = await postAppeal(client(), prisma(), newEmail, base);
      const other = await postAppeal(client(), prisma(), newEmail, { ...base, givenUid: '1000000000009999' });
      return {
        merged: same.caseNumber === first.caseNumber,
        mergedOther: other.caseNumber === first.caseNumber,
        cases: await prisma().appeal.count({ where: { newEmail } }),
      };
    };
    const registered = await probe('bob@example.com', `probe-known-${kind}@mail.example`);
    const unknown = await probe(`nobody-${kind}@example.com`, `probe-unknown-${kind}@mail.example`);
    expect(registered).toEqual({ merged: true, mergedOther: false, cases: 2 });
    expect(unknown).toEqual(registered);
  });

  it('a submission merged into a case waiting for the customer puts it back in review, as a reply does (SLA resumed)', async () => {
    const details = { ...BASE_DETAILS, givenUid: '1000000000000002', holderName: 'Bob Martin' };
    const first = await postAppeal(client(), prisma(), 'merge-waiting@corp2.example', details);
    const staff = await prisma().staff.findFirstOrThrow({ where: { email: 'agent@support.example.com' } });
    const pausedAt = new Date(Date.now() - 2 * 24 * 3600_000);
    const waiting = await prisma().appeal.update({
      where: { caseNumber: first.caseNumber! },
      data: {
        status: 'AWAITING_CUSTOMER',
        slaPausedAt: pausedAt,
        awaitingSince: pausedAt,
        assigneeId: staff.id,
        version: { increment: 1 },
      },
    });
    const second = await postAppeal(client(), prisma(), 'merge-waiting@corp2.example', details, {
      idDocument: file(pngBytes(), 'clearer.png'),
    });
    expect(second.caseNumber).toBe(first.caseNumber);
    const after = await prisma().appeal.findUniqueOrThrow({ where: { id: waiting.id } });
    expect(after).toMatchObject({
      status: 'IN_REVIEW',
      slaPausedAt: null,
      awaitingSince: null,
      assigneeId: staff.id,
      version: waiting.version + 1,
    });
    expect(after.slaDueAt.getTime() - waiting.slaDueAt.getTime()).toBeGreaterThanOrEqual(2 * 24 * 3600_000 - 5000);
    const merged = await prisma().auditEvent.findFirstOrThrow({
      where: { appealId: waiting.id, action: 'appeal.merged' },
    });
    expect(merged.data).toMatchObject({ status: { from: 'AWAITING_CUSTOMER', to: 'IN_REVIEW' } });
  });

  it('answers a form sent twice from the same flow with the first case, and changes nothing', async () => {
    const email = 'twice@corp2.example';
    const forwardedFor = `198.51.100.${nextIp++}`;
    const first = new HttpClient(portal.url, { forwardedFor });
    await postAppealEmailProof(first, prisma(), email);
    // The same browser sends the form again with the cookie it had (a double click, a reload that resends it).
    const again = new HttpClient(portal.url, { forwardedFor });
    for (const pair of first.cookieHeader().split('; ')) again.adoptCookie(pair);
    const form = () => appealForm(BASE_DETAILS, { idDocument: file(pngBytes(), 'id.png', 'image/png'), ...extraFiles });
    const res = await first.post('/appeals/new', form());
    const caseNumber = /AP-\d{8}-\d{6}/.exec(await res.text())?.[0];
    expect(res.status).toBe(200);
    const link = await trackingLinkFor(prisma(), email);
    const before = {
      files: stored().length,
      limits: await prisma().rateLimiterFlexible.findMany({ orderBy: { key: 'asc' } }),
    };

    const second = await again.post('/appeals/new', form());
    expect(second.status).toBe(200);
    const text = pageText(await second.text());
    expect(text).toContain('Appeal submitted');
    expect(text).toMatch(new RegExp(`Your case number is ${caseNumber} ?\\.`));
    expect(text).toContain('We sent a private tracking link to t***e@corp2.example');
    const appeals = await prisma().appeal.findMany({
      where: { newEmail: email },
      include: { evidence: true, messages: true },
    });
    expect(appeals.map((a) => a.caseNumber)).toEqual([caseNumber]);
    expect(appeals[0].evidence).toHaveLength(2);
    expect(appeals[0].messages.map((m) => m.body)).toEqual(['Appeal received.']);
    expect(await prisma().outboxMessage.count({ where: { recipient: email, template: 'appeal-received' } })).toBe(1);
    expect(
      await prisma().auditEvent.count({
        where: { appealId: appeals[0].id, action: { in: ['appeal.submitted', 'appeal.merged'] } },
      }),
    ).toBe(1);
    expect(stored().length).toBe(before.files);
    expect(await prisma().rateLimiterFlexible.findMany({ orderBy: { key: 'asc' } })).toEqual(before.limits);
    expect((await again.get(link)).status).toBe(200);
  });

  /** The opening tag of the element matching `pattern` (e.g. `<select[^>]*id="currency"`), for its attributes. */
  const tag = (html: string, pattern: string) => new RegExp(`${pattern}[^>]*>`).exec(html)?.[0] ?? '';
  /** The fieldset whose aria-describedby names `errorId`: its opening tag and its content. */
  const fieldsetFor = (html: string, errorId: string) => {
    const m = new RegExp(`(<fieldset[^>]*aria-describedby="${errorId}"[^>]*>)([\\s\\S]*?)</fieldset>`).exec(html);
    return { open: m?.[1] ?? '', inside: m?.[2] ?? '' };
  };
  /** A group of radios answered with an error: the message at its id inside the fieldset that names it, the group (a radiogroup: radios cannot carry aria-invalid) marked invalid. */
  function expectChoiceError(html: string, name: string, errorId: string, message: string) {
    const { open, inside } = fieldsetFor(html, errorId);
    expect(inside, `a fieldset described by ${errorId}`).not.toBe('');
    expect(inside).toContain(`<p class="field-error" id="${errorId}">${message}</p>`);
    expect(open).toContain('role="radiogroup"');
    expect(open).toContain('aria-invalid="true"');
    const radios = inside.match(new RegExp(`<input[^>]*name="${name}"[^>]*>`, 'g')) ?? [];
    expect(radios.length).toBeGreaterThan(1);
  }

  it('without JavaScript: the form starts with its defaults checked, and every choice error is shown and tied to its field', async () => {
    // Step 1: the scenario asked for is checked; none chosen → the message at the radios.
    const stranger = client();
    expect(
      tag(
        await (await stranger.get('/appeals/new?scenario=PHONE_UNAVAILABLE')).text(),
        '<input[^>]*value="PHONE_UNAVAILABLE"',
      ),
    ).toMatch(/ checked=""/);
    const fresh = client();
    await fresh.get('/appeals/new');
    const noScenario = await fresh.post('/appeals/new', { intent: 'send-code', newEmail: 'radio@corp3.example' });
    expect(noScenario.status).toBe(400);
    expectChoiceError(await noScenario.text(), 'scenario', 'email-scenario-error', 'Choose what happened.');

    // Step 2: the scenario, the account type and the currency start as react-hook-form starts them.
    const c = client();
    await postAppealEmailProof(c, prisma(), 'radios@corp3.example');
    const page = await (await c.get('/appeals/new')).text();
    expect(tag(page, '<input[^>]*value="FORGOT_LOGON_EMAIL"')).toMatch(/ checked=""/);
    expect(tag(page, '<input[^>]*value="INDIVIDUAL"')).toMatch(/ checked=""/);
    expect(tag(page, '<input[^>]*value="ENTERPRISE"')).not.toMatch(/ checked/);
    expect(tag(page, '<option[^>]*value="CNY"')).toMatch(/ selected=""/);

    // Nothing chosen (a hand-made or old form): each message is shown at its group and tied to it.
    const { scenario: _s, accountType: _a, ...rest } = BASE_DETAILS;
    const before = await prisma().appeal.count();
    const res = await c.post('/appeals/new', appealForm({ ...rest, lastPaymentCurrency: 'XXX' }));
    expect(res.status).toBe(400);
    const html = await res.text();
    expectChoiceError(html, 'scenario', 'scenario-error', 'Choose what happened.');
    expectChoiceError(html, 'accountType', 'accountType-error', 'Choose the account type.');
    const select = tag(html, '<select[^>]*id="currency"');
    expect(select).toContain('aria-describedby="currency-error"');
    expect(select).toContain('aria-invalid="true"');
    expect(html).toContain('<p class="field-error" id="currency-error">Choose the currency.</p>');
    expect(await prisma().appeal.count()).toBe(before);
  });

  it('ties a message about all the files to every file field', async () => {
    const c = client();
    await postAppealEmailProof(c, prisma(), 'files-error@corp3.example');
    const six = Array.from({ length: 6 }, (_, i) => file(pngBytes(), `p${i}.png`, 'image/png'));
    const res = await c.post(
      '/appeals/new',
      appealForm(BASE_DETAILS, { idDocument: file(pngBytes(), 'id.png', 'image/png'), otherEvidence: six }),
    );
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(/<p class="field-error" role="alert" id="files-error">Attach at most 5 files in all/);
    for (const field of ['idDocument', 'businessLicence', 'paymentRecord', 'otherEvidence']) {
      expect(tag(html, `<input[^>]*id="file-${field}"`)).toMatch(/aria-describedby="[^"]*\bfiles-error\b/);
    }
  });

  it('refuses a disguised file with a field message and stores nothing', async () => {
    const before = { appeals: await prisma().appeal.count(), files: stored().length };
    const c = client();
    await postAppealEmailProof(c, prisma(), 'disguise@corp3.example');
    const res = await c.post(
      '/appeals/new',
      appealForm(BASE_DETAILS, {
        idDocument: file(pngBytes(), 'id.png'),
        paymentRecord: file(htmlBytes(), 'invoice.pdf', 'application/pdf'),
      }),
    );
    expect(res.status).toBe(400);
    expect(pageText(await res.text())).toMatch(/invoice\.pdf.*is not a JPEG, PNG or PDF file/);
    expect(await prisma().appeal.count()).toBe(before.appeals);
    expect(stored().length).toBe(before.files);
  });

  it.each(['constructor', '__proto__', 'toString'])(
    'refuses a real file attached under the inherited name %s with a message, and stores nothing',
    async (field) => {
      const before = { appeals: await prisma().appeal.count(), files: stored().length };
      const c = client();
      await postAppealEmailProof(c, prisma(), `inherited-${field.replace(/_/g, '').toLowerCase()}@corp3.example`);
      const res = await c.post(
        '/appeals/new',
        appealForm(BASE_DETAILS, {
          idDocument: file(pngBytes(), 'id.png', 'image/png'),
          [field]: file(pngBytes(), 'extra.png', 'image/png'),
        }),
      );
      expect(res.status).toBe(400);
      expect(pageText(await res.text())).toContain('“extra.png” was attached to a field this form does not have.');
      expect(await prisma().appeal.count()).toBe(before.appeals);
      expect(stored().length).toBe(before.files);
    },
  );

  it("answers an over-long name (multipart) with the field's own message, and stores nothing", async () => {
    const c = client();
    await postAppealEmailProof(c, prisma(), 'long-name@corp3.example');
    const before = { appeals: await prisma().appeal.count(), files: stored().length };
    const res = await c.post('/appeals/new', appealForm({ ...BASE_DETAILS, holderName: 'Alice '.repeat(20_000) }));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(pageText(html)).toContain('Use at most 200 characters.');
    expect(html).not.toContain('too-long');
    expect(await prisma().appeal.count()).toBe(before.appeals);
    expect(stored().length).toBe(before.files);
  });

  it("answers an over-long reply (multipart) on the tracking page with the field's own message, and stores nothing", async () => {
    await postAppeal(client(), prisma(), 'long-reply@corp3.example', {
      ...BASE_DETAILS,
      givenUid: '1000000000000002',
      holderName: 'Bob Martin',
    });
    const link = await trackingLinkFor(prisma(), 'long-reply@corp3.example');
    const messages = await prisma().appealMessage.count();
    const reply = new FormData();
    reply.append('intent', 'reply');
    reply.append('body', 'Here is more. '.repeat(10_000));
    const refused = await client().post(link, reply);
    expect(refused.status).toBe(400);
    expect(pageText(await refused.text())).toContain('Use at most 5000 characters.');
    expect(await prisma().appealMessage.count()).toBe(messages);
  });

  it('requires the ID document, the business licence for enterprises, and a proved email', async () => {
    const c = client();
    await postAppealEmailProof(c, prisma(), 'enterprise@corp4.example');
    const res = await c.post('/appeals/new', appealForm({ ...BASE_DETAILS, accountType: 'ENTERPRISE' }, {}));
    expect(res.status).toBe(400);
    const text = pageText(await res.text());
    expect(text).toContain('Attach an ID document');
    expect(text).toContain('Enterprise accounts must attach a business licence.');
    const stranger = await client().post('/appeals/new', appealForm(BASE_DETAILS));
    expect(stranger.status).toBe(400);
    expect(pageText(await stranger.text())).toContain('Prove your new email with a verification code first');
  });

  it('pretends to accept what a bot sends through the honeypot, and stores nothing', async () => {
    const c = client();
    await postAppealEmailProof(c, prisma(), 'bot@corp5.example');
    const before = await prisma().appeal.count();
    const res = await c.post('/appeals/new', appealForm({ ...BASE_DETAILS, website: 'http://spam.example' }));
    expect(res.status).toBe(200);
    expect(pageText(await res.text())).toContain('Appeal submitted');
    expect(await prisma().appeal.count()).toBe(before);
    expect(await prisma().auditEvent.count({ where: { action: 'appeal.honeypot' } })).toBeGreaterThan(0);
  });

  it('lets the customer track, reply with files, and withdraw — and shows nothing internal', async () => {
    const r = await postAppeal(client(), prisma(), 'tracker@corp6.example', {
      ...BASE_DETAILS,
      givenUid: '1000000000000002',
      holderName: 'Bob Martin',
    });
    const link = await trackingLinkFor(prisma(), 'tracker@corp6.example');
    const appeal = await prisma().appeal.findUniqueOrThrow({ where: { caseNumber: r.caseNumber! } });
    const staff = await prisma().staff.findFirstOrThrow({ where: { email: 'agent@support.example.com' } });
    await prisma().internalNote.create({
      data: { appealId: appeal.id, staffId: staff.id, body: 'INTERNAL-SECRET suspicious domain' },
    });
    const pausedAt = new Date(Date.now() - 2 * 24 * 3600_000);
    await prisma().appeal.update({
      where: { id: appeal.id },
      data: { status: 'AWAITING_CUSTOMER', slaPausedAt: pausedAt, assigneeId: staff.id },
    });
    await prisma().appealMessage.create({
      data: { appealId: appeal.id, author: 'STAFF', staffId: staff.id, body: 'Please send a clearer photo.' },
    });

    const c = client();
    const page = pageText(await (await c.get(link)).text());
    expect(page).toContain('We need more information');
    expect(page).toContain('Please send a clearer photo.');
    expect(page).not.toContain('INTERNAL-SECRET');
    expect(page).not.toContain(staff.name);
    expect(page).not.toMatch(/risk|ACCOUNT_NOT_FOUND/i);

    const form = new FormData();
    form.append('intent', 'reply');
    form.append('body', 'Here is a better photo.');
    form.append('otherEvidence', file(pngBytes(), 'better.png'));
    expect((await c.post(link, form)).status).toBe(302);
    const after = await prisma().appeal.findUniqueOrThrow({ where: { id: appeal.id }, include: { evidence: true } });
    expect(after.status).toBe('IN_REVIEW');
    expect(after.assigneeId).toBe(staff.id);
    expect(after.slaPausedAt).toBeNull();
    expect(after.slaDueAt.getTime() - appeal.slaDueAt.getTime()).toBeGreaterThanOrEqual(2 * 24 * 3600_000 - 5000);
    expect(after.evidence.some((e) => e.originalName === 'better.png')).toBe(true);

    const bad = new FormData();
    bad.append('intent', 'reply');
    bad.append('otherEvidence', file(htmlBytes(), 'scan.pdf'));
    const refused = await c.post(link, bad);
    expect(refused.status).toBe(400);
    expect(pageText(await refused.text())).toMatch(/scan\.pdf.*not a JPEG, PNG or PDF/);

    const withdrawn = await c.post(link, { intent: 'withdraw', confirm: 'yes' });
    expect(pageText(await withdrawn.text())).toContain('Your appeal was withdrawn');
    expect((await prisma().appeal.findUniqueOrThrow({ where: { id: appeal.id } })).status).toBe('WITHDRAWN');
    const again = await c.post(link, { intent: 'withdraw', confirm: 'yes' });
    expect(pageText(await again.text())).toContain('This appeal was already withdrawn.');
    const late = await c.post(link, { intent: 'reply', body: 'hello?' });
    expect(late.status).toBe(409);
    expect(await prisma().auditEvent.count({ where: { appealId: appeal.id, action: 'appeal.withdrawn' } })).toBe(1);
  });

  it('answers 404 for an unknown tracking link', async () => {
    expect((await client().get(`/appeals/track/${newToken()}`)).status).toBe(404);
  });

  it('pre-fills and prioritises an appeal opened from the "This wasn\'t me" link', async () => {
    const token = newToken();
    await prisma().securityNoticeToken.create({
      data: {
        tokenHash: sha256(token),
        accountUid: '1000000000000002',
        kind: 'LOGON_EMAIL_CHANGED',
        data: { oldEmailMasked: 'b***b@example.com', newEmailMasked: 'h***r@evil.example' },
        expiresAt: new Date(Date.now() + 86400_000),
      },
    });
    const c = client();
    const redirect = await c.get(`/security/not-me/${token}`);
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location')!;
    expect(location).toContain('scenario=EMAIL_CHANGED_NOT_ME');
    expect(pageText(await (await c.get(location)).text())).toContain('b***b@example.com');
    const sent = await c.post('/appeals/new', {
      intent: 'send-code',
      scenario: 'EMAIL_CHANGED_NOT_ME',
      newEmail: 'bob.back@corp7.example',
    });
    expect(sent.status).toBe(302);
    const { latestCodeFor } = await import('../support/appeals');
    await c.post('/appeals/new', {
      intent: 'verify-email',
      code: await latestCodeFor(prisma(), 'bob.back@corp7.example'),
    });
    const res = await c.post(
      '/appeals/new',
      appealForm({ ...BASE_DETAILS, scenario: 'EMAIL_CHANGED_NOT_ME', givenUid: '', holderName: 'Bob Martin' }),
    );
    expect(res.status).toBe(200);
    const appeal = await prisma().appeal.findFirstOrThrow({ where: { newEmail: 'bob.back@corp7.example' } });
    expect(appeal).toMatchObject({
      accountUid: '1000000000000002',
      origin: 'NOT_ME_LINK',
      scenario: 'EMAIL_CHANGED_NOT_ME',
      priority: 10,
    });
  });

  it('limits appeals per IP address', async () => {
    const c = client();
    for (let i = 0; i < 10; i++) expect((await postAppeal(c, prisma(), `ip${i}@corp10.example`)).res.status).toBe(200);
    const eleventh = await postAppeal(c, prisma(), 'ip10@corp10.example');
    expect(eleventh.res.status).toBe(429);
    expect(eleventh.text).toContain('Too many appeals were filed recently.');
  });

  it('limits appeals per new email', async () => {
    const c = client();
    const email = 'limit@corp8.example';
    for (let i = 0; i < 3; i++) expect((await postAppeal(c, prisma(), email)).res.status).toBe(200);
    const fourth = await postAppeal(c, prisma(), email);
    expect(fourth.res.status).toBe(429);
  });

  it('deletes evidence of decided appeals after the retention period, keeping the case and its audit', async () => {
    const r = await postAppeal(client(), prisma(), 'retain@corp9.example', {
      ...BASE_DETAILS,
      givenUid: '1000000000000002',
      holderName: 'Bob Martin',
    });
    const appeal = await prisma().appeal.findUniqueOrThrow({
      where: { caseNumber: r.caseNumber! },
      include: { evidence: true },
    });
    const fresh = await postAppeal(client(), prisma(), 'keep@corp9.example', {
      ...BASE_DETAILS,
      givenUid: '1000000000000001',
    });
    const now = new Date();
    await prisma().appeal.update({
      where: { id: appeal.id },
      data: { status: 'REJECTED', decidedAt: new Date(now.getTime() - 91 * 86400_000) },
    });
    const result = await purgeDecidedEvidence(prisma(), portal.services.evidence, { retentionDays: 90, now });
    expect(result.appeals).toBeGreaterThanOrEqual(1);
    for (const e of appeal.evidence) expect(stored()).not.toContain(e.storedName);
    const after = await prisma().appeal.findUniqueOrThrow({ where: { id: appeal.id }, include: { evidence: true } });
    expect(after.evidencePurgedAt).not.toBeNull();
    expect(after.evidence.every((e) => e.deletedAt)).toBe(true);
    expect(await prisma().auditEvent.count({ where: { appealId: appeal.id, action: 'appeal.submitted' } })).toBe(1);
    expect(await prisma().auditEvent.count({ where: { appealId: appeal.id, action: 'appeal.evidence_purged' } })).toBe(
      1,
    );
    const open = await prisma().appeal.findUniqueOrThrow({
      where: { caseNumber: fresh.caseNumber! },
      include: { evidence: true },
    });
    for (const e of open.evidence) expect(stored()).toContain(e.storedName);
    // A second run finds nothing more to do.
    expect((await purgeDecidedEvidence(prisma(), portal.services.evidence, { retentionDays: 90, now })).files).toBe(0);
  });
});
