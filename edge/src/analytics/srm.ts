/**
 * Sample-ratio mismatch (pure): does the observed split of exposures between a message's variants
 * and its holdout fit the configured allocation? A split far off its allocation means assignment
 * or counting is broken (a variant that fails to render, a cache, a bot), and then no lift in the
 * report can be trusted. Pearson's chi-square goodness-of-fit test, as GrowthBook's `check_srm`
 * (gbstats/utils.py), flagged at p < 0.001 (GrowthBook's default threshold too).
 */

export const SRM_THRESHOLD = 0.001 as const;
/** Below this many expected exposures in some group the chi-square approximation is too rough to run. */
export const SRM_MIN_EXPECTED = 5;

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9: about 15 significant digits). */
export function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const y = x - 1;
  let a = c[0]!;
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The regularized upper incomplete gamma Q(a, x) (Numerical Recipes' series and continued fraction). */
export function upperGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  const front = Math.exp(-x + a * Math.log(x) - lnGamma(a));
  if (x < a + 1) {
    // Series for P(a, x); Q = 1 - P.
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 1000 && Math.abs(term) > Math.abs(sum) * 1e-15; n++) {
      term *= x / (a + n);
      sum += term;
    }
    return Math.max(0, 1 - sum * front);
  }
  // Lentz's continued fraction for Q(a, x).
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.min(1, front * h);
}

/** P(X >= x) for X chi-square with `df` degrees of freedom. */
export const chiSquareSurvival = (x: number, df: number): number => upperGamma(df / 2, x / 2);

export type SrmArm = { variant: string; exposed: number; expectedShare: number };
export type SrmResult = {
  status: 'ok' | 'mismatch' | 'not-checked';
  threshold: typeof SRM_THRESHOLD;
  /** Chi-square p-value; null when not checked. */
  pValue: number | null;
  arms: { variant: string; exposed: number; expectedShare: number; observedShare: number }[];
  /** Why it was not checked, or what a mismatch means. */
  note: string | null;
};

/** The chi-square test of observed exposures against expected shares (which add up to 1). */
export function srmCheck(arms: SrmArm[]): SrmResult {
  const total = arms.reduce((n, a) => n + a.exposed, 0);
  const withShares = arms.map((a) => ({ ...a, observedShare: total > 0 ? a.exposed / total : 0 }));
  const skip = (note: string): SrmResult => ({ status: 'not-checked', threshold: SRM_THRESHOLD, pValue: null, arms: withShares, note });
  if (arms.length < 2) return skip('one group only: there is no split to check');
  if (arms.some((a) => a.expectedShare <= 0 && a.exposed > 0))
    return skip('a group with exposures has no share in the current allocation: the split changed in this range');
  const live = arms.filter((a) => a.expectedShare > 0);
  if (live.some((a) => a.expectedShare * total < SRM_MIN_EXPECTED))
    return skip(`too few exposures to check the split yet (needs ${SRM_MIN_EXPECTED} expected in every group)`);
  const statistic = live.reduce((x, a) => x + (a.exposed - a.expectedShare * total) ** 2 / (a.expectedShare * total), 0);
  const pValue = chiSquareSurvival(statistic, live.length - 1);
  return pValue < SRM_THRESHOLD
    ? {
        status: 'mismatch',
        threshold: SRM_THRESHOLD,
        pValue,
        arms: withShares,
        note: 'the observed split is far from the configured allocation (p < 0.001): assignment or counting is broken, so do not trust these results until it is fixed',
      }
    : { status: 'ok', threshold: SRM_THRESHOLD, pValue, arms: withShares, note: null };
}
