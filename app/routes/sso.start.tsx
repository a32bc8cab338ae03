import type { LoaderFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { requestMeta } from '~/lib/request.server';
import { SsoFailure, chainText } from '~/sso/oidc.server';
import { auditSsoFailure, failureRedirectPath, ssoAuthenticator } from '~/sso/sso.server';
import { errorFields } from '~/server/log.server';

// GET /sso/start?account=<UID or alias>&redirectTo=… — reached by a link (never a form), so the
// redirect to the identity provider is not subject to the page's CSP form-action.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { services } = context;
  try {
    await ssoAuthenticator(services, context.clientIp).authenticate('oidc', request);
    return redirect('/login');
  } catch (err) {
    if (err instanceof Response) throw err; // the redirect to the IdP
    const failure = err instanceof SsoFailure ? err : new SsoFailure('failed', chainText(err));
    if (!(err instanceof SsoFailure))
      services.logger.error(
        { event: 'sso.failed', step: 'start', requestId: context.requestId, ...errorFields(err) },
        'single sign-on start failed',
      );
    await auditSsoFailure(services, failure, requestMeta(context, request));
    return redirect(failureRedirectPath(failure), { headers: { 'Cache-Control': 'no-store' } });
  }
}
