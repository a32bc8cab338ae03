import { PassThrough } from 'node:stream';
import type { AppLoadContext, EntryContext } from '@remix-run/node';
import { createReadableStreamFromReadable } from '@remix-run/node';
import { RemixServer, isRouteErrorResponse } from '@remix-run/react';
import { isbot } from 'isbot';
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
  const bot = isbot(request.headers.get('user-agent') ?? '');
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        [bot ? 'onAllReady' : 'onShellReady']() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set('Content-Type', 'text/html; charset=utf-8');
          if (!responseHeaders.has('Cache-Control')) responseHeaders.set('Cache-Control', 'no-store');
          resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) console.error(error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
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
