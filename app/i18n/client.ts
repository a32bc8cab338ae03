// The browser's i18next: the page's own namespaces come inline with the document (entry.server.tsx);
// a namespace another page needs is fetched from /locales/<lng>/<ns> when a client-side navigation
// gets there (useTranslation suspends until then, so the old page stays up, never raw keys).
import i18next, { type BackendModule } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { DEFAULT_LANGUAGE, i18nOptions, isLanguage } from './config';

declare global {
  interface Window {
    __i18n?: Record<string, Record<string, unknown>>;
  }
}

const fetchBackend: BackendModule = {
  type: 'backend',
  init() {},
  read(language, namespace, callback) {
    fetch(`/locales/${encodeURIComponent(language)}/${encodeURIComponent(namespace)}`)
      .then((response) => (response.ok ? response.json() : Promise.reject(new Error(`${response.status}`))))
      .then(
        (bundle) => callback(null, bundle),
        (error: Error) => callback(error, false),
      );
  },
};

export function startI18n() {
  const lang = document.documentElement.lang;
  const language = isLanguage(lang) ? lang : DEFAULT_LANGUAGE;
  const bundles = window.__i18n ?? {};
  void i18next
    .use(fetchBackend)
    .use(initReactI18next)
    .init({
      ...i18nOptions,
      lng: language,
      ns: Object.keys(bundles),
      resources: { [language]: bundles },
      partialBundledLanguages: true,
      initImmediate: false,
      react: { useSuspense: true },
    });
  return i18next;
}
