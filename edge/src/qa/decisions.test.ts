import { describe, expect, it } from 'vitest';
import { siteConfigSchema } from '../../../protocol/config/site';
import { DEMO_SITE } from '../demo/seed';
import { qaDecisions } from './decisions';

const site = siteConfigSchema.parse(DEMO_SITE);
const NOW = Date.UTC(2026, 11, 7, 12);
const home = { url: 'https://shop.example/', now: NOW };
const product = { url: 'https://shop.example/product/trail-1', now: NOW };
const summary = (list: ReturnType<typeof qaDecisions>) => list.map((d) => (d.kind === 'slot' ? `slot ${d.id}=${d.segment}` : `message ${d.id}/${d.variant}`));

describe('QA decisions (forced, read-only)', () => {
  it('a forced segment gets that segment’s slot variants and messages, without caps or holdout', () => {
    expect(summary(qaDecisions(site, { kind: 'segment', segment: 'trail-runners' }, home))).toEqual(['slot hero=trail-runners']);
    const cartLeft = qaDecisions(site, { kind: 'segment', segment: 'cart-left' }, home);
    expect(cartLeft).toHaveLength(1);
    expect(cartLeft[0]).toMatchObject({ kind: 'message', id: 'cart-reminder' });
    // Page targeting still holds: the reminder is for the home page only, the survey (everyone) for product pages.
    expect(summary(qaDecisions(site, { kind: 'segment', segment: 'cart-left' }, product))).toEqual(['message training-survey/default']);
  });

  it('an unknown segment forces nothing but what is for everyone', () => {
    expect(qaDecisions(site, { kind: 'segment', segment: 'nobody' }, home)).toEqual([]);
    expect(summary(qaDecisions(site, { kind: 'segment', segment: 'nobody' }, product))).toEqual(['message training-survey/default']);
  });

  it('a profile shows what its stored segments get', () => {
    expect(summary(qaDecisions(site, { kind: 'profile', visitorId: 'a'.repeat(22) }, home, ['hikers', 'gone-segment']))).toEqual(['slot hero=hikers']);
    expect(qaDecisions(site, { kind: 'profile', visitorId: 'a'.repeat(22) }, home, [])).toEqual([]);
  });

  it('a forced slot variant fills that slot only', () => {
    const list = qaDecisions(site, { kind: 'slot', slot: 'hero', variant: 'road-runners' }, home);
    expect(summary(list)).toEqual(['slot hero=road-runners']);
    expect(list[0]).toMatchObject({ why: expect.stringContaining('forced by a QA link') });
    expect(qaDecisions(site, { kind: 'slot', slot: 'hero', variant: 'cart-abandoners' }, home)).toEqual([]);
    expect(qaDecisions(site, { kind: 'slot', slot: 'nope', variant: 'hikers' }, home)).toEqual([]);
  });

  it('a slot variant carries its text per locale, for the page’s lang to pick as a visitor’s does', () => {
    const [forcedHero] = qaDecisions(site, { kind: 'slot', slot: 'hero', variant: 'trail-runners' }, home);
    expect(forcedHero).toMatchObject({
      kind: 'slot',
      html: expect.stringContaining('Picked for trail runners'),
      locales: { fr: expect.stringContaining('Choisi pour les traileurs') },
    });
    const [asMember] = qaDecisions(site, { kind: 'segment', segment: 'trail-runners' }, home);
    expect(asMember).toMatchObject({ kind: 'slot', locales: { fr: expect.stringContaining('Choisi pour les traileurs') } });
  });

  it('a forced message variant shows on load on any page, whatever its targeting, schedule or trigger', () => {
    const list = qaDecisions(site, { kind: 'message', message: 'cart-reminder', variant: 'nudge' }, product);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ kind: 'message', id: 'cart-reminder', variant: 'nudge', title: 'Still thinking it over?', trigger: { on: 'load' } });
    const survey = qaDecisions(site, { kind: 'message', message: 'training-survey', variant: 'default' }, home);
    expect(survey[0]).toMatchObject({ id: 'training-survey', trigger: { on: 'load' } });
    expect(qaDecisions(site, { kind: 'message', message: 'cart-reminder', variant: 'missing' }, home)).toEqual([]);
  });

  it('a message carries its text per locale (for the page to pick, as a visitor’s does) and its thank-you', () => {
    const withThanks = siteConfigSchema.parse({
      ...DEMO_SITE,
      messages: DEMO_SITE.messages!.map((m) =>
        m.id === 'training-survey' ? { ...m, thanks: 'Thank you!', locales: { fr: { ...m.locales!['fr'], thanks: 'Merci !' } } } : m,
      ),
    });
    const [survey] = qaDecisions(withThanks, { kind: 'message', message: 'training-survey', variant: 'default' }, home);
    expect(survey).toMatchObject({ survey: { thanks: 'Thank you!' }, locales: { fr: { title: 'Avant de partir', thanks: 'Merci !' } } });
  });
});
