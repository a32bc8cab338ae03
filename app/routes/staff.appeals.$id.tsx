import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { useEffect, useRef, useState } from 'react';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { subject } from '@casl/ability';
import { z } from 'zod';
import { requireStaff } from '~/staff/session.server';
import { denialReason } from '~/authz/ability';
import { forbidden } from '~/auth/guards.server';
import { requestMeta } from '~/lib/request.server';
import { maskEmail, maskPhone } from '~/account/masking';
import { SCENARIOS } from '~/appeals/schema';
import { dueOrClosed } from '~/appeals/sla';
import { CHECKLIST, REJECT_REASONS, checklistComplete, timelineLabel } from '~/appeals/review';
import { MATCH_WORDS, matchIndicators } from '~/appeals/matching';
import { reassessFiled } from '~/appeals/risk.server';
import { recordCaseView } from '~/appeals/viewers.server';
import { loadCaseRecords } from '~/appeals/case-page.server';
import { readWith } from '~/db/composed.server';
import {
  UUID, addInternalNote, approveAppeal, claimAppeal, reassignAppeal, rejectAppeal, releaseAppeal, requestInformation, secondApproveAppeal, updateChecklist, type StaffActor,
} from '~/appeals/decisions.server';
import { appealWorkers } from '~/appeals/assignment.server';
import { isOnHold } from '~/appeals/options';
import { staffTitle } from '~/staff/pages';
import { VIEWER_HEARTBEAT_MS, presencePath } from '~/appeals/presence';
import { Can } from '~/components/ability';
import { FormError, FormStatus } from '~/components/form';

