/**
 * Reports from a site's analytics shards (pure). Every visitor lives in one shard (shards.ts), so
 * per-visitor counts add up exactly; what cannot simply be added is merged here exactly too: top N
 * lists from every shard's full list, medians by an exact two-round selection, the segment-count
 * sample from the first ids across shards. A site with one shard goes through the same code.
 */
import type {
  FunnelReport,
  FunnelStepResult,
  MessagesReport,
  OverviewReport,
  PathsReport,
  PathStep,
  ProfileSummary,
  RetentionReport,
  SegmentCountReport,
  SourcesReport,
  Step,
  StreamEvent,
  StreamReport,
} from '../../../protocol/analytics';
import { SEQUENTIAL_TUNING } from './sequential';
import { SRM_THRESHOLD, srmCheck, type SrmArm, type SrmResult } from './srm';
import { liftOverHoldout, rateSummary } from './stats';
import { stepLabel } from './steps';
import { readSlotVariant, slotOfExposure } from '../personalize/slot-experiment';

// ---- funnel ----

/** A shard's gaps of one step: how many, and samples by rank (1-based) in rank order; all of them when samples.length === count. */
export type GapSample = { count: number; samples: { rank: number; value: number }[] };
export type FunnelPart = { counts: number[]; gaps: GapSample[] };
/** Per later step (index k - 2): the value range that holds the median, or null when round one settled it. */
export type GapBounds = ({ lo: number; hi: number } | null)[];
/** A shard's answer for one bracketed step: values below `lo`, and the values in [lo, hi] ascending. */
export type GapSlice = { below: number; values: number[] } | null;

/** Ranks (1-based) of the two middle values; equal for an odd count. */
const middleRanks = (count: number): [number, number] => [Math.floor((count + 1) / 2), Math.floor((count + 2) / 2)];

export type MedianPlan = { median: number | null } | { lo: number; hi: number };

