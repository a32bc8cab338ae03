// The three patches that keep route tables per build instead of making them on every request
// (patches/@remix-run+router, react-router-dom, @remix-run+react; README, "What changed"). Each
// keeps something per route array: these check that the kept thing is reused for the same array,
// made anew for another one, and that matching answers as it did before the patch.
import { createRequire } from 'node:module';
import { createElement, useContext } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ServerBuild } from '@remix-run/node';

// The CommonJS files the patches change, which is what the production server loads (none of these
// packages has an "exports" map, so Node takes its "main").
const require = createRequire(import.meta.url);
type Match = { route: { id: string } };
type RouteLike = { id: string; path?: string; index?: boolean; caseSensitive?: boolean; children?: RouteLike[] };
const { matchRoutes, matchPath } = require('@remix-run/router') as {
  matchRoutes: (routes: RouteLike[], location: string) => Match[] | null;
  matchPath: (
    pattern: { path: string; caseSensitive?: boolean; end?: boolean },
    pathname: string,
  ) => { pathname: string } | null;
};
const { createStaticHandler, createStaticRouter } = require('react-router-dom/server.js') as {
  createStaticHandler: (routes: RouteLike[]) => { dataRoutes: RouteLike[]; query: (r: Request) => Promise<unknown> };
  createStaticRouter: (routes: RouteLike[], context: unknown) => { routes: RouteLike[]; state: { matches: Match[] } };
};
const { createRequestHandler } = require('@remix-run/node') as typeof import('@remix-run/node');
const { RemixServer } = require('@remix-run/react') as typeof import('@remix-run/react');
const { UNSAFE_RouteContext } = require('react-router') as {
  UNSAFE_RouteContext: React.Context<{ matches: { route: object }[] }>;
};

/** A route whose `path` counts its reads: the router reads it while flattening the table, not while matching. */
function counted(route: RouteLike, reads: { n: number }): RouteLike {
  const { path, children, ...rest } = route;
  const copy: RouteLike = { ...rest, children: children?.map((c) => counted(c, reads)) };
  Object.defineProperty(copy, 'path', { enumerable: true, get: () => (reads.n++, path) });
  return copy;
}

describe('@remix-run/router: a route array is flattened and ranked once', () => {
  const table = (): RouteLike[] => [
    {
      id: 'root',
      path: '',
      children: [
        {
          id: 'staff',
          path: 'staff',
          children: [
            { id: 'queue', path: 'appeals', index: true },
            { id: 'case', path: 'appeals/:id' },
            { id: 'login', path: 'login' },
          ],
        },
      ],
    },
  ];

  it('matches as before, and the second match of the same array reads no route again', () => {
    const reads = { n: 0 };
    const routes = table().map((r) => counted(r, reads));
    expect(matchRoutes(routes, '/staff/appeals/42')?.map((m) => m.route.id)).toEqual(['root', 'staff', 'case']);
    expect(reads.n).toBeGreaterThan(0);
    reads.n = 0;
    expect(matchRoutes(routes, '/staff/appeals')?.map((m) => m.route.id)).toEqual(['root', 'staff', 'queue']);
    expect(matchRoutes(routes, '/staff/login')?.map((m) => m.route.id)).toEqual(['root', 'staff', 'login']);
    expect(matchRoutes(routes, '/nowhere')).toBeNull();
    expect(reads.n).toBe(0);
  });

  it('flattens another array, even one equal to the first, on its own', () => {
    const first = table();
    matchRoutes(first, '/staff/login');
    const reads = { n: 0 };
    const second = table().map((r) => counted(r, reads));
    second[0].children![0].children!.push({ id: 'extra', path: 'extra' });
    expect(matchRoutes(second, '/staff/extra')?.map((m) => m.route.id)).toEqual(['root', 'staff', 'extra']);
    expect(reads.n).toBeGreaterThan(0);
    expect(matchRoutes(first, '/staff/extra')).toBeNull();
  });

  it('keeps one compiled pattern per path, case sensitivity and end', () => {
    for (let round = 0; round < 2; round++) {
      expect(matchPath({ path: '/Staff', caseSensitive: true }, '/staff')).toBeNull();
      expect(matchPath({ path: '/Staff', caseSensitive: false }, '/staff')?.pathname).toBe('/staff');
      expect(matchPath({ path: '/staff', end: true }, '/staff/appeals')).toBeNull();
      expect(matchPath({ path: '/staff', end: false }, '/staff/appeals')?.pathname).toBe('/staff');
    }
  });
});

