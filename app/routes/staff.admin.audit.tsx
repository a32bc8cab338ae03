import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { requireStaff } from '~/staff/session.server';
import { assertAllowed } from '~/auth/guards.server';
import {
  activeFilters,
  auditPage,
  auditQuery,
  caseNumbers,
  readAuditFilters,
  staffEmails,
  type AuditFilters,
} from '~/audit/audit-log.server';
import { recordAuditEvent, stableJson } from '~/audit/audit.server';
import { requestMeta } from '~/lib/request.server';
import { TextField } from '~/components/form';
import { staffTitle } from '~/staff/pages';

export const meta: MetaFunction = () => [{ title: staffTitle('Audit log') }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { staff, ability } = await requireStaff(request, context);
  assertAllowed(ability, 'read', 'AuditEvent');
  const { prisma } = context.services;
  const params = new URL(request.url).searchParams;
  const filters = readAuditFilters(params);
  const before = params.get('before');
  const { where, errors } = await auditQuery(prisma, ability, filters);
  const invalid = Object.keys(errors).length > 0;
  const page = invalid ? { rows: [], next: null } : await auditPage(prisma, where, before);
  const [emails, cases] = await Promise.all([staffEmails(prisma, page.rows), caseNumbers(prisma, page.rows)]);
  // Reading the log is itself an audited act.
  await recordAuditEvent(prisma, {
    actor: { type: 'staff', id: staff.id },
    action: 'audit.viewed',
    meta: requestMeta(context, request),
    data: { filters: activeFilters(filters), before: before ?? undefined, rows: page.rows.length },
  });
  const query = new URLSearchParams(Object.entries(activeFilters(filters)) as [string, string][]);
  return data(
    {
      filters,
      errors,
      query: query.toString(),
      next: page.next,
      firstPage: !before,
      rows: page.rows.map((r) => ({
        id: r.id.toString(),
        at: r.at.toISOString(),
        actorType: r.actorType,
        actorId: r.actorId,
        actorEmail: (r.actorId && emails.get(r.actorId)) || null,
        action: r.action,
        accountUid: r.accountUid,
        appealId: r.appealId,
        caseNumber: (r.appealId && cases.get(r.appealId)) || null,
        ip: r.ip,
        data: stableJson(r.data),
      })),
    },
    { status: invalid ? 400 : 200, headers: { 'Cache-Control': 'no-store' } },
  );
}

/** Nothing is posted here; the same checks answer so a POST learns no more than a GET. */
export async function action({ request, context }: ActionFunctionArgs) {
  const { ability } = await requireStaff(request, context);
  assertAllowed(ability, 'read', 'AuditEvent');
  throw new Response('Method not allowed', { status: 405, headers: { Allow: 'GET' } });
}

// Kept here (not in the .server module): the browser renders the form too.
const FILTER_KEYS = [
  'actor',
  'action',
  'case',
  'account',
  'from',
  'to',
] as const satisfies readonly (keyof AuditFilters)[];

const LABELS: Record<keyof AuditFilters, { label: string; hint?: string; type?: string }> = {
  actor: { label: 'Actor', hint: 'staff email or id, customer session id' },
  action: { label: 'Action', hint: 'e.g. staff.created or staff.*' },
  case: { label: 'Case', hint: 'case number or appeal id' },
  account: { label: 'Account UID' },
  from: { label: 'From (UTC)', type: 'date' },
  to: { label: 'To (UTC)', type: 'date' },
};

export default function AuditLog() {
  const d = useLoaderData<typeof loader>();
  const olderQuery = new URLSearchParams(d.query);
  if (d.next) olderQuery.set('before', d.next);
  return (
    <div>
      <h1>Audit log</h1>
      <p className="lead">
        Every security-relevant event, newest first. Events are append-only and chained by hash; viewing and exporting
        are recorded too.
      </p>
      <Form method="get" action="/staff/admin/audit/verify" className="actions">
        <button type="submit" className="secondary">
          Verify the chain
        </button>
      </Form>
      <Form method="get" className="card filters" aria-label="Filter the audit log">
        {FILTER_KEYS.map((k) => (
          <TextField
            key={k}
            name={k}
            label={LABELS[k].label}
            hint={LABELS[k].hint}
            type={LABELS[k].type ?? 'text'}
            defaultValue={d.filters[k]}
            error={d.errors[k]}
          />
        ))}
        <div className="actions">
          <button type="submit">Filter</button>
          <Link to="/staff/admin/audit" className="button secondary">
            Clear
          </Link>
          <a href={`/staff/admin/audit.csv${d.query ? `?${d.query}` : ''}`} className="button secondary" download>
            Export CSV
          </a>
        </div>
      </Form>
      {d.rows.length === 0 ? (
        <p className="notice" role="status">
          No events match these filters.
        </p>
      ) : (
        <table aria-label="Audit events">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">When (UTC)</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Account</th>
              <th scope="col">Case</th>
              <th scope="col">IP</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {d.rows.map((r) => (
              <tr key={r.id} data-testid={`audit-${r.id}`}>
                <td className="mono small">{r.id}</td>
                <td className="small">{r.at.replace('T', ' ').slice(0, 19)}</td>
                <td className="small">
                  <span className="badge">{r.actorType}</span>{' '}
                  {r.actorEmail ?? <span className="mono">{r.actorId ?? ''}</span>}
                </td>
                <td className="mono small">{r.action}</td>
                <td className="mono small">{r.accountUid ?? ''}</td>
                <td className="mono small" title={r.appealId ?? undefined}>
                  {r.caseNumber ?? r.appealId ?? ''}
                </td>
                <td className="mono small">{r.ip ?? ''}</td>
                <td className="mono small">{r.data === '{}' ? '' : r.data}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav className="actions" aria-label="Pages">
        {!d.firstPage ? (
          <Link to={`/staff/admin/audit${d.query ? `?${d.query}` : ''}`} className="button secondary">
            Newest
          </Link>
        ) : null}
        {d.next ? (
          <Link to={`/staff/admin/audit?${olderQuery.toString()}`} className="button secondary" rel="next">
            Older
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
