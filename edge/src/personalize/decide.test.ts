import { describe, expect, it } from 'vitest';
import { siteConfigSchema } from '../../../protocol/config/site';
import { DEMO_SITE } from '../demo/seed';
import type { Facts } from '../rules/evaluate';
import { decideSlots, evaluateSegments, membershipChanges } from './decide';
import { historyOf } from '../rules/memory-history';

const site = siteConfigSchema.parse(DEMO_SITE);
const render = (c: { type: string }) => `<rendered ${c.type}>`;
const NOW = 1_800_000_000_000;

function facts(partial: Partial<Facts> & { events?: { name: string; ts: number }[] } = {}): Facts {
  const { events = [], ...rest } = partial;
  return {
    now: NOW,
    traits: {},
    prefs: {},
    consent: null,
    userId: null,
    returning: false,
    request: {},
    history: historyOf(events),
    ...rest,
  };
}

describe('segments and slots of the demo shop', () => {
  it('a trail runner gets the trail hero, with the reason', () => {
    const outcomes = evaluateSegments(site.segments, facts({ prefs: { sport: 'trail' } }));
    expect(outcomes.filter((o) => o.matched).map((o) => o.id)).toEqual(['trail-runners']);
    const decisions = decideSlots(site.slots, site.segments, outcomes, render);
    expect(decisions).toEqual([
      {
        kind: 'slot',
        id: 'hero',
        html: '<rendered html>',
        segment: 'trail-runners',
        why: 'segment "Trail runners" (priority 30): pref sport in ["trail","ultra"] (is "trail")',
      },
    ]);
  });

  it('nobody matched: no decisions, the page keeps its default content', () => {
    const outcomes = evaluateSegments(site.segments, facts());
    expect(decideSlots(site.slots, site.segments, outcomes, render)).toEqual([]);
  });

  it('the highest priority matching variant wins; equal priorities keep config order', () => {
    const slots = [
      {
        id: 'banner',
        name: 'Banner',
        selector: '.banner',
        variants: [
          { segment: 'a', priority: 1, content: { type: 'text' as const, text: 'low' } },
          { segment: 'b', priority: 5, content: { type: 'text' as const, text: 'first of five' } },
          { segment: 'a', priority: 5, content: { type: 'text' as const, text: 'second of five' } },
        ],
      },
    ];
    const segments = [
      { id: 'a', name: 'A', condition: { identified: false } },
      { id: 'b', name: 'B', condition: { identified: false } },
    ];
    const decisions = decideSlots(slots, segments, evaluateSegments(segments, facts()), (c) => (c.type === 'text' ? c.text : ''));
    expect(decisions).toMatchObject([{ id: 'banner', selector: '.banner', html: 'first of five', segment: 'b' }]);
  });

  it('cart abandoners: carted in the last day and not checked out', () => {
    const carted = facts({ events: [{ name: 'add_to_cart', ts: NOW - 3_600_000 }] });
    const decisions = decideSlots(site.slots, site.segments, evaluateSegments(site.segments, carted), render);
    expect(decisions.map((d) => d.id)).toEqual(['category-promo']);
    const bought = facts({
      events: [
        { name: 'add_to_cart', ts: NOW - 3_600_000 },
        { name: 'checkout_start', ts: NOW - 60_000 },
      ],
    });
    expect(decideSlots(site.slots, site.segments, evaluateSegments(site.segments, bought), render)).toEqual([]);
  });

  it('membership changes: entered and exited', () => {
    const outcomes = [
      { id: 'a', matched: true, why: '' },
      { id: 'b', matched: false, why: '' },
      { id: 'c', matched: true, why: '' },
    ];
    expect(membershipChanges(new Set(['b', 'c']), outcomes)).toEqual({ entered: ['a'], exited: ['b'] });
  });
});
