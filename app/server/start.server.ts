import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { ServerBuild } from '@remix-run/node';
import { readConfig, type PortalConfig } from '~/config.server';
import { createServices, type ServiceOptions, type Services } from '~/services.server';
import { createHttpApp, HEADERS_TIMEOUT_MS } from './http.server';
import { holdEmbeddedDatabase } from '~/db/embedded-lock.server';
import { prepareDatabase } from './prepare.server';
import { scheduleJobs } from './jobs.server';

export type RunningPortal = { services: Services; server: Server; url: string; stop(): Promise<void> };

/** Builds the services, readies the database, and listens. Used by `npm start` and by the tests. */
export async function startPortal(options: {
  build: ServerBuild;
  config?: PortalConfig;
  services?: ServiceOptions;
  host?: string;
  log?: (m: string) => void;
  /** Run the hourly background jobs (default true). */
  jobs?: boolean;
}): Promise<RunningPortal> {
  const log = options.log ?? console.log;
  const config = options.config ?? readConfig();
  const services = await createServices(config, { ...options.services, dispatch: false });
  try {
    await prepareDatabase(services.db, config.mode, log, config.encryptionKeys);
  } catch (err) {
    await services.stop();
    throw err;
  }
  if (options.services?.dispatch !== false) {
    services.outbox.start();
    services.auditSealer.start();
  }
  const stopJobs = options.jobs === false ? () => {} : scheduleJobs(services, log);
  const app = createHttpApp(options.build, services);
  // Timeouts are checked every connectionsCheckingInterval: at node's 30 s a stalled header would outlive its timeout.
  const server = createServer({ headersTimeout: HEADERS_TIMEOUT_MS, connectionsCheckingInterval: 1000 }, app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, options.host ?? config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://localhost:${port}`;
  // A test portal on a random port links to where it really listens.
  if (config.port === 0) services.config.publicUrl = url;
  // Commands (audit:verify, db:*, jobs) learn from this that the embedded database is taken, and by whom.
  const release = services.db.kind === 'pglite' && !options.services?.db ? holdEmbeddedDatabase(path.join(config.dataDir, 'pglite'), services.config.publicUrl) : () => {};
  let stopping: Promise<void> | null = null;
  return {
    services,
    server,
    url,
    stop() {
      stopping ??= (async () => {
        stopJobs();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections?.();
        });
        await services.stop();
        release();
      })();
      return stopping;
    },
  };
}
