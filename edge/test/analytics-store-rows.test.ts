/**
 * The analytics store's rows for a visitor (analytics/events-store.ts), pinned column by column:
 * duplicates once, times clamped to the receive time, the latest URL (last of equal times), the
 * landing page (first of equal times), identify and prefs, an erase inside a batch. A rewrite of
 * the store's writes (fewer statements) must give exactly these rows.
 */
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { WireEvent } from '../../protocol/wire';
import type { EventsMessage, QueuedMessage } from '../src/analytics/feed';

const T = Date.UTC(2026, 10, 2, 12);
const site = 'rows-site';
const at = (path: string) => `https://shop.example${path}`;

function message(visitorId: string, events: WireEvent[], receivedAt = T + 60_000): EventsMessage {
  return { kind: 'events', site, visitorId, receivedAt, events, snapshot: null };
}

const page = (id: string, ts: number, path: string, extra: Partial<Extract<WireEvent, { type: 'page' }>> = {}): WireEvent => ({
  id,
  ts,
  sid: 's1',
  url: at(path),
  type: 'page',
  ...extra,
});
const track = (id: string, ts: number, path: string, name = 'add_to_cart'): WireEvent => ({
  id,
  ts,
  sid: 's1',
  url: at(path),
  type: 'track',
  name,
  props: { sku: 'a' },
});

async function rows(name: string, batches: QueuedMessage[][]) {
  const stub = env.ANALYTICS.get(env.ANALYTICS.idFromName(name));
  const summaries = [];
  for (const batch of batches) summaries.push(await stub.ingest(batch, 0));
  const tables = await runInDurableObject(stub, (_, state) => ({
    visitors: state.storage.sql.exec('SELECT * FROM visitors ORDER BY id').toArray(),
    events: state.storage.sql.exec('SELECT id, visitor, type, name, path, ts, received_at, session, props FROM events ORDER BY seq').toArray(),
  }));
  return { summaries, ...tables };
}

describe('analytics store rows', () => {
  it('stores each event once and keeps the visitor row: counters, latest URL, landing page, identify, prefs', async () => {
    const first = message('v1', [
      track('e1', T + 3_000, '/a'),
      page('e2', T + 1_000, '/landing', { ref: 'https://news.example/x', utm: { source: 'mail', campaign: 'nov' } }),
      page('e3', T + 1_000, '/second-landing'),
      track('e4', T + 3_000, '/b'),
      track('e1', T + 5_000, '/ignored-duplicate-id'),
      // From the future: clamped to the receive time, so it is the latest.
      track('e5', T + 10 * 60_000, '/future'),
    ]);
    const later = message('v1', [
      // A redelivery of e2 (stored already), an earlier page (the new landing), identify and prefs.
      page('e2', T + 1_000, '/landing'),
      page('e6', T + 500, '/earliest', { ref: 'https://www.search.example/' }),
      { id: 'e7', ts: T + 2_000, sid: 's1', url: at('/account'), type: 'identify', userId: 'u-1', traits: { plan: 'pro' } },
      { id: 'e8', ts: T + 2_500, sid: 's1', url: at('/account'), type: 'prefs', prefs: { topic: 'running' } },
    ]);
    const { summaries, visitors, events } = await rows('rows-1', [[first], [later, message('v2', [track('x1', T, '/c')])]]);

    expect(summaries.map((s) => [s.stored, s.duplicates])).toEqual([
      [5, 1],
      [4, 1],
    ]);
    expect(events.map((e) => [e.id, e.visitor, e.path, e.ts])).toEqual([
      ['e1', 'v1', '/a', T + 3_000],
      ['e2', 'v1', '/landing', T + 1_000],
      ['e3', 'v1', '/second-landing', T + 1_000],
      ['e4', 'v1', '/b', T + 3_000],
      ['e5', 'v1', '/future', T + 60_000],
      ['e6', 'v1', '/earliest', T + 500],
      ['e7', 'v1', '/account', T + 2_000],
      ['e8', 'v1', '/account', T + 2_500],
      ['x1', 'v2', '/c', T],
    ]);
    expect(events[0]).toMatchObject({ type: 'track', name: 'add_to_cart', received_at: T + 60_000, session: 's1', props: '{"sku":"a"}' });
    expect(events[1]).toMatchObject({ type: 'page', name: 'page', props: null });

    expect(visitors[0]).toMatchObject({
      id: 'v1',
      events: 8,
      first_seen: T + 500,
      last_seen: T + 60_000,
      last_url: at('/future'),
      last_url_ts: T + 60_000,
      source: 'search.example',
      medium: 'referral',
      campaign: null,
      landing_ts: T + 500,
      landing_ref: 'https://www.search.example/',
      landing_utm: null,
      user_id: 'u-1',
      traits: '{"plan":"pro"}',
      prefs: '{"topic":"running"}',
    });
    expect(visitors[1]).toMatchObject({ id: 'v2', events: 1, first_seen: T, last_seen: T, last_url: at('/c'), last_url_ts: T, source: null });
  });

  it('takes the last URL and the first landing page among equal times, and an erase in the batch drops what follows', async () => {
    const tied = message('v1', [
      page('p1', T + 1_000, '/first', { utm: { source: 'ads', medium: 'cpc' } }),
      page('p2', T + 1_000, '/second', { utm: { source: 'other' } }),
      track('t1', T + 2_000, '/x'),
      track('t2', T + 2_000, '/y'),
    ]);
    const erase: QueuedMessage = { kind: 'erase', site, visitorId: 'v3', at: T };
    const { summaries, visitors } = await rows('rows-2', [[tied, message('v3', [track('z1', T, '/z')]), erase, message('v3', [track('z2', T, '/z')])]]);
    expect(summaries[0]).toMatchObject({ stored: 5, erased: 1, dropped: 1 });
    expect(visitors).toHaveLength(1);
    expect(visitors[0]).toMatchObject({
      id: 'v1',
      events: 4,
      last_url: at('/y'),
      landing_ts: T + 1_000,
      source: 'ads',
      medium: 'cpc',
      landing_utm: '{"source":"ads","medium":"cpc"}',
    });
  });

  it('creates the visitor of a message whose events were all stored before, and leaves its counters', async () => {
    const once = message('v1', [track('a1', T + 1_000, '/a')]);
    const { summaries, visitors } = await rows('rows-3', [[once], [once]]);
    expect(summaries.map((s) => [s.stored, s.duplicates])).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(visitors[0]).toMatchObject({ events: 1, first_seen: T + 1_000, last_seen: T + 1_000, last_url: at('/a') });
  });
});
