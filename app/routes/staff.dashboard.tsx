import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { requireStaff } from '~/staff/session.server';
import { assertAllowed } from '~/auth/guards.server';
import { staffTitle } from '~/staff/pages';
import { buildDashboard, readRange } from '~/dashboard/model.server';
import { RANGES, hoursWords, percentWords } from '~/dashboard/figures';
import { duration } from '~/appeals/queue-view';
import { Chart } from '~/dashboard/components/chart';

export const meta: MetaFunction = () => [{ title: staffTitle('Dashboard') }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const member = await requireStaff(request, context);
  assertAllowed(member.ability, 'read', 'Report', { kind: 'desk' });
  const { range, error } = readRange(new URL(request.url).searchParams);
  const now = new Date();
  const model = await buildDashboard(context.services.db, member.ability, member.staff.id, range, now);
  return data({ ...model, rangeError: error, nowAt: now.toISOString() }, { status: error ? 400 : 200 });
}

const q = (params: Record<string, string>) => `/staff/appeals?${new URLSearchParams(params).toString()}`;

function Tile({ to, figure, label, testId }: { to: string; figure: number | string; label: string; testId: string }) {
  return (
    <li>
      <Link to={to} data-testid={testId}>
        <span className="figure">{figure}</span> <span className="label">{label}</span>
      </Link>
    </li>
  );
}