export const meta: MetaFunction<typeof loader> = ({ data: d }) => [{ title: staffTitle(d?.appeal.caseNumber ?? 'Case') }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const member = await requireStaff(request, context);
  const { db, prisma } = context.services;
  const id = params.id ?? '';
  if (denialReason(member.ability, 'read', 'Appeal')) throw forbidden('Your role does not include working on appeals.');
  if (!UUID.test(id)) throw new Response('This case does not exist.', { status: 404 });
  const now = new Date();
  // The case with its account, evidence, conversation, notes, staff names, timeline and the other
  // members looking at it: one prepared statement (appeals/case-page.server.ts). Beside it, this view
  // is recorded for the others' collision hint (at most every 30 s).
  const [found] = await Promise.all([loadCaseRecords(db, id, { staffId: member.staff.id, now }), recordCaseView(prisma, id, member.staff.id, now)]);
  if (!found) throw new Response('This case does not exist.', { status: 404 });
  const { appeal, evidence, messages, notes, account, staff, timeline, viewers } = found;
  // Read-only counts: no interactive transaction (it would cost a BEGIN/COMMIT and hold a connection).
  const risk = await reassessFiled(readWith(db), { ...appeal, id }, account, evidence.map((e) => e.sha256), now);
  const staffNames = new Map(staff.map((s) => [s.id, s.name]));
  const person = (staffId: string | null) => (staffId ? { id: staffId, name: staffNames.get(staffId) ?? '' } : null);
  // The level an approval will act on (decisions.server.ts): the stored one, raised by what is seen now.
  const riskLevel = appeal.riskLevel === 'HIGH' || risk.level === 'HIGH' ? 'HIGH' : 'NORMAL';
  const subjectFields = { id: appeal.id, status: appeal.status, assigneeId: appeal.assigneeId, firstApproverId: appeal.firstApproverId, riskLevel };
  const dates = dueOrClosed(appeal);
  // Whom a senior agent can hand the case to (asked only of those who may).
  const workers = denialReason(member.ability, 'reassign', 'Appeal', subjectFields) ? [] : await appealWorkers(prisma);
  return {
    me: member.staff.id,
    workers,
    appeal: {
      ...subjectFields,
      caseNumber: appeal.caseNumber,
      version: appeal.version,
      scenario: SCENARIOS.find((s) => s.value === appeal.scenario)?.label ?? appeal.scenario,
      origin: appeal.origin,
      priority: appeal.priority,
      accountFound: appeal.accountFound,
      // What an approval needs (decisions.server.ts approveAppeal): an account to change.
      noAccount: !appeal.accountUid,
      given: { uid: appeal.givenUid, alias: appeal.givenAlias, oldEmail: appeal.givenOldEmail },
      accountType: appeal.accountType,
      holderName: appeal.holderName,
      newEmail: appeal.newEmail,
      newPhone: appeal.newPhone,
      lastPayment: appeal.lastPaymentCents != null ? `${(appeal.lastPaymentCents / 100).toFixed(2)} ${appeal.lastPaymentCurrency}` : '—',
      createdMonth: appeal.createdMonth,
      submittedAt: appeal.submittedAt.toISOString(),
      // A closed case has no due date any more; the page says when it was closed instead.
      slaDueAt: dates.dueAt,
      closedAt: dates.closedAt,
      breached: ['SUBMITTED', 'IN_REVIEW', 'PENDING_SECOND_APPROVAL'].includes(appeal.status) && appeal.slaDueAt < now,
      assignee: person(appeal.assigneeId),
      firstApprover: person(appeal.firstApproverId),
      checklist: appeal.checklist as Record<string, boolean>,
      checklistComplete: checklistComplete(appeal.checklist),
      rejectReason: appeal.rejectReason,
      // Approved and waiting for the hold to end; or when the account was changed.
      handoverAt: isOnHold(appeal) ? appeal.handoverAt!.toISOString() : null,
      handedOverAt: appeal.handedOverAt?.toISOString() ?? null,
      // Too many wrong answers: nobody may approve (decisions.server.ts riskAtDecision says the same).
      blockedReason: risk.blockedReason,
    },
    evidence: evidence.map((e) => ({ id: e.id, kind: e.kind, name: e.originalName, mime: e.mimeType, size: e.sizeBytes, sha256: e.sha256, deleted: Boolean(e.deletedAt) })),
    account: account
      ? { uid: account.uid, logonEmail: maskEmail(account.logonEmail), securePhone: maskPhone(account.securePhone), holderName: account.holderName, type: account.accountType, createdAt: account.createdAt.toISOString() }
      : null,
    matches: matchIndicators(appeal, account),
    risk,
    viewers: viewers.map((staffId) => staffNames.get(staffId) ?? ''),
    messages: messages.map((m) => ({ id: m.id, author: m.author, who: m.author === 'STAFF' ? ((m.staffId && staffNames.get(m.staffId)) || 'Support') : m.author === 'CUSTOMER' ? 'Customer' : 'System', body: m.body, at: m.createdAt.toISOString() })),
    notes: notes.map((n) => ({ id: n.id, who: staffNames.get(n.staffId) ?? '', body: n.body, at: n.createdAt.toISOString() })),
    timeline: timeline.map((t) => ({
      id: t.id,
      at: t.at.toISOString(),
      action: t.action,
      who: t.actorType === 'staff' ? (staffNames.get(t.actorId ?? '') ?? 'staff') : t.actorType,
      why: t.reason ? ((REJECT_REASONS as Record<string, string>)[t.reason] ?? t.reason) : null,
    })),
  };
}

const text = (max: number, empty: string) => z.string().trim().min(1, empty).max(max, `Use at most ${max} characters.`);
const versionSchema = z.coerce.number().int().min(0);

export async function action({ request, params, context }: ActionFunctionArgs) {
  const member = await requireStaff(request, context);
  const form = await request.formData();
  const actor: StaffActor = { staffId: member.staff.id, ability: member.ability, meta: requestMeta(context, request) };
  const id = params.id ?? '';
  const version = versionSchema.safeParse(form.get('version'));
  const v = version.success ? version.data : -1;
  const services = context.services;
  let result;
  switch (form.get('intent')) {
    case 'claim':
      result = await claimAppeal(services, actor, id);
      break;
    case 'release':
      result = await releaseAppeal(services, actor, id, v);
      break;
    case 'reassign':
      result = await reassignAppeal(services, actor, id, v, String(form.get('to') ?? ''));
      break;
    case 'note': {
      const body = text(5000, 'Write the note.').safeParse(form.get('body') ?? '');
      if (!body.success) return data({ ok: false, field: 'note', message: body.error.issues[0].message }, { status: 400 });
      result = await addInternalNote(services, actor, id, body.data);
      break;
    }
    case 'checklist':
      result = await updateChecklist(services, actor, id, v, form.getAll('check').map(String));
      break;
    case 'request-info': {
      const body = text(5000, 'Write what the customer should send or explain.').safeParse(form.get('message') ?? '');
      if (!body.success) return data({ ok: false, field: 'request', message: body.error.issues[0].message }, { status: 400 });
      result = await requestInformation(services, actor, id, v, body.data);
      break;
    }
    case 'approve':
      result = await approveAppeal(services, actor, id, v);
      break;
    case 'second-approve':
      result = await secondApproveAppeal(services, actor, id, v);
      break;
    case 'reject': {
      const parsed = z
        .object({ reason: z.enum(Object.keys(REJECT_REASONS) as [keyof typeof REJECT_REASONS]), message: text(5000, 'Write the message the customer will read.'), final: z.enum(['retry', 'final']) })
        .safeParse({ reason: form.get('reason'), message: form.get('message') ?? '', final: form.get('final') });
      if (!parsed.success) return data({ ok: false, field: 'reject', message: parsed.error.issues[0].message }, { status: 400 });
      result = await rejectAppeal(services, actor, id, v, { reason: parsed.data.reason, message: parsed.data.message, final: parsed.data.final === 'final' });
      break;
    }
    default:
      return data({ ok: false, field: null, message: 'Unknown request.' }, { status: 400 });
  }
  if (!result.ok) return data({ ok: false, field: null, message: result.message }, { status: result.status });
  return data({ ok: true, field: null, message: result.message });
}

