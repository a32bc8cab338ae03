// Shared by the server and the browser: which languages exist and how i18next is set up for them.

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'en';

/** Each language in its own words: the switcher shows these whatever the page's language. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', 'zh-CN': '简体中文' };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** The namespace every page has (layout, header, footer, shared components); routes add theirs by `handle.i18n`. */
export const COMMON_NAMESPACE = 'common';

export const i18nOptions = {
  supportedLngs: [...LANGUAGES],
  fallbackLng: DEFAULT_LANGUAGE,
  defaultNS: COMMON_NAMESPACE,
  // React escapes what it renders; plain-text mail has nothing to escape.
  interpolation: { escapeValue: false },
  // zh-CN must stay zh-CN (not fall back to a `zh` nobody wrote).
  load: 'currentOnly' as const,
  returnNull: false,
};

/** The `handle` of a route whose page uses its own namespaces besides `common`. */
export type I18nHandle = { i18n: string[] };

/** Dates and numbers in the page's language (Intl): the same on the server and in the browser. */
export function formatDateTime(iso: string | Date, lng: string, options?: Intl.DateTimeFormatOptions) {
  return new Intl.DateTimeFormat(lng, { timeZone: 'UTC', ...options }).format(new Date(iso));
}

/** A page's <title>, which its loader wrote in the page's language (meta functions cannot translate). */
export const titleMeta = ({ data }: { data: unknown }) => [
  { title: (data as { title?: string } | undefined)?.title ?? 'Account Recovery Desk' },
];
