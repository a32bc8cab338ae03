// Where a portal listens: demo mode (npm start), whose /dev/outbox shows every code, only on loopback unless
// HOST says otherwise.
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { openTestDatabase } from '../support/db';
import { loadBuild } from '../support/portal';

describe('the address a portal listens on', () => {
  it.each([
    [{}, '127.0.0.1'],
    [{ HOST: '0.0.0.0' }, '0.0.0.0'],
  ])('demo mode with %o listens on %s', async (env, address) => {
    const build = await loadBuild();
    const db = await openTestDatabase('pglite');
    const config = build.entry.module.readConfig({ PORTAL_MODE: 'demo', ...env }, { port: 0 });
    const portal = await build.entry.module.startPortal({
      build,
      config,
      services: { db, dispatch: false },
      log: () => {},
      jobs: false,
    });
    try {
      expect((portal.server.address() as AddressInfo).address).toBe(address);
    } finally {
      await portal.stop();
      await db.close();
    }
  });
});