export default function Dashboard() {
  const d = useLoaderData<typeof loader>();
  const n = d.now;
  const when = (iso: string) => new Date(iso).toUTCString().slice(5, 22);
  return (
    <>
      <h1>Dashboard</h1>
      {d.empty ? (
        <div className="notice" role="status" data-testid="dashboard-empty">
          <p>
            <strong>There is nothing here yet:</strong> no appeal has been filed. The figures and charts appear once
            cases come in. (For a demo with history, run <code>npm run db:seed -- --history</code>.)
          </p>
        </div>
      ) : null}

      <section aria-labelledby="now-h">
        <h2 id="now-h">Now</h2>
        <h3 className="small muted">Open cases by state</h3>
        <ul className="tiles" aria-label="Open cases by state">
          <Tile testId="now-open" to={q({ status: 'open' })} figure={n.open} label="open" />
          <Tile
            testId="now-submitted"
            to={q({ status: 'SUBMITTED' })}
            figure={n.byState.SUBMITTED}
            label="new, not yet claimed"
          />
          <Tile testId="now-in-review" to={q({ status: 'IN_REVIEW' })} figure={n.byState.IN_REVIEW} label="in review" />
          <Tile
            testId="now-awaiting"
            to={q({ status: 'AWAITING_CUSTOMER' })}
            figure={n.byState.AWAITING_CUSTOMER}
            label="waiting for the customer"
          />
          <Tile
            testId="now-second"
            to={q({ status: 'PENDING_SECOND_APPROVAL' })}
            figure={n.byState.PENDING_SECOND_APPROVAL}
            label="waiting for a second approval"
          />
          <Tile
            testId="now-hold"
            to={q({ status: 'on_hold' })}
            figure={n.byState.ON_HOLD}
            label="approved, on hold before the handover"
          />
        </ul>
        <h3 className="small muted">Open cases by risk, SLA and priority</h3>
        <ul className="tiles" aria-label="Open cases by risk, SLA and priority">
          <Tile testId="now-high" to={q({ status: 'open', risk: 'HIGH' })} figure={n.byRisk.HIGH} label="high risk" />
          <Tile
            testId="now-normal"
            to={q({ status: 'open', risk: 'NORMAL' })}
            figure={n.byRisk.NORMAL}
            label="normal risk"
          />
          <Tile
            testId="now-on-time"
            to={q({ status: 'open', sla: 'on_time' })}
            figure={n.bySla.on_time}
            label="on time"
          />
          <Tile
            testId="now-due"
            to={q({ status: 'open', sla: 'due_24h' })}
            figure={n.bySla.due_24h}
            label="due within 24 h"
          />
          <Tile
            testId="now-breached"
            to={q({ status: 'open', sla: 'breached' })}
            figure={n.bySla.breached}
            label="past the SLA"
          />
          <Tile
            testId="now-priority"
            to={q({ status: 'open', priority: 'yes' })}
            figure={n.priority}
            label="priority (“This wasn’t me”)"
          />
          {n.oldest ? (
            <Tile
              testId="now-oldest"
              to={`/staff/appeals/${n.oldest.id}`}
              figure={duration(new Date(d.nowAt).getTime() - new Date(n.oldest.submittedAt).getTime())}
              label={`oldest open case (${n.oldest.caseNumber})`}
            />
          ) : (
            <li>
              <span className="figure">—</span> <span className="label">no open case</span>
            </li>
          )}
        </ul>
        <p className="small muted">
          SLA counts cover the cases whose clock runs (not those waiting for the customer). Counted live at{' '}
          {when(d.nowAt)} UTC.
        </p>
      </section>

      <section aria-labelledby="flow-h">
        <h2 id="flow-h">Over time</h2>
        <Form method="get" className="card filters" aria-label="Choose the range">
          <div className="field">
            <label htmlFor="range">Range</label>
            <select
              id="range"
              name="range"
              defaultValue={d.range}
              aria-invalid={d.rangeError ? true : undefined}
              aria-describedby={d.rangeError ? 'range-error' : undefined}
            >
              {Object.entries(RANGES).map(([k, r]) => (
                <option key={k} value={k}>
                  {r.label}
                </option>
              ))}
            </select>
            {d.rangeError ? (
              <p className="field-error" id="range-error">
                {d.rangeError}
              </p>
            ) : null}
          </div>
          <div className="actions">
            <button type="submit">Show</button>
          </div>
        </Form>
        <ul className="tiles" aria-label="The range in figures" data-testid="flow-figures">
          <li>
            <span className="figure">{d.summary.filed}</span> filed
          </li>
          <li>
            <span className="figure">{d.summary.decidedTotal}</span> closed
          </li>
          <li>
            <span className="figure">{hoursWords(d.summary.medianHours)}</span> median filing to decision
          </li>
          <li>
            <span className="figure">{hoursWords(d.summary.p90Hours)}</span> 90th percentile
          </li>
          <li>
            <span className="figure">{percentWords(d.summary.withinSlaShare)}</span> decided within SLA
          </li>
          <li>
            <span className="figure">{percentWords(d.summary.approvalRate)}</span> approval rate
          </li>
          <li>
            <span className="figure">{percentWords(d.summary.highRiskShare)}</span> filed as high risk
          </li>
        </ul>
        <p className="small muted" data-testid="refreshed">
          {d.refreshedAt
            ? `Past days from the daily roll-up, last brought up to date ${when(d.refreshedAt)} UTC; ${d.liveFrom ? `from ${d.liveFrom} counted live` : 'today counted live'}.`
            : 'The daily roll-up has not run yet: every day is counted live.'}{' '}
          Times are filing to decision of approved and rejected cases, in whole hours.
        </p>
        {d.charts.map((c) => (
          <Chart
            key={c.id}
            chart={c}
            csvHref={`/staff/dashboard.csv?${new URLSearchParams({ range: d.range, series: c.id }).toString()}`}
          />
        ))}
      </section>

      <section aria-labelledby="people-h">
        <h2 id="people-h">People</h2>
        <p>
          {d.people.seesEveryone ? 'Every member who works cases.' : 'The team’s totals and your own row.'} Decided and
          handling time are for the range above.
        </p>
        <div className="people-wrap" role="region" aria-label="People" tabIndex={0}>
          <table data-testid="people">
            <caption className="visually-hidden">
              People: open cases assigned, decisions in the range, median handling time and second approvals
            </caption>
            <thead>
              <tr>
                <th scope="col">Member</th>
                <th scope="col">Open assigned</th>
                <th scope="col">Decided</th>
                <th scope="col">Median handling time</th>
                <th scope="col">Second approvals given</th>
              </tr>
            </thead>
            <tbody>
              {d.people.rows.map((r) => (
                <tr key={r.staffId} data-testid="person-row">
                  <th scope="row">{r.you ? `${r.name} (you)` : r.name}</th>
                  <td>
                    <Link to={q({ status: 'open', assignee: r.staffId })}>{r.open}</Link>
                  </td>
                  <td>{r.decided}</td>
                  <td>{hoursWords(r.medianHandlingHours)}</td>
                  <td>{r.secondApprovals}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr data-testid="team-row">
                <th scope="row">{`Team (${d.people.team.members})`}</th>
                <td>{d.people.team.open}</td>
                <td>{d.people.team.decided}</td>
                <td>{hoursWords(d.people.team.medianHandlingHours)}</td>
                <td>{d.people.team.secondApprovals}</td>
              </tr>
            </tfoot>
          </table>
        </div>
        <p className="small">
          <a
            href={`/staff/dashboard.csv?${new URLSearchParams({ range: d.range, series: 'people' }).toString()}`}
            download
          >
            Download “People” as CSV
          </a>
        </p>
      </section>
    </>
  );
}
