// Review and decide: the checklist, approve (one or two approvers), request information, reject.
// Shown by what this member may do on the case as it is (CASL); the server decides again.
import { useState } from 'react';
import { Form } from '@remix-run/react';
import { subject } from '@casl/ability';
import { Can, useAppAbility } from '~/components/ability';
import { CHECKLIST, REJECT_REASONS } from '../review';
import type { CaseView } from '../case-view.server';

/** The case page's answer, the shape every form answers in, with the intent it answers (the page has several forms). */
export type CaseAnswer =
  { intent: string; fieldErrors: Record<string, string>; error: string | null; message: string | null } | undefined;

/** The refusal of one of the page's forms (by its intent): its first field error, shown at its text box. */
export function caseFormError(result: CaseAnswer, intent: string): string | undefined {
  return result?.intent === intent ? Object.values(result.fieldErrors)[0] : undefined;
}

/** Why Approve is disabled, in words: the server counts the saved checklist, not the ticked boxes. */
function approveHint(saved: Record<string, boolean>, ticked: ReadonlySet<string>): string | null {
  if (CHECKLIST.every((item) => saved[item.key])) return null;
  const unticked = CHECKLIST.filter((item) => !ticked.has(item.key));
  if (!unticked.length)
    return 'Save the completed checklist to approve: ticked boxes count once “Save checklist” is pressed.';
  return `Save the completed checklist to approve. Not checked yet: ${unticked.map((item) => item.label).join('; ')}.`;
}

/** Why the checklist cannot be worked on by this member, or null when it can. */
function checklistLocked(a: CaseView['appeal'], me: string, canDecide: boolean): string | null {
  if (canDecide) return null;
  if (a.status === 'SUBMITTED' || (a.status === 'IN_REVIEW' && !a.assignee)) return 'Claim the case to decide.';
  if (a.assignee && a.assignee.id !== me && a.status === 'IN_REVIEW')
    return `${a.assignee.name} has this case: only they can decide it.`;
  if (a.status === 'PENDING_SECOND_APPROVAL') return 'The first approval was given with this checklist.';
  if (a.status === 'AWAITING_CUSTOMER') return 'The case waits for the customer.';
  return 'This case is decided.';
}

export function CaseDecisions({
  d,
  result,
  busy,
  Hidden,
}: {
  d: CaseView;
  result: CaseAnswer;
  busy: boolean;
  Hidden: () => JSX.Element;
}) {
  const a = d.appeal;
  const subj = subject('Appeal', { ...a } as never) as never;
  const ability = useAppAbility();
  const requestError = caseFormError(result, 'request-info');
  const rejectError = caseFormError(result, 'reject');
  const canDecide = ability.can('approve', subj);
  const savedKeys = CHECKLIST.filter((item) => a.checklist[item.key]).map((item) => item.key as string);
  // The boxes as ticked in this form since the case (version) was loaded; a save reloads the case.
  const [form, setForm] = useState<{ version: number; ticked: string[] } | null>(null);
  const ticked = new Set(form?.version === a.version ? form.ticked : savedKeys);
  const hint = approveHint(a.checklist, ticked);
  const locked = checklistLocked(a, d.me, canDecide);
  return (
    <section className="card" aria-labelledby="review-h">
      <h2 id="review-h">Review and decide</h2>
      <Form
        method="post"
        onChange={(e) =>
          setForm({ version: a.version, ticked: new FormData(e.currentTarget).getAll('check').map(String) })
        }
      >
        <input type="hidden" name="intent" value="checklist" />
        <Hidden />
        <fieldset disabled={Boolean(locked)} aria-describedby={locked ? 'checklist-locked' : undefined}>
          <legend>Review checklist (required before approval)</legend>
          {locked ? (
            <p className="small muted" id="checklist-locked" data-testid="checklist-locked">
              {locked}
            </p>
          ) : null}
          {CHECKLIST.map((item) => (
            <label key={item.key} className="choice">
              <input type="checkbox" name="check" value={item.key} defaultChecked={Boolean(a.checklist[item.key])} />{' '}
              <span>{item.label}</span>
            </label>
          ))}
        </fieldset>
        {canDecide ? (
          <button type="submit" className="secondary" disabled={busy}>
            Save checklist
          </button>
        ) : null}
      </Form>
      {a.blockedReason ? (
        <p className="notice error" data-testid="not-approvable">
          {a.blockedReason}
        </p>
      ) : null}
      <div className="actions">
        <Can I="approve" this={subj}>
          {a.blockedReason ? null : a.noAccount ? (
            <p className="notice warn" data-testid="no-account-approve">
              No account matches the identification given, so an approval would have nothing to change.{' '}
              <a href="#reject-reason">Reject the appeal</a>
              {` with the reason “${REJECT_REASONS.ACCOUNT_NOT_FOUND}”.`}
            </p>
          ) : (
            <Form method="post">
              <input type="hidden" name="intent" value="approve" />
              <Hidden />
              <button
                type="submit"
                disabled={busy || !a.checklistComplete}
                aria-describedby={hint ? 'approve-hint' : undefined}
              >
                {a.riskLevel === 'HIGH' ? 'Approve (first of two)' : 'Approve'}
              </button>
              {hint ? (
                <p className="small muted" id="approve-hint">
                  {hint}
                </p>
              ) : null}
            </Form>
          )}
        </Can>
        {a.blockedReason ? null : (
          <Can I="secondApprove" this={subj}>
            <Form method="post">
              <input type="hidden" name="intent" value="second-approve" />
              <Hidden />
              <button type="submit" disabled={busy}>
                Give the second approval
              </button>
            </Form>
          </Can>
        )}
      </div>
      <Can I="requestInfo" this={subj}>
        <Form method="post" className="field">
          <input type="hidden" name="intent" value="request-info" />
          <Hidden />
          <label htmlFor="request-message">Ask the customer for more information</label>
          <textarea
            id="request-message"
            name="message"
            rows={3}
            aria-invalid={requestError ? true : undefined}
            aria-describedby={requestError ? 'request-error' : undefined}
          />
          {requestError ? (
            <p className="field-error" id="request-error">
              {requestError}
            </p>
          ) : null}
          <button type="submit" className="secondary" disabled={busy}>
            Request information
          </button>
        </Form>
      </Can>
      <Can I="reject" this={subj}>
        <Form method="post" className="field">
          <input type="hidden" name="intent" value="reject" />
          <Hidden />
          <label htmlFor="reject-reason">Reject — reason</label>
          <select id="reject-reason" name="reason" defaultValue={a.noAccount ? 'ACCOUNT_NOT_FOUND' : undefined}>
            {Object.entries(REJECT_REASONS).map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
          <label htmlFor="reject-message">Message to the customer</label>
          <textarea
            id="reject-message"
            name="message"
            rows={3}
            aria-invalid={rejectError ? true : undefined}
            aria-describedby={rejectError ? 'reject-error' : undefined}
          />
          {rejectError ? (
            <p className="field-error" id="reject-error">
              {rejectError}
            </p>
          ) : null}
          <fieldset>
            <legend>May the customer file again?</legend>
            <label className="choice">
              <input type="radio" name="final" value="retry" defaultChecked /> <span>Yes — retry allowed</span>
            </label>
            <label className="choice">
              <input type="radio" name="final" value="final" /> <span>No — final</span>
            </label>
          </fieldset>
          <button type="submit" className="secondary" disabled={busy}>
            Reject
          </button>
        </Form>
      </Can>
    </section>
  );
}
