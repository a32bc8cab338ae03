import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { requireStaff } from '~/staff/session.server';
import { denialReason } from '~/authz/ability';
import { forbidden } from '~/auth/guards.server';
import { loadQueue, parseQueueFilters } from '~/appeals/queue.server';
import { SCENARIOS, isOnHold } from '~/appeals/options';
import { dueOrClosed } from '~/appeals/sla';
import { maskEmail } from '~/account/masking';
import { useInAppLinks } from '~/components/in-app-links';
import { staffTitle } from '~/staff/pages';

export const meta: MetaFunction = () => [{ title: staffTitle('Appeal queue') }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const member = await requireStaff(request, context);
  const reason = denialReason(member.ability, 'read', 'Appeal');
  if (reason) throw forbidden('Your role does not include working on appeals.');
  const filters = parseQueueFilters(new URL(request.url).searchParams);
  const queue = await loadQueue(context.services.db, member.ability, member.staff.id, filters);
  return {
    filters,
    next: queue.next,
    rows: queue.rows.map((r) => ({
      id: r.id,
      caseNumber: r.caseNumber,
      scenario: SCENARIOS.find((s) => s.value === r.scenario)?.label ?? r.scenario,
      status: r.status,
      risk: r.riskLevel,
      priority: r.priority,
      handoverAt: isOnHold(r) ? r.handoverAt!.toISOString() : null,
      // A closed case has no due date any more: the column shows when it was closed.
      ...dueOrClosed(r),
      breached: r.breached,
      dueSoon: r.dueSoon,
      newEmail: maskEmail(r.newEmail),
      accountFound: r.accountFound,
      assignee: r.assignee ? (r.assignee.id === member.staff.id ? 'You' : r.assignee.name) : null,
    })),
  };
}

function Select({ name, label, value, options }: { name: string; label: string; value?: string; options: [string, string][] }) {
  return (
    <div className="field">
      <label htmlFor={`f-${name}`}>{label}</label>
      <select id={`f-${name}`} name={name} defaultValue={value ?? ''}>
        {options.map(([v, l]) => (
          <option key={v} value={v}>{l}</option>
        ))}
      </select>
    </div>
  );
}

export default function Queue() {
  const { rows, filters, next } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const openInApp = useInAppLinks();
  const nextParams = new URLSearchParams(params);
  if (next) nextParams.set('after', next);
  return (
    <>
      <h1>Appeal queue</h1>
      <Form method="get" className="card filters" aria-label="Filter the queue">
        <Select name="status" label="Status" value={filters.status} options={[['open', 'Open'], ['SUBMITTED', 'Submitted'], ['IN_REVIEW', 'In review'], ['AWAITING_CUSTOMER', 'Waiting for customer'], ['PENDING_SECOND_APPROVAL', 'Second approval'], ['APPROVED', 'Approved'], ['REJECTED', 'Rejected'], ['WITHDRAWN', 'Withdrawn'], ['EXPIRED', 'Expired'], ['CANCELLED_BY_OWNER', 'Stopped by the owner'], ['all', 'All']]} />
        <Select name="scenario" label="Scenario" value={filters.scenario} options={[['', 'Any'], ...SCENARIOS.map((s) => [s.value, s.label] as [string, string])]} />
        <Select name="assignee" label="Assignee" value={filters.assignee} options={[['', 'Anyone'], ['mine', 'Mine'], ['unassigned', 'Unassigned']]} />
        <Select name="sla" label="SLA" value={filters.sla} options={[['', 'Any'], ['on_time', 'On time'], ['due_24h', 'Due within 24 h'], ['breached', 'Breached']]} />
        <Select name="risk" label="Risk" value={filters.risk} options={[['', 'Any'], ['NORMAL', 'Normal'], ['HIGH', 'High']]} />
        <div className="field">
          <label htmlFor="f-q">Search</label>
          <input id="f-q" type="search" name="q" defaultValue={filters.q ?? ''} placeholder="Case number, UID or email" />
        </div>
        <div className="actions">
          <button type="submit">Apply</button>
          <Link to="/staff/appeals">Reset</Link>
        </div>
      </Form>
      <table>
        <caption className="visually-hidden">Appeals: priority cases first, then by decision due date</caption>
        <thead>
          <tr>
            <th scope="col">Case</th><th scope="col">Scenario</th><th scope="col">Status</th><th scope="col">Risk</th><th scope="col">Due / closed</th><th scope="col">New email</th><th scope="col">Assignee</th>
          </tr>
        </thead>
        <tbody onClick={openInApp}>
          {rows.length === 0 ? (
            <tr><td colSpan={7} className="muted">No appeals match these filters.</td></tr>
          ) : (
            rows.map((r) => (
              <tr key={r.id} className={r.breached ? 'breached' : undefined}>
                <td>
                  <a href={`/staff/appeals/${r.id}`} className="mono">{r.caseNumber}</a>
                  {r.priority > 0 ? <span className="badge warn" title="Filed from a “This wasn’t me” security notice"> priority</span> : null}
                </td>
                <td>{r.scenario}</td>
                <td>
                  {r.status.replace(/_/g, ' ').toLowerCase()}
                  {r.handoverAt ? <span className="small muted"> — takes effect {new Date(r.handoverAt).toUTCString().slice(5, 22)}</span> : null}
                </td>
                <td>{r.risk === 'HIGH' ? <span className="badge bad">high</span> : 'normal'}{r.accountFound ? null : <span className="badge"> no account</span>}</td>
                {r.dueAt ? (
                  <td>
                    {new Date(r.dueAt).toUTCString().slice(5, 22)}
                    {r.breached ? <span className="badge bad"> breached</span> : r.dueSoon ? <span className="badge warn"> due soon</span> : null}
                  </td>
                ) : (
                  <td className="muted">{r.closedAt ? `closed ${new Date(r.closedAt).toUTCString().slice(5, 22)}` : 'closed'}</td>
                )}
                <td className="mono">{r.newEmail}</td>
                <td>{r.assignee ?? <span className="muted">unassigned</span>}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      {next ? (
        <p className="actions">
          <Link to={`/staff/appeals?${nextParams.toString()}`} className="button secondary">Next page</Link>
        </p>
      ) : null}
    </>
  );
}
