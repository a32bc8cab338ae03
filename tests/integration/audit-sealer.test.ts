// Audit events are written without a lock and chained behind the writers (decision 015): every event
// is sealed exactly once, in an order no later commit can slip into, by one sealer at a time.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDatabase, openTestDatabase, postgresOnly } from '../support/db';
import type { Database } from '~/db/connect.server';
import { openDatabase } from '~/db/connect.server';
import { recordAudit, sealAll, sealAuditEvents, verifyAuditChain } from '~/audit/audit.server';

const event = (i: number) => ({
  actor: { type: 'system' as const, id: 'sealer-test' },
  action: 'test.sealed',
  data: { i },
});

describeEachDatabase('audit sealer', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('writes events unchained; the sealer chains them once, in order, and the chain verifies', async () => {
    for (let i = 0; i < 7; i++) await db.prisma.$transaction((tx) => recordAudit(tx, event(i)));
    const unsealed = await db.prisma.auditEvent.findMany({ where: { action: 'test.sealed' }, orderBy: { id: 'asc' } });
    expect(unsealed.every((e) => e.seq === null && e.hash === null)).toBe(true);
    expect(await sealAll(db.prisma)).toBeGreaterThanOrEqual(7);
    expect(await sealAuditEvents(db.prisma)).toBe(0);
    const sealed = await db.prisma.auditEvent.findMany({ orderBy: { seq: 'asc' } });
    expect(sealed.map((e) => e.seq)).toEqual(sealed.map((_, i) => BigInt(i + 1)));
    expect(sealed.filter((e) => e.action === 'test.sealed').map((e) => (e.data as { i: number }).i)).toEqual([
      0, 1, 2, 3, 4, 5, 6,
    ]);
    expect(await verifyAuditChain(db.prisma)).toMatchObject({
      firstBrokenId: null,
      checked: sealed.length,
      pending: 0,
    });
  });

  it('an event whose transaction rolled back is never sealed nor counted', async () => {
    await expect(
      db.prisma.$transaction(async (tx) => {
        await recordAudit(tx, event(100));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await sealAll(db.prisma);
    expect(await db.prisma.auditEvent.count({ where: { action: 'test.sealed', data: { equals: { i: 100 } } } })).toBe(
      0,
    );
    expect((await verifyAuditChain(db.prisma)).firstBrokenId).toBeNull();
  });
});

// Real concurrency: several connections of one PostgreSQL database (PGlite runs one transaction at a time).
describe.skipIf(!postgresOnly())('audit sealer under concurrent writers [postgres]', () => {
  let db: Database;
  let other: Database;
  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    other = await openDatabase({ url: db.location, poolSize: 4 });
  });
  afterAll(async () => {
    await other?.close();
    await db?.close();
  });

  it('writers do not wait on each other: 40 transactions at once, many holding a written event at the same moment', async () => {
    // Each writer keeps its transaction open 300 ms after writing. Under one chain lock (held to the commit)
    // only one could be past its write at a time; here as many as the connections allow.
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? db : other).prisma.$transaction(
          async (tx) => {
            await recordAudit(tx, event(1000 + i));
            most = Math.max(most, ++inside);
            await tx.$executeRawUnsafe('SELECT pg_sleep(0.3)');
            inside--;
          },
          { timeout: 30_000, maxWait: 30_000 },
        ),
      ),
    );
    expect(most).toBeGreaterThanOrEqual(4);
    await sealAll(db.prisma);
    expect(await db.prisma.auditEvent.count({ where: { action: 'test.sealed', seq: null } })).toBe(0);
    expect((await verifyAuditChain(db.prisma)).firstBrokenId).toBeNull();
  }, 60_000);

  it('an event committed late is appended after those chained meanwhile, never put before them', async () => {
    const client = new pg.Client({ connectionString: db.location });
    await client.connect();
    try {
      // A transaction writes its event first (the lower id), and commits only after another was chained.
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO "AuditEvent" ("actorType", "action", "data") VALUES ('system', 'test.sealed', '{"i":1999}')`,
      );
      await db.prisma.$transaction((tx) => recordAudit(tx, event(2000)));
      await sealAll(db.prisma);
      const first = await db.prisma.auditEvent.findFirstOrThrow({
        where: { action: 'test.sealed', data: { equals: { i: 2000 } } },
      });
      expect(first.seq).not.toBeNull();
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
    await sealAll(db.prisma);
    const both = await db.prisma.auditEvent.findMany({
      where: { action: 'test.sealed', OR: [{ data: { equals: { i: 1999 } } }, { data: { equals: { i: 2000 } } }] },
      orderBy: { seq: 'asc' },
    });
    expect(both.map((e) => (e.data as { i: number }).i)).toEqual([2000, 1999]);
    expect(both[1].id < both[0].id).toBe(true); // 1999: the lower id, yet the later place
    expect((await verifyAuditChain(db.prisma)).firstBrokenId).toBeNull();
  }, 60_000);

  it('two sealers at once (two instances) seal each event once', async () => {
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => db.prisma.$transaction((tx) => recordAudit(tx, event(3000 + i)))),
    );
    const runs = await Promise.all([
      sealAll(db.prisma),
      sealAll(other.prisma),
      sealAll(db.prisma),
      sealAll(other.prisma),
    ]);
    expect(runs.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(30);
    const seqs = (
      await db.prisma.auditEvent.findMany({
        where: { seq: { not: null } },
        select: { seq: true },
        orderBy: { seq: 'asc' },
      })
    ).map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => BigInt(i + 1)));
    expect(await verifyAuditChain(db.prisma)).toMatchObject({ firstBrokenId: null, pending: 0 });
  }, 60_000);
});
