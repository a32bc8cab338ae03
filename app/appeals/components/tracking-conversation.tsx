/** One card: the messages (no list numbers — each says who and when) and the files sent with the appeal. */
export function TrackingConversation({
  messages,
  files,
}: {
  messages: { id: string; who: string; body: string; at: string; files: string[] }[];
  files: { name: string; deleted: boolean }[];
}) {
  return (
    <section className="card conversation" aria-labelledby="conversation">
      <ol aria-label="Messages">
        {messages.map((m) => (
          <li key={m.id}>
            <p className="small muted">
              {m.who} · {new Date(m.at).toUTCString()}
            </p>
            <p>{m.body}</p>
            {m.files.length ? <p className="small">Attached: {m.files.join(', ')}</p> : null}
          </li>
        ))}
      </ol>
      {files.length ? (
        <p className="small files-sent" data-testid="files-sent">
          Files sent with the appeal:{' '}
          {files.map((f) => (f.deleted ? `${f.name} (deleted after the retention period)` : f.name)).join(', ')}
        </p>
      ) : null}
    </section>
  );
}
