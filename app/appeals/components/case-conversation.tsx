// The customer conversation beside the internal notes (never shown to the customer).
import { useEffect, useRef } from 'react';
import { Form } from '@remix-run/react';
import { subject } from '@casl/ability';
import { Can } from '~/components/ability';
import type { CaseView } from '../case-view.server';
import { caseFormError, type CaseAnswer } from './case-decisions';

export function CaseConversation({ d, result, busy }: { d: CaseView; result: CaseAnswer; busy: boolean }) {
  const subj = subject('Appeal', { ...d.appeal } as never) as never;
  // A note that was added leaves the box empty: pressing the button again must not add it twice.
  const noteForm = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (result?.message && result.intent === 'note') noteForm.current?.reset();
  }, [result]);
  const noteError = caseFormError(result, 'note');
  return (
    <div className="grid-2">
      <section className="card" aria-labelledby="conv-h">
        <h2 id="conv-h">Customer conversation</h2>
        <ol>
          {d.messages.map((m) => (
            <li key={m.id}>
              <p className="small muted">
                {m.who} · {new Date(m.at).toUTCString()}
              </p>
              <p>{m.body}</p>
            </li>
          ))}
        </ol>
      </section>
      <section className="card" aria-labelledby="notes-h">
        <h2 id="notes-h">
          Internal notes <span className="small muted">(never shown to the customer)</span>
        </h2>
        <ol>
          {d.notes.map((n) => (
            <li key={n.id}>
              <p className="small muted">
                {n.who} · {new Date(n.at).toUTCString()}
              </p>
              <p>{n.body}</p>
            </li>
          ))}
        </ol>
        <Can I="note" this={subj}>
          <Form method="post" className="field" ref={noteForm}>
            <input type="hidden" name="intent" value="note" />
            <label htmlFor="note-body">Add a note</label>
            <textarea
              id="note-body"
              name="body"
              rows={2}
              aria-invalid={noteError ? true : undefined}
              aria-describedby={noteError ? 'note-error' : undefined}
            />
            {noteError ? (
              <p className="field-error" id="note-error">
                {noteError}
              </p>
            ) : null}
            <button type="submit" className="secondary" disabled={busy}>
              Add note
            </button>
          </Form>
        </Can>
      </section>
    </div>
  );
}
