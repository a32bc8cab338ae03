import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data, redirect } from '@remix-run/node';
import { useEffect, useRef } from 'react';
import { useActionData, useLoaderData, useNavigation, useParams } from '@remix-run/react';
import { OPEN_STATUSES } from '~/appeals/options';
import {
  CaseClosed,
  findByTrackingToken,
  isReplacedTrackingToken,
  replySentCookie,
  StaleCase,
} from '~/appeals/tracking.server';
import { replyFromTrackingPage, trackingPageView, withdrawFromTrackingPage } from '~/appeals/tracking-page.server';
import { parseFormWithFiles } from '~/appeals/uploads.server';
import { isMultipart } from '~/appeals/submission-gate.server';
import { requestMeta } from '~/lib/request.server';
import { ErrorFocus, firstInvalidField, FormError, FormStatus } from '~/components/form';
import { TrackingStatus } from '~/appeals/components/tracking-status';
import { TrackingConversation } from '~/appeals/components/tracking-conversation';
import { TrackingReplyForm } from '~/appeals/components/tracking-reply-form';
import { WithdrawOffer, WithdrawQuestion } from '~/appeals/components/tracking-withdraw';

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
  // Set by the redirect after a reply (so a reload does not send it again) and read once.
  const sentCookie = replySentCookie(context.services.config);
  const said: unknown = await sentCookie.parse(request.headers.get('Cookie'));
  const headers = new Headers();
  if (said !== null) headers.append('Set-Cookie', await sentCookie.serialize('', { maxAge: 0 }));
  return data(
    {
      ...trackingPageView(appeal),
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
      const outcome = await withdrawFromTrackingPage(services, { appealId: appeal.id, confirm: fields.confirm, meta });
      if (outcome === 'unconfirmed')
        return data<ActionData>(
          { fieldErrors: {}, error: WITHDRAW_UNCONFIRMED, confirmWithdraw: true },
          { status: 400 },
        );
      return data<ActionData>({
        fieldErrors: {},
        message:
          outcome === 'already'
            ? 'This appeal was already withdrawn.'
            : 'Your appeal was withdrawn. Nothing on the account was changed.',
      });
    }
    if (fields.intent === 'reply') {
      const sent = await replyFromTrackingPage(services, { appealId: appeal.id, body: fields.body, uploads, meta });
      if (!sent.ok) return data<ActionData>({ fieldErrors: sent.fieldErrors }, { status: 400 });
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
  const trackPath = `/appeals/track/${useParams().token}`;
  // A post answered on this page (an error, a withdrawal) is not the reply the URL speaks of.
  const replySent = d.replySent && !result;
  const confirmingWithdrawal = (d.open || d.onHold) && (d.confirmWithdraw || Boolean(result?.confirmWithdraw));
  const confirmHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (confirmingWithdrawal) confirmHeading.current?.focus();
  }, [confirmingWithdrawal]);
  return (
    <ErrorFocus answer={result}>
      <div className="narrow">
        <h1>Appeal {d.caseNumber}</h1>
        <TrackingStatus {...d} />
        <FormError>{result?.error}</FormError>
        <FormStatus>{result?.message ?? (replySent ? REPLY_SENT : undefined)}</FormStatus>
        {confirmingWithdrawal ? <WithdrawQuestion action={trackPath} busy={busy} headingRef={confirmHeading} /> : null}

        <h2 id="conversation">Conversation</h2>
        <TrackingConversation messages={d.messages} files={d.files} />

        {d.open ? (
          <>
            <h2>Reply</h2>
            <TrackingReplyForm
              action={trackPath}
              errors={result?.fieldErrors ?? {}}
              focusField={firstInvalidField(result)}
              replySent={replySent}
              busy={busy}
            />
          </>
        ) : null}
        {(d.open || d.onHold) && !confirmingWithdrawal ? <WithdrawOffer action={trackPath} /> : null}
      </div>
    </ErrorFocus>
  );
}
