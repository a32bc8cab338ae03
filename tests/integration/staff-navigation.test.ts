// Finding one's way in the back office: where sign-in and /staff lead each role, the navigation a
// member's ability allows, refusals inside the back office frame, the case page's words on why
// Approve is not offered, and the form of every staff page's title.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { HttpClient, pageText } from '../support/http';
import { FULL_CHECKLIST, makeAppeal, signInStaff } from '../support/backoffice';
import { totpNow } from '~/staff/totp.server';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '~/demo/seed.server';
import { CHECKLIST } from '~/appeals/review';

const title = (html: string) => /<title>([^<]*)<\/title>/.exec(html)?.[1];
/** The hrefs of the back office's navigation bar. */
const navLinks = (html: string) => {
  const nav = /<nav[^>]*aria-label="Back office"[^>]*>([\s\S]*?)<\/nav>/.exec(html)?.[1];
  return nav === undefined ? null : [...nav.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
};
/** The opening tag of the (first) button labelled `label`. */
const button = (html: string, label: string) => new RegExp(`<button[^>]*>${label}</button>`).exec(html)?.[0];
const byId = (html: string, id: string) =>
  new RegExp(`<[a-z]+[^>]*id="${id}"[^>]*>([\\s\\S]*?)</[a-z]+>`).exec(html)?.[1];

describeEachDatabase(
  'back office: landing page, navigation, refusals in the frame, case page hints, titles',
  (kind) => {
    let portal: TestPortal;
    const clients: Record<string, HttpClient> = {};
    beforeAll(async () => {
      portal = await startTestPortal(kind);
      for (const who of ['agent', 'admin']) {
        clients[who] = new HttpClient(portal.url);
        await signInStaff(clients[who], portal.db.prisma, `${who}@support.example.com`);
      }
    });
    afterAll(async () => {
      await portal?.stop();
    });
    const prisma = () => portal.db.prisma;

    /** Password, then TOTP, as the sign-in page posts them; returns where each step sends the browser. */
    async function signIn(email: string, redirectTo?: string) {
      await prisma().staff.update({ where: { email }, data: { totpLastStep: null } });
      const c = new HttpClient(portal.url);
      const extra: Record<string, string> = redirectTo ? { redirectTo } : {};
      const password = await c.post('/staff/login', { email, password: DEMO_PASSWORD, ...extra });
      expect(password.status).toBe(302);
      const totp = await c.post('/staff/login', { intent: 'totp', code: totpNow(DEMO_TOTP_SECRET), ...extra });
      expect(totp.status).toBe(302);
      return { client: c, afterPassword: password.headers.get('location'), landing: totp.headers.get('location') };
    }

    it('sends an admin without appeal rights to the dashboard, whose navigation links to it and to staff and audit administration', async () => {
      const { client, landing } = await signIn('admin@support.example.com');
      expect(landing).toBe('/staff/dashboard');
      const page = await client.get(landing!);
      expect(page.status).toBe(200);
      expect(navLinks(await page.text())).toEqual(['/staff/dashboard', '/staff/admin/staff', '/staff/admin/audit']);
      // The header's "Back office" (/staff) and the sign-in page, once signed in, lead there too.
      for (const path of ['/staff', '/staff/login']) {
        const res = await client.get(path);
        expect(res.status, path).toBe(302);
        expect(res.headers.get('location'), path).toBe('/staff/dashboard');
      }
      // A page asked for before signing in still wins.
      expect((await signIn('admin@support.example.com', '/staff/admin/audit')).landing).toBe('/staff/admin/audit');
    });

    it('sends an agent to the dashboard, with the dashboard and the queue in the navigation', async () => {
      const { client, afterPassword, landing } = await signIn('agent@support.example.com');
      expect(afterPassword).toBe('/staff/login');
      expect(landing).toBe('/staff/dashboard');
      const queue = await client.get('/staff/appeals');
      expect(queue.status).toBe(200);
      expect(navLinks(await queue.text())).toEqual(['/staff/dashboard', '/staff/appeals']);
      const index = await client.get('/staff');
      expect(index.headers.get('location')).toBe('/staff/dashboard');
    });

    it('answers an admin opening the queue or a case 403 inside the back office: navigation, the reason and links to the admin pages', async () => {
      const appeal = await makeAppeal(prisma(), null);
      for (const path of ['/staff/appeals', `/staff/appeals/${appeal.id}`]) {
        const res = await clients.admin.get(path);
        expect(res.status, path).toBe(403);
        const html = await res.text();
        expect(navLinks(html), path).toEqual(['/staff/dashboard', '/staff/admin/staff', '/staff/admin/audit']);
        expect(pageText(html)).toContain('Not allowed Your role does not include working on appeals.');
        const allowed = /data-testid="allowed-pages"[^>]*>([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
        expect([...allowed.matchAll(/href="([^"]+)"/g)].map((m) => m[1])).toEqual([
          '/staff/dashboard',
          '/staff/admin/staff',
          '/staff/admin/audit',
        ]);
        expect(title(html)).toBe('Not allowed — Back office');
      }
      // A missing page in the back office keeps the frame too.
      const missing = await clients.agent.get('/staff/appeals/00000000-0000-4000-8000-000000000000');
      expect(missing.status).toBe(404);
      const html = await missing.text();
      expect(navLinks(html)).toEqual(['/staff/dashboard', '/staff/appeals']);
      expect(pageText(html)).toContain('This case does not exist.');
    });

    it('says next to a disabled Approve what the saved checklist lacks, and enables it once the completed checklist is saved', async () => {
      const owner = await prisma().account.create({
        data: {
          uid: `10000000000${String(Date.now()).slice(-5)}`,
          logonEmail: `nav-${kind}-${Date.now()}@example.com`,
          passwordHash: 'x',
          holderName: 'Nav Owner',
        },
      });
      const appeal = await makeAppeal(prisma(), null, {
        accountUid: owner.uid,
        givenUid: owner.uid,
        holderName: 'Nav Owner',
      });
      const post = (fields: Record<string, string> | URLSearchParams) =>
        clients.agent.post(`/staff/appeals/${appeal.id}`, fields);
      const version = async () =>
        String((await prisma().appeal.findUniqueOrThrow({ where: { id: appeal.id } })).version);
      const page = async () => (await clients.agent.get(`/staff/appeals/${appeal.id}`)).text();
      expect(pageText(await (await post({ intent: 'claim' })).text())).toContain('The case is yours.');

      const approve = (html: string) => button(html, 'Approve') ?? button(html, 'Approve \\(first of two\\)');
      let html = await page();
      expect(approve(html)).toMatch(/disabled=""/);
      expect(approve(html)).toMatch(/aria-describedby="approve-hint"/);
      let hint = byId(html, 'approve-hint');
      expect(hint).toContain('Save the completed checklist to approve');
      for (const item of CHECKLIST) expect(hint).toContain(item.label);

      // Half the boxes saved: the hint names the other half.
      const half = new URLSearchParams({ intent: 'checklist', version: await version() });
      for (const c of FULL_CHECKLIST.slice(0, 2)) half.append('check', c);
      expect((await post(half)).status).toBe(200);
      html = await page();
      hint = byId(html, 'approve-hint');
      expect(approve(html)).toMatch(/disabled=""/);
      for (const item of CHECKLIST) {
        if (FULL_CHECKLIST.slice(0, 2).includes(item.key)) expect(hint).not.toContain(item.label);
        else expect(hint).toContain(item.label);
      }

      // The server's rule stays: what counts is the saved checklist.
      const early = await post({ intent: 'approve', version: await version() });
      expect(early.status).toBe(400);

      const full = new URLSearchParams({ intent: 'checklist', version: await version() });
      for (const c of FULL_CHECKLIST) full.append('check', c);
      expect((await post(full)).status).toBe(200);
      html = await page();
      expect(approve(html)).toBeTruthy();
      expect(approve(html)).not.toMatch(/disabled|aria-describedby/);
      expect(html).not.toContain('id="approve-hint"');
    });

    it('offers no Approve when no account matches, says why and points to Reject with the reason “account not found”', async () => {
      const appeal = await makeAppeal(prisma(), null, { accountUid: null, accountFound: false });
      const post = (fields: Record<string, string> | URLSearchParams) =>
        clients.agent.post(`/staff/appeals/${appeal.id}`, fields);
      const version = async () =>
        String((await prisma().appeal.findUniqueOrThrow({ where: { id: appeal.id } })).version);
      expect(pageText(await (await post({ intent: 'claim' })).text())).toContain('The case is yours.');
      const full = new URLSearchParams({ intent: 'checklist', version: await version() });
      for (const c of FULL_CHECKLIST) full.append('check', c);
      expect((await post(full)).status).toBe(200);

      const html = await (await clients.agent.get(`/staff/appeals/${appeal.id}`)).text();
      expect(html).not.toMatch(/<button[^>]*>Approve/);
      expect(html).not.toContain('name="intent" value="approve"');
      const note = /data-testid="no-account-approve"[^>]*>([\s\S]*?)<\/p>/.exec(html)?.[1] ?? '';
      expect(pageText(note)).toContain(
        'No account matches the identification given, so an approval would have nothing to change. Reject the appeal with the reason “account not found”.',
      );
      expect(note).toContain('href="#reject-reason"');
      expect(html).toMatch(/<option value="ACCOUNT_NOT_FOUND" selected="">account not found<\/option>/);
      // The server refuses as before.
      const res = await post({ intent: 'approve', version: await version() });
      expect(res.status).toBe(409);
      expect(pageText(await res.text())).toContain('Reject it with the reason “account not found”');
    });

    it('titles every staff page “… — Back office”', async () => {
      const appeal = await makeAppeal(prisma(), null);
      const pages: [HttpClient, string, string][] = [
        [new HttpClient(portal.url), '/staff/login', 'Staff sign-in — Back office'],
        [clients.agent, '/staff/dashboard', 'Dashboard — Back office'],
        [clients.agent, '/staff/appeals', 'Appeal queue — Back office'],
        [clients.agent, `/staff/appeals/${appeal.id}`, `${appeal.caseNumber} — Back office`],
        [clients.admin, '/staff/appeals', 'Not allowed — Back office'],
        [clients.admin, '/staff/admin/staff', 'Staff — Back office'],
        [clients.admin, '/staff/admin/audit', 'Audit log — Back office'],
      ];
      for (const [client, path, want] of pages) expect(title(await (await client.get(path)).text()), path).toBe(want);
    });
  },
);
