/**
 * The analytics report fixtures (hand-made visitor timelines), shared by the report tests
 * (analytics.test.ts) and the shard test (analytics-shards.test.ts).
 */
import type { WireEvent } from '../../protocol/wire';
import type { AnalyticsMessage, ExposureSnapshot } from '../src/analytics/feed';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
/** Monday 2026-01-05 00:00 UTC. */
export const T0 = Date.UTC(2026, 0, 5);
export const URL_BASE = 'https://shop.example';

let ids = 0;
type Ev =
  | { type: 'page'; path: string; ref?: string; utm?: Record<string, string> }
  | { type: 'track'; name: string }
  | { type: 'identify'; userId: string; traits: Record<string, string> };
export function wire(e: Ev, ts: number, sid: string): WireEvent {
  const base = { id: `fx-${(++ids).toString().padStart(8, '0')}`, ts, sid };
  if (e.type === 'page') return { ...base, type: 'page', url: `${URL_BASE}${e.path}`, ...(e.ref ? { ref: e.ref } : {}), ...(e.utm ? { utm: e.utm } : {}) };
  if (e.type === 'track') return { ...base, type: 'track', name: e.name, url: `${URL_BASE}/` };
  return { ...base, type: 'identify', userId: e.userId, traits: e.traits, url: `${URL_BASE}/` };
}
export const page = (path: string, extra: { ref?: string; utm?: Record<string, string> } = {}): Ev => ({ type: 'page', path, ...extra });
export const track = (name: string): Ev => ({ type: 'track', name });

/** One visitor's batch as the queue delivers it; received right after the last event. */
export function batch(visitorId: string, sid: string, timeline: [number, Ev][], exposures: ExposureSnapshot[] = [], segments: string[] = []): AnalyticsMessage {
  const events = timeline.map(([ts, e]) => wire(e, ts, sid));
  return { kind: 'events', site: 'x', visitorId, receivedAt: Math.max(...timeline.map(([ts]) => ts)) + 1_000, events, snapshot: { segments, exposures } };
}

/**
 * The shop fixture. Funnel "/" -> add_to_cart -> /checkout/* -> purchase, window 1h, range
 * [T0 - 1h, T0 + 1d):
 *   A: all four steps, 10 min apart (and a reload of "/" at +1m that paths collapse).
 *   B: "/", add_to_cart +5m, /checkout at +2h: outside the window, so B stops at step 2.
 *   C: add_to_cart before "/", purchase without checkout: step 1 only.
 *   D: "/", add_to_cart +30m, /checkout +40m: step 3.
 *   E: /shop only: never enters.
 *   F: "/" the day before (outside the range, another session), then "/" +5m, add_to_cart +6m.
 */
export function shop(): AnalyticsMessage[] {
  return [
    batch('visitor-a', 'sess-a', [
      [T0, page('/', { utm: { source: 'newsletter', medium: 'email', campaign: 'spring' } })],
      [T0 + MIN, page('/')],
      [T0 + 10 * MIN, track('add_to_cart')],
      [T0 + 20 * MIN, page('/checkout/pay')],
      [T0 + 30 * MIN, track('purchase')],
      [T0 + 31 * MIN, { type: 'identify', userId: 'u-alice', traits: { email: 'alice@example.com', plan: 'gold' } }],
    ]),
    batch('visitor-b', 'sess-b', [
      [T0, page('/', { ref: 'https://www.google.com/search?q=shoes' })],
      [T0 + 5 * MIN, track('add_to_cart')],
      [T0 + 2 * HOUR, page('/checkout')],
    ]),
    batch('visitor-c', 'sess-c', [
      [T0 + MIN, track('add_to_cart')],
      [T0 + 2 * MIN, page('/', { ref: `${URL_BASE}/elsewhere` })],
      [T0 + 3 * MIN, track('purchase')],
    ]),
    batch('visitor-d', 'sess-d', [
      [T0, page('/')],
      [T0 + 30 * MIN, track('add_to_cart')],
      [T0 + 40 * MIN, page('/checkout')],
    ]),
    batch('visitor-e', 'sess-e', [[T0 + 10 * MIN, page('/shop', { ref: 'https://google.com/' })]]),
    batch('visitor-f', 'sess-f1', [[T0 - DAY, page('/', { utm: { source: 'ads', medium: 'cpc' } })]]),
    batch('visitor-f', 'sess-f2', [
      [T0 + 5 * MIN, page('/')],
      [T0 + 6 * MIN, track('add_to_cart')],
    ]),
  ];
}

