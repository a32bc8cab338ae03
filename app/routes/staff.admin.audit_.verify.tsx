// /staff/admin/audit/verify — walks the audit log's hash chain inside the running portal (which is how
// `npm run audit:verify` is done while the portal holds the embedded database). Audited like a view.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { requireStaff } from '~/staff/session.server';
import { assertAllowed } from '~/auth/guards.server';
import { recordAuditEvent, verifyAuditChain } from '~/audit/audit.server';
import { requestMeta } from '~/lib/request.server';
import { TextField } from '~/components/form';
import { staffTitle } from '~/staff/pages';

export const meta: MetaFunction = () => [{ title: staffTitle('Verify the audit chain') }];

const HEAD_FORMAT = 'Enter the head as <event id>:<64 hex characters>, as an earlier check printed it.';

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { staff, ability } = await requireStaff(request, context);
  assertAllowed(ability, 'read', 'AuditEvent');
  const { prisma } = context.services;
  const given = (new URL(request.url).searchParams.get('head') ?? '').trim().slice(0, 200);
  const parsed = given ? /^(\d{1,19}):([0-9a-f]{64})$/i.exec(given) : null;
  if (given && !parsed)
    return data({ given, error: HEAD_FORMAT, result: null }, { status: 400, headers: { 'Cache-Control': 'no-store' } });
  const report = await verifyAuditChain(
    prisma,
    5000,
    parsed ? { id: BigInt(parsed[1]), hash: parsed[2].toLowerCase() } : undefined,
  );
  const result = {
    ok: report.firstBrokenId === null,
    checked: report.checked,
    firstBrokenId: report.firstBrokenId?.toString() ?? null,
    problem: report.problem ?? null,
    head: report.head ? `${report.head.id}:${report.head.hash}` : null,
  };
  await recordAuditEvent(prisma, {
    actor: { type: 'staff', id: staff.id },
    action: 'audit.verified',
    meta: requestMeta(context, request),
    data: {
      ok: result.ok,
      checked: result.checked,
      firstBrokenId: result.firstBrokenId,
      expectedHead: given || undefined,
    },
  });
  return data({ given, error: null, result }, { headers: { 'Cache-Control': 'no-store' } });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { ability } = await requireStaff(request, context);
  assertAllowed(ability, 'read', 'AuditEvent');
  throw new Response('Method not allowed', { status: 405, headers: { Allow: 'GET' } });
}

export default function VerifyAuditChain() {
  const { given, error, result } = useLoaderData<typeof loader>();
  return (
    <div className="narrow">
      <h1>Verify the audit chain</h1>
      {result ? (
        <div className={`notice ${result.ok ? 'ok' : 'error'}`} role="status" data-testid="chain-result">
          {result.ok ? (
            <>
              <p>
                <strong>Audit chain intact:</strong> {result.checked} events.
              </p>
              {result.head ? (
                <p className="small">
                  Head <span className="mono">{result.head}</span>. Keep it somewhere the database&apos;s administrators
                  cannot edit (a ticket, a mail); entering it here later proves that nothing up to it was cut off.
                </p>
              ) : null}
            </>
          ) : (
            <p>
              <strong>{`Audit chain BROKEN at event ${result.firstBrokenId}:`}</strong>{' '}
              {`${result.problem}. The ${result.checked} events before it are intact; this one or the one before it was edited, deleted or inserted afterwards.`}
            </p>
          )}
        </div>
      ) : null}
      <Form method="get" className="card" aria-label="Verify the audit chain">
        <TextField
          name="head"
          label="Head from an earlier check (optional)"
          hint="<event id>:<hash>"
          defaultValue={given}
          error={error ?? undefined}
        />
        <div className="actions">
          <button type="submit">Verify the chain</button>
          <Link to="/staff/admin/audit" className="button secondary">
            Back to the audit log
          </Link>
        </div>
      </Form>
    </div>
  );
}
