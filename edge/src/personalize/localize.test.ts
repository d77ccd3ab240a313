import { describe, expect, it } from 'vitest';
import { messageSchema } from '../../../protocol/config/messages';
import { slotSchema } from '../../../protocol/config/personalization';
import { renderContent } from '../../../protocol/content/render';
import type { MessageDecision } from '../../../protocol/wire';
import { messageText } from '../../../protocol/message-text';
import { DEFAULT_LOCALE_REQUEST, localeRequest, localizeMessage, localizeSlot } from './localize';
import { localizedSlot } from './rewrite';

const hero = slotSchema.parse({
  id: 'hero',
  name: 'Hero',
  variants: [
    {
      segment: 'all',
      priority: 1,
      content: { type: 'text', text: 'Hello' },
      locales: { fr: { type: 'text', text: 'Bonjour' }, 'fr-ca': { type: 'text', text: 'Allô' }, ar: { type: 'text', text: 'مرحبا' } },
    },
  ],
}).variants[0]!;

describe('localeRequest: page lang, then the visitor languages, then the locale trait', () => {
  it('orders and normalizes the candidates; alternatives only while the page lang is unknown', () => {
    expect(localeRequest({ pageLang: 'fr-CA', languages: ['en-us', 'de'] }, { locale: 'AR' })).toEqual({
      candidates: ['fr-ca', 'en-us', 'de', 'ar'],
      withAlternatives: false,
    });
    expect(localeRequest({ languages: ['de'] }, {})).toEqual({ candidates: ['de'], withAlternatives: true });
    expect(localeRequest({ pageLang: '' }, { locale: 3 })).toEqual({ candidates: [], withAlternatives: false });
  });
});

describe('localizeSlot', () => {
  const request = (candidates: string[], withAlternatives = false) => ({ candidates, withAlternatives });
  it.each([
    [['fr-be'], 'Bonjour', 'fr', 'ltr'],
    [['fr-ca'], 'All\u00f4', 'fr-ca', 'ltr'],
    [['en', 'ar-eg'], '\u0645\u0631\u062d\u0628\u0627', 'ar', 'rtl'],
    [['en'], 'Hello', undefined, undefined],
    [[], 'Hello', undefined, undefined],
  ])('%j → %s (%s, %s)', (candidates, html, lang, dir) => {
    const out = localizeSlot(hero, request(candidates), renderContent);
    expect(out).toEqual({ html, ...(lang ? { lang, dir } : {}) });
  });

  it('carries every locale when the page lang is unknown, and the page lang then picks (rewrite.ts)', () => {
    const out = localizeSlot(hero, request(['de'], true), renderContent);
    expect(out.html).toBe('Hello');
    expect(Object.keys(out.locales!)).toEqual(['fr', 'fr-ca', 'ar']);
    const decision = { kind: 'slot' as const, id: 'hero', segment: 'all', why: '', ...out };
    expect(localizedSlot(decision, 'ar-SA')).toEqual({ html: '\u0645\u0631\u062d\u0628\u0627', lang: 'ar', dir: 'rtl' });
    expect(localizedSlot(decision, 'en')).toBe(decision);
    expect(localizedSlot(decision, null)).toBe(decision);
  });
});

