/**
 * The columnar funnel index against a reference written straight from the SQL's definition
 * (reports.ts funnelSql: MIN over each step's qualifying events), on random event sets with ties
 * in time, repeated steps, events outside the window and before `from`, null paths and page
 * globs. The worker test (edge/test/analytics-funnel-index.test.ts) checks it against the SQL itself.
 */
import { describe, expect, it } from 'vitest';
import type { Step } from '../../../protocol/analytics';
import { durationMs } from '../../../protocol/config/conditions';
import { FunnelIndex, partFromGaps, slicesFromGaps } from './funnel-index';
import { seededRandom } from './random';
import type { FunnelInput } from './reports';
import { stepMatches } from './steps';

type Ev = { visitor: string; name: string; path: string | null; ts: number };

const T0 = 1_750_000_000_000;
const SEC = 1_000;
const NAMES = ['page', 'page', 'page', 'add', 'buy', 'x'];
const PATHS = ['/', '/a', '/a/b', '/ab', '/a/', '/\u{1F600}/x', '/\u{1F600}', '/b'];
const STEPS: Step[] = [
  { page: '/' },
  { page: '/a/*' },
  { page: '/*' },
  { page: '/a' },
  { page: '/\u{1F600}/*' },
  { event: 'add' },
  { event: 'buy' },
  { event: 'page' },
];
const WINDOWS = ['1m', '2m', '1h'];

function randomCase(seed: number): { events: Ev[]; q: FunnelInput } {
  const r = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const events: Ev[] = [];
  const visitors = 1 + Math.floor(r() * 60);
  for (let v = 0; v < visitors; v++) {
    // Now and then a visitor with many events (the index sorts long runs another way).
    const n = v === 0 && seed % 5 === 0 ? 150 : Math.floor(r() * 25);
    for (let i = 0; i < n; i++) {
      const name = pick(NAMES);
      // Whole seconds over a few minutes: plenty of ties and of events outside a short window.
      events.push({ visitor: `v${v}`, name, path: name === 'page' ? pick(PATHS) : r() < 0.5 ? null : pick(PATHS), ts: T0 + Math.floor(r() * 240) * SEC });
    }
  }
  const steps = Array.from({ length: 2 + Math.floor(r() * 4) }, () => pick(STEPS));
  const from = T0 + Math.floor(r() * 60) * SEC;
  return { events, q: { steps, window: pick(WINDOWS), from, to: from + Math.floor(r() * 180) * SEC } };
}

/** The SQL's definition, visitor by visitor, with no shared code beyond the step test. */
function reference(events: Ev[], q: FunnelInput): { counts: number[]; gaps: number[][] } {
  const counts = q.steps.map(() => 0);
  const gaps: number[][] = q.steps.slice(1).map(() => []);
  const byVisitor = new Map<string, Ev[]>();
  for (const e of events) byVisitor.set(e.visitor, [...(byVisitor.get(e.visitor) ?? []), e]);
  const w = durationMs(q.window);
  for (const evs of byVisitor.values()) {
    const min = (xs: number[]): number | null => (xs.length ? Math.min(...xs) : null);
    const t1 = min(evs.filter((e) => stepMatches(q.steps[0]!, e.name, e.path) && e.ts >= q.from && e.ts < q.to).map((e) => e.ts));
    if (t1 === null) continue;
    counts[0]!++;
    let prev = t1;
    for (let k = 1; k < q.steps.length; k++) {
      const tk = min(evs.filter((e) => stepMatches(q.steps[k]!, e.name, e.path) && e.ts > prev && e.ts <= t1 + w).map((e) => e.ts));
      if (tk === null) break;
      counts[k]!++;
      gaps[k - 1]!.push(tk - prev);
      prev = tk;
    }
  }
  return { counts, gaps: gaps.map((g) => g.sort((a, b) => a - b)) };
}

const plain = (f: { counts: number[]; gaps: ArrayLike<number>[] }) => ({ counts: f.counts, gaps: f.gaps.map((g) => Array.from(g)) });

describe('FunnelIndex', () => {
  it('answers what the SQL definition does on 400 random event sets, loaded at once or in pieces, in any order', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const { events, q } = randomCase(seed);
      const want = reference(events, q);
      // Sorted by (visitor, ts), as the store loads it.
      const sorted = new FunnelIndex();
      for (const e of [...events].sort((a, b) => (a.visitor < b.visitor ? -1 : a.visitor > b.visitor ? 1 : a.ts - b.ts)))
        sorted.add(e.visitor, e.name, e.path, e.ts);
      expect(plain(sorted.funnel(q)), `seed ${seed}`).toEqual(want);
      // Arrival order, in three pieces with queries between: the tail merges into the runs.
      const pieces = new FunnelIndex();
      const cut1 = Math.floor(events.length / 3);
      const cut2 = Math.floor((2 * events.length) / 3);
      for (const [a, b] of [
        [0, cut1],
        [cut1, cut2],
        [cut2, events.length],
      ] as const) {
        for (const e of events.slice(a, b)) pieces.add(e.visitor, e.name, e.path, e.ts);
        expect(plain(pieces.funnel(q)), `seed ${seed}, events up to ${b}`).toEqual(reference(events.slice(0, b), q));
      }
      expect(pieces.events).toBe(events.length);
    }
  });

  it('samples gaps like the SQL: all up to 512, else ends, every ceil(c/128)-th rank and the run around the median', () => {
    const index = new FunnelIndex();
    // 1,000 visitors, each a -> b with gap i + 1 seconds (ranks are the visitor numbers).
    for (let i = 0; i < 1_000; i++) {
      index.add(`v${i}`, 'a', null, T0);
      index.add(`v${i}`, 'b', null, T0 + (i + 1) * SEC);
    }
    const q: FunnelInput = { steps: [{ event: 'a' }, { event: 'b' }], window: '1d', from: T0, to: T0 + 1 };
    const part = partFromGaps(index.funnel(q));
    expect(part.counts).toEqual([1_000, 1_000]);
    const ranks = part.gaps[0]!.samples.map((s) => s.rank);
    // every = (1000 + 127) / 128 = 8 (integer division); median run: 478..522.
    const want = Array.from({ length: 1_000 }, (_, i) => i + 1).filter((rn) => rn === 1 || rn === 1_000 || rn % 8 === 0 || (rn >= 478 && rn <= 522));
    expect(ranks).toEqual(want);
    expect(part.gaps[0]!.samples.every((s) => s.value === s.rank * SEC)).toBe(true);
    const small = new FunnelIndex();
    small.add('v', 'a', null, T0);
    small.add('v', 'b', null, T0 + SEC);
    expect(partFromGaps(small.funnel(q)).gaps[0]).toEqual({ count: 1, samples: [{ rank: 1, value: SEC }] });
  });

  it('slices gaps for round two of a median: below lo counted, [lo, hi] listed in order', () => {
    const f = { counts: [5, 5, 2], gaps: [Float64Array.from([1, 2, 2, 3, 9]), Float64Array.from([4, 7])] };
    expect(slicesFromGaps(f, [{ lo: 2, hi: 3 }, null])).toEqual([{ below: 1, values: [2, 2, 3] }, null]);
    expect(slicesFromGaps(f, [null, { lo: 5, hi: 100 }])).toEqual([null, { below: 1, values: [7] }]);
    expect(slicesFromGaps({ counts: [3], gaps: [] }, [])).toEqual([]);
  });
});
