import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { useEffect, useRef } from 'react';
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation, useParams } from '@remix-run/react';
import { customerStatus, EVIDENCE_LIMITS, isOnHold, OPEN_STATUSES } from '~/appeals/options';
import { slaWorkingDays } from '~/appeals/sla';
import {
  CaseClosed,
  CUSTOMER_WITHDREW,
  YOU_WITHDREW,
  findByTrackingToken,
  isReplacedTrackingToken,
  replySentCookie,
  replyToAppeal,
  StaleCase,
  withdrawAppeal,
} from '~/appeals/tracking.server';
import { parseFormWithFiles, vetUploads } from '~/appeals/uploads.server';
import { isMultipart } from '~/appeals/submission-gate.server';
import { withStoredFiles } from '~/appeals/evidence-store.server';
import { requestMeta } from '~/lib/request.server';
import { ErrorFocus, firstInvalidField, FormError, FormStatus } from '~/components/form';

// same-origin: the private link never reaches another site, and this page's own posts keep their Origin (no-referrer made it "null").
export const meta: MetaFunction = () => [
  { title: 'Your appeal — Account Recovery Desk' },
  { name: 'robots', content: 'noindex' },
  { name: 'referrer', content: 'same-origin' },
];

// Every new email about a case rotates its link, so an older link is as unknown as a made-up one — and
// answers the same, so the words must cover both without telling whether a case exists.
const NOT_FOUND =
  'This tracking link is not valid. Each new email about your case carries a new link and the older ones stop working — open the link in the newest email from us, or check that you copied the whole link.';
// A link that a newer one replaced (its token's hash is kept with the case): only that is told — not the
// case number, not its status — and where the working link is.
export const REPLACED =
  'This tracking link was replaced by a newer one: each new email about your case carries a new link, and the older ones stop working. Open the link in the newest email from us about your case.';
const REPLY_SENT = 'Your reply was sent. Support will look at it and answer here; we email you when there is news.';
const WITHDRAW_UNCONFIRMED = 'The appeal was not withdrawn: confirm it with Yes, withdraw. Nothing was changed.';

/** The answer to a link that opens no case: 410 when a newer link replaced it, else 404. */
async function unknownLink(services: Parameters<typeof findByTrackingToken>[0], token: string): Promise<Response> {
  return (await isReplacedTrackingToken(services, token))
    ? new Response(REPLACED, { status: 410 })
    : new Response(NOT_FOUND, { status: 404 });
}

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const appeal = await findByTrackingToken(context.services, params.token ?? '');
  if (!appeal) throw await unknownLink(context.services, params.token ?? '');
  const search = new URL(request.url).searchParams;
  const status = customerStatus(appeal.status, {
    rejectFinal: appeal.rejectFinal,
    newEmail: appeal.newEmail,
    handoverAt: appeal.handoverAt,
    handedOverAt: appeal.handedOverAt,
  });
  // Set by the redirect after a reply (so a reload does not send it again) and read once.
  const sentCookie = replySentCookie(context.services.config);
  const said: unknown = await sentCookie.parse(request.headers.get('Cookie'));
  const headers = new Headers();
  if (said !== null) headers.append('Set-Cookie', await sentCookie.serialize('', { maxAge: 0 }));
  return data(
    {
      caseNumber: appeal.caseNumber,
      status: appeal.status,
      statusLabel: status.label,
      tone: status.tone,
      open: OPEN_STATUSES.includes(appeal.status),
      // Approved, before the handover: the page says when it takes effect, and it can still be withdrawn.
      onHold: isOnHold(appeal),
      submittedAt: appeal.submittedAt.toISOString(),
      dueAt: appeal.slaDueAt.toISOString(),
      slaDays: slaWorkingDays(appeal.origin),
      paused: appeal.status === 'AWAITING_CUSTOMER',
      messages: appeal.messages.map((m) => ({
        id: m.id,
        who: m.author === 'CUSTOMER' ? 'You' : m.author === 'STAFF' ? 'Support' : 'Account Recovery Desk',
        // The customer reads their own withdrawal in their words (staff read it as stored).
        body: m.author === 'SYSTEM' && m.body === CUSTOMER_WITHDREW ? YOU_WITHDREW : m.body,
        at: m.createdAt.toISOString(),
        files: m.evidence.map((e) => e.originalName),
      })),
      files: appeal.evidence.map((e) => ({ name: e.originalName, deleted: Boolean(e.deletedAt) })),
      replySent: said === appeal.caseNumber,
      // Set by the first step of Withdraw.
      confirmWithdraw: search.get('withdraw') === 'confirm',
    },
    { headers },
  );
}

