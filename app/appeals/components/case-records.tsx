// The appeal as filed beside the account record, with the match indicators and the risk signals.
import { Link } from '@remix-run/react';
import { MATCH_WORDS } from '../matching';
import type { CaseView } from '../case-view.server';

export function CaseRecords({ d }: { d: CaseView }) {
  const a = d.appeal;
  const given = [
    a.given.uid && `UID ${a.given.uid}`,
    a.given.alias && `alias ${a.given.alias}`,
    a.given.oldEmail && `old email ${a.given.oldEmail}`,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <div className="grid-2">
      <section className="card" aria-labelledby="appeal-h">
        <h2 id="appeal-h">The appeal</h2>
        <dl>
          <dt>Identification given</dt>
          <dd>{given || (a.origin === 'NOT_ME_LINK' ? 'from a “This wasn’t me” notice' : '—')}</dd>
          <dt>Holder</dt>
          <dd>
            {a.holderName} ({a.accountType.toLowerCase()})
          </dd>
          <dt>New logon email</dt>
          <dd className="mono">
            {a.newEmail} <span className="badge ok">proved by code</span>
          </dd>
          {a.newPhone ? (
            <>
              <dt>New secure phone</dt>
              <dd className="mono">{a.newPhone}</dd>
            </>
          ) : null}
          <dt>Last payment</dt>
          <dd>{a.lastPayment}</dd>
          <dt>Created (approx.)</dt>
          <dd>{a.createdMonth}</dd>
          <dt>Submitted</dt>
          <dd>{new Date(a.submittedAt).toUTCString()}</dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="account-h">
        <h2 id="account-h">Account record</h2>
        {d.account ? (
          <dl>
            <dt>UID</dt>
            <dd className="mono">{d.account.uid}</dd>
            <dt>Logon email</dt>
            <dd className="mono">{d.account.logonEmail}</dd>
            <dt>Secure phone</dt>
            <dd className="mono">{d.account.securePhone ?? 'none'}</dd>
            <dt>Holder</dt>
            <dd>
              {d.account.holderName} ({d.account.type.toLowerCase()})
            </dd>
          </dl>
        ) : (
          <p className="notice error">No account matches the identification given.</p>
        )}
        <h3>Match indicators</h3>
        <ul data-testid="matches">
          {d.matches.map((m) => (
            <li key={m.key}>
              {`${m.label}: `}
              <span className={`badge ${m.result === 'match' ? 'ok' : m.result === 'mismatch' ? 'bad' : 'warn'}`}>
                {MATCH_WORDS[m.result]}
              </span>
              {m.detail ? (
                <span className={m.result === 'mismatch' ? undefined : 'muted small'}> — {m.detail}</span>
              ) : null}
            </li>
          ))}
        </ul>
        <h3>Risk signals</h3>
        {d.risk.signals.length ? (
          <ul data-testid="risk">
            {d.risk.signals.map((s) => (
              <li key={s.code}>
                {s.label}
                {s.appealId && s.caseNumber ? (
                  <>
                    {' — '}
                    <Link to={`/staff/appeals/${s.appealId}`} className="mono">
                      {s.caseNumber}
                    </Link>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">None.</p>
        )}
      </section>
    </div>
  );
}
