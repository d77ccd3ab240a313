import { describe, expect, it } from 'vitest';
import type { MessageDecision, SlotDecision } from '../../../protocol/wire';
import { validMessages } from './messages';
import { localMessage, localSlot } from './locale';

const slot: SlotDecision = {
  kind: 'slot',
  id: 'hero',
  html: 'Hello',
  segment: 'all',
  why: '',
  locales: { fr: 'Bonjour', ar: 'مرحبا' },
};

describe('localSlot: the page lang, then navigator.language, pick among the decision locales', () => {
  it.each([
    [['fr', 'en-US'], 'Bonjour', 'fr', 'ltr'],
    [['en', 'fr-FR'], 'Bonjour', 'fr', 'ltr'],
    [['', 'ar-EG'], 'مرحبا', 'ar', 'rtl'],
    [['en', 'de'], 'Hello', undefined, undefined],
  ])('%j → %s', (langs, html, lang, dir) => {
    const out = localSlot(slot, langs);
    expect([out.html, out.lang, out.dir]).toEqual([html, lang, dir]);
  });

  it('leaves a decision without locales, or with garbage in them, as it came', () => {
    const plain = { ...slot, locales: undefined };
    expect(localSlot(plain, ['fr'])).toBe(plain);
    const odd = { ...slot, locales: { fr: 42 } } as unknown as SlotDecision;
    expect(localSlot(odd, ['fr'])).toBe(odd);
    expect(localSlot(null, ['fr'])).toBe(null);
  });
});

describe('localMessage', () => {
  const survey: MessageDecision = {
    kind: 'message',
    id: 's',
    variant: 'a',
    type: 'survey',
    trigger: { on: 'load' },
    title: 'Quick question',
    body: 'What do you run?',
    survey: {
      pref: 'sport',
      options: [
        { value: 'road', label: 'Road' },
        { value: 'trail', label: 'Trail' },
      ],
    },
    priority: 0,
    why: '',
    locales: {
      ar: { body: 'أين تركض؟', options: ['طريق', 'مسار'] },
      fr: { title: 'Question', body: 'Vous courez où ?', cta: { text: 'Voir', href: '/fr' }, options: ['Route', 'Sentier'] },
    },
  };

  it('takes the whole text of the picked locale, with lang and dir, and it stays valid', () => {
    const ar = localMessage(survey, ['ar-SA']);
    expect(ar).toMatchObject({
      lang: 'ar',
      dir: 'rtl',
      body: 'أين تركض؟',
      survey: {
        options: [
          { value: 'road', label: 'طريق' },
          { value: 'trail', label: 'مسار' },
        ],
      },
    });
    expect(ar.title).toBeUndefined();
    expect(validMessages([ar])).toHaveLength(1);
    const fr = localMessage(survey, ['en', 'fr-CA']);
    expect(fr).toMatchObject({ lang: 'fr', title: 'Question', cta: { text: 'Voir', href: '/fr' } });
    expect(localMessage(survey, ['de'])).toBe(survey);
  });

  it('takes the picked locale’s survey thank-you (none: wm-ui.js shows DEFAULT_THANKS); a malformed one invalidates', () => {
    const thanked: MessageDecision = {
      ...survey,
      survey: { ...survey.survey!, thanks: 'Thank you!' },
      locales: { fr: { body: 'Vous courez où ?', options: ['Route', 'Sentier'], thanks: 'Merci !' }, ar: { body: 'أين تركض؟', options: ['طريق', 'مسار'] } },
    };
    expect(localMessage(thanked, ['fr']).survey).toEqual({
      pref: 'sport',
      options: [
        { value: 'road', label: 'Route' },
        { value: 'trail', label: 'Sentier' },
      ],
      thanks: 'Merci !',
    });
    expect(localMessage(thanked, ['ar']).survey?.thanks).toBeUndefined();
    expect(validMessages([localMessage(thanked, ['ar'])])).toHaveLength(1);
    expect(localMessage(thanked, ['de']).survey?.thanks).toBe('Thank you!');
    const bad = { ...thanked, locales: { fr: { body: 'x', options: ['a', 'b'], thanks: 7 } } } as unknown as MessageDecision;
    expect(validMessages([localMessage(bad, ['fr'])])).toHaveLength(0);
  });

  it('a malformed locale text makes the message invalid rather than half-shown', () => {
    const bad = { ...survey, locales: { fr: { body: 7 } } } as unknown as MessageDecision;
    expect(validMessages([localMessage(bad, ['fr'])])).toHaveLength(0);
  });
});
