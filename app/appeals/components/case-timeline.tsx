// The case's audit events in the back office's words; a member's views of one file are one line with a count.
import { timelineLabel } from '../review';
import type { CaseView } from '../case-view.server';

export function CaseTimeline({ timeline }: { timeline: CaseView['timeline'] }) {
  return (
    <section className="card" aria-labelledby="timeline-h">
      <h2 id="timeline-h">Timeline</h2>
      <ol className="small" data-testid="timeline">
        {timeline.map((t) => (
          <li key={t.id}>
            {`${new Date(t.at).toUTCString()} — ${timelineLabel(t.action)}${t.count > 1 ? ` ×${t.count}` : ''} (${t.who})${t.why ? ` — ${t.why}` : ''} `}
            {t.lastAt ? <span className="muted">{`last ${new Date(t.lastAt).toUTCString()} `}</span> : null}
            <code className="muted">{t.action}</code>
          </li>
        ))}
      </ol>
    </section>
  );
}