/** Why Approve is disabled, in words: the server counts the saved checklist, not the ticked boxes. */
function approveHint(saved: Record<string, boolean>, ticked: ReadonlySet<string>): string | null {
  if (CHECKLIST.every((item) => saved[item.key])) return null;
  const unticked = CHECKLIST.filter((item) => !ticked.has(item.key));
  if (!unticked.length) return 'Save the completed checklist to approve: ticked boxes count once “Save checklist” is pressed.';
  return `Save the completed checklist to approve. Not checked yet: ${unticked.map((item) => item.label).join('; ')}.`;
}

/**
 * Who else is looking, kept current while the page is open: a beat every VIEWER_HEARTBEAT_MS records
 * this member's presence and answers with the others; leaving the page (another page of the app,
 * closing the tab, a reload) removes it, so nobody is shown for minutes after they left.
 */
function useOthersLooking(appealId: string, loaded: string[]): string[] {
  const [live, setLive] = useState<{ loaded: string[]; viewers: string[] } | null>(null);
  const current = useRef(loaded);
  current.current = loaded;
  useEffect(() => {
    const url = presencePath(appealId);
    const post = (intent: string) => {
      const body = new FormData();
      body.set('intent', intent);
      return body;
    };
    const beat = () =>
      fetch(url, { method: 'POST', body: post('beat') })
        .then((res) => (res.ok ? res.json() : null))
        .then((answer: { viewers?: string[] } | null) => {
          if (answer?.viewers) setLive({ loaded: current.current, viewers: answer.viewers });
        })
        .catch(() => {});
    // The member's other tabs on this case (same browser) hear of a leave and report at once (after the
    // leave has reached the server), so closing one of two tabs does not hide the member for a beat.
    const tabs = typeof BroadcastChannel === 'function' ? new BroadcastChannel(`ard-presence:${appealId}`) : null;
    let rejoin: number | undefined;
    if (tabs) tabs.onmessage = (event) => {
      if (event.data !== 'left') return;
      window.clearTimeout(rejoin);
      rejoin = window.setTimeout(() => void beat(), 500);
    };
    const leave = () => {
      navigator.sendBeacon(url, post('leave'));
      tabs?.postMessage('left');
    };
    // Back from the browser's back/forward cache: the leave was sent, so say so again at once.
    const back = (event: PageTransitionEvent) => event.persisted && void beat();
    const timer = window.setInterval(beat, VIEWER_HEARTBEAT_MS);
    window.addEventListener('pagehide', leave);
    window.addEventListener('pageshow', back);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener('pagehide', leave);
      window.removeEventListener('pageshow', back);
      leave();
      window.clearTimeout(rejoin);
      tabs?.close();
    };
  }, [appealId]);
  // A newer load of the page (after an action) answers for itself until the next beat.
  return live && live.loaded === loaded ? live.viewers : loaded;
}

