import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

let hydratedOnce = false;

/** False in the server's render and the browser's first one (so they match), true once React runs in the page. */
export function useHydrated(): boolean {
  // After the first hydration, components mounted by client-side navigation start hydrated (no flash).
  const [hydrated, setHydrated] = useState(hydratedOnce);
  useEffect(() => {
    hydratedOnce = true;
    setHydrated(true);
  }, []);
  return hydrated;
}

const SHORT: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric' };

/**
 * A short date ("3 Dec 2026"): in the reader's own time zone and language once the page runs in the
 * browser; the server, which knows neither, writes the UTC date. The full instant is in dateTime and title.
 */
export function ShortDate({ iso }: { iso: string }) {
  const hydrated = useHydrated();
  // English pages keep the reader's own date order; other languages write theirs (Intl).
  const language = useTranslation().i18n.language;
  const date = new Date(iso);
  const text = hydrated
    ? date.toLocaleDateString(language === 'en' ? undefined : language, SHORT)
    : date.toLocaleDateString(language === 'en' ? 'en-GB' : language, { ...SHORT, timeZone: 'UTC' });
  return (
    <time dateTime={iso} title={date.toUTCString()}>
      {text}
    </time>
  );
}
