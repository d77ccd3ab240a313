/**
 * The report queries over the analytics store's SQLite tables (schema in events-store.ts). The
 * heavy lifting is SQL inside the Durable Object: per-step CTEs walk the (name, visitor, ts)
 * index, and only per-visitor step times or grouped counts come back to JS. Inputs are the
 * already-validated queries of protocol/analytics.ts. No Worker globals at runtime (SqlStorage is
 * a type only).
 */
import type {
  FunnelReport,
  FunnelStepResult,
  MessagesReport,
  OverviewReport,
  PathsReport,
  PathStep,
  ProfileSearchReport,
  ProfileSummary,
  RetentionReport,
  SourcesReport,
  Step,
  StreamEvent,
  StreamReport,
} from '../../../protocol/analytics';
import { DEFAULT_RANGE_MS, MAX_RANGE_MS } from '../../../protocol/analytics';
import { durationMs } from '../../../protocol/config/conditions';
import { liftOverHoldout, rateSummary } from './stats';
import { pathStep, stepLabel, stepSql } from './steps';

type Range = { from?: number | undefined; to?: number | undefined };

/** The query's range, defaulting to the last 30 days, and never longer than MAX_RANGE_MS. */
export function resolveRange(q: Range, now: number): { from: number; to: number } {
  const to = q.to ?? now;
  const from = Math.max(q.from ?? to - DEFAULT_RANGE_MS, to - MAX_RANGE_MS);
  return { from, to };
}

const num = (v: SqlStorageValue | undefined): number => (typeof v === 'number' ? v : v === null || v === undefined ? 0 : Number(v));

export type FunnelInput = { steps: Step[]; window: string } & Range;

/**
 * Funnel: a visitor enters at their first step-1 occurrence in [from, to); step k counts at the
 * first occurrence strictly after step k-1's time and at most `window` after step 1.
 */
export function funnel(sql: SqlStorage, q: FunnelInput, now: number): FunnelReport {
  const started = Date.now();
  const { from, to } = resolveRange(q, now);
  const windowMs = durationMs(q.window);
  const args: (string | number)[] = [];
  const first = stepSql(q.steps[0]!, 'e');
  // MATERIALIZED: each step's times are computed once, not re-derived inside every later step.
  const ctes = [
    `s1 AS MATERIALIZED (SELECT e.visitor AS visitor, MIN(e.ts) AS t1 FROM events e WHERE ${first.sql} AND e.ts >= ? AND e.ts < ? GROUP BY e.visitor)`,
  ];
  args.push(...first.args, from, to);
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
  // Counts and medians in SQL too: only one row per step comes back, however many visitors entered.
  const last = `s${q.steps.length}`;
  const gaps = cols.slice(1).map((col, i) => `SELECT ${i + 2} AS k, ${col} - t${i + 1} AS d FROM ${last} WHERE ${col} IS NOT NULL`);
  const stats = sql
    .exec<{ k: number; c: number; median: number | null }>(
      `WITH ${ctes.join(', ')}${
        gaps.length
          ? `,
       g AS (${gaps.join(' UNION ALL ')}),
       r AS (SELECT k, d, ROW_NUMBER() OVER (PARTITION BY k ORDER BY d) AS rn, COUNT(*) OVER (PARTITION BY k) AS c FROM g)`
          : ''
      }
       SELECT 1 AS k, COUNT(*) AS c, NULL AS median FROM ${last}
       ${gaps.length ? 'UNION ALL SELECT k, c, AVG(d) AS median FROM r WHERE rn IN ((c + 1) / 2, (c + 2) / 2) GROUP BY k' : ''}`,
      ...args,
    )
    .toArray();
  const counts = cols.map(() => 0);
  const medians: (number | null)[] = cols.map(() => null);
  for (const row of stats) {
    counts[num(row.k) - 1] = num(row.c);
    medians[num(row.k) - 1] = row.median === null ? null : num(row.median);
  }
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
      medianMsFromPrevious: k === 0 ? null : medians[k]!,
    };
  });
  return { from, to, window: q.window, steps, tookMs: Date.now() - started };
}

export type PathsInput = { anchor: Step; direction: 'next' | 'previous'; depth: number; limit: number } & Range;

const stepKey = "CASE WHEN e.name = 'page' THEN 'p:' || e.path ELSE 'e:' || e.name END";

