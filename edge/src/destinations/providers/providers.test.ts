/**
 * Each provider's mapping against its documented request shape (documented-shapes.ts, written from
 * the API references) and the fields the mapping table in docs/destinations.md promises.
 */
import { describe, expect, it } from 'vitest';
import type { Destination } from '../../../../protocol/config/destinations';
import { destinationSchema } from '../../../../protocol/config/destinations';
import { verifyWebhook } from '../../net/standard-webhooks';
import type { ForwardEvent, ForwardableEvent } from './common';
import { insertIdOf, uuidFromId } from './common';
import { providerOf } from './index';
import { ga4EventName, ga4Name } from './ga4';
import { validateAmplitude, validateGa4, validateMixpanel, validatePostHog, validateSegment, type Received } from './documented-shapes';

const T = Date.UTC(2026, 11, 1, 12, 0, 0);
const VISITOR = 'v_0123456789abcdefghijk';
const base = {
  sid: 'sess-0001',
  ts: T,
  url: 'https://shop.example/cart?x=1',
  ref: 'https://google.com/',
  title: 'Your cart',
  utm: { source: 'news', medium: 'email', campaign: 'spring', term: 'shoes', content: 'a' },
};
const purchase: ForwardableEvent = {
  ...base,
  id: 'evt-purchase-0001',
  type: 'track',
  name: 'purchase',
  props: { value: 42.5, currency: 'EUR', coupon: 'X', items: [{ sku: 'a' }] },
};
const pageView: ForwardableEvent = { ...base, id: 'evt-page-0001', type: 'page', props: { section: 'cart' } };
const identify: ForwardableEvent = { ...base, id: 'evt-identify-0001', type: 'identify', userId: 'u-42', traits: { plan: 'gold', email: 'a@example.com' } };
const group: ForwardableEvent = { ...base, id: 'evt-group-0001', type: 'group', groupId: 'acme', traits: { size: 10 } };
const alias: ForwardableEvent = { ...base, id: 'evt-alias-0001', type: 'alias', userId: 'u-42', previousId: 'old-1' };
const prefs: ForwardableEvent = { ...base, id: 'evt-prefs-0001', type: 'prefs', prefs: { topics: ['running'] } };
const ALL = [purchase, pageView, identify, group, alias, prefs];
const fwd = (event: ForwardableEvent, userId: string | null = 'u-42'): ForwardEvent => ({ event, visitorId: VISITOR, userId, receivedAt: T + 500 });

const make = (d: Record<string, unknown>): Destination => destinationSchema.parse({ id: 'd', name: 'D', ...d });
const SECRETS = {
  apiSecret: 'secret-0123456789',
  projectApiKey: 'phc_key_0123456789',
  writeKey: 'wk_0123456789',
  apiKey: 'amp_0123456789',
  signingSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
};

async function requestFor(d: Destination, events: ForwardEvent[]) {
  const p = providerOf(d);
  const req = await p.request(
    events.map((e) => p.map(e, d)),
    d,
    SECRETS,
    T + 1000,
  );
  const received: Received = { url: req.url, headers: new Headers(req.headers), body: req.body };
  // \`any\`: each test reads the parsed JSON in the shape it expects (the validators already checked it).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { req, received, body: JSON.parse(req.body) as any };
}

