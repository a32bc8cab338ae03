// The top of the case page: what the case is, where it stands, and what needs this member's attention
// first (a second approval waiting for them, a hold, a change someone else made).
import { Link } from '@remix-run/react';
import type { CaseView } from '../case-view.server';

const when = (iso: string) => new Date(iso).toUTCString();

export function CaseHeader({
  d,
  viewers,
  changed,
  onReload,
  canSecondApprove,
}: {
  d: CaseView;
  viewers: string[];
  changed: boolean;
  onReload: () => void;
  canSecondApprove: boolean;
}) {
  const a = d.appeal;
  return (
    <>
      <p className="small">
        <Link to="/staff/appeals">← Queue</Link>
      </p>
      <h1>
        Appeal <span className="mono">{a.caseNumber}</span>
      </h1>
      <p className="lead">
        {a.scenario} · status <strong>{a.status.replace(/_/g, ' ').toLowerCase()}</strong> · risk{' '}
        {a.riskLevel === 'HIGH' ? <span className="badge bad">high</span> : 'normal'} ·{' '}
        {a.slaDueAt ? `due ${when(a.slaDueAt)}` : a.closedAt ? `closed ${when(a.closedAt)}` : 'closed'}
        {a.breached ? <span className="badge bad"> SLA breached</span> : null}
        {a.priority > 0 ? <span className="badge warn"> priority</span> : null}
      </p>
      <div role="status" data-testid="case-changed-region">
        {changed ? (
          <div className="notice warn" data-testid="case-changed">
            <p>
              This case changed since you opened it (someone else acted on it, or the customer wrote).{' '}
              <button type="button" className="link" onClick={onReload}>
                Reload it
              </button>
            </p>
          </div>
        ) : null}
      </div>
      {canSecondApprove && a.status === 'PENDING_SECOND_APPROVAL' ? (
        <div className="notice warn" data-testid="waits-for-you">
          <p>
            <strong>This case waits for your second approval.</strong>{' '}
            {a.firstApprover ? `${a.firstApprover.name} approved it first. ` : ''}It is high risk because:
          </p>
          <ul>
            {d.risk.signals.length ? (
              d.risk.signals.map((s) => <li key={s.code}>{s.label}</li>)
            ) : (
              <li>it was rated high risk when it was filed.</li>
            )}
          </ul>
        </div>
      ) : null}
      {a.priority > 0 ? (
        <p className="notice warn" data-testid="priority">
          Priority case: filed from a “This wasn’t me” security notice by the address the logon email was changed from.
          It is decided within 1 working day and an approval takes effect at once (no hold).
        </p>
      ) : null}
      {a.handoverAt ? (
        <p className="notice" data-testid="on-hold">
          Approved. The change takes effect on {when(a.handoverAt)}; until then the account’s owner can stop it.
        </p>
      ) : a.handedOverAt ? (
        <p className="notice ok" data-testid="handed-over">
          Handed over on {when(a.handedOverAt)}: logon email set, password removed, every session signed out.
        </p>
      ) : null}
      <div role="status" data-testid="collision-region">
        {viewers.length ? (
          <div className="notice warn" data-testid="collision">
            <p>Also looking at this case right now: {viewers.join(', ')}.</p>
          </div>
        ) : null}
      </div>
    </>
  );
}
