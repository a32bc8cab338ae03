import { createInstance, type i18n as I18n, type TFunction } from 'i18next';
import { DEFAULT_LANGUAGE, i18nOptions, isLanguage, type Language } from './config';
import { resources, type Namespace } from './resources.server';

/** Every namespace in memory; requests borrow it through `instanceFor` and `fixedT`. */
const shared: I18n = createInstance();
void shared.init({
  ...i18nOptions,
  lng: DEFAULT_LANGUAGE,
  resources,
  ns: Object.keys(resources.en),
  initImmediate: false,
});

/** An i18next instance in one language for one render (the store is shared, the language is not). */
export function instanceFor(language: Language): I18n {
  return shared.cloneInstance({ lng: language, initImmediate: false });
}

/** A translate function for the server: emails, SMS and words an action answers with. */
export function fixedT(language: string | null | undefined, ns: Namespace): TFunction {
  return shared.getFixedT(isLanguage(language) ? language : DEFAULT_LANGUAGE, ns);
}
