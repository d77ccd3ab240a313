/**
 * The condition language of segments and message targeting: a JSON tree of all / any / not over
 * leaf tests of the visitor's profile, history and current request. Validated with a schema on
 * every config write; evaluated by evaluate.ts (pure, no Worker globals).
 */
import { z } from 'zod';
import { LOCALE_TAG } from '../locale';

/** Durations like "30m", "2h", "7d"; windows over the visitor's event history. */
export const durationSchema = z.string().regex(/^\d{1,4}[smhd]$/, 'must be a duration like 30m, 2h or 7d');
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export function durationMs(duration: string): number {
  const unit = duration.slice(-1) as keyof typeof UNIT_MS;
  return Number(duration.slice(0, -1)) * UNIT_MS[unit];
}

const scalar = z.union([z.string().max(1_000), z.number().finite(), z.boolean()]);
export type Scalar = z.infer<typeof scalar>;

/** Comparison of one value; `exists` needs no operand. */
export const comparisonSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('exists') }),
  z.strictObject({ op: z.literal('missing') }),
  z.strictObject({ op: z.enum(['eq', 'neq']), value: scalar }),
  z.strictObject({ op: z.enum(['in', 'nin']), value: z.array(scalar).min(1).max(200) }),
  z.strictObject({ op: z.enum(['contains', 'starts_with', 'ends_with']), value: z.string().min(1).max(1_000) }),
  z.strictObject({ op: z.enum(['gt', 'gte', 'lt', 'lte']), value: z.number().finite() }),
]);
export type Comparison = z.infer<typeof comparisonSchema>;

const key = z.string().min(1).max(100);

/** Leaf tests. Each names what it looks at, so an explanation can say it back to a marketer. */
export const leafSchema = z.union([
  z.strictObject({ trait: key, test: comparisonSchema }),
  z.strictObject({ pref: key, test: comparisonSchema }),
  z.strictObject({ consent: z.enum(['analytics', 'personalization']) }),
  z.strictObject({
    /** Count of events named `event` (track name, or "page" for page views) within a window. */
    event: key,
    min: z.number().int().nonnegative().optional(),
    max: z.number().int().nonnegative().optional(),
    within: durationSchema.optional(),
  }),
  z.strictObject({
    /**
     * The visitor went idle for `minutes` after their last `inactiveAfter` event (e.g. left with a
     * full cart), with no `unless` event since (e.g. checkout_start). True from the moment the
     * idle time has passed; the profile's alarm records the segment entry right then.
     */
    inactiveAfter: key,
    minutes: z.number().int().min(1).max(43_200),
    unless: key.optional(),
  }),
  z.strictObject({ page: z.enum(['url', 'path']), test: comparisonSchema }),
  z.strictObject({ referrer: z.enum(['url', 'host']), test: comparisonSchema }),
  z.strictObject({ utm: z.enum(['source', 'medium', 'campaign', 'term', 'content']), test: comparisonSchema }),
  z.strictObject({ device: z.enum(['mobile', 'tablet', 'desktop']) }),
  z.strictObject({ geo: z.enum(['country', 'region']), test: comparisonSchema }),
  z.strictObject({ visitor: z.enum(['new', 'returning']) }),
  z.strictObject({ identified: z.boolean() }),
  /**
   * The request's locale (docs/localized-content.md) is one of `in`, by language prefix: "fr"
   * matches fr, fr-ca, fr-be; "de-ch" matches only Swiss German. Tags are lower-case BCP 47.
   */
  z.strictObject({
    locale: z.strictObject({
      in: z.array(z.string().regex(LOCALE_TAG, 'must be a lower-case BCP 47 tag: language[-region], like fr or de-ch')).min(1).max(50),
    }),
  }),
  /** Every visitor: "show to everyone" content, and A/B tests without a segment. */
  z.strictObject({ everyone: z.literal(true) }),
]);
export type Leaf = z.infer<typeof leafSchema>;

export type Condition = Leaf | { all: Condition[] } | { any: Condition[] } | { not: Condition };

const MAX_CONDITION_DEPTH = 8;
function conditionAt(depth: number): z.ZodType<Condition> {
  if (depth >= MAX_CONDITION_DEPTH) return leafSchema;
  const inner = z.lazy(() => conditionAt(depth + 1));
  return z.union([
    leafSchema,
    z.strictObject({ all: z.array(inner).min(1).max(50) }),
    z.strictObject({ any: z.array(inner).min(1).max(50) }),
    z.strictObject({ not: inner }),
  ]);
}
export const conditionSchema = conditionAt(0);

/** The inactivity tests inside a condition tree (the profile schedules its alarms from them). */
export function inactivityLeaves(condition: Condition): Extract<Leaf, { inactiveAfter: string }>[] {
  if ('all' in condition) return condition.all.flatMap(inactivityLeaves);
  if ('any' in condition) return condition.any.flatMap(inactivityLeaves);
  if ('not' in condition) return inactivityLeaves(condition.not);
  return 'inactiveAfter' in condition ? [condition] : [];
}