type ActionData = { fieldErrors: Record<string, string>; error?: string; message?: string; confirmWithdraw?: boolean };

export async function action({ params, request, context }: ActionFunctionArgs) {
  const { services } = context;
  const appeal = await findByTrackingToken(services, params.token ?? '');
  if (!appeal) throw await unknownLink(services, params.token ?? '');
  const meta = requestMeta(context, request);
  // A reply with files to a closed case would be refused after reading them: refused before instead.
  if (isMultipart(request) && !OPEN_STATUSES.includes(appeal.status))
    return data<ActionData>({ fieldErrors: {}, error: new CaseClosed().message }, { status: 409 });
  const { fields, uploads, tooLarge, refused } = await parseFormWithFiles(request, { client: context.clientIp });
  if (refused) return data<ActionData>({ fieldErrors: {}, error: refused.message }, { status: refused.status });
  if (tooLarge)
    return data<ActionData>(
      { fieldErrors: { otherEvidence: 'The files are too large together: at most 5 files of 10 MB each.' } },
      { status: 413 },
    );
  try {
    if (fields.intent === 'withdraw') {
      // Withdrawing closes the case for good: only the confirmation step's button (confirm=yes) does it.
      if (fields.confirm !== 'yes')
        return data<ActionData>(
          { fieldErrors: {}, error: WITHDRAW_UNCONFIRMED, confirmWithdraw: true },
          { status: 400 },
        );
      const outcome = await withdrawAppeal(services, { appealId: appeal.id, meta });
      return data<ActionData>({
        fieldErrors: {},
        message:
          outcome === 'already'
            ? 'This appeal was already withdrawn.'
            : 'Your appeal was withdrawn. Nothing on the account was changed.',
      });
    }
    if (fields.intent === 'reply') {
      const body = (fields.body ?? '').trim();
      const errors: Record<string, string> = {};
      if (body.length > 5000) errors.body = 'Use at most 5000 characters.';
      if (!body && uploads.length === 0) errors.body = 'Write a message, or attach a file.';
      const vetted = await vetUploads(uploads.map((u) => ({ ...u, field: 'otherEvidence' })));
      if (vetted.errors.otherEvidence || vetted.errors.files)
        errors.otherEvidence = (vetted.errors.otherEvidence ?? vetted.errors.files)!;
      if (Object.keys(errors).length) return data<ActionData>({ fieldErrors: errors }, { status: 400 });
      await withStoredFiles(services.evidence, vetted.files, (files) =>
        replyToAppeal(services, { appealId: appeal.id, body, files, meta }),
      );
      return redirect(`/appeals/track/${params.token}`, {
        headers: { 'Set-Cookie': await replySentCookie(services.config).serialize(appeal.caseNumber) },
      });
    }
  } catch (err) {
    if (err instanceof CaseClosed || err instanceof StaleCase)
      return data<ActionData>({ fieldErrors: {}, error: err.message }, { status: 409 });
    throw err;
  }
  return data<ActionData>({ fieldErrors: {}, error: 'Unknown request.' }, { status: 400 });
}

