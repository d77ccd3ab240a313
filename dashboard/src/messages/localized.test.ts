import { describe, expect, it } from 'vitest';
import { DEFAULT_THANKS } from '../../../protocol/locale';
import { messageSchema } from '../../../protocol/config/messages';
import { messageText } from '../../../protocol/message-text';
import type { Json } from '../api';
import { draftDecision } from '../page-preview';
import { localeOfIssue, localizedPreview, patchLocaleText, previewTags, thanksFallback, variantFallback } from './localized';

const survey: Json = {
  id: 'training',
  name: 'Training',
  type: 'survey',
  title: 'Before you go',
  body: 'What are you training for?',
  cta: { text: 'Shop', href: '/shop' },
  survey: {
    pref: 'sport',
    options: [
      { value: 'road', label: 'Road' },
      { value: 'trail', label: 'Trail' },
    ],
  },
  thanks: 'Thank you!',
  locales: { fr: { title: 'Avant de partir', options: { trail: 'Sentier' }, thanks: 'Merci !' }, ar: { body: 'لماذا تتدرب؟' } },
  variants: [
    { id: 'a', weight: 50 },
    { id: 'b', weight: 50, title: 'One question', locales: { fr: { body: 'Une question rapide ?', cta: { text: 'Voir' } }, de: { title: 'Eine Frage' } } },
  ],
};
const [a, b] = survey['variants'] as [Json, Json];

describe('variantFallback: the hint under an empty field of a variant’s locale', () => {
  it('names the message’s text in that locale, else the variant’s default, else the message’s default', () => {
    expect(variantFallback(survey, b, 'fr', 'title')).toBe('Empty: falls back to the message’s fr text, “Avant de partir”');
    expect(variantFallback(survey, b, 'ar', 'title')).toBe('Empty: falls back to this variant’s default, “One question”');
    expect(variantFallback(survey, a, 'ar', 'title')).toBe('Empty: falls back to the message’s default, “Before you go”');
    expect(variantFallback(survey, b, 'fr', 'cta.href')).toBe('Empty: falls back to the message’s default, “/shop”');
    expect(variantFallback({ ...survey, title: undefined }, a, 'ar', 'title')).toBe('Empty: no title');
    expect(variantFallback({ body: 'x' }, {}, 'fr', 'cta.text')).toBe('Empty: nothing to fall back to');
  });
});

describe('localizedPreview: the variant in a locale, as the edge picks it', () => {
  const parsed = messageSchema.parse(survey);
  const [pa, pb] = parsed.variants as [(typeof parsed.variants)[number], (typeof parsed.variants)[number]];

  it('matches the edge’s text (messageText) for every variant and locale, with lang and dir', () => {
    for (const [variant, edgeVariant] of [
      [a, pa],
      [b, pb],
    ] as const)
      for (const tag of ['', 'fr', 'ar', 'de']) {
        const shown = localizedPreview(draftDecision(survey, variant), survey, variant, tag);
        const edge = messageText(parsed, edgeVariant, previewTags(survey, variant).includes(tag) ? tag || undefined : undefined);
        expect({ title: shown['title'], body: shown['body'], cta: shown['cta'], thanks: shown['survey']['thanks'] }, `${variant['id']} ${tag}`).toEqual({
          title: edge.title,
          body: edge.body,
          cta: edge.cta,
          thanks: edge.thanks,
        });
        expect((shown['survey']['options'] as Json[]).map((o) => o['label'])).toEqual(edge.options);
      }
    expect(localizedPreview(draftDecision(survey, b), survey, b, 'fr')).toMatchObject({
      lang: 'fr',
      dir: 'ltr',
      title: 'Avant de partir',
      body: 'Une question rapide ?',
      cta: { text: 'Voir', href: '/shop' },
      survey: { thanks: 'Merci !' },
    });
    expect(localizedPreview(draftDecision(survey, a), survey, a, 'ar')).toMatchObject({ lang: 'ar', dir: 'rtl', body: 'لماذا تتدرب؟' });
  });

  it('a language neither the message nor the variant has shows the default, without lang', () => {
    expect(previewTags(survey, a)).toEqual(['fr', 'ar']);
    expect(previewTags(survey, b)).toEqual(['fr', 'ar', 'de']);
    const shown = localizedPreview(draftDecision(survey, a), survey, a, 'de');
    expect(shown).not.toHaveProperty('lang');
    expect(shown['title']).toBe('Before you go');
  });
});

describe('the survey thank-you hints', () => {
  it('say the default English text, or the message’s own', () => {
    expect(thanksFallback(survey, '')).toContain(DEFAULT_THANKS);
    expect(thanksFallback(survey, 'fr')).toBe('Empty: falls back to the default, “Thank you!”');
    expect(thanksFallback({ ...survey, thanks: undefined }, 'fr')).toBe(`Empty: falls back to “${DEFAULT_THANKS}”`);
  });
});

describe('editing a locale’s text', () => {
  it('leaves an emptied field out (it falls back), and a button with neither text nor link', () => {
    expect(patchLocaleText({ title: 'Titre', body: 'Corps' }, { title: '' })).toEqual({ body: 'Corps' });
    expect(patchLocaleText(undefined, { cta: { text: 'Voir', href: '' } })).toEqual({ cta: { text: 'Voir' } });
    expect(patchLocaleText({ cta: { text: 'Voir' } }, { cta: { text: '' } })).toEqual({});
  });

  it('finds the language of the first refused field inside a locale', () => {
    expect(localeOfIssue(['variants', 'variants.1.locales.fr.cta.href', 'locales.de.title'])).toEqual({ variant: 1, tag: 'fr' });
    expect(localeOfIssue(['title', 'locales.de.thanks'])).toEqual({ tag: 'de' });
    expect(localeOfIssue(['variants.0.weight', 'body'])).toBeUndefined();
  });
});
