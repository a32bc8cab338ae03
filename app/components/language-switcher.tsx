import { useLocation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, LANGUAGE_NAMES } from '~/i18n/config';

/**
 * One button per other language, in a plain form (a full page load: it works without JavaScript, and
 * every namespace of the page comes back in the new language). /language sets the cookie and returns here.
 */
export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const location = useLocation();
  return (
    <form method="post" action="/language" className="language-switcher" aria-label={t('language.label')}>
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      {LANGUAGES.filter((lng) => lng !== i18n.language).map((lng) => (
        <button
          key={lng}
          type="submit"
          name="lng"
          value={lng}
          className="secondary"
          lang={lng}
          title={t('language.switchTo', { name: LANGUAGE_NAMES[lng] })}
        >
          {LANGUAGE_NAMES[lng]}
        </button>
      ))}
    </form>
  );
}