export default function TrackAppeal() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== 'idle';
  const errors: Record<string, string> = result?.fieldErrors ?? {};
  const trackPath = `/appeals/track/${useParams().token}`;
  const location = useLocation();
  // A post answered on this page (an error, a withdrawal) is not the reply the URL speaks of.
  const replySent = d.replySent && !result;
  const replyForm = useRef<HTMLFormElement>(null);
  // With JavaScript the page stays mounted through the redirect, so the sent text and files would stay in the form.
  useEffect(() => {
    if (replySent) replyForm.current?.reset();
  }, [replySent, location.key]);
  const confirmingWithdrawal = (d.open || d.onHold) && (d.confirmWithdraw || Boolean(result?.confirmWithdraw));
  const confirmHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (confirmingWithdrawal) confirmHeading.current?.focus();
  }, [confirmingWithdrawal]);
  return (
    <ErrorFocus answer={result}>
      <div className="narrow">
        <h1>Appeal {d.caseNumber}</h1>
        <div
          className={`notice ${d.tone === 'ok' ? 'ok' : d.tone === 'bad' ? 'error' : d.tone === 'warn' ? 'warn' : ''}`}
          role="status"
          data-testid="appeal-status"
        >
          <p>
            <strong>{d.statusLabel}</strong>
          </p>
          {d.open ? (
            <p className="small">
              {d.paused
                ? 'The decision clock is paused until you answer below.'
                : `We expect to decide by ${new Date(d.dueAt).toUTCString()} (${d.slaDays} working day${d.slaDays === 1 ? '' : 's'} from submission).`}
            </p>
          ) : null}
        </div>
        <FormError>{result?.error}</FormError>
        <FormStatus>{result?.message ?? (replySent ? REPLY_SENT : undefined)}</FormStatus>
        {confirmingWithdrawal ? (
          <section className="card" aria-labelledby="withdraw-confirm">
            <h2 id="withdraw-confirm" tabIndex={-1} ref={confirmHeading}>
              Withdraw this appeal?
            </h2>
            <p>The case will be closed and cannot be reopened. Nothing on the account changes.</p>
            <Form method="post" action={trackPath} className="actions">
              <input type="hidden" name="intent" value="withdraw" />
              <input type="hidden" name="confirm" value="yes" />
              <button type="submit" disabled={busy}>
                Yes, withdraw
              </button>
              <Link className="button secondary" to={trackPath}>
                Keep my appeal
              </Link>
            </Form>
          </section>
        ) : null}

        <h2 id="conversation">Conversation</h2>
        {/* One card: the messages (no list numbers — each says who and when) and the files sent with the appeal. */}
        <section className="card conversation" aria-labelledby="conversation">
          <ol aria-label="Messages">
            {d.messages.map((m) => (
              <li key={m.id}>
                <p className="small muted">
                  {m.who} · {new Date(m.at).toUTCString()}
                </p>
                <p>{m.body}</p>
                {m.files.length ? <p className="small">Attached: {m.files.join(', ')}</p> : null}
              </li>
            ))}
          </ol>
          {d.files.length ? (
            <p className="small files-sent" data-testid="files-sent">
              Files sent with the appeal:{' '}
              {d.files.map((f) => (f.deleted ? `${f.name} (deleted after the retention period)` : f.name)).join(', ')}
            </p>
          ) : null}
        </section>

        {d.open ? (
          <>
            <h2>Reply</h2>
            <Form
              method="post"
              action={trackPath}
              encType="multipart/form-data"
              className="card"
              noValidate
              ref={replyForm}
            >
              <input type="hidden" name="intent" value="reply" />
              <div className="field">
                <label htmlFor="reply-body">Your message</label>
                <textarea
                  id="reply-body"
                  name="body"
                  rows={5}
                  maxLength={5000}
                  aria-invalid={errors.body ? true : undefined}
                  aria-describedby={errors.body ? 'reply-body-error' : undefined}
                  autoFocus={firstInvalidField(result) === 'body'}
                />
                {errors.body ? (
                  <p className="field-error" id="reply-body-error">
                    {errors.body}
                  </p>
                ) : null}
              </div>
              <div className="field">
                <label htmlFor="reply-files">Add files (optional)</label>
                <p className="hint" id="reply-files-hint">
                  JPEG, PNG or PDF, at most 10 MB each, {EVIDENCE_LIMITS.maxFiles} files at a time.
                </p>
                <input
                  id="reply-files"
                  type="file"
                  name="otherEvidence"
                  multiple
                  accept="image/jpeg,image/png,application/pdf"
                  aria-describedby={`reply-files-hint${errors.otherEvidence ? ' reply-files-error' : ''}`}
                  aria-invalid={errors.otherEvidence ? true : undefined}
                  autoFocus={firstInvalidField(result) === 'otherEvidence'}
                />
                {errors.otherEvidence ? (
                  <p className="field-error" id="reply-files-error">
                    {errors.otherEvidence}
                  </p>
                ) : null}
              </div>
              <div className="actions">
                <button type="submit" disabled={busy}>
                  Send reply
                </button>
              </div>
            </Form>
          </>
        ) : null}
        {(d.open || d.onHold) && !confirmingWithdrawal ? (
          <>
            <h2>Withdraw</h2>
            {/* The first step only asks (a page of its own, so it works without JavaScript); the question's button withdraws. */}
            <Form method="get" action={trackPath} className="card">
              <p>If you no longer need this appeal, you can withdraw it. Nothing on the account changes.</p>
              <button type="submit" name="withdraw" value="confirm" className="secondary">
                Withdraw appeal
              </button>
            </Form>
          </>
        ) : null}
      </div>
    </ErrorFocus>
  );
}
