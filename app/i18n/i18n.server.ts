import { createCookie, type AppLoadContext, type Cookie } from '@remix-run/node';
import type { TFunction } from 'i18next';
import { RemixI18Next } from 'remix-i18next/server';
import type { PortalConfig } from '~/config.server';
import { getCustomer } from '~/auth/guards.server';
import { DEFAULT_LANGUAGE, LANGUAGES, isLanguage, type Language } from './config';
import { fixedT } from './translate.server';
import type { Namespace } from './resources.server';

const ONE_YEAR_SEC = 365 * 24 * 60 * 60;

const cookies = new WeakMap<PortalConfig, Cookie>();
/** The switcher's `lng` cookie. Not signed: any value but a supported language is ignored. */
export function languageCookie(config: PortalConfig): Cookie {
  let cookie = cookies.get(config);
  if (!cookie) {
    cookie = createCookie('lng', {
      path: '/',
      sameSite: 'lax',
      httpOnly: true,
      secure: config.mode === 'production',
      maxAge: ONE_YEAR_SEC,
    });
    cookies.set(config, cookie);
  }
  return cookie;
}

const detectors = new WeakMap<PortalConfig, RemixI18Next>();
function detector(config: PortalConfig): RemixI18Next {
  let found = detectors.get(config);
  if (!found) {
    found = new RemixI18Next({
      detection: {
        supportedLanguages: [...LANGUAGES],
        fallbackLanguage: DEFAULT_LANGUAGE,
        cookie: languageCookie(config),
        order: ['cookie', 'header'],
      },
    });
    detectors.set(config, found);
  }
  return found;
}

const pageLanguages = new WeakMap<AppLoadContext, Promise<Language>>();

/**
 * The language of this request's page: a signed-in owner's saved preference, else the switcher's
 * cookie, else Accept-Language, else English. One answer per page view (root loader and document).
 */
export function requestLanguage(request: Request, context: AppLoadContext): Promise<Language> {
  if (request.method !== 'GET') return detectLanguage(request, context);
  let language = pageLanguages.get(context);
  if (!language) {
    language = detectLanguage(request, context);
    pageLanguages.set(context, language);
  }
  return language;
}

async function detectLanguage(request: Request, context: AppLoadContext): Promise<Language> {
  // The document of a 503 (database away) still needs a language: then the saved preference is skipped.
  const customer = await getCustomer(request, context).catch(() => null);
  if (customer?.principal.kind === 'owner' && isLanguage(customer.account.language)) return customer.account.language;
  const found = await detector(context.services.config).getLocale(request);
  return isLanguage(found) ? found : DEFAULT_LANGUAGE;
}

/** The translate function of this request's page language (titles, and words an action answers with). */
export async function pageT(request: Request, context: AppLoadContext, ns: Namespace): Promise<TFunction> {
  return fixedT(await requestLanguage(request, context), ns);
}
