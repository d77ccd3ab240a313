/**
 * The journey-analytics report API, defined once: query schemas (the admin API validates every
 * request with them, answering 400 with per-field issues) and response types (the dashboard
 * imports them with `import type`, so zod never reaches a browser bundle).
 *
 * All routes live under `/_wm/admin/api/sites/:site/analytics` and need an admin session (POSTs
 * also the CSRF header, like every admin write). Times are epoch milliseconds; an event's time is
 * the earlier of the client's clock and the edge's receive time. Periods (retention, minutes) are
 * in UTC.
 *
 *   POST /funnel          FunnelQuery         -> FunnelReport
 *   POST /paths           PathsQuery          -> PathsReport
 *   POST /retention       RetentionQuery      -> RetentionReport
 *   POST /sources         SourcesQuery        -> SourcesReport
 *   POST /messages        MessagesQuery       -> MessagesReport
 *   POST /segment-count   SegmentCountQuery   -> SegmentCountReport
 *   GET  /overview?minutes=30                 -> OverviewReport
 *   GET  /stream?after=<seq>&limit=100        -> StreamReport
 *   GET  /profiles?q=<text>&by=any&limit=20   -> ProfileSearchReport
 *
 * Errors: `ErrorResponse` from ./wire (400 with `issues: [{path, message}]` for a bad query).
 */
import { z } from 'zod';

/** The longest range a report covers (about 13 months). */
export const MAX_RANGE_MS = 400 * 86_400_000;
/** Reports default to the last 30 days. */
export const DEFAULT_RANGE_MS = 30 * 86_400_000;

const epochMs = z.number().int().nonnegative();
const eventName = z.string().min(1, 'empty').max(100, 'longer than 100 characters');

/**
 * A report step: a tracked event by name (`{event: 'add_to_cart'}`; `identify`, `prefs`,
 * `consent` name those event types), or a page view by path: exact (`{page: '/cart'}`) or a
 * prefix with a trailing `/*` (`{page: '/shop/*'}` matches /shop and everything under it;
 * `{page: '/*'}` is any page view). Paths compare without query string or fragment.
 */