describe('message text per locale', () => {
  const message = messageSchema.parse({
    id: 'survey',
    name: 'Survey',
    type: 'survey',
    title: 'Quick question',
    body: 'What do you run?',
    cta: { text: 'Shop', href: '/shop' },
    survey: {
      pref: 'sport',
      options: [
        { value: 'road', label: 'Road' },
        { value: 'trail', label: 'Trail' },
      ],
    },
    locales: { fr: { title: 'Petite question', body: 'Vous courez où ?', cta: { text: 'Boutique' }, options: { trail: 'Sentier' } } },
    variants: [
      { id: 'a', weight: 50 },
      {
        id: 'b',
        weight: 50,
        body: 'Where do you run?',
        locales: { fr: { body: 'Où courez-vous ?' }, ar: { body: 'أين تركض؟', cta: { text: 'تسوق', href: '/ar/shop' } } },
      },
    ],
  });
  const [a, b] = message.variants as [(typeof message.variants)[number], (typeof message.variants)[number]];

  it('falls back field by field: variant locale, message locale, variant default, message default', () => {
    expect(messageText(message, a, 'fr')).toEqual({
      title: 'Petite question',
      body: 'Vous courez où ?',
      cta: { text: 'Boutique', href: '/shop' },
      options: ['Road', 'Sentier'],
    });
    expect(messageText(message, b, 'fr').body).toBe('Où courez-vous ?');
    expect(messageText(message, b, 'ar')).toEqual({
      title: 'Quick question',
      body: 'أين تركض؟',
      cta: { text: 'تسوق', href: '/ar/shop' },
      options: ['Road', 'Trail'],
    });
    expect(messageText(message, b, undefined).body).toBe('Where do you run?');
  });

  it('a variant’s linkless localized CTA takes the message’s link in that locale (as the schema allows), else the default’s', () => {
    const linkless = messageSchema.parse({
      id: 'promo',
      name: 'Promo',
      type: 'banner',
      body: 'Spring sale',
      locales: { fr: { cta: { text: 'Voir', href: '/fr/soldes' } } },
      variants: [{ id: 'b', weight: 100, locales: { fr: { cta: { text: 'Foncez' } } } }],
    });
    expect(messageText(linkless, linkless.variants[0]!, 'fr').cta).toEqual({ text: 'Foncez', href: '/fr/soldes' });
    expect(messageText(message, b, 'fr').cta).toEqual({ text: 'Boutique', href: '/shop' });
  });

  it('localizes a decision, with lang and dir, and alternatives while the page lang is unknown', () => {
    const decision: MessageDecision = {
      kind: 'message',
      id: 'survey',
      variant: 'b',
      type: 'survey',
      trigger: { on: 'load' },
      title: 'Quick question',
      body: 'Where do you run?',
      cta: { text: 'Shop', href: '/shop' },
      survey: { pref: 'sport', options: message.survey!.options },
      priority: 0,
      why: 'everyone',
    };
    const ar = localizeMessage(decision, message, { candidates: ['ar-eg'], withAlternatives: false });
    expect(ar).toMatchObject({ lang: 'ar', dir: 'rtl', body: 'أين تركض؟', cta: { href: '/ar/shop' } });
    expect(ar.locales).toBeUndefined();
    const open = localizeMessage(decision, message, { candidates: ['de'], withAlternatives: true });
    expect(open.lang).toBeUndefined();
    expect(open.body).toBe('Where do you run?');
    expect(Object.keys(open.locales!).sort()).toEqual(['ar', 'fr']);
    expect(open.locales!['fr']!.options).toEqual(['Road', 'Sentier']);
  });
});

describe('a survey thank-you per locale (thanks)', () => {
  const survey = {
    id: 'training',
    name: 'Training',
    type: 'survey',
    body: 'What are you training for?',
    survey: {
      pref: 'sport',
      options: [
        { value: 'road', label: 'Road' },
        { value: 'trail', label: 'Trail' },
      ],
    },
    variants: [
      { id: 'a', weight: 50 },
      { id: 'b', weight: 50, locales: { fr: { title: 'Une question' } } },
    ],
  };
  const decision = (variant: string): MessageDecision => ({
    kind: 'message',
    id: 'training',
    variant,
    type: 'survey',
    trigger: { on: 'load' },
    body: 'What are you training for?',
    survey: { pref: 'sport', options: survey.survey.options },
    priority: 0,
    why: 'everyone',
  });
  const fr = { candidates: ['fr-fr'], withAlternatives: false };

  it('sends the message’s thank-you, and the locale’s in that locale (a variant’s locale has none of its own)', () => {
    const message = messageSchema.parse({ ...survey, thanks: 'Thank you!', locales: { fr: { thanks: 'Merci pour votre réponse !' } } });
    expect(localizeMessage(decision('a'), message, fr).survey?.thanks).toBe('Merci pour votre réponse !');
    // Variant b has its own fr title only: the thank-you comes from the message's fr text.
    expect(localizeMessage(decision('b'), message, fr)).toMatchObject({ title: 'Une question', lang: 'fr', survey: { thanks: 'Merci pour votre réponse !' } });
    expect(localizeMessage(decision('a'), message, DEFAULT_LOCALE_REQUEST).survey?.thanks).toBe('Thank you!');
    const open = localizeMessage(decision('a'), message, { candidates: [], withAlternatives: true });
    expect(open.survey?.thanks).toBe('Thank you!');
    expect(open.locales!['fr']!.thanks).toBe('Merci pour votre réponse !');
  });

  it('falls back to the message’s default thank-you in a locale without one, and to none (wm-ui.js: DEFAULT_THANKS)', () => {
    const own = messageSchema.parse({ ...survey, thanks: 'Thank you!', locales: { fr: { body: 'Pour quoi vous entraînez-vous ?' } } });
    expect(messageText(own, own.variants[0]!, 'fr').thanks).toBe('Thank you!');
    const none = messageSchema.parse({ ...survey, locales: { fr: { body: 'Pour quoi vous entraînez-vous ?' } } });
    expect(messageText(none, none.variants[0]!, 'fr')).not.toHaveProperty('thanks');
    expect(localizeMessage(decision('a'), none, fr).survey).toEqual({ pref: 'sport', options: survey.survey.options.map((o) => ({ ...o })) });
    // No locales at all: the message's thank-you still travels.
    const plain = messageSchema.parse({ ...survey, variants: undefined, thanks: 'Cheers!' });
    expect(localizeMessage({ ...decision('default') }, plain, DEFAULT_LOCALE_REQUEST).survey?.thanks).toBe('Cheers!');
    expect(localizeMessage({ ...decision('default') }, messageSchema.parse({ ...survey, variants: undefined }), fr).survey).not.toHaveProperty('thanks');
  });
});
