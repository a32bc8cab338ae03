// Issue 24, customers: what the server answers changed. Step 2 of the change shows the address its code
// went to and can drop it ("Use a different address"); "Modification successful" is the changing session's
// only, with the whole address; a session ended by a change of the logon email or a password reset is told
// why on the sign-in page, once; a merged filing's earlier link says it was replaced; a creation month in
// the future is refused with the browser's words.
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { useTestPortal } from '../support/portal';
import { HttpClient, pageText } from '../support/http';
import {
  codeSentTo,
  postConfirmNewEmail,
  createOwner,
  DONE,
  postNewEmailCode,
  STEP2,
  postVerifyIdentity,
} from '../support/accounts';
import { BASE_DETAILS, appealForm, postAppeal, postAppealEmailProof, trackingLinkFor } from '../support/appeals';
import { SIGNED_OUT_MESSAGES } from '~/auth/signed-out.server';
import { APPEAL_FORM_MESSAGES } from '~/appeals/schema';

describeEachDatabase('issue 24, customer flows', (kind) => {
  const portal = useTestPortal(kind);
  const prisma = () => portal().db.prisma;
  const client = () => new HttpClient(portal().url);
  const text = async (res: Response) => pageText(await res.text());

  it('step 2: the address a code went to is shown, not a field; "Use a different address" ends that code, and OK cannot confirm it any more', async () => {
    const owner = await createOwner(prisma());
    const c = client();
    await c.signIn(owner.email);
    await postVerifyIdentity(c, prisma(), 'EMAIL', owner.email);
    const first = `first-${owner.uid}@corp.example`;
    const code = await postNewEmailCode(c, prisma(), first);
    const page = await (await c.get(STEP2)).text();
    expect(pageText(page)).toContain(`New logon email ${first}`);
    expect(page).not.toMatch(/<input[^>]*type="email"/);
    expect(page).toContain('Use a different address');

    const dropped = await c.post(STEP2, { intent: 'change-address' });
    expect(dropped.status).toBe(302);
    expect(dropped.headers.get('location')).toBe(STEP2);
    const again = await (await c.get(STEP2)).text();
    expect(again).toMatch(/<input[^>]*type="email"/);
    expect(again).not.toContain(first);
    // The dropped code confirms nothing.
    const refused = await postConfirmNewEmail(c, first, code);
    expect(refused.status).toBe(400);
    expect((await prisma().account.findUniqueOrThrow({ where: { uid: owner.uid } })).logonEmail).toBe(owner.email);
  });

  it('"Modification successful" shows the whole new address to the session that made the change only; the sessions it signed out are told why on the sign-in page, once', async () => {
    const owner = await createOwner(prisma());
    const changer = client();
    const other = client();
    await changer.signIn(owner.email);
    await other.signIn(owner.email);
    await postVerifyIdentity(changer, prisma(), 'EMAIL', owner.email);
    const newEmail = `moved-${owner.uid}@corp.example`;
    const code = await postNewEmailCode(changer, prisma(), newEmail);
    const done = await postConfirmNewEmail(changer, newEmail, code);
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe(DONE);
    const shown = await changer.get(DONE);
    expect(shown.status).toBe(200);
    expect(await text(shown)).toContain(`is now ${newEmail}`);

    // The signed-out session: to the sign-in page, which says why — once.
    const out = await other.get('/account/security');
    expect(out.status).toBe(302);
    expect(out.headers.get('location')).toMatch(/^\/login\?/);
    const login = await other.get(out.headers.get('location')!);
    expect(await text(login)).toContain(SIGNED_OUT_MESSAGES['logon-email-changed']);
    expect((await text(await other.get('/login'))).includes(SIGNED_OUT_MESSAGES['logon-email-changed'])).toBe(false);

    // A session signed in after the change (with the new address): no "Modification successful" for it.
    const later = client();
    await later.signIn(newEmail);
    const notHis = await later.get(DONE);
    expect(notHis.status).toBe(302);
    expect(notHis.headers.get('location')).toBe('/account/security');
    // A visitor with no session, or one signed out by hand, is told nothing.
    expect(await text(await client().get('/login'))).not.toContain('You were signed out because');
  });

  it('a session ended by a password reset is told so on the sign-in page', async () => {
    const owner = await createOwner(prisma());
    const signedIn = client();
    await signedIn.signIn(owner.email);
    const r = client();
    expect((await r.post('/password-reset', { intent: 'request', email: owner.email, channel: 'EMAIL' })).status).toBe(
      302,
    );
    const reset = await r.post('/password-reset', {
      intent: 'reset',
      code: await codeSentTo(prisma(), owner.email),
      password: 'Qz7-river-lantern-42',
      confirm: 'Qz7-river-lantern-42',
    });
    expect(reset.status).toBe(302);
    const out = await signedIn.get('/account/security');
    expect(out.status).toBe(302);
    expect(await text(await signedIn.get(out.headers.get('location')!))).toContain(
      SIGNED_OUT_MESSAGES['password-reset'],
    );
  });

  it('a merged filing mails a new link; the earlier one says it was replaced (410)', async () => {
    const details = { ...BASE_DETAILS, givenUid: '1000000000000002', holderName: 'Bob Martin' };
    const newEmail = `merge-24-${kind}@corp.example`;
    const first = await postAppeal(client(), prisma(), newEmail, details);
    const firstLink = await trackingLinkFor(prisma(), newEmail);
    await new Promise((r) => setTimeout(r, 5));
    const second = await postAppeal(client(), prisma(), newEmail, details);
    expect(second.caseNumber).toBe(first.caseNumber);
    const secondLink = await trackingLinkFor(prisma(), newEmail);
    expect(secondLink).not.toBe(firstLink);
    expect((await client().get(secondLink)).status).toBe(200);
    const old = await client().get(firstLink);
    expect(old.status).toBe(410);
    const oldText = await text(old);
    expect(oldText).toContain('This tracking link was replaced by a newer one');
    expect(oldText).not.toContain(first.caseNumber!);
  });

  it('a creation month that has not begun is refused by the server with the words the browser uses', async () => {
    const c = client();
    const newEmail = `future-month-${kind}@corp.example`;
    await postAppealEmailProof(c, prisma(), newEmail);
    const next = new Date();
    next.setUTCMonth(next.getUTCMonth() + 2);
    const res = await c.post(
      '/appeals/new',
      appealForm({ ...BASE_DETAILS, createdMonth: next.toISOString().slice(0, 7) }),
    );
    expect(res.status).toBe(400);
    expect(await text(res)).toContain(APPEAL_FORM_MESSAGES.createdMonthFuture);
    // Without the ID document: the same words as the browser's check.
    const noId = await c.post('/appeals/new', appealForm(BASE_DETAILS, {}));
    expect(noId.status).toBe(400);
    expect(await text(noId)).toContain(APPEAL_FORM_MESSAGES.idDocumentMissing);
    expect(await prisma().appeal.count({ where: { newEmail } })).toBe(0);
  });
});
