// What operators run the portal with (issue 29): request ids and the one log line per request, the
// request metrics, liveness and readiness probes, /metrics, and the start-up / shutdown states.
import { randomUUID, timingSafeEqual, createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { matchRoutes, type AgnosticRouteObject } from '@remix-run/router';
import type { ServerBuild } from '@remix-run/node';
import type { Services } from '~/services.server';
import { errorFields } from './log.server';

/** starting: the database is being checked (and migrated); ready: serving; stopping: a shutdown is under way. */
export type Lifecycle = { state: 'starting' | 'ready' | 'stopping' };

/** An id a proxy in front may pass on (X-Request-Id), when it looks like one; else a new UUID. */
const FOREIGN_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * The route id of a path (`routes/appeals.track.$token`), never the path itself: several paths carry a
 * one-time token. Bounded: one value per route, plus `static`, the probes, `metrics` and `unmatched`.
 */
export function routeIdOf(build: Pick<ServerBuild, 'routes'>): (path: string) => string {
  const routes = Object.values(build.routes);
  const tree = (parentId: string | undefined): AgnosticRouteObject[] =>
    routes
      .filter((r) => r.parentId === parentId)
      .map((r) =>
        r.index
          ? { id: r.id, index: true as const, path: r.path }
          : { id: r.id, path: r.path, caseSensitive: r.caseSensitive, children: tree(r.id) },
      );
  const roots = tree(undefined);
  return (path) => {
    if (path.startsWith('/build/') || (/\.[a-z0-9]+$/i.test(path) && !path.endsWith('.data'))) return 'static';
    if (path === '/healthz' || path === '/healthz/live' || path === '/healthz/ready') return path.slice(1);
    if (path === '/metrics') return 'metrics';
    // Single fetch asks for a route's data at <path>.data (the index at /_root.data).
    const pagePath = path === '/_root.data' ? '/' : path.replace(/\.data$/, '');
    const matches = matchRoutes(roots, pagePath);
    return matches?.[matches.length - 1]?.route.id ?? 'unmatched';
  };
}

/** The request id (X-Request-Id on every answer), and one log line and one histogram sample per request. */
export function requestLog(services: Services, routeOf: (path: string) => string): RequestHandler {
  const { logger, metrics } = services;
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && FOREIGN_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    let logged = false;
    const done = () => {
      if (logged) return;
      logged = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf(req.path);
      const status = res.headersSent ? res.statusCode : 499;
      metrics.observeRequest(req.method, route, status, seconds);
      const principal = (res.locals.flags as { principal?: { kind: string; id: string } } | undefined)?.principal;
      const line = {
        event: 'request',
        requestId,
        method: req.method,
        route,
        status,
        durationMs: Math.round(seconds * 10_000) / 10,
        ...(principal ? { principal } : {}),
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      const quiet = route === 'metrics' || route.startsWith('healthz') || route === 'static';
      // A probe's 503 (starting, stopping, database away) is its answer, not a failure of the request.
      if (quiet) logger.debug(line, `${req.method} ${route} ${status}`);
      else if (status >= 500) logger.error(line, `${req.method} ${route} ${status}`);
      else logger.info(line, `${req.method} ${route} ${status}`);
    };
    res.once('finish', done);
    res.once('close', done);
    next();
  };
}

/**
 * While starting, only the probes and /metrics answer (the rest: 503, try again). While stopping, every
 * answer says `Connection: close`, so keep-alive clients move to another instance.
 */
export function lifecycleMiddleware(lifecycle: Lifecycle): RequestHandler {
  return (req, res, next) => {
    if (lifecycle.state === 'stopping') res.setHeader('Connection', 'close');
    if (lifecycle.state === 'starting' && !req.path.startsWith('/healthz') && req.path !== '/metrics') {
      res.status(503).setHeader('Retry-After', '5');
      res.type('text/plain').send('The portal is starting. Try again in a moment.');
      return;
    }
    next();
  };
}

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);

export const probes = {
  /** Liveness: the process runs and its event loop answers. */
  live: ((_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ status: 'live' });
  }) as RequestHandler,
  /** Readiness: ready to take traffic — started, not stopping, the database (and Redis, when configured) answering. */
  ready(services: Services, lifecycle: Lifecycle): RequestHandler {
    return async (_req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      if (lifecycle.state !== 'ready') return void res.status(503).json({ status: lifecycle.state });
      const checks: Record<string, 'ok' | 'unreachable'> = {};
      const check = async (name: string, fn: () => Promise<unknown>) => {
        try {
          await withTimeout(fn(), 3000);
          checks[name] = 'ok';
        } catch (err) {
          checks[name] = 'unreachable';
          services.logger.warn(
            { event: 'readiness', check: name, ...errorFields(err) },
            `readiness: ${name} unreachable`,
          );
        }
      };
      await Promise.all([
        check('database', () => services.prisma.$queryRawUnsafe('SELECT 1')),
        ...(services.config.redisUrl ? [check('redis', () => services.limits.ping())] : []),
      ]);
      const ok = Object.values(checks).every((c) => c === 'ok');
      res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'unavailable', checks });
    };
  },
};

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * /metrics. Open outside production. In production, on the main port only with
 * `Authorization: Bearer <METRICS_TOKEN>` (401 without it, 404 when no token is configured); the
 * METRICS_PORT listener (127.0.0.1 only) answers without one.
 */
export function metricsHandler(services: Services, where: { onMainPort: boolean }): RequestHandler {
  const { config } = services;
  return async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (where.onMainPort && config.mode === 'production') {
      if (!config.metricsToken) return void res.status(404).type('text/plain').send('Not found');
      const given = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
      if (!timingSafeEqual(digest(given), digest(config.metricsToken))) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        return void res.status(401).type('text/plain').send('A bearer token is required.');
      }
    }
    const { contentType, body } = await services.metrics.render();
    // Prometheus's own content type, as is (express's send would add a charset in front of the version).
    res.setHeader('Content-Type', contentType);
    res.end(body);
  };
}
