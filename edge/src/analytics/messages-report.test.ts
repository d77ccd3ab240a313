import { describe, expect, it } from 'vitest';
import { messageSrm, messagesReport, type MessageAllocation } from './merge';

const DAY = 86_400_000;
const split: MessageAllocation = {
  variants: [
    { id: 'a', weight: 50 },
    { id: 'b', weight: 50 },
  ],
  holdout: 10,
  bandit: false,
};

describe('messagesReport', () => {
  it('sums shards, gives exposures per day since the first exposure, always-valid lift with Newcombe beside it, and the split check', () => {
    const q = { from: 0, to: 10 * DAY };
    const report = messagesReport(
      q,
      [
        [
          { message: 'm', variant: 'a', exposed: 2_000, converted: 200, firstAt: 2 * DAY },
          { message: 'm', variant: 'holdout', exposed: 400, converted: 20, firstAt: 3 * DAY },
        ],
        [
          { message: 'm', variant: 'a', exposed: 2_050, converted: 210, firstAt: 5 * DAY },
          { message: 'm', variant: 'b', exposed: 4_000, converted: 170, firstAt: 2 * DAY },
          { message: 'm', variant: 'holdout', exposed: 500, converted: 30, firstAt: 2 * DAY },
        ],
      ],
      new Map([['m', split]]),
    );
    expect(report.statistic).toEqual({
      rateInterval: 'wilson',
      liftInterval: 'always-valid-normal-mixture',
      tuning: 5_000,
      fixedHorizonLiftInterval: 'newcombe-wilson',
      confidence: 0.95,
    });
    const m = report.messages[0]!;
    // 8,950 exposures over the 8 days since the first one.
    expect(m.exposuresPerDay).toBeCloseTo(8_950 / 8, 10);
    expect(m.srm.status).toBe('ok');
    expect(m.srm.arms.map((a) => [a.variant, a.expectedShare])).toEqual([
      ['a', 0.45],
      ['b', 0.45],
      ['holdout', 0.1],
    ]);
    const [a, b] = m.variants;
    // a: 10.1% vs holdout 5.6% on 4,050 and 900: the always-valid interval excludes 0.
    expect(a!.lift!.significant).toBe(true);
    expect(a!.lift!.outlook.status).toBe('reached');
    expect(a!.lift!.interval[0]).toBeLessThan(a!.lift!.fixedHorizonInterval[0]);
    // b: 4.25% vs 5.6%: not excluded yet; an estimate or "beyond", never "reached".
    expect(b!.lift!.significant).toBe(false);
    expect(['estimate', 'beyond']).toContain(b!.lift!.outlook.status);
  });

  it('flags a broken split prominently (p < 0.001)', () => {
    const report = messagesReport(
      { from: 0, to: 10 * DAY },
      [
        [
          { message: 'm', variant: 'a', exposed: 5_000, converted: 200, firstAt: 0 },
          { message: 'm', variant: 'b', exposed: 3_000, converted: 120, firstAt: 0 },
          { message: 'm', variant: 'holdout', exposed: 900, converted: 30, firstAt: 0 },
        ],
      ],
      new Map([['m', split]]),
    );
    expect(report.messages[0]!.srm.status).toBe('mismatch');
    expect(report.messages[0]!.srm.pValue!).toBeLessThan(0.001);
  });
});

describe('messageSrm', () => {
  it('checks only the holdout against all variants for a bandit', () => {
    const r = messageSrm(
      [
        { variant: 'a', exposed: 7_000 },
        { variant: 'b', exposed: 2_000 },
        { variant: 'holdout', exposed: 1_000 },
      ],
      { ...split, bandit: true },
    );
    expect(r.status).toBe('ok');
    expect(r.arms.map((a) => a.variant)).toEqual(['all variants', 'holdout']);
  });
  it('does not check a message no longer configured or with a variant not in the config', () => {
    expect(messageSrm([{ variant: 'a', exposed: 100 }], undefined).status).toBe('not-checked');
    const r = messageSrm(
      [
        { variant: 'old', exposed: 100 },
        { variant: 'a', exposed: 100 },
      ],
      split,
    );
    expect(r.status).toBe('not-checked');
    expect(r.note).toMatch(/changed/);
  });
});
