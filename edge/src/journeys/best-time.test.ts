import { describe, expect, it } from 'vitest';
import { bestReleaseTime, hourHistogram, localTime } from './best-time';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Seeded history: events at local hour `hour` (minute 10) on `days` consecutive UTC days from `start`, with a UTC offset `offsetHours`. */
function habit(start: string, days: number, hour: number, offsetHours: number, perDay = 1): number[] {
  const base = Date.parse(start);
  const out: number[] = [];
  for (let d = 0; d < days; d++) for (let k = 0; k < perDay; k++) out.push(base + d * DAY + (hour - offsetHours) * HOUR + 10 * 60_000 + k * 60_000);
  return out;
}

describe('best time (pure)', () => {
  it('holds until the usual local hour, read in the visitor’s zone', () => {
    // 19:10 in Paris (UTC+1 in January) on five days.
    const history = habit('2026-01-05T00:00:00Z', 5, 19, 1);
    expect(hourHistogram(history, 'Europe/Paris').hours[19]).toBe(5);
    const earliest = Date.parse('2026-01-12T09:20:00Z'); // 10:20 in Paris
    const r = bestReleaseTime({ history, timeZone: 'Europe/Paris', earliest });
    expect(r).toMatchObject({ kind: 'hold', hour: 19, at: Date.parse('2026-01-12T18:00:00Z') });
    // The same history read in UTC says 18:00.
    expect(bestReleaseTime({ history, timeZone: 'UTC', earliest })).toMatchObject({ kind: 'hold', hour: 18, at: Date.parse('2026-01-12T18:00:00Z') });
  });

  it('wraps past midnight to the next day', () => {
    const history = habit('2026-03-02T00:00:00Z', 5, 7, 0);
    const earliest = Date.parse('2026-03-10T22:05:00Z');
    expect(bestReleaseTime({ history, timeZone: 'UTC', earliest })).toMatchObject({ kind: 'hold', hour: 7, at: Date.parse('2026-03-11T07:00:00Z') });
    // Usual hour 0 (midnight) from 23:30 holds 30 minutes.
    const midnight = habit('2026-03-02T00:00:00Z', 5, 0, 0);
    expect(bestReleaseTime({ history: midnight, timeZone: 'UTC', earliest: Date.parse('2026-03-10T23:30:00Z') })).toMatchObject({
      kind: 'hold',
      hour: 0,
      at: Date.parse('2026-03-11T00:00:00Z'),
    });
  });

  it('releases at once when the wait ends inside the usual hour', () => {
    const history = habit('2026-03-02T00:00:00Z', 5, 14, 0);
    const earliest = Date.parse('2026-03-10T14:40:00Z');
    expect(bestReleaseTime({ history, timeZone: 'UTC', earliest })).toMatchObject({ kind: 'now', hour: 14, at: earliest });
  });

  it('breaks ties by the hour that comes soonest', () => {
    const history = [...habit('2026-03-02T00:00:00Z', 3, 9, 0), ...habit('2026-03-02T00:00:00Z', 3, 20, 0)];
    // From 10:00 the 20:00 comes before the next 09:00; from 21:00 the 09:00 comes first.
    expect(bestReleaseTime({ history, timeZone: 'UTC', earliest: Date.parse('2026-03-10T10:00:00Z') })).toMatchObject({ hour: 20 });
    expect(bestReleaseTime({ history, timeZone: 'UTC', earliest: Date.parse('2026-03-10T21:00:00Z') })).toMatchObject({
      hour: 9,
      at: Date.parse('2026-03-11T09:00:00Z'),
    });
  });

  it('falls back to no extra hold with too little history', () => {
    const earliest = Date.parse('2026-03-10T10:00:00Z');
    // Enough events, but all on one day.
    const oneDay = habit('2026-03-02T00:00:00Z', 1, 19, 0, 8);
    expect(bestReleaseTime({ history: oneDay, timeZone: 'UTC', earliest })).toMatchObject({ kind: 'fallback', at: earliest });
    // Two days, but only 4 events.
    const few = habit('2026-03-02T00:00:00Z', 2, 19, 0, 2);
    expect(bestReleaseTime({ history: few, timeZone: 'UTC', earliest })).toMatchObject({ kind: 'fallback', at: earliest });
    expect(bestReleaseTime({ history: [], timeZone: 'UTC', earliest }).why).toContain('too little history (0 events on 0 days');
    // Settings decide the thresholds.
    expect(bestReleaseTime({ history: few, timeZone: 'UTC', earliest, settings: { minEvents: 4, minDays: 2, maxEvents: 500 } })).toMatchObject({
      kind: 'hold',
      hour: 19,
    });
  });

  it('follows daylight saving time: the same local hour is a different UTC hour after the change', () => {
    // 08:10 New York time on weekdays before the March 8 2026 change (UTC-5).
    const history = habit('2026-03-02T00:00:00Z', 5, 8, -5);
    expect(hourHistogram(history, 'America/New_York').hours[8]).toBe(5);
    // After the change New York is UTC-4: 08:00 local is 12:00 UTC.
    const earliest = Date.parse('2026-03-10T02:00:00Z');
    expect(bestReleaseTime({ history, timeZone: 'America/New_York', earliest })).toMatchObject({
      kind: 'hold',
      hour: 8,
      at: Date.parse('2026-03-10T12:00:00Z'),
    });
  });

  it('on the night the clock skips the usual hour, releases right after the gap', () => {
    // Usual hour 02 in New York; on 2026-03-08 the clock goes from 01:59 to 03:00 (07:00 UTC).
    const history = habit('2026-02-02T00:00:00Z', 5, 2, -5);
    const earliest = Date.parse('2026-03-08T06:30:00Z'); // 01:30 EST
    const r = bestReleaseTime({ history, timeZone: 'America/New_York', earliest });
    expect(r).toMatchObject({ kind: 'hold', hour: 2, at: Date.parse('2026-03-08T07:00:00Z') });
    expect(localTime(r.at, 'America/New_York')).toMatchObject({ day: '2026-03-08', hour: 3, minute: 0 });
  });

  it('counts only the newest events', () => {
    const old = habit('2025-01-01T00:00:00Z', 20, 6, 0);
    const recent = habit('2026-03-01T00:00:00Z', 5, 21, 0);
    const earliest = Date.parse('2026-03-10T10:00:00Z');
    expect(bestReleaseTime({ history: [...old, ...recent], timeZone: 'UTC', earliest }).kind === 'hold').toBe(true);
    expect(bestReleaseTime({ history: [...old, ...recent], timeZone: 'UTC', earliest })).toMatchObject({ hour: 6 });
    expect(bestReleaseTime({ history: [...old, ...recent], timeZone: 'UTC', earliest, settings: { minEvents: 5, minDays: 2, maxEvents: 5 } })).toMatchObject({
      hour: 21,
    });
  });
});
