/**
 * The columnar funnel index (analytics/funnel-index.ts, funnel-store.ts) against the SQL it
 * replaces (reports.ts funnelPart / funnelGaps), in a real SQLite-backed SiteAnalytics object: random
 * event sets (ties in time, repeated steps, out of window, before `from`, null paths, page globs,
 * paths outside the BMP), then rows added after the index was built, a cold object loading the
 * saved image, an erase through ingest (index and image dropped), and a shard over the memory
 * bound (the SQL answers).
 */
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { Step } from '../../protocol/analytics';
import { ANALYTICS_MIGRATIONS } from '../src/analytics/events-store';
import { ShardFunnels } from '../src/analytics/funnel-store';
import type { GapBounds } from '../src/analytics/merge';
import { seededRandom } from '../src/analytics/random';
import { funnelGaps, funnelPart, type FunnelInput } from '../src/analytics/reports';
import type { SiteAnalytics } from '../src/analytics/site-analytics';
import { MigratedSql } from '../src/storage/migrations';

const T0 = 1_750_000_000_000;
const SEC = 1_000;
const NAMES = ['page', 'page', 'page', 'add', 'buy', 'x'];
const PATHS = ['/', '/a', '/a/b', '/ab', '/a/', '/\u{1F600}/x', '/\u{1F600}', '/b', '/a%', '/a_b'];
const STEPS: Step[] = [
  { page: '/' },
  { page: '/a/*' },
  { page: '/*' },
  { page: '/a' },
  { page: '/\u{1F600}/*' },
  { page: '/a%' },
  { event: 'add' },
  { event: 'buy' },
  { event: 'page' },
];
const WINDOWS = ['1m', '2m', '1h'];

let objects = 0;
const freshStore = () => env.ANALYTICS.get(env.ANALYTICS.idFromName(`funnel-index-${Date.now().toString(36)}-${++objects}`));

let seq = 0;
/** `visitors` random visitors' events straight into the table (the store's own columns). */
function insertRandom(sql: SqlStorage, r: () => number, visitors: number, maxEvents: number, prefix = 'v'): void {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  for (let v = 0; v < visitors; v++) {
    const n = Math.floor(r() * maxEvents);
    for (let i = 0; i < n; i++) {
      const name = pick(NAMES);
      const path = name === 'page' ? pick(PATHS) : r() < 0.5 ? null : pick(PATHS);
      const ts = T0 + Math.floor(r() * 240) * SEC;
      sql.exec(
        "INSERT INTO events (seq, id, visitor, type, name, path, ts, received_at, session) VALUES (?, ?, ?, 'track', ?, ?, ?, ?, 's')",
        ++seq,
        `e${seq}`,
        `${prefix}${v}`,
        name,
        path,
        ts,
        ts,
      );
    }
  }
}

function randomQuery(r: () => number): FunnelInput {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const from = T0 + Math.floor(r() * 60) * SEC;
  return { steps: Array.from({ length: 2 + Math.floor(r() * 4) }, () => pick(STEPS)), window: pick(WINDOWS), from, to: from + Math.floor(r() * 180) * SEC };
}

/** Brackets around random sample values of each step (round two of a median), some steps without. */
function randomBounds(r: () => number, q: FunnelInput, sql: SqlStorage): GapBounds {
  const part = funnelPart(sql, q);
  return part.gaps.map((g) => {
    if (!g.samples.length || r() < 0.2) return null;
    const a = g.samples[Math.floor(r() * g.samples.length)]!.value;
    const b = g.samples[Math.floor(r() * g.samples.length)]!.value;
    return { lo: Math.min(a, b), hi: Math.max(a, b) };
  });
}

function expectSameAsSql(funnels: ShardFunnels, sql: SqlStorage, q: FunnelInput, r: () => number, label: string): void {
  expect(funnels.part(q), label).toEqual(funnelPart(sql, q));
  const bounds = randomBounds(r, q, sql);
  expect(funnels.gaps(q, bounds), label).toEqual(funnelGaps(sql, q, bounds));
}