/** Top sequences of the next (previous) `depth` distinct steps after (before) an anchor, per session. */
export function paths(sql: SqlStorage, q: PathsInput, now: number): PathsReport {
  const { from, to } = resolveRange(q, now);
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
  const counts = new Map<string, { steps: PathStep[]; sessions: number }>();
  for (const steps of sessions.values()) {
    const key = JSON.stringify(steps);
    const entry = counts.get(key) ?? { steps, sessions: 0 };
    entry.sessions++;
    counts.set(key, entry);
  }
  const total = sessions.size;
  const top = [...counts.entries()]
    .sort((a, b) => b[1].sessions - a[1].sessions || (a[0] < b[0] ? -1 : 1))
    .slice(0, q.limit)
    .map(([, v]) => ({ ...v, share: total > 0 ? v.sessions / total : 0 }));
  return { from, to, direction: q.direction, depth: q.depth, anchorSessions: total, paths: top };
}

export type RetentionInput = { cohortEvent: Step; returnEvent: Step; period: 'day' | 'week'; periods: number } & Range;

const DAY = 86_400_000;
/** 1970-01-05 was a Monday: weeks start there. */
const MONDAY_OFFSET = 4 * DAY;

export function retention(sql: SqlStorage, q: RetentionInput, now: number): RetentionReport {
  const { from, to } = resolveRange(q, now);
  const P = q.period === 'day' ? DAY : 7 * DAY;
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
  const byCohort = new Map<number, Map<number, number>>();
  for (const r of returned) {
    const m = byCohort.get(num(r.start)) ?? new Map<number, number>();
    m.set(num(r.i), num(r.n));
    byCohort.set(num(r.start), m);
  }
  const cohorts = sizes.map(({ start, n }) => {
    const s = num(start);
    const got = byCohort.get(s);
    const returnedRow = Array.from({ length: q.periods }, (_, i) => (s + i * P > now ? null : (got?.get(i) ?? 0)));
    return { start: s, size: num(n), returned: returnedRow, rates: returnedRow.map((x) => (x === null ? null : x / num(n))) };
  });
  return { from, to, period: q.period, cohorts };
}

export type SourcesInput = { goal?: string | undefined; limit: number } & Range;

export function sources(sql: SqlStorage, q: SourcesInput, now: number): SourcesReport {
  const { from, to } = resolveRange(q, now);
  const rows = sql
    .exec<{ source: string; medium: string; campaign: string | null; visitors: number; pv: number; conv: number }>(
      `WITH active AS (
         SELECT visitor, SUM(name = 'page') AS pv, MAX(name = ?) AS conv FROM events WHERE ts >= ? AND ts < ? GROUP BY visitor)
       SELECT COALESCE(v.source, 'direct') AS source, COALESCE(v.medium, '(none)') AS medium, v.campaign AS campaign,
         COUNT(*) AS visitors, SUM(active.pv) AS pv, SUM(active.conv) AS conv
       FROM active JOIN visitors v ON v.id = active.visitor
       GROUP BY 1, 2, 3 ORDER BY visitors DESC, source, medium, campaign LIMIT ?`,
      // Without a goal, match a name no event can have (names are never empty).
      q.goal ?? '',
      from,
      to,
      q.limit,
    )
    .toArray();
  return {
    from,
    to,
    goal: q.goal ?? null,
    rows: rows.map((r) => ({
      source: r.source,
      medium: r.medium,
      campaign: r.campaign,
      visitors: num(r.visitors),
      pageViews: num(r.pv),
      conversions: num(r.conv),
      conversionRate: num(r.visitors) > 0 ? num(r.conv) / num(r.visitors) : 0,
    })),
  };
}

export type MessagesInput = { message?: string | undefined } & Range;

/** Per message and variant: exposed visitors (first exposure in range), converted, Wilson intervals, Newcombe lift over holdout. */
export function messages(sql: SqlStorage, q: MessagesInput, now: number): MessagesReport {
  const { from, to } = resolveRange(q, now);
  const rows = sql
    .exec<{ message: string; variant: string; exposed: number; converted: number }>(
      `SELECT message, variant, COUNT(*) AS exposed, COUNT(converted_at) AS converted FROM exposures
       WHERE at >= ? AND at < ? ${q.message ? 'AND message = ?' : ''} GROUP BY message, variant ORDER BY message, variant`,
      ...(q.message ? [from, to, q.message] : [from, to]),
    )
    .toArray();
  const byMessage = new Map<string, { variant: string; exposed: number; converted: number }[]>();
  for (const r of rows) {
    const list = byMessage.get(r.message) ?? [];
    list.push({ variant: r.variant, exposed: num(r.exposed), converted: num(r.converted) });
    byMessage.set(r.message, list);
  }
  return {
    from,
    to,
    statistic: { rateInterval: 'wilson', liftInterval: 'newcombe-wilson', confidence: 0.95 },
    messages: [...byMessage.entries()].map(([message, list]) => {
      const h = list.find((v) => v.variant === 'holdout');
      const holdout = h ? rateSummary(h.converted, h.exposed) : null;
      return {
        message,
        holdout,
        note: holdout ? null : 'no holdout exposures in this range: lift cannot be measured',
        variants: list
          .filter((v) => v.variant !== 'holdout')
          .map((v) => {
            const summary = rateSummary(v.converted, v.exposed);
            return { variant: v.variant, ...summary, lift: holdout ? liftOverHoldout(summary, holdout) : null };
          }),
      };
    }),
  };
}

