// The risk signals of an appeal (one statement of three look-ups): each signal appears exactly when
// its condition holds, the appeal never counts against itself, and the level follows the signals.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase, openTestDatabase } from '../support/db';
import type { Database } from '~/db/connect.server';
import { assessRisk, raiseCandidates } from '~/appeals/risk.server';
import { readInTransaction, readWith } from '~/db/composed.server';
import { inProcessTimeZone } from '../support/time-zone';

describeEachDatabase('risk signals', (kind) => {
  let db: Database;
  const now = new Date('2026-06-15T12:00:00Z');
  const days = (n: number) => new Date(now.getTime() - n * 24 * 3600_000);
  let n = 0;
  const appeal = (data: { accountUid?: string | null; newEmail: string; submittedAt?: Date; hashes?: string[] }) =>
    db.prisma.appeal.create({
      data: {
        caseNumber: `AP-20260615-${String(700000 + ++n)}`,
        scenario: 'FORGOT_LOGON_EMAIL',
        accountUid: data.accountUid ?? null,
        accountFound: Boolean(data.accountUid),
        accountType: 'INDIVIDUAL',
        holderName: 'Risk Holder',
        newEmail: data.newEmail,
        trackingTokenHash: `risk-${String(n).padStart(4, '0')}`.padEnd(64, '0'),
        slaDueAt: now,
        submittedAt: data.submittedAt ?? days(1),
        evidence: {
          create: (data.hashes ?? []).map((sha256, i) => ({
            kind: 'ID_DOCUMENT' as const,
            storedName: `risk-${n}-${i}`,
            originalName: 'id.png',
            mimeType: 'image/png',
            sizeBytes: 80,
            sha256,
          })),
        },
      },
    });
  /** The signals as the filing transaction reads them (Prisma's client) and as the case page does (db.sql): always the same. */
  const codes = async (input: Partial<Parameters<typeof assessRisk>[1]> & { newEmail: string }) => {
    const full = {
      accountUid: 'A000000000000001',
      conflict: false,
      evidenceHashes: [],
      notMeOrigin: false,
      knowledge: [],
      now,
      ...input,
    };
    const summary = (r: Awaited<ReturnType<typeof assessRisk>>) => ({
      level: r.level,
      codes: r.signals.map((s) => s.code).sort(),
    });
    const filed = summary(await assessRisk(readInTransaction(db.prisma), full));
    expect(summary(await assessRisk(readWith(db), full))).toEqual(filed);
    return filed;
  };

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    for (const uid of ['A000000000000001', 'A000000000000002', 'A000000000000003']) {
      await db.prisma.account.create({
        data: { uid, logonEmail: `${uid}@example.org`, passwordHash: 'x', holderName: 'Risk Holder' },
      });
    }
    // Account 2 has an appeal from the domain rare.example and one with a known file; account 1 has
    // one recent appeal and one from 40 days ago; an appeal with no account uses odd.example.
    await appeal({ accountUid: 'A000000000000002', newEmail: 'x@rare.example', hashes: ['f'.repeat(64)] });
    await appeal({ accountUid: 'A000000000000001', newEmail: 'me@own.example' });
    await appeal({ accountUid: 'A000000000000001', newEmail: 'me@own.example', submittedAt: days(40) });
    await appeal({ accountUid: null, newEmail: 'y@odd.example' });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('no signal for a plain appeal', async () => {
    expect(await codes({ newEmail: 'new@fresh.example' })).toEqual({ level: 'NORMAL', codes: [] });
  });

  it('a domain seen in appeals of another account is high risk; a common provider or our own account is not', async () => {
    expect(await codes({ newEmail: 'new@RARE.example'.toLowerCase() })).toEqual({
      level: 'HIGH',
      codes: ['EMAIL_DOMAIN_SEEN'],
    });
    expect(await codes({ newEmail: 'new@gmail.com' })).toEqual({ level: 'NORMAL', codes: [] });
    expect(await codes({ newEmail: 'new@own.example' })).toEqual({ level: 'NORMAL', codes: [] });
    // Seen only in an appeal with no account: not "another account".
    expect(await codes({ newEmail: 'new@odd.example' })).toEqual({ level: 'NORMAL', codes: [] });
    // For an unknown account, any earlier appeal with the domain counts.
    expect(await codes({ accountUid: null, newEmail: 'new@own.example' })).toEqual({
      level: 'HIGH',
      codes: ['ACCOUNT_NOT_FOUND', 'EMAIL_DOMAIN_SEEN'],
    });
  });

  it('evidence already used in another appeal is high risk, but not the appeal’s own files', async () => {
    expect(
      (await codes({ newEmail: 'new@fresh.example', evidenceHashes: ['a'.repeat(64), 'f'.repeat(64)] })).codes,
    ).toEqual(['EVIDENCE_REUSED']);
    const own = await db.prisma.appeal.findFirstOrThrow({ where: { newEmail: 'x@rare.example' } });
    expect(
      (
        await codes({
          appealId: own.id,
          accountUid: 'A000000000000002',
          newEmail: 'x@fresh.example',
          evidenceHashes: ['f'.repeat(64)],
        })
      ).codes,
    ).toEqual([]);
  });

  it('two appeals for the account in 30 days are high risk; older ones and the appeal itself do not count', async () => {
    expect((await codes({ newEmail: 'new@fresh.example' })).codes).toEqual([]); // one recent, one 40 days old
    const second = await appeal({ accountUid: 'A000000000000001', newEmail: 'me2@own.example', submittedAt: days(2) });
    expect(await codes({ appealId: second.id, newEmail: 'new@fresh.example' })).toEqual({ level: 'NORMAL', codes: [] });
    expect(await codes({ newEmail: 'new@fresh.example' })).toEqual({ level: 'HIGH', codes: ['REPEATED_APPEALS'] });
  });

  it('the 30 days end at the same instant whichever way the look-up runs, in any process time zone', async () => {
    // Account 3: one appeal just inside the 30 days and one just outside (2 hours either side).
    await appeal({
      accountUid: 'A000000000000003',
      newEmail: 'a@three.example',
      submittedAt: new Date(days(30).getTime() + 2 * 3600_000),
    });
    await appeal({
      accountUid: 'A000000000000003',
      newEmail: 'b@three.example',
      submittedAt: new Date(days(30).getTime() - 2 * 3600_000),
    });
    for (const zone of ['America/Sao_Paulo', 'Asia/Kolkata']) {
      await inProcessTimeZone(zone, async () => {
        expect((await codes({ accountUid: 'A000000000000003', newEmail: 'new@fresh.example' })).codes).toEqual([]);
      });
    }
    await appeal({ accountUid: 'A000000000000003', newEmail: 'c@three.example', submittedAt: days(3) });
    expect((await codes({ accountUid: 'A000000000000003', newEmail: 'new@fresh.example' })).codes).toEqual([
      'REPEATED_APPEALS',
    ]);
  });

  it('conflicting identifiers and a “This wasn’t me” origin are signals; only the first is high risk', async () => {
    expect(await codes({ accountUid: 'A000000000000002', newEmail: 'z@fresh.example', notMeOrigin: true })).toEqual({
      level: 'NORMAL',
      codes: ['NOT_ME_ORIGIN'],
    });
    expect(await codes({ accountUid: 'A000000000000002', newEmail: 'z@fresh.example', conflict: true })).toEqual({
      level: 'HIGH',
      codes: ['IDENTIFIERS_CONFLICT'],
    });
  });

  it('the open normal cases a new filing may raise: a telling domain, the account, shared files; never for a common provider alone, never closed or high ones', async () => {
    const acct = 'A000000000000004';
    await db.prisma.account.create({
      data: { uid: acct, logonEmail: `${acct}@example.org`, passwordHash: 'x', holderName: 'Risk Holder' },
    });
    // Open, normal cases of other accounts: three at gmail.com, one at a company domain, one holding a file.
    const gmail = await Promise.all(
      [1, 2, 3].map(() => appeal({ accountUid: 'A000000000000002', newEmail: `g${n}@gmail.com` })),
    );
    const company = await appeal({ accountUid: 'A000000000000003', newEmail: 'c@raise-co.example' });
    const withFile = await appeal({
      accountUid: 'A000000000000003',
      newEmail: 'w@gmail.com',
      hashes: ['9'.repeat(64)],
    });
    // Not candidates whatever they share: closed, already high.
    const closed = await appeal({ accountUid: 'A000000000000002', newEmail: 'k@raise-co.example' });
    await db.prisma.appeal.update({ where: { id: closed.id }, data: { status: 'REJECTED' } });
    const high = await appeal({ accountUid: 'A000000000000002', newEmail: 'h@raise-co.example' });
    await db.prisma.appeal.update({ where: { id: high.id }, data: { riskLevel: 'HIGH' } });
    const mine = await appeal({ accountUid: acct, newEmail: 'm@gmail.com' });
    const filing = await appeal({ accountUid: null, newEmail: 'new@gmail.com' });
    const sorted = (ids: string[]) => [...ids].sort();

    // A gmail.com filing with no account and no shared file: nothing to assess again (it was every open gmail.com case).
    expect(
      await raiseCandidates(db.prisma, {
        appealId: filing.id,
        accountUid: null,
        newEmail: 'new@gmail.com',
        evidenceHashes: [],
      }),
    ).toEqual([]);
    expect(gmail.every((g) => g.riskLevel === 'NORMAL')).toBe(true);
    // A company domain: its open normal cases, not the closed or high one, not the filing itself.
    expect(
      await raiseCandidates(db.prisma, {
        appealId: filing.id,
        accountUid: null,
        newEmail: 'new@raise-co.example',
        evidenceHashes: [],
      }),
    ).toEqual([company.id]);
    // The account's own cases, and a case holding one of the filing's files.
    expect(
      sorted(
        await raiseCandidates(db.prisma, {
          appealId: filing.id,
          accountUid: acct,
          newEmail: 'new@gmail.com',
          evidenceHashes: ['9'.repeat(64), '8'.repeat(64)],
        }),
      ),
    ).toEqual(sorted([mine.id, withFile.id]));
    // The limit holds.
    expect(
      await raiseCandidates(
        db.prisma,
        { appealId: filing.id, accountUid: acct, newEmail: 'new@raise-co.example', evidenceHashes: ['9'.repeat(64)] },
        2,
      ),
    ).toHaveLength(2);
  });
});
