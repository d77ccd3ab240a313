/**
 * Peeking simulation (issue #12 point 6): 1,000 A/A experiments, each looked at every day for 30
 * days, a "winner" declared at the first look whose lift interval excludes 0. The always-valid
 * interval (sequential.ts) keeps the share of A/A experiments that ever declare a winner at 5% or
 * less; the fixed-horizon Newcombe interval (stats.ts) read the same way does not. Then the power:
 * with a real +20% relative lift the sequential test finds it within 30 days in most runs.
 * Deterministic (seeded PRNG), exact binomial draws by inversion: well under a second.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from './random';
import { alwaysValidDifference } from './sequential';
import { newcombeDifference } from './stats';

/** Exposures per group per day (a message shown to 2,000 visitors a day, split 50/50 with its holdout). */
const PER_DAY = 1_000;
/** Conversion rate of the holdout (and of the variant in the A/A runs). */
const BASE_RATE = 0.04;
const DAYS = 30;
const EXPERIMENTS = 1_000;

/** An exact Binomial(n, p) draw by inversion (the pmf recurrence from k = 0; fine while n·p is moderate). */
function binomial(random: () => number, n: number, p: number): number {
  const q = 1 - p;
  const ratio = p / q;
  let pmf = q ** n;
  let cdf = pmf;
  const u = random();
  let k = 0;
  while (u > cdf && k < n) {
    pmf *= (ratio * (n - k)) / (k + 1);
    k++;
    cdf += pmf;
  }
  return k;
}

type Interval = [number, number] | null;
type Method = (x1: number, n1: number, x2: number, n2: number) => Interval;
const excludesZero = (i: Interval): boolean => i !== null && (i[0] > 0 || i[1] < 0);

/** Share of experiments that declare a winner at some daily look, per method, and the mean day of the first one. */
function simulate(
  seed: number,
  variantRate: number,
  methods: Record<string, Method>,
  perDay: { variant: number; holdout: number } = { variant: PER_DAY, holdout: PER_DAY },
): Record<string, { rate: number; meanDay: number }> {
  const random = seededRandom(seed);
  const names = Object.keys(methods);
  const declared = new Map(names.map((n) => [n, { count: 0, days: 0 }]));
  for (let e = 0; e < EXPERIMENTS; e++) {
    let x1 = 0;
    let x2 = 0;
    const open = new Set(names);
    for (let day = 1; day <= DAYS && open.size; day++) {
      x1 += binomial(random, perDay.variant, variantRate);
      x2 += binomial(random, perDay.holdout, BASE_RATE);
      for (const name of [...open]) {
        if (excludesZero(methods[name]!(x1, day * perDay.variant, x2, day * perDay.holdout))) {
          const d = declared.get(name)!;
          d.count++;
          d.days += day;
          open.delete(name);
        }
      }
    }
  }
  return Object.fromEntries(
    names.map((n) => [n, { rate: declared.get(n)!.count / EXPERIMENTS, meanDay: declared.get(n)!.days / Math.max(1, declared.get(n)!.count) }]),
  );
}

const methods = { sequential: alwaysValidDifference, fixedHorizon: newcombeDifference };
const pct = (r: number) => `${(r * 100).toFixed(1)}%`;

describe('peeking every day for 30 days', () => {
  it(`A/A: at most 5% of ${EXPERIMENTS} experiments ever declare a winner with the always-valid interval; the fixed-horizon interval declares more`, () => {
    const aa = simulate(12, BASE_RATE, methods);
    console.log(
      `A/A, ${EXPERIMENTS} experiments, ${PER_DAY}/group/day at ${pct(BASE_RATE)}, daily looks for ${DAYS} days: ` +
        `always-valid ${pct(aa['sequential']!.rate)} ever declare a winner, fixed-horizon Newcombe ${pct(aa['fixedHorizon']!.rate)}`,
    );
    expect(aa['sequential']!.rate).toBeLessThanOrEqual(0.05);
    expect(aa['fixedHorizon']!.rate).toBeGreaterThan(0.05);
  });

  it('A/A with a 10% holdout (1,800 variant and 200 holdout exposures a day): still at most 5%', () => {
    const aa = simulate(56, BASE_RATE, methods, { variant: 1_800, holdout: 200 });
    console.log(`A/A, 10% holdout: always-valid ${pct(aa['sequential']!.rate)} ever declare a winner, fixed-horizon Newcombe ${pct(aa['fixedHorizon']!.rate)}`);
    expect(aa['sequential']!.rate).toBeLessThanOrEqual(0.05);
    expect(aa['fixedHorizon']!.rate).toBeGreaterThan(0.05);
  });

  it('power: a real +20% relative lift is found within 30 days in most runs', () => {
    const lift = simulate(34, BASE_RATE * 1.2, methods);
    console.log(
      `+20% relative (${pct(BASE_RATE)} -> ${pct(BASE_RATE * 1.2)}), ${PER_DAY}/group/day: always-valid finds it within ${DAYS} days in ` +
        `${pct(lift['sequential']!.rate)} of runs (mean day ${lift['sequential']!.meanDay.toFixed(1)}); fixed-horizon ${pct(lift['fixedHorizon']!.rate)}`,
    );
    expect(lift['sequential']!.rate).toBeGreaterThan(0.8);
  });

  it('the binomial draws have the right mean and variance', () => {
    const random = seededRandom(5);
    const draws = Array.from({ length: 20_000 }, () => binomial(random, PER_DAY, BASE_RATE));
    const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
    const variance = draws.reduce((s, x) => s + (x - mean) ** 2, 0) / (draws.length - 1);
    expect(mean).toBeCloseTo(PER_DAY * BASE_RATE, 0);
    expect(variance / (PER_DAY * BASE_RATE * (1 - BASE_RATE))).toBeGreaterThan(0.95);
    expect(variance / (PER_DAY * BASE_RATE * (1 - BASE_RATE))).toBeLessThan(1.05);
  });
});
