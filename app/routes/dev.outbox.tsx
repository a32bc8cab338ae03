import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useLoaderData } from '@remix-run/react';
import { hasDevTools } from '~/config.server';
import { listDelivered } from '~/outbox/dev-outbox.server';

export const meta: MetaFunction = () => [{ title: 'Dev outbox — Account Recovery Desk' }, { name: 'robots', content: 'noindex' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (!hasDevTools(context.services.config)) throw new Response('Not found', { status: 404 });
  const to = new URL(request.url).searchParams.get('to');
  return { to, messages: await listDelivered(context.services.prisma, { to }) };
}

export default function DevOutbox() {
  const { to, messages } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Dev outbox</h1>
      <p className="lead">
        Emails and SMS the portal delivered, newest first. Only in demo, development and test mode — a deployment answers 404.
        Also as <a href="/dev/outbox.json">JSON</a>.
      </p>
      <Form method="get" className="card">
        <label htmlFor="to-filter">Show messages to</label>
        <div className="actions">
          <input id="to-filter" type="search" name="to" defaultValue={to ?? ''} placeholder="email or phone" />
          <button type="submit" className="secondary">Filter</button>
        </div>
      </Form>
      {messages.length === 0 ? <p className="muted">No messages delivered yet.</p> : null}
      {messages.map((m) => (
        <article key={m.id} className="card" aria-labelledby={`msg-${m.id}`}>
          <h2 id={`msg-${m.id}`} className="small">
            <span className="badge">{m.channel}</span> to <span className="mono">{m.to}</span> — {m.subject || m.template}
          </h2>
          <p className="muted small">{new Date(m.sentAt).toUTCString()}</p>
          <pre className="mail">{m.text}</pre>
        </article>
      ))}
    </>
  );
}
