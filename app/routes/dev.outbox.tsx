import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useLoaderData } from '@remix-run/react';
import { hasDevTools } from '~/config.server';
import { listDelivered } from '~/outbox/dev-outbox.server';

export const meta: MetaFunction = () => [
  { title: 'Dev outbox — Account Recovery Desk' },
  { name: 'robots', content: 'noindex' },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (!hasDevTools(context.services.config)) throw new Response('Not found', { status: 404 });
  const url = new URL(request.url);
  const to = url.searchParams.get('to');
  // The mails' links are written with PUBLIC_URL; here they are shown with the origin this page was
  // opened on (localhost or 127.0.0.1, another port…), so that a click stays on the portal at hand.
  const messages = (await listDelivered(context.services.prisma, { to })).map((m) => ({
    ...m,
    text: onOrigin(m.text, context.services.config.publicUrl, url.origin),
  }));
  return { to, origin: url.origin, messages };
}

function onOrigin(text: string, publicUrl: string, origin: string): string {
  const base = publicUrl.replace(/\/+$/, '');
  return base ? text.split(base).join(origin) : text;
}

/** The mail's text with its links to this portal made clickable (nothing else is linked). */
function Linked({ text, origin }: { text: string; origin: string }) {
  const parts = text.split(/(https?:\/\/[^\s<>"']+)/g);
  return (
    <>
      {parts.map((part, i) => {
        const trimmed = part.replace(/[.,;:!?)]+$/, '');
        if (i % 2 === 1 && trimmed.startsWith(`${origin}/`)) {
          return (
            <span key={i}>
              <a href={trimmed}>{trimmed}</a>
              {part.slice(trimmed.length)}
            </span>
          );
        }
        return <span key={i}>{part}</span>;
      })}
    </>
  );
}

export default function DevOutbox() {
  const { to, origin, messages } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Dev outbox</h1>
      <p className="lead">
        Emails and SMS the portal delivered, newest first. Only in demo, development and test mode — a deployment
        answers 404. Also as <a href="/dev/outbox.json">JSON</a>.
      </p>
      <Form method="get" className="card">
        <label htmlFor="to-filter">Show messages to</label>
        <div className="actions">
          <input id="to-filter" type="search" name="to" defaultValue={to ?? ''} placeholder="email or phone" />
          <button type="submit" className="secondary">
            Filter
          </button>
        </div>
      </Form>
      {messages.length === 0 ? <p className="muted">No messages delivered yet.</p> : null}
      {messages.map((m) => (
        <article key={m.id} className="card" aria-labelledby={`msg-${m.id}`}>
          <h2 id={`msg-${m.id}`} className="small">
            <span className="badge">{m.channel}</span> to <span className="mono">{m.to}</span> —{' '}
            {m.subject || m.template}
          </h2>
          <p className="muted small">{new Date(m.sentAt).toUTCString()}</p>
          <pre className="mail outbox-text">
            <Linked text={m.text} origin={origin} />
          </pre>
        </article>
      ))}
    </>
  );
}
