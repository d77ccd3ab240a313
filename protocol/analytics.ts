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

// Report schemas: what each route answers (its OpenAPI response schema, checked by
// edge/test/openapi.test.ts); the TS types are `z.infer` of them.
const count = z.number().int().nonnegative();
const ratio = z.number().min(0).max(1);

export const funnelStepResultSchema = z.object({
  step: stepSchema,
  /** The step as a marketer reads it: its label, else the event name or page path. */
  label: z.string(),
  /** Visitors who reached this step (in order, within the window). */
  visitors: count,
  /** visitors / visitors of step 1 (0..1; 0 when nobody entered). */
  conversionFromStart: ratio,
  /** visitors / visitors of the previous step (step 1: 1, or 0 when nobody entered). */
  conversionFromPrevious: ratio,
  /** Visitors of the previous step who did not reach this one (step 1: 0). */
  dropOff: count,
  /** Median time from the previous step to this one, ms (step 1, or nobody: null). */
  medianMsFromPrevious: z.number().nullable(),
});
export type FunnelStepResult = Omit<z.infer<typeof funnelStepResultSchema>, 'step'> & { step: Step };
export const funnelReportSchema = z.object({
  from: epochMs,
  to: epochMs,
  window: z.string(),
  /**
   * Semantics: a visitor enters at their first step-1 occurrence in [from, to); each next step
   * counts at its first occurrence strictly after the previous step's time and within `window` of
   * the step-1 time (it may fall after `to`'s range end only if it is still within the window
   * and already stored).
   */
  steps: z.array(funnelStepResultSchema),
  /** Milliseconds the store spent answering (for the curious; not a guarantee). */
  tookMs: z.number().nonnegative(),
});
export type FunnelReport = Omit<z.infer<typeof funnelReportSchema>, 'steps'> & { steps: FunnelStepResult[] };

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
export const pathStepSchema = z.union([z.object({ page: z.string() }), z.object({ event: z.string() })]);
export type PathStep = z.infer<typeof pathStepSchema>;
export const pathsReportSchema = z.object({
  from: epochMs,
  to: epochMs,
  direction: z.enum(['next', 'previous']),
  depth: z.number().int(),
  /** Sessions where the anchor happened (each counted at its first anchor occurrence). */
  anchorSessions: count,
  /**
   * Most common sequences, most sessions first. A sequence shorter than `depth` means the session
   * ended (or began, for "previous") there. `steps` are in time order away from the anchor: for
   * "previous", steps[0] is the step right before the anchor.
   */
  paths: z.array(z.object({ steps: z.array(pathStepSchema), sessions: count, share: ratio })),
});
export type PathsReport = z.infer<typeof pathsReportSchema>;

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

export const retentionReportSchema = z.object({
  from: epochMs,
  to: epochMs,
  period: z.enum(['day', 'week']),
  /** One row per cohort period (UTC days; weeks start on Monday, UTC) with at least one visitor. */
  cohorts: z.array(
    z.object({
      /** Start of the cohort's period. */
      start: epochMs,
      size: count,
      /**
       * returned[i]: visitors of the cohort who did the return event in period i after the cohort
       * period (i = 0 is the cohort period itself). null for periods that have not begun yet.
       */
      returned: z.array(count.nullable()),
      /** returned[i] / size. */
      rates: z.array(ratio.nullable()),
    }),
  ),
});
export type RetentionReport = z.infer<typeof retentionReportSchema>;

export const sourcesQuerySchema = z
  .strictObject({
    /** A tracked event that counts as a conversion (optional). */
    goal: eventName.optional(),
    limit: z.number().int().min(1).max(200).default(50),
    ...range,
  })
  .refine(rangeOk, rangeIssue);
export type SourcesQuery = z.input<typeof sourcesQuerySchema>;

