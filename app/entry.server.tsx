import type { AppLoadContext, EntryContext } from '@remix-run/node';
import { RemixServer, isRouteErrorResponse } from '@remix-run/react';
import { renderToString } from 'react-dom/server';
import { NonceProvider } from '~/components/nonce';
import { isDatabaseUnavailable } from '~/db/errors';
import { isBadInput } from '~/lib/request.server';
import { errorFields } from '~/server/log.server';
import { I18nextProvider } from 'react-i18next';
import { requestLanguage } from '~/i18n/i18n.server';
import { instanceFor } from '~/i18n/translate.server';
import { COMMON_NAMESPACE, type Language } from '~/i18n/config';
import { resources, type Namespace } from '~/i18n/resources.server';

// The server's own start-up lives in the same bundle, so `npm start` and the tests reach it as
// build.entry.module.startPortal without a second copy of the app's modules.
export { startPortal } from '~/server/start.server';
export { readConfig } from '~/config.server';

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext?.nonce ?? '';
  // No page streams (no defer, no Suspense of its own), so the document is rendered whole, as one
  // string, and sent with its length. The loader data Remix hands to the browser (a turbo-stream
  // encoding) is read to its end first, so <Scripts> has nothing left to wait for. React's streaming
  // renderer would copy every tag into byte buffers and through a PassThrough, a web stream and the
  // adapter's write loop: more CPU than the page itself on a busy server (see README, Benchmarks).
  // A render error rejects, and Remix renders the error boundary instead: never a truncated page.
  await readHandoff(remixContext);
  const language = await requestLanguage(request, loadContext);
  const rendered = renderToString(
    <I18nextProvider i18n={instanceFor(language)}>
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} nonce={nonce} />
      </NonceProvider>
    </I18nextProvider>,
  );
  const html = `<!DOCTYPE html>${rendered.replace('</head>', `${translationsScript(remixContext, language, nonce)}</head>`)}`;
  responseHeaders.set('Content-Type', 'text/html; charset=utf-8');
  if (!responseHeaders.has('Cache-Control')) responseHeaders.set('Cache-Control', 'no-store');
  const body = Buffer.from(html);
  // A known length: no chunked encoding, so headers and body leave in one write.
  responseHeaders.set('Content-Length', String(body.length));
  return new Response(body, { headers: responseHeaders, status: responseStatusCode });
}

/**
 * The translations of this page's namespaces (common + the matched routes' `handle.i18n`), for the
 * browser to start with: the page ships only what it uses, and hydrates without another request.
 */
function translationsScript(context: EntryContext, language: Language, nonce: string): string {
  const namespaces = new Set<string>([COMMON_NAMESPACE]);
  for (const match of context.staticHandlerContext.matches) {
    const handle = context.routeModules[match.route.id]?.handle as { i18n?: unknown } | undefined;
    if (Array.isArray(handle?.i18n)) for (const ns of handle.i18n) namespaces.add(String(ns));
  }
  const bundle: Record<string, unknown> = {};
  for (const ns of namespaces) if (ns in resources[language]) bundle[ns] = resources[language][ns as Namespace];
  // JSON inside <script>: `<` escaped, so no text in a translation can end the element.
  const json = JSON.stringify(bundle).replace(/</g, '\\u003c');
  return `<script nonce="${nonce}">window.__i18n=${json}</script>`;
}

/**
 * Reads the whole single-fetch handoff stream and leaves it where RemixServer's StreamTransfer looks
 * first (renderMeta.streamCache, one entry per chunk it renders): the data as chunk 0, the end as
 * chunk 1. StreamTransfer then renders both <script>s without suspending, which renderToString needs.
 */
async function readHandoff(context: EntryContext) {
  const stream = context.serverHandoffStream;
  if (!stream || !context.renderMeta) return;
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value, { stream: true });
  text += decoder.decode();
  reader.releaseLock();
  const settled = (result: { done: boolean; value: string }) => Object.assign(Promise.resolve(), { result });
  context.renderMeta.streamCache = text
    ? { 0: settled({ done: false, value: text }), 1: settled({ done: true, value: '' }) }
    : { 0: settled({ done: true, value: '' }) };
}

export function handleError(error: unknown, { request, context }: { request: Request; context?: AppLoadContext }) {
  if (request.signal.aborted) return;
  // The database went away: the response becomes a 503 (see server/http.server.ts), not a 500.
  if (isDatabaseUnavailable(error)) {
    if (context?.flags) context.flags.databaseUnavailable = true;
    context?.services.logger.error(
      { event: 'database.unavailable', requestId: context.requestId, ...errorFields(error) },
      'database unavailable',
    );
    return;
  }
  // Input no route can take (a broken form body, a value the database cannot store): 400, see server/http.server.ts.
  if (isBadInput(error)) {
    if (context?.flags) context.flags.badInput = true;
    context?.services.logger.warn(
      { event: 'input.refused', requestId: context.requestId, ...errorFields(error) },
      'refused input',
    );
    return;
  }
  // A 404 for a path nobody serves, or a 405 for a POST to a page without a form, is not an error of the portal.
  if (isRouteErrorResponse(error) && (error.status === 404 || error.status === 405)) return;
  if (context?.services)
    context.services.logger.error(
      { event: 'request.error', requestId: context.requestId, ...errorFields(error, true) },
      'request failed',
    );
  else console.error(error);
}
