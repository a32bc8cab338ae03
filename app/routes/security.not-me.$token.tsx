import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { NOT_ME_LINK_DAYS, noticeUsedMessage, readNoticeLink } from '~/appeals/notice-link.server';

export const meta: MetaFunction = () => [{ title: 'This wasn’t me — Account Recovery Desk' }];

/** The "This wasn't me" link of the security notice: valid 7 days and once, it opens the appeal form bound to the account. */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const token = params.token ?? '';
  const link = await readNoticeLink(context.services.prisma, token);
  if (link.state === 'live')
    throw redirect(`/appeals/new?scenario=EMAIL_CHANGED_NOT_ME&notice=${encodeURIComponent(token)}`);
  return { used: link.state === 'used' ? noticeUsedMessage(link.caseNumber) : null, validDays: NOT_ME_LINK_DAYS };
}

export default function NotMeLinkEnded() {
  const d = useLoaderData<typeof loader>();
  return (
    <div className="narrow">
      <h1>{d.used ? 'This link was already used' : 'This link is no longer valid'}</h1>
      <div className="notice warn" role="alert">
        <p>
          {d.used ??
            `The “This wasn’t me” link is valid for ${d.validDays} days after the notice was sent, and this one has expired or is not known.`}
        </p>
      </div>
      <p>
        If someone changed the logon email of your account without you, you can still{' '}
        <Link to="/appeals/new?scenario=EMAIL_CHANGED_NOT_ME">file an appeal</Link>.
      </p>
    </div>
  );
}
