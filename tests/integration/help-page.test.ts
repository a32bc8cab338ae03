// The help page the product implements (../shared/seed/change-logon-email.txt, kept in the test as
// the words it quotes): every FAQ question and every article it refers to ("For more information,
// see …") is on the product's help page, and every such reference leads somewhere that exists.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { HttpClient, pageText } from '../support/http';

const FAQ = [
  'What do I do if I do not receive a verification code when I change my logon email?',
  'What do I do if a message indicates that the new email is already in use?',
];
/** The articles the help page refers to, as it names them. */
const SEE = [
  'My account email is unavailable',
  'What do I do if I cannot receive a verification code during registration or logon?',
  'How do I reset a forgotten password?',
];
const SECURITY_RECOMMENDATIONS = [
  'You must confirm that you have full control over the new mailbox.',
  'You must keep your new email address secure.',
];

describeEachDatabase('the help page "Change account logon email"', (kind) => {
  let portal: TestPortal;
  let html: string;
  beforeAll(async () => {
    portal = await startTestPortal(kind);
    const res = await new HttpClient(portal.url).get('/help/change-logon-email');
    expect(res.status).toBe(200);
    html = await res.text();
  });
  afterAll(() => portal?.stop());

  it('asks every FAQ question as a heading', () => {
    const headings = [...html.matchAll(/<h3[^>]*>([\s\S]*?)<\/h3>/g)].map((m) => pageText(m[1]));
    for (const q of FAQ) expect(headings).toContain(q);
  });

  it('links every article it refers to, and each link leads to a heading on the page or to a page that answers 200', async () => {
    const links = [...html.matchAll(/<a [^>]*href="([^"]+)"[^>]*>([\s\S]*?)<\/a>/g)].map((m) => ({
      href: m[1].replace(/&amp;/g, '&'),
      text: pageText(m[2]),
    }));
    const client = new HttpClient(portal.url);
    for (const title of SEE) {
      const found = links.filter((l) => l.text === title);
      expect(found.length, title).toBeGreaterThan(0);
      for (const { href } of found) {
        if (href.startsWith('#')) {
          const heading = html.match(new RegExp(`<h3 id="${href.slice(1)}">([\\s\\S]*?)</h3>`));
          expect(heading, `${title} → ${href}`).not.toBeNull();
          expect(pageText(heading![1])).toBe(title);
        } else {
          expect((await client.get(href)).status, `${title} → ${href}`).toBe(200);
        }
      }
    }
  });

  it('gives every security recommendation in full', () => {
    for (const sentence of SECURITY_RECOMMENDATIONS) expect(pageText(html)).toContain(sentence);
  });

  it("walks the help page's path to Security Settings: Account Management, then the Account Center", async () => {
    expect(pageText(html)).toContain(
      'click Account Management in the header. In the Account Center, go to the Security Settings page',
    );
  });
});
