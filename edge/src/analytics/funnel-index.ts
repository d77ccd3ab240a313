/**
 * A shard's columnar funnel index (pure): its events as typed arrays grouped by visitor and sorted
 * by time within each visitor (one run per visitor), each event an interned step key (its stored
 * name and path) and a time. A funnel resolves each step to the key ids it matches once
 * (steps.ts `stepMatches`, the SQL test's twin), then walks every run once, applying exactly the
 * SQL's rules (reports.ts `funnelSql`), and answers the same FunnelPart and GapSlice values, so
 * merge.ts cannot tell which path answered. New events go to a small unsorted tail, merged into
 * the runs on the next query, in linear time. No Worker globals.
 */
import type { Step } from '../../../protocol/analytics';
import { durationMs } from '../../../protocol/config/conditions';
import type { FunnelPart, GapBounds, GapSample, GapSlice } from './merge';
import { GAP_MEDIAN_RUN, GAP_SAMPLE_ALL, GAP_SAMPLES, type FunnelInput } from './reports';
import { stepMatches } from './steps';

/** Bytes the index holds per event (key id, time) and, about, per visitor (its run start, its id in a Map). */
export const INDEX_BYTES_PER_EVENT = 12;
export const INDEX_BYTES_PER_VISITOR = 96;

/** One funnel's per-visitor outcome: visitors per step and, per later step, its gaps from the previous step ascending. */
export type FunnelGaps = { counts: number[]; gaps: Float64Array[] };

/** The index as arrays, to save and load (funnel-store.ts): visitors and keys in ordinal order. */
export type IndexImage = {
  runStart: Uint32Array<ArrayBuffer>;
  keys: Uint32Array<ArrayBuffer>;
  times: Float64Array<ArrayBuffer>;
  visitors: string[];
  keyName: string[];
  keyPath: (string | null)[];
};

export class FunnelIndex {
  /** Runs: visitor ordinal o owns events [runStart[o], runStart[o + 1]), ascending by time. */
  private runStart = new Uint32Array(1);
  private keys = new Uint32Array(0);
  private times = new Float64Array(0);
  private readonly visitors = new Map<string, number>();
  private readonly keyIds = new Map<string, Map<string | null, number>>();
  private readonly keyName: string[] = [];
  private readonly keyPath: (string | null)[] = [];
  private tailVisitor: number[] = [];
  private tailKey: number[] = [];
  private tailTime: number[] = [];

  /** An index from a saved image (as `image()` gave it). */
  static fromImage(image: IndexImage): FunnelIndex {
    const index = new FunnelIndex();
    index.runStart = image.runStart;
    index.keys = image.keys;
    index.times = image.times;
    image.visitors.forEach((v, o) => index.visitors.set(v, o));
    image.keyName.forEach((name, id) => {
      const path = image.keyPath[id] ?? null;
      index.keyName.push(name);
      index.keyPath.push(path);
      const paths = index.keyIds.get(name) ?? new Map<string | null, number>();
      paths.set(path, id);
      index.keyIds.set(name, paths);
    });
    return index;
  }

  /** Every event so far, the tail merged. */
  image(): IndexImage {
    this.settle();
    return {
      runStart: this.runStart,
      keys: this.keys,
      times: this.times,
      visitors: [...this.visitors.keys()],
      keyName: [...this.keyName],
      keyPath: [...this.keyPath],
    };
  }

  get events(): number {
    return this.times.length + this.tailTime.length;
  }

  get visitorCount(): number {
    return this.visitors.size;
  }

  /** About the memory the index holds (the typed arrays and the visitor ids). */
  get bytes(): number {
    return this.events * INDEX_BYTES_PER_EVENT + this.visitors.size * INDEX_BYTES_PER_VISITOR;
  }

  /** An event (any order); it counts from the next query. */
  add(visitor: string, name: string, path: string | null, ts: number): void {
    let o = this.visitors.get(visitor);
    if (o === undefined) {
      o = this.visitors.size;
      this.visitors.set(visitor, o);
    }
    this.tailVisitor.push(o);
    this.tailKey.push(this.keyId(name, path));
    this.tailTime.push(ts);
  }

  private keyId(name: string, path: string | null): number {
    let paths = this.keyIds.get(name);
    if (!paths) {
      paths = new Map();
      this.keyIds.set(name, paths);
    }
    let id = paths.get(path);
    if (id === undefined) {
      id = this.keyName.length;
      this.keyName.push(name);
      this.keyPath.push(path);
      paths.set(path, id);
    }
    return id;
  }

