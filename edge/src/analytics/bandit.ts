/**
 * "Next-best-offer": Thompson sampling over a message's variants, per segment, with the holdout
 * kept (pure). The analytics store turns exposures into a Beta(1 + conversions, 1 + non-conversions)
 * posterior per message, variant and segment, and estimates by Monte Carlo each variant's
 * probability of having the best conversion rate. Thompson sampling shows each variant with exactly
 * that probability, so those probabilities become the variants' weights (published to KV as
 * `bandit:<site>`). Selection then uses the visitor's stable bucket against these weights instead of
 * the configured ones: the holdout share is untouched (lift stays measurable), and a visitor keeps
 * their variant unless the weights move across their bucket. Exposures are attributed to the first
 * variant a visitor saw (the profile's exposures table), so a later move does not blur the counts.
 */
import type { BanditReport } from '../../../protocol/analytics';
import type { Message, Variant } from '../../../protocol/config/messages';
import { seededRandom } from './random';

export type BanditArm = { alpha: number; beta: number; weight: number };
/** message id → segment id (or ALL_SEGMENTS) → variant id → posterior and weight. */
export type BanditTable = { updatedAt: number; messages: Record<string, Record<string, Record<string, BanditArm>>> };
export const ALL_SEGMENTS = '*';
/** Every variant keeps at least this weight: the posterior can be wrong early on, keep exploring. */
export const MIN_WEIGHT = 0.01;
export const DRAWS = 4_000;

/** Kept here too: the bandit's tests and callers know it from this module. */
export { seededRandom };

function normal(rand: () => number): number {
  // Box-Muller; 1 - rand() is in (0, 1], so the log is finite.
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** Gamma(shape, 1) by Marsaglia and Tsang (shape >= 1 here: alpha and beta start at 1). */
function gamma(shape: number, rand: () => number): number {
  if (shape < 1) return gamma(shape + 1, rand) * Math.pow(1 - rand(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rand);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rand();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

export function sampleBeta(alpha: number, beta: number, rand: () => number): number {
  const x = gamma(alpha, rand);
  return x / (x + gamma(beta, rand));
}

/** P(each arm has the highest rate), by `draws` joint posterior draws; ties go to the first. */
export function probabilityBest(arms: Readonly<Record<string, { alpha: number; beta: number }>>, rand: () => number, draws = DRAWS): Record<string, number> {
  const ids = Object.keys(arms);
  const wins = new Map(ids.map((id) => [id, 0]));
  for (let i = 0; i < draws; i++) {
    let best = '';
    let top = -1;
    for (const id of ids) {
      const arm = arms[id]!;
      const x = sampleBeta(arm.alpha, arm.beta, rand);
      if (x > top) {
        top = x;
        best = id;
      }
    }
    wins.set(best, (wins.get(best) ?? 0) + 1);
  }
  return Object.fromEntries(ids.map((id) => [id, (wins.get(id) ?? 0) / draws]));
}

export type ExposureCounts = { message: string; variant: string; segment: string; exposed: number; converted: number };

/** The table the analytics store publishes; holdout rows are not arms. */
export function buildBanditTable(rows: readonly ExposureCounts[], now: number, seed = 1): BanditTable {
  const grouped = new Map<string, Map<string, Record<string, { alpha: number; beta: number }>>>();
  for (const r of rows) {
    if (r.variant === 'holdout') continue;
    const bySegment = grouped.get(r.message) ?? new Map<string, Record<string, { alpha: number; beta: number }>>();
    const arms = bySegment.get(r.segment) ?? {};
    arms[r.variant] = { alpha: 1 + r.converted, beta: 1 + (r.exposed - r.converted) };
    bySegment.set(r.segment, arms);
    grouped.set(r.message, bySegment);
  }
  const rand = seededRandom(seed);
  const messages: BanditTable['messages'] = {};
  for (const [message, bySegment] of grouped) {
    messages[message] = {};
    for (const [segment, arms] of bySegment) {
      const p = probabilityBest(arms, rand);
      messages[message]![segment] = Object.fromEntries(Object.entries(arms).map(([id, a]) => [id, { ...a, weight: Math.max(p[id] ?? 0, MIN_WEIGHT) }]));
    }
  }
  return { updatedAt: now, messages };
}

/**
 * The message's variants re-weighted by the bandit for this visitor: the posterior of the first of
 * the message's segments the visitor is in (config order), else of all its visitors. Null (keep the
 * configured weights) when the message is not a bandit, or the table has no entry covering every
 * configured variant yet (a new variant first gets traffic from its configured weight).
 */
export function banditVariants(
  message: Pick<Message, 'id' | 'variants' | 'segments'> & { bandit?: boolean | undefined },
  table: BanditTable | null | undefined,
  inSegments: ReadonlySet<string>,
): Variant[] | null {
  if (!message.bandit || !table || message.variants.length < 2) return null;
  const entries = table.messages[message.id];
  if (!entries) return null;
  const covers = (arms: Record<string, BanditArm> | undefined) => arms !== undefined && message.variants.every((v) => arms[v.id] !== undefined);
  const segment = message.segments.find((s) => inSegments.has(s) && covers(entries[s]));
  const arms = segment !== undefined ? entries[segment] : entries[ALL_SEGMENTS];
  if (!arms || !covers(arms)) return null;
  return message.variants.map((v) => ({ ...v, weight: arms[v.id]!.weight }));
}

type BanditMessage = Pick<Message, 'id' | 'variants' | 'segments' | 'holdout'>;

/**
 * What the bandit does for a message, for the Messages report: per row (all visitors, then each of
 * the message's segments) the share of the non-holdout traffic each variant gets, exactly as
 * `banditVariants` picks the weights, and the row's own posteriors with each variant's probability
 * of being best (seeded Monte Carlo, so the same table always reads the same).
 */
export function banditReport(message: BanditMessage, table: BanditTable | null | undefined, seed = 1): BanditReport {
  const entries = table?.messages[message.id] ?? {};
  const covers = (arms: Record<string, BanditArm> | undefined): arms is Record<string, BanditArm> =>
    arms !== undefined && message.variants.every((v) => arms[v.id] !== undefined);
  const shares = (weight: (v: Variant) => number) => {
    const total = message.variants.reduce((sum, v) => sum + weight(v), 0);
    return (v: Variant) => (total > 0 ? weight(v) / total : 1 / message.variants.length);
  };
  const all = entries[ALL_SEGMENTS];
  const row = (segment: string): BanditReport['segments'][number] => {
    const own = entries[segment];
    const from = covers(own) ? 'own' : segment !== ALL_SEGMENTS && covers(all) ? 'all' : 'configured';
    const source = from === 'own' ? own : from === 'all' ? all : undefined;
    const share = shares((v) => (source ? source[v.id]!.weight : v.weight));
    // P(best) only where the row has its own posterior for every variant: among a subset it would overstate.
    const best = from === 'own' ? probabilityBest(Object.fromEntries(message.variants.map((v) => [v.id, own![v.id]!])), seededRandom(seed)) : null;
    return {
      segment,
      from,
      variants: message.variants.map((v) => {
        const arm = own?.[v.id];
        return {
          variant: v.id,
          share: share(v),
          posterior: arm ? { alpha: arm.alpha, beta: arm.beta } : null,
          probabilityBest: best ? (best[v.id] ?? 0) : null,
        };
      }),
    };
  };
  return {
    updatedAt: table?.updatedAt ?? null,
    holdout: message.holdout,
    segments: [ALL_SEGMENTS, ...message.segments.filter((s) => s !== ALL_SEGMENTS)].map(row),
  };
}
