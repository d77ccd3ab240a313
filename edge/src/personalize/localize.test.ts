import { describe, expect, it } from 'vitest';
import { messageSchema } from '../../../protocol/config/messages';
import { slotSchema } from '../../../protocol/config/personalization';
import { renderContent } from '../../../protocol/content/render';
import type { MessageDecision } from '../../../protocol/wire';
import { localeRequest, localizeMessage, localizeSlot, messageText } from './localize';
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
