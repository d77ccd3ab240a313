/** Per-locale text on slot variants and messages (docs/localized-content.md): the schemas. */
import { describe, expect, it } from 'vitest';
import { messageSchema } from './messages';
import { slotSchema } from './personalization';
import { readStoredConfig } from './stored';

const slot = (locales: unknown) => ({
  id: 'hero',
  name: 'Hero',
  variants: [{ segment: 'everyone', priority: 1, content: { type: 'text', text: 'Hello' }, locales }],
});
const issues = (
  schema: { safeParse(input: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } },
  input: unknown,
) => {
  const r = schema.safeParse(input);
  return r.success ? [] : r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('slot variant locales', () => {
  it('accepts a content per locale, each through the content schema (the sanitizer too)', () => {
    const parsed = slotSchema.parse(
      slot({
        fr: { type: 'text', text: 'Bonjour' },
        'fr-ca': { type: 'link', text: 'Allô', href: '/fr-ca' },
        ar: { type: 'html', html: '<p onclick="x()">مرحبا</p><script>alert(1)</script>' },
      }),
    );
    const locales = parsed.variants[0]!.locales!;
    expect(locales['fr']).toEqual({ type: 'text', text: 'Bonjour' });
    expect(locales['ar']).toEqual({ type: 'html', html: '<p>مرحبا</p>' });
  });

  it('refuses tags that are not lower-case language[-region], unsafe URLs, and too many locales', () => {
    expect(issues(slotSchema, slot({ 'fr-CA': { type: 'text', text: 'x' } })).join()).toMatch(/lower-case BCP 47/);
    expect(issues(slotSchema, slot({ french: { type: 'text', text: 'x' } })).join()).toMatch(/lower-case BCP 47/);
    expect(issues(slotSchema, slot({ fr: { type: 'link', text: 'x', href: 'javascript:alert(1)' } })).join()).toMatch(/http\(s\) URL/);
    expect(issues(slotSchema, slot({ fr: { type: 'html', html: '<script>alert(1)</script>' } })).join()).toMatch(/nothing is left/);
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`l${String.fromCharCode(97 + i)}`, { type: 'text', text: 'x' }]));
    expect(issues(slotSchema, slot(many)).join()).toMatch(/at most 20 locales/);
  });

  it('reads an old stored config (no locales) unchanged', () => {
    const old = { id: 'hero', name: 'Hero', variants: [{ segment: 'everyone', priority: 1, content: { type: 'text', text: 'Hello' } }] };
    expect(slotSchema.parse(old)).toEqual(old);
    const stored = readStoredConfig({
      id: 'shop',
      name: 'Shop',
      version: 3,
      origins: [],
      consentPolicy: 'opt-out',
      segments: [{ id: 'everyone', name: 'Everyone', condition: { everyone: true } }],
      slots: [old],
    });
    expect(stored.ok && stored.config.slots[0]).toMatchObject(old);
  });
});

describe('message locales', () => {
  const survey = {
    id: 'sport',
    name: 'Sport',
    type: 'survey',
    body: 'What do you run?',
    survey: {
      pref: 'sport',
      options: [
        { value: 'road', label: 'Road' },
        { value: 'trail', label: 'Trail' },
      ],
    },
  } as const;

  it('accepts title, body, CTA and survey labels per locale, and per-variant overrides', () => {
    const m = messageSchema.parse({
      ...survey,
      cta: { text: 'Shop', href: '/shop' },
      locales: { fr: { title: 'Question', body: 'Vous courez où ?', cta: { text: 'Boutique' }, options: { road: 'Route', trail: 'Sentier' } } },
      variants: [{ id: 'a', weight: 100, body: 'Where do you run?', locales: { fr: { body: 'Où courez-vous ?' }, ar: { body: 'أين تركض؟' } } }],
    });
    expect(m.locales?.['fr']?.options).toEqual({ road: 'Route', trail: 'Sentier' });
    expect(m.variants[0]!.locales?.['ar']).toEqual({ body: 'أين تركض؟' });
  });

  it('refuses an option label for no option, a linkless CTA with nothing to fall back to, unsafe links, bad tags', () => {
    expect(issues(messageSchema, { ...survey, locales: { fr: { options: { swim: 'Nage' } } } })).toEqual([
      'locales.fr.options.swim: no survey option has the value "swim"',
    ]);
    expect(issues(messageSchema, { ...survey, locales: { fr: { cta: { text: 'Voir' } } } })).toEqual([
      'locales.fr.cta.href: a localized call to action needs a link when the message has none',
    ]);
    expect(issues(messageSchema, { ...survey, locales: { fr: { cta: { text: 'Voir', href: 'javascript:alert(1)' } } } }).join()).toMatch(/http\(s\) URL/);
    expect(issues(messageSchema, { ...survey, locales: { FR: { body: 'x' } } }).join()).toMatch(/lower-case BCP 47/);
    expect(issues(messageSchema, { ...survey, locales: { fr: { body: '' } } }).join()).toMatch(/fr\.body/);
    expect(issues(messageSchema, { ...survey, locales: { fr: { colour: 'bleu' } } }).join()).toMatch(/colour/);
  });
});

describe('a survey thank-you (thanks), per locale too', () => {
  const survey = {
    id: 'sport',
    name: 'Sport',
    type: 'survey',
    body: 'What do you run?',
    survey: {
      pref: 'sport',
      options: [
        { value: 'road', label: 'Road' },
        { value: 'trail', label: 'Trail' },
      ],
    },
  } as const;

  it('accepts a thank-you on a survey and per locale; an old survey without one stays valid', () => {
    const m = messageSchema.parse({ ...survey, thanks: 'Thank you!', locales: { fr: { thanks: 'Merci !' } } });
    expect(m.thanks).toBe('Thank you!');
    expect(m.locales?.['fr']?.thanks).toBe('Merci !');
    const old = messageSchema.parse(survey);
    expect(old).not.toHaveProperty('thanks');
  });

  it('refuses an empty or too long thank-you, one on a message that is not a survey, and one on a variant', () => {
    expect(issues(messageSchema, { ...survey, thanks: '' })).toEqual(['thanks: Too small: expected string to have >=1 characters']);
    expect(issues(messageSchema, { ...survey, locales: { fr: { thanks: 'x'.repeat(1_001) } } }).join()).toMatch(/^locales\.fr\.thanks: Too big/);
    const banner = { id: 'b', name: 'B', type: 'banner', body: 'Hi' };
    expect(issues(messageSchema, { ...banner, thanks: 'Merci' })).toEqual(['thanks: only survey messages take a thank-you (this is a banner)']);
    expect(issues(messageSchema, { ...banner, locales: { fr: { thanks: 'Merci' } } })).toEqual([
      'locales.fr.thanks: only survey messages take a thank-you (this is a banner)',
    ]);
    expect(issues(messageSchema, { ...survey, variants: [{ id: 'a', weight: 100, locales: { fr: { thanks: 'Merci' } } }] }).join()).toMatch(
      /variants\.0\.locales\.fr.*thanks/,
    );
  });
});
