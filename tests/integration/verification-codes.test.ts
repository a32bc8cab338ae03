import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase, openTestDatabase } from '../support/db';
import type { Database } from '~/db/connect.server';
import { seedDemoData } from '~/demo/seed.server';
import {
  CODE_RULES,
  checkCode,
  hashCode,
  issueCode,
  type CheckInput,
  type IssueInput,
} from '~/verification/codes.server';
import type { VerificationPurpose } from '~/generated/prisma/client';

const PEPPER = 'test-pepper-for-codes';
const META = { ip: '203.0.113.7', userAgent: 'vitest codes' };
const T0 = new Date('2026-05-01T08:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;

describeEachDatabase('verification codes', (kind) => {
  let db: Database;
  let n = 0;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    await seedDemoData(db.prisma);
  });
  afterAll(async () => {
    await db?.close();
  });

  /** A fresh account of its own, so the per-account counters of one test do not leak into another. */
  async function freshAccount(): Promise<{ uid: string; email: string }> {
    n++;
    const uid = `20000000000${String(n).padStart(5, '0')}`;
    const email = `codes-${n}@example.com`;
    await db.prisma.account.create({ data: { uid, logonEmail: email, passwordHash: 'x', holderName: `Codes ${n}` } });
    return { uid, email };
  }

  function issue(input: Partial<IssueInput> & Pick<IssueInput, 'target' | 'accountUid'>, now = T0) {
    return db.prisma.$transaction(
      (tx) =>
        issueCode(
          tx,
          PEPPER,
          {
            purpose: 'CHANGE_EMAIL_NEW',
            channel: input.target.includes('@') ? 'EMAIL' : 'SMS',
            requesterKey: 'session:one',
            actor: { type: 'customer', id: 'one' },
            meta: META,
            ...input,
          },
          CODE_RULES,
          now,
        ),
      { maxWait: 20_000, timeout: 20_000 },
    );
  }

  function check(input: Partial<CheckInput> & Pick<CheckInput, 'target' | 'accountUid' | 'code'>, now = at(SEC)) {
    return db.prisma.$transaction((tx) =>
      checkCode(
        tx,
        PEPPER,
        {
          purpose: 'CHANGE_EMAIL_NEW',
          requesterKey: 'session:one',
          actor: { type: 'customer', id: 'one' },
          meta: META,
          ...input,
        },
        CODE_RULES,
        now,
      ),
    );
  }

  const wrongFor = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  it('issues a 6-digit code and queues exactly one message carrying it', async () => {
    const { uid, email } = await freshAccount();
    const result = await issue({ target: email, accountUid: uid });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.code).toMatch(/^\d{6}$/);
    expect(result.expiresAt.getTime() - T0.getTime()).toBe(10 * MIN);
    expect(result.resendAt.getTime() - T0.getTime()).toBe(60 * SEC);
    const messages = await db.prisma.outboxMessage.findMany({ where: { recipient: email } });
    expect(messages).toHaveLength(1);
    expect(messages[0].channel).toBe('EMAIL');
    expect(messages[0].text).toContain(result.code);
    expect(messages[0].subject).toContain(result.code);
  });

  it('sends SMS codes to the phone through the outbox', async () => {
    const { uid } = await freshAccount();
    const phone = '+8613900000077';
    const result = await issue({ target: phone, accountUid: uid, purpose: 'CHANGE_EMAIL_IDENTITY' });
    expect(result.ok).toBe(true);
    const sms = await db.prisma.outboxMessage.findFirstOrThrow({ where: { recipient: phone } });
    expect(sms.channel).toBe('SMS');
    expect(sms.text).toContain(result.code!);
  });

  it('stores only an HMAC of the code: no row but the message holds the code', async () => {
    const { uid, email } = await freshAccount();
    const result = await issue({ target: email, accountUid: uid });
    const code = result.code!;
    const row = await db.prisma.verification.findUniqueOrThrow({
      where: { id: result.ok ? result.verificationId! : '' },
    });
    expect(row.codeHash).not.toBe(code);
    expect(row.codeHash).not.toContain(code);
    expect(row.codeHash).toBe(hashCode(PEPPER, row.id, code));
    const verificationRows = await db.prisma.verification.findMany({ where: { accountUid: uid } });
    expect(JSON.stringify(verificationRows)).not.toContain(code);
    const audit = await db.prisma.auditEvent.findMany({ where: { accountUid: uid } });
    expect(audit.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(code);
    const carrying = (await db.prisma.outboxMessage.findMany()).filter((m) => m.text.includes(code));
    expect(carrying.map((m) => m.recipient)).toEqual([email]);
  });

  it('accepts the right code once: a second use is refused', async () => {
    const { uid, email } = await freshAccount();
    const { code } = await issue({ target: email, accountUid: uid });
    expect(await check({ target: email, accountUid: uid, code: code! })).toMatchObject({ ok: true });
    expect(await check({ target: email, accountUid: uid, code: code! })).toEqual({ ok: false, reason: 'used' });
  });

  it('binds the code to purpose, destination, account and requester', async () => {
    const { uid, email } = await freshAccount();
    const other = await freshAccount();
    const { code } = await issue({ target: email, accountUid: uid });
    const attempts: [string, Partial<CheckInput> & Pick<CheckInput, 'target' | 'accountUid'>][] = [
      ['another requester (session)', { target: email, accountUid: uid, requesterKey: 'session:two' }],
      ['another purpose', { target: email, accountUid: uid, purpose: 'PASSWORD_RESET' as VerificationPurpose }],
      ['another purpose', { target: email, accountUid: uid, purpose: 'CHANGE_EMAIL_IDENTITY' as VerificationPurpose }],
      ['another destination', { target: other.email, accountUid: uid }],
      ['another account', { target: email, accountUid: other.uid }],
      ['no account', { target: email, accountUid: null }],
    ];
    for (const [what, input] of attempts) {
      const result = await check({ ...input, code: code! });
      expect(result.ok, what).toBe(false);
    }
    // None of those touched the real code: it still works, with all its tries.
    const row = await db.prisma.verification.findFirstOrThrow({ where: { target: email } });
    expect(row.attempts).toBe(0);
    expect(await check({ target: email, accountUid: uid, code: code! })).toMatchObject({ ok: true });
  });

  it('expires after 10 minutes', async () => {
    const { uid, email } = await freshAccount();
    const first = await issue({ target: email, accountUid: uid }, T0);
    expect(await check({ target: email, accountUid: uid, code: first.code! }, at(10 * MIN))).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(await check({ target: email, accountUid: uid, code: first.code! }, at(10 * MIN + 1))).toEqual({
      ok: false,
      reason: 'expired',
    });
    const second = await issue({ target: email, accountUid: uid }, at(11 * MIN));
    expect(
      await check({ target: email, accountUid: uid, code: second.code! }, at(11 * MIN + 10 * MIN - SEC)),
    ).toMatchObject({ ok: true });
  });

  it('dies after 5 wrong entries: then even the right code fails', async () => {
    const { uid, email } = await freshAccount();
    const { code } = await issue({ target: email, accountUid: uid });
    const wrong = wrongFor(code!);
    for (const left of [4, 3, 2, 1]) {
      expect(await check({ target: email, accountUid: uid, code: wrong })).toEqual({
        ok: false,
        reason: 'wrong',
        attemptsLeft: left,
      });
    }
    expect(await check({ target: email, accountUid: uid, code: wrong })).toEqual({ ok: false, reason: 'locked' });
    const right = await check({ target: email, accountUid: uid, code: code! });
    expect(right.ok).toBe(false);
    const row = await db.prisma.verification.findFirstOrThrow({ where: { target: email } });
    expect(row.attempts).toBe(5);
    expect(row.invalidatedAt).not.toBeNull();
    expect(row.consumedAt).toBeNull();
  });

  it('counts malformed entries as wrong too', async () => {
    const { uid, email } = await freshAccount();
    const { code } = await issue({ target: email, accountUid: uid });
    for (const junk of ['', 'abcdef', '12345', `${code}0`]) await check({ target: email, accountUid: uid, code: junk });
    expect(await check({ target: email, accountUid: uid, code: 'x' })).toEqual({ ok: false, reason: 'locked' });
    expect((await check({ target: email, accountUid: uid, code: code! })).ok).toBe(false);
  });

  it('counts wrong entries sent at once one by one: 12 in parallel count to 5 and no further, each told a different number left', async () => {
    const { uid, email } = await freshAccount();
    const { code } = await issue({ target: email, accountUid: uid });
    const wrong = wrongFor(code!);
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        db.prisma.$transaction(
          (tx) =>
            checkCode(
              tx,
              PEPPER,
              {
                purpose: 'CHANGE_EMAIL_NEW',
                requesterKey: 'session:one',
                actor: { type: 'customer', id: 'one' },
                meta: META,
                target: email,
                accountUid: uid,
                code: wrong,
              },
              CODE_RULES,
              at(SEC),
            ),
          { maxWait: 20_000, timeout: 20_000 },
        ),
      ),
    );
    const left = results.flatMap((r) => (!r.ok && r.reason === 'wrong' ? [r.attemptsLeft] : [])).sort();
    expect(left).toEqual([1, 2, 3, 4]);
    // The rest are refused as locked, or find no live code once the fifth has killed it.
    expect(results.filter((r) => !r.ok && (r.reason === 'locked' || r.reason === 'no-code'))).toHaveLength(8);
    const row = await db.prisma.verification.findFirstOrThrow({ where: { target: email } });
    expect(row.attempts).toBe(CODE_RULES.maxAttempts);
    expect(row.invalidatedAt).not.toBeNull();
    expect((await check({ target: email, accountUid: uid, code: code! })).ok).toBe(false);
  });

  it('lets a new code be sent only 60 s after the last one', async () => {
    const { uid, email } = await freshAccount();
    expect((await issue({ target: email, accountUid: uid }, T0)).ok).toBe(true);
    expect(await issue({ target: email, accountUid: uid }, at(1 * SEC))).toMatchObject({
      ok: false,
      reason: 'cooldown',
      retryAfterSec: 59,
    });
    expect(await issue({ target: email, accountUid: uid }, at(59 * SEC + 500))).toMatchObject({
      ok: false,
      reason: 'cooldown',
      retryAfterSec: 1,
    });
    expect((await issue({ target: email, accountUid: uid }, at(60 * SEC))).ok).toBe(true);
    expect(await db.prisma.verification.count({ where: { target: email } })).toBe(2);
    expect(await db.prisma.outboxMessage.count({ where: { recipient: email } })).toBe(2);
  });

  it('keeps one live code per purpose and requester: another destination waits for the cooldown and then replaces it', async () => {
    const { uid, email } = await freshAccount();
    const phone = `+86139${String(Date.now()).slice(-8)}`;
    const byMail = await issue({ target: email, accountUid: uid, purpose: 'CHANGE_EMAIL_IDENTITY' }, T0);
    expect(byMail.ok).toBe(true);
    // Switching from the email to the phone does not skip the 60 s.
    expect(
      await issue({ target: phone, accountUid: uid, purpose: 'CHANGE_EMAIL_IDENTITY' }, at(5 * SEC)),
    ).toMatchObject({ ok: false, reason: 'cooldown', retryAfterSec: 55 });
    const bySms = await issue({ target: phone, accountUid: uid, purpose: 'CHANGE_EMAIL_IDENTITY' }, at(61 * SEC));
    expect(bySms.ok).toBe(true);
    const first = await db.prisma.verification.findUniqueOrThrow({
      where: { id: byMail.ok ? byMail.verificationId! : '' },
    });
    expect(first.invalidatedAt).not.toBeNull();
    expect(
      (
        await check(
          { target: email, accountUid: uid, code: byMail.code!, purpose: 'CHANGE_EMAIL_IDENTITY' },
          at(62 * SEC),
        )
      ).ok,
    ).toBe(false);
    expect(
      await check(
        { target: phone, accountUid: uid, code: bySms.code!, purpose: 'CHANGE_EMAIL_IDENTITY' },
        at(63 * SEC),
      ),
    ).toMatchObject({ ok: true });
  });

  it('replaces the previous code with a new one', async () => {
    const { uid, email } = await freshAccount();
    const first = await issue({ target: email, accountUid: uid }, T0);
    const second = await issue({ target: email, accountUid: uid }, at(61 * SEC));
    expect(second.ok).toBe(true);
    if (first.code !== second.code) {
      expect((await check({ target: email, accountUid: uid, code: first.code! }, at(62 * SEC))).ok).toBe(false);
    }
    const old = await db.prisma.verification.findUniqueOrThrow({
      where: { id: first.ok ? first.verificationId! : '' },
    });
    expect(old.invalidatedAt).not.toBeNull();
    expect(await check({ target: email, accountUid: uid, code: second.code! }, at(63 * SEC))).toMatchObject({
      ok: true,
    });
  });

  it('sends at most 5 codes per destination per hour and 10 per day', async () => {
    const email = 'limit-destination@example.com';
    // Different requesters and accounts: the limit is the destination's own.
    const owners = await Promise.all(Array.from({ length: 12 }, () => freshAccount()));
    const send = (i: number, when: Date) =>
      issue({ target: email, accountUid: owners[i].uid, requesterKey: `session:${i}` }, when);
    for (let i = 0; i < 5; i++) expect((await send(i, at(i * 2 * MIN))).ok).toBe(true);
    const sixth = await send(5, at(10 * MIN));
    expect(sixth).toMatchObject({ ok: false, reason: 'limit', window: 'hour' });
    expect(sixth.ok === false && sixth.retryAfterSec).toBe((HOUR - 10 * MIN) / SEC);
    // An hour after the first one, a slot is free again.
    expect((await send(5, at(HOUR + SEC))).ok).toBe(true);
    for (let i = 6; i < 10; i++) expect((await send(i, at(HOUR + i * 2 * MIN))).ok).toBe(true);
    // 10 today: another hour later the hourly window is empty, but the day is full.
    const eleventh = await send(10, at(3 * HOUR));
    expect(eleventh).toMatchObject({ ok: false, reason: 'limit', window: 'day' });
    expect(await send(11, at(23 * HOUR))).toMatchObject({ ok: false, reason: 'limit', window: 'day' });
    // A day after the first one.
    expect((await send(11, at(24 * HOUR + SEC))).ok).toBe(true);
    expect(await db.prisma.verification.count({ where: { target: email } })).toBe(11);
    expect(await db.prisma.outboxMessage.count({ where: { recipient: email } })).toBe(11);
  });

  it('sends at most 5 codes per account per hour and 10 per day, whatever the destinations', async () => {
    const { uid } = await freshAccount();
    const send = (i: number, when: Date) =>
      issue({ target: `acct-limit-${uid}-${i}@example.com`, accountUid: uid, requesterKey: `session:${i}` }, when);
    for (let i = 0; i < 5; i++) expect((await send(i, at(i * MIN))).ok).toBe(true);
    expect(await send(5, at(6 * MIN))).toMatchObject({ ok: false, reason: 'limit', window: 'hour', scope: 'account' });
    // A code to the account's own phone is counted for the phone, not for the account.
    expect(
      (
        await issue(
          { target: `+86139${uid.slice(-8)}`, accountUid: uid, purpose: 'CHANGE_EMAIL_IDENTITY' },
          at(7 * MIN),
        )
      ).ok,
    ).toBe(true);
    for (let i = 5; i < 10; i++) expect((await send(i, at(HOUR + i * MIN))).ok).toBe(true);
    expect(await send(10, at(5 * HOUR))).toMatchObject({ ok: false, reason: 'limit', window: 'day', scope: 'account' });
    expect((await send(10, at(24 * HOUR + SEC))).ok).toBe(true);
    expect(await db.prisma.verification.count({ where: { accountUid: uid, purpose: 'CHANGE_EMAIL_NEW' } })).toBe(11);
  });

  it("does not let strangers' anonymous codes use up the owner's own budget for the address, and bounds the two together", async () => {
    const { uid, email } = await freshAccount();
    const anonymous = (purpose: VerificationPurpose, i: number, when: Date) =>
      issue(
        {
          target: email,
          accountUid: purpose === 'PASSWORD_RESET' ? uid : null,
          purpose,
          requesterKey: `anon:stranger-${i}`,
          actor: { type: 'anonymous' },
        },
        when,
      );
    // Anyone who knows the logon email can ask for reset codes (or name it in an appeal): a day's worth from 10 browsers.
    for (let i = 0; i < 10; i++) {
      const sent = await anonymous(
        i % 2 ? 'APPEAL_NEW_EMAIL' : 'PASSWORD_RESET',
        i,
        at((i < 5 ? 0 : HOUR) + i * 7 * MIN),
      );
      expect(sent.ok, `anonymous code ${i}`).toBe(true);
    }
    const later = at(2 * HOUR + 10 * MIN);
    // The address's anonymous budget is used up for the day, whichever anonymous purpose asks…
    expect(await anonymous('PASSWORD_RESET', 10, later)).toMatchObject({
      ok: false,
      reason: 'limit',
      window: 'day',
      scope: 'destination',
    });
    expect(await anonymous('APPEAL_NEW_EMAIL', 11, later)).toMatchObject({
      ok: false,
      reason: 'limit',
      window: 'day',
      scope: 'destination',
    });
    // …but the signed-in owner verifies by that very email: a budget of its own, as large.
    const own = (i: number, when: Date) =>
      issue(
        { target: email, accountUid: uid, purpose: 'CHANGE_EMAIL_IDENTITY', requesterKey: `session:owner-${i}` },
        when,
      );
    for (let i = 0; i < CODE_RULES.perHour; i++)
      expect((await own(i, at(2 * HOUR + 10 * MIN + i * 2 * MIN))).ok, `own code ${i}`).toBe(true);
    expect(await own(5, at(2 * HOUR + 30 * MIN))).toMatchObject({
      ok: false,
      reason: 'limit',
      window: 'hour',
      scope: 'destination',
    });
    for (let i = 5; i < CODE_RULES.perDay; i++)
      expect((await own(i, at(4 * HOUR + i * 2 * MIN))).ok, `own code ${i}`).toBe(true);
    expect(await own(10, at(6 * HOUR))).toMatchObject({
      ok: false,
      reason: 'limit',
      window: 'day',
      scope: 'destination',
    });
    // Nothing reaches the inbox beyond the two budgets together.
    expect(await db.prisma.verification.count({ where: { target: email } })).toBe(2 * CODE_RULES.perDay);
  });

  it('writes verification.code_sent, verification.failed and verification.succeeded with masked destinations', async () => {
    const { uid, email } = await freshAccount();
    const { code } = await issue({ target: email, accountUid: uid });
    await check({ target: email, accountUid: uid, code: wrongFor(code!) });
    await check({ target: email, accountUid: uid, code: code! });
    const events = await db.prisma.auditEvent.findMany({ where: { accountUid: uid }, orderBy: { id: 'asc' } });
    expect(events.map((e) => e.action)).toEqual([
      'verification.code_sent',
      'verification.failed',
      'verification.succeeded',
    ]);
    for (const e of events) {
      expect(e.actorType).toBe('customer');
      expect(e.actorId).toBe('one');
      expect(e.ip).toBe(META.ip);
      expect(e.userAgent).toBe(META.userAgent);
      expect(JSON.stringify(e.data)).not.toContain(email);
      expect((e.data as { to: string }).to).toBe(`c***${email.split('@')[0].slice(-1)}@example.com`);
    }
    expect(events[0].data).toMatchObject({ purpose: 'CHANGE_EMAIL_NEW', channel: 'EMAIL' });
    expect(events[1].data).toMatchObject({ purpose: 'CHANGE_EMAIL_NEW', reason: 'wrong' });
  });

  it('does not store, send or count anything when told not to deliver (unknown destination)', async () => {
    const before = await db.prisma.outboxMessage.count();
    const result = await issue({
      target: 'nobody-here@example.com',
      accountUid: null,
      purpose: 'PASSWORD_RESET',
      deliver: false,
    });
    expect(result.ok).toBe(true);
    expect(result.code).toBeUndefined();
    expect(await db.prisma.verification.count({ where: { target: 'nobody-here@example.com' } })).toBe(0);
    expect(await db.prisma.outboxMessage.count()).toBe(before);
  });

  it.skipIf(kind !== 'postgres')(
    'a flood of 20 parallel requests for one destination issues one code (PostgreSQL)',
    async () => {
      const { uid, email } = await freshAccount();
      const now = new Date();
      const results = await Promise.all(
        Array.from({ length: 20 }, () => issue({ target: email, accountUid: uid }, now)),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'cooldown')).toBe(true);
      expect(await db.prisma.verification.count({ where: { target: email } })).toBe(1);
      expect(await db.prisma.outboxMessage.count({ where: { recipient: email } })).toBe(1);
      expect(await db.prisma.auditEvent.count({ where: { accountUid: uid, action: 'verification.code_sent' } })).toBe(
        1,
      );
    },
  );

  it.skipIf(kind !== 'postgres')(
    'parallel floods from many sessions never exceed the hourly limits (PostgreSQL)',
    async () => {
      // One destination, 20 requesters and 20 accounts: the destination's limit holds.
      const email = `flood-${Date.now()}@example.com`;
      const owners = await Promise.all(Array.from({ length: 20 }, () => freshAccount()));
      const now = new Date();
      const toOne = await Promise.all(
        owners.map((o, i) => issue({ target: email, accountUid: o.uid, requesterKey: `session:flood-${i}` }, now)),
      );
      expect(toOne.filter((r) => r.ok)).toHaveLength(CODE_RULES.perHour);
      expect(await db.prisma.verification.count({ where: { target: email } })).toBe(CODE_RULES.perHour);
      expect(await db.prisma.outboxMessage.count({ where: { recipient: email } })).toBe(CODE_RULES.perHour);
      // One account, 20 destinations: the account's limit holds.
      const { uid } = await freshAccount();
      const toMany = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          issue({ target: `flood-${uid}-${i}@example.com`, accountUid: uid, requesterKey: `session:m${i}` }, now),
        ),
      );
      expect(toMany.filter((r) => r.ok)).toHaveLength(CODE_RULES.perHour);
      expect(await db.prisma.verification.count({ where: { accountUid: uid } })).toBe(CODE_RULES.perHour);
    },
  );
});
