// Property-based fuzzing of every customer and staff form action with malformed, oversized, wrongly
// typed and hostile input (unicode tricks, SQL/HTML fragments, 1 MB strings, missing and repeated
// fields, bodies in the wrong encoding): never a 5xx, and never a changed row — except, for the few
// actions where a hostile-but-valid value is a legitimate input (a note, a reply, an appeal, a new
// staff member), exactly the one expected change, with the value stored as given.
// FUZZ_RUNS runs per property (RESILIENCE_LONG=1 for many more).
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../support/db';
import { startTestPortal, type TestPortal } from '../support/portal';
import { HttpClient, pageText } from '../support/http';
import { createOwner, sessionFor, STEP1, STEP2 } from '../support/accounts';
import { signInStaff, makeAppeal } from '../support/backoffice';
import { postAppealEmailProof } from '../support/appeals';
import { file, htmlBytes, jpegBytes, pdfBytes, pngBytes } from '../support/files';
import { changedTables, snapshot, type Snapshot } from '../support/snapshot';
import {
  asSent,
  describePairs,
  encode,
  encodingArb,
  formArb,
  fuzzRuns,
  hostileValue,
  type Encoding,
  type Pairs,
} from '../support/fuzz';
import { newToken, sha256 } from '~/lib/tokens.server';
import { createSession } from '~/auth/session.server';
import { verifyPassword } from '~/auth/password.server';
import { ALICE_UID } from '~/demo/seed.server';
import { UUID } from '~/lib/ids';