/** Index of the first sample whose value is >= x (samples.length if none); values ascend with rank. */
function firstAtLeast(samples: { value: number }[], x: number): number {
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (samples[mid]!.value >= x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * One shard's values below `lo` and in [lo, hi], when its samples hold every value there: a run
 * of consecutive ranks that starts below `lo` and ends above `hi` (each shard sends such a run
 * around its own median, reports.ts), or all its values.
 */
function sliceFromSamples(p: GapSample, lo: number, hi: number): { below: number; values: number[] } | null {
  const s = p.samples;
  if (s.length === p.count) {
    const start = firstAtLeast(s, lo);
    return { below: start, values: s.slice(start, firstAtLeastAbove(s, hi)).map((x) => x.value) };
  }
  const start = firstAtLeast(s, lo);
  const end = firstAtLeastAbove(s, hi);
  // Needs a sample below lo and one above hi, with no rank missing from the one to the other.
  if (start === 0 || end >= s.length) return null;
  if (s[end]!.rank - s[start - 1]!.rank !== end - start + 1) return null;
  return { below: s[start - 1]!.rank, values: s.slice(start, end).map((x) => x.value) };
}

/** Index of the first sample whose value is > x. */
function firstAtLeastAbove(samples: { value: number }[], x: number): number {
  let lo = 0;
  let hi = samples.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (samples[mid]!.value > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The median of one step's gaps over all shards, from what each sent in round one: exact when
 * every shard sent all its values or a run around the median wide enough; else a value range
 * [lo, hi] certain to hold both middle values, for round two (from the samples' ranks: a shard
 * has at least r values <= a sample of rank r, and fewer than r values below it).
 */
export function planMedian(parts: GapSample[]): MedianPlan {
  const total = parts.reduce((n, p) => n + p.count, 0);
  if (total === 0) return { median: null };
  const [r1, r2] = middleRanks(total);
  // Most values below x that the shards can have (fewer than each one's first sample >= x), and fewest at or below x.
  const mostBelow = (x: number) =>
    parts.reduce((n, p) => {
      const i = firstAtLeast(p.samples, x);
      return n + (i < p.samples.length ? p.samples[i]!.rank - 1 : p.count);
    }, 0);
  const leastAtOrBelow = (x: number) =>
    parts.reduce((n, p) => {
      const i = firstAtLeastAbove(p.samples, x);
      return n + (i > 0 ? p.samples[i - 1]!.rank : 0);
    }, 0);
  const candidates = [...new Set(parts.flatMap((p) => p.samples.map((x) => x.value)))].sort((a, b) => a - b);
  // Both tests are monotonic in x, and each shard's smallest and largest value are samples: the
  // global minimum always qualifies as lo and the maximum as hi.
  let a = 0;
  let b = candidates.length - 1;
  while (a < b) {
    const mid = (a + b + 1) >> 1;
    if (mostBelow(candidates[mid]!) <= r1 - 1) a = mid;
    else b = mid - 1;
  }
  const lo = candidates[a]!;
  a = 0;
  b = candidates.length - 1;
  while (a < b) {
    const mid = (a + b) >> 1;
    if (leastAtOrBelow(candidates[mid]!) >= r2) b = mid;
    else a = mid + 1;
  }
  const hi = candidates[a]!;
  const slices = parts.map((p) => sliceFromSamples(p, lo, hi));
  if (slices.every((x) => x !== null)) return { median: medianFromSlices(total, slices) };
  return { lo, hi };
}

/** Round two: the exact median from every shard's slice of [lo, hi]. */
export function medianFromSlices(total: number, slices: { below: number; values: number[] }[]): number {
  const [r1, r2] = middleRanks(total);
  const below = slices.reduce((n, s) => n + s.below, 0);
  const values = slices.flatMap((s) => s.values).sort((a, b) => a - b);
  const a = values[r1 - below - 1];
  const b = values[r2 - below - 1];
  if (a === undefined || b === undefined) throw new Error('median: the bracket does not hold the middle values (shards changed between rounds)');
  return (a + b) / 2;
}

export function gapBounds(plans: MedianPlan[]): GapBounds | null {
  const bounds = plans.map((p) => ('lo' in p ? { lo: p.lo, hi: p.hi } : null));
  return bounds.some((b) => b !== null) ? bounds : null;
}

/** The funnel report from every shard's part and the later steps' medians (index k - 1; step 1 has none). */
export function funnelReport(
  q: { steps: Step[]; window: string; from: number; to: number },
  parts: FunnelPart[],
  medians: (number | null)[],
  tookMs: number,
): FunnelReport {
  const counts = q.steps.map((_, k) => parts.reduce((n, p) => n + (p.counts[k] ?? 0), 0));
  const entered = counts[0]!;
  const steps: FunnelStepResult[] = q.steps.map((step, k) => {
    const visitors = counts[k]!;
    const previous = k === 0 ? entered : counts[k - 1]!;
    return {
      step,
      label: stepLabel(step),
      visitors,
      conversionFromStart: entered > 0 ? visitors / entered : 0,
      conversionFromPrevious: previous > 0 ? visitors / previous : 0,
      dropOff: k === 0 ? 0 : previous - visitors,
      medianMsFromPrevious: k === 0 ? null : (medians[k] ?? null),
    };
  });
  return { from: q.from, to: q.to, window: q.window, steps, tookMs };
}

// ---- paths ----

/** A shard's sessions with the anchor, and every sequence (its JSON) with its sessions. */
export type PathsPart = { anchorSessions: number; sequences: { key: string; sessions: number }[] };

export function pathsReport(q: { direction: 'next' | 'previous'; depth: number; limit: number; from: number; to: number }, parts: PathsPart[]): PathsReport {
  const total = parts.reduce((n, p) => n + p.anchorSessions, 0);
  const counts = new Map<string, number>();
  for (const p of parts) for (const { key, sessions } of p.sequences) counts.set(key, (counts.get(key) ?? 0) + sessions);
  const top = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, q.limit)
    // The keys are the JSON of the sequences the shards built.
    .map(([key, sessions]) => ({ steps: JSON.parse(key) as PathStep[], sessions, share: total > 0 ? sessions / total : 0 }));
  return { from: q.from, to: q.to, direction: q.direction, depth: q.depth, anchorSessions: total, paths: top };
}

// ---- retention ----

/** Visitors per cohort start, and per cohort start and period (`i`) the visitors who returned. */
export type RetentionPart = { sizes: { start: number; n: number }[]; returned: { start: number; i: number; n: number }[] };

export function retentionReport(
  q: { period: 'day' | 'week'; periods: number; from: number; to: number },
  periodMs: number,
  parts: RetentionPart[],
  now: number,
): RetentionReport {
  const sizes = new Map<number, number>();
  const returned = new Map<number, Map<number, number>>();
  for (const p of parts) {
    for (const { start, n } of p.sizes) sizes.set(start, (sizes.get(start) ?? 0) + n);
    for (const { start, i, n } of p.returned) {
      const row = returned.get(start) ?? new Map<number, number>();
      row.set(i, (row.get(i) ?? 0) + n);
      returned.set(start, row);
    }
  }
  const cohorts = [...sizes.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([start, size]) => {
      const got = returned.get(start);
      const row = Array.from({ length: q.periods }, (_, i) => (start + i * periodMs > now ? null : (got?.get(i) ?? 0)));
      return { start, size, returned: row, rates: row.map((x) => (x === null ? null : x / size)) };
    });
  return { from: q.from, to: q.to, period: q.period, cohorts };
}

// ---- sources ----

export type SourceRow = { source: string; medium: string; campaign: string | null; visitors: number; pageViews: number; conversions: number };

/** SQLite's order: NULL first, then by code unit (ids and hosts are ASCII). */
const compareText = (a: string | null, b: string | null): number => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);

export function sourcesReport(q: { goal?: string | undefined; limit: number; from: number; to: number }, parts: SourceRow[][]): SourcesReport {
  const groups = new Map<string, SourceRow>();
  for (const rows of parts) {
    for (const r of rows) {
      const key = JSON.stringify([r.source, r.medium, r.campaign]);
      const g = groups.get(key);
      if (g) {
        g.visitors += r.visitors;
        g.pageViews += r.pageViews;
        g.conversions += r.conversions;
      } else groups.set(key, { ...r });
    }
  }
  const rows = [...groups.values()]
    .sort((a, b) => b.visitors - a.visitors || compareText(a.source, b.source) || compareText(a.medium, b.medium) || compareText(a.campaign, b.campaign))
    .slice(0, q.limit);
  return {
    from: q.from,
    to: q.to,
    goal: q.goal ?? null,
    rows: rows.map((r) => ({ ...r, conversionRate: r.visitors > 0 ? r.conversions / r.visitors : 0 })),
  };
}

// ---- messages ----

export type ExposureRow = { message: string; variant: string; exposed: number; converted: number; firstAt: number };

/** A message's configured split: variant weights (percent of the non-holdout visitors), holdout percent, bandit or not. */
export type MessageAllocation = { variants: { id: string; weight: number }[]; holdout: number; bandit: boolean };

const HOLDOUT = 'holdout';

/**
 * The split check of one message's exposures against its current allocation: every variant and
 * the holdout, or for a bandit (it moves its variants' shares on purpose) the holdout against all
 * variants together. Not checked when the message is no longer configured or has a variant the
 * allocation does not know (the config changed within the range).
 */
export function messageSrm(rows: { variant: string; exposed: number }[], allocation: MessageAllocation | undefined, subject = 'message'): SrmResult {
  const exposedOf = (variant: string) => rows.find((r) => r.variant === variant)?.exposed ?? 0;
  const holdoutShare = (allocation?.holdout ?? 0) / 100;
  const unknown = !allocation || rows.some((r) => r.variant !== HOLDOUT && !allocation.variants.some((v) => v.id === r.variant));
  const arms: SrmArm[] = !allocation
    ? rows.map((r) => ({ variant: r.variant, exposed: r.exposed, expectedShare: 0 }))
    : allocation.bandit
      ? [
          { variant: 'all variants', exposed: rows.filter((r) => r.variant !== HOLDOUT).reduce((n, r) => n + r.exposed, 0), expectedShare: 1 - holdoutShare },
          { variant: HOLDOUT, exposed: exposedOf(HOLDOUT), expectedShare: holdoutShare },
        ]
      : [
          ...allocation.variants.map((v) => ({ variant: v.id, exposed: exposedOf(v.id), expectedShare: ((1 - holdoutShare) * v.weight) / 100 })),
          ...(holdoutShare > 0 || exposedOf(HOLDOUT) > 0 ? [{ variant: HOLDOUT, exposed: exposedOf(HOLDOUT), expectedShare: holdoutShare }] : []),
        ];
  if (unknown) {
    const total = rows.reduce((n, r) => n + r.exposed, 0);
    return {
      status: 'not-checked',
      threshold: SRM_THRESHOLD,
      pValue: null,
      arms: arms.map((a) => ({ ...a, observedShare: total > 0 ? a.exposed / total : 0 })),
      note: allocation ? 'a variant with exposures is not in the current config: the split changed in this range' : `the ${subject} is no longer configured`,
    };
  }
  return srmCheck(arms);
}

const DAY_MS = 86_400_000;

/** One experiment's rows (one per group: variants and the holdout), summed over shards. */
function experimentResult(q: { to: number }, list: ExposureRow[], allocation: MessageAllocation | undefined, subject = 'message') {
  // Days with exposures so far: from the first one in the range to the range's end (now, unless
  // the query names another end: the answer depends on the query alone), at least one day.
  const days = Math.max(1, (q.to - Math.min(...list.map((r) => r.firstAt))) / DAY_MS);
  const h = list.find((v) => v.variant === HOLDOUT);
  const holdout = h ? rateSummary(h.converted, h.exposed) : null;
  return {
    holdout,
    note: holdout ? null : 'no holdout exposures in this range: lift cannot be measured',
    exposuresPerDay: list.reduce((n, r) => n + r.exposed, 0) / days,
    srm: messageSrm(list, allocation, subject),
    variants: list
      .filter((v) => v.variant !== HOLDOUT)
      .map((v) => {
        const summary = rateSummary(v.converted, v.exposed);
        return {
          variant: v.variant,
          ...summary,
          lift: holdout ? liftOverHoldout(summary, holdout, { variant: v.exposed / days, holdout: holdout.exposed / days }) : null,
        };
      }),
  };
}

/** Rows grouped by `key`, in sorted order of the rows. */
function groupRows(rows: readonly ExposureRow[], key: (r: ExposureRow) => string): Map<string, ExposureRow[]> {
  const groups = new Map<string, ExposureRow[]>();
  for (const r of rows) {
    const list = groups.get(key(r)) ?? [];
    list.push(r);
    groups.set(key(r), list);
  }
  return groups;
}

/** The variant name of a slot experiment's shown group (its holdout is "holdout", as messages'). */
export const SLOT_SHOWN = 'personalized';

/**
 * Slot experiments (personalize/slot-experiment.ts): a slot's exposures split per segment into
 * "personalized" (shown that segment's variant) against "holdout" (the same segment's visitors
 * kept on the default), so each segment's lift compares visitors alike but for the content. The
 * split check is the slot's holdout percent, per segment.
 */
function slotExperiments(q: { to: number }, rows: readonly ExposureRow[], slotHoldouts: ReadonlyMap<string, number>) {
  const regrouped = rows.map((r) => {
    const { segment, holdout } = readSlotVariant(r.variant);
    return { ...r, message: JSON.stringify([slotOfExposure(r.message), segment]), variant: holdout ? HOLDOUT : SLOT_SHOWN };
  });
  // Keys sort as [slot, segment]; within one, "holdout" before "personalized".
  regrouped.sort((a, b) => compareText(a.message, b.message) || compareText(a.variant, b.variant));
  return [...groupRows(regrouped, (r) => r.message).entries()].map(([key, list]) => {
    const [slot, segment] = JSON.parse(key) as [string, string];
    const percent = slotHoldouts.get(slot);
    const allocation = percent === undefined ? undefined : { variants: [{ id: SLOT_SHOWN, weight: 100 }], holdout: percent, bandit: false };
    return { slot, segment, ...experimentResult(q, list, allocation, 'slot experiment') };
  });
}

/**
 * Per message and variant: exposed, converted, Wilson intervals, the always-valid lift over the
 * holdout (with Newcombe's fixed-horizon interval beside it) and the days-to-verdict outlook, and
 * the sample-ratio check against `allocations` (the messages' current config). Slot experiments
 * (exposure ids `slot:<id>`) get the same statistics per slot and segment, checked against
 * `slotHoldouts` (slot id → holdout percent of the slots' current config).
 */
export function messagesReport(
  q: { from: number; to: number },
  parts: ExposureRow[][],
  allocations: ReadonlyMap<string, MessageAllocation> = new Map(),
  slotHoldouts: ReadonlyMap<string, number> = new Map(),
): MessagesReport {
  const sums = new Map<string, ExposureRow>();
  for (const rows of parts) {
    for (const r of rows) {
      const key = JSON.stringify([r.message, r.variant]);
      const s = sums.get(key);
      if (s) {
        s.exposed += r.exposed;
        s.converted += r.converted;
        s.firstAt = Math.min(s.firstAt, r.firstAt);
      } else sums.set(key, { ...r });
    }
  }
  const sorted = [...sums.values()].sort((a, b) => compareText(a.message, b.message) || compareText(a.variant, b.variant));
  const messageRows = sorted.filter((r) => slotOfExposure(r.message) === null);
  const slotRows = sorted.filter((r) => slotOfExposure(r.message) !== null);
  return {
    from: q.from,
    to: q.to,
    statistic: {
      rateInterval: 'wilson',
      liftInterval: 'always-valid-normal-mixture',
      tuning: SEQUENTIAL_TUNING,
      fixedHorizonLiftInterval: 'newcombe-wilson',
      confidence: 0.95,
    },
    messages: [...groupRows(messageRows, (r) => r.message).entries()].map(([message, list]) => ({
      message,
      ...experimentResult(q, list, allocations.get(message)),
    })),
    slots: slotExperiments(q, slotRows, slotHoldouts),
  };
}

// ---- overview ----

export type OverviewPart = {
  liveVisitors: number;
  /** Events per minute start. */
  perMinute: { t: number; n: number }[];
  last24h: { visitors: number; events: number; pageViews: number };
  /** Every page viewed in the last 24 h. */
  pages: { path: string; views: number; visitors: number }[];
  totalVisitors: number;
  outboxDropped: number;
  /** Filtered bot requests per UTC day start (ms), the last BOT_DAYS_SHOWN days. */
  botDays: { t: number; n: number }[];
};

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Days of filtered bot counts the overview shows (today included). */
export const BOT_DAYS_SHOWN = 7;

/** The start (ms) of the UTC day `at` falls in. */
export const utcDayStart = (at: number): number => Math.floor(at / DAY) * DAY;

export function overviewReport(minutes: number, now: number, parts: OverviewPart[]): OverviewReport {
  const since = Math.floor(now / MINUTE) * MINUTE - (minutes - 1) * MINUTE;
  const perMinute = new Map<number, number>();
  const pages = new Map<string, { path: string; views: number; visitors: number }>();
  const sum = (f: (p: OverviewPart) => number) => parts.reduce((n, p) => n + f(p), 0);
  for (const p of parts) {
    for (const { t, n } of p.perMinute) perMinute.set(t, (perMinute.get(t) ?? 0) + n);
    for (const page of p.pages) {
      const g = pages.get(page.path);
      if (g) {
        g.views += page.views;
        g.visitors += page.visitors;
      } else pages.set(page.path, { ...page });
    }
  }
  return {
    now,
    liveVisitors: sum((p) => p.liveVisitors),
    eventsPerMinute: Array.from({ length: minutes }, (_, i) => {
      const t = since + i * MINUTE;
      return { t, events: perMinute.get(t) ?? 0 };
    }),
    last24h: { visitors: sum((p) => p.last24h.visitors), events: sum((p) => p.last24h.events), pageViews: sum((p) => p.last24h.pageViews) },
    topPages: [...pages.values()].sort((a, b) => b.views - a.views || compareText(a.path, b.path)).slice(0, 10),
    totalVisitors: sum((p) => p.totalVisitors),
    outboxDropped: sum((p) => p.outboxDropped),
    botsFiltered: botsPerDay(now, parts),
  };
}

/** Each shard's bot counts summed per UTC day (exact: every count is in one shard), zero-filled, oldest first. */
function botsPerDay(now: number, parts: OverviewPart[]): OverviewReport['botsFiltered'] {
  const byDay = new Map<number, number>();
  for (const p of parts) for (const { t, n } of p.botDays) byDay.set(t, (byDay.get(t) ?? 0) + n);
  const today = utcDayStart(now);
  return Array.from({ length: BOT_DAYS_SHOWN }, (_, i) => {
    const t = today - (BOT_DAYS_SHOWN - 1 - i) * DAY;
    return { day: new Date(t).toISOString().slice(0, 10), requests: byDay.get(t) ?? 0 };
  });
}

// ---- stream, profiles, segment count ----

/** An event as a shard sends it: props as the JSON text it stored (RPC types cannot carry `unknown`). */
export type StreamPartEvent = Omit<StreamEvent, 'props'> & { props: string | null };
/** A profile as a shard sends it: traits as the JSON text it stored. */
export type ProfilePart = Omit<ProfileSummary, 'traits'> & { traits: string };

/** Store order across shards (seq is unique per site); after `after` the first `limit`, else the latest `limit`. */
export function streamReport(after: number | undefined, limit: number, parts: StreamPartEvent[][]): StreamReport {
  const all = parts.flat().sort((a, b) => a.seq - b.seq);
  const picked = after === undefined ? all.slice(Math.max(0, all.length - limit)) : all.slice(0, limit);
  // Written by the store from validated props.
  const events: StreamEvent[] = picked.map((e) => ({ ...e, props: e.props ? (JSON.parse(e.props) as Record<string, unknown>) : null }));
  return { events, cursor: events.length ? events[events.length - 1]!.seq : (after ?? 0) };
}

export function profilesReport(limit: number, parts: ProfilePart[][]): { profiles: ProfileSummary[] } {
  return {
    profiles: parts
      .flat()
      .sort((a, b) => b.lastSeen - a.lastSeen || compareText(a.visitorId, b.visitorId))
      .slice(0, limit)
      // Written by the store from validated traits.
      .map((p) => ({ ...p, traits: JSON.parse(p.traits) as Record<string, unknown> })),
  };
}

/** A shard's visitor count, and its first `sample` visitor ids in order with whether each matched ('1') or not ('0'). */
export type SegmentPart = { total: number; ids: string[]; matched: string };

/**
 * Above `sample` visitors, the sample is the first `sample` ids over all shards (as with one
 * shard: ids are random, so a uniform and stable sample), and `matching` is scaled to the total.
 */
export function segmentCountReport(sample: number, note: string, parts: SegmentPart[]): SegmentCountReport {
  const total = parts.reduce((n, p) => n + p.total, 0);
  const evaluatedIds = parts
    .flatMap((p) => p.ids.map((id, i) => ({ id, matched: p.matched[i] === '1' })))
    .sort((a, b) => compareText(a.id, b.id))
    .slice(0, sample);
  const matched = evaluatedIds.filter((v) => v.matched).length;
  const sampled = total > evaluatedIds.length;
  return {
    matching: sampled && evaluatedIds.length > 0 ? Math.round((matched * total) / evaluatedIds.length) : matched,
    total,
    sampled,
    evaluated: evaluatedIds.length,
    note,
  };
}

/**
 * Exposure counts for the bandit table, summed over shards (same message, variant and segment), in
 * the order one store's query gives them (segment rows by message, variant, segment, then the
 * all-visitors rows): the table's seeded draws follow that order.
 */
export function sumExposureCounts<T extends { message: string; variant: string; segment: string; exposed: number; converted: number }>(
  parts: T[][],
  allSegments: string,
): T[] {
  const sums = new Map<string, T>();
  for (const rows of parts) {
    for (const r of rows) {
      const key = JSON.stringify([r.message, r.variant, r.segment]);
      const s = sums.get(key);
      if (s) {
        s.exposed += r.exposed;
        s.converted += r.converted;
      } else sums.set(key, { ...r });
    }
  }
  const all = (r: T) => (r.segment === allSegments ? 1 : 0);
  return [...sums.values()].sort(
    (a, b) => all(a) - all(b) || compareText(a.message, b.message) || compareText(a.variant, b.variant) || compareText(a.segment, b.segment),
  );
}
