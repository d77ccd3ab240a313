/**
 * The report queries over the analytics store's SQLite tables (schema in events-store.ts). The
 * heavy lifting is SQL inside the Durable Object: per-step CTEs walk the (name, visitor, ts)
 * index, and only per-visitor step times or grouped counts come back to JS. Inputs are the
 * already-validated queries of protocol/analytics.ts. No Worker globals at runtime (SqlStorage is
 * a type only).
 */
import type { PathStep, Step } from '../../../protocol/analytics';
import { DEFAULT_RANGE_MS, MAX_RANGE_MS } from '../../../protocol/analytics';
import { durationMs } from '../../../protocol/config/conditions';
import type {
  ExposureRow,
  FunnelPart,
  GapBounds,
  GapSample,
  GapSlice,
  OverviewPart,
  PathsPart,
  ProfilePart,
  RetentionPart,
  SourceRow,
  StreamPartEvent,
} from './merge';
import { BOT_DAYS_SHOWN, utcDayStart } from './merge';
import { pathStep, stepSql } from './steps';

type Range = { from?: number | undefined; to?: number | undefined };

/** The query's range, defaulting to the last 30 days, and never longer than MAX_RANGE_MS. */
export function resolveRange(q: Range, now: number): { from: number; to: number } {
  const to = q.to ?? now;
  const from = Math.max(q.from ?? to - DEFAULT_RANGE_MS, to - MAX_RANGE_MS);
  return { from, to };
}

const num = (v: SqlStorageValue | undefined): number => (typeof v === 'number' ? v : v === null || v === undefined ? 0 : Number(v));

export type FunnelInput = { steps: Step[]; window: string; from: number; to: number };

/** How many gap values a shard returns whole; above it, evenly spaced samples of them (merge.ts). */
export const GAP_SAMPLE_ALL = 512;
export const GAP_SAMPLES = 128;
/**
 * And every value within this fraction of ranks either side of its own median: shards hold random
 * visitors, so the overall median almost always falls inside every shard's run and the merge needs
 * no second round (merge.ts `planMedian`).
 */
export const GAP_MEDIAN_RUN = 0.02;

/**
 * The per-step CTEs: a visitor enters at their first step-1 occurrence in [from, to); step k counts
 * at the first occurrence strictly after step k-1's time and at most `window` after step 1. `g`
 * holds each step's gap from the previous one (k = 2..steps).
 */
function funnelSql(q: FunnelInput): { sql: string; args: (string | number)[]; last: string; steps: number } {
  const windowMs = durationMs(q.window);
  const args: (string | number)[] = [];
  const first = stepSql(q.steps[0]!, 'e');
  // MATERIALIZED: each step's times are computed once, not re-derived inside every later step.
  const ctes = [
    `s1 AS MATERIALIZED (SELECT e.visitor AS visitor, MIN(e.ts) AS t1 FROM events e WHERE ${first.sql} AND e.ts >= ? AND e.ts < ? GROUP BY e.visitor)`,
  ];
  args.push(...first.args, q.from, q.to);
  const cols = ['t1'];
  for (let k = 2; k <= q.steps.length; k++) {
    const m = stepSql(q.steps[k - 1]!, 'e');
    ctes.push(
      `s${k} AS MATERIALIZED (SELECT s.*, CASE WHEN s.t${k - 1} IS NULL THEN NULL ELSE ` +
        `(SELECT MIN(e.ts) FROM events e WHERE ${m.sql} AND e.visitor = s.visitor AND e.ts > s.t${k - 1} AND e.ts <= s.t1 + ?) END AS t${k} FROM s${k - 1} s)`,
    );
    args.push(...m.args, windowMs);
    cols.push(`t${k}`);
  }
  const last = `s${q.steps.length}`;
  const gaps = cols.slice(1).map((col, i) => `SELECT ${i + 2} AS k, ${col} - t${i + 1} AS d FROM ${last} WHERE ${col} IS NOT NULL`);
  if (gaps.length) ctes.push(`g AS MATERIALIZED (${gaps.join(' UNION ALL ')})`);
  return { sql: `WITH ${ctes.join(', ')}`, args, last, steps: q.steps.length };
}