export const sourcesReportSchema = z.object({
  from: epochMs,
  to: epochMs,
  goal: z.string().nullable(),
  /**
   * Visitors active in the range, grouped by first touch (their first stored page view ever):
   * utm source / medium / campaign when it had UTM, else the referrer's host with medium
   * "referral", else source "direct" with medium "(none)".
   */
  rows: z.array(
    z.object({
      source: z.string(),
      medium: z.string(),
      campaign: z.string().nullable(),
      visitors: count,
      pageViews: count,
      /** Visitors who did the goal in the range (0 without a goal). */
      conversions: count,
      conversionRate: ratio,
    }),
  ),
});
export type SourcesReport = z.infer<typeof sourcesReportSchema>;

export const messagesQuerySchema = z
  .strictObject({
    /** One message, or all with exposures in the range. */
    message: z.string().min(1).max(64).optional(),
    ...range,
  })
  .refine(rangeOk, rangeIssue);
export type MessagesQuery = z.input<typeof messagesQuerySchema>;

/** A rate with its 95% Wilson score interval. */
const interval = z.tuple([z.number(), z.number()]);
export const rateWithIntervalSchema = z.object({ exposed: count, converted: count, rate: ratio, interval });
export type RateWithInterval = z.infer<typeof rateWithIntervalSchema>;

/**
 * What the Thompson-sampling bandit does for a message now, from the weights the analytics store
 * last published (KV `bandit:<site>`), not limited to the report's range.
 */
export const banditReportSchema = z.object({
  /** When the weights were last published; null before the first publication. */
  updatedAt: epochMs.nullable(),
  /** The configured holdout %, kept out of the bandit's split. */
  holdout: z.number(),
  /**
   * All visitors (`segment: '*'`) first, then the message's segments in config order. A visitor
   * gets the row of the first of the message's segments they are in.
   */
  segments: z.array(
    z.object({
      segment: z.string(),
      /**
       * Where this row's split comes from: its own posterior, the all-visitors row (a segment
       * without a posterior for every variant), or the configured weights (nothing published yet).
       */
      from: z.enum(['own', 'all', 'configured']),
      variants: z.array(
        z.object({
          variant: z.string(),
          /** Share of the non-holdout traffic this variant gets (0..1; the row sums to 1). */
          share: ratio,
          /** Beta(alpha, beta) posterior of the conversion rate: alpha = 1 + converted, beta = 1 + not converted. Null without one. */
          posterior: z.object({ alpha: z.number(), beta: z.number() }).nullable(),
          /** Probability of having the best conversion rate (seeded Monte Carlo over the posteriors); null without one. */
          probabilityBest: ratio.nullable(),
        }),
      ),
    }),
  ),
});
export type BanditReport = z.infer<typeof banditReportSchema>;

/**
 * When a variant's always-valid lift interval would exclude 0 at current traffic: `reached`
 * (it does now), `estimate` (about `days` more days if the lift stays `assumedLift`), `beyond`
 * (not within `horizonDays`), or `no-data` (no exposures per day or no conversions yet).
 * `basis` says where `assumedLift` comes from: the observed lift, or the minimum worth
 * detecting (10% of the baseline rate) when the observed one is smaller.
 */
export const verdictOutlookSchema = z.object({
  status: z.enum(['reached', 'estimate', 'beyond', 'no-data']),
  days: z.number().int().min(1).nullable(),
  assumedLift: z.number().nullable(),
  basis: z.enum(['observed', 'minimum']).nullable(),
  horizonDays: z.number().int().min(1),
});
export type VerdictOutlookReport = z.infer<typeof verdictOutlookSchema>;

/**
 * Sample-ratio mismatch: the observed split of exposures against the message's configured
 * allocation (variant weights and holdout share; for a bandit, which moves its variants' shares,
 * the holdout against the rest). Chi-square goodness of fit, `mismatch` at p < `threshold`.
 */
export const srmReportSchema = z.object({
  status: z.enum(['ok', 'mismatch', 'not-checked']),
  pValue: ratio.nullable(),
  threshold: z.literal(0.001),
  arms: z.array(z.object({ variant: z.string(), exposed: count, expectedShare: ratio, observedShare: ratio })),
  note: z.string().nullable(),
});
export type SrmReport = z.infer<typeof srmReportSchema>;

