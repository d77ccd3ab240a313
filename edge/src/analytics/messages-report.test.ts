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

describe('messagesReport: slot experiments', () => {
  const q = { from: 0, to: 10 * DAY };
  const rows = [
    { message: 'offer', variant: 'default', exposed: 100, converted: 5, firstAt: 2 * DAY },
    { message: 'offer', variant: 'holdout', exposed: 10, converted: 1, firstAt: 2 * DAY },
    { message: 'slot:hero', variant: 'vip', exposed: 3_000, converted: 300, firstAt: 2 * DAY },
    { message: 'slot:hero', variant: 'holdout:vip', exposed: 700, converted: 35, firstAt: 2 * DAY },
    { message: 'slot:hero', variant: 'new', exposed: 400, converted: 8, firstAt: 4 * DAY },
  ];

  it('lists slots apart from messages, per segment: personalized against the same segment held out, with the same statistics', () => {
    const report = messagesReport(
      q,
      [rows.slice(0, 3), rows.slice(3)],
      new Map([['offer', { variants: [{ id: 'default', weight: 100 }], holdout: 10, bandit: false }]]),
      new Map([['hero', 20]]),
    );
    expect(report.messages.map((m) => m.message)).toEqual(['offer']);
    expect(report.slots.map((s) => [s.slot, s.segment])).toEqual([
      ['hero', 'new'],
      ['hero', 'vip'],
    ]);
    const [fresh, vip] = report.slots;
    // The same computation as a message with one variant and that holdout.
    const asMessage = messagesReport(
      q,
      [
        [
          { message: 'm', variant: 'personalized', exposed: 3_000, converted: 300, firstAt: 2 * DAY },
          { message: 'm', variant: 'holdout', exposed: 700, converted: 35, firstAt: 2 * DAY },
        ],
      ],
      new Map([['m', { variants: [{ id: 'personalized', weight: 100 }], holdout: 20, bandit: false }]]),
    ).messages[0]!;
    const { message: _m, ...same } = asMessage;
    expect({ ...vip, slot: undefined, segment: undefined }).toEqual({ ...same, slot: undefined, segment: undefined });
    expect(vip!.variants[0]!.lift!.significant).toBe(true);
    expect(vip!.srm.status).toBe('ok');
    expect(vip!.srm.arms.map((a) => [a.variant, a.expectedShare])).toEqual([
      ['personalized', 0.8],
      ['holdout', 0.2],
    ]);
    // "new" has no held-out visitors yet: no lift, said so.
    expect(fresh!.holdout).toBeNull();
    expect(fresh!.variants[0]!.lift).toBeNull();
    expect(fresh!.note).toMatch(/no holdout exposures/);
  });

  it('flags a slot split far from its holdout percent, and does not check a slot no longer in an experiment', () => {
    const broken = messagesReport(q, [rows.slice(2, 4)], new Map(), new Map([['hero', 50]]));
    expect(broken.slots[0]!.srm.status).toBe('mismatch');
    const gone = messagesReport(q, [rows.slice(2, 4)], new Map(), new Map());
    expect(gone.slots[0]!.srm).toMatchObject({ status: 'not-checked', note: 'the slot experiment is no longer configured' });
  });
});
