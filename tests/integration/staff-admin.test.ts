import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { HttpClient, pageText } from '../support/http';
import { DEMO_STAFF, DEMO_TOTP_SECRET, staffSignIn } from '../support/staff';
import { postAppeal } from '../support/appeals';
import type { StaffRole } from '~/generated/prisma/enums';
import { hashPassword } from '~/auth/password.server';
import { DEMO_PASSWORD } from '~/demo/seed.server';
import { sealTotpSecret, totpNow } from '~/staff/totp.server';
import { STAFF_INVALID } from '~/staff/auth.server';
import {
  DUPLICATE_EMAIL,
  INVITATION_EXPIRED,
  INVITATION_INVALID,
  STALE_ROLES,
  StaffAdminError,
  acceptInvitation,
  passwordAlreadySet,
  reinviteStaffMember,
} from '~/staff/admin.server';
import { CSV_COLUMNS, csvField } from '~/audit/audit-log.server';
import { recordAudit } from '~/audit/audit.server';
import { sha256 } from '~/lib/tokens.server';

const SELF_REASON = 'Administrators cannot change their own role or deactivate themselves.';
const NO_PERMISSION = 'You do not have permission to do this.';
const ADMIN_ROUTES = [
  '/staff/admin/staff',
  '/staff/admin/audit',
  '/staff/admin/audit.csv',
  '/staff/admin/audit/verify',
] as const;

