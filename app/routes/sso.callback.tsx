import type { LoaderFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { commitSessionCookie, readSessionToken, revokeSessionByToken, safeRedirectPath } from '~/auth/session.server';
import { clearParentCookie } from '~/auth/role-session.server';
import { requestMeta } from '~/lib/request.server';
import { SsoFailure, chainText } from '~/sso/oidc.server';
import { auditSsoFailure, failureRedirectPath, flowStore, ssoAuthenticator, startSsoSession } from '~/sso/sso.server';
import { errorFields } from '~/server/log.server';

// GET /sso/callback?code=…&state=…&iss=… — the identity provider sends the browser back here.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { services } = context;
  const { prisma, config } = services;
  const meta = requestMeta(context, request);
  const headers = new Headers({ 'Cache-Control': 'no-store' });
  headers.append('Set-Cookie', await flowStore(config).clear());
  try {
    const identity = await ssoAuthenticator(services, context.clientIp).authenticate('oidc', request);
    // A session this browser had before (another principal) ends: one browser, one sign-in.
    const previous = await readSessionToken(config, request);
    if (previous) await revokeSessionByToken(prisma, previous, meta, 'replaced-by-sso-sign-in');
    const token = await startSsoSession(prisma, identity, meta);
    headers.append('Set-Cookie', await commitSessionCookie(config, token));
    headers.append('Set-Cookie', await clearParentCookie(config));
    return redirect(safeRedirectPath(identity.redirectTo), { headers });
  } catch (err) {
    if (err instanceof Response) throw err;
    const failure = err instanceof SsoFailure ? err : new SsoFailure('failed', chainText(err));
    if (!(err instanceof SsoFailure))
      services.logger.error(
        { event: 'sso.failed', step: 'callback', requestId: context.requestId, ...errorFields(err) },
        'single sign-on callback failed',
      );
    await auditSsoFailure(services, failure, meta);
    return redirect(failureRedirectPath(failure), { headers });
  }
}