export const stepSchema = z.union([
  z.strictObject({ event: eventName, label: z.string().max(100).optional() }),
  z.strictObject({
    page: z
      .string()
      .max(2_048, 'longer than 2048 characters')
      .regex(/^\/[^\s?#*]*(\/\*)?$|^\/\*$/, 'must be a path like /cart, or a prefix like /shop/* (no query string)'),
    label: z.string().max(100).optional(),
  }),
]);
export type Step = z.input<typeof stepSchema>;

/** Optional range; `from` < `to`, at most MAX_RANGE_MS apart (defaults: last 30 days to now). */
const range = {
  from: epochMs.optional(),
  to: epochMs.optional(),
};
const rangeOk = (q: { from?: number | undefined; to?: number | undefined }) => q.from === undefined || q.to === undefined || q.from < q.to;
const rangeIssue = { message: '`from` must be before `to`', path: ['from'] };

/** Durations like "30m", "2h", "7d" (the same format as segment conditions). */
export const windowSchema = z.string().regex(/^\d{1,4}[mhd]$/, 'must be a duration like 30m, 2h or 7d');

export const funnelQuerySchema = z
  .strictObject({
    steps: z.array(stepSchema).min(2, 'a funnel needs at least 2 steps').max(10, 'at most 10 steps'),
    /** Every later step must happen within this time of the visitor's step 1 (default 7d). */
    window: windowSchema.default('7d'),
    ...range,
  })
  .refine(rangeOk, rangeIssue);
export type FunnelQuery = z.input<typeof funnelQuerySchema>;

export type FunnelStepResult = {
  step: Step;
  /** The step as a marketer reads it: its label, else the event name or page path. */
  label: string;
  /** Visitors who reached this step (in order, within the window). */
  visitors: number;
  /** visitors / visitors of step 1 (0..1; 0 when nobody entered). */
  conversionFromStart: number;
  /** visitors / visitors of the previous step (step 1: 1, or 0 when nobody entered). */
  conversionFromPrevious: number;
  /** Visitors of the previous step who did not reach this one (step 1: 0). */
  dropOff: number;
  /** Median time from the previous step to this one, ms (step 1, or nobody: null). */
  medianMsFromPrevious: number | null;
};
export type FunnelReport = {
  from: number;
  to: number;
  window: string;
  /**
   * Semantics: a visitor enters at their first step-1 occurrence in [from, to); each next step
   * counts at its first occurrence strictly after the previous step's time and within `window` of
   * the step-1 time (it may fall after `to`'s range end only if it is still within the window
   * and already stored).
   */
  steps: FunnelStepResult[];
  /** Milliseconds the store spent answering (for the curious; not a guarantee). */
  tookMs: number;
};

export const pathsQuerySchema = z
  .strictObject({
    anchor: stepSchema,
    /** Steps after the anchor ("next") or before it ("previous"), within the same session. */
    direction: z.enum(['next', 'previous']).default('next'),
    /** How many distinct steps to follow (consecutive repeats of the same step collapse into one). */
    depth: z.number().int().min(1).max(5).default(3),
    /** Top N sequences. */
    limit: z.number().int().min(1).max(50).default(10),
    ...range,
  })
  .refine(rangeOk, rangeIssue);
export type PathsQuery = z.input<typeof pathsQuerySchema>;

/** A step in a path: a page view by path, or a tracked event by name. */
export type PathStep = { page: string } | { event: string };
export type PathsReport = {
  from: number;
  to: number;
  direction: 'next' | 'previous';
  depth: number;
  /** Sessions where the anchor happened (each counted at its first anchor occurrence). */
  anchorSessions: number;
  /**
   * Most common sequences, most sessions first. A sequence shorter than `depth` means the session
   * ended (or began, for "previous") there. `steps` are in time order away from the anchor: for
   * "previous", steps[0] is the step right before the anchor.
   */
  paths: { steps: PathStep[]; sessions: number; share: number }[];
};

export const retentionQuerySchema = z
  .strictObject({
    /** The cohort is the visitor's first occurrence of this (default: their first page view). */
    cohortEvent: stepSchema.default({ page: '/*' }),
    /** What counts as returning (default: any page view). */
    returnEvent: stepSchema.default({ page: '/*' }),
    period: z.enum(['day', 'week']).default('day'),
    /** Columns: period 0 (the cohort's own period) to periods - 1. */
    periods: z.number().int().min(1).max(31).default(8),
    ...range,
  })
  .refine(rangeOk, rangeIssue);
export type RetentionQuery = z.input<typeof retentionQuerySchema>;

export type RetentionReport = {
  from: number;
  to: number;
  period: 'day' | 'week';
  /** One row per cohort period (UTC days; weeks start on Monday, UTC) with at least one visitor. */
  cohorts: {
    /** Start of the cohort's period. */
    start: number;
    size: number;
    /**
     * returned[i]: visitors of the cohort who did the return event in period i after the cohort
     * period (i = 0 is the cohort period itself). null for periods that have not begun yet.
     */
    returned: (number | null)[];
    /** returned[i] / size. */
    rates: (number | null)[];
  }[];
};

export const sourcesQuerySchema = z
  .strictObject({
    /** A tracked event that counts as a conversion (optional). */
    goal: eventName.optional(),
    limit: z.number().int().min(1).max(200).default(50),
    ...range,
  })
  .refine(rangeOk, rangeIssue);
export type SourcesQuery = z.input<typeof sourcesQuerySchema>;

export type SourcesReport = {
  from: number;
  to: number;
  goal: string | null;
  /**
   * Visitors active in the range, grouped by first touch (their first stored page view ever):
   * utm source / medium / campaign when it had UTM, else the referrer's host with medium
   * "referral", else source "direct" with medium "(none)".
   */
  rows: {
    source: string;
    medium: string;
    campaign: string | null;
    visitors: number;
    pageViews: number;
    /** Visitors who did the goal in the range (0 without a goal). */
    conversions: number;
    conversionRate: number;
  }[];
};

export const messagesQuerySchema = z
  .strictObject({
    /** One message, or all with exposures in the range. */
    message: z.string().min(1).max(64).optional(),
    ...range,
  })
  .refine(rangeOk, rangeIssue);
export type MessagesQuery = z.input<typeof messagesQuerySchema>;

/** A rate with its 95% Wilson score interval. */
export type RateWithInterval = { exposed: number; converted: number; rate: number; interval: [number, number] };
export type MessagesReport = {
  from: number;
  to: number;
  /**
   * Which statistics: each rate's 95% interval is the Wilson score interval; the interval of a
   * variant's lift (variant rate minus holdout rate) is Newcombe's hybrid score interval
   * (method 10, built from the two Wilson intervals).
   */
  statistic: { rateInterval: 'wilson'; liftInterval: 'newcombe-wilson'; confidence: 0.95 };
  messages: {
    message: string;
    /** Visitors exposed (first exposure in the range) to the holdout; null when there were none. */
    holdout: RateWithInterval | null;
    /** Set when lift cannot be computed, e.g. "no holdout exposures in this range". */
    note: string | null;
    variants: (RateWithInterval & {
      variant: string;
      /** Over the holdout; null without holdout exposures. `relative` is null when the holdout rate is 0. */
      lift: { absolute: number; relative: number | null; interval: [number, number]; significant: boolean } | null;
    })[];
    /** Only for a message with `bandit: true` (next-best-offer); absent otherwise. */
    bandit?: BanditReport;
  }[];
};

/**
 * What the Thompson-sampling bandit does for a message now, from the weights the analytics store
 * last published (KV `bandit:<site>`), not limited to the report's range.
 */
export type BanditReport = {
  /** When the weights were last published; null before the first publication. */
  updatedAt: number | null;
  /** The configured holdout %, kept out of the bandit's split. */
  holdout: number;
  /**
   * All visitors (`segment: '*'`) first, then the message's segments in config order. A visitor
   * gets the row of the first of the message's segments they are in.
   */
  segments: {
    segment: string;
    /**
     * Where this row's split comes from: its own posterior, the all-visitors row (a segment
     * without a posterior for every variant), or the configured weights (nothing published yet).
     */
    from: 'own' | 'all' | 'configured';
    variants: {
      variant: string;
      /** Share of the non-holdout traffic this variant gets (0..1; the row sums to 1). */
      share: number;
      /** Beta(alpha, beta) posterior of the conversion rate: alpha = 1 + converted, beta = 1 + not converted. Null without one. */
      posterior: { alpha: number; beta: number } | null;
      /** Probability of having the best conversion rate (seeded Monte Carlo over the posteriors); null without one. */
      probabilityBest: number | null;
    }[];
  }[];
};

export const segmentCountQuerySchema = z.strictObject({
  /**
   * A draft segment condition (the same language as segments' `condition`; the admin API validates
   * it with the rules schema and reports its issues under `condition.…`).
   */
  condition: z.unknown().refine((v) => v !== undefined, 'required'),
});
export type SegmentCountQuery = { condition: unknown };

export type SegmentCountReport = {
  /** Visitors matching now (an estimate scaled from the sample when `sampled`). */
  matching: number;
  /** Visitors in the store. */
  total: number;
  /** Evaluated a deterministic sample of `evaluated` visitors (more than SEGMENT_COUNT_SAMPLE stored). */
  sampled: boolean;
  evaluated: number;
  /**
   * Request tests (page, referrer, utm) use the visitor's latest page and first touch; device and
   * geo are not stored for analytics and never match.
   */
  note: string;
};
/** Above this many visitors, segment counts evaluate a deterministic sample. */
export const SEGMENT_COUNT_SAMPLE = 20_000;

export const overviewQuerySchema = z.strictObject({
  /** Length of the events-per-minute series. */
  minutes: z.coerce.number().int().min(5).max(120).default(30),
});
export type OverviewQuery = z.input<typeof overviewQuerySchema>;

export type OverviewReport = {
  now: number;
  /** Distinct visitors with an event in the last 5 minutes. */
  liveVisitors: number;
  /** One entry per minute (UTC minute starts), oldest first, zero-filled, the current minute last. */
  eventsPerMinute: { t: number; events: number }[];
  last24h: { visitors: number; events: number; pageViews: number };
  /** Top pages by views in the last 24 hours. */
  topPages: { path: string; views: number; visitors: number }[];
  /** Visitors in the store (all time). */
  totalVisitors: number;
  /**
   * Events that browsers' outboxes dropped in the last 24 hours (by the time the edge heard of
   * it): each outbox holds at most 10,000 events and drops the oldest when full, then reports
   * how many with its next batch (snippet/src/outbox.ts).
   */
  outboxDropped: number;
  /**
   * Requests from bots and crawlers the edge filtered (no cookie, profile, analytics row or
   * personalization: docs/bots.md), per UTC day: the last 7 days, oldest first, zero-filled,
   * today last. `day` is the UTC date, YYYY-MM-DD.
   */
  botsFiltered: { day: string; requests: number }[];
};

export const streamQuerySchema = z.strictObject({
  /** Events stored after this cursor (a `seq`); without it, the latest `limit` events. */
  after: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type StreamQuery = z.input<typeof streamQuerySchema>;

export type StreamEvent = {
  /** Store order; pass the last one back as `after`. */
  seq: number;
  id: string;
  visitorId: string;
  type: 'page' | 'track' | 'identify' | 'prefs' | 'consent';
  /** Track name, else the type. */
  name: string;
  /** The page path the event happened on. */
  path: string;
  ts: number;
  receivedAt: number;
  props: Record<string, unknown> | null;
};
export type StreamReport = {
  /** Oldest first. */
  events: StreamEvent[];
  /** The largest seq returned, or the `after` passed in when nothing is new. */
  cursor: number;
};

export const profileSearchQuerySchema = z.strictObject({
  q: z.string().trim().min(1, 'empty').max(200),
  /** user: exact user id; visitor: visitor id prefix; trait: substring of any trait value; any: all three. */
  by: z.enum(['any', 'user', 'visitor', 'trait']).default('any'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type ProfileSearchQuery = z.input<typeof profileSearchQuerySchema>;

export type ProfileSummary = {
  visitorId: string;
  userId: string | null;
  firstSeen: number;
  lastSeen: number;
  events: number;
  /** Segment ids the visitor was in at their latest stored batch. */
  segments: string[];
  traits: Record<string, unknown>;
};
export type ProfileSearchReport = { profiles: ProfileSummary[] };
