import { describe, expect, it } from 'vitest';
import { MAX_BATCH_EVENTS, MAX_BODY_BYTES } from '../../protocol/limits';
import type { WireEvent } from '../../protocol/wire';
import { backoff, batch, permanent, type Entry, type Envelope } from './batch';

const env: Envelope = { site: 'demo', vid: 'v'.repeat(200), consent: { analytics: true, personalization: false } };
const ev = (i: number, pad = 0): WireEvent => ({
  id: `id${String(i).padStart(6, '0')}`,
  ts: 1_700_000_000_000 + i,
  sid: 'session01',
  url: 'https://shop.example/',
  type: 'track',
  name: 'x',
  props: { pad: 'é'.repeat(pad) },
});

/** Every batch the events make, as the flush loop takes them. */
function all(events: WireEvent[]) {
  const out = [];
  for (let rest = events, p; (p = batch(rest, env)); rest = rest.slice(p[0].length)) out.push(p);
  return out;
}

describe('batch', () => {
  it('is undefined when there is nothing to send', () => expect(batch([], env)).toBeUndefined());

  it('caps the event count and keeps order', () => {
    const events = Array.from({ length: 120 }, (_, i) => ev(i));
    const parts = all(events);
    expect(parts.map((p) => p[0].length)).toEqual([MAX_BATCH_EVENTS, MAX_BATCH_EVENTS, 20]);
    expect(parts.flatMap((p) => p[0])).toEqual(events.map((e) => e.id));
    for (const [ids, body] of parts) expect(JSON.parse(body).events.map((e: WireEvent) => e.id)).toEqual(ids);
  });

  it('keeps every body under MAX_BODY_BYTES in UTF-8, envelope included', () => {
    // 'é' is 2 bytes: ~6 KB per event, so a batch holds ~5 of them.
    const parts = all(Array.from({ length: 30 }, (_, i) => ev(i, 3000)));
    expect(parts.length).toBeGreaterThan(5);
    for (const [ids, body] of parts) {
      expect(new TextEncoder().encode(body).length).toBeLessThanOrEqual(MAX_BODY_BYTES);
      expect(ids.length).toBeGreaterThan(0);
      expect(JSON.parse(body)).toMatchObject({ site: 'demo', vid: env.vid, consent: env.consent });
    }
  });

  it('sends an event too large for any batch alone (the edge refuses it: 413, dropped)', () => {
    const parts = all([ev(0), ev(1, 20_000), ev(2)]);
    expect(parts.map((p) => p[0])).toEqual([['id000000'], ['id000001'], ['id000002']]);
  });
});

describe("batch around wm('reset') markers", () => {
  const reset = (i: number): Entry => ({ id: `id${String(i).padStart(6, '0')}`, ts: 1, sid: 'session02', url: 'https://shop.example/', type: 'reset' });
  /** Every batch, as the flush loop takes them: [ids, envelope's reset, event ids]. */
  const split = (entries: Entry[]) => {
    const out: [string[], string | undefined, string[]][] = [];
    for (let rest = entries, p; (p = batch(rest, env)); rest = rest.slice(p[0].length)) {
      const body = JSON.parse(p[1]) as { reset?: string; events: WireEvent[] };
      out.push([p[0], body.reset, body.events.map((e) => e.id)]);
    }
    return out;
  };

  it('never puts events from before and after a reset in one batch; the marker names the later one and is acknowledged with it', () => {
    expect(split([ev(1), ev(2), reset(3), ev(4), ev(5)])).toEqual([
      [['id000001', 'id000002'], undefined, ['id000001', 'id000002']],
      [['id000003', 'id000004', 'id000005'], 'id000003', ['id000004', 'id000005']],
    ]);
  });

  it('two resets in a row: the later one names the batch, both are acknowledged with it', () => {
    expect(split([ev(1), reset(2), reset(3), ev(4)])).toEqual([
      [['id000001'], undefined, ['id000001']],
      [['id000002', 'id000003', 'id000004'], 'id000003', ['id000004']],
    ]);
  });

  it('a reset with nothing after it waits for the next event (a batch needs one)', () => {
    expect(batch([reset(1)], env)).toBeUndefined();
    expect(split([ev(1), reset(2)])).toEqual([[['id000001'], undefined, ['id000001']]]);
  });

  it('carries the dropped count in the envelope, and never a reset marker among the events', () => {
    const [, body] = batch([reset(1), ev(2)], { ...env, dropped: 7 })!;
    expect(JSON.parse(body)).toMatchObject({ dropped: 7, reset: 'id000001', events: [{ id: 'id000002', type: 'track' }] });
  });
});

describe('permanent', () => {
  it('is true for 4xx except 408 and 429', () => {
    for (const s of [400, 401, 403, 404, 413, 415, 422, 499]) expect(permanent(s)).toBe(true);
    for (const s of [0, 200, 204, 302, 408, 429, 500, 502, 503]) expect(permanent(s)).toBe(false);
  });
});

describe('backoff', () => {
  it('is full jitter: 0 up to 1 s * 2^n, capped at 60 s', () => {
    expect(backoff(0, 0)).toBe(0);
    expect(backoff(0, 0.999)).toBeCloseTo(999);
    expect(backoff(3, 0.5)).toBe(4000);
    expect(backoff(20, 1)).toBe(60_000);
    for (let n = 0; n < 30; n++) {
      const d = backoff(n);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(Math.min(60_000, 1000 * 2 ** n));
    }
  });
});