describe('react-router-dom: the static router converts a route array once', () => {
  it('gives the same data routes for the same array, and its own for another', async () => {
    const handler = createStaticHandler([{ id: 'root', path: '/', children: [{ id: 'x', path: 'x' }] }]);
    const context = await handler.query(new Request('http://portal.test/x'));
    const a = createStaticRouter(handler.dataRoutes, context);
    const b = createStaticRouter(handler.dataRoutes, context);
    expect(b.routes).toBe(a.routes);
    expect(b.state.matches.map((m) => m.route.id)).toEqual(['root', 'x']);

    const other = createStaticHandler([{ id: 'root', path: '/', children: [{ id: 'y', path: 'y' }] }]);
    const c = createStaticRouter(other.dataRoutes, await other.query(new Request('http://portal.test/y')));
    expect(c.routes).not.toBe(a.routes);
    expect(c.state.matches.map((m) => m.route.id)).toEqual(['root', 'y']);
  });
});

describe('@remix-run/react: RemixServer makes the route objects once per build', () => {
  /** A two-route build whose page notes the route object React rendered it under, per document request. */
  function buildWith(pageText: string) {
    const seen: object[] = [];
    const Page = () => {
      const { matches } = useContext(UNSAFE_RouteContext);
      seen.push(matches[matches.length - 1].route);
      return createElement('p', null, pageText);
    };
    const manifestRoute = (id: string, parentId: string | undefined, path: string) => ({
      id,
      parentId,
      path,
      index: undefined,
      caseSensitive: undefined,
      module: `/build/${id}.js`,
      imports: [],
      hasAction: false,
      hasLoader: false,
      hasClientAction: false,
      hasClientLoader: false,
      hasErrorBoundary: false,
    });
    const build = {
      mode: 'production',
      assetsBuildDirectory: 'public/build',
      publicPath: '/build/',
      basename: undefined,
      isSpaMode: false,
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_routeConfig: false,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: false,
        unstable_optimizeDeps: false,
      },
      assets: {
        entry: { module: '/build/entry.js', imports: [] },
        routes: { root: manifestRoute('root', undefined, ''), page: manifestRoute('page', 'root', 'page') },
        url: '/build/manifest.js',
        version: '1',
      },
      routes: {
        root: {
          id: 'root',
          parentId: undefined,
          path: '',
          index: undefined,
          caseSensitive: undefined,
          module: { default: () => createElement('main', null, createElement(require('@remix-run/react').Outlet)) },
        },
        page: {
          id: 'page',
          parentId: 'root',
          path: 'page',
          index: undefined,
          caseSensitive: undefined,
          module: { default: Page },
        },
      },
      entry: {
        module: {
          default: (request: Request, status: number, headers: Headers, context: unknown) =>
            new Response(renderToString(createElement(RemixServer, { context: context as never, url: request.url })), {
              status,
              headers,
            }),
        },
      },
    };
    return { build: build as unknown as ServerBuild, seen };
  }

  it('renders every document request with the same route objects, and another build with its own', async () => {
    const one = buildWith('first build');
    const handle = createRequestHandler(one.build, 'production');
    for (let i = 0; i < 2; i++) {
      const res = await handle(new Request('http://portal.test/page'));
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<p>first build</p>');
    }
    expect(one.seen).toHaveLength(2);
    expect(one.seen[1]).toBe(one.seen[0]);

    const two = buildWith('second build');
    const res = await createRequestHandler(two.build, 'production')(new Request('http://portal.test/page'));
    expect(await res.text()).toContain('<p>second build</p>');
    expect(two.seen[0]).not.toBe(one.seen[0]);
  });
});
