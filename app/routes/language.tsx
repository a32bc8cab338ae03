import type { ActionFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { getCustomer } from '~/auth/guards.server';
import { saveAccountLanguage } from '~/account/preferences.server';
import { safeRedirectPath } from '~/auth/session.server';
import { isLanguage } from '~/i18n/config';
import { languageCookie } from '~/i18n/i18n.server';

/**
 * The language switcher's target (a plain form: it works without JavaScript). Sets the `lng` cookie,
 * saves the choice on the account when its owner is signed in (their mail follows it), and goes back
 * to the page it came from — a path on this site only. Cross-site posts never get here (the CSRF
 * origin check in front of every POST).
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const language = form.get('lng');
  const back = safeRedirectPath(form.get('redirectTo'), '/');
  if (!isLanguage(language)) return redirect(back);
  const customer = await getCustomer(request, context);
  if (customer?.principal.kind === 'owner' && customer.account.language !== language)
    await saveAccountLanguage(context.services.prisma, customer.account.uid, language);
  return redirect(back, {
    headers: { 'Set-Cookie': await languageCookie(context.services.config).serialize(language) },
  });
}

export function loader() {
  return redirect('/');
}
