// The reports' pure logic: step drafts, how steps read, config event names, source regrouping and
// the message verdicts, checked in Node.
import { describe, expect, it } from 'vitest';
import type { SiteConfig } from '../api';
import {
  ago,
  banditView,
  configEvents,
  inputsKey,
  isStepDraft,
  problemOf,
  queryKey,
  rangeFrom,
  regroup,
  statisticText,
  stepName,
  stepPhrase,
  stepText,
  toStep,
  verdict,
} from './model';

describe('steps', () => {
  it('turns drafts into query steps, or says what is missing', () => {
    expect(toStep({ kind: 'event', value: ' add_to_cart ' })).toEqual({ step: { event: 'add_to_cart' } });
    expect(toStep({ kind: 'page', value: '/product/*' })).toEqual({ step: { page: '/product/*' } });
    expect(toStep({ kind: 'event', value: '  ' })).toEqual({ problem: 'Enter an event name.' });
    expect(toStep({ kind: 'page', value: 'cart' })).toHaveProperty('problem');
    expect(toStep({ kind: 'page', value: '/cart?x=1' })).toHaveProperty('problem');
    expect(problemOf(toStep({ kind: 'event', value: '' }))).toBe('Enter an event name.');
    expect(problemOf(toStep({ kind: 'event', value: 'buy' }))).toBeUndefined();
    expect(isStepDraft({ kind: 'page', value: '/' })).toBe(true);
    expect(isStepDraft({ kind: 'click', value: '/' })).toBe(false);
  });
  it('reads steps in words', () => {
    expect(stepText({ event: 'purchase' })).toBe('purchase');
    expect(stepText({ page: '/*' })).toBe('any page');
    expect(stepText({ page: '/cart' })).toBe('page /cart');
    expect(stepPhrase({ page: '/*' })).toBe('a page view');
    expect(stepPhrase({ event: 'purchase' })).toBe('“purchase”');
    expect(stepName({ event: 'purchase', label: 'Bought' })).toBe('Bought');
    expect(stepName({ event: 'purchase', label: ' ' })).toBe('purchase');
  });
  it('rounds range starts to the minute, so a report key is stable within it', () => {
    const now = Date.UTC(2026, 10, 23, 18, 4, 31, 500);
    expect(rangeFrom('24h', now)).toBe(Date.UTC(2026, 10, 22, 18, 4));
    expect(rangeFrom('24h', now + 20_000)).toBe(rangeFrom('24h', now));
  });
});

describe('configEvents', () => {
  it('collects event names from segment conditions and message goals and triggers', () => {
    const config = {
      id: 's',
      name: 's',
      version: 1,
      slots: [],
      segments: [{ id: 'a', condition: { all: [{ event: 'add_to_cart', within: '1d' }, { not: { event: 'checkout_start' } }] } }],
      messages: [{ id: 'm', trigger: { on: 'event', name: 'wishlist_add' }, goal: { event: 'purchase', withinHours: 24 } }],
    } as SiteConfig;
    expect(configEvents(config).sort()).toEqual(['add_to_cart', 'checkout_start', 'purchase', 'wishlist_add']);
  });
});

describe('regroup', () => {
  const row = (source: string, medium: string, campaign: string | null, visitors: number, conversions = 0) => ({
    source,
    medium,
    campaign,
    visitors,
    pageViews: visitors * 2,
    conversions,
    conversionRate: visitors ? conversions / visitors : 0,
  });
  const rows = [
    row('google', 'cpc', 'fall', 5, 1),
    row('google', 'cpc', 'spring', 3, 1),
    row('google', 'organic', null, 4),
    row('direct', '(none)', null, 9, 2),
  ];
  it('adds up visitors, page views and conversions of the rows that merge', () => {
    expect(regroup(rows, 'source').map((r) => [r.source, r.medium, r.visitors, r.pageViews, r.conversions])).toEqual([
      ['google', null, 12, 24, 2],
      ['direct', null, 9, 18, 2],
    ]);
    expect(regroup(rows, 'medium').map((r) => [r.source, r.medium, r.visitors])).toEqual([
      ['direct', '(none)', 9],
      ['google', 'cpc', 8],
      ['google', 'organic', 4],
    ]);
    expect(regroup(rows, 'campaign').map((r) => r.campaign)).toEqual(['(none)', 'fall', '(none)', 'spring']);
  });
});