/** RFC 4180 parsing, to read back what the export wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

describe('CSV fields', () => {
  it('quotes commas, quotes and line breaks, and defuses formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('@SUM(1)')).toBe("'@SUM(1)");
  });
});

describeEachDatabase('staff administration and the audit log', (kind) => {
  let portal: TestPortal;
  let admin: HttpClient;
  let adminId: string;
  let counter = 0;

  const client = () => new HttpClient(portal.url, { userAgent: 'vitest staff-admin' });
  const unique = (prefix: string) => `${prefix}-${++counter}-${Date.now().toString(36)}@support.example.com`;
  const prisma = () => portal.db.prisma;

  /** A member who has set a password and enrolled the demo TOTP secret, as if the invitation was done. */
  async function enrolledMember(roles: StaffRole[], email = unique('member')) {
    return prisma().staff.create({
      data: {
        email,
        name: `Member ${counter}`,
        roles,
        passwordHash: await hashPassword(DEMO_PASSWORD),
        totpSecretEncrypted: sealTotpSecret(portal.services.config.encryptionSecret, DEMO_TOTP_SECRET),
        totpEnrolledAt: new Date(),
      },
    });
  }

  async function signedIn(email: string) {
    const c = client();
    await staffSignIn(c, email, { prisma: prisma() });
    return c;
  }

  beforeAll(async () => {
    portal = await startTestPortal(kind);
    admin = await signedIn(DEMO_STAFF.admin);
    adminId = (await prisma().staff.findUniqueOrThrow({ where: { email: DEMO_STAFF.admin } })).id;
  });
  afterAll(async () => {
    await portal?.stop();
  });

  it('answers every admin route, GET and POST, by who is asking', async () => {
    const gone = await enrolledMember(['AGENT']);
    const deactivated = await signedIn(gone.email);
    await prisma().staff.update({ where: { id: gone.id }, data: { active: false, deactivatedAt: new Date() } });
    const customer = client();
    await customer.signIn('alice@example.com');
    const who: Record<string, HttpClient> = {
      admin,
      agent: await signedIn(DEMO_STAFF.agent),
      senior: await signedIn(DEMO_STAFF.senior),
      deactivated,
      customer,
      anonymous: client(),
    };
    const created: string[] = [];
    for (const [name, c] of Object.entries(who)) {
      for (const path of ADMIN_ROUTES) {
        const email = unique(`matrix-${name}`);
        const get = await c.get(path);
        const post = await c.post(
          path,
          path === '/staff/admin/staff'
            ? { intent: 'create', email, name: 'Matrix Probe', roles: 'AGENT' }
            : { intent: 'anything' },
        );
        if (path === '/staff/admin/staff') created.push(email);
        const label = `${name} ${path}`;
        if (name === 'admin') {
          expect(get.status, `GET ${label}`).toBe(200);
          expect(post.status, `POST ${label}`).toBe(path === '/staff/admin/staff' ? 200 : 405);
        } else if (name === 'agent' || name === 'senior') {
          for (const [method, res] of [
            ['GET', get],
            ['POST', post],
          ] as const) {
            expect(res.status, `${method} ${label}`).toBe(403);
            expect(pageText(await res.text()), `${method} ${label}`).toContain(NO_PERMISSION);
          }
        } else {
          for (const [method, res] of [
            ['GET', get],
            ['POST', post],
          ] as const) {
            expect(res.status, `${method} ${label}`).toBe(302);
            expect(res.headers.get('location'), `${method} ${label}`).toMatch(/^\/staff\/login(\?|$)/);
          }
        }
      }
    }
    // Only the admin's POST created someone.
    const made = await prisma().staff.findMany({ where: { email: { in: created } }, select: { email: true } });
    expect(made.map((m) => m.email)).toEqual([created[0]]);
    expect(created[0]).toMatch(/^matrix-admin-/);
    // The deactivated member's session really is dead, not merely refused.
    expect(await prisma().staffSession.count({ where: { staffId: gone.id, revokedAt: null, mfaPassed: true } })).toBe(
      1,
    );
    expect((await deactivated.get('/staff/login')).status).toBe(200);
  });

  it('invites a new member: mail with a one-time link, password, then TOTP enrolment at the first sign-in', async () => {
    const email = unique('new.senior');
    const res = await admin.post('/staff/admin/staff', {
      intent: 'create',
      email: email.toUpperCase(),
      name: 'Nia Senior',
      roles: 'SENIOR_AGENT',
    });
    expect(res.status).toBe(200);
    expect(pageText(await res.text())).toContain(`An invitation to set a password was sent to ${email}`);
    const member = await prisma().staff.findUniqueOrThrow({ where: { email } });
    // A senior agent is an agent too; the senior role itself waits for a second admin (staff-roles.test.ts).
    expect(member.roles).toEqual(['AGENT']);
    expect(member.seniorRequestedById).toBe(adminId);
    expect(member.passwordHash).toBeNull();
    expect(member.totpEnrolledAt).toBeNull();
    expect(member.invitationExpiresAt!.getTime() - Date.now()).toBeGreaterThan(71.9 * 3600_000);
    expect(member.invitationExpiresAt!.getTime() - Date.now()).toBeLessThanOrEqual(72 * 3600_000);

    const mail = await prisma().outboxMessage.findFirstOrThrow({
      where: { recipient: email, template: 'staff-invitation' },
    });
    const link = /https?:\/\/\S+(\/staff\/invite\/([A-Za-z0-9_-]{40,}))/.exec(mail.text);
    expect(link, mail.text).not.toBeNull();
    const [, path, token] = link!;
    expect(member.invitationTokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(member.invitationTokenHash).toBe(sha256(token)); // stored hashed only

    const created = await prisma().auditEvent.findFirstOrThrow({
      where: { action: 'staff.created', actorId: adminId, data: { path: ['staffId'], equals: member.id } },
    });
    expect(created.actorType).toBe('staff');
    expect(created.data).toMatchObject({ email, roles: ['AGENT'] });

    const invitee = client();
    const page = await invitee.get(path);
    expect(page.status).toBe(200);
    expect(pageText(await page.text())).toContain('Nia Senior');
    const mismatch = await invitee.post(path, { password: 'new-Passw0rd-1', confirm: 'new-Passw0rd-2' });
    expect(mismatch.status).toBe(400);
    expect(pageText(await mismatch.text())).toContain('The two passwords do not match.');
    const weak = await invitee.post(path, { password: 'short1', confirm: 'short1' });
    expect(weak.status).toBe(400);
    expect(pageText(await weak.text())).toContain('Use at least 10 characters.');
    const noDigits = await invitee.post(path, { password: 'onlyletterslong', confirm: 'onlyletterslong' });
    expect(pageText(await noDigits.text())).toContain('Use both letters and digits.');
    expect((await prisma().staff.findUniqueOrThrow({ where: { id: member.id } })).passwordHash).toBeNull();

    const set = await invitee.post(path, { password: 'new-Passw0rd-1', confirm: 'new-Passw0rd-1' });
    expect(set.status).toBe(302);
    expect(set.headers.get('location')).toBe('/staff/login?password=set');
    // The sign-in page confirms it, as a status message.
    const confirmed = await invitee.get(set.headers.get('location')!);
    expect(await confirmed.text()).toMatch(
      /role="status"><p>Your password is set\. Sign in with it now; next you set up an authenticator app\.<\/p>/,
    );
    expect(pageText(await (await invitee.get('/staff/login')).text())).not.toContain('Your password is set');
    const after = await prisma().staff.findUniqueOrThrow({ where: { id: member.id } });
    expect(after.passwordHash).toBeTruthy();
    expect(after.invitationTokenHash).toBeNull();
    expect(after.invitationExpiresAt).toBeNull();

    // The link works once.
    for (const again of [
      await client().get(path),
      await client().post(path, { password: 'other-Passw0rd-9', confirm: 'other-Passw0rd-9' }),
    ]) {
      expect(again.status).toBe(404);
      expect(pageText(await again.text())).toContain(INVITATION_INVALID);
    }
    expect((await client().get('/staff/invite/not-a-real-token')).status).toBe(404);

    // First sign-in: password, then the enrolment QR with the key, then a code from that key.
    const newcomer = client();
    const pw = await newcomer.post('/staff/login', { email, password: 'new-Passw0rd-1' });
    expect(pw.status).toBe(302);
    const enrol = await newcomer.get('/staff/login');
    const html = await enrol.text();
    expect(pageText(html)).toContain('Set up your authenticator');
    expect(html).toMatch(/<img[^>]+src="data:image\/png;base64,/);
    const secret = /data-testid="totp-secret">([A-Z2-7]+)</.exec(html)?.[1];
    expect(secret).toBeTruthy();
    expect(secret).not.toBe(DEMO_TOTP_SECRET);
    const wrong = await newcomer.post('/staff/login', { intent: 'totp', code: totpNow(DEMO_TOTP_SECRET) });
    expect(wrong.status).toBe(401);
    const ok = await newcomer.post('/staff/login', { intent: 'totp', code: totpNow(secret!) });
    expect(ok.status).toBe(302);
    expect((await prisma().staff.findUniqueOrThrow({ where: { id: member.id } })).totpEnrolledAt).toBeInstanceOf(Date);
    expect(await prisma().auditEvent.count({ where: { action: 'staff.totp_enrolled', actorId: member.id } })).toBe(1);
    expect(
      await prisma().auditEvent.count({ where: { action: 'staff.invitation_accepted', actorId: member.id } }),
    ).toBe(1);
    // Signed in as a senior agent: the admin pages stay closed.
    expect((await newcomer.get('/staff/admin/staff')).status).toBe(403);
  });

  it('without JavaScript, the add form comes back filled in when refused and empty after a success, with a status message', async () => {
    const email = unique('nojs');
    const inputValue = (html: string, name: string) =>
      new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0].match(/value="([^"]*)"/)?.[1];
    const refused = await admin.post('/staff/admin/staff', {
      intent: 'create',
      email,
      name: '',
      roles: 'SENIOR_AGENT',
    });
    expect(refused.status).toBe(400);
    const refusedHtml = await refused.text();
    expect(inputValue(refusedHtml, 'email')).toBe(email);
    const box = (html: string, role: string) =>
      new RegExp(`<input[^>]*value="${role}"[^>]*>`).exec(html.slice(html.indexOf('id="add-member"')))?.[0] ?? '';
    expect(box(refusedHtml, 'SENIOR_AGENT')).toContain('checked');
    expect(box(refusedHtml, 'AGENT')).not.toContain('checked');
    expect(pageText(refusedHtml)).toContain('Enter the name.');
    const added = await admin.post('/staff/admin/staff', {
      intent: 'create',
      email,
      name: 'No Script',
      roles: 'AGENT',
    });
    expect(added.status).toBe(200);
    const addedHtml = await added.text();
    expect(addedHtml).toMatch(/role="status"><p>No Script was added\./);
    expect(inputValue(addedHtml, 'email')).toBeUndefined();
    expect(inputValue(addedHtml, 'name')).toBeUndefined();
    expect(box(addedHtml, 'SENIOR_AGENT')).not.toContain('checked');
    expect(box(addedHtml, 'AGENT')).toContain('checked');
  });

  it('refuses an expired invitation, a duplicate email and a member without roles, with clear messages', async () => {
    const email = unique('late');
    expect(
      (await admin.post('/staff/admin/staff', { intent: 'create', email, name: 'Late Comer', roles: 'AGENT' })).status,
    ).toBe(200);
    const mail = await prisma().outboxMessage.findFirstOrThrow({
      where: { recipient: email, template: 'staff-invitation' },
    });
    const path = /\/staff\/invite\/[A-Za-z0-9_-]+/.exec(mail.text)![0];
    await prisma().staff.update({ where: { email }, data: { invitationExpiresAt: new Date(Date.now() - 1000) } });
    const expired = await client().get(path);
    expect(expired.status).toBe(410);
    expect(pageText(await expired.text())).toContain(INVITATION_EXPIRED);
    const late = await client().post(path, { password: 'late-Passw0rd-1', confirm: 'late-Passw0rd-1' });
    expect(late.status).toBe(410);
    expect((await prisma().staff.findUniqueOrThrow({ where: { email } })).passwordHash).toBeNull();

    // A new invitation replaces the old link.
    const member = await prisma().staff.findUniqueOrThrow({ where: { email } });
    expect((await admin.post('/staff/admin/staff', { intent: 'reinvite', staffId: member.id })).status).toBe(200);
    const mails = await prisma().outboxMessage.findMany({
      where: { recipient: email, template: 'staff-invitation' },
      orderBy: { createdAt: 'asc' },
    });
    expect(mails).toHaveLength(2);
    const fresh = /\/staff\/invite\/[A-Za-z0-9_-]+/.exec(mails[1].text)![0];
    expect(fresh).not.toBe(path);
    expect((await client().get(fresh)).status).toBe(200);
    expect((await client().get(path)).status).toBe(404);
    expect(
      await prisma().auditEvent.count({ where: { action: 'staff.invitation_resent', actorId: adminId } }),
    ).toBeGreaterThanOrEqual(1);

    const duplicate = await admin.post('/staff/admin/staff', {
      intent: 'create',
      email: `  ${DEMO_STAFF.agent.toUpperCase()} `,
      name: 'Someone Else',
      roles: 'ADMIN',
    });
    expect(duplicate.status).toBe(409);
    const dupHtml = await duplicate.text();
    expect(pageText(dupHtml)).toContain(DUPLICATE_EMAIL);
    expect(dupHtml).toMatch(/aria-invalid="true"[^>]*name="email"|name="email"[^>]*aria-invalid="true"/);
    expect(await prisma().staff.count({ where: { email: DEMO_STAFF.agent } })).toBe(1);
    expect((await prisma().staff.findUniqueOrThrow({ where: { email: DEMO_STAFF.agent } })).roles).toEqual(['AGENT']);

    const noRoles = await admin.post('/staff/admin/staff', {
      intent: 'create',
      email: unique('nobody'),
      name: 'No Roles',
    });
    expect(noRoles.status).toBe(400);
    expect(pageText(await noRoles.text())).toContain('Choose at least one role.');
    const badEmail = await admin.post('/staff/admin/staff', {
      intent: 'create',
      email: 'not-an-email',
      name: 'Bad',
      roles: 'AGENT',
    });
    expect(badEmail.status).toBe(400);
    expect(pageText(await badEmail.text())).toContain('Enter a valid email address');
  });

  /** A member invited by the admin (over HTTP), with the path of the invitation link. */
  async function invited(prefix: string) {
    const email = unique(prefix);
    expect(
      (await admin.post('/staff/admin/staff', { intent: 'create', email, name: `Invitee ${counter}`, roles: 'AGENT' }))
        .status,
    ).toBe(200);
    const mail = await prisma().outboxMessage.findFirstOrThrow({
      where: { recipient: email, template: 'staff-invitation' },
    });
    return {
      member: await prisma().staff.findUniqueOrThrow({ where: { email } }),
      path: /\/staff\/invite\/[A-Za-z0-9_-]+/.exec(mail.text)![0],
    };
  }

  it('re-invites nobody who has set a password, even when the acceptance lands between its read and its write', async () => {
    const { member, path } = await invited('accepted');
    expect((await client().post(path, { password: 'first-Passw0rd-1', confirm: 'first-Passw0rd-1' })).status).toBe(302);
    const accepted = await prisma().staff.findUniqueOrThrow({ where: { id: member.id } });
    const refused = await admin.post('/staff/admin/staff', { intent: 'reinvite', staffId: member.id });
    expect(refused.status).toBe(409);
    expect(pageText(await refused.text())).toContain(passwordAlreadySet(member.name));
    expect(
      await prisma().outboxMessage.count({ where: { recipient: member.email, template: 'staff-invitation' } }),
    ).toBe(1);
    expect(await prisma().staff.findUniqueOrThrow({ where: { id: member.id } })).toEqual(accepted);

    // The race itself needs a second connection (PostgreSQL): the acceptance holds the member's row
    // while the re-invite reads "no password yet", then sets the password and commits.
    if (kind !== 'postgres') return;
    const racer = await invited('racing');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const passwordHash = await hashPassword('race-Passw0rd-1');
    const acceptance = prisma().$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT "id" FROM "Staff" WHERE "id" = ${racer.member.id}::uuid FOR UPDATE`;
        holding();
        await gate;
        await tx.staff.update({
          where: { id: racer.member.id },
          data: { passwordHash, invitationTokenHash: null, invitationExpiresAt: null },
        });
      },
      { timeout: 15_000 },
    );
    await held;
    const reinvite = reinviteStaffMember(portal.services, { id: adminId, name: 'Admin' }, racer.member.id, {
      ip: '192.0.2.1',
      userAgent: 'vitest',
    }).then(
      () => null,
      (err: unknown) => err,
    );
    // Wait until the re-invite has read the row and waits for its lock.
    for (let i = 0; ; i++) {
      const [{ waiting }] = await prisma().$queryRaw<
        { waiting: number }[]
      >`SELECT count(*)::int AS "waiting" FROM pg_stat_activity WHERE "datname" = current_database() AND "wait_event_type" = 'Lock'`;
      if (waiting > 0) break;
      if (i > 200) throw new Error('the re-invite never waited for the row');
      await new Promise((r) => setTimeout(r, 10));
    }
    release();
    await acceptance;
    const error = await reinvite;
    expect(error).toBeInstanceOf(StaffAdminError);
    expect((error as StaffAdminError).message).toBe(passwordAlreadySet(racer.member.name));
    const after = await prisma().staff.findUniqueOrThrow({ where: { id: racer.member.id } });
    expect(after.passwordHash).toBe(passwordHash);
    expect(after.invitationTokenHash).toBeNull(); // no live link
    expect(after.invitationExpiresAt).toBeNull();
    expect(
      await prisma().outboxMessage.count({ where: { recipient: racer.member.email, template: 'staff-invitation' } }),
    ).toBe(1);
    expect(
      await prisma().auditEvent.count({
        where: { action: 'staff.invitation_resent', data: { path: ['staffId'], equals: racer.member.id } },
      }),
    ).toBe(0);
  });

  it('never lets an invitation link replace a password that is already set', async () => {
    // What a re-invite racing the acceptance used to leave: a password and a live link.
    const { member } = await invited('relinked');
    const token = 'x'.repeat(43);
    const passwordHash = await hashPassword('first-Passw0rd-1');
    await prisma().staff.update({
      where: { id: member.id },
      data: { passwordHash, invitationTokenHash: sha256(token), invitationExpiresAt: new Date(Date.now() + 3600_000) },
    });
    const page = await client().get(`/staff/invite/${token}`);
    expect(page.status).toBe(404);
    expect(pageText(await page.text())).toContain(INVITATION_INVALID);
    const overwrite = await client().post(`/staff/invite/${token}`, {
      password: 'other-Passw0rd-9',
      confirm: 'other-Passw0rd-9',
    });
    expect(overwrite.status).toBe(404);
    expect(pageText(await overwrite.text())).toContain(INVITATION_INVALID);
    // The domain function itself, past the page's check.
    expect(
      await acceptInvitation(portal.services, token, 'other-Passw0rd-9', { ip: '192.0.2.1', userAgent: 'vitest' }),
    ).toMatchObject({ ok: false, status: 404 });
    expect((await prisma().staff.findUniqueOrThrow({ where: { id: member.id } })).passwordHash).toBe(passwordHash);
    expect(
      await prisma().auditEvent.count({ where: { action: 'staff.invitation_accepted', actorId: member.id } }),
    ).toBe(0);
  });

  it('never lets an admin change their own role or deactivate themselves, and says why', async () => {
    const before = await prisma().staff.findUniqueOrThrow({ where: { id: adminId } });
    const auditBefore = await prisma().auditEvent.count({
      where: { action: { in: ['staff.role_changed', 'staff.deactivated'] } },
    });
    for (const fields of [
      { intent: 'roles', staffId: adminId, roles: 'AGENT' } as Record<string, string>,
      { intent: 'deactivate', staffId: adminId, confirm: 'yes' },
    ]) {
      const res = await admin.post('/staff/admin/staff', fields);
      expect(res.status, fields.intent).toBe(403);
      expect(pageText(await res.text())).toContain(SELF_REASON);
    }
    const after = await prisma().staff.findUniqueOrThrow({ where: { id: adminId } });
    expect(after.roles).toEqual(before.roles);
    expect(after.active).toBe(true);
    expect(
      await prisma().auditEvent.count({ where: { action: { in: ['staff.role_changed', 'staff.deactivated'] } } }),
    ).toBe(auditBefore);
    expect(await prisma().staffSession.count({ where: { staffId: adminId, revokedAt: null } })).toBeGreaterThan(0);
    // The list shows the reason on the admin's own row instead of the controls.
    const html = await (await admin.get('/staff/admin/staff')).text();
    const ownRow = new RegExp(`data-testid="staff-${DEMO_STAFF.admin}"[\\s\\S]*?</tr>`).exec(html)![0];
    expect(pageText(ownRow)).toContain(SELF_REASON);
    expect(ownRow).not.toContain('name="deactivate"');
    expect(ownRow).not.toContain('Save roles');
    const agentRow = new RegExp(`data-testid="staff-${DEMO_STAFF.agent}"[\\s\\S]*?</tr>`).exec(html)![0];
    expect(agentRow).toContain('Save roles');
    expect(agentRow).toContain('name="deactivate"');
  });

  it("changes another member's roles with the change on record, and refuses a stale form", async () => {
    const member = await enrolledMember(['AGENT']);
    const res = await admin.post(
      '/staff/admin/staff',
      new URLSearchParams([
        ['intent', 'roles'],
        ['staffId', member.id],
        ['expected', 'AGENT'],
        ['roles', 'ADMIN'],
        ['roles', 'SENIOR_AGENT'],
      ]),
    );
    expect(res.status).toBe(200);
    // Senior agent waits for another admin's confirmation (staff-roles.test.ts); the rest is at once.
    expect((await prisma().staff.findUniqueOrThrow({ where: { id: member.id } })).roles).toEqual(['AGENT', 'ADMIN']);
    const event = await prisma().auditEvent.findFirstOrThrow({
      where: { action: 'staff.role_changed', data: { path: ['staffId'], equals: member.id } },
    });
    expect(event).toMatchObject({ actorType: 'staff', actorId: adminId });
    expect(event.data).toMatchObject({ from: ['AGENT'], to: ['AGENT', 'ADMIN'] });

    const stale = await admin.post('/staff/admin/staff', {
      intent: 'roles',
      staffId: member.id,
      expected: 'AGENT',
      roles: 'AGENT',
    });
    expect(stale.status).toBe(409);
    expect(pageText(await stale.text())).toContain(STALE_ROLES);
    const none = await admin.post('/staff/admin/staff', {
      intent: 'roles',
      staffId: member.id,
      expected: 'AGENT,ADMIN',
    });
    expect(none.status).toBe(400);
    expect((await prisma().staff.findUniqueOrThrow({ where: { id: member.id } })).roles).toEqual(['AGENT', 'ADMIN']);
    expect(
      await prisma().auditEvent.count({
        where: { action: 'staff.role_changed', data: { path: ['staffId'], equals: member.id } },
      }),
    ).toBe(1);
    expect(
      (
        await admin.post('/staff/admin/staff', {
          intent: 'roles',
          staffId: '00000000-0000-4000-8000-000000000000',
          roles: 'AGENT',
        })
      ).status,
    ).toBe(404);
  });

  it('deactivates a signed-in agent: their sessions end, they cannot sign in; reactivation lets them back', async () => {
    const member = await enrolledMember(['AGENT']);
    const agent = await signedIn(member.email);
    const other = await signedIn(member.email);
    expect((await agent.get('/staff/admin/audit')).status).toBe(403); // signed in (and not an admin)
    const { makeAppeal } = await import('../support/backoffice');
    const theirCase = await makeAppeal(prisma(), null, { status: 'IN_REVIEW', assigneeId: member.id });
    const closedCase = await makeAppeal(prisma(), null, { status: 'REJECTED', assigneeId: member.id });

    // Asked first: without the confirmation nothing happens.
    const unasked = await admin.post('/staff/admin/staff', { intent: 'deactivate', staffId: member.id });
    expect(unasked.status).toBe(400);
    expect(pageText(await unasked.text())).toContain('was not deactivated: confirm it with “Yes, deactivate”');
    expect((await prisma().staff.findUniqueOrThrow({ where: { id: member.id } })).active).toBe(true);
    const res = await admin.post('/staff/admin/staff', { intent: 'deactivate', staffId: member.id, confirm: 'yes' });
    expect(res.status).toBe(200);
    const after = await prisma().staff.findUniqueOrThrow({ where: { id: member.id } });
    expect(after.active).toBe(false);
    expect(after.deactivatedAt).toBeInstanceOf(Date);
    expect(await prisma().staffSession.count({ where: { staffId: member.id, revokedAt: null } })).toBe(0);
    const event = await prisma().auditEvent.findFirstOrThrow({
      where: { action: 'staff.deactivated', data: { path: ['staffId'], equals: member.id } },
    });
    expect(event).toMatchObject({ actorType: 'staff', actorId: adminId });
    expect(event.data).toMatchObject({ sessionsRevoked: 2, appealsReleased: 1 });
    // Their open case went back to the queue; a decided one keeps its history.
    expect((await prisma().appeal.findUniqueOrThrow({ where: { id: theirCase.id } })).assigneeId).toBeNull();
    expect((await prisma().appeal.findUniqueOrThrow({ where: { id: closedCase.id } })).assigneeId).toBe(member.id);

    for (const c of [agent, other]) {
      const next = await c.get('/staff/admin/audit');
      expect(next.status).toBe(302);
      expect(next.headers.get('location')).toMatch(/^\/staff\/login\?redirectTo=/);
    }
    // Signing in again: the same answer as a wrong password — nothing says the member exists but is deactivated.
    const refused = await client().post('/staff/login', { email: member.email, password: DEMO_PASSWORD });
    const wrong = await client().post('/staff/login', { email: member.email, password: 'wrong-Passw0rd-1' });
    expect(refused.status).toBe(401);
    expect(wrong.status).toBe(401);
    const refusedText = pageText(await refused.text());
    expect(refusedText).toContain(STAFF_INVALID);
    expect(refusedText).toBe(pageText(await wrong.text()));
    expect(refused.headers.getSetCookie().some((c) => c.startsWith('ard_staff='))).toBe(false);
    // The list shows it; never deleted.
    expect(pageText(await (await admin.get('/staff/admin/staff')).text())).toMatch(
      new RegExp(`${member.email.replace(/\./g, '\\.')} .*Deactivated`),
    );

    const again = await admin.post('/staff/admin/staff', { intent: 'deactivate', staffId: member.id, confirm: 'yes' });
    expect(pageText(await again.text())).toContain('was already deactivated');
    expect(
      await prisma().auditEvent.count({
        where: { action: 'staff.deactivated', data: { path: ['staffId'], equals: member.id } },
      }),
    ).toBe(1);

    const back = await admin.post('/staff/admin/staff', { intent: 'reactivate', staffId: member.id });
    expect(back.status).toBe(200);
    expect((await prisma().staff.findUniqueOrThrow({ where: { id: member.id } })).active).toBe(true);
    expect(
      await prisma().auditEvent.count({
        where: { action: 'staff.reactivated', actorId: adminId, data: { path: ['staffId'], equals: member.id } },
      }),
    ).toBe(1);
    // The old sessions stay dead; a fresh sign-in works.
    expect((await agent.get('/staff/admin/audit')).status).toBe(302);
    const fresh = await signedIn(member.email);
    expect((await fresh.get('/staff/admin/audit')).status).toBe(403);
  });

  it('filters the audit log by actor, action, case, account and date, in pages of 50 — and records each view', async () => {
    const alice = client();
    await alice.signIn('alice@example.com');
    const appeal = await postAppeal(client(), prisma(), `audit-filter-${kind}@example.net`);
    expect(appeal.caseNumber).toMatch(/^AP-/);
    const appealRow = await prisma().appeal.findUniqueOrThrow({ where: { caseNumber: appeal.caseNumber! } });

    const idsOf = (html: string) => [...html.matchAll(/data-testid="audit-(\d+)"/g)].map((m) => BigInt(m[1]));
    const view = async (query: string) => {
      const res = await admin.get(`/staff/admin/audit?${query}`);
      const html = await res.text();
      return { status: res.status, html, ids: idsOf(html) };
    };

    // actor (by staff email) + action
    const byAdmin = await view('actor=ADMIN@support.example.com&action=staff.created');
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.ids.length).toBeGreaterThan(0);
    const expected = await prisma().auditEvent.findMany({
      where: { actorId: adminId, action: 'staff.created' },
      orderBy: { id: 'desc' },
      take: 50,
      select: { id: true },
    });
    expect(byAdmin.ids).toEqual(expected.map((e) => e.id));
    // actor by id, action by prefix
    const byPrefix = await view(`actor=${adminId}&action=staff.*`);
    const rows = await prisma().auditEvent.findMany({ where: { id: { in: byPrefix.ids } } });
    expect(rows.length).toBe(byPrefix.ids.length);
    expect(rows.every((r) => r.actorId === adminId && r.action.startsWith('staff.'))).toBe(true);
    expect(new Set(rows.map((r) => r.action))).toContain('staff.deactivated');

    // case: by case number and by appeal id
    for (const c of [appeal.caseNumber!, appealRow.id]) {
      const byCase = await view(`case=${encodeURIComponent(c)}`);
      expect(byCase.ids.length).toBeGreaterThan(0);
      const caseRows = await prisma().auditEvent.findMany({ where: { id: { in: byCase.ids } } });
      expect(caseRows.every((r) => r.appealId === appealRow.id)).toBe(true);
      // The Case column names the case by its number (the appeal id in its title).
      expect(byCase.html).toContain(`title="${appealRow.id}">${appealRow.caseNumber}</td>`);
    }
    expect((await view('case=AP-19990101-000001')).ids).toEqual([]);
    // account
    const byAccount = await view('account=1000000000000001&action=login.succeeded');
    expect(byAccount.ids.length).toBeGreaterThan(0);
    const accountRows = await prisma().auditEvent.findMany({ where: { id: { in: byAccount.ids } } });
    expect(accountRows.every((r) => r.accountUid === '1000000000000001' && r.action === 'login.succeeded')).toBe(true);
    // customer actor: a session id
    const session = await prisma().session.findFirstOrThrow({
      where: { accountUid: '1000000000000001' },
      orderBy: { createdAt: 'desc' },
    });
    const byCustomer = await view(`actor=${session.id}`);
    expect(byCustomer.ids.length).toBeGreaterThan(0);
    const customerRows = await prisma().auditEvent.findMany({ where: { id: { in: byCustomer.ids } } });
    expect(customerRows.every((r) => r.actorId === session.id && r.actorType === 'customer')).toBe(true);
    // dates (UTC days)
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const todays = await prisma().auditEvent.findMany({
      where: {
        action: 'staff.created',
        at: { gte: new Date(`${today}T00:00:00Z`), lt: new Date(`${tomorrow}T00:00:00Z`) },
      },
      orderBy: { id: 'desc' },
      select: { id: true },
    });
    expect(todays.length).toBeGreaterThan(0);
    expect((await view(`from=${today}&to=${today}&action=staff.created`)).ids).toEqual(todays.map((e) => e.id));
    expect((await view(`from=${tomorrow}`)).ids).toEqual([]);
    expect((await view(`to=${yesterday}`)).ids).toEqual([]);
    // invalid filters say so
    const invalid = await view('account=12345&from=2026-13-45');
    expect(invalid.status).toBe(400);
    expect(pageText(invalid.html)).toContain('Enter a 16-digit account UID.');
    expect(pageText(invalid.html)).toContain('Enter a date as YYYY-MM-DD.');
    expect(invalid.ids).toEqual([]);

    // keyset pages of 50, newest first, no overlap
    for (let i = 0; i < 61; i++) {
      await prisma().$transaction((tx) =>
        recordAudit(tx, { actor: { type: 'system' }, action: 'test.paging', data: { i } }),
      );
    }
    const first = await view('action=test.paging');
    expect(first.ids).toHaveLength(50);
    expect([...first.ids].sort((a, b) => (a < b ? 1 : -1))).toEqual(first.ids);
    const older = /href="(\/staff\/admin\/audit\?[^"]*before=\d+[^"]*)"/.exec(first.html)?.[1].replace(/&amp;/g, '&');
    expect(older).toBeTruthy();
    const second = idsOf(await (await admin.get(older!)).text());
    expect(second).toHaveLength(11);
    expect(second[0] < first.ids[49]).toBe(true);
    expect(new Set([...first.ids, ...second]).size).toBe(61);

    // Each view is on record, with its filters.
    const viewed = await prisma().auditEvent.findFirstOrThrow({
      where: { action: 'audit.viewed', actorId: adminId },
      orderBy: { id: 'desc' },
    });
    expect(viewed.data).toMatchObject({ filters: { action: 'test.paging' }, rows: 11 });
  });

  it('answers tampered audit log URLs (a cursor past bigint, days out of range) with the page or a 400, never a 5xx, and changes nothing', async () => {
    const newest = (await prisma().auditEvent.findFirstOrThrow({ orderBy: { id: 'desc' } })).id;
    const page = async (query: string) => {
      const res = await admin.get(`/staff/admin/audit?${query}`);
      const html = await res.text();
      return {
        status: res.status,
        text: pageText(html),
        ids: [...html.matchAll(/data-testid="audit-(\d+)"/g)].map((m) => BigInt(m[1])),
      };
    };
    const firstPage = await page('');
    expect(firstPage.ids[0]).toBeGreaterThanOrEqual(newest);
    // A cursor beyond PostgreSQL's bigint is no cursor: the first page (as for any other malformed cursor).
    for (const before of ['9223372036854775808', '9999999999999999999', '18446744073709551616']) {
      const res = await page(`before=${before}`);
      expect(res.status, before).toBe(200);
      expect(res.ids[0], before).toBeGreaterThanOrEqual(newest);
    }
    expect((await page('before=9223372036854775807')).status).toBe(200); // the largest bigint is a cursor like any other
    // Days PostgreSQL cannot store, or outside 2000-9999: the form's "Enter a date" answer.
    for (const query of [
      'from=0000-01-01',
      'to=0000-12-31',
      'from=0001-01-01',
      'to=1969-12-31',
      'from=1999-12-31',
      'from=2026-02-30',
      'to=9999-12-31',
      'from=9999-12-31',
    ]) {
      const res = await page(query);
      const csv = await admin.get(`/staff/admin/audit.csv?${query}`);
      await csv.text();
      if (query.startsWith('to=9999') || query.startsWith('from=9999')) {
        // The last day of the range is a day like any other.
        expect(res.status, query).toBe(200);
        expect(csv.status, query).toBe(200);
        continue;
      }
      expect(res.status, query).toBe(400);
      expect(res.text, query).toContain('Enter a date');
      expect(res.ids, query).toEqual([]);
      expect(csv.status, query).toBe(400);
    }
    expect((await page('from=2000-01-01&to=2000-01-01')).status).toBe(200);
    // Control characters in the text filters (PostgreSQL refuses a NUL in text) are dropped: the page.
    for (const query of [
      'actor=%00',
      'action=login%00failed',
      'case=AP-20260101-%00000001',
      'account=%01%7f',
      'actor=a%00%40b.example',
    ]) {
      const res = await page(query);
      expect(res.status, query).toBe(200);
      expect((await admin.get(`/staff/admin/audit.csv?${query}`)).status, query).toBe(200);
    }
    // Nothing but the record of each view and export was written.
    const since = await prisma().auditEvent.findMany({ where: { id: { gt: newest } }, select: { action: true } });
    expect(new Set(since.map((e) => e.action))).toEqual(new Set(['audit.viewed', 'audit.exported']));
  });

  it('exports the filtered rows as CSV: header, escaped quotes, attachment — and records the export', async () => {
    const name = 'Quinn "Q" O\'Hara, Jr.';
    const lastBefore = (await prisma().auditEvent.findFirstOrThrow({ orderBy: { id: 'desc' } })).id;
    const email = unique('quinn');
    expect((await admin.post('/staff/admin/staff', { intent: 'create', email, name, roles: 'AGENT' })).status).toBe(
      200,
    );
    await prisma().$transaction((tx) =>
      recordAudit(tx, {
        actor: { type: 'system' },
        action: 'test.csv',
        meta: { ip: '192.0.2.7', userAgent: '=HYPERLINK("http://evil.example")' },
        data: { note: 'line one\nline two' },
      }),
    );

    const res = await admin.get('/staff/admin/audit.csv?action=staff.created');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-[\d-]+\.csv"$/);
    const text = await res.text();
    // Quotes doubled inside a quoted field (the data column is JSON, whose own escape is a backslash).
    expect(text).toContain(`,"{""email"":""${email}"",""name"":""Quinn \\""Q\\"" O'Hara, Jr."",""roles"":[""AGENT""],`);
    const table = parseCsv(text);
    expect(table[0]).toEqual([...CSV_COLUMNS]);
    const col = (c: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(c);
    const body = table.slice(1);
    expect(body.length).toBe(await prisma().auditEvent.count({ where: { action: 'staff.created' } }));
    expect(body.every((r) => r.length === CSV_COLUMNS.length && r[col('action')] === 'staff.created')).toBe(true);
    const member = await prisma().staff.findUniqueOrThrow({ where: { email } });
    const row = body.find((r) => JSON.parse(r[col('data')]).staffId === member.id);
    expect(row).toBeTruthy();
    expect(row![col('actor_email')]).toBe(DEMO_STAFF.admin);
    expect(row![col('actor_id')]).toBe(adminId);
    expect(JSON.parse(row![col('data')])).toMatchObject({ name, email });
    const dbRow = await prisma().auditEvent.findFirstOrThrow({
      where: { action: 'staff.created', data: { path: ['staffId'], equals: member.id } },
    });
    expect(row![col('id')]).toBe(dbRow.id.toString());
    expect(row![col('at')]).toBe(dbRow.at.toISOString());
    expect(row![col('hash')]).toBe(dbRow.hash);

    const trickyText = await (await admin.get('/staff/admin/audit.csv?action=test.csv')).text();
    expect(trickyText).toContain(`,192.0.2.7,"'=HYPERLINK(""http://evil.example"")",`);
    const tricky = parseCsv(trickyText);
    expect(tricky).toHaveLength(2);
    expect(tricky[1][col('user_agent')]).toBe(`'=HYPERLINK("http://evil.example")`);
    expect(JSON.parse(tricky[1][col('data')])).toEqual({ note: 'line one\nline two' });

    const bad = await admin.get('/staff/admin/audit.csv?account=abc');
    expect(bad.status).toBe(400);

    const exported = await prisma().auditEvent.findMany({
      where: { action: 'audit.exported', actorId: adminId, id: { gt: lastBefore } },
      orderBy: { id: 'asc' },
    });
    expect(exported.map((e) => e.data)).toEqual([
      { filters: { action: 'staff.created' } },
      { filters: { action: 'test.csv' } },
    ]);
  });
});