describe('GA4 Measurement Protocol', () => {
  const d = make({ kind: 'ga4', settings: { measurementId: 'G-TEST1234' } });
  it('every event type maps to a valid /mp/collect payload', async () => {
    for (const e of ALL) {
      const { received } = await requestFor(d, [fwd(e)]);
      expect(validateGa4(received), e.type).toEqual([]);
    }
  });
  it('client_id, user_id, timestamp_micros, page and campaign params; secret in the query', async () => {
    const { req, body } = await requestFor(d, [fwd(purchase)]);
    expect(req.url).toBe('https://www.google-analytics.com/mp/collect?measurement_id=G-TEST1234&api_secret=secret-0123456789');
    expect(body).toMatchObject({ client_id: VISITOR, user_id: 'u-42', timestamp_micros: T * 1000 });
    expect((body as { events: unknown[] }).events[0]).toEqual({
      name: 'purchase',
      timestamp_micros: T * 1000,
      params: {
        page_location: base.url,
        page_referrer: base.ref,
        page_title: base.title,
        source: 'news',
        medium: 'email',
        campaign: 'spring',
        term: 'shoes',
        content: 'a',
        engagement_time_msec: 1,
        value: 42.5,
        currency: 'EUR',
        coupon: 'X',
      },
    });
  });
  it('names follow GA4 rules: page_view, login, join_group; reserved and invalid names rewritten', () => {
    expect(ga4EventName(fwd(pageView))).toBe('page_view');
    expect(ga4EventName(fwd(identify))).toBe('login');
    expect(ga4EventName(fwd(group))).toBe('join_group');
    expect(ga4Name('Add to cart!')).toBe('Add_to_cart');
    expect(ga4Name('session_start')).toBe('wm_session_start');
    expect(ga4Name('9lives')).toBe('e_9lives');
    expect(ga4Name('x'.repeat(60))).toHaveLength(40);
  });
  it('at most 25 params, values cut to 100 characters; identify traits become user_properties', async () => {
    const many = { ...purchase, props: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`p${i}`, 'v'.repeat(300)])) };
    const { received, body } = await requestFor(d, [fwd(many)]);
    expect(validateGa4(received)).toEqual([]);
    const params = (body as { events: { params: Record<string, string> }[] }).events[0]!.params;
    expect(Object.keys(params)).toHaveLength(25);
    expect(params.p0).toHaveLength(100);
    const id = await requestFor(d, [fwd(identify)]);
    expect(id.body).toMatchObject({ user_properties: { plan: { value: 'gold' }, email: { value: 'a@example.com' } } });
  });
  it('the EU region uses region1', async () => {
    const eu = make({ kind: 'ga4', settings: { measurementId: 'G-TEST1234', region: 'eu' } });
    expect((await requestFor(eu, [fwd(purchase)])).req.url).toMatch(/^https:\/\/region1\.google-analytics\.com\/mp\/collect\?/);
  });
  it('the validator refuses what GA4 would: bad names, too many events, missing client_id', () => {
    const bad = (body: unknown) =>
      validateGa4({ url: 'https://x/mp/collect?measurement_id=G-X1&api_secret=s', headers: new Headers(), body: JSON.stringify(body) });
    expect(bad({ events: [{ name: 'ok' }] }).map((m) => m.fieldPath)).toContain('client_id');
    expect(bad({ client_id: 'c', events: [{ name: 'has space' }] })[0]!.description).toMatch(/event names/);
    expect(bad({ client_id: 'c', events: [{ name: 'session_start' }] })[0]!.description).toBe('reserved event name');
    expect(bad({ client_id: 'c', events: Array.from({ length: 26 }, () => ({ name: 'a' })) })[0]!.description).toMatch(/at most 25/);
  });
});

describe('Mixpanel Import API', () => {
  const d = make({ kind: 'mixpanel' });
  it('every event type maps to a valid /import payload with Basic auth of the secret', async () => {
    for (const e of ALL) {
      const { received } = await requestFor(d, [fwd(e)]);
      expect(validateMixpanel(received, SECRETS.apiSecret), e.type).toEqual([]);
    }
  });
  it('distinct_id, $device_id, $user_id, time, $insert_id, page and utm properties', async () => {
    const { req, body } = await requestFor(d, [fwd(purchase), fwd(pageView, null)]);
    expect(req.url).toBe('https://api.mixpanel.com/import?strict=1');
    expect(body[0]).toMatchObject({
      event: 'purchase',
      properties: {
        distinct_id: 'u-42',
        $device_id: VISITOR,
        $user_id: 'u-42',
        time: T,
        $insert_id: 'evt-purchase-0001',
        $current_url: base.url,
        utm_source: 'news',
        value: 42.5,
      },
    });
    expect(body[1]).toMatchObject({ event: '$mp_web_page_view', properties: { distinct_id: `$device:${VISITOR}` } });
  });
  it('an id Mixpanel would refuse as $insert_id gets a stable derived one', () => {
    expect(insertIdOf('ok-id-1')).toBe('ok-id-1');
    const long = 'x_'.repeat(30);
    expect(insertIdOf(long)).toMatch(/^[0-9a-f-]{36}$/);
    expect(insertIdOf(long)).toBe(insertIdOf(long));
  });
});