/** One experiment's results: its holdout, the split check, and each variant's lift over the holdout. */
const experimentSchema = z.object({
  /** Visitors exposed (first exposure in the range) to the holdout; null when there were none. */
  holdout: rateWithIntervalSchema.nullable(),
  /** Set when lift cannot be computed, e.g. "no holdout exposures in this range". */
  note: z.string().nullable(),
  /** Exposures per day in the range (all groups), from the first exposure in the range to its end. */
  exposuresPerDay: z.number().min(0),
  srm: srmReportSchema,
  variants: z.array(
    rateWithIntervalSchema.extend({
      variant: z.string(),
      /**
       * Over the holdout; null without holdout exposures. `relative` is null when the holdout
       * rate is 0. `interval` is the always-valid interval and `significant` says whether it
       * excludes 0; `fixedHorizonInterval` is Newcombe's, for reference only.
       */
      lift: z
        .object({
          absolute: z.number(),
          relative: z.number().nullable(),
          interval,
          significant: z.boolean(),
          fixedHorizonInterval: interval,
          outlook: verdictOutlookSchema,
        })
        .nullable(),
    }),
  ),
});

export const messagesReportSchema = z.object({
  from: epochMs,
  to: epochMs,
  /**
   * Which statistics: each rate's 95% interval is the Wilson score interval; the interval of a
   * variant's lift (variant rate minus holdout rate) is an always-valid 95% confidence sequence
   * (normal mixture, Waudby-Smith et al. 2023 eq. 9, tightest at `tuning` exposures), which stays
   * valid however often the report is read; the verdict (`significant`) uses only that. The
   * fixed-horizon Newcombe interval is secondary information (valid for one look at a planned
   * sample size).
   */
  statistic: z.object({
    rateInterval: z.literal('wilson'),
    liftInterval: z.literal('always-valid-normal-mixture'),
    tuning: z.number().int().min(1),
    fixedHorizonLiftInterval: z.literal('newcombe-wilson'),
    confidence: z.literal(0.95),
  }),
  messages: z.array(
    experimentSchema.extend({
      message: z.string(),
      /** Only for a message with `bandit: true` (next-best-offer); absent otherwise. */
      bandit: banditReportSchema.optional(),
    }),
  ),
  /**
   * Slot experiments (docs/experiment-stats.md "Slot experiments"), per slot and segment: the
   * segment's visitors shown its variant (`variants[0].variant` "personalized") against the same
   * segment's visitors held out on the page's default (`holdout`). Empty when the query names a message.
   */
  slots: z.array(experimentSchema.extend({ slot: z.string(), segment: z.string() })),
});
export type MessagesReport = z.infer<typeof messagesReportSchema>;

export const segmentCountQuerySchema = z.strictObject({
  /**
   * A draft segment condition (the same language as segments' `condition`; the admin API validates
   * it with the rules schema and reports its issues under `condition.…`).
   */
  condition: z.unknown().refine((v) => v !== undefined, 'required'),
});
export type SegmentCountQuery = { condition: unknown };

export const segmentCountReportSchema = z.object({
  /** Visitors matching now (an estimate scaled from the sample when `sampled`). */
  matching: count,
  /** Visitors in the store. */
  total: count,
  /** Evaluated a deterministic sample of `evaluated` visitors (more than SEGMENT_COUNT_SAMPLE stored). */
  sampled: z.boolean(),
  evaluated: count,
  /**
   * Request tests (page, referrer, utm) use the visitor's latest page and first touch; device and
   * geo are not stored for analytics and never match.
   */
  note: z.string(),
});
export type SegmentCountReport = z.infer<typeof segmentCountReportSchema>;
/** Above this many visitors, segment counts evaluate a deterministic sample. */
export const SEGMENT_COUNT_SAMPLE = 20_000;

export const overviewQuerySchema = z.strictObject({
  /** Length of the events-per-minute series. */
  minutes: z.coerce.number().int().min(5).max(120).default(30),
});
export type OverviewQuery = z.input<typeof overviewQuerySchema>;

