import { useRouteLoaderData } from '@remix-run/react';

/**
 * The error page's reference: the id of the request that rendered the page (its X-Request-Id and the
 * `requestId` of its log line), so support can find what happened. A page whose own root data failed
 * to load shows none; the response header still carries the id.
 */
export function ErrorReference() {
  const root = useRouteLoaderData('root') as { requestId?: string } | undefined;
  if (!root?.requestId) return null;
  return (
    <p data-testid="error-reference">
      If you contact support, quote this reference: <code>{root.requestId}</code>
    </p>
  );
}
