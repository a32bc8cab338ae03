import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { openDatabase } from '~/db/connect.server';
import {
  applyMigrations,
  diffSchemaAgainstMigrations,
  isEmptyMigration,
  listMigrationFiles,
  migrationStatus,
} from '~/db/migrator.server';
import { prepareDatabase, StartupError } from '~/server/prepare.server';
import { adminQuery, urlFor } from '../support/postgres';
import { mustHavePostgres } from '../support/db';

describe('migration history', () => {
  it('matches prisma/schema.prisma (no schema change without its migration)', async () => {
    const sql = await diffSchemaAgainstMigrations();
    expect(isEmptyMigration(sql), `schema and migrations differ — run npm run db:migration -- <name>:\n${sql}`).toBe(
      true,
    );
  }, 180_000); // replays the whole history in WebAssembly: slow on a busy 2-core machine

  it('uses the prisma migrate folder layout', () => {
    const files = listMigrationFiles();
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(f.name).toMatch(/^\d{14}_[a-z0-9_]+$/);
  });
});

describe('start-up on the embedded database', () => {
  it('applies pending migrations and seeds an empty database, once', async () => {
    const db = await openDatabase({ dataDir: 'memory://' });
    try {
      expect((await migrationStatus(db)).pending.length).toBe(listMigrationFiles().length);
      await prepareDatabase(db, 'demo', () => {});
      expect(await migrationStatus(db)).toMatchObject({ pending: [], edited: [], failed: [] });
      // The demo identities, and the demo history's accounts and appeals (the dashboard's story).
      const accounts = await db.prisma.account.count();
      const appeals = await db.prisma.appeal.count();
      expect(await db.prisma.account.count({ where: { uid: { in: ['1000000000000001', '1000000000000002'] } } })).toBe(
        2,
      );
      expect(appeals).toBeGreaterThan(200);
      expect(await db.prisma.dashboardDay.count()).toBeGreaterThan(90);
      await prepareDatabase(db, 'demo', () => {});
      expect(await db.prisma.account.count()).toBe(accounts);
      expect(await db.prisma.appeal.count()).toBe(appeals);
    } finally {
      await db.close();
    }
  });

  it('never loads demo identities into a production database', async () => {
    const db = await openDatabase({ dataDir: 'memory://' });
    try {
      await prepareDatabase(db, 'production', () => {});
      expect(await db.prisma.account.count()).toBe(0);
    } finally {
      await db.close();
    }
  });
});

describe.skipIf(!inject('pgTemplate') && !mustHavePostgres())('start-up on PostgreSQL', () => {
  it('refuses to serve with unapplied migrations and names the command that fixes it, then serves once migrated', async () => {
    const name = `ard_m_${inject('runId')}_${randomBytes(3).toString('hex')}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    const db = await openDatabase({ url: urlFor(name), poolSize: 2 });
    try {
      const refused = await prepareDatabase(db, 'production', () => {}).catch((e) => e);
      expect(refused).toBeInstanceOf(StartupError);
      expect(refused.message).toMatch(/unapplied migration/);
      expect(refused.message).toContain('npm run db:migrate');
      // Nothing was created behind the operator's back.
      expect((await migrationStatus(db)).applied).toEqual([]);
      expect(await applyMigrations(db)).toEqual(listMigrationFiles().map((f) => f.name));
      expect(await applyMigrations(db)).toEqual([]);
      await expect(prepareDatabase(db, 'production', () => {})).resolves.toBeUndefined();
      expect(await db.prisma.account.count()).toBe(0);
    } finally {
      await db.close();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });

  it('says clearly when the server cannot be reached', async () => {
    const db = await openDatabase({ url: 'postgresql://root@127.0.0.1:1/nowhere', poolSize: 1 });
    try {
      const err = await prepareDatabase(db, 'production', () => {}).catch((e) => e);
      expect(err).toBeInstanceOf(StartupError);
      expect(err.message).toMatch(/Cannot reach the database/);
    } finally {
      await db.close();
    }
  });
});