/**
 * One shard's funnel: visitors per step, and per later step its gaps from the previous step (all
 * of them up to GAP_SAMPLE_ALL, else about GAP_SAMPLES evenly spaced by rank, with the smallest and
 * the largest, and the run of ranks around its median, GAP_MEDIAN_RUN) so the merge can find the exact median across shards (merge.ts). Counts and
 * samples come out of SQL: a few hundred rows at most, however many visitors entered.
 */
export function funnelPart(sql: SqlStorage, q: FunnelInput): FunnelPart {
  const f = funnelSql(q);
  const rows = sql
    .exec<{ k: number; c: number; rn: number | null; d: number | null }>(
      `${f.sql}${
        f.steps > 1
          ? `,
       r AS (SELECT k, d, ROW_NUMBER() OVER (PARTITION BY k ORDER BY d) AS rn, COUNT(*) OVER (PARTITION BY k) AS c FROM g)`
          : ''
      }
       SELECT 1 AS k, COUNT(*) AS c, NULL AS rn, NULL AS d FROM ${f.last}
       ${f.steps > 1 ? `UNION ALL SELECT k, c, rn, d FROM r WHERE c <= ${GAP_SAMPLE_ALL} OR rn = 1 OR rn = c OR rn % ((c + ${GAP_SAMPLES - 1}) / ${GAP_SAMPLES}) = 0 OR (rn >= c * ${0.5 - GAP_MEDIAN_RUN} - 2 AND rn <= c * ${0.5 + GAP_MEDIAN_RUN} + 2)` : ''}
       ORDER BY 1, 3`,
      ...f.args,
    )
    .toArray();
  const counts = q.steps.map(() => 0);
  const gaps: GapSample[] = q.steps.slice(1).map(() => ({ count: 0, samples: [] }));
  for (const row of rows) {
    const k = num(row.k);
    counts[k - 1] = num(row.c);
    if (k > 1) {
      gaps[k - 2]!.count = num(row.c);
      gaps[k - 2]!.samples.push({ rank: num(row.rn), value: num(row.d) });
    }
  }
  return { counts, gaps };
}

/** Round two of an exact median (merge.ts): per step with bounds, the gaps below `lo` counted and those in [lo, hi] listed. */
export function funnelGaps(sql: SqlStorage, q: FunnelInput, bounds: GapBounds): GapSlice[] {
  const wanted = bounds.flatMap((b, i) => (b ? [[i + 2, b.lo, b.hi] as const] : []));
  if (!wanted.length || q.steps.length < 2) return bounds.map(() => null);
  const f = funnelSql(q);
  const values = wanted.map(() => '(?, ?, ?)').join(', ');
  const rows = sql
    .exec<{ k: number; below: number | null; d: number | null }>(
      `${f.sql}, b(k, lo, hi) AS (VALUES ${values})
       SELECT g.k AS k, SUM(g.d < b.lo) AS below, NULL AS d FROM g JOIN b ON b.k = g.k GROUP BY g.k
       UNION ALL SELECT g.k, NULL, g.d FROM g JOIN b ON b.k = g.k WHERE g.d >= b.lo AND g.d <= b.hi
       ORDER BY 1, 3`,
      ...f.args,
      ...wanted.flat(),
    )
    .toArray();
  const slices: GapSlice[] = bounds.map((b) => (b ? { below: 0, values: [] } : null));
  for (const row of rows) {
    const slice = slices[num(row.k) - 2];
    if (!slice) continue;
    if (row.below !== null) slice.below = num(row.below);
    else slice.values.push(num(row.d));
  }
  return slices;
}

export type PathsInput = { anchor: Step; direction: 'next' | 'previous'; depth: number; limit: number; from: number; to: number };

const stepKey = "CASE WHEN e.name = 'page' THEN 'p:' || e.path ELSE 'e:' || e.name END";

/**
 * One shard's paths: sessions with the anchor, and how many sessions took each sequence of the
 * next (previous) `depth` distinct steps, every sequence (the top N of the sum needs more than each
 * shard's top N). Keys are the sequences' JSON (merge.ts sorts on them for ties).
 */
