import { describe, expect, it } from 'vitest';
import { assignVariant } from '../messages/bucket';
import { messageSchema } from '../../../protocol/config/messages';
import { selectMessages } from '../messages/select';
import { ALL_SEGMENTS, MIN_WEIGHT, banditReport, banditVariants, buildBanditTable, probabilityBest, sampleBeta, seededRandom } from './bandit';

describe('sampleBeta', () => {
  it('has the Beta mean alpha / (alpha + beta)', () => {
    const rand = seededRandom(42);
    for (const [a, b] of [
      [1, 1],
      [3, 7],
      [40, 10],
    ] as const) {
      let sum = 0;
      for (let i = 0; i < 20_000; i++) sum += sampleBeta(a, b, rand);
      expect(sum / 20_000).toBeCloseTo(a / (a + b), 2);
    }
  });
});

describe('probabilityBest', () => {
  it('is a half each for identical arms and near 1 for a clearly better arm', () => {
    const even = probabilityBest({ a: { alpha: 11, beta: 91 }, b: { alpha: 11, beta: 91 } }, seededRandom(1));
    expect(even.a! + even.b!).toBeCloseTo(1, 10);
    expect(Math.abs(even.a! - 0.5)).toBeLessThan(0.05);
    // 30% vs 10% on 200 exposures each: P(a best) is essentially 1.
    const clear = probabilityBest({ a: { alpha: 61, beta: 141 }, b: { alpha: 21, beta: 181 } }, seededRandom(1));
    expect(clear.a).toBeGreaterThan(0.99);
  });
});

describe('buildBanditTable', () => {
  it('builds Beta(1 + conversions, 1 + non-conversions) per message, segment and variant, without the holdout', () => {
    const table = buildBanditTable(
      [
        { message: 'm', variant: 'a', segment: ALL_SEGMENTS, exposed: 200, converted: 60 },
        { message: 'm', variant: 'b', segment: ALL_SEGMENTS, exposed: 200, converted: 20 },
        { message: 'm', variant: 'holdout', segment: ALL_SEGMENTS, exposed: 50, converted: 5 },
      ],
      1_000,
    );
    expect(Object.keys(table.messages.m![ALL_SEGMENTS]!)).toEqual(['a', 'b']);
    expect(table.messages.m![ALL_SEGMENTS]!.a).toMatchObject({ alpha: 61, beta: 141 });
    expect(table.messages.m![ALL_SEGMENTS]!.b).toMatchObject({ alpha: 21, beta: 181, weight: MIN_WEIGHT });
    expect(table.messages.m![ALL_SEGMENTS]!.a!.weight).toBeGreaterThan(0.99);
    expect(table.updatedAt).toBe(1_000);
    // Deterministic: the same exposures publish the same weights.
    expect(
      buildBanditTable(
        [
          { message: 'm', variant: 'a', segment: 's', exposed: 5, converted: 1 },
          { message: 'm', variant: 'b', segment: 's', exposed: 5, converted: 2 },
        ],
        1,
      ),
    ).toEqual(
      buildBanditTable(
        [
          { message: 'm', variant: 'a', segment: 's', exposed: 5, converted: 1 },
          { message: 'm', variant: 'b', segment: 's', exposed: 5, converted: 2 },
        ],
        1,
      ),
    );
  });
});

describe('banditVariants', () => {
  const message = {
    id: 'm',
    bandit: true,
    holdout: 10,
    segments: ['runners', 'hikers'],
    variants: [
      { id: 'a', weight: 50 },
      { id: 'b', weight: 50 },
    ],
  };
  const arms = (wa: number, wb: number) => ({ a: { alpha: 1, beta: 1, weight: wa }, b: { alpha: 1, beta: 1, weight: wb } });
  const table = { updatedAt: 1, messages: { m: { hikers: arms(0.9, 0.1), [ALL_SEGMENTS]: arms(0.2, 0.8) } } };

  it('uses the first covered segment the visitor is in, else all visitors', () => {
    expect(banditVariants(message, table, new Set(['hikers']))?.map((v) => v.weight)).toEqual([0.9, 0.1]);
    // "runners" comes first in the message but has no posterior yet.
    expect(banditVariants(message, table, new Set(['runners', 'hikers']))?.map((v) => v.weight)).toEqual([0.9, 0.1]);
    expect(banditVariants(message, table, new Set())?.map((v) => v.weight)).toEqual([0.2, 0.8]);
  });
  it('keeps the configured weights when not a bandit, without a table, or when a variant has no posterior', () => {
    expect(banditVariants({ ...message, bandit: false }, table, new Set())).toBeNull();
    expect(banditVariants(message, null, new Set())).toBeNull();
    expect(banditVariants({ ...message, variants: [...message.variants, { id: 'c', weight: 0 }] }, table, new Set())).toBeNull();
  });
  it('keeps the holdout: the same visitors are held out whatever the weights', () => {
    const reweighted = { ...message, variants: banditVariants(message, table, new Set())! };
    let moved = 0;
    for (let i = 0; i < 2_000; i++) {
      const before = assignVariant(message, `visitor-${i}`);
      const after = assignVariant(reweighted, `visitor-${i}`);
      expect(after.holdout).toBe(before.holdout);
      if (!before.holdout && !after.holdout && before.variant.id !== after.variant.id) moved++;
    }
    // 50/50 -> 20/80: about 30% of the non-holdout visitors move from a to b.
    expect(moved / 1_800).toBeGreaterThan(0.25);
    expect(moved / 1_800).toBeLessThan(0.35);
  });
});

