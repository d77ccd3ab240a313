/**
 * Always-valid (sequential) intervals for the lift of a variant over the holdout (pure).
 *
 * A fixed-horizon interval (Newcombe, stats.ts) holds its 95% only when read once, at a sample
 * size fixed in advance; a marketer who opens the report every day and stops at the first
 * "winner" gets many more false winners (the simulation in peeking.test.ts measures how many). A
 * confidence sequence holds at every sample size at once, so any number of looks keep the 5%.
 *
 * Method: the two-sided normal-mixture asymptotic confidence sequence of Waudby-Smith, Arnold,
 * Wu, Ramdas and Howard, "Time-uniform central limit theory and asymptotic confidence sequences"
 * (2023, eq. 9; Howard et al. 2021 for the mixture boundary) — the normal-mixture mSPRT of Johari
 * et al. "Always valid inference" in interval form — exactly as GrowthBook's gbstats computes it
 * (`sequential_rho` and `sequential_interval_halfwidth` in packages/stats/gbstats/frequentist/
 * tests.py): for the estimate d = p1 - p2 with variance V = p1(1-p1)/n1 + p2(1-p2)/n2 and
 * n = n1 + n2, the per-observation variance is s2 = V·n and the half-width is
 *
 *   sqrt(s2) · sqrt( 2(n·rho² + 1) / (n·rho)² · ln( sqrt(n·rho² + 1) / alpha ) ),
 *   rho = sqrt( (-2 ln alpha + ln(-2 ln alpha + 1)) / N ),
 *
 * where N (the tuning) is the total sample size at which the sequence is tightest; GrowthBook's
 * default is 5,000. One change: each group's variance uses the rate (x + 1) / (n + 2), so tiny
 * groups with 0% or 100% conversion never get a zero-width interval.
 */

export type Interval = [number, number];

export const SEQUENTIAL_ALPHA = 0.05;
/** Total exposures (both groups) at which the interval is tightest: GrowthBook's default. */
export const SEQUENTIAL_TUNING = 5_000;

/** The mixture's rho for a two-sided level `alpha`, tightest at `tuning` observations. */
export function sequentialRho(alpha = SEQUENTIAL_ALPHA, tuning = SEQUENTIAL_TUNING): number {
  const twoLogAlpha = -2 * Math.log(alpha);
  return Math.sqrt((twoLogAlpha + Math.log(twoLogAlpha + 1)) / tuning);
}

/** Half-width of the confidence sequence for a mean over `n` observations of per-observation variance `s2`. */
export function sequentialHalfWidth(s2: number, n: number, alpha = SEQUENTIAL_ALPHA, tuning = SEQUENTIAL_TUNING): number {
  const rho2 = sequentialRho(alpha, tuning) ** 2;
  const nr = n * rho2;
  return Math.sqrt(s2) * Math.sqrt(((2 * (nr + 1)) / (n * nr)) * Math.log(Math.sqrt(nr + 1) / alpha));
}

/** Variance of one group's rate, from the rate (x + 1) / (n + 2) so it is never 0. */
const rateVariance = (x: number, n: number): number => {
  const p = (x + 1) / (n + 2);
  return (p * (1 - p)) / n;
};

/** Half-width of the always-valid interval of p1 - p2 for these counts (at their current rates). */
export function differenceHalfWidth(x1: number, n1: number, x2: number, n2: number, alpha = SEQUENTIAL_ALPHA, tuning = SEQUENTIAL_TUNING): number {
  const n = n1 + n2;
  return sequentialHalfWidth((rateVariance(x1, n1) + rateVariance(x2, n2)) * n, n, alpha, tuning);
}

/**
 * The always-valid 95% interval of p1 - p2 (x1/n1 minus x2/n2); null when either group is empty.
 * Wider than a fixed-horizon interval (the price of peeking), and it may reach outside [-1, 1]
 * on tiny samples; it is clamped there.
 */
