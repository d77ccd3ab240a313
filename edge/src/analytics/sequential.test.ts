import { describe, expect, it } from 'vitest';
import {
  alwaysValidDifference,
  differenceHalfWidth,
  MINIMUM_RELATIVE_LIFT,
  sequentialHalfWidth,
  sequentialRho,
  VERDICT_HORIZON_DAYS,
  verdictOutlook,
} from './sequential';
import { newcombeDifference } from './stats';

describe('sequentialRho and sequentialHalfWidth', () => {
  it('match the closed forms (Waudby-Smith et al. 2023 eq. 9, as gbstats computes them)', () => {
    // Hand-computed: -2 ln 0.05 = 5.991465; ln(6.991465) = 1.944691; (7.936156 / 5000)^0.5.
    expect(sequentialRho(0.05, 5_000)).toBeCloseTo(0.0398401, 6);
    const rho2 = 7.936156 / 5_000;
    const n = 10_000;
    const expected = Math.sqrt(0.25) * Math.sqrt(((2 * (n * rho2 + 1)) / (n * n * rho2)) * Math.log(Math.sqrt(n * rho2 + 1) / 0.05));
    expect(sequentialHalfWidth(0.25, n)).toBeCloseTo(expected, 8);
  });
  it('is tightest relative to the fixed-horizon width near the tuning sample size, and always wider', () => {
    const ratio = (n: number) => sequentialHalfWidth(1, n) / (1.959964 / Math.sqrt(n));
    for (const n of [100, 1_000, 5_000, 50_000, 1_000_000]) expect(ratio(n)).toBeGreaterThan(1);
    expect(ratio(5_000)).toBeLessThan(ratio(100));
    expect(ratio(5_000)).toBeLessThan(ratio(1_000_000));
  });
});

describe('alwaysValidDifference', () => {
  it('is centred on the observed difference and wider than the Newcombe interval', () => {
    const seq = alwaysValidDifference(560, 7_000, 480, 8_000)!;
    const fixed = newcombeDifference(560, 7_000, 480, 8_000)!;
    const d = 560 / 7_000 - 480 / 8_000;
    expect((seq[0] + seq[1]) / 2).toBeCloseTo(d, 10);
    expect(seq[0]).toBeLessThan(fixed[0]);
    expect(seq[1]).toBeGreaterThan(fixed[1]);
    // 8% vs 6% on 7,000 and 8,000: excluded 0 by both.
    expect(seq[0]).toBeGreaterThan(0);
  });
  it('is null when a group is empty, and never zero-width on 0% or 100% groups', () => {
    expect(alwaysValidDifference(1, 0, 1, 10)).toBeNull();
    expect(alwaysValidDifference(1, 10, 0, 0)).toBeNull();
    const [lo, hi] = alwaysValidDifference(3, 3, 0, 3)!;
    // 100% of 3 against 0% of 3: a difference of 1, but far too few to call.
    expect(lo).toBeLessThan(0);
    expect(hi).toBe(1);
    expect(differenceHalfWidth(0, 5, 0, 5)).toBeGreaterThan(0);
  });
});

describe('verdictOutlook', () => {
  it('says "reached" once the always-valid interval excludes 0', () => {
    expect(verdictOutlook({ exposed: 20_000, converted: 1_000, perDay: 500 }, { exposed: 20_000, converted: 800, perDay: 500 }).status).toBe('reached');
  });
  it('estimates the days until the interval would exclude the observed lift, fewer with more traffic', () => {
    const variant = { exposed: 2_000, converted: 96, perDay: 1_000 };
    const holdout = { exposed: 2_000, converted: 80, perDay: 1_000 };
    const out = verdictOutlook(variant, holdout);
    expect(out.status).toBe('estimate');
    expect(out.basis).toBe('observed');
    expect(out.assumedLift).toBeCloseTo(0.008, 10);
    const days = out.days!;
    // At that day the projected interval excludes 0, the day before it does not.
    const at = (d: number) => {
      const n = 2_000 + 1_000 * d;
      return alwaysValidDifference(0.048 * n, n, 0.04 * n, n)!;
    };
    expect(at(days)[0]).toBeGreaterThan(0);
    expect(at(days - 1)[0]).toBeLessThanOrEqual(0);
    const faster = verdictOutlook({ ...variant, perDay: 4_000 }, { ...holdout, perDay: 4_000 });
    expect(faster.days!).toBeLessThan(days);
  });
  it('keeps the sign of a negative lift', () => {
    const out = verdictOutlook({ exposed: 2_000, converted: 80, perDay: 1_000 }, { exposed: 2_000, converted: 96, perDay: 1_000 });
    expect(out.assumedLift).toBeCloseTo(-0.008, 10);
  });
  it('assumes the minimum lift when the observed one is near 0, and says "beyond" past the horizon', () => {
    const variant = { exposed: 5_000, converted: 200, perDay: 200 };
    const holdout = { exposed: 5_000, converted: 200, perDay: 200 };
    const out = verdictOutlook(variant, holdout);
    expect(out.basis).toBe('minimum');
    expect(out.assumedLift).toBeCloseTo(MINIMUM_RELATIVE_LIFT * 0.04, 10);
    // 10% of 4% at 200 a day per group: far more than 90 days.
    expect(out.status).toBe('beyond');
    const busy = verdictOutlook({ ...variant, perDay: 20_000 }, { ...holdout, perDay: 20_000 });
    expect(busy.status).toBe('estimate');
    expect(busy.days!).toBeLessThanOrEqual(VERDICT_HORIZON_DAYS);
  });
  it('has nothing to project without exposures per day, conversions, or a group', () => {
    expect(verdictOutlook({ exposed: 100, converted: 5, perDay: 0 }, { exposed: 100, converted: 4, perDay: 10 }).status).toBe('no-data');
    expect(verdictOutlook({ exposed: 100, converted: 0, perDay: 10 }, { exposed: 100, converted: 0, perDay: 10 }).status).toBe('no-data');
    expect(verdictOutlook({ exposed: 0, converted: 0, perDay: 10 }, { exposed: 100, converted: 3, perDay: 10 }).status).toBe('no-data');
  });
});
