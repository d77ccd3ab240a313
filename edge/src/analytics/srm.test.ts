import { describe, expect, it } from 'vitest';
import { chiSquareSurvival, lnGamma, srmCheck } from './srm';

describe('chiSquareSurvival', () => {
  it('matches published critical values', () => {
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(chiSquareSurvival(3.841459, 1)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(10.827566, 1)).toBeCloseTo(0.001, 7);
    expect(chiSquareSurvival(5.991465, 2)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(16.266236, 3)).toBeCloseTo(0.001, 7);
    // Even df has a closed form: for 4, e^(-x/2) (1 + x/2).
    expect(chiSquareSurvival(0.5, 4)).toBeCloseTo(Math.exp(-0.25) * 1.25, 12);
    expect(chiSquareSurvival(30, 4)).toBeCloseTo(Math.exp(-15) * 16, 15);
    expect(chiSquareSurvival(0, 2)).toBe(1);
  });
});

describe('srmCheck', () => {
  it('passes a split that fits its allocation', () => {
    const r = srmCheck([
      { variant: 'a', exposed: 4_510, expectedShare: 0.45 },
      { variant: 'b', exposed: 4_480, expectedShare: 0.45 },
      { variant: 'holdout', exposed: 1_010, expectedShare: 0.1 },
    ]);
    expect(r.status).toBe('ok');
    expect(r.pValue!).toBeGreaterThan(0.5);
    expect(r.arms.map((a) => a.observedShare)).toEqual([0.451, 0.448, 0.101]);
  });
  it('flags a broken split at p < 0.001', () => {
    // 5,200 vs 4,800 on 50/50: chi-square 16, p = 6.3e-5.
    const r = srmCheck([
      { variant: 'a', exposed: 5_200, expectedShare: 0.5 },
      { variant: 'holdout', exposed: 4_800, expectedShare: 0.5 },
    ]);
    expect(r.status).toBe('mismatch');
    expect(r.pValue!).toBeCloseTo(6.334e-5, 7);
    expect(r.note).toMatch(/broken/);
    // 5,100 vs 4,900: p = 0.046, not a mismatch at 0.001.
    expect(
      srmCheck([
        { variant: 'a', exposed: 5_100, expectedShare: 0.5 },
        { variant: 'holdout', exposed: 4_900, expectedShare: 0.5 },
      ]).status,
    ).toBe('ok');
  });
  it('does not check one group, too few exposures, or groups outside the allocation', () => {
    expect(srmCheck([{ variant: 'a', exposed: 100, expectedShare: 1 }]).status).toBe('not-checked');
    expect(
      srmCheck([
        { variant: 'a', exposed: 40, expectedShare: 0.9 },
        { variant: 'holdout', exposed: 1, expectedShare: 0.1 },
      ]).status,
    ).toBe('not-checked');
    const moved = srmCheck([
      { variant: 'a', exposed: 400, expectedShare: 1 },
      { variant: 'holdout', exposed: 30, expectedShare: 0 },
    ]);
    expect(moved.status).toBe('not-checked');
    expect(moved.note).toMatch(/changed/);
  });
});