export function alwaysValidDifference(x1: number, n1: number, x2: number, n2: number, alpha = SEQUENTIAL_ALPHA, tuning = SEQUENTIAL_TUNING): Interval | null {
  if (n1 <= 0 || n2 <= 0) return null;
  const d = x1 / n1 - x2 / n2;
  const half = differenceHalfWidth(x1, n1, x2, n2, alpha, tuning);
  return [Math.max(-1, d - half), Math.min(1, d + half)];
}

/** How far a report looks ahead for a verdict. */
export const VERDICT_HORIZON_DAYS = 90;
/** With an observed lift below this share of the baseline rate, the estimate assumes this lift instead. */
export const MINIMUM_RELATIVE_LIFT = 0.1;

export type Arm = { exposed: number; converted: number; perDay: number };

export type VerdictOutlook = { horizonDays: number } &
  /** The always-valid interval already excludes 0. */
  (
    | { status: 'reached'; days: null; assumedLift: null; basis: null }
    /** About `days` more days at current traffic, if the lift stays `assumedLift` (absolute). */
    | { status: 'estimate'; days: number; assumedLift: number; basis: 'observed' | 'minimum' }
    /** Not within VERDICT_HORIZON_DAYS at current traffic. */
    | { status: 'beyond'; days: null; assumedLift: number; basis: 'observed' | 'minimum' }
    /** No exposures per day, or no conversions at all yet: nothing to project. */
    | { status: 'no-data'; days: null; assumedLift: null; basis: null }
  );

/**
 * "About N more days to a verdict at current traffic" for a variant against the holdout: the first
 * whole day at which, with each group growing by its current exposures per day and the rates as
 * they are now, the always-valid interval's half-width falls below the assumed lift. The assumed
 * lift is the observed one, or MINIMUM_RELATIVE_LIFT of the baseline (the pooled rate) when the
 * observed lift is smaller than that (a lift near 0 would never be confirmed: the question then is
 * how long until a lift worth having would show).
 */
export function verdictOutlook(variant: Arm, holdout: Arm, opts: { horizonDays?: number; alpha?: number; tuning?: number } = {}): VerdictOutlook {
  const { horizonDays = VERDICT_HORIZON_DAYS, alpha = SEQUENTIAL_ALPHA, tuning = SEQUENTIAL_TUNING } = opts;
  const noData = { status: 'no-data', days: null, assumedLift: null, basis: null, horizonDays } as const;
  if (variant.exposed <= 0 || holdout.exposed <= 0) return noData;
  const interval = alwaysValidDifference(variant.converted, variant.exposed, holdout.converted, holdout.exposed, alpha, tuning)!;
  if (interval[0] > 0 || interval[1] < 0) return { status: 'reached', days: null, assumedLift: null, basis: null, horizonDays };
  const conversions = variant.converted + holdout.converted;
  if (conversions === 0 || variant.perDay <= 0 || holdout.perDay <= 0) return noData;
  const observed = Math.abs(variant.converted / variant.exposed - holdout.converted / holdout.exposed);
  const minimum = MINIMUM_RELATIVE_LIFT * (conversions / (variant.exposed + holdout.exposed));
  const basis = observed >= minimum ? 'observed' : 'minimum';
  const lift = Math.max(observed, minimum);
  // The rates stay as they are; only the counts grow (conversions in proportion).
  const p1 = variant.converted / variant.exposed;
  const p2 = holdout.converted / holdout.exposed;
  for (let day = 1; day <= horizonDays; day++) {
    const n1 = variant.exposed + variant.perDay * day;
    const n2 = holdout.exposed + holdout.perDay * day;
    if (differenceHalfWidth(p1 * n1, n1, p2 * n2, n2, alpha, tuning) < lift) {
      return { status: 'estimate', days: day, assumedLift: signed(lift, variant, holdout), basis, horizonDays };
    }
  }
  return { status: 'beyond', days: null, assumedLift: signed(lift, variant, holdout), basis, horizonDays };
}

/** The assumed lift with the sign of the observed one (positive when they are equal). */
const signed = (lift: number, variant: Arm, holdout: Arm): number => (variant.converted / variant.exposed < holdout.converted / holdout.exposed ? -lift : lift);