describeEachDatabase('resilience: fuzzed form actions', (kind) => {
  let portal: TestPortal;
  let ip = 0;
  /** A client of its own address (the portal trusts X-Forwarded-For here), so per-IP limits never mix runs. */
  const anon = () => new HttpClient(portal.url, { forwardedFor: `203.0.113.${(ip++ % 250) + 1}` });
  const prisma = () => portal.db.prisma;

  let owner: HttpClient;
  let ownerPrivileged: HttpClient;
  let resetFlow: HttpClient;
  let agent: HttpClient;
  let admin: HttpClient;
  let filer: HttpClient;
  let caseId: string;
  let trackingPath: string;

  beforeAll(async () => {
    portal = await startTestPortal(kind, { config: { trustProxy: 1 } });
    const p = prisma();
    const a = await createOwner(p, { phone: true });
    owner = anon();
    await owner.signIn(a.email);
    const b = await createOwner(p, { phone: true });
    ownerPrivileged = anon();
    await ownerPrivileged.signIn(b.email);
    await p.session.updateMany({
      where: { accountUid: b.uid, revokedAt: null },
      data: { privilegedUntil: new Date(Date.now() + 60 * 60_000) },
    });
    const c = await createOwner(p, { phone: true });
    resetFlow = anon();
    expect(
      (await resetFlow.post('/password-reset', { intent: 'request', email: c.email, channel: 'EMAIL' })).status,
    ).toBe(302);
    agent = anon();
    await signInStaff(agent, p, 'agent@support.example.com');
    admin = anon();
    await signInStaff(admin, p, 'admin@support.example.com');
    // A case assigned to nobody (so nothing but a note is the agent's to do), and one the customer tracks.
    caseId = (await makeAppeal(p, portal.services.evidence, { status: 'SUBMITTED' })).id;
    const token = newToken();
    await makeAppeal(p, portal.services.evidence, { status: 'IN_REVIEW', trackingTokenHash: sha256(token) });
    trackingPath = `/appeals/track/${token}`;
    filer = anon();
    await postAppealEmailProof(filer, p, `fuzz-filer-${kind}@corp.example`);
  }, 180_000);
  afterAll(async () => {
    await portal?.stop();
  });

  type Outcome = { status: number; text: string; changed: string[]; before: Snapshot; after: Snapshot };

  async function submit(
    client: HttpClient,
    path: string,
    pairs: Pairs,
    encoding: Encoding,
    files: [string, File][] = [],
  ): Promise<Outcome> {
    const before = await snapshot(prisma());
    const { body, headers } = encode(pairs, encoding, files);
    const res = await client.request(path, { method: 'POST', body, headers });
    const text = await res.text();
    const after = await snapshot(prisma());
    return { status: res.status, text, changed: changedTables(before, after), before, after };
  }

  /** The common verdict: no server error, nothing changed. */
  function unchanged(o: Outcome, what: string) {
    expect(o.status, `${what} answered ${o.status}: ${pageText(o.text).slice(0, 300)}`).toBeLessThan(500);
    expect(o.changed, `${what} changed ${o.changed.join(', ')}`).toEqual([]);
  }

  /** The value the portal reads for a field (the first one, as FormData.get gives it), or null when it reads no form. */
  const sent = (pairs: Pairs, enc: Encoding, name: string) => {
    const value = enc === 'urlencoded' || enc === 'multipart' ? pairs.find(([k]) => k === name)?.[1] : undefined;
    return value === undefined ? null : asSent(value);
  };

  /** A property over forms in every encoding; examples run first (e.g. the one valid form, so its branch always runs). */
  const prop = (
    form: fc.Arbitrary<Pairs>,
    check: (pairs: Pairs, encoding: Encoding) => Promise<void>,
    examples: [Pairs, Encoding][] = [],
  ) => fc.assert(fc.asyncProperty(form, encodingArb, check), { ...fuzzRuns<[Pairs, Encoding]>(), examples });

  const code = fc.oneof(fc.stringMatching(/^\d{6}$/), hostileValue);
  const email = fc.oneof(fc.emailAddress(), hostileValue);

  it('customer sign-in: never a session', async () => {
    await prop(
      formArb({
        login: fc.oneof(fc.constant('alice@example.com'), email),
        password: hostileValue,
        redirectTo: fc.constantFrom('/account', '//evil.example', 'javascript:alert(1)'),
      }),
      async (pairs, enc) => {
        unchanged(await submit(anon(), '/login', pairs, enc), `POST /login ${describePairs(pairs, enc)}`);
      },
    );
  });

  it('password reset (request, resend, reset, start over): never a changed password or session', async () => {
    await prop(
      formArb({
        intent: fc.constantFrom('request', 'resend', 'reset', 'start-over', 'RESET'),
        email,
        channel: fc.constantFrom('EMAIL', 'SMS', 'sms', 'FAX'),
        code,
        password: hostileValue,
        confirm: hostileValue,
      }),
      async (pairs, enc) => {
        // The reset flow's own client half the time (a live flow for a real account), a stranger otherwise.
        const client = pairs.length % 2 ? resetFlow : anon();
        unchanged(
          await submit(client, '/password-reset', pairs, enc),
          `POST /password-reset ${describePairs(pairs, enc)}`,
        );
      },
    );
  });

  it('change of the logon email, step 1 (identity): never a privileged window', async () => {
    await prop(
      formArb({
        intent: fc.constantFrom('send-code', 'verify', 'verify ', ''),
        channel: fc.constantFrom('EMAIL', 'SMS', 'email', 'PIGEON'),
        code,
      }),
      async (pairs, enc) => {
        unchanged(await submit(owner, STEP1, pairs, enc), `POST ${STEP1} ${describePairs(pairs, enc)}`);
      },
    );
  });

  it('change of the logon email, step 2 (new address, send code): never a changed account', async () => {
    await prop(formArb({ intent: fc.constant('send-code'), newEmail: email }), async (pairs, enc) => {
      unchanged(await submit(ownerPrivileged, STEP2, pairs, enc), `POST ${STEP2} ${describePairs(pairs, enc)}`);
    });
  });

  it('change of the logon email, step 2 (confirm with the code): never a changed account', async () => {
    await prop(
      formArb({ intent: fc.constantFrom('confirm', 'CONFIRM', 'send-code'), newEmail: email, code }),
      async (pairs, enc) => {
        unchanged(await submit(ownerPrivileged, STEP2, pairs, enc), `POST ${STEP2} ${describePairs(pairs, enc)}`);
      },
    );
  });

  const evidence = fc.array(
    fc.tuple(
      // Inherited names (constructor, __proto__, toString) are no evidence field either.
      fc.constantFrom(
        'idDocument',
        'businessLicence',
        'paymentRecord',
        'otherEvidence',
        'evil',
        'constructor',
        '__proto__',
        'toString',
      ),
      fc.constantFrom(
        () => file(htmlBytes(), 'id.png', 'image/png'),
        () => file(Buffer.alloc(0), 'empty.pdf', 'application/pdf'),
        () =>
          file(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), 'id.svg', 'image/svg+xml'),
        () => file(Buffer.from('PK\u0003\u0004zipzip'), 'id.pdf', 'application/pdf'),
        () => file(pngBytes(), '../../../etc/passwd', 'image/png'),
        () => file(pdfBytes(), 'ok.pdf', 'application/pdf'),
        () => file(jpegBytes(), '<script>.jpg', 'image/jpeg'),
      ),
    ),
    { maxLength: 3 },
  );

  it('appeal form, email steps (send code, verify, change email; urlencoded and multipart): never a stored appeal', async () => {
    await prop(
      formArb({
        intent: fc.constantFrom('send-code', 'verify-email', 'change-email', 'submit'),
        scenario: fc.constantFrom('FORGOT_LOGON_EMAIL', 'NOPE'),
        newEmail: email,
        code,
      }),
      async (pairs, enc) => {
        // A stranger's flow: without a proved email, nothing can be submitted.
        unchanged(await submit(anon(), '/appeals/new', pairs, enc), `POST /appeals/new ${describePairs(pairs, enc)}`);
      },
    );
  });

  it('appeal form, submission with a proved email (multipart with hostile files, or urlencoded): rejected and nothing stored, or stored exactly as given', async () => {
    const details = formArb({
      intent: fc.constant('submit'),
      scenario: fc.constantFrom('FORGOT_LOGON_EMAIL', 'PHONE_UNAVAILABLE', 'EMAIL_CHANGED_NOT_ME'),
      givenUid: fc.oneof(fc.constant('1000000000000001'), fc.stringMatching(/^\d{16}$/)),
      givenAlias: hostileValue,
      givenOldEmail: email,
      accountType: fc.constantFrom('INDIVIDUAL', 'ENTERPRISE', 'individual'),
      holderName: hostileValue,
      newPhone: fc.oneof(fc.constant('+8613800000009'), hostileValue),
      lastPaymentAmount: fc.oneof(fc.constant('128.00'), hostileValue),
      lastPaymentCurrency: fc.constantFrom('CNY', 'XXX', ''),
      createdMonth: fc.oneof(fc.constant('2019-03'), hostileValue),
      website: fc.constant(''),
    });
    const validAppeal: Pairs = [
      ['intent', 'submit'],
      ['scenario', 'FORGOT_LOGON_EMAIL'],
      ['givenUid', '1000000000000001'],
      ['accountType', 'INDIVIDUAL'],
      ['holderName', 'Alice Chen'],
      ['lastPaymentAmount', '128.00'],
      ['lastPaymentCurrency', 'CNY'],
      ['createdMonth', '2019-03'],
    ];
    await fc.assert(
      fc.asyncProperty(
        details,
        evidence,
        fc.constantFrom<Encoding>('multipart', 'multipart', 'urlencoded'),
        async (pairs, files, enc) => {
          const attached = files.map(([field, make]): [string, File] => [field, make()]);
          const o = await submit(filer, '/appeals/new', pairs, enc, enc === 'multipart' ? attached : []);
          const what = `POST /appeals/new ${describePairs(pairs, enc)} files ${JSON.stringify(attached.map(([k, f]) => [k, f.name, f.size]))}`;
          expect(o.status, `${what} answered ${o.status}: ${pageText(o.text).slice(0, 300)}`).toBeLessThan(500);
          const caseNumber = /AP-\d{8}-\d{6}/.exec(o.text)?.[0];
          if (!caseNumber || o.changed.length === 0) {
            expect(o.changed, `${what} changed ${o.changed.join(', ')}`).toEqual([]);
            return;
          }
          // Accepted: one appeal (new, or merged into the open one) with its evidence and message, as given.
          expect(
            o.changed.every((t) => ['Appeal', 'EvidenceFile', 'AppealMessage'].includes(t)),
            `${what} changed ${o.changed.join(', ')}`,
          ).toBe(true);
          const stored = await prisma().appeal.findUniqueOrThrow({ where: { caseNumber } });
          const holder = sent(pairs, enc, 'holderName')!.trim();
          if (o.after.Appeal.rows > o.before.Appeal.rows) expect(stored.holderName).toBe(holder);
          // Filed: the flow's proof is spent; prove again for the next run.
          await postAppealEmailProof(filer, prisma(), `fuzz-filer-${kind}-${Date.now()}@corp.example`);
        },
      ),
      // First, a valid form whose second file, a real PNG, is attached under an inherited name.
      {
        ...fuzzRuns<[Pairs, [string, () => File][], Encoding]>(),
        examples: [
          [
            validAppeal,
            [
              ['idDocument', () => file(pngBytes(), 'id.png', 'image/png')],
              ['constructor', () => file(pngBytes(), 'extra.png', 'image/png')],
            ],
            'multipart',
          ],
        ],
      },
    );
  });

  it('appeal tracking (reply with hostile text and files, and everything but a real withdrawal): rejected and nothing stored, or the reply stored as given', async () => {
    await fc.assert(
      fc.asyncProperty(
        formArb({
          intent: fc.constantFrom('reply', 'REPLY', 'withdraw\u200b', 'withdraw ', 'delete'),
          body: hostileValue,
        }),
        evidence,
        fc.constantFrom<Encoding>('multipart', 'urlencoded', 'json'),
        async (pairs, files, enc) => {
          const attached = files.map(([field, make]): [string, File] => [field, make()]);
          const o = await submit(anon(), trackingPath, pairs, enc, enc === 'multipart' ? attached : []);
          const what = `POST ${trackingPath} ${describePairs(pairs, enc)}`;
          expect(o.status, `${what} answered ${o.status}: ${pageText(o.text).slice(0, 300)}`).toBeLessThan(500);
          if (o.status !== 302) {
            expect(o.changed, `${what} changed ${o.changed.join(', ')}`).toEqual([]);
            return;
          }
          // Accepted reply: one more customer message (its text as given, trimmed) and a version bump; nothing else.
          expect(
            o.changed.every((t) => ['Appeal', 'AppealMessage', 'EvidenceFile'].includes(t)),
            `${what} changed ${o.changed.join(', ')}`,
          ).toBe(true);
          expect(o.after.AppealMessage.rows).toBe(o.before.AppealMessage.rows + 1);
          const newest = await prisma().appealMessage.findFirstOrThrow({
            where: { author: 'CUSTOMER' },
            orderBy: { createdAt: 'desc' },
          });
          const body = (sent(pairs, enc, 'body') ?? '').trim();
          expect(newest.body).toBe(body || '(files attached)');
        },
      ),
      // First, a reply whose text has a lone surrogate: it travels (and is stored) as U+FFFD.
      {
        ...fuzzRuns<[Pairs, [string, () => File][], Encoding]>(),
        examples: [
          [
            [
              ['intent', 'reply'],
              ['body', 'Bob \ud800 Martin'],
            ],
            [],
            'urlencoded',
          ],
        ],
      },
    );
  });

  it('staff sign-in (password and TOTP steps): never a staff session that passed', async () => {
    await prop(
      formArb({
        intent: fc.constantFrom('totp', 'password', ''),
        email: fc.oneof(fc.constant('agent@support.example.com'), email),
        password: hostileValue,
        code,
        redirectTo: hostileValue,
      }),
      async (pairs, enc) => {
        const before = await prisma().staffSession.count({ where: { mfaPassed: true } });
        unchanged(await submit(anon(), '/staff/login', pairs, enc), `POST /staff/login ${describePairs(pairs, enc)}`);
        expect(await prisma().staffSession.count({ where: { mfaPassed: true } })).toBe(before);
      },
    );
  });

  it('staff case actions on a case that is not the agent’s: refused and nothing changed, or a note stored as given', async () => {
    await prop(
      formArb({
        intent: fc.constantFrom(
          'approve',
          'second-approve',
          'reject',
          'request-info',
          'release',
          'checklist',
          'note',
          'claim\u200b',
          'CLAIM',
        ),
        version: fc.oneof(fc.constantFrom('0', '1', '-1', '1e3', '0x0'), hostileValue),
        body: hostileValue,
        message: hostileValue,
        reason: fc.constantFrom('OTHER', 'DUPLICATE', 'EVIL'),
        final: fc.constantFrom('retry', 'final', 'maybe'),
        check: fc.constantFrom('identity', 'knowledge', 'newEmail', 'risk', 'evil'),
      }),
      async (pairs, enc) => {
        const o = await submit(agent, `/staff/appeals/${caseId}`, pairs, enc);
        const what = `POST /staff/appeals/<case> ${describePairs(pairs, enc)}`;
        expect(o.status, `${what} answered ${o.status}: ${pageText(o.text).slice(0, 300)}`).toBeLessThan(500);
        if (!o.changed.length) return;
        expect(o.changed, `${what} changed ${o.changed.join(', ')}`).toEqual(['InternalNote']);
        expect(pageText(o.text)).toContain('Note added.');
        const note = await prisma().internalNote.findFirstOrThrow({
          where: { appealId: caseId },
          orderBy: { createdAt: 'desc' },
        });
        expect(note.body).toBe(sent(pairs, enc, 'body')!.trim());
      },
    );
  });

  it('hostile case ids, tracking tokens and queue filters: never a server error', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileValue,
        fc.array(
          fc.tuple(fc.constantFrom('status', 'scenario', 'assignee', 'sla', 'risk', 'q', 'after'), hostileValue),
          { maxLength: 4 },
        ),
        async (segment, query) => {
          // A lone surrogate cannot be put in a URL at all (encodeURIComponent throws); a browser sends U+FFFD.
          const seg = encodeURIComponent(asSent(segment.slice(0, 2000)));
          for (const [client, path, method] of [
            [agent, `/staff/appeals/${seg}`, 'GET'],
            [agent, `/staff/appeals/${seg}`, 'POST'],
            [agent, `/staff/evidence/${seg}`, 'GET'],
            [anon(), `/appeals/track/${seg}`, 'GET'],
            [anon(), `/appeals/track/${seg}`, 'POST'],
            [anon(), `/staff/invite/${seg}`, 'GET'],
            [anon(), `/staff/invite/${seg}`, 'POST'],
            [agent, `/staff/appeals?${new URLSearchParams(query.map(([k, v]) => [k, v.slice(0, 4000)]))}`, 'GET'],
          ] as const) {
            const before = await snapshot(prisma());
            const res = await client.request(path, {
              method,
              ...(method === 'POST' ? { body: new URLSearchParams({ intent: 'note', body: 'x' }) } : {}),
            });
            const text = await res.text();
            expect(
              res.status,
              `${method} ${path.slice(0, 200)} answered ${res.status}: ${pageText(text).slice(0, 200)}`,
            ).toBeLessThan(500);
            expect(changedTables(before, await snapshot(prisma())), `${method} ${path.slice(0, 200)}`).toEqual([]);
          }
        },
      ),
      fuzzRuns(),
    );
  });

  it("tampered list cursors and days (the queue's after, the audit log's before, from and to): never a server error, nothing changed", async () => {
    const date = fc.oneof(
      fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }),
      fc.date({ min: new Date('1999-01-01T00:00:00Z'), max: new Date('2101-01-01T00:00:00Z'), noInvalidDate: true }),
    );
    const iso = fc.oneof(
      date.map((d) => d.toISOString()),
      fc.constantFrom(
        '+100000-01-01T00:00:00.000Z',
        '0000-01-01T00:00:00.000Z',
        '-000001-01-01T00:00:00.000Z',
        '9999-12-31T23:59:59.999Z',
        'Invalid Date',
        '2026-02-30T00:00:00.000Z',
      ),
      hostileValue,
    );
    const cursor = fc
      .tuple(iso, fc.oneof(fc.uuid(), hostileValue))
      .map(([i, id]) => Buffer.from(`${i}|${id}`).toString('base64url'));
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    const day = fc.oneof(
      date.map((d) => d.toISOString().slice(0, 10)),
      fc
        .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }))
        .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`),
      fc.constantFrom('0000-01-01', '0001-01-01', '1999-12-31', '9999-12-31'),
      hostileValue,
    );
    const eventId = fc.oneof(
      fc.bigInt({ min: 0n, max: 2n ** 70n }).map(String),
      fc.constantFrom('9223372036854775807', '9223372036854775808', '9999999999999999999', '-1', '0'),
      hostileValue,
    );
    const query = (fields: Record<string, string>) =>
      new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, asSent(v.slice(0, 4000))]));
    await fc.assert(
      fc.asyncProperty(cursor, eventId, day, day, async (after, beforeId, from, to) => {
        for (const [client, path] of [
          [agent, `/staff/appeals?${query({ status: 'all', after })}`],
          [admin, `/staff/admin/audit?${query({ before: beforeId })}`],
          [admin, `/staff/admin/audit?${query({ before: beforeId, from, to })}`],
          [admin, `/staff/admin/audit.csv?${query({ from, to })}`],
        ] as const) {
          const before = await snapshot(prisma());
          const res = await client.get(path);
          const text = await res.text();
          expect(
            res.status,
            `GET ${path.slice(0, 200)} answered ${res.status}: ${pageText(text).slice(0, 200)}`,
          ).toBeLessThan(500);
          expect(changedTables(before, await snapshot(prisma())), `GET ${path.slice(0, 200)}`).toEqual([]);
        }
      }),
      fuzzRuns(),
    );
  });

  it('staff administration (create, roles, deactivate, reactivate, reinvite): refused and nothing changed, or one member created as given', async () => {
    const page = await admin.get('/staff/admin/staff');
    if (page.status === 404) return; // no staff administration in this build
    expect(page.status).toBe(200);
    await prop(
      formArb({
        intent: fc.constantFrom('create', 'roles', 'deactivate', 'reactivate', 'reinvite', 'delete'),
        staffId: hostileValue,
        email,
        name: hostileValue,
        roles: fc.constantFrom('AGENT', 'SENIOR_AGENT', 'ADMIN', 'ROOT', ''),
        expected: hostileValue,
      }),
      async (pairs, enc) => {
        const o = await submit(admin, '/staff/admin/staff', pairs, enc);
        const what = `POST /staff/admin/staff ${describePairs(pairs, enc)}`;
        expect(o.status, `${what} answered ${o.status}: ${pageText(o.text).slice(0, 300)}`).toBeLessThan(500);
        if (!o.changed.length) return;
        // Only a valid "create" changes anything: one new member, with the email as normalised and the name as given.
        expect(o.changed, `${what} changed ${o.changed.join(', ')}`).toEqual(['Staff']);
        expect(o.after.Staff.rows).toBe(o.before.Staff.rows + 1);
        const newest = await prisma().staff.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
        expect(newest.email).toBe(sent(pairs, enc, 'email')!.trim().toLowerCase());
      },
    );
  });

  it('switching to a RAM role, and going back from a session that is not a role (hostile, foreign and forbidden role ids): nothing changed, or one role session for the role allowed', async () => {
    const dev = await prisma().ramUser.findFirstOrThrow({ where: { accountUid: ALICE_UID, name: 'dev' } });
    const roles = Object.fromEntries(
      (await prisma().ramRole.findMany({ where: { accountUid: ALICE_UID } })).map((r) => [r.name, r.id]),
    );
    const stranger = await createOwner(prisma());
    const foreignRole = await prisma().ramRole.create({
      data: { accountUid: stranger.uid, name: `Foreign${kind}`, description: 'another account' },
    });
    const roleId = fc.constantFrom(
      roles.OpsAdmin,
      roles.ReadOnlyAuditor,
      foreignRole.id,
      '00000000-0000-4000-8000-000000000000',
      ` ${roles.OpsAdmin}`,
      roles.OpsAdmin.toUpperCase(),
    );
    await prop(
      formArb({ roleId }),
      async (pairs, enc) => {
        // A RAM user session of its own per run, so a switch that is allowed leaves the next run where it was.
        const { session, client } = await sessionFor(portal, {
          principalType: 'RAM_USER',
          accountUid: ALICE_UID,
          ramUserId: dev.id,
        });
        const what = `POST /account/roles ${describePairs(pairs, enc)}`;
        const o = await submit(client, '/account/roles', pairs, enc);
        expect(o.status, `${what} answered ${o.status}: ${pageText(o.text).slice(0, 300)}`).toBeLessThan(500);
        const id = sent(pairs, enc, 'roleId');
        if (id !== null && UUID.test(id) && id.toLowerCase() === roles.OpsAdmin) {
          expect(o.status, what).toBe(302);
          expect(o.changed, `${what} changed ${o.changed.join(', ')}`).toEqual(['Session']);
          expect(o.after.Session.rows).toBe(o.before.Session.rows + 1);
          const role = await prisma().session.findFirstOrThrow({ where: { parentSessionId: session.id } });
          expect(role).toMatchObject({
            principalType: 'RAM_ROLE',
            ramRoleId: roles.OpsAdmin,
            ramUserId: dev.id,
            revokedAt: null,
          });
        } else {
          expect(o.changed, `${what} changed ${o.changed.join(', ')}`).toEqual([]);
        }
        // The client keeps the cookies of an allowed switch (it is in the role now): going back is asked from a plain RAM user session.
        const plain = (
          await sessionFor(portal, { principalType: 'RAM_USER', accountUid: ALICE_UID, ramUserId: dev.id })
        ).client;
        unchanged(
          await submit(plain, '/account/roles/back', pairs, enc),
          `POST /account/roles/back ${describePairs(pairs, enc)}`,
        );
      },
      [
        [[['roleId', roles.OpsAdmin]], 'urlencoded'],
        [[['roleId', roles.OpsAdmin.toUpperCase()]], 'multipart'],
      ],
    );
  });

  it('signing out other sessions (hostile intents): the other sessions ended only for "sign-out-others", and never the own one', async () => {
    const c = await createOwner(prisma());
    const client = anon();
    await client.signIn(c.email);
    const own = await prisma().session.findFirstOrThrow({ where: { accountUid: c.uid, revokedAt: null } });
    await prop(
      formArb({ intent: fc.constantFrom('sign-out-others', 'SIGN-OUT-OTHERS', 'sign-out-others ', 'sign-out-all') }),
      async (pairs, enc) => {
        const other = (await createSession(prisma(), { principalType: 'OWNER', accountUid: c.uid })).session;
        const what = `POST /account/security ${describePairs(pairs, enc)}`;
        const o = await submit(client, '/account/security', pairs, enc);
        expect(o.status, `${what} answered ${o.status}: ${pageText(o.text).slice(0, 300)}`).toBeLessThan(500);
        const ended = await prisma().session.findUniqueOrThrow({ where: { id: other.id } });
        if (sent(pairs, enc, 'intent') === 'sign-out-others') {
          expect(o.changed, `${what} changed ${o.changed.join(', ')}`).toEqual(['Session']);
          expect(ended.revokedAt, what).not.toBeNull();
          expect(pageText(o.text)).toMatch(/Signed out \d+ other sessions?\./);
        } else {
          expect(o.changed, `${what} changed ${o.changed.join(', ')}`).toEqual([]);
          expect(ended.revokedAt, what).toBeNull();
        }
        expect((await prisma().session.findUniqueOrThrow({ where: { id: own.id } })).revokedAt, what).toBeNull();
      },
      [[[['intent', 'sign-out-others']], 'urlencoded']],
    );
  });

  it('single sign-on settings (hostile issuers, client ids, secrets, claims, modes): refused and nothing changed, or the provider stored as given', async () => {
    const c = await createOwner(prisma());
    const client = anon();
    await client.signIn(c.email);
    await prop(
      formArb({
        issuer: fc.constantFrom(
          'https://idp.example.com',
          'http://127.0.0.1:9/realms/x',
          'https://10.0.0.1',
          'http://idp.example.com',
          'https://idp.example.com/?next=/',
          'https://user:pw@idp.example.com',
          'file:///etc/passwd',
          'gopher://idp.example.com',
        ),
        clientId: fc.constantFrom('portal', 'ard-client'),
        clientSecret: fc.constantFrom('s3cret-value', ''),
        userClaim: fc.constantFrom('sub', 'email', 'user name', 'x'.repeat(65)),
        roleClaim: fc.constantFrom('roles', 'groups', 'role$'),
        mode: fc.constantFrom('USER', 'ROLE', 'user', 'ADMIN'),
        enabled: fc.constantFrom('on', 'off', 'true'),
      }),
      async (pairs, enc) => {
        const what = `POST /account/sso ${describePairs(pairs, enc)}`;
        const o = await submit(client, '/account/sso', pairs, enc);
        expect(o.status, `${what} answered ${o.status}: ${pageText(o.text).slice(0, 300)}`).toBeLessThan(500);
        if (!o.changed.length) return;
        // Accepted: the account's one provider, with what was typed (trimmed), and nothing else.
        expect(o.changed, `${what} changed ${o.changed.join(', ')}`).toEqual(['IdentityProvider']);
        const stored = await prisma().identityProvider.findUniqueOrThrow({ where: { accountUid: c.uid } });
        expect(stored.issuer, what).toBe(sent(pairs, enc, 'issuer')!.trim());
        expect(stored.clientId, what).toBe(sent(pairs, enc, 'clientId')!.trim());
        expect(stored.mode, what).toBe(sent(pairs, enc, 'mode'));
        expect(stored.enabled, what).toBe(sent(pairs, enc, 'enabled') === 'on');
      },
      [
        [
          [
            ['issuer', ' https://idp.example.com '],
            ['clientId', "portal' OR '1'='1"],
            ['clientSecret', 's3cret-value'],
            ['userClaim', 'sub'],
            ['roleClaim', 'roles'],
            ['mode', 'ROLE'],
            ['enabled', 'on'],
          ],
          'urlencoded',
        ],
        [
          [
            ['issuer', 'https://idp.example.com'],
            ['clientId', '<script>alert(1)</script>'],
            ['userClaim', 'email'],
            ['roleClaim', 'groups'],
            ['mode', 'USER'],
          ],
          'multipart',
        ],
      ],
    );
  });

  it('accepting a staff invitation (hostile passwords and confirmations): refused and nothing changed, or the password set as given and the invitation spent', async () => {
    const email = `fuzz-invitee-${kind}@support.example.com`;
    let token = newToken();
    const member = await prisma().staff.create({
      data: {
        email,
        name: 'Fuzz Invitee',
        roles: ['AGENT'],
        invitationTokenHash: sha256(token),
        invitationExpiresAt: new Date(Date.now() + 3600_000),
      },
    });
    const good = 'Corr3ct-horse-battery';
    await prop(
      formArb({
        password: fc.constantFrom(good, 'short1', 'lettersonlypassword'),
        confirm: fc.constantFrom(good, 'short1'),
      }),
      async (pairs, enc) => {
        const what = `POST /staff/invite/<token> ${describePairs(pairs, enc)}`;
        const o = await submit(anon(), `/staff/invite/${token}`, pairs, enc);
        expect(o.status, `${what} answered ${o.status}: ${pageText(o.text).slice(0, 300)}`).toBeLessThan(500);
        if (!o.changed.length) {
          expect(o.status, what).not.toBe(302);
          expect(
            sent(pairs, enc, 'password') === good && sent(pairs, enc, 'confirm') === good,
            `${what} refused a valid password`,
          ).toBe(false);
          return;
        }
        expect(o.status, what).toBe(302);
        expect(o.changed, `${what} changed ${o.changed.join(', ')}`).toEqual(['Staff']);
        const stored = await prisma().staff.findUniqueOrThrow({ where: { id: member.id } });
        expect(stored.invitationTokenHash, what).toBeNull();
        expect(await verifyPassword(stored.passwordHash, sent(pairs, enc, 'password')!), what).toBe(true);
        // A new invitation for the next run.
        token = newToken();
        await prisma().staff.update({
          where: { id: member.id },
          data: {
            passwordHash: null,
            invitationTokenHash: sha256(token),
            invitationExpiresAt: new Date(Date.now() + 3600_000),
          },
        });
      },
      [
        [
          [
            ['password', good],
            ['confirm', good],
          ],
          'urlencoded',
        ],
        [
          [
            ['password', "1000000000000001' OR 'a'='a"],
            ['confirm', "1000000000000001' OR 'a'='a"],
          ],
          'multipart',
        ],
      ],
    );
  });
});
