import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { ServerBuild } from '@remix-run/node';
import { readConfig, type PortalConfig } from '~/config.server';
import { createServices, type ServiceOptions, type Services } from '~/services.server';
import { createHttpApp, HEADERS_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS } from './http.server';
import { holdEmbeddedDatabase } from '~/db/embedded-lock.server';
import { prepareDatabase } from './prepare.server';
import { scheduleJobs } from './jobs.server';
import express from 'express';
import { metricsHandler, type Lifecycle } from './observability.server';

export type RunningPortal = {
  services: Services;
  server: Server;
  url: string;
  lifecycle: Lifecycle;
  metricsServer?: Server;
  stop(): Promise<void>;
};

/**
 * Builds the services, listens (readiness says 503 meanwhile), readies the database, then serves.
 * Used by `npm start` and by the tests. `stop()` is the graceful shutdown (issue 29): readiness 503,
 * no new connections, `Connection: close`, requests in flight finish (up to SHUTDOWN_GRACE_SECONDS),
 * then the jobs, the audit sealer and the dispatcher after their current round, the database last.
 */
export async function startPortal(options: {
  build: ServerBuild;
  config?: PortalConfig;
  services?: ServiceOptions;
  host?: string;
  /** Start-up messages for people (the seed's summary); the structured log gets each step either way. */
  log?: (m: string) => void;
  /** Run the hourly background jobs (default true). */
  jobs?: boolean;
}): Promise<RunningPortal> {
  const config = options.config ?? readConfig();
  const services = await createServices(config, { ...options.services, dispatch: false });
  const { logger } = services;
  const log = options.log ?? ((m: string) => logger.info({ event: 'startup.step' }, m));
  const step = (name: string, fields: Record<string, unknown> = {}) =>
    logger.info({ event: 'startup.step', step: name, ...fields }, name);
  step('services built', { database: services.db.kind, mode: config.mode });
  const lifecycle: Lifecycle = { state: 'starting' };
  const app = createHttpApp(options.build, services, lifecycle);
  // Timeouts are checked every connectionsCheckingInterval: at node's 30 s a stalled header would outlive its timeout.
  const server = createServer({ headersTimeout: HEADERS_TIMEOUT_MS, connectionsCheckingInterval: 1000 }, app);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  let metricsServer: Server | undefined;
  try {
    await listen(server, config.port, options.host ?? config.host);
    step('listening', { address: server.address() });
    if (config.metricsPort !== undefined) {
      metricsServer = createServer(express().get('/metrics', metricsHandler(services, { onMainPort: false })));
      await listen(metricsServer, config.metricsPort, '127.0.0.1');
      step('metrics listening', { address: metricsServer.address() });
    }
    await prepareDatabase(services.db, config.mode, log, config.encryptionKeys);
    step('database ready', { location: services.db.location });
  } catch (err) {
    await closeServer(server);
    if (metricsServer) await closeServer(metricsServer);
    await services.stop();
    throw err;
  }
  if (options.services?.dispatch !== false) {
    services.outbox.start();
    services.auditSealer.start();
    step('outbox dispatcher and audit sealer started');
  }
  const stopJobs = options.jobs === false ? async () => {} : scheduleJobs(services);
  const port = (server.address() as AddressInfo).port;
  const url = `http://localhost:${port}`;
  // A test portal on a random port links to where it really listens.
  if (config.port === 0) services.config.publicUrl = url;
  // Commands (audit:verify, db:*, jobs) learn from this that the embedded database is taken, and by whom.
  const release =
    services.db.kind === 'pglite' && !options.services?.db
      ? holdEmbeddedDatabase(path.join(config.dataDir, 'pglite'), services.config.publicUrl)
      : () => {};
  lifecycle.state = 'ready';
  step('ready', { url: services.config.publicUrl });
  let stopping: Promise<void> | null = null;
  return {
    services,
    server,
    url,
    lifecycle,
    metricsServer,
    stop() {
      stopping ??= (async () => {
        lifecycle.state = 'stopping';
        const graceMs = config.shutdownGraceSeconds * 1000;
        logger.info(
          { event: 'shutdown.step', step: 'draining', graceSeconds: config.shutdownGraceSeconds },
          'stopping: no new connections; requests in flight may finish',
        );
        const drained = await drain(server, graceMs);
        logger.info(
          { event: 'shutdown.step', step: 'http closed', drained },
          drained
            ? 'stopped: HTTP (every request finished)'
            : `stopped: HTTP (requests still open after ${config.shutdownGraceSeconds} s were cut)`,
        );
        await stopJobs();
        logger.info({ event: 'shutdown.step', step: 'jobs' }, 'stopped: jobs');
        if (metricsServer) await closeServer(metricsServer);
        await services.stop();
        release();
        logger.info({ event: 'shutdown.step', step: 'done' }, 'stopped');
      })();
      return stopping;
    },
  };
}

function listen(server: Server, port: number, host: string) {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server) {
  return new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

/**
 * Stops accepting connections and waits for the open ones: idle keep-alive connections are closed at
 * once, busy ones after their answer (which says `Connection: close`); whatever is still open after
 * the grace period is cut. Resolves true when every request finished in time.
 */
function drain(server: Server, graceMs: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    if (!server.listening) return resolve(true);
    let cut = false;
    const timer = setTimeout(() => {
      cut = true;
      server.closeAllConnections();
    }, graceMs);
    // A connection that goes idle after its last answer is closed too (a client that ignored Connection: close).
    const sweep = setInterval(() => server.closeIdleConnections(), 250);
    server.close(() => {
      clearTimeout(timer);
      clearInterval(sweep);
      resolve(!cut);
    });
    server.closeIdleConnections();
  });
}
