/**
 * Statistics for message performance (pure). Rates get the Wilson score interval (good coverage
 * for small samples and rates near 0 or 1, unlike the normal "Wald" interval); the lift of a
 * variant over the holdout (difference of two independent proportions) gets Newcombe's hybrid
 * score interval (Newcombe 1998, method 10), which combines the two Wilson intervals; that one is
 * valid for one look at a planned sample size, so the verdict uses the always-valid interval of
 * sequential.ts instead and Newcombe's is kept as secondary information.
 */
import { alwaysValidDifference, verdictOutlook, type Interval, type VerdictOutlook } from './sequential';

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

export type { Interval };

/** Wilson score interval for `successes` out of `trials`; [0, 1] when there are no trials. */
export function wilson(successes: number, trials: number, z = Z95): Interval {
  if (trials <= 0) return [0, 1];
  const p = successes / trials;
  const z2 = z * z;
  const denom = 1 + z2 / trials;
  const center = (p + z2 / (2 * trials)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // Clamp rounding noise at the edges (p = 0 or 1 give exactly 0 or 1 in exact arithmetic).
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

/**
 * Newcombe's hybrid score interval for p1 - p2 (x1/n1 minus x2/n2). Null when either group is
 * empty: there is no difference to estimate.
 */
export function newcombeDifference(x1: number, n1: number, x2: number, n2: number, z = Z95): Interval | null {
  if (n1 <= 0 || n2 <= 0) return null;
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const [l1, u1] = wilson(x1, n1, z);
  const [l2, u2] = wilson(x2, n2, z);
  const d = p1 - p2;
  return [d - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)];
}

export type RateSummary = { exposed: number; converted: number; rate: number; interval: Interval };

export function rateSummary(converted: number, exposed: number): RateSummary {
  return { exposed, converted, rate: exposed > 0 ? converted / exposed : 0, interval: wilson(converted, exposed) };
}

export type Lift = {
  absolute: number;
  relative: number | null;
  /** Always-valid 95% interval of the difference: the verdict. */
  interval: Interval;
  significant: boolean;
  /** Newcombe's fixed-horizon 95% interval, for reference. */
  fixedHorizonInterval: Interval;
  outlook: VerdictOutlook;
};

/**
 * A variant's lift over the holdout; null without holdout exposures or variant exposures.
 * `perDay`: each group's exposures per day, for the days-to-verdict outlook.
 */
export function liftOverHoldout(variant: RateSummary, holdout: RateSummary, perDay: { variant: number; holdout: number }): Lift | null {
  const interval = alwaysValidDifference(variant.converted, variant.exposed, holdout.converted, holdout.exposed);
  const fixedHorizonInterval = newcombeDifference(variant.converted, variant.exposed, holdout.converted, holdout.exposed);
  if (!interval || !fixedHorizonInterval) return null;
  const absolute = variant.rate - holdout.rate;
  return {
    absolute,
    relative: holdout.rate > 0 ? absolute / holdout.rate : null,
    interval,
    // The always-valid interval excludes 0: a difference at the 95% level, however often it was looked at.
    significant: interval[0] > 0 || interval[1] < 0,
    fixedHorizonInterval,
    outlook: verdictOutlook({ ...variant, perDay: perDay.variant }, { ...holdout, perDay: perDay.holdout }),
  };
}