export const overviewReportSchema = z.object({
  now: epochMs,
  /** Distinct visitors with an event in the last 5 minutes. */
  liveVisitors: count,
  /** One entry per minute (UTC minute starts), oldest first, zero-filled, the current minute last. */
  eventsPerMinute: z.array(z.object({ t: epochMs, events: count })),
  last24h: z.object({ visitors: count, events: count, pageViews: count }),
  /** Top pages by views in the last 24 hours. */
  topPages: z.array(z.object({ path: z.string(), views: count, visitors: count })),
  /** Visitors in the store (all time). */
  totalVisitors: count,
  /**
   * Events that browsers' outboxes dropped in the last 24 hours (by the time the edge heard of
   * it): each outbox holds at most 10,000 events and drops the oldest when full, then reports
   * how many with its next batch (snippet/src/outbox.ts).
   */
  outboxDropped: count,
  /**
   * Requests from bots and crawlers the edge filtered (no cookie, profile, analytics row or
   * personalization: docs/bots.md), per UTC day: the last 7 days, oldest first, zero-filled,
   * today last. `day` is the UTC date, YYYY-MM-DD.
   */
  botsFiltered: z.array(z.strictObject({ day: z.iso.date(), requests: count })),
});
export type OverviewReport = z.infer<typeof overviewReportSchema>;

export const streamQuerySchema = z.strictObject({
  /** Events stored after this cursor (a `seq`); without it, the latest `limit` events. */
  after: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type StreamQuery = z.input<typeof streamQuerySchema>;

export const streamEventSchema = z.object({
  /** Store order; pass the last one back as `after`. */
  seq: count,
  id: z.string(),
  visitorId: z.string(),
  type: z.enum(['page', 'track', 'identify', 'prefs', 'consent']),
  /** Track name, else the type. */
  name: z.string(),
  /** The page path the event happened on. */
  path: z.string(),
  ts: epochMs,
  receivedAt: epochMs,
  props: z.record(z.string(), z.unknown()).nullable(),
});
export type StreamEvent = z.infer<typeof streamEventSchema>;
export const streamReportSchema = z.object({
  /** Oldest first. */
  events: z.array(streamEventSchema),
  /** The largest seq returned, or the `after` passed in when nothing is new. */
  cursor: count,
});
export type StreamReport = z.infer<typeof streamReportSchema>;

export const profileSearchQuerySchema = z.strictObject({
  q: z.string().trim().min(1, 'empty').max(200),
  /** user: exact user id; visitor: visitor id prefix; trait: substring of any trait value; any: all three. */
  by: z.enum(['any', 'user', 'visitor', 'trait']).default('any'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type ProfileSearchQuery = z.input<typeof profileSearchQuerySchema>;

export const profileSummarySchema = z.object({
  visitorId: z.string(),
  userId: z.string().nullable(),
  firstSeen: epochMs,
  lastSeen: epochMs,
  events: count,
  /** Segment ids the visitor was in at their latest stored batch. */
  segments: z.array(z.string()),
  traits: z.record(z.string(), z.unknown()),
});
export type ProfileSummary = z.infer<typeof profileSummarySchema>;
export const profileSearchReportSchema = z.object({ profiles: z.array(profileSummarySchema) });
export type ProfileSearchReport = z.infer<typeof profileSearchReportSchema>;

/** POST /_seed (local development only, WM_DEMO): synthetic visitors for the funnel benchmark and demos. */
export const seedQuerySchema = z.object({
  visitors: z.number().int().min(1).max(50_000),
  firstVisitor: z.number().int().min(0).max(100_000_000),
  eventsPerVisitor: z.number().int().min(2).max(200),
  start: z
    .number()
    .int()
    .min(0)
    .max(2 ** 45),
  spanMs: z
    .number()
    .int()
    .min(1)
    .max(400 * 86_400_000),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31),
});
export const seedReportSchema = z.object({ events: count, visitors: count });
