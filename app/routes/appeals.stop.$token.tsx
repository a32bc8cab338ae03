import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { readStopLink, stopAppealByOwner, type StopLink } from '~/appeals/owner-stop.server';
import { requestMeta } from '~/lib/request.server';

export const meta: MetaFunction = () => [
  { title: 'Stop an appeal — Account Recovery Desk' },
  { name: 'robots', content: 'noindex' },
  { name: 'referrer', content: 'same-origin' },
];

/**
 * "Stop this — I still have access", from the warning mailed to the account's current email and phone.
 * Opening the link changes nothing (mail scanners open links too): the button does.
 */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const link = await readStopLink(context.services.prisma, params.token ?? '');
  return { link: view(link) };
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const link = await stopAppealByOwner(context.services, params.token ?? '', requestMeta(context, request));
  return data({ link: view(link) }, { status: link.state === 'stopped' ? 200 : link.state === 'unknown' ? 404 : 409 });
}

function view(link: StopLink) {
  return link.state === 'live' ? { ...link, handoverAt: link.handoverAt?.toISOString() ?? null } : link;
}

export default function StopAppeal() {
  const loaded = useLoaderData<typeof loader>().link;
  const link = useActionData<typeof action>()?.link ?? loaded;
  const busy = useNavigation().state !== 'idle';
  return (
    <div className="narrow">
      <h1>Stop an appeal on your account</h1>
      {link.state === 'live' ? (
        <div className="card">
          <p>
            Someone filed appeal <strong className="mono">{link.caseNumber}</strong> to change the logon email of your
            account.
            {link.handoverAt
              ? ` It was approved and takes effect on ${new Date(link.handoverAt).toUTCString()}.`
              : ' Our support team has not decided it yet.'}
          </p>
          <p>
            If you still have access to your account and did not ask for this, stop it. Nothing on your account changes,
            and the case is closed for good.
          </p>
          <Form method="post">
            <button type="submit" disabled={busy}>
              Stop this — I still have access
            </button>
          </Form>
          <p className="small muted">If you did file this appeal yourself, close this page: nothing happens.</p>
        </div>
      ) : link.state === 'stopped' ? (
        <div className="notice ok" role="status">
          <p>
            Appeal <strong className="mono">{link.caseNumber}</strong> is stopped. Nothing on your account was changed.
          </p>
          <p>
            Someone may know details of your account: sign in and check your password and secure phone in Security
            Settings.
          </p>
        </div>
      ) : link.state === 'ended' ? (
        <div className="notice warn" role="alert">
          <p>
            {link.stoppedByOwner
              ? `Appeal ${link.caseNumber} was already stopped. Nothing on your account was changed.`
              : `Appeal ${link.caseNumber} has ended, so it can no longer be stopped here. If your account was changed without you, file an appeal.`}
          </p>
        </div>
      ) : (
        <div className="notice warn" role="alert">
          <p>This link is not valid. Use the newest link we sent you, or sign in and check Security Settings.</p>
        </div>
      )}
      <p>
        <Link to="/login">Sign in</Link> · <Link to="/appeals/new">File an appeal</Link>
      </p>
    </div>
  );
}
