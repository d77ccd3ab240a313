// The reports' pure logic: step drafts, how steps read, config event names, source regrouping and
// the message verdicts, checked in Node.
import { describe, expect, it } from 'vitest';
import type { SiteConfig } from '../api';
import { configEvents, isStepDraft, rangeFrom, regroup, statisticText, stepName, stepPhrase, stepText, toStep, verdict } from './model';

describe('steps', () => {
  it('turns drafts into query steps, or says what is missing', () => {
    expect(toStep({ kind: 'event', value: ' add_to_cart ' })).toEqual({ step: { event: 'add_to_cart' } });
    expect(toStep({ kind: 'page', value: '/product/*' })).toEqual({ step: { page: '/product/*' } });
    expect(toStep({ kind: 'event', value: '  ' })).toEqual({ problem: 'Enter an event name.' });
    expect(toStep({ kind: 'page', value: 'cart' })).toHaveProperty('problem');
    expect(toStep({ kind: 'page', value: '/cart?x=1' })).toHaveProperty('problem');
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
  const rows = [row('google', 'cpc', 'fall', 5, 1), row('google', 'cpc', 'spring', 3, 1), row('google', 'organic', null, 4), row('direct', '(none)', null, 9, 2)];
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
    const words = statisticText({ rateInterval: 'wilson', liftInterval: 'newcombe-wilson', confidence: 0.95 });
    expect(words.rate).toBe('95% Wilson score interval');
    expect(words.lift).toMatch(/^95% Newcombe hybrid score interval/);
  });
});
