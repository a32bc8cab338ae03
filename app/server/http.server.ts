import path from 'node:path';
import express from 'express';
import compression from 'compression';
import { createRequestHandler } from '@remix-run/express';
import type { ServerBuild } from '@remix-run/node';
import type { Services } from '~/services.server';
import { newNonce, securityHeaders } from '~/security/headers.server';
import { CSRF_MESSAGE, isCrossSiteRequest } from '~/security/csrf.server';
import {
  lifecycleMiddleware,
  metricsHandler,
  probes,
  requestLog,
  routeIdOf,
  type Lifecycle,
} from './observability.server';

export const UNSUPPORTED_BODY = 'Send the form as application/x-www-form-urlencoded or multipart/form-data.';
/** Forms are read whole into memory: no form but the two with files is allowed more than this. */
export const MAX_FORM_BYTES = 4 * 1024 * 1024;
export const FORM_TOO_LARGE = `The form is too large (at most ${MAX_FORM_BYTES / 1024 / 1024} MB).`;
export const LENGTH_REQUIRED = 'Send the form with a Content-Length header.';
/**
 * A request body must keep coming: after a grace period it has to average this many bytes a second
 * (mod_reqtimeout's MinRate), or the connection is dropped. A sender trickling a byte a second would
 * otherwise hold its socket, and the memory of what it sent, until node's 300 s request timeout.
 */
export const BODY_GRACE_MS = 10_000;
export const BODY_MIN_BYTES_PER_SEC = 8 * 1024;
/** Headers must be complete within this (a slowloris sender is dropped within seconds). */
export const HEADERS_TIMEOUT_MS = 10_000;
/**
 * How long an idle keep-alive connection is kept: longer than a load balancer's idle timeout (60 s is
 * the common default), so the proxy closes it, never the portal while the proxy reuses it for the next
 * request (that race is a reset: a 502 behind a proxy, ECONNRESET for a client connected directly).
 * Node's 5 s lost it to clients whose timers ran late on a loaded machine.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** The forms that take files: they weigh the body themselves, and answer an oversized one with the form and its message. */
const FILE_FORMS = /^\/appeals\/(new|track\/[^/]+)(\.data)?$/;

