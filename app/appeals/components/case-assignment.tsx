// Who holds the case, and what this member may do about it: claim, release, or (a senior agent) hand it on.
import { Form } from '@remix-run/react';
import { subject } from '@casl/ability';
import { Can } from '~/components/ability';
import type { CaseView } from '../case-view.server';

export function CaseAssignment({ d, busy, Hidden }: { d: CaseView; busy: boolean; Hidden: () => JSX.Element }) {
  const a = d.appeal;
  const subj = subject('Appeal', { ...a } as never) as never;
  return (
    <div className="card actions">
      <span data-testid="assignee">
        Assignee: {a.assignee ? (a.assignee.id === d.me ? 'you' : a.assignee.name) : 'nobody'}
      </span>
      <Can I="claim" this={subj}>
        <Form method="post">
          <input type="hidden" name="intent" value="claim" />
          <Hidden />
          <button type="submit" disabled={busy}>
            Claim
          </button>
        </Form>
      </Can>
      <Can I="release" this={subj}>
        <Form method="post">
          <input type="hidden" name="intent" value="release" />
          <Hidden />
          <button type="submit" className="secondary" disabled={busy}>
            Release
          </button>
        </Form>
      </Can>
      {a.firstApprover ? (
        <span className="small muted">
          First approval by {a.firstApprover.id === d.me ? 'you' : a.firstApprover.name}
        </span>
      ) : null}
      <Can I="reassign" this={subj}>
        <Form method="post" className="inline">
          <input type="hidden" name="intent" value="reassign" />
          <Hidden />
          <label htmlFor="reassign-to">Reassign to</label>{' '}
          <select id="reassign-to" name="to" defaultValue={a.assignee?.id ?? ''}>
            <option value="" disabled>
              Choose a member
            </option>
            {d.workers.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>{' '}
          <button type="submit" className="secondary" disabled={busy}>
            Reassign
          </button>
        </Form>
      </Can>
    </div>
  );
}
