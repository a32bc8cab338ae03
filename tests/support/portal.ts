import path from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { ServerBuild } from '@remix-run/node';
import type { DatabaseKind, Database } from '~/db/connect.server';
import type { PortalConfig } from '~/config.server';
import type { Services } from '~/services.server';
import type { Logger } from '~/server/log.server';
import { seedDemoData } from '~/demo/seed.server';
import { afterAll, beforeAll } from 'vitest';
import { openTestDatabase } from './db';

type BuildModule = ServerBuild & {
  entry: {
    module: {
      startPortal: typeof import('~/server/start.server').startPortal;
      readConfig: typeof import('~/config.server').readConfig;
    };
  };
};

let buildPromise: Promise<BuildModule> | undefined;
/** The production server build (npm test builds it first). */
export function loadBuild(): Promise<BuildModule> {
  buildPromise ??= import(
    /* @vite-ignore */ pathToFileURL(path.resolve('build/index.js')).href
  ) as Promise<BuildModule>;
  return buildPromise;
}

export type TestPortal = {
  url: string;
  /** starting / ready / stopping (the readiness probe's answer). */
  lifecycle: { state: 'starting' | 'ready' | 'stopping' };
  /** The loopback METRICS_PORT listener, when the config asks for one. */
  metricsUrl?: string;
  services: Services;
  db: Database;
  stop(): Promise<void>;
};

/**
 * A real portal (the production build, express, a real database) on a free loopback port.
 * The demo data is loaded unless `seed: false`.
 */
export async function startTestPortal(
  kind: DatabaseKind,
  options: {
    seed?: boolean;
    config?: Partial<PortalConfig>;
    env?: Record<string, string | undefined>;
    db?: Database;
    dispatcherPollMs?: number;
    logger?: Logger;
  } = {},
): Promise<TestPortal> {
  const build = await loadBuild();
  const db = options.db ?? (await openTestDatabase(kind));
  const evidenceDir = options.config?.evidenceDir ?? (await mkdtemp(path.join(tmpdir(), 'ard-evidence-')));
  const config = build.entry.module.readConfig(
    { PORTAL_MODE: 'test', ...options.env },
    { port: 0, evidenceDir, shutdownGraceSeconds: 2, ...options.config },
  );
  // Sealed with this portal's own keys, so a portal given other secrets (production) still reads them.
  if (options.seed !== false) await seedDemoData(db.prisma, { encryptionKeys: config.encryptionKeys });
  const portal = await build.entry.module.startPortal({
    build,
    config,
    host: '127.0.0.1',
    services: { db, dispatcherPollMs: options.dispatcherPollMs ?? 50, sealerEveryMs: 100, logger: options.logger },
    log: () => {},
  });
  return {
    url: portal.url.replace('localhost', '127.0.0.1'),
    lifecycle: portal.lifecycle,
    metricsUrl: portal.metricsServer
      ? `http://127.0.0.1:${(portal.metricsServer.address() as { port: number }).port}`
      : undefined,
    services: portal.services,
    db,
    async stop() {
      await portal.stop();
      if (!options.db) await db.close();
      if (!options.config?.evidenceDir) await rm(evidenceDir, { recursive: true, force: true });
    },
  };
}

/** One portal for a suite: started before its tests and stopped after them; read it inside a test (`portal()`). */
export function useTestPortal(
  kind: DatabaseKind,
  options: Parameters<typeof startTestPortal>[1] = {},
): () => TestPortal {
  let portal: TestPortal | undefined;
  beforeAll(async () => {
    portal = await startTestPortal(kind, options);
  });
  afterAll(async () => {
    await portal?.stop();
  });
  return () => {
    if (!portal) throw new Error('The test portal is not started yet: read it inside a test.');
    return portal;
  };
}