/** Retention: r1..r3 around T0 (day and week cohorts), r4 a moment before `now`. */
export function retentionFixture(now: number): AnalyticsMessage[] {
  return [
    batch('r1', 's1', [
      [T0 + HOUR, page('/')],
      [T0 + DAY + HOUR, page('/a')],
      [T0 + 3 * DAY + HOUR, page('/b')],
    ]),
    batch('r2', 's2', [
      [T0 + 2 * HOUR, page('/')],
      [T0 + 2 * DAY + HOUR, page('/')],
    ]),
    batch('r3', 's3', [
      [T0 + DAY + 5 * HOUR, track('signup')],
      [T0 + DAY + 6 * HOUR, page('/')],
      [T0 + 2 * DAY, page('/x')],
    ]),
    batch('r4', 's4', [[now - 1_000, page('/')]]),
  ];
}

/** Messages: promo variant a 2 of 4 converted, its holdout 1 of 4; survey (no holdout) 1 of 2. */
export function messagesFixture(): AnalyticsMessage[] {
  const exposed = (n: number, message: string, variant: string, converted: boolean): AnalyticsMessage =>
    batch(
      `m-${message}-${variant}-${n}-${converted}`,
      's',
      [[T0 + n * MIN, page('/')]],
      [{ message, variant, at: T0 + n * MIN, convertedAt: converted ? T0 + HOUR : null }],
    );
  return [
    ...[true, true, false, false].map((c, i) => exposed(i, 'promo', 'a', c)),
    ...[true, false, false, false].map((c, i) => exposed(i, 'promo', 'holdout', c)),
    ...[true, false].map((c, i) => exposed(i, 'survey', 'default', c)),
  ];
}

/** Overview and stream: two live visitors, one idle 20 minutes, one two days ago. */
export function liveFixture(now: number): AnalyticsMessage[] {
  return [
    batch('live-x', 'sx', [
      [now - MIN, page('/a')],
      [now - MIN + 1, track('add_to_cart')],
    ]),
    batch('live-y', 'sy', [[now - 3 * MIN, page('/a')]]),
    batch('idle-z', 'sz', [[now - 20 * MIN, page('/b')]]),
    batch('old-w', 'sw', [[now - 2 * DAY, page('/a')]]),
  ];
}

/** Bandit: offer a/b per segment (hikers prefer a, everyone else b) and a holdout. */
export function banditFixture(): AnalyticsMessage[] {
  const exposed = (i: number, variant: string, converted: boolean, segments: string[]): AnalyticsMessage =>
    batch(`b-${variant}-${i}`, 's', [[T0 + i, page('/')]], [{ message: 'offer', variant, at: T0 + i, convertedAt: converted ? T0 + HOUR : null }], segments);
  return [
    ...Array.from({ length: 10 }, (_, i) => exposed(i, 'a', i < 8, ['hikers'])),
    ...Array.from({ length: 10 }, (_, i) => exposed(100 + i, 'b', i < 1, ['hikers'])),
    ...Array.from({ length: 10 }, (_, i) => exposed(200 + i, 'a', i < 1, [])),
    ...Array.from({ length: 10 }, (_, i) => exposed(300 + i, 'b', i < 8, [])),
    ...Array.from({ length: 5 }, (_, i) => exposed(400 + i, 'holdout', false, [])),
  ];
}