/** The portal as an express app: static files, security headers, CSRF check, /healthz, then Remix. */
export function createHttpApp(build: ServerBuild, services: Services, lifecycle: Lifecycle = { state: 'ready' }) {
  const { config } = services;
  const production = config.mode === 'production';
  const app = express();
  app.disable('x-powered-by');
  // First: the request id, the request's log line and its duration metric; then the start-up and shutdown rules.
  app.use(requestLog(services, routeIdOf(build)));
  app.use(lifecycleMiddleware(lifecycle));
  // The client is the rightmost X-Forwarded-For entry that is not one of the trusted proxies (req.ip).
  if (config.trustProxy !== false) app.set('trust proxy', config.trustProxy);
  app.use(compression());

  app.use((req, res, next) => {
    const nonce = newNonce();
    res.locals.nonce = nonce;
    const defaults = securityHeaders(nonce, production);
    // Defaults only: a route that sets its own (e.g. the evidence route's frame-ancestors) keeps it.
    const writeHead = res.writeHead;
    res.locals.flags = {};
    res.writeHead = function (this: typeof res, ...args: Parameters<typeof writeHead>) {
      for (const [name, value] of Object.entries(defaults)) if (!this.hasHeader(name)) this.setHeader(name, value);
      // A request that failed because the database is away is "try again", not a server bug.
      if (res.locals.flags.databaseUnavailable && (args[0] === 500 || this.statusCode === 500)) {
        if (typeof args[0] === 'number') (args as unknown[])[0] = 503;
        this.statusCode = 503;
        this.setHeader('Retry-After', '5');
      }
      // A form that could not be parsed, or a value no column can hold, is the client's mistake.
      if (res.locals.flags.badInput && (args[0] === 500 || this.statusCode === 500)) {
        if (typeof args[0] === 'number') (args as unknown[])[0] = 400;
        this.statusCode = 400;
      }
      return writeHead.apply(this, args);
    } as typeof writeHead;
    next();
  });

  // A body the route never read (an action that only redirects, or a hostile 1 MB form sent to it) is read
  // to its end and dropped once the answer is sent, as Node does for a handler that never touches the
  // body. Remix's request stream had started reading it and paused, so without this the connection
  // stalls: the next request on it waits for the keep-alive timeout and fails with a reset.
  app.use((req, res, next) => {
    res.once('finish', () => {
      if (req.complete || req.destroyed) return;
      req.removeAllListeners('data');
      req.resume();
    });
    next();
  });

  app.use((req, res, next) => {
    if (!(Number(req.get('content-length') ?? 0) > 0) || req.complete) return next();
    const socket = req.socket;
    const startBytes = socket.bytesRead;
    const started = Date.now();
    // Watched until the body is in, whoever reads it (a route, or the drain after an early answer).
    const watch = setInterval(() => {
      if (req.complete || socket.destroyed) return void clearInterval(watch);
      const allowedMs = BODY_GRACE_MS + ((socket.bytesRead - startBytes) / BODY_MIN_BYTES_PER_SEC) * 1000;
      if (Date.now() - started <= allowedMs) return;
      clearInterval(watch);
      socket.destroy();
    }, 1000);
    watch.unref();
    req.once('end', () => clearInterval(watch));
    next();
  });

  const publicDir = path.resolve('public');
  app.use('/build', express.static(path.join(publicDir, 'build'), { immutable: true, maxAge: '1y', index: false }));
  // Other public files (favicon.svg): only for paths that look like a file, so a page view costs no
  // file-system look-up.
  const publicFiles = express.static(publicDir, { maxAge: '1h', index: false });
  app.use((req, res, next) => (/\.[a-z0-9]+$/i.test(req.path) ? publicFiles(req, res, next) : next()));

  app.get('/healthz/live', probes.live);
  app.get('/healthz/ready', probes.ready(services, lifecycle));
  app.get('/metrics', metricsHandler(services, { onMainPort: true }));
  app.get('/healthz', async (_req, res) => {
    try {
      await services.prisma.$queryRawUnsafe('SELECT 1');
      res.setHeader('Cache-Control', 'no-store');
      res.json({ status: 'ok', database: services.db.kind });
    } catch (err) {
      res.status(503).json({ status: 'unavailable', database: services.db.kind, error: 'database unreachable' });
    }
  });

  const publicOrigin = new URL(config.publicUrl).origin;
  app.use((req, res, next) => {
    const hostOrigin = `${req.protocol}://${req.get('host')}`;
    if (
      isCrossSiteRequest({
        method: req.method,
        origin: req.get('origin'),
        referer: req.get('referer'),
        secFetchSite: req.get('sec-fetch-site'),
        allowedOrigins: [publicOrigin, hostOrigin],
      })
    ) {
      res.status(403).type('text/plain').send(CSRF_MESSAGE);
      return;
    }
    next();
  });

  // Every action reads a form: a body in another encoding (JSON, text, multipart without a boundary)
  // is refused here with 415 rather than failing inside an action; a POST with no body at all is an
  // empty form.
  app.use((req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    const type = (req.get('content-type') ?? '').toLowerCase();
    if (
      type.startsWith('application/x-www-form-urlencoded') ||
      (type.startsWith('multipart/form-data') && /;\s*boundary=/.test(type))
    )
      return next();
    const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
    if (!type && !hasBody) {
      req.headers['content-type'] = 'application/x-www-form-urlencoded';
      return next();
    }
    res.status(415).type('text/plain').send(UNSUPPORTED_BODY);
  });

  // A form is buffered whole (request.formData()), so its size is known before it is read: a body of
  // unknown length (chunked — browsers always send a length with a form) is refused with 411, and one
  // over the limit with 413, unread (Node reads the rest and drops it, so the connection stays usable).
  app.use((req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    const length = req.get('content-length');
    if (length === undefined) {
      if (req.get('transfer-encoding') !== undefined)
        return void res.status(411).type('text/plain').send(LENGTH_REQUIRED);
      return next();
    }
    if (Number(length) > MAX_FORM_BYTES && !FILE_FORMS.test(req.path))
      return void res.status(413).type('text/plain').send(FORM_TOO_LARGE);
    next();
  });

  app.all(
    '*',
    createRequestHandler({
      build,
      mode: production ? 'production' : 'development',
      getLoadContext: (req, res) => ({
        services,
        nonce: res.locals.nonce as string,
        clientIp: req.ip ?? 'unknown',
        flags: res.locals.flags,
        requestId: res.locals.requestId as string,
      }),
    }),
  );
  return app;
}