describe('message statistics', () => {
  it('calls a lift significant only when its interval excludes zero', () => {
    expect(verdict([0.01, 0.2])).toBe('win');
    expect(verdict([-0.3, -0.001])).toBe('loss');
    expect(verdict([-0.1, 0.2])).toBeNull();
    expect(verdict([0, 0.2])).toBeNull();
  });
  it('names the intervals the API says it computed', () => {
    const words = statisticText({
      rateInterval: 'wilson',
      liftInterval: 'always-valid-normal-mixture',
      tuning: 5_000,
      fixedHorizonLiftInterval: 'newcombe-wilson',
      confidence: 0.95,
    });
    expect(words.rate).toBe('95% Wilson score interval');
    expect(words.lift).toMatch(/^95% always-valid interval/);
    expect(words.fixedHorizon).toMatch(/^95% Newcombe hybrid score interval/);
  });
});

describe('bandit view', () => {
  const report = {
    updatedAt: 1_000_000,
    holdout: 10,
    segments: [
      {
        segment: '*',
        from: 'own' as const,
        variants: [
          { variant: 'a', share: 0.25, posterior: { alpha: 3, beta: 9 }, probabilityBest: 0.004 },
          { variant: 'b', share: 0.75, posterior: { alpha: 9, beta: 3 }, probabilityBest: 0.996 },
        ],
      },
      {
        segment: 'runners',
        from: 'all' as const,
        variants: [
          { variant: 'a', share: 0.25, posterior: { alpha: 2, beta: 3 }, probabilityBest: null },
          { variant: 'b', share: 0.75, posterior: null, probabilityBest: null },
        ],
      },
      {
        segment: 'gone',
        from: 'configured' as const,
        variants: [
          { variant: 'a', share: 0.5, posterior: null, probabilityBest: null },
          { variant: 'b', share: 0.5, posterior: null, probabilityBest: null },
        ],
      },
    ],
  };
  it('reads one row per segment with each variant share, P(best) and posterior', () => {
    const v = banditView(report, new Map([['runners', 'Runners']]), 1_000_000 + 5 * 60_000 + 10);
    expect(v.published).toBe('5 min ago');
    expect(v.rows.map((r) => r.label)).toEqual(['All visitors', 'Runners', 'gone']);
    expect(v.rows[0]!.cells).toEqual([
      { variant: 'a', share: 0.25, best: 'P(best) <1%', posterior: 'Beta(3, 9) · 2 of 10 converted', leads: false },
      { variant: 'b', share: 0.75, best: 'P(best) >99%', posterior: 'Beta(9, 3) · 8 of 10 converted', leads: true },
    ]);
    expect(v.rows[0]!.note).toBeNull();
    // Borrowed or configured splits name where they come from, and favour nobody.
    expect(v.rows[1]!.note).toMatch(/all-visitors split/);
    expect(v.rows[1]!.cells.map((c) => [c.best, c.posterior, c.leads])).toEqual([
      [null, 'Beta(2, 3) · 1 of 3 converted', false],
      [null, null, false],
    ]);
    expect(v.rows[2]!.note).toMatch(/configured weights/);
  });
  it('says when nothing is published yet, and how long ago otherwise', () => {
    expect(banditView({ ...report, updatedAt: null }, new Map(), 0).published).toBeNull();
    expect(ago(30_000)).toBe('just now');
    expect(ago(-5_000)).toBe('just now');
    expect(ago(3 * 3_600_000)).toBe('3 h ago');
    expect(ago(3 * 86_400_000)).toBe('3 d ago');
  });
});

describe('report keys', () => {
  it('remembers inputs per report and site under the keys earlier versions used', () => {
    expect(inputsKey('funnel', 'shop')).toBe('wm-report-funnel:shop');
  });

  it('keys a query by its JSON, and an incomplete one (null) by nothing', () => {
    expect(queryKey(null)).toBeNull();
    expect(queryKey({ steps: [], from: 0 })).toBe('{"steps":[],"from":0}');
    expect(queryKey({ from: 0 })).not.toBe(queryKey({ from: 60_000 }));
  });
});
