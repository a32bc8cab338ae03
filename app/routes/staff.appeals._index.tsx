import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { requireStaff } from '~/staff/session.server';
import { denialReason } from '~/authz/ability';
import { forbidden } from '~/auth/guards.server';
import { COUNT_CAP, SEARCH_CAP, loadQueue, readQueueFilters, type QueueFilterErrors } from '~/appeals/queue.server';
import { SCENARIOS } from '~/appeals/options';
import { ageWords, slaWords, stateWords } from '~/appeals/queue-view';
import { maskEmail } from '~/lib/masking';
import { QueueTable } from '~/appeals/components/queue-table';
import { staffTitle } from '~/staff/pages';

export const meta: MetaFunction = () => [{ title: staffTitle('Appeal queue') }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const member = await requireStaff(request, context);
  if (denialReason(member.ability, 'read', 'Appeal')) throw forbidden('Your role does not include working on appeals.');
  const { filters, errors } = readQueueFilters(new URL(request.url).searchParams);
  // A filter that is not valid answers with its message, never with the queue as if it were not set.
  const invalid = Object.keys(errors).length > 0;
  const now = new Date();
  const queue = invalid ? null : await loadQueue(context.services.db, member.ability, member.staff.id, filters, now);
  return data(
    {
      filters,
      errors,
      next: queue?.next ?? null,
      prev: queue?.prev ?? null,
      total: queue?.total ?? 0,
      totalCapped: queue?.totalCapped ?? false,
      searchCapped: queue?.searchCapped ?? false,
      rows: (queue?.rows ?? []).map((r) => ({
        id: r.id,
        caseNumber: r.caseNumber,
        scenario: SCENARIOS.find((s) => s.value === r.scenario)?.label ?? r.scenario,
        state: stateWords(r),
        risk: r.riskLevel,
        priority: r.priority,
        accountFound: r.accountFound,
        age: ageWords(r, now),
        sla: slaWords(r, now),
        newEmail: maskEmail(r.newEmail),
        assignee: r.assignee ? (r.assignee.id === member.staff.id ? 'You' : r.assignee.name) : null,
      })),
    },
    { status: invalid ? 400 : 200 },
  );
}

function Select({
  name,
  label,
  value,
  options,
  error,
}: {
  name: string;
  label: string;
  value?: string;
  options: [string, string][];
  error?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={`f-${name}`}>{label}</label>
      <select
        id={`f-${name}`}
        name={name}
        defaultValue={value ?? ''}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `f-${name}-error` : undefined}
      >
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
      {error ? (
        <p className="field-error" id={`f-${name}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

export default function Queue() {
  const d = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const { filters } = d;
  const errors: QueueFilterErrors = d.errors;
  const pageLink = (cursor: { after?: string; before?: string }) => {
    const p = new URLSearchParams(params);
    p.delete('after');
    p.delete('before');
    for (const [k, v] of Object.entries(cursor)) if (v) p.set(k, v);
    return `/staff/appeals?${p.toString()}`;
  };
  const invalid = Object.keys(errors).length > 0;
  return (
    <>
      <h1>Appeal queue</h1>
      <Form method="get" className="card filters" aria-label="Filter the queue">
        <Select
          name="status"
          label="Status"
          value={filters.status}
          error={errors.status}
          options={[
            ['open', 'Open'],
            ['SUBMITTED', 'Submitted'],
            ['IN_REVIEW', 'In review'],
            ['AWAITING_CUSTOMER', 'Waiting for customer'],
            ['PENDING_SECOND_APPROVAL', 'Second approval'],
            ['on_hold', 'Approved, on hold'],
            ['APPROVED', 'Approved'],
            ['REJECTED', 'Rejected'],
            ['WITHDRAWN', 'Withdrawn'],
            ['EXPIRED', 'Expired'],
            ['CANCELLED_BY_OWNER', 'Stopped by the owner'],
            ['all', 'All'],
          ]}
        />
        <Select
          name="scenario"
          label="Scenario"
          value={filters.scenario}
          error={errors.scenario}
          options={[['', 'Any'], ...SCENARIOS.map((s) => [s.value, s.label] as [string, string])]}
        />
        <Select
          name="assignee"
          label="Assignee"
          value={filters.assignee === 'mine' || filters.assignee === 'unassigned' ? filters.assignee : ''}
          error={errors.assignee}
          options={[
            ['', 'Anyone'],
            ['mine', 'Mine'],
            ['unassigned', 'Unassigned'],
          ]}
        />
        <Select
          name="sla"
          label="SLA"
          value={filters.sla}
          error={errors.sla}
          options={[
            ['', 'Any'],
            ['on_time', 'On time'],
            ['due_24h', 'Due within 24 h'],
            ['breached', 'Breached'],
          ]}
        />
        <Select
          name="risk"
          label="Risk"
          value={filters.risk}
          error={errors.risk}
          options={[
            ['', 'Any'],
            ['NORMAL', 'Normal'],
            ['HIGH', 'High'],
          ]}
        />
        <Select
          name="priority"
          label="Priority"
          value={filters.priority}
          error={errors.priority}
          options={[
            ['', 'Any'],
            ['yes', 'Priority (“This wasn’t me”)'],
            ['no', 'Not priority'],
          ]}
        />
        <div className="field">
          <label htmlFor="f-q">Search</label>
          <input
            id="f-q"
            type="search"
            name="q"
            defaultValue={errors.q ? (params.get('q') ?? '').slice(0, 300) : (filters.q ?? '')}
            placeholder="Case number or its start, UID, email or its start"
            aria-invalid={errors.q ? true : undefined}
            aria-describedby={errors.q ? 'f-q-error' : 'f-q-hint'}
          />
          <p className="hint small" id="f-q-hint">
            e.g. AP-20261203-00001, 000123, a 16-digit UID, bob@ or bob@example.com
          </p>
          {errors.q ? (
            <p className="field-error" id="f-q-error">
              {errors.q}
            </p>
          ) : null}
        </div>
        <div className="actions">
          <button type="submit">Apply</button>
          <Link to="/staff/appeals">Reset</Link>
        </div>
      </Form>
      <p role="status" data-testid="queue-count">
        {invalid
          ? 'Correct the filter marked above to see the queue.'
          : d.totalCapped
            ? `More than ${COUNT_CAP} appeals match.`
            : `${d.total} appeal${d.total === 1 ? '' : 's'} match.`}
        {d.searchCapped
          ? ` The search matches more than ${SEARCH_CAP} cases: only the first ${SEARCH_CAP} are listed — narrow it.`
          : ''}
      </p>
      <QueueTable rows={d.rows} caption="Appeals: priority cases first, then by decision due date" />
      {d.prev || d.next ? (
        <nav className="actions" aria-label="Pages">
          {d.prev ? (
            <Link to={pageLink({ before: d.prev })} className="button secondary" rel="prev">
              Previous page
            </Link>
          ) : null}
          {d.next ? (
            <Link to={pageLink({ after: d.next })} className="button secondary" rel="next">
              Next page
            </Link>
          ) : null}
        </nav>
      ) : null}
    </>
  );
}
