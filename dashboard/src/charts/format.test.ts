// The chart helpers are pure: axis ticks, number formats and the heat ramp, checked in Node.
import { describe, expect, it } from 'vitest';
import { clip, fmtDuration, fmtInt, fmtPct, fmtPp, fmtSignedPct, heat, linear, niceMax, signedTicks, ticks } from './format';

describe('axis ticks', () => {
  it('count axes use whole numbers and reach the maximum', () => {
    expect(ticks(0, 4, true)).toEqual([0, 1]);
    expect(ticks(3, 4, true)).toEqual([0, 1, 2, 3]);
    expect(ticks(5, 4, true)).toEqual([0, 2, 4, 6]);
    expect(ticks(99, 4, true)).toEqual([0, 25, 50, 75, 100]);
    expect(ticks(1234, 4, true)).toEqual([0, 500, 1000, 1500]);
    for (const max of [1, 7, 13, 250, 9999]) {
      const t = ticks(max, 4, true);
      expect(t.every(Number.isInteger)).toBe(true);
      expect(t[t.length - 1]).toBeGreaterThanOrEqual(max);
    }
  });
  it('share axes step by nice fractions', () => {
    expect(ticks(0.3)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(ticks(1)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });
  it('signed axes always hold zero and both ends', () => {
    const s = signedTicks(-0.12, 0.31);
    expect(s.ticks).toContain(0);
    expect(s.min).toBeLessThanOrEqual(-0.12);
    expect(s.max).toBeGreaterThanOrEqual(0.31);
    expect(signedTicks(0.05, 0.2).min).toBe(0);
    expect(signedTicks(0, 0).ticks).toContain(0);
  });
  it('niceMax and linear', () => {
    expect([0, 0.7, 3, 7, 11, 260].map(niceMax)).toEqual([1, 1, 5, 10, 20, 500]);
    const x = linear(0, 10, 100, 200);
    expect([x(0), x(5), x(10)]).toEqual([100, 150, 200]);
    expect(linear(3, 3, 7, 9)(3)).toBe(7);
  });
});

describe('formats', () => {
  it('numbers, shares and differences', () => {
    expect(fmtInt(1234567)).toBe('1,234,567');
    expect(fmtInt(null)).toBe('–');
    expect(fmtPct(0.4567)).toBe('45.7%');
    expect(fmtPct(1 / 3, 0)).toBe('33%');
    expect(fmtPp(0.031)).toBe('+3.1 pp');
    expect(fmtPp(-0.2734)).toBe('-27.3 pp');
    expect(fmtPp(-0.0004)).toBe('0.0 pp');
    expect(fmtSignedPct(0.25)).toBe('+25.0%');
    expect(fmtSignedPct(Number.NaN)).toBe('–');
  });
  it('durations use the two largest units', () => {
    expect(fmtDuration(725)).toBe('725 ms');
    expect(fmtDuration(2_000)).toBe('2 s');
    expect(fmtDuration(75_000)).toBe('1 min 15 s');
    expect(fmtDuration(90_061_000)).toBe('1 d 1 h');
    expect(fmtDuration(null)).toBe('–');
  });
  it('clips long labels with an ellipsis', () => {
    expect(clip('checkout_start', 20)).toBe('checkout_start');
    expect(clip('checkout_start', 6)).toBe('check…');
  });
  it('the heat ramp runs from near-white to a blue that keeps dark text readable', () => {
    expect(heat(0)).toBe('rgb(246, 248, 255)');
    expect(heat(1)).toBe('rgb(116, 137, 222)');
    expect(heat(2)).toBe(heat(1));
    expect(heat(Number.NaN)).toBe(heat(0));
  });
});
