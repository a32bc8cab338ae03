import type { LoaderFunctionArgs } from '@remix-run/node';

/**
 * The benchmark's baseline: a resource route that returns a constant, so `npm run bench` can compare
 * every page with the framework's ceiling on the same machine. Only a portal started with
 * PORTAL_BENCH=1 answers; every other one says 404, like for any unknown path.
 */
export function loader({ context }: LoaderFunctionArgs) {
  if (!context.services.config.bench) throw new Response('Not Found', { status: 404 });
  return new Response('ok', { headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });
}
