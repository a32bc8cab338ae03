// Every place a password is set refuses a common password and one built on the owner's email or name.
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { useTestPortal } from '../support/portal';
import { HttpClient, pageText } from '../support/http';
import { codeSentTo, createOwner } from '../support/accounts';
import { DEMO_STAFF, staffSignIn } from '../support/staff';
import { PASSWORD_PERSONAL, PASSWORD_TOO_COMMON } from '~/auth/password.server';
import { RESET_MESSAGES } from '~/account/messages';

describeEachDatabase('password blocklist', (kind) => {
  const portal = useTestPortal(kind);

  const prisma = () => portal().db.prisma;
  const reset = (c: HttpClient, code: string, password: string) =>
    c.post('/password-reset', { intent: 'reset', code, password, confirm: password });

  it('password reset: refuses password12 and the like, and the email; the name only once the code is right, which stays usable', async () => {
    const owner = await createOwner(prisma());
    await prisma().account.update({ where: { uid: owner.uid }, data: { holderName: 'Marguerite Okonkwo' } });
    const c = new HttpClient(portal().url);
    expect((await c.post('/password-reset', { intent: 'request', email: owner.email, channel: 'EMAIL' })).status).toBe(
      302,
    );
    const code = await codeSentTo(prisma(), owner.email);
    const before = (await prisma().account.findUniqueOrThrow({ where: { uid: owner.uid } })).passwordHash;

    for (const common of ['password12', 'Password123', 'qwerty12345', 'iloveyou2024']) {
      const res = await reset(c, code, common);
      expect(res.status, common).toBe(400);
      expect(pageText(await res.text()), common).toContain(PASSWORD_TOO_COMMON);
    }
    const local = owner.email.split('@')[0];
    const byEmail = await reset(c, code, `${local}-x9`);
    expect(pageText(await byEmail.text())).toContain(PASSWORD_PERSONAL);

    // With a wrong code the name is not judged: the answer would tell who holds the email.
    const wrong = await reset(c, String((Number(code) + 1) % 1_000_000).padStart(6, '0'), 'Okonkwo-family-77');
    expect(pageText(await wrong.text())).toContain(RESET_MESSAGES.badCode);
    const byName = await reset(c, code, 'Okonkwo-family-77');
    expect(byName.status).toBe(400);
    expect(pageText(await byName.text())).toContain(PASSWORD_PERSONAL);
    expect((await prisma().account.findUniqueOrThrow({ where: { uid: owner.uid } })).passwordHash).toBe(before);

    // The same code still sets a good password.
    const done = await reset(c, code, 'Harbour-lantern-482');
    expect(done.status, pageText(await done.clone().text()).slice(0, 300)).toBe(302);
    await new HttpClient(portal().url).signIn(owner.email, 'Harbour-lantern-482');
  });

  it('staff invitation: refuses a common password and one built on the member’s email or name', async () => {
    const admin = new HttpClient(portal().url);
    await staffSignIn(admin, DEMO_STAFF.admin, { prisma: prisma() });
    const email = `quintus.varga-${kind}@support.example.com`;
    expect(
      (await admin.post('/staff/admin/staff', { intent: 'create', email, name: 'Quintus Varga', roles: 'AGENT' }))
        .status,
    ).toBe(200);
    const mail = await prisma().outboxMessage.findFirstOrThrow({
      where: { recipient: email, template: 'staff-invitation' },
    });
    const path = /https?:\/\/\S+(\/staff\/invite\/[A-Za-z0-9_-]{40,})/.exec(mail.text)![1];
    const invitee = new HttpClient(portal().url);
    const tries: [string, string][] = [
      ['password12', PASSWORD_TOO_COMMON],
      ['Quintus-2024-xx', PASSWORD_PERSONAL],
      ['varga1234567', PASSWORD_PERSONAL],
    ];
    for (const [password, message] of tries) {
      const res = await invitee.post(path, { password, confirm: password });
      expect(res.status, password).toBe(400);
      expect(pageText(await res.text()), password).toContain(message);
    }
    expect((await prisma().staff.findUniqueOrThrow({ where: { email } })).passwordHash).toBeNull();
    expect((await invitee.post(path, { password: 'Harbour-lantern-482', confirm: 'Harbour-lantern-482' })).status).toBe(
      302,
    );
  });
});
