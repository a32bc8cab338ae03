import type { LoaderFunctionArgs } from '@remix-run/node';
import { hasDevTools } from '~/config.server';
import { listDelivered } from '~/outbox/dev-outbox.server';

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (!hasDevTools(context.services.config)) return new Response('Not found', { status: 404 });
  const params = new URL(request.url).searchParams;
  const messages = await listDelivered(context.services.prisma, {
    to: params.get('to'),
    limit: Number(params.get('limit')) || 50,
  });
  return Response.json(messages, { headers: { 'Cache-Control': 'no-store' } });
}
