import { Writable } from 'node:stream';
import type { AppLoadContext, EntryContext } from '@remix-run/node';
import { RemixServer, isRouteErrorResponse } from '@remix-run/react';
import { renderToPipeableStream } from 'react-dom/server';
import { NonceProvider } from '~/components/nonce';
import { isDatabaseUnavailable } from '~/db/errors';
import { isBadInput } from '~/lib/request.server';

// The server's own start-up lives in the same bundle, so `npm start` and the tests reach it as
// build.entry.module.startPortal without a second copy of the app's modules.
export { startPortal } from '~/server/start.server';
export { readConfig } from '~/config.server';

const ABORT_DELAY = 5_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext?.nonce ?? '';
  // No page streams (no defer, no Suspense of its own): the document is rendered whole and sent as
  // one body. React's chunks through a PassThrough, a web stream and the adapter's write loop cost
  // more CPU than the page itself on a busy server (see README, Benchmarks), and a whole document
  // also lets a render error become an error page instead of a truncated one.
  return new Promise<Response>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback();
      },
    });
    const timer = setTimeout(() => abort(), ABORT_DELAY);
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        onAllReady() {
          sink.on('finish', () => {
            clearTimeout(timer);
            responseHeaders.set('Content-Type', 'text/html; charset=utf-8');
            if (!responseHeaders.has('Cache-Control')) responseHeaders.set('Cache-Control', 'no-store');
            const body = Buffer.concat(chunks);
            // A known length: no chunked encoding, so headers and body leave in one write.
            responseHeaders.set('Content-Length', String(body.length));
            resolve(new Response(body, { headers: responseHeaders, status: responseStatusCode }));
          });
          pipe(sink);
        },
        onShellError(error: unknown) {
          clearTimeout(timer);
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          console.error(error);
        },
      },
    );
  });
}

export function handleError(error: unknown, { request, context }: { request: Request; context?: AppLoadContext }) {
  if (request.signal.aborted) return;
  // The database went away: the response becomes a 503 (see server/http.server.ts), not a 500.
  if (isDatabaseUnavailable(error)) {
    if (context?.flags) context.flags.databaseUnavailable = true;
    console.error(`[portal] database unavailable: ${(error as Error).message?.split('\n')[0]}`);
    return;
  }
  // Input no route can take (a broken form body, a value the database cannot store): 400, see server/http.server.ts.
  if (isBadInput(error)) {
    if (context?.flags) context.flags.badInput = true;
    console.warn(`[portal] refused input: ${(error as Error).message?.split('\n').filter(Boolean).pop()?.slice(0, 200)}`);
    return;
  }
  // A 404 for a path nobody serves is not an error of the portal.
  if (isRouteErrorResponse(error) && error.status === 404) return;
  console.error(error);
}
