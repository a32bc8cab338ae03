// The queue as a table (TanStack Table's column model, rendered on the server like any React markup):
// each case's number, scenario, state, risk, age, time to its SLA, new email and assignee.
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { useInAppLinks } from '~/components/in-app-links';

export type QueueRowView = {
  id: string;
  caseNumber: string;
  scenario: string;
  state: string;
  risk: 'NORMAL' | 'HIGH';
  priority: number;
  accountFound: boolean;
  age: string;
  sla: { text: string; tone: 'bad' | 'warn' | 'muted' | null };
  newEmail: string;
  assignee: string | null;
};

const column = createColumnHelper<QueueRowView>();
const COLUMNS = [
  column.accessor('caseNumber', {
    header: 'Case',
    cell: ({ row: { original: r } }) => (
      <>
        <a href={`/staff/appeals/${r.id}`} className="mono">
          {r.caseNumber}
        </a>
        {r.priority > 0 ? (
          <span className="badge warn" title="Filed from a “This wasn’t me” security notice">
            {' '}
            priority
          </span>
        ) : null}
      </>
    ),
  }),
  column.accessor('scenario', { header: 'Scenario' }),
  column.accessor('state', { header: 'State' }),
  column.accessor('risk', {
    header: 'Risk',
    cell: ({ row: { original: r } }) => (
      <>
        {r.risk === 'HIGH' ? <span className="badge bad">high</span> : 'normal'}
        {r.accountFound ? null : <span className="badge"> no account</span>}
      </>
    ),
  }),
  column.accessor('age', { header: 'Age' }),
  column.accessor('sla', {
    header: 'SLA',
    cell: ({ getValue }) => {
      const sla = getValue();
      return sla.tone === 'bad' || sla.tone === 'warn' ? (
        <span className={`badge ${sla.tone}`}>{sla.text}</span>
      ) : (
        <span className={sla.tone === 'muted' ? 'muted' : undefined}>{sla.text}</span>
      );
    },
  }),
  column.accessor('newEmail', {
    header: 'New email',
    cell: ({ getValue }) => <span className="mono">{getValue()}</span>,
  }),
  column.accessor('assignee', {
    header: 'Assignee',
    cell: ({ getValue }) => getValue() ?? <span className="muted">unassigned</span>,
  }),
];

export function QueueTable({ rows, caption }: { rows: QueueRowView[]; caption: string }) {
  const table = useReactTable({
    data: rows,
    columns: COLUMNS,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (r) => r.id,
  });
  const openInApp = useInAppLinks();
  return (
    <table data-testid="queue">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        {table.getHeaderGroups().map((group) => (
          <tr key={group.id}>
            {group.headers.map((header) => (
              <th key={header.id} scope="col">
                {flexRender(header.column.columnDef.header, header.getContext())}
              </th>
            ))}
          </tr>
        ))}
      </thead>
      {/* eslint-disable-next-line jsx-a11y/click-events-have-key-events, jsx-a11y/no-noninteractive-element-interactions -- delegation: the anchors inside take Enter and clicks; this only opens them in the app */}
      <tbody onClick={openInApp}>
        {rows.length === 0 ? (
          <tr>
            <td colSpan={COLUMNS.length} className="muted">
              No appeals match these filters.
            </td>
          </tr>
        ) : (
          table.getRowModel().rows.map((row) => (
            <tr key={row.id} className={row.original.sla.tone === 'bad' ? 'breached' : undefined}>
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
              ))}
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}