export default function CasePage() {
  const d = useLoaderData<typeof loader>();
  const viewers = useOthersLooking(d.appeal.id, d.viewers);
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const a = d.appeal;
  const subj = subject('Appeal', { ...a } as never) as never;
  const savedKeys = CHECKLIST.filter((item) => a.checklist[item.key]).map((item) => item.key as string);
  // The boxes as ticked in this form since the case (version) was loaded; a save reloads the case.
  const [form, setForm] = useState<{ version: number; ticked: string[] } | null>(null);
  const ticked = new Set(form?.version === a.version ? form.ticked : savedKeys);
  const hint = approveHint(a.checklist, ticked);
  const Hidden = () => (
    <>
      <input type="hidden" name="version" value={a.version} />
    </>
  );
  return (
    <>
      <p className="small"><Link to="/staff/appeals">← Queue</Link></p>
      <h1>
        Appeal <span className="mono">{a.caseNumber}</span>
      </h1>
      <p className="lead">
        {a.scenario} · status <strong>{a.status.replace(/_/g, ' ').toLowerCase()}</strong> · risk{' '}
        {a.riskLevel === 'HIGH' ? <span className="badge bad">high</span> : 'normal'} ·{' '}
        {a.slaDueAt ? `due ${new Date(a.slaDueAt).toUTCString()}` : a.closedAt ? `closed ${new Date(a.closedAt).toUTCString()}` : 'closed'}
        {a.breached ? <span className="badge bad"> SLA breached</span> : null}
        {a.priority > 0 ? <span className="badge warn"> priority</span> : null}
      </p>
      {a.priority > 0 ? (
        <p className="notice warn" data-testid="priority">
          Priority case: filed from a “This wasn’t me” security notice by the address the logon email was changed from. It is decided within 1 working day
          and an approval takes effect at once (no hold).
        </p>
      ) : null}
      {a.handoverAt ? (
        <p className="notice" data-testid="on-hold">
          Approved. The change takes effect on {new Date(a.handoverAt).toUTCString()}; until then the account’s owner can stop it.
        </p>
      ) : a.handedOverAt ? (
        <p className="notice ok" data-testid="handed-over">
          Handed over on {new Date(a.handedOverAt).toUTCString()}: logon email set, password removed, every session signed out.
        </p>
      ) : null}
      <div role="status" data-testid="collision-region">
        {viewers.length ? (
          <div className="notice warn" data-testid="collision">
            <p>Also looking at this case right now: {viewers.join(', ')}.</p>
          </div>
        ) : null}
      </div>
      {result?.ok ? <FormStatus>{result.message}</FormStatus> : <FormError>{result?.message}</FormError>}

      <div className="card actions">
        <span>Assignee: {a.assignee ? (a.assignee.id === d.me ? 'you' : a.assignee.name) : 'nobody'}</span>
        <Can I="claim" this={subj}>
          <Form method="post"><input type="hidden" name="intent" value="claim" /><Hidden /><button type="submit" disabled={busy}>Claim</button></Form>
        </Can>
        <Can I="release" this={subj}>
          <Form method="post"><input type="hidden" name="intent" value="release" /><Hidden /><button type="submit" className="secondary" disabled={busy}>Release</button></Form>
        </Can>
        {a.firstApprover ? <span className="small muted">First approval by {a.firstApprover.id === d.me ? 'you' : a.firstApprover.name}</span> : null}
        <Can I="reassign" this={subj}>
          <Form method="post" className="inline">
            <input type="hidden" name="intent" value="reassign" />
            <Hidden />
            <label htmlFor="reassign-to">Reassign to</label>{' '}
            <select id="reassign-to" name="to" defaultValue={a.assignee?.id ?? ''}>
              <option value="" disabled>Choose a member</option>
              {d.workers.map((w) => <option key={w.id} value={w.id}>{w.name}</option>)}
            </select>{' '}
            <button type="submit" className="secondary" disabled={busy}>Reassign</button>
          </Form>
        </Can>
      </div>

      <div className="grid-2">
        <section className="card" aria-labelledby="appeal-h">
          <h2 id="appeal-h">The appeal</h2>
          <dl>
            <dt>Identification given</dt>
            <dd>{[a.given.uid && `UID ${a.given.uid}`, a.given.alias && `alias ${a.given.alias}`, a.given.oldEmail && `old email ${a.given.oldEmail}`].filter(Boolean).join(' · ') || (a.origin === 'NOT_ME_LINK' ? 'from a “This wasn’t me” notice' : '—')}</dd>
            <dt>Holder</dt><dd>{a.holderName} ({a.accountType.toLowerCase()})</dd>
            <dt>New logon email</dt><dd className="mono">{a.newEmail} <span className="badge ok">proved by code</span></dd>
            {a.newPhone ? (<><dt>New secure phone</dt><dd className="mono">{a.newPhone}</dd></>) : null}
            <dt>Last payment</dt><dd>{a.lastPayment}</dd>
            <dt>Created (approx.)</dt><dd>{a.createdMonth}</dd>
            <dt>Submitted</dt><dd>{new Date(a.submittedAt).toUTCString()}</dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="account-h">
          <h2 id="account-h">Account record</h2>
          {d.account ? (
            <dl>
              <dt>UID</dt><dd className="mono">{d.account.uid}</dd>
              <dt>Logon email</dt><dd className="mono">{d.account.logonEmail}</dd>
              <dt>Secure phone</dt><dd className="mono">{d.account.securePhone ?? 'none'}</dd>
              <dt>Holder</dt><dd>{d.account.holderName} ({d.account.type.toLowerCase()})</dd>
            </dl>
          ) : (
            <p className="notice error">No account matches the identification given.</p>
          )}
          <h3>Match indicators</h3>
          <ul data-testid="matches">
            {d.matches.map((m) => (
              <li key={m.key}>
                {`${m.label}: `}<span className={`badge ${m.result === 'match' ? 'ok' : m.result === 'mismatch' ? 'bad' : 'warn'}`}>{MATCH_WORDS[m.result]}</span>
                {m.detail ? <span className={m.result === 'mismatch' ? undefined : 'muted small'}> — {m.detail}</span> : null}
              </li>
            ))}
          </ul>
          <h3>Risk signals</h3>
          {d.risk.signals.length ? (
            <ul data-testid="risk">
              {d.risk.signals.map((s) => (
                <li key={s.code}>
                  {s.label}
                  {s.appealId && s.caseNumber ? <> — <Link to={`/staff/appeals/${s.appealId}`} className="mono">{s.caseNumber}</Link></> : null}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">None.</p>
          )}
        </section>
      </div>

      <section className="card evidence" aria-labelledby="evidence-h">
        <h2 id="evidence-h">Evidence</h2>
        {d.evidence.map((e) => (
          <figure key={e.id}>
            <figcaption>
              {e.kind.replace(/_/g, ' ').toLowerCase()} — {e.name} ({Math.ceil(e.size / 1024)} KB, {e.mime}) <span className="mono small muted">sha256 {e.sha256.slice(0, 16)}…</span>
            </figcaption>
            {e.deleted ? (
              <p className="muted">Deleted after the retention period.</p>
            ) : e.mime === 'application/pdf' ? (
              <iframe src={`/staff/evidence/${e.id}`} title={`PDF ${e.name}`} />
            ) : (
              <img src={`/staff/evidence/${e.id}`} alt={`${e.kind.replace(/_/g, ' ').toLowerCase()} uploaded by the customer: ${e.name}`} loading="lazy" />
            )}
          </figure>
        ))}
      </section>

      <section className="card" aria-labelledby="review-h">
        <h2 id="review-h">Review and decide</h2>
        <Form method="post" onChange={(e) => setForm({ version: a.version, ticked: new FormData(e.currentTarget).getAll('check').map(String) })}>
          <input type="hidden" name="intent" value="checklist" />
          <Hidden />
          <fieldset>
            <legend>Review checklist (required before approval)</legend>
            {CHECKLIST.map((item) => (
              <label key={item.key} className="choice">
                <input type="checkbox" name="check" value={item.key} defaultChecked={Boolean(a.checklist[item.key])} /> <span>{item.label}</span>
              </label>
            ))}
          </fieldset>
          <Can I="approve" this={subj}>
            <button type="submit" className="secondary" disabled={busy}>Save checklist</button>
          </Can>
        </Form>
        {a.blockedReason ? (
          <p className="notice error" data-testid="not-approvable">{a.blockedReason}</p>
        ) : null}
        <div className="actions">
          <Can I="approve" this={subj}>
            {a.blockedReason ? null : a.noAccount ? (
              <p className="notice warn" data-testid="no-account-approve">
                No account matches the identification given, so an approval would have nothing to change.{' '}
                <a href="#reject-reason">Reject the appeal</a>{` with the reason “${REJECT_REASONS.ACCOUNT_NOT_FOUND}”.`}
              </p>
            ) : (
              <Form method="post">
                <input type="hidden" name="intent" value="approve" />
                <Hidden />
                <button type="submit" disabled={busy || !a.checklistComplete} aria-describedby={hint ? 'approve-hint' : undefined}>
                  {a.riskLevel === 'HIGH' ? 'Approve (first of two)' : 'Approve'}
                </button>
                {hint ? <p className="small muted" id="approve-hint">{hint}</p> : null}
              </Form>
            )}
          </Can>
          {a.blockedReason ? null : (
            <Can I="secondApprove" this={subj}>
              <Form method="post"><input type="hidden" name="intent" value="second-approve" /><Hidden /><button type="submit" disabled={busy}>Give the second approval</button></Form>
            </Can>
          )}
        </div>
        <Can I="requestInfo" this={subj}>
          <Form method="post" className="field">
            <input type="hidden" name="intent" value="request-info" />
            <Hidden />
            <label htmlFor="request-message">Ask the customer for more information</label>
            <textarea id="request-message" name="message" rows={3} aria-invalid={result?.field === 'request' ? true : undefined} aria-describedby={result?.field === 'request' ? 'request-error' : undefined} />
            {result?.field === 'request' ? <p className="field-error" id="request-error">{result.message}</p> : null}
            <button type="submit" className="secondary" disabled={busy}>Request information</button>
          </Form>
        </Can>
        <Can I="reject" this={subj}>
          <Form method="post" className="field">
            <input type="hidden" name="intent" value="reject" />
            <Hidden />
            <label htmlFor="reject-reason">Reject — reason</label>
            <select id="reject-reason" name="reason" defaultValue={a.noAccount ? 'ACCOUNT_NOT_FOUND' : undefined}>
              {Object.entries(REJECT_REASONS).map(([k, label]) => <option key={k} value={k}>{label}</option>)}
            </select>
            <label htmlFor="reject-message">Message to the customer</label>
            <textarea id="reject-message" name="message" rows={3} aria-invalid={result?.field === 'reject' ? true : undefined} aria-describedby={result?.field === 'reject' ? 'reject-error' : undefined} />
            {result?.field === 'reject' ? <p className="field-error" id="reject-error">{result.message}</p> : null}
            <fieldset>
              <legend>May the customer file again?</legend>
              <label className="choice"><input type="radio" name="final" value="retry" defaultChecked /> <span>Yes — retry allowed</span></label>
              <label className="choice"><input type="radio" name="final" value="final" /> <span>No — final</span></label>
            </fieldset>
            <button type="submit" className="secondary" disabled={busy}>Reject</button>
          </Form>
        </Can>
      </section>

      <div className="grid-2">
        <section className="card" aria-labelledby="conv-h">
          <h2 id="conv-h">Customer conversation</h2>
          <ol>{d.messages.map((m) => <li key={m.id}><p className="small muted">{m.who} · {new Date(m.at).toUTCString()}</p><p>{m.body}</p></li>)}</ol>
        </section>
        <section className="card" aria-labelledby="notes-h">
          <h2 id="notes-h">Internal notes <span className="small muted">(never shown to the customer)</span></h2>
          <ol>{d.notes.map((n) => <li key={n.id}><p className="small muted">{n.who} · {new Date(n.at).toUTCString()}</p><p>{n.body}</p></li>)}</ol>
          <Can I="note" this={subj}>
            <Form method="post" className="field">
              <input type="hidden" name="intent" value="note" />
              <label htmlFor="note-body">Add a note</label>
              <textarea id="note-body" name="body" rows={2} aria-invalid={result?.field === 'note' ? true : undefined} aria-describedby={result?.field === 'note' ? 'note-error' : undefined} />
              {result?.field === 'note' ? <p className="field-error" id="note-error">{result.message}</p> : null}
              <button type="submit" className="secondary" disabled={busy}>Add note</button>
            </Form>
          </Can>
        </section>
      </div>

      <section className="card" aria-labelledby="timeline-h">
        <h2 id="timeline-h">Timeline</h2>
        <ol className="small" data-testid="timeline">
          {d.timeline.map((t) => (
            <li key={t.id}>
              {`${new Date(t.at).toUTCString()} — ${timelineLabel(t.action)} (${t.who})${t.why ? ` — ${t.why}` : ''} `}
              <code className="muted">{t.action}</code>
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
