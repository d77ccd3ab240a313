// The overview's filtered-bot count (issue #15 point 5): routed to shard 0, summed exactly over
// shards per UTC day, zero-filled over the last 7 days, today last; the queue shape checked.
import { describe, expect, it } from 'vitest';
import { groupBySite } from './feed';
import { BOT_DAYS_SHOWN, overviewReport, utcDayStart, type OverviewPart } from './merge';
import { analyticsBots } from './queue';
import { deliveries } from './shards';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 7, 3, 30);

function part(botDays: { t: number; n: number }[]): OverviewPart {
  return { liveVisitors: 0, perMinute: [], last24h: { visitors: 0, events: 0, pageViews: 0 }, pages: [], totalVisitors: 0, outboxDropped: 0, botDays };
}

describe('overview: bots filtered per UTC day', () => {
  it('sums every shard’s counts per day, zero-fills 7 days and ends with today', () => {
    const today = utcDayStart(NOW);
    const report = overviewReport(5, NOW, [
      part([
        { t: today, n: 5 },
        { t: today - 2 * DAY, n: 1 },
      ]),
      part([{ t: today, n: 2 }]),
      part([]),
    ]);
    expect(report.botsFiltered).toHaveLength(BOT_DAYS_SHOWN);
    expect(report.botsFiltered).toEqual([
      { day: '2026-12-01', requests: 0 },
      { day: '2026-12-02', requests: 0 },
      { day: '2026-12-03', requests: 0 },
      { day: '2026-12-04', requests: 0 },
      { day: '2026-12-05', requests: 1 },
      { day: '2026-12-06', requests: 0 },
      { day: '2026-12-07', requests: 7 },
    ]);
  });

  it('a UTC day starts at midnight UTC', () => {
    expect(utcDayStart(Date.UTC(2026, 0, 1, 23, 59, 59, 999))).toBe(Date.UTC(2026, 0, 1));
    expect(utcDayStart(Date.UTC(2026, 0, 2))).toBe(Date.UTC(2026, 0, 2));
  });
});

describe('the bot count on the analytics queue', () => {
  it('is one message per filtered request with an id of its own, grouped by site, delivered to shard 0', () => {
    const a = analyticsBots('shop', NOW);
    const b = analyticsBots('shop', NOW);
    expect(a).toMatchObject({ kind: 'bots', site: 'shop', at: NOW, count: 1 });
    expect(a.kind === 'bots' && b.kind === 'bots' && a.id !== b.id).toBe(true);
    const { bySite, unknown } = groupBySite([
      { body: a },
      { body: { kind: 'bots', site: 'shop' } },
      { body: { kind: 'bots', site: 'x', id: 'i', at: 1, count: 1.5 } },
    ]);
    expect(bySite.get('shop')?.map((m) => m.body)).toEqual([a]);
    expect(unknown).toHaveLength(2);
    expect([...deliveries([a, { kind: 'events', visitorId: 'v' }], [1, 4], () => 3).entries()]).toEqual([
      [0, [0]],
      [3, [1]],
    ]);
  });
});
