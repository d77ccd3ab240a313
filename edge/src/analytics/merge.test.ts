import { describe, expect, it } from 'vitest';
import {
  medianFromSlices,
  pathsReport,
  planMedian,
  segmentCountReport,
  sourcesReport,
  streamReport,
  sumExposureCounts,
  type GapSample,
  type SourceRow,
  type StreamPartEvent,
} from './merge';
import { seededRandom } from './random';

/** What reports.ts `funnelPart` sends for one shard's gaps: all up to 512, else ranks 1, count, every ceil(count / 128)-th and the run around its median. */
function sampleLikeSql(values: number[]): GapSample {
  const sorted = [...values].sort((a, b) => a - b);
  const c = sorted.length;
  const every = Math.floor((c + 127) / 128);
  const samples = sorted
    .map((value, i) => ({ rank: i + 1, value }))
    .filter(({ rank }) => c <= 512 || rank === 1 || rank === c || rank % every === 0 || (rank >= c * 0.48 - 2 && rank <= c * 0.52 + 2));
  return { count: c, samples };
}

function trueMedian(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const c = s.length;
  return (s[Math.floor((c + 1) / 2) - 1]! + s[Math.floor((c + 2) / 2) - 1]!) / 2;
}

/** The two rounds as the fan-out runs them (sharded.ts), against in-memory shards. */
let secondRounds = 0;
function shardedMedian(shards: number[][]): number | null {
  const plan = planMedian(shards.map(sampleLikeSql));
  if ('median' in plan) return plan.median;
  secondRounds++;
  const slices = shards.map((values) => ({
    below: values.filter((v) => v < plan.lo).length,
    values: values.filter((v) => v >= plan.lo && v <= plan.hi).sort((a, b) => a - b),
  }));
  return medianFromSlices(
    shards.reduce((n, s) => n + s.length, 0),
    slices,
  );
}

