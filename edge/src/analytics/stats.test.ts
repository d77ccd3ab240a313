import { describe, expect, it } from 'vitest';
import { liftOverHoldout, newcombeDifference, rateSummary, wilson } from './stats';

describe('wilson', () => {
  it('matches the published example (Newcombe 1998: 81/263 -> 0.2553 to 0.3662)', () => {
    const [lo, hi] = wilson(81, 263);
    expect(lo).toBeCloseTo(0.2553, 4);
    expect(hi).toBeCloseTo(0.3662, 4);
  });
  it('is [0, 1] without trials and stays inside [0, 1] at the edges', () => {
    expect(wilson(0, 0)).toEqual([0, 1]);
    const [lo0, hi0] = wilson(0, 10);
    expect(lo0).toBe(0);
    // Hand-computed: for 0 of n the upper bound is z^2 / (n + z^2) = 3.8415 / 13.8415.
    expect(hi0).toBeCloseTo(0.2775, 4);
    const [lo1, hi1] = wilson(10, 10);
    expect(lo1).toBeCloseTo(0.7225, 4);
    expect(hi1).toBeCloseTo(1, 10);
  });
});

describe('newcombeDifference', () => {
  it('matches the published example (Newcombe 1998: 56/70 - 48/80 -> 0.0524 to 0.3339)', () => {
    const interval = newcombeDifference(56, 70, 48, 80);
    expect(interval?.[0]).toBeCloseTo(0.0524, 4);
    expect(interval?.[1]).toBeCloseTo(0.3339, 4);
  });
  it('is null when a group is empty', () => {
    expect(newcombeDifference(1, 0, 1, 10)).toBeNull();
    expect(newcombeDifference(1, 10, 0, 0)).toBeNull();
  });
});

describe('liftOverHoldout', () => {
  const perDay = { variant: 10, holdout: 10 };
  it('gives absolute and relative lift, the always-valid interval as the verdict and Newcombe beside it', () => {
    const lift = liftOverHoldout(rateSummary(56, 70), rateSummary(48, 80), perDay);
    expect(lift?.absolute).toBeCloseTo(0.2, 10);
    expect(lift?.relative).toBeCloseTo(0.2 / 0.6, 10);
    expect(lift?.fixedHorizonInterval[0]).toBeCloseTo(0.0524, 4);
    // Newcombe's interval excludes 0 here (one planned look); the always-valid one, on 150 visitors, does not.
    expect(lift?.interval[0]).toBeLessThan(0);
    expect(lift?.significant).toBe(false);
    expect(lift?.outlook.status).toBe('estimate');
    const big = liftOverHoldout(rateSummary(5_600, 7_000), rateSummary(4_800, 8_000), perDay);
    expect(big?.significant).toBe(true);
    expect(big?.outlook.status).toBe('reached');
    const flat = liftOverHoldout(rateSummary(5, 50), rateSummary(5, 50), perDay);
    expect(flat?.absolute).toBe(0);
    expect(flat?.significant).toBe(false);
  });
  it('has no relative lift over a 0% holdout and no lift without holdout exposures', () => {
    expect(liftOverHoldout(rateSummary(3, 10), rateSummary(0, 10), perDay)?.relative).toBeNull();
    expect(liftOverHoldout(rateSummary(3, 10), rateSummary(0, 0), perDay)).toBeNull();
  });
});