describe('PostHog batch', () => {
  const d = make({ kind: 'posthog', settings: { region: 'eu' } });
  it('every event type maps to a valid /batch/ payload', async () => {
    for (const e of ALL) {
      const { received } = await requestFor(d, [fwd(e)]);
      expect(validatePostHog(received, SECRETS.projectApiKey), e.type).toEqual([]);
    }
  });
  it('$pageview, $identify with $anon_distinct_id, a UUID per event that stays the same', async () => {
    const { req, body } = await requestFor(d, [fwd(pageView, null), fwd(identify)]);
    expect(req.url).toBe('https://eu.i.posthog.com/batch/');
    const batch = (body as unknown as { batch: Record<string, unknown>[] }).batch;
    expect(batch[0]).toMatchObject({ event: '$pageview', distinct_id: VISITOR, timestamp: new Date(T).toISOString(), uuid: uuidFromId('evt-page-0001') });
    expect(batch[0]!.properties).toMatchObject({ $current_url: base.url, $pathname: '/cart', $referrer: base.ref, utm_campaign: 'spring', section: 'cart' });
    expect(batch[1]).toMatchObject({ event: '$identify', distinct_id: 'u-42', properties: { $anon_distinct_id: VISITOR, $set: { plan: 'gold' } } });
  });
  it('a self-hosted host is used as given', async () => {
    const self = make({ kind: 'posthog', settings: { region: 'self-hosted', host: 'https://ph.shop.example.com' } });
    expect((await requestFor(self, [fwd(pageView)])).req.url).toBe('https://ph.shop.example.com/batch/');
    expect(destinationSchema.safeParse({ id: 'x', name: 'x', kind: 'posthog', settings: { region: 'self-hosted', host: 'https://10.0.0.1' } }).success).toBe(
      false,
    );
  });
});

describe('Segment HTTP API', () => {
  const d = make({ kind: 'segment' });
  it('every event type maps to a valid /v1/batch call with Basic auth of the write key', async () => {
    for (const e of ALL) {
      const { received } = await requestFor(d, [fwd(e)]);
      expect(validateSegment(received, SECRETS.writeKey), e.type).toEqual([]);
    }
  });
  it('type, messageId, anonymousId, userId, timestamp, context.page and context.campaign', async () => {
    const { req, body } = await requestFor(d, [fwd(purchase), fwd(alias)]);
    expect(req.url).toBe('https://api.segment.io/v1/batch');
    const batch = (body as unknown as { batch: Record<string, unknown>[] }).batch;
    expect(batch[0]).toMatchObject({
      type: 'track',
      event: 'purchase',
      messageId: 'evt-purchase-0001',
      anonymousId: VISITOR,
      userId: 'u-42',
      timestamp: new Date(T).toISOString(),
      properties: { value: 42.5 },
      context: { page: { url: base.url, path: '/cart', referrer: base.ref, title: base.title }, campaign: { source: 'news', name: 'spring' } },
    });
    expect(batch[1]).toMatchObject({ type: 'alias', userId: 'u-42', previousId: 'old-1' });
  });
});

describe('Amplitude HTTP V2', () => {
  const d = make({ kind: 'amplitude', settings: { region: 'eu' } });
  it('every event type maps to a valid /2/httpapi payload', async () => {
    for (const e of ALL) {
      const { received } = await requestFor(d, [fwd(e)]);
      expect(validateAmplitude(received, SECRETS.apiKey), e.type).toEqual([]);
    }
  });
  it('event_type, user_id, device_id, time, insert_id, min_id_length so a short user id is kept', async () => {
    const { req, body } = await requestFor(d, [fwd(purchase, 'u1')]);
    expect(req.url).toBe('https://api.eu.amplitude.com/2/httpapi');
    expect(body).toMatchObject({ api_key: SECRETS.apiKey, options: { min_id_length: 1 } });
    expect((body as unknown as { events: unknown[] }).events[0]).toMatchObject({
      event_type: 'purchase',
      user_id: 'u1',
      device_id: VISITOR,
      time: T,
      insert_id: 'evt-purchase-0001',
      event_properties: { value: 42.5, utm_source: 'news', '[Amplitude] Page Path': '/cart' },
    });
    // Without the option Amplitude would drop the 2-character id.
    expect(
      validateAmplitude(
        { url: req.url, headers: new Headers(), body: JSON.stringify({ ...body, options: undefined, events: [{ event_type: 'x', user_id: 'u1' }] }) },
        SECRETS.apiKey,
      ),
    ).not.toEqual([]);
  });
});

describe('signed webhook', () => {
  const d = make({ kind: 'webhook', settings: { url: 'https://hooks.shop.example.com/waymark' } });
  it('is signed per Standard Webhooks with a webhook-id that is the same on a retry', async () => {
    const first = await requestFor(d, [fwd(purchase), fwd(pageView)]);
    const again = await requestFor(d, [fwd(purchase), fwd(pageView)]);
    expect(first.req.headers['webhook-id']).toBe(again.req.headers['webhook-id']);
    const verdict = await verifyWebhook([SECRETS.signingSecret], new Headers(first.req.headers), first.req.body, T + 1000);
    expect(verdict.ok).toBe(true);
    expect(first.body).toMatchObject({
      type: 'waymark.events',
      events: [{ id: 'evt-purchase-0001', name: 'purchase', userId: 'u-42', anonymousId: VISITOR, campaign: { source: 'news' } }, { type: 'page' }],
    });
  });
});