describe('merging shard reports', () => {
  it('finds the exact median over shards, in one round when they sent everything, else with a narrow second round', () => {
    const rand = seededRandom(7);
    for (let trial = 0; trial < 30; trial++) {
      const shardCount = 1 + Math.floor(rand() * 16);
      // Ties (a small value range) in some trials, skewed shard sizes in all.
      const range = trial % 3 === 0 ? 50 : 10_000_000;
      const shards = Array.from({ length: shardCount }, () => Array.from({ length: Math.floor(rand() ** 2 * 2000) }, () => Math.floor(rand() * range)));
      expect(shardedMedian(shards)).toBe(trueMedian(shards.flat()));
    }
    expect(shardedMedian([[], []])).toBeNull();
    expect(planMedian([sampleLikeSql([5, 1]), sampleLikeSql([3])])).toEqual({ median: 3 });
  }, 30_000);

  it('needs no second round when shards hold random visitors (each sends the run around its own median)', () => {
    const rand = seededRandom(3);
    secondRounds = 0;
    for (let trial = 0; trial < 3; trial++) {
      const shards = Array.from({ length: 16 }, () => Array.from({ length: 2_000 + Math.floor(rand() * 6_000) }, () => Math.floor(rand() * 1e9)));
      expect(shardedMedian(shards)).toBe(trueMedian(shards.flat()));
    }
    expect(secondRounds).toBe(0);
    // Skewed shards (one holds only small gaps) need the second round, and it is still exact.
    const skewed = [Array.from({ length: 4000 }, (_, i) => i), Array.from({ length: 4000 }, (_, i) => 1e6 + i)];
    expect(shardedMedian(skewed)).toBe(trueMedian(skewed.flat()));
    expect(secondRounds).toBe(1);
  }, 30_000);

  it('takes the top N paths and sources of the sums, not of each shard’s top N', () => {
    // x leads each shard by one, y is second everywhere but first in total.
    const key = (name: string) => JSON.stringify([{ event: name }]);
    const parts = [
      {
        anchorSessions: 10,
        sequences: [
          { key: key('x'), sessions: 4 },
          { key: key('y'), sessions: 3 },
          { key: key('z1'), sessions: 3 },
        ],
      },
      {
        anchorSessions: 10,
        sequences: [
          { key: key('z2'), sessions: 4 },
          { key: key('y'), sessions: 3 },
          { key: key('x'), sessions: 0 },
        ],
      },
    ];
    const r = pathsReport({ direction: 'next', depth: 1, limit: 1, from: 0, to: 1 }, parts);
    expect(r.anchorSessions).toBe(20);
    expect(r.paths).toEqual([{ steps: [{ event: 'y' }], sessions: 6, share: 0.3 }]);

    const row = (source: string, visitors: number, campaign: string | null = null): SourceRow => ({
      source,
      medium: 'referral',
      campaign,
      visitors,
      pageViews: visitors,
      conversions: 1,
    });
    const sources = sourcesReport({ limit: 2, from: 0, to: 1 }, [
      [row('a', 5), row('b', 4)],
      [row('c', 5), row('b', 4), row('b', 9, 'spring')],
    ]);
    // a and c (5 each) lead their shards; b without a campaign is 4 + 4 in total; b/spring 9.
    expect(sources.rows.map((r) => [r.source, r.campaign, r.visitors, r.conversions, r.conversionRate])).toEqual([
      ['b', 'spring', 9, 1, 1 / 9],
      ['b', null, 8, 2, 0.25],
    ]);
  });

  it('merges the stream by seq and pages it with one cursor', () => {
    const ev = (seq: number): StreamPartEvent => ({
      seq,
      id: `e${seq}`,
      visitorId: 'v',
      type: 'page',
      name: 'page',
      path: '/',
      ts: seq,
      receivedAt: seq,
      props: seq === 3 ? '{"a":1}' : null,
    });
    const shards = [
      [ev(1), ev(4), ev(6)],
      [ev(2), ev(3), ev(9)],
    ];
    const latest = streamReport(undefined, 2, shards);
    expect(latest.events.map((e) => e.seq)).toEqual([6, 9]);
    const first = streamReport(0, 3, shards);
    expect(first).toMatchObject({ cursor: 3 });
    expect(first.events.map((e) => [e.seq, e.props])).toEqual([
      [1, null],
      [2, null],
      [3, { a: 1 }],
    ]);
    expect(streamReport(9, 3, [[], []])).toEqual({ events: [], cursor: 9 });
  });

  it('samples the first ids over all shards for the segment count, as one store would', () => {
    const part = (ids: string[], matched: string, total = ids.length) => ({ total, ids, matched });
    // Sample of 3: a1, a2 (shard 1) and b1 (shard 2); of those a2 and b1 match; scaled to 10 visitors.
    const r = segmentCountReport(3, 'note', [part(['a1', 'a2', 'c9'], '011', 5), part(['b1', 'b2'], '10', 5)]);
    expect(r).toEqual({ matching: Math.round((2 * 10) / 3), total: 10, sampled: true, evaluated: 3, note: 'note' });
    expect(segmentCountReport(10, 'n', [part(['a'], '1'), part(['b'], '0')])).toMatchObject({ matching: 1, total: 2, sampled: false, evaluated: 2 });
  });

  it('sums exposure counts over shards in the single store’s order (segments first, then all visitors)', () => {
    const row = (message: string, variant: string, segment: string, exposed: number, converted: number) => ({ message, variant, segment, exposed, converted });
    const summed = sumExposureCounts(
      [
        [row('m', 'b', '*', 2, 1), row('m', 'a', 'hikers', 1, 1)],
        [row('m', 'a', '*', 3, 0), row('m', 'a', 'hikers', 2, 0), row('k', 'a', 'x', 1, 0)],
      ],
      '*',
    );
    expect(summed).toEqual([row('k', 'a', 'x', 1, 0), row('m', 'a', 'hikers', 3, 1), row('m', 'a', '*', 3, 0), row('m', 'b', '*', 2, 1)]);
  });
});
