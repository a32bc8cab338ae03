import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTranslations, readLocales, readSources } from '../support/translations';
import { LANGUAGES } from '~/i18n/config';
import { resources } from '~/i18n/resources.server';

const APP = path.resolve('app');

describe('translations', () => {
  it('every key exists in every language, every key used in code is defined, every key is used', () => {
    const problems = checkTranslations({
      locales: readLocales(path.join(APP, 'locales')),
      sources: readSources(APP, ['.ts', '.tsx'], [path.join(APP, 'generated'), path.join(APP, 'locales')]),
      reference: 'en',
    });
    expect(problems).toEqual({ missing: [], undefinedKeys: [], unused: [] });
  });

  it('the server bundles every language and namespace file there is (and no other)', () => {
    const onDisk = readLocales(path.join(APP, 'locales'));
    expect([...onDisk.keys()].sort()).toEqual([...LANGUAGES].sort());
    for (const language of LANGUAGES)
      expect(Object.keys(resources[language]).sort()).toEqual([...onDisk.get(language)!.keys()].sort());
  });

  it('fails on a broken fixture: a key in one language only, a key used but defined nowhere, a key never used', () => {
    const dir = path.resolve('tests/fixtures/translations-broken');
    const problems = checkTranslations({
      locales: readLocales(path.join(dir, 'locales')),
      sources: readSources(path.join(dir, 'src'), ['.fixture']),
      reference: 'en',
      commonNs: 'demo',
    });
    expect(problems.missing.sort()).toEqual([
      'en lacks demo:onlyInChinese (zh-CN has it)',
      'zh-CN lacks demo:onlyInEnglish (en has it)',
    ]);
    expect(problems.undefinedKeys.sort()).toEqual([
      'page.tsx.fixture: demo:alsoMissing',
      'page.tsx.fixture: notDefinedAnywhere',
    ]);
    // `count` is used through its plural forms; `stale` by nobody.
    expect(problems.unused).toEqual(['demo:stale']);
  });
});
