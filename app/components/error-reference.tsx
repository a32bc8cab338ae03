import { useRouteLoaderData } from '@remix-run/react';
import { Trans, useTranslation } from 'react-i18next';

/**
 * The error page's reference: the id of the request that rendered the page (its X-Request-Id and the
 * `requestId` of its log line), so support can find what happened. A page whose own root data failed
 * to load shows none; the response header still carries the id.
 */
export function ErrorReference() {
  const root = useRouteLoaderData('root') as { requestId?: string } | undefined;
  const { t } = useTranslation();
  if (!root?.requestId) return null;
  return (
    <p data-testid="error-reference">
      <Trans t={t} i18nKey="error.reference" values={{ id: root.requestId }} components={{ code: <code /> }} />
    </p>
  );
}
