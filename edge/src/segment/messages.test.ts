import { describe, expect, it } from 'vitest';
import { eventIdFor, mapMessage, messageTime, segmentConsent, serverSessionId, type MapResult } from './messages';
import { COMMON_FIELDS_EXAMPLE, HTTP_API_EXAMPLES } from './spec-examples';

const receivedAt = Date.parse('2026-12-07T03:00:00.000Z');
const opts = { receivedAt, fallbackUrl: 'https://shop.example/' };
const ok = (r: MapResult) => {
  if (!r.ok) throw new Error(r.reason);
  return r.message;
};

describe('Segment HTTP API messages as Waymark events', () => {
  it("maps each of the HTTP API documentation's example calls", async () => {
    const identify = ok(await mapMessage(HTTP_API_EXAMPLES.identify, { ...opts, type: 'identify' }));
    expect(identify.userId).toBe('019mr8mf4r');
    expect(identify.event).toMatchObject({
      type: 'identify',
      userId: '019mr8mf4r',
      traits: { email: 'pgibbons@example.com', name: 'Peter Gibbons', industry: 'Technology' },
    });
    expect(identify.event.ts).toBe(Date.parse('2012-12-02T00:30:08.276Z'));
    expect(identify.event.url).toBe('https://shop.example/');
    expect(identify.event.sid).toBe('server-2026-12-07');

    const track = ok(await mapMessage(HTTP_API_EXAMPLES.track, { ...opts, type: 'track' }));
    expect(track.event).toMatchObject({ type: 'track', name: 'Item Purchased', props: { name: 'Leap to Conclusions Mat', revenue: 14.99 } });

    const page = ok(await mapMessage(HTTP_API_EXAMPLES.page, { ...opts, type: 'page' }));
    expect(page.event).toMatchObject({ type: 'page', props: { name: 'Tracking HTTP API' } });

    const group = ok(await mapMessage(HTTP_API_EXAMPLES.group, { ...opts, type: 'group' }));
    expect(group.event).toMatchObject({ type: 'group', groupId: '8e9df332ac', traits: { name: 'Initech', industry: 'Technology', employees: 420 } });

    const alias = ok(await mapMessage(HTTP_API_EXAMPLES.alias, { ...opts, type: 'alias' }));
    expect(alias).toMatchObject({
      userId: '019mr8mf4r',
      previousId: '39239-239239-239239-23923',
      event: { type: 'alias', userId: '019mr8mf4r', previousId: '39239-239239-239239-23923' },
    });
  });

  it("maps the batch example, its shared context merged under each message's", async () => {
    const { batch, context } = HTTP_API_EXAMPLES.batch;
    const mapped = await Promise.all(batch.map((m) => mapMessage(m, { ...opts, batchContext: context })));
    expect(mapped.map((r) => ok(r).event.type)).toEqual(['identify', 'track', 'identify', 'track']);
    // "2015-2-02T00:30:08.276Z" is not ISO-8601: the receive time instead.
    expect(ok(mapped[2]!).event.ts).toBe(receivedAt);
    expect(ok(mapped[1]!).event.ts).toBe(Date.parse('2012-12-02T00:30:12.984Z'));
  });

  it('reads the common fields and the context object of the spec example', async () => {
    // The example names no `event`, so it is sent as a page call (POST /v1/page sets the type).
    expect(await mapMessage(COMMON_FIELDS_EXAMPLE, opts)).toEqual({ ok: false, reason: 'event: required for track' });
    const m = ok(await mapMessage(COMMON_FIELDS_EXAMPLE, { ...opts, type: 'page' }));
    expect(m.event.title).toBe('Analytics Academy');
    expect(m).toMatchObject({ userId: '97980cfea0067', anonymousId: '507f191e810c19729de860ea' });
    expect(m.event.id).toBe('022bb90c-bbac-11e4-8dfc-aa07a5b093db');
    expect(m.event.ts).toBe(Date.parse('2015-12-10T04:08:31.905Z'));
    expect(m.event.url).toBe('https://segment.com/academy/');
    expect(m.event.utm).toEqual({ campaign: 'TPS Innovation Newsletter', source: 'Newsletter', medium: 'email', term: 'tps reports', content: 'image link' });
    expect(m.event.context?.locale).toBe('en-US');
    expect(m.event.context?.library).toEqual({ name: 'analytics.js', version: '2.11.1' });
    expect(m.event.context && 'device' in m.event.context).toBe(false);
  });

  it('gives Segment-style reasons for malformed messages', async () => {
    const reason = async (raw: unknown, type?: 'track' | 'group' | 'alias') => {
      const r = await mapMessage(raw, { ...opts, ...(type ? { type } : {}) });
      return r.ok ? 'accepted' : r.reason;
    };
    expect(await reason({ event: 'x' }, 'track')).toBe('userId or anonymousId is required');
    expect(await reason({ userId: 'u1' }, 'track')).toBe('event: required for track');
    expect(await reason({ userId: 'u1' }, 'group')).toBe('groupId: required for group');
    expect(await reason({ userId: 'u1' }, 'alias')).toBe('previousId: required for alias');
    expect(await reason({ type: 'screenshot', userId: 'u1' })).toMatch(/^type: type must be one of track, page/);
    expect(await reason({ userId: 'u1', event: 'x', properties: 'nope' }, 'track')).toMatch(/^properties: /);
    expect(await reason([1, 2])).toBe('a message must be a JSON object');
    expect(await reason({ userId: 'u1', event: 'x', properties: { big: 'x'.repeat(33_000) } }, 'track')).toMatch(/more than 32768 \(32 KB\)/);
    expect(await reason({ userId: 'u1', event: '' }, 'track')).toBe('name: empty');
  });

  it('turns a messageId that is not a Waymark id into a stable hash, and clamps future times', async () => {
    expect(await eventIdFor('short', {})).toMatch(/^sg-[A-Za-z0-9_-]{32}$/);
    expect(await eventIdFor('short', { a: 1 })).toBe(await eventIdFor('short', { b: 2 }));
    expect(await eventIdFor(undefined, { a: 1 })).not.toBe(await eventIdFor(undefined, { a: 2 }));
    expect(messageTime('2999-01-01T00:00:00Z', receivedAt)).toBe(receivedAt);
    expect(messageTime(undefined, receivedAt)).toBe(receivedAt);
    expect(serverSessionId(receivedAt)).toBe('server-2026-12-07');
  });

  it("reads Segment's consent object (categoryPreferences) when it names analytics", () => {
    expect(segmentConsent({ consent: { categoryPreferences: { Analytics: true, Advertising: false } } })).toEqual({ analytics: true, personalization: true });
    expect(segmentConsent({ consent: { categoryPreferences: { analytics: true, Personalization: false } } })).toEqual({
      analytics: true,
      personalization: false,
    });
    expect(segmentConsent({ consent: { categoryPreferences: { Analytics: false } } })).toEqual({ analytics: false, personalization: false });
    expect(segmentConsent({ consent: { categoryPreferences: { Advertising: true } } })).toBeUndefined();
    expect(segmentConsent({})).toBeUndefined();
  });
});
