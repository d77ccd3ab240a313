import { describe, expect, it } from 'vitest';
import { MAX_BATCH_EVENTS, MAX_EVENT_BYTES } from '../../../protocol/limits';
import { parseBatch } from './batch';

const event = (i: number, extra: Record<string, unknown> = {}) => ({
  id: `event-${String(i).padStart(4, '0')}`,
  type: 'track',
  name: 'add_to_cart',
  ts: 1_700_000_000_000 + i,
  sid: 'session-0001',
  url: 'https://shop.example/product/shoe',
  props: { sku: 'shoe-1', price: 120 },
  ...extra,
});
const body = (events: unknown[], extra: Record<string, unknown> = {}) => JSON.stringify({ site: 'shop', events, ...extra });

describe('parseBatch', () => {
  it('keeps good events and rejects bad ones with reasons and positions', () => {
    const result = parseBatch(body([event(1), event(2, { url: 'javascript:alert(1)' }), event(3, { type: 'nope' }), event(4, { name: '' }), event(5)]));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.batch.events.map((e) => e.id)).toEqual(['event-0001', 'event-0005']);
    expect(result.batch.rejected.map((r) => [r.index, r.id])).toEqual([
      [1, 'event-0002'],
      [2, 'event-0003'],
      [3, 'event-0004'],
    ]);
    expect(result.batch.rejected[0]?.reason).toContain('url');
    expect(result.batch.rejected[2]?.reason).toContain('name');
  });

  it('refuses the whole body when it is not JSON, not a batch, or has no good event', () => {
    const notJson = parseBatch('{"site":');
    expect(notJson).toMatchObject({ ok: false, error: expect.stringContaining('not valid JSON') });
    const noSite = parseBatch(JSON.stringify({ events: [event(1)] }));
    expect(noSite).toMatchObject({ ok: false, issues: [{ path: 'site' }] });
    const tooMany = parseBatch(body(Array.from({ length: MAX_BATCH_EVENTS + 1 }, (_, i) => event(i))));
    expect(tooMany).toMatchObject({ ok: false, issues: [{ path: 'events' }] });
    const allBad = parseBatch(body([{ id: 1 }, 'x', null]));
    expect(allBad).toMatchObject({ ok: false, error: 'every event in the batch was rejected' });
    if (!allBad.ok) expect(allBad.rejected).toHaveLength(3);
    expect(parseBatch('[]')).toMatchObject({ ok: false });
    expect(parseBatch('null')).toMatchObject({ ok: false });
  });

  it('rejects an oversized event, too deep props, non-finite and unknown fields', () => {
    const deep = { a: { b: { c: { d: 1 } } } };
    const result = parseBatch(
      body([
        event(1),
        event(2, { props: { blob: 'x'.repeat(MAX_EVENT_BYTES) } }),
        event(3, { props: deep }),
        event(4, { injected: true }),
        event(5, { ts: -1 }),
      ]),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.batch.events).toHaveLength(1);
    expect(result.batch.rejected[0]?.reason).toMatch(/bytes, more than/);
    expect(result.batch.rejected.map((r) => r.index)).toEqual([1, 2, 3, 4]);
  });

  it('cuts over-long free text instead of refusing the event, and normalizes the referrer', () => {
    const result = parseBatch(
      body([
        event(1, { props: { description: 'd'.repeat(5_000), nested: { list: ['l'.repeat(2_000)] } } }),
        {
          ...event(2),
          type: 'page',
          name: undefined,
          props: undefined,
          title: 't'.repeat(3_000),
          ref: 'android-app://com.example',
          utm: { source: 's'.repeat(500) },
        },
        { ...event(3), type: 'page', name: undefined, props: undefined, ref: `https://www.google.com/${'q'.repeat(3_000)}` },
        { ...event(4), type: 'prefs', name: undefined, props: undefined, prefs: { bio: 'b'.repeat(2_000), tags: ['t'.repeat(2_000)] } },
      ]),
    );
    expect(result).toMatchObject({ ok: true, batch: { rejected: [] } });
    if (!result.ok) return;
    const [track, page, page2, prefs] = result.batch.events;
    expect(track?.type === 'track' && track.props).toEqual({ description: 'd'.repeat(1_024), nested: { list: ['l'.repeat(1_024)] } });
    expect(page).toMatchObject({ title: 't'.repeat(1_024), ref: '', utm: { source: 's'.repeat(200) } });
    expect(page2?.ref).toHaveLength(2_048);
    expect(prefs?.type === 'prefs' && prefs.prefs).toEqual({ bio: 'b'.repeat(1_024), tags: ['t'.repeat(1_024)] });
  });

  it('stays strict on names, ids and shapes', () => {
    const result = parseBatch(body([event(1), event(2, { name: 'n'.repeat(101) }), event(3, { props: { ['k'.repeat(101)]: 1 } }), event(4, { id: 'short' })]));
    expect(result.ok && result.batch.rejected.map((r) => r.index)).toEqual([1, 2, 3]);
  });

  it('accepts every event type with its own fields', () => {
    const base = { ts: 1, sid: 'session-0001', url: 'http://127.0.0.1:8787/' };
    const result = parseBatch(
      body([
        { ...base, id: 'page-0001', type: 'page', ref: '', title: 'Home', utm: { source: 'news' } },
        { ...base, id: 'iden-0001', type: 'identify', userId: 'u-1', traits: { plan: 'pro' } },
        { ...base, id: 'pref-0001', type: 'prefs', prefs: { sport: 'trail', sizes: ['m', 'l'] } },
        { ...base, id: 'cons-0001', type: 'consent', consent: { analytics: true, personalization: false } },
      ]),
    );
    expect(result).toMatchObject({ ok: true, batch: { rejected: [] } });
  });

  it('reads the outbox drop count and the reset marker id from the envelope', () => {
    const result = parseBatch(body([event(1)], { dropped: 12, reset: 'reset-0001' }));
    expect(result).toMatchObject({ ok: true, batch: { dropped: 12, reset: 'reset-0001' } });
    expect(parseBatch(body([event(1)]))).toMatchObject({ ok: true, batch: { dropped: undefined, reset: undefined } });
  });

  it('refuses a drop count that is negative, fractional, a string or absurd, and a malformed reset id, with the field named', () => {
    for (const [extra, path] of [
      [{ dropped: -1 }, 'dropped'],
      [{ dropped: 1.5 }, 'dropped'],
      [{ dropped: '3' }, 'dropped'],
      [{ dropped: 1e9 }, 'dropped'],
      [{ reset: 'short' }, 'reset'],
      [{ reset: '../../x' }, 'reset'],
      [{ reset: 7 }, 'reset'],
    ] as const) {
      const result = parseBatch(body([event(1)], extra));
      expect(result.ok, JSON.stringify(extra)).toBe(false);
      expect(!result.ok && result.issues?.map((i) => i.path)).toEqual([path]);
    }
  });
});
