// A refused form answered without JavaScript (a plain POST, the answer a new page): focus goes to what went wrong
// (autofocus), the typed text comes back but never a password or a file, and error pages have titles of their own.
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { useTestPortal } from '../support/portal';
import { autofocused, HttpClient, pageText } from '../support/http';
import { appealForm, BASE_DETAILS, postAppealEmailProof } from '../support/appeals';
import { file, pngBytes } from '../support/files';
import { INVALID_CREDENTIALS } from '~/auth/login.server';
import { NOT_ROOT_REASON } from '~/authz/ability';

/** The opening tag of the form control named `name`. */
function control(html: string, name: string, tag = 'input'): string {
  const found = new RegExp(`<${tag}\\b[^>]*\\bname="${name}"[^>]*>`).exec(html);
  if (!found) throw new Error(`no <${tag} name="${name}"> in the page`);
  return found[0];
}
const valueOf = (tag: string) => /\bvalue="([^"]*)"/.exec(tag)?.[1] ?? null;
const title = (html: string) => /<title>([^<]*)<\/title>/.exec(html)?.[1];

describeEachDatabase('forms answered without JavaScript, and error pages', (kind) => {
  const portal = useTestPortal(kind);
  const client = (ip = '192.0.2.10') => new HttpClient(portal().url, { userAgent: `vitest form-answers ${ip}` });

  it('a refused sign-in comes back with the logon name, an empty password field, and focus on the error message', async () => {
    const res = await client().post('/login', { login: 'bob@example.com', password: 'not-the-password1' });
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(pageText(html)).toContain(INVALID_CREDENTIALS);
    expect(valueOf(control(html, 'login'))).toBe('bob@example.com');
    expect(valueOf(control(html, 'password'))).toBeNull();
    expect(html).not.toContain('not-the-password1');
    const focused = autofocused(html);
    expect(focused).toHaveLength(1);
    expect(focused[0]).toMatch(/role="alert"/);
    expect(focused[0]).toMatch(/tabindex="-1"/);
  });

  it('a refused staff sign-in keeps the work email and not the password', async () => {
    const res = await client('192.0.2.11').post('/staff/login', {
      email: 'agent@support.example.com',
      password: 'not-the-password1',
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    const html = await res.text();
    expect(valueOf(control(html, 'email'))).toBe('agent@support.example.com');
    expect(valueOf(control(html, 'password'))).toBeNull();
    expect(html).not.toContain('not-the-password1');
    expect(autofocused(html)[0]).toMatch(/data-form-error/);
  });

  it('a field refused by the server takes focus: the first invalid field carries autofocus', async () => {
    const res = await client('192.0.2.12').post('/password-reset', {
      intent: 'request',
      email: 'not-an-email',
      channel: 'SMS',
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    const email = control(html, 'email');
    expect(email).toMatch(/aria-invalid="true"/);
    expect(autofocused(html)).toEqual([email]);
    // What was typed and chosen comes back.
    expect(valueOf(email)).toBe('not-an-email');
    expect(
      [...html.matchAll(/<input\b[^>]*\bname="channel"[^>]*>/g)]
        .map((m) => m[0])
        .filter((tag) => /\bchecked=""/.test(tag))
        .map(valueOf),
    ).toEqual(['SMS']);
  });

  it('the appeal form comes back filled with what was typed, never the files, and says to choose the files again', async () => {
    const visitor = client('192.0.2.13');
    // The email step: a refused address stays in its field, which takes focus.
    await visitor.get('/appeals/new?scenario=FORGOT_LOGON_EMAIL');
    const refusedEmail = await visitor.post('/appeals/new', {
      intent: 'send-code',
      scenario: 'FORGOT_LOGON_EMAIL',
      newEmail: 'alice.recovered@',
    });
    expect(refusedEmail.status).toBe(400);
    const emailHtml = await refusedEmail.text();
    const emailInput = control(emailHtml, 'newEmail');
    expect(valueOf(emailInput)).toBe('alice.recovered@');
    expect(autofocused(emailHtml)).toEqual([emailInput]);

    // The details: the holder's name is missing; everything else typed comes back, the file does not.
    await postAppealEmailProof(visitor, portal().db.prisma, `refill.${kind}@corp.example`);
    const { holderName: _left, ...typed } = BASE_DETAILS;
    const res = await visitor.post(
      '/appeals/new',
      appealForm(
        {
          ...typed,
          scenario: 'PHONE_UNAVAILABLE',
          givenAlias: 'alicecloud',
          newPhone: '+8613800000009',
          lastPaymentCurrency: 'USD',
        },
        { idDocument: file(pngBytes(), 'passport-scan.png', 'image/png') },
      ),
    );
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(valueOf(control(html, 'givenUid'))).toBe('1000000000000001');
    expect(valueOf(control(html, 'givenAlias'))).toBe('alicecloud');
    expect(valueOf(control(html, 'newPhone'))).toBe('+8613800000009');
    expect(valueOf(control(html, 'lastPaymentAmount'))).toBe('128.00');
    expect(valueOf(control(html, 'createdMonth'))).toBe('2019-03');
    expect(html).toMatch(
      /<input\b[^>]*\bchecked=""[^>]*\bvalue="PHONE_UNAVAILABLE"|<input\b[^>]*\bvalue="PHONE_UNAVAILABLE"[^>]*\bchecked=""/,
    );
    expect(html).toMatch(/<option value="USD" selected="">/);
    expect(html).not.toContain('passport-scan.png');
    expect(pageText(html)).toContain(
      'The files you attached were not kept when the form came back: choose them again before you submit.',
    );
    expect(control(html, 'idDocument')).toMatch(/aria-describedby="[^"]*choose-files-again/);
    // Focus: the missing name, the first field at fault.
    const holder = control(html, 'holderName');
    expect(holder).toMatch(/aria-invalid="true"/);
    expect(autofocused(html)).toEqual([holder]);
  });

  it('a page that does not exist is titled "Page not found" and links back', async () => {
    const res = await client().get('/no-such-page');
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(title(html)).toBe('Page not found — Account Recovery Desk');
    const text = pageText(html);
    expect(text).toContain('We could not find this page.');
    expect(text).not.toMatch(/No route matches/);
    expect(html).toMatch(/<a [^>]*href="\/"[^>]*>Back to the start page<\/a>/);
    expect(html).toMatch(/<a [^>]*href="\/login"[^>]*>Sign in<\/a>/);

    const tracking = await client().get('/appeals/track/not-a-token');
    const trackingHtml = await tracking.text();
    expect(title(trackingHtml)).toBe('Page not found — Account Recovery Desk');
    expect(pageText(trackingHtml)).toContain('This tracking link is not valid.');
  });

  it('a refusal is titled "Not allowed", gives the reason and links to Security Settings', async () => {
    const dev = client('192.0.2.14');
    await dev.signIn('dev@1000000000000001.onaliyun.com');
    const res = await dev.get('/account/security/logon-email');
    expect(res.status).toBe(403);
    const html = await res.text();
    expect(title(html)).toBe('Not allowed — Account Recovery Desk');
    expect(pageText(html)).toContain(NOT_ROOT_REASON);
    expect(html).toMatch(/<a [^>]*href="\/account\/security"[^>]*>Security Settings<\/a>/);
  });
});