  /**
   * Merges the tail into the runs in linear time: the tail grouped by visitor with a counting
   * sort, each visitor's share put in time order (it usually arrives so), then merged with its run.
   */
  private settle(): void {
    const m = this.tailTime.length;
    if (m === 0) return;
    const tv = this.tailVisitor;
    const tt = this.tailTime;
    const V = this.visitors.size;
    const at = new Uint32Array(V + 1);
    for (let j = 0; j < m; j++) at[tv[j]! + 1]!++;
    for (let o = 0; o < V; o++) at[o + 1]! += at[o]!;
    const order = new Uint32Array(m);
    const fill = at.slice(0, V);
    for (let j = 0; j < m; j++) order[fill[tv[j]!]!++] = j;
    for (let o = 0; o < V; o++) sortByTime(order, at[o]!, at[o + 1]!, tt);
    const oldRuns = this.runStart;
    const oldV = oldRuns.length - 1;
    const oldKeys = this.keys;
    const oldTimes = this.times;
    const n = oldTimes.length;
    const runStart = new Uint32Array(V + 1);
    const keys = new Uint32Array(n + m);
    const times = new Float64Array(n + m);
    let out = 0;
    for (let o = 0; o < V; o++) {
      runStart[o] = out;
      let a = o < oldV ? oldRuns[o]! : n;
      const b = o < oldV ? oldRuns[o + 1]! : n;
      for (let j = at[o]!; j < at[o + 1]!; j++) {
        const t = order[j]!;
        const time = tt[t]!;
        while (a < b && oldTimes[a]! <= time) {
          keys[out] = oldKeys[a]!;
          times[out++] = oldTimes[a++]!;
        }
        keys[out] = this.tailKey[t]!;
        times[out++] = time;
      }
      while (a < b) {
        keys[out] = oldKeys[a]!;
        times[out++] = oldTimes[a++]!;
      }
    }
    runStart[V] = out;
    this.runStart = runStart;
    this.keys = keys;
    this.times = times;
    this.tailVisitor = [];
    this.tailKey = [];
    this.tailTime = [];
  }

  /** Per key id, whether it is this step. */
  private matcher(step: Step): Uint8Array {
    const m = new Uint8Array(this.keyName.length);
    for (let id = 0; id < m.length; id++) m[id] = stepMatches(step, this.keyName[id]!, this.keyPath[id]!) ? 1 : 0;
    return m;
  }

  /**
   * The funnel, as funnelSql defines it: a visitor enters at their first step-1 event in
   * [from, to); step k is their first step-k event strictly after step k - 1 and at most `window`
   * after step 1.
   */
  funnel(q: FunnelInput): FunnelGaps {
    this.settle();
    const windowMs = durationMs(q.window);
    const match = q.steps.map((s) => this.matcher(s));
    const first = match[0]!;
    const K = q.steps.length;
    const counts = q.steps.map(() => 0);
    const gaps: number[][] = q.steps.slice(1).map(() => []);
    const { keys, times, runStart } = this;
    const { from, to } = q;
    const V = runStart.length - 1;
    for (let o = 0; o < V; o++) {
      const b = runStart[o + 1]!;
      let i = runStart[o]!;
      let t1 = Number.NaN;
      for (; i < b; i++) {
        const t = times[i]!;
        if (t >= to) break;
        if (t >= from && first[keys[i]!] === 1) {
          t1 = t;
          break;
        }
      }
      if (Number.isNaN(t1)) continue;
      counts[0]!++;
      const limit = t1 + windowMs;
      let prev = t1;
      let p = i + 1;
      for (let k = 1; k < K; k++) {
        const m = match[k]!;
        let found = -1;
        for (; p < b; p++) {
          const t = times[p]!;
          if (t > limit) break;
          if (t > prev && m[keys[p]!] === 1) {
            found = p;
            break;
          }
        }
        if (found < 0) break;
        const t = times[found]!;
        counts[k]!++;
        gaps[k - 1]!.push(t - prev);
        prev = t;
        p = found + 1;
      }
    }
    return { counts, gaps: gaps.map((g) => Float64Array.from(g).sort()) };
  }
}

/** order[a..b) (indexes into `time`) in time order: insertion sort for the short runs visitors have, else a full sort. */
function sortByTime(order: Uint32Array, a: number, b: number, time: number[]): void {
  if (b - a > 32) {
    order.subarray(a, b).sort((x, y) => time[x]! - time[y]!);
    return;
  }
  for (let i = a + 1; i < b; i++) {
    const v = order[i]!;
    const t = time[v]!;
    let j = i - 1;
    while (j >= a && time[order[j]!]! > t) {
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = v;
  }
}

/** The shard's FunnelPart from its gaps: the same samples as funnelPart's SQL picks (reports.ts). */
export function partFromGaps(f: FunnelGaps): FunnelPart {
  return { counts: [...f.counts], gaps: f.gaps.map(sampleGaps) };
}

function sampleGaps(sorted: Float64Array): GapSample {
  const c = sorted.length;
  const samples: { rank: number; value: number }[] = [];
  // The SQL's integer division and real bounds, term for term.
  const every = Math.trunc((c + GAP_SAMPLES - 1) / GAP_SAMPLES);
  const lo = c * (0.5 - GAP_MEDIAN_RUN) - 2;
  const hi = c * (0.5 + GAP_MEDIAN_RUN) + 2;
  for (let rn = 1; rn <= c; rn++) {
    if (c <= GAP_SAMPLE_ALL || rn === 1 || rn === c || rn % every === 0 || (rn >= lo && rn <= hi)) samples.push({ rank: rn, value: sorted[rn - 1]! });
  }
  return { count: c, samples };
}

/** Round two of an exact median (funnelGaps' answer): per bracketed step, the gaps below `lo` counted and those in [lo, hi] listed. */
export function slicesFromGaps(f: FunnelGaps, bounds: GapBounds): GapSlice[] {
  if (f.gaps.length === 0) return bounds.map(() => null);
  return bounds.map((b, i) => {
    if (!b) return null;
    const sorted = f.gaps[i] ?? new Float64Array(0);
    let below = 0;
    const values: number[] = [];
    for (const d of sorted) {
      if (d < b.lo) below++;
      else if (d <= b.hi) values.push(d);
    }
    return { below, values };
  });
}
