import type { LoaderFunctionArgs } from '@remix-run/node';
import { isLanguage } from '~/i18n/config';
import { PAGE_NAMESPACES, resources } from '~/i18n/resources.server';

/** One namespace of one language, for a page the browser reaches by a client-side navigation. */
export function loader({ params }: LoaderFunctionArgs) {
  const ns = PAGE_NAMESPACES.find((n) => n === params.ns);
  if (!isLanguage(params.lng) || !ns) throw new Response('Not found', { status: 404 });
  // The files change only with a new build; an hour's cache spares a request per navigation.
  return Response.json(resources[params.lng][ns], { headers: { 'Cache-Control': 'public, max-age=3600' } });
}
