import { describe, expect, it } from 'vitest';
import { isRtl, localeIn, normalizeLocale, parseAcceptLanguage, pickLocale } from './locale';

describe('normalizeLocale', () => {
  it.each([
    ['fr', 'fr'],
    ['FR-ca', 'fr-ca'],
    ['fr_CA', 'fr-ca'],
    ['en-US-u-ca-gregory', 'en-us'],
    ['zh-Hant-TW', 'zh-hant-tw'],
    ['es-419', 'es-419'],
    [' de-CH ', 'de-ch'],
    ['*', null],
    ['', null],
    [undefined, null],
    ['english', null],
    ['x-klingon', null],
  ])('%j → %j', (tag, want) => expect(normalizeLocale(tag)).toBe(want));
});

describe('parseAcceptLanguage', () => {
  it.each([
    ['fr-CA,fr;q=0.9,en;q=0.8', ['fr-ca', 'fr', 'en']],
    ['en;q=0.5, de', ['de', 'en']],
    ['*, fr;q=0.1', ['fr']],
    ['da, en-gb;q=0.8, en;q=0', ['da', 'en-gb']],
    ['fr, fr, FR', ['fr']],
    ['nonsense;q=abc', []],
    ['', []],
    [null, []],
  ])('%j → %j', (header, want) => expect(parseAcceptLanguage(header)).toEqual(want));

  it('keeps at most 10 tags of a long header', () => {
    const header = Array.from({ length: 40 }, (_, i) => `l${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`).join(',');
    expect(parseAcceptLanguage(header)).toHaveLength(10);
  });
});

describe('pickLocale (page lang, then Accept-Language or navigator.language, then the trait)', () => {
  const available = ['fr', 'de-ch', 'ar', 'zh-hant'];
  it.each([
    { candidates: ['fr'], want: 'fr' },
    { candidates: ['fr-CA'], want: 'fr' },
    { candidates: ['de-CH'], want: 'de-ch' },
    { candidates: ['de'], want: undefined }, // de-ch is not a text for every German reader
    { candidates: ['de-AT', 'fr'], want: 'fr' },
    { candidates: ['en', 'fr-BE'], want: 'fr' }, // an English page with no English text: the next candidate
    { candidates: [undefined, '', 'ar-EG'], want: 'ar' },
    { candidates: ['zh-Hant-TW'], want: 'zh-hant' },
    { candidates: ['zh-CN'], want: undefined },
    { candidates: ['en', 'es'], want: undefined }, // the default text
    { candidates: [], want: undefined },
  ])('$candidates → $want', ({ candidates, want }) => expect(pickLocale(candidates, available)).toBe(want));

  it('prefers the exact tag over the language', () => {
    expect(pickLocale(['fr-ca'], ['fr', 'fr-ca'])).toBe('fr-ca');
    expect(pickLocale(['fr-be'], ['fr', 'fr-ca'])).toBe('fr');
  });
});

describe('isRtl', () => {
  it.each([
    ['ar', true],
    ['ar-eg', true],
    ['he', true],
    ['fa-ir', true],
    ['ur', true],
    ['yi', true],
    ['az-arab', true],
    ['fr', false],
    ['en-us', false],
    ['arn', false], // Mapudungun, not Arabic
    ['ku-latn', false],
    ['uz-arab-af', true],
    [undefined, false],
  ])('%j → %j', (tag, want) => expect(isRtl(tag)).toBe(want));
});

describe('localeIn (the locale condition)', () => {
  it.each([
    ['fr-ca', ['fr'], true],
    ['fr', ['fr'], true],
    ['de', ['de-CH'], false],
    ['de-ch', ['fr', 'de-CH'], true],
    ['fro', ['fr'], false],
    [null, ['fr'], false],
  ])('%j in %j → %j', (locale, tags, want) => expect(localeIn(locale, tags)).toBe(want));
});