export function pathsPart(sql: SqlStorage, q: PathsInput): PathsPart {
  const { from, to } = q;
  const anchor = stepSql(q.anchor, 'e');
  const next = q.direction === 'next';
  // SQLite takes the bare columns of a MIN() aggregate from the row with the minimum: the anchor event's own step key.
  const rows = sql
    .exec<{ visitor: string; session: string; i: number | null; name: string | null; path: string | null }>(
      `WITH a AS MATERIALIZED (
         SELECT e.visitor AS visitor, e.session AS session, MIN(e.ts) AS t, ${stepKey} AS ak
         FROM events e WHERE ${anchor.sql} AND e.ts >= ? AND e.ts < ? GROUP BY e.visitor, e.session),
       n AS (
         SELECT a.visitor, a.session, e.name, e.path, e.ts, e.seq, ${stepKey} AS k, a.ak
         FROM a JOIN events e ON e.visitor = a.visitor AND e.session = a.session AND e.ts ${next ? '>' : '<'} a.t
         WHERE e.type IN ('page', 'track')),
       d AS (
         SELECT *, LAG(k, 1, ak) OVER (PARTITION BY visitor, session ORDER BY ts ${next ? 'ASC' : 'DESC'}, seq ${next ? 'ASC' : 'DESC'}) AS prev FROM n),
       r AS (
         SELECT visitor, session, name, path, ts, seq,
           ROW_NUMBER() OVER (PARTITION BY visitor, session ORDER BY ts ${next ? 'ASC' : 'DESC'}, seq ${next ? 'ASC' : 'DESC'}) AS i
         FROM d WHERE k != prev)
       SELECT a.visitor, a.session, r.i, r.name, r.path FROM a
       LEFT JOIN r ON r.visitor = a.visitor AND r.session = a.session AND r.i <= ?
       ORDER BY a.visitor, a.session, r.i`,
      ...anchor.args,
      from,
      to,
      q.depth,
    )
    .toArray();
  const sessions = new Map<string, PathStep[]>();
  for (const row of rows) {
    const key = `${row.visitor}\u0000${row.session}`;
    const list = sessions.get(key) ?? [];
    if (row.name !== null) list.push(pathStep(row.name, row.path));
    sessions.set(key, list);
  }
  const counts = new Map<string, number>();
  for (const steps of sessions.values()) {
    const key = JSON.stringify(steps);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return { anchorSessions: sessions.size, sequences: [...counts.entries()].map(([key, n]) => ({ key, sessions: n })) };
}

export type RetentionInput = { cohortEvent: Step; returnEvent: Step; period: 'day' | 'week'; periods: number; from: number; to: number };

const DAY = 86_400_000;
/** 1970-01-05 was a Monday: weeks start there. */
const MONDAY_OFFSET = 4 * DAY;

export const periodMs = (period: 'day' | 'week'): number => (period === 'day' ? DAY : 7 * DAY);

/** One shard's cohorts: visitors per cohort start, and per cohort start and period how many returned. */
export function retentionPart(sql: SqlStorage, q: RetentionInput): RetentionPart {
  const { from, to } = q;
  const P = periodMs(q.period);
  const off = q.period === 'day' ? 0 : MONDAY_OFFSET;
  const cohort = stepSql(q.cohortEvent, 'e');
  const back = stepSql(q.returnEvent, 'e');
  const cte = `WITH c AS MATERIALIZED (SELECT e.visitor AS visitor, MIN(e.ts) AS t FROM events e WHERE ${cohort.sql} GROUP BY e.visitor),
    cb AS MATERIALIZED (SELECT visitor, CAST((t - ?) / ? AS INTEGER) * ? + ? AS start FROM c WHERE t >= ? AND t < ?)`;
  const cteArgs = [...cohort.args, off, P, P, off, from, to];
  const sizes = sql.exec<{ start: number; n: number }>(`${cte} SELECT start, COUNT(*) AS n FROM cb GROUP BY start ORDER BY start`, ...cteArgs).toArray();
  const returned = sql
    .exec<{ start: number; i: number; n: number }>(
      `${cte} SELECT cb.start AS start, CAST((e.ts - cb.start) / ? AS INTEGER) AS i, COUNT(DISTINCT cb.visitor) AS n
       FROM cb JOIN events e ON e.visitor = cb.visitor AND ${back.sql} AND e.ts >= cb.start AND e.ts < cb.start + ?
       GROUP BY cb.start, i`,
      ...cteArgs,
      P,
      ...back.args,
      q.periods * P,
    )
    .toArray();
  return {
    sizes: sizes.map((r) => ({ start: num(r.start), n: num(r.n) })),
    returned: returned.map((r) => ({ start: num(r.start), i: num(r.i), n: num(r.n) })),
  };
}

export type SourcesInput = { goal?: string | undefined; from: number; to: number };

/** One shard's first-touch groups, all of them (the merge sums and takes the top `limit`). */
export function sourcesPart(sql: SqlStorage, q: SourcesInput): SourceRow[] {
  const rows = sql
    .exec<{ source: string; medium: string; campaign: string | null; visitors: number; pv: number; conv: number }>(
      `WITH active AS (
         SELECT visitor, SUM(name = 'page') AS pv, MAX(name = ?) AS conv FROM events WHERE ts >= ? AND ts < ? GROUP BY visitor)
       SELECT COALESCE(v.source, 'direct') AS source, COALESCE(v.medium, '(none)') AS medium, v.campaign AS campaign,
         COUNT(*) AS visitors, SUM(active.pv) AS pv, SUM(active.conv) AS conv
       FROM active JOIN visitors v ON v.id = active.visitor
       GROUP BY 1, 2, 3`,
      // Without a goal, match a name no event can have (names are never empty).
      q.goal ?? '',
      q.from,
      q.to,
    )
    .toArray();
  return rows.map((r) => ({
    source: r.source,
    medium: r.medium,
    campaign: r.campaign,
    visitors: num(r.visitors),
    pageViews: num(r.pv),
    conversions: num(r.conv),
  }));
}

export type MessagesInput = { message?: string | undefined; from: number; to: number };

/**
 * One shard's exposures per message and variant (first exposure in range), conversions among them,
 * and the earliest exposure in the range (for exposures per day).
 */
export function messagesPart(sql: SqlStorage, q: MessagesInput): ExposureRow[] {
  return sql
    .exec<{ message: string; variant: string; exposed: number; converted: number; first_at: number }>(
      `SELECT message, variant, COUNT(*) AS exposed, COUNT(converted_at) AS converted, MIN(at) AS first_at FROM exposures
       WHERE at >= ? AND at < ? ${q.message ? 'AND message = ?' : ''} GROUP BY message, variant`,
      ...(q.message ? [q.from, q.to, q.message] : [q.from, q.to]),
    )
    .toArray()
    .map((r) => ({ message: r.message, variant: r.variant, exposed: num(r.exposed), converted: num(r.converted), firstAt: num(r.first_at) }));
}

const MINUTE = 60_000;
const LIVE_MS = 5 * MINUTE;

/** One shard's overview counts at `now` (every page of the last 24 h: the merge takes the top 10 of the sums). */
export function overviewPart(sql: SqlStorage, minutes: number, now: number): OverviewPart {
  const currentMinute = Math.floor(now / MINUTE) * MINUTE;
  const since = currentMinute - (minutes - 1) * MINUTE;
  const day = now - DAY;
  const totals = sql
    .exec<{ visitors: number; events: number; pv: number }>(
      "SELECT COUNT(DISTINCT visitor) AS visitors, COUNT(*) AS events, COALESCE(SUM(name = 'page'), 0) AS pv FROM events WHERE ts >= ?",
      day,
    )
    .one();
  return {
    liveVisitors: num(sql.exec<{ n: number }>('SELECT COUNT(DISTINCT visitor) AS n FROM events WHERE ts >= ?', now - LIVE_MS).one().n),
    perMinute: sql
      .exec<{ m: number; n: number }>('SELECT CAST(ts / ? AS INTEGER) * ? AS m, COUNT(*) AS n FROM events WHERE ts >= ? GROUP BY m', MINUTE, MINUTE, since)
      .toArray()
      .map((r) => ({ t: num(r.m), n: num(r.n) })),
    last24h: { visitors: num(totals.visitors), events: num(totals.events), pageViews: num(totals.pv) },
    pages: sql
      .exec<{ path: string; views: number; visitors: number }>(
        "SELECT path, COUNT(*) AS views, COUNT(DISTINCT visitor) AS visitors FROM events WHERE name = 'page' AND ts >= ? GROUP BY path",
        day,
      )
      .toArray()
      .map((r) => ({ path: r.path, views: num(r.views), visitors: num(r.visitors) })),
    totalVisitors: num(sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM visitors').one().n),
    outboxDropped: num(sql.exec<{ n: number }>('SELECT COALESCE(SUM(dropped), 0) AS n FROM outbox_drops WHERE at >= ?', day).one().n),
    botDays: sql
      .exec<{ d: number; n: number }>(
        'SELECT CAST(at / ? AS INTEGER) * ? AS d, SUM(count) AS n FROM bot_requests WHERE at >= ? GROUP BY d',
        DAY,
        DAY,
        utcDayStart(now) - (BOT_DAYS_SHOWN - 1) * DAY,
      )
      .toArray()
      .map((r) => ({ t: num(r.d), n: num(r.n) })),
  };
}

type StreamRow = {
  seq: number;
  id: string;
  visitor: string;
  type: string;
  name: string;
  path: string | null;
  ts: number;
  received_at: number;
  props: string | null;
};

/**
 * One shard's events in store order (`seq`, unique across a site's shards: events-store.ts), at
 * most `upTo`: after `after`, the first `limit`; without it, the latest `limit`.
 */
export function streamPart(sql: SqlStorage, after: number | undefined, limit: number, upTo: number): StreamPartEvent[] {
  const cols = 'seq, id, visitor, type, name, path, ts, received_at, props';
  const rows =
    after === undefined
      ? sql.exec<StreamRow>(`SELECT ${cols} FROM events WHERE seq <= ? ORDER BY seq DESC LIMIT ?`, upTo, limit).toArray().reverse()
      : sql.exec<StreamRow>(`SELECT ${cols} FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?`, after, upTo, limit).toArray();
  return rows.map((r) => ({
    seq: num(r.seq),
    id: r.id,
    visitorId: r.visitor,
    type: r.type as StreamPartEvent['type'],
    name: r.name,
    path: r.path ?? '/',
    ts: num(r.ts),
    receivedAt: num(r.received_at),
    props: r.props,
  }));
}

type VisitorRow = { id: string; user_id: string | null; first_seen: number; last_seen: number; events: number; segments: string; traits: string };

/** Newest first (last seen, then id): the merge keeps that order across shards. */
export function profilesPart(sql: SqlStorage, q: string, by: 'any' | 'user' | 'visitor' | 'trait', limit: number): ProfilePart[] {
  const tests: string[] = [];
  const args: (string | number)[] = [];
  if (by === 'any' || by === 'user') {
    tests.push('user_id = ?');
    args.push(q);
  }
  if (by === 'any' || by === 'visitor') {
    tests.push('substr(id, 1, ?) = ?');
    args.push(q.length, q);
  }
  if (by === 'any' || by === 'trait') {
    tests.push(
      "EXISTS (SELECT 1 FROM json_each(visitors.traits) j WHERE j.type IN ('text', 'integer', 'real') AND instr(lower(CAST(j.value AS TEXT)), lower(?)) > 0)",
    );
    args.push(q);
  }
  const rows = sql
    .exec<VisitorRow>(
      `SELECT id, user_id, first_seen, last_seen, events, segments, traits FROM visitors WHERE ${tests.join(' OR ')} ORDER BY last_seen DESC, id LIMIT ?`,
      ...args,
      limit,
    )
    .toArray();
  return rows.map((r): ProfilePart => ({
    visitorId: r.id,
    userId: r.user_id,
    firstSeen: num(r.first_seen),
    lastSeen: num(r.last_seen),
    events: num(r.events),
    // Written by the store as JSON.
    segments: JSON.parse(r.segments) as string[],
    traits: r.traits,
  }));
}
