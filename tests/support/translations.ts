// The translation check (issue 28): every key in every language, every key used defined, every key used.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

type Bundle = { [key: string]: string | Bundle };
export type SourceFile = { path: string; text: string };

/** i18next's plural forms: `wrong_one` and `wrong_other` are the key `wrong`. */
const PLURAL = /_(zero|one|two|few|many|other)$/;
const base = (key: string) => key.replace(PLURAL, '');

function flatten(bundle: Bundle, prefix = ''): string[] {
  return Object.entries(bundle).flatMap(([k, v]) =>
    typeof v === 'string' ? [prefix + k] : flatten(v, `${prefix}${k}.`),
  );
}

/** <dir>/<language>/<namespace>.json → language → namespace → its keys (plural forms folded). */
export function readLocales(dir: string): Map<string, Map<string, Set<string>>> {
  const languages = new Map<string, Map<string, Set<string>>>();
  for (const language of readdirSync(dir)) {
    if (!statSync(path.join(dir, language)).isDirectory()) continue;
    const namespaces = new Map<string, Set<string>>();
    for (const file of readdirSync(path.join(dir, language)).filter((f) => f.endsWith('.json'))) {
      const bundle = JSON.parse(readFileSync(path.join(dir, language, file), 'utf8')) as Bundle;
      namespaces.set(file.slice(0, -'.json'.length), new Set(flatten(bundle).map(base)));
    }
    languages.set(language, namespaces);
  }
  return languages;
}

/** Source files under dir with these endings (fixtures use their own, so nothing else compiles them). */
export function readSources(dir: string, endings: string[], skip: string[] = []): SourceFile[] {
  const out: SourceFile[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (skip.some((s) => full.includes(s))) continue;
    if (statSync(full).isDirectory()) out.push(...readSources(full, endings, skip));
    else if (endings.some((e) => entry.endsWith(e))) out.push({ path: full, text: readFileSync(full, 'utf8') });
  }
  return out;
}

const matches = (text: string, re: RegExp, group = 1) => [...text.matchAll(re)].map((m) => m[group]);

/** The namespaces a file translates with: its hooks' and helpers' arguments, its handle, and `common`. */
function fileNamespaces(text: string, commonNs: string): string[] {
  const found = new Set([commonNs]);
  for (const arg of matches(text, /(?:useTranslation|pageT|fixedT)\(([^)]*)\)/g))
    for (const ns of matches(arg, /['"]([\w-]+)['"]/g)) found.add(ns);
  for (const list of matches(text, /i18n:\s*\[([^\]]*)\]/g))
    for (const ns of matches(list, /['"]([\w-]+)['"]/g)) found.add(ns);
  return [...found];
}

export type TranslationProblems = { missing: string[]; undefinedKeys: string[]; unused: string[] };

export function checkTranslations(input: {
  locales: Map<string, Map<string, Set<string>>>;
  sources: SourceFile[];
  reference: string;
  commonNs?: string;
}): TranslationProblems {
  const commonNs = input.commonNs ?? 'common';
  const problems: TranslationProblems = { missing: [], undefinedKeys: [], unused: [] };
  const reference = input.locales.get(input.reference);
  if (!reference) throw new Error(`no ${input.reference} translations`);

  // 1. The same namespaces and keys in every language.
  for (const [language, namespaces] of input.locales) {
    for (const [other, otherNamespaces] of input.locales) {
      if (other === language) continue;
      for (const [ns, keys] of otherNamespaces)
        for (const key of keys)
          if (!namespaces.get(ns)?.has(key)) problems.missing.push(`${language} lacks ${ns}:${key} (${other} has it)`);
    }
  }

  const defined = (ns: string, key: string) => reference.get(ns)?.has(base(key)) ?? false;
  const used = new Set<string>();
  const prefixes: string[] = [];
  for (const file of input.sources) {
    const namespaces = fileNamespaces(file.text, commonNs);
    const resolve = (raw: string): string[] => {
      const at = raw.indexOf(':');
      return at > 0 ? [`${raw.slice(0, at)}:${raw.slice(at + 1)}`] : namespaces.map((ns) => `${ns}:${raw}`);
    };
    // 2. t('key') and i18nKey="key": each must be defined in one of the file's namespaces (or the one it names).
    const calls = [
      ...matches(file.text, /\bt\(\s*(['"])([^'"\n]+)\1/g, 2),
      ...matches(file.text, /i18nKey=\{?\s*(['"])([^'"\n]+)\1/g, 2),
    ];
    for (const raw of calls) {
      const candidates = resolve(raw).filter((q) => defined(q.split(':')[0], q.slice(q.indexOf(':') + 1)));
      if (!candidates.length) problems.undefinedKeys.push(`${path.basename(file.path)}: ${raw}`);
      for (const q of candidates) used.add(`${q.split(':')[0]}:${base(q.slice(q.indexOf(':') + 1))}`);
    }
    // t(`principal.${kind}`): every key under the prefix counts as used.
    for (const raw of matches(file.text, /\bt\(\s*`([^`$]*)\$\{/g)) prefixes.push(...resolve(raw));
    // A key written as a string elsewhere (a key in a table, one arm of a condition) counts as used.
    for (const raw of matches(file.text, /(['"])((?:[\w-]+:)?[\w.-]+)\1/g, 2))
      for (const q of resolve(raw)) {
        const ns = q.split(':')[0];
        const key = q.slice(ns.length + 1);
        if (defined(ns, key)) used.add(`${ns}:${base(key)}`);
      }
  }

  // 3. Every key is used somewhere.
  for (const [ns, keys] of reference)
    for (const key of keys) {
      const q = `${ns}:${key}`;
      if (!used.has(q) && !prefixes.some((p) => q.startsWith(p))) problems.unused.push(q);
    }
  return problems;
}