describe('funnel index', () => {
  it('answers exactly what the SQL does on random event sets, before and after more rows arrive', async () => {
    await runInDurableObject(freshStore(), (_instance: SiteAnalytics, state) => {
      const sql = new MigratedSql(state.storage, ANALYTICS_MIGRATIONS).sql;
      for (let s = 1; s <= 50; s++) {
        sql.exec('DELETE FROM events');
        new ShardFunnels(() => sql).invalidate();
        const r = seededRandom(s);
        insertRandom(sql, r, 1 + Math.floor(r() * 50), 25);
        const funnels = new ShardFunnels(() => sql);
        expect(funnels.indexed).toBe(true);
        for (let i = 0; i < 3; i++) expectSameAsSql(funnels, sql, randomQuery(r), r, `seed ${s}, query ${i}`);
        // New rows for known and new visitors: the index takes them on the next query.
        insertRandom(sql, r, 1 + Math.floor(r() * 60), 10);
        for (let i = 0; i < 3; i++) expectSameAsSql(funnels, sql, randomQuery(r), r, `seed ${s}, after more rows, query ${i}`);
        const count = sql.exec<{ c: number }>('SELECT COUNT(*) AS c FROM events').one().c;
        expect(funnels.stats?.events).toBe(count);
        // A cold object: the saved image (then the rows stored after it was saved) instead of the events table.
        insertRandom(sql, r, 5, 10, 'w');
        const cold = new ShardFunnels(() => sql);
        expect(cold.stats?.saved).toBeGreaterThan(0);
        for (let i = 0; i < 3; i++) expectSameAsSql(cold, sql, randomQuery(r), r, `seed ${s}, cold from the image, query ${i}`);
        expect(cold.stats?.events).toBe(sql.exec<{ c: number }>('SELECT COUNT(*) AS c FROM events').one().c);
      }
    });
  }, 30_000);

  it('samples and slices gaps like the SQL when a step has thousands of them', async () => {
    await runInDurableObject(freshStore(), (_instance: SiteAnalytics, state) => {
      const sql = new MigratedSql(state.storage, ANALYTICS_MIGRATIONS).sql;
      const r = seededRandom(99);
      insertRandom(sql, r, 3_000, 30);
      const funnels = new ShardFunnels(() => sql);
      const q: FunnelInput = { steps: [{ page: '/*' }, { event: 'add' }, { page: '/a/*' }], window: '1h', from: T0, to: T0 + 200 * SEC };
      const part = funnels.part(q);
      expect(part.gaps[0]!.count).toBeGreaterThan(512);
      expect(part.gaps[0]!.samples.length).toBeLessThan(part.gaps[0]!.count);
      expectSameAsSql(funnels, sql, q, r, 'large');
      for (let i = 0; i < 5; i++) expectSameAsSql(funnels, sql, randomQuery(r), r, `large, query ${i}`);
    });
  }, 30_000);

  it('forgets an erased visitor (rebuilt after the erase) and answers with the SQL above the memory bound', async () => {
    await runInDurableObject(freshStore(), async (instance: SiteAnalytics, state) => {
      const sql = new MigratedSql(state.storage, ANALYTICS_MIGRATIONS).sql;
      const r = seededRandom(7);
      insertRandom(sql, r, 40, 25);
      const q: FunnelInput = { steps: [{ page: '/*' }, { event: 'add' }], window: '1h', from: T0, to: T0 + 240 * SEC };
      const before = await instance.funnelPart(q);
      expect(before).toEqual(funnelPart(sql, q));
      const entered = sql
        .exec<{ visitor: string }>("SELECT DISTINCT visitor FROM events WHERE name = 'page' AND ts >= ? AND ts < ?", q.from, q.to)
        .toArray()
        .map((row) => row.visitor);
      expect(entered.length).toBeGreaterThan(0);
      expect(sql.exec<{ c: number }>('SELECT COUNT(*) AS c FROM funnel_index').one().c).toBeGreaterThan(0);
      await instance.ingest([{ kind: 'erase', site: 'funnel-index', visitorId: entered[0]!, at: Date.now() }]);
      // The saved image went with the erase (it held the visitor's events): a cold object cannot load it.
      expect(sql.exec<{ c: number }>('SELECT COUNT(*) AS c FROM funnel_index').one().c).toBe(0);
      const after = await instance.funnelPart(q);
      expect(after.counts[0]).toBe(before.counts[0]! - 1);
      expect(after).toEqual(funnelPart(sql, q));

      expect(new ShardFunnels(() => sql).part(q)).toEqual(after);

      // An image saved in 7-byte (7-character) blocks, with emoji paths in its JSON: cut everywhere, loaded whole.
      for (const block of [7, 8]) {
        new ShardFunnels(() => sql).invalidate();
        const built = new ShardFunnels(() => sql, undefined, block);
        const emoji: FunnelInput = { steps: [{ page: '/\u{1F600}/*' }, { event: 'add' }], window: '1h', from: T0, to: T0 + 240 * SEC };
        expect(built.part(emoji)).toEqual(funnelPart(sql, emoji));
        expect(sql.exec<{ c: number }>("SELECT COUNT(*) AS c FROM funnel_index WHERE part = 'keyPath'").one().c).toBeGreaterThan(3);
        const loaded = new ShardFunnels(() => sql, undefined, block);
        expect(loaded.stats?.saved).toBeGreaterThan(0);
        expect(loaded.part(emoji)).toEqual(funnelPart(sql, emoji));
        expect(loaded.part(q)).toEqual(funnelPart(sql, q));
      }

      const small = new ShardFunnels(() => sql, 1_000);
      expect(small.indexed).toBe(false);
      expect(small.part(q)).toEqual(funnelPart(sql, q));
    });
  }, 30_000);
});