describe('selectMessages with a bandit table', () => {
  it('shows bandit messages by the published weights and keeps the holdout', () => {
    const message = messageSchema.parse({
      id: 'offer',
      name: 'Offer',
      type: 'banner',
      body: 'Hello',
      bandit: true,
      holdout: 10,
      goal: { event: 'purchase', withinHours: 24 },
      variants: [
        { id: 'a', weight: 50 },
        { id: 'b', weight: 50 },
      ],
    });
    const table = {
      updatedAt: 1,
      messages: { offer: { [ALL_SEGMENTS]: { a: { alpha: 61, beta: 141, weight: 0.99 }, b: { alpha: 21, beta: 181, weight: 0.01 } } } },
    };
    const history = { shown: () => 0, shownAny: () => 0, lastShownAt: () => null };
    const counts = { a: 0, b: 0, holdout: 0 };
    for (let i = 0; i < 1_000; i++) {
      const r = selectMessages({
        messages: [message],
        inSegments: new Set(),
        visitorId: `v-${i}`,
        now: 0,
        history,
        fatigue: { perDay: 10, minMinutesBetween: 0 },
        bandit: table,
      });
      const variant = r.exposures[0]?.variant as keyof typeof counts;
      counts[variant]++;
    }
    expect(counts.holdout).toBeGreaterThan(70);
    expect(counts.holdout).toBeLessThan(130);
    expect(counts.b).toBeLessThan(30);
    expect(counts.a).toBeGreaterThan(800);
  });
  it('refuses a bandit message without a goal', () => {
    const r = messageSchema.safeParse({ id: 'x', name: 'X', type: 'banner', body: 'b', bandit: true });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toContain('bandit');
  });
});

describe('banditReport', () => {
  const message = {
    id: 'm',
    holdout: 10,
    segments: ['runners', 'hikers'],
    variants: [
      { id: 'a', weight: 70 },
      { id: 'b', weight: 30 },
    ],
  };
  // Hikers: a 30 of 100, b 5 of 100 (weights as published: P(best) with the 1% floor, not normalized).
  const table = {
    updatedAt: 1_700_000_000_000,
    messages: {
      m: {
        hikers: { a: { alpha: 31, beta: 71, weight: 1 }, b: { alpha: 6, beta: 96, weight: MIN_WEIGHT } },
        runners: { a: { alpha: 2, beta: 3, weight: 1 } },
        [ALL_SEGMENTS]: { a: { alpha: 3, beta: 9, weight: 0.2 }, b: { alpha: 9, beta: 3, weight: 0.6 } },
      },
    },
  };

  it('gives all visitors first, then each of the message segments, with the split selection uses', () => {
    const r = banditReport(message, table);
    expect(r.updatedAt).toBe(1_700_000_000_000);
    expect(r.holdout).toBe(10);
    expect(r.segments.map((s) => [s.segment, s.from])).toEqual([
      [ALL_SEGMENTS, 'own'],
      // Runners have no posterior for b yet: their visitors get the all-visitors split.
      ['runners', 'all'],
      ['hikers', 'own'],
    ]);
    const [all, runners, hikers] = r.segments;
    for (const row of [all!, runners!]) {
      expect(row.variants[0]!.share).toBeCloseTo(0.25, 10);
      expect(row.variants[1]!.share).toBeCloseTo(0.75, 10);
    }
    expect(hikers!.variants[0]!.share).toBeCloseTo(1 / 1.01, 10);
    for (const s of r.segments) expect(s.variants.reduce((sum, v) => sum + v.share, 0)).toBeCloseTo(1, 10);
  });

  it('shows the row own posteriors and, when complete, each variant probability of being best', () => {
    const [all, runners, hikers] = banditReport(message, table).segments;
    expect(hikers!.variants.map((v) => v.posterior)).toEqual([
      { alpha: 31, beta: 71 },
      { alpha: 6, beta: 96 },
    ]);
    expect(hikers!.variants[0]!.probabilityBest).toBeGreaterThan(0.99);
    expect(all!.variants[1]!.probabilityBest).toBeGreaterThan(0.9);
    expect(all!.variants[0]!.probabilityBest! + all!.variants[1]!.probabilityBest!).toBeCloseTo(1, 10);
    // A partial row keeps the posterior it has, but no P(best) among a subset.
    expect(runners!.variants.map((v) => v.posterior)).toEqual([{ alpha: 2, beta: 3 }, null]);
    expect(runners!.variants.map((v) => v.probabilityBest)).toEqual([null, null]);
    // Seeded: the same table always reads the same.
    expect(banditReport(message, table)).toEqual(banditReport(message, table));
  });

  it('falls back to the configured weights before anything is published', () => {
    const r = banditReport(message, null);
    expect(r.updatedAt).toBeNull();
    expect(r.segments.map((s) => s.from)).toEqual(['configured', 'configured', 'configured']);
    expect(r.segments[0]!.variants[0]!.share).toBeCloseTo(0.7, 10);
    expect(r.segments[0]!.variants.map((v) => v.posterior)).toEqual([null, null]);
  });
});
