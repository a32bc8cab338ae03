import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { Link } from '@remix-run/react';
import { sha256 } from '~/lib/tokens.server';

export const meta: MetaFunction = () => [{ title: 'This wasn’t me — Account Recovery Desk' }];

/** The "This wasn't me" link of the security notice: valid 7 days, it opens the appeal form pre-filled. */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const token = params.token ?? '';
  const notice = await context.services.prisma.securityNoticeToken.findUnique({ where: { tokenHash: sha256(token) }, select: { expiresAt: true } });
  if (notice && notice.expiresAt.getTime() > Date.now()) {
    throw redirect(`/appeals/new?scenario=EMAIL_CHANGED_NOT_ME&notice=${encodeURIComponent(token)}`);
  }
  return null;
}

export default function NotMeExpired() {
  return (
    <div className="narrow">
      <h1>This link is no longer valid</h1>
      <div className="notice warn" role="alert">
        <p>The “This wasn’t me” link is valid for 7 days after the notice was sent, and this one has expired or is not known.</p>
      </div>
      <p>
        If someone changed the logon email of your account without you, you can still{' '}
        <Link to="/appeals/new?scenario=EMAIL_CHANGED_NOT_ME">file an appeal</Link>.
      </p>
    </div>
  );
}