const MINUTE = 60_000;
const LIVE_MS = 5 * MINUTE;

export function overview(sql: SqlStorage, minutes: number, now: number): OverviewReport {
  const currentMinute = Math.floor(now / MINUTE) * MINUTE;
  const since = currentMinute - (minutes - 1) * MINUTE;
  const perMinute = new Map(
    sql
      .exec<{ m: number; n: number }>('SELECT CAST(ts / ? AS INTEGER) * ? AS m, COUNT(*) AS n FROM events WHERE ts >= ? GROUP BY m', MINUTE, MINUTE, since)
      .toArray()
      .map((r) => [num(r.m), num(r.n)]),
  );
  const day = now - DAY;
  const totals = sql
    .exec<{ visitors: number; events: number; pv: number }>(
      "SELECT COUNT(DISTINCT visitor) AS visitors, COUNT(*) AS events, COALESCE(SUM(name = 'page'), 0) AS pv FROM events WHERE ts >= ?",
      day,
    )
    .one();
  return {
    now,
    liveVisitors: num(sql.exec<{ n: number }>('SELECT COUNT(DISTINCT visitor) AS n FROM events WHERE ts >= ?', now - LIVE_MS).one().n),
    eventsPerMinute: Array.from({ length: minutes }, (_, i) => {
      const t = since + i * MINUTE;
      return { t, events: perMinute.get(t) ?? 0 };
    }),
    last24h: { visitors: num(totals.visitors), events: num(totals.events), pageViews: num(totals.pv) },
    topPages: sql
      .exec<{ path: string; views: number; visitors: number }>(
        "SELECT path, COUNT(*) AS views, COUNT(DISTINCT visitor) AS visitors FROM events WHERE name = 'page' AND ts >= ? GROUP BY path ORDER BY views DESC, path LIMIT 10",
        day,
      )
      .toArray()
      .map((r) => ({ path: r.path, views: num(r.views), visitors: num(r.visitors) })),
    totalVisitors: num(sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM visitors').one().n),
    outboxDropped: num(sql.exec<{ n: number }>('SELECT COALESCE(SUM(dropped), 0) AS n FROM outbox_drops WHERE at >= ?', day).one().n),
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

export function stream(sql: SqlStorage, after: number | undefined, limit: number): StreamReport {
  const cols = 'seq, id, visitor, type, name, path, ts, received_at, props';
  const rows =
    after === undefined
      ? sql.exec<StreamRow>(`SELECT ${cols} FROM events ORDER BY seq DESC LIMIT ?`, limit).toArray().reverse()
      : sql.exec<StreamRow>(`SELECT ${cols} FROM events WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit).toArray();
  const events: StreamEvent[] = rows.map((r) => ({
    seq: num(r.seq),
    id: r.id,
    visitorId: r.visitor,
    type: r.type as StreamEvent['type'],
    name: r.name,
    path: r.path ?? '/',
    ts: num(r.ts),
    receivedAt: num(r.received_at),
    // Written by the store from validated props.
    props: r.props ? (JSON.parse(r.props) as Record<string, unknown>) : null,
  }));
  return { events, cursor: events.length ? events[events.length - 1]!.seq : (after ?? 0) };
}

type VisitorRow = { id: string; user_id: string | null; first_seen: number; last_seen: number; events: number; segments: string; traits: string };

export function searchProfiles(sql: SqlStorage, q: string, by: 'any' | 'user' | 'visitor' | 'trait', limit: number): ProfileSearchReport {
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
  return {
    profiles: rows.map((r): ProfileSummary => ({
      visitorId: r.id,
      userId: r.user_id,
      firstSeen: num(r.first_seen),
      lastSeen: num(r.last_seen),
      events: num(r.events),
      // Both written by the store as JSON.
      segments: JSON.parse(r.segments) as string[],
      traits: JSON.parse(r.traits) as Record<string, unknown>,
    })),
  };
}
