// The Segment drop-in at the edge: the HTTP Tracking API (POST /_wm/v1/*) with the Segment docs'
// own example payloads (edge/src/segment/spec-examples.ts), its auth, limits and 400 reasons, and
// the browser's Segment calls (group, alias, context) through POST /_wm/e.
import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { CollectResponse, ProfileExport } from '../../protocol/wire';
import { goldenRecordName } from '../src/identity/stitch';
import type { SegmentApiResponse } from '../src/segment/routes';
import { COMMON_FIELDS_EXAMPLE, HTTP_API_EXAMPLES } from '../src/segment/spec-examples';
import { WRITE_KEY_VERSION_PREFIX, writeKeyFor } from '../src/segment/write-key';
import { BASE, adminCall, adminLogin, makeEvent, me, post, visitorCookie } from './helpers';
import type { SegmentKeyResponse } from '../../protocol/segment';

const writeKey = (version = 0, site = 'demo') => writeKeyFor(env.WM_SECRET!, site, version);
const basic = (key: string) => `Basic ${btoa(`${key}:`)}`;

async function call(path: string, body: unknown, init: { key?: string | null; headers?: Record<string, string> } = {}): Promise<Response> {
  const key = init.key === undefined ? await writeKey() : init.key;
  return SELF.fetch(`${BASE}/_wm/v1/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: basic(key) } : {}), ...init.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The golden record of a user, exported as a browser linked to it would see it. */
async function goldenExport(userId: string): Promise<ProfileExport> {
  const json = await env.VISITORS.get(env.VISITORS.idFromName(goldenRecordName('demo', userId))).exportProfile('demo', 'server-check');
  if (!json) throw new Error(`no golden record for ${userId}`);
  return JSON.parse(json) as ProfileExport;
}

let n = 0;
const uniqueUser = () => `seg-${Date.now().toString(36)}-${++n}`;

describe('Segment HTTP Tracking API: the documented example calls', () => {
  it('accepts each example call (writeKey in the body replaced by Basic auth) and stores it in the user’s golden record', async () => {
    const { writeKey: _placeholder, ...identify } = HTTP_API_EXAMPLES.identify;
    for (const [path, body] of Object.entries({
      identify,
      track: HTTP_API_EXAMPLES.track,
      page: HTTP_API_EXAMPLES.page,
      group: HTTP_API_EXAMPLES.group,
    })) {
      // Basic auth wins over the body's placeholder "YOUR_WRITE_KEY".
      const res = await call(path, body);
      expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
      expect(await res.json()).toEqual({ success: true });
    }
    const profile = await goldenExport('019mr8mf4r');
    expect(profile.userId).toBe('019mr8mf4r');
    expect(profile.traits).toMatchObject({ email: 'pgibbons@example.com', name: 'Peter Gibbons', industry: 'Technology', groupId: '8e9df332ac' });
    expect(profile.traits['group']).toEqual({ id: '8e9df332ac', name: 'Initech', industry: 'Technology', employees: 420 });
    const kinds = profile.events.map((e) => (e.type === 'track' ? e.name : e.type));
    expect(kinds).toEqual(expect.arrayContaining(['identify', 'Item Purchased', 'page', 'group']));
    const purchase = profile.events.find((e) => e.type === 'track' && e.name === 'Item Purchased');
    expect(purchase?.ts).toBe(Date.parse('2012-12-02T00:30:12.984Z'));
    expect(purchase?.type === 'track' && purchase.props).toEqual({ name: 'Leap to Conclusions Mat', revenue: 14.99 });

    // Sent again (a library's retry): acknowledged, stored once.
    expect((await call('track', HTTP_API_EXAMPLES.track)).status).toBe(200);
    const again = await goldenExport('019mr8mf4r');
    expect(again.events.filter((e) => e.type === 'track' && e.name === 'Item Purchased')).toHaveLength(1);
  });

  it('accepts the batch example and its alias example; alias merges the previous id’s history into the user', async () => {
    const res = await call('batch', HTTP_API_EXAMPLES.batch, { key: null, headers: { authorization: basic(await writeKey()) } });
    expect(res.status, await res.clone().text()).toBe(200);
    const cindy = await goldenExport('971mj8mk7p');
    expect(cindy.traits).toMatchObject({ email: 'cindy@example.com', name: 'Cindy Gonzalez', age: 23 });
    expect(cindy.events.some((e) => e.type === 'track' && e.name === 'Song Played')).toBe(true);

    // Before the alias, the previous (anonymous) id has its own history.
    expect((await call('track', { anonymousId: '39239-239239-239239-23923', event: 'Viewed Pricing' })).status).toBe(200);
    expect((await call('alias', HTTP_API_EXAMPLES.alias)).status).toBe(200);
    const peter = await goldenExport('019mr8mf4r');
    expect(peter.events.some((e) => e.type === 'track' && e.name === 'Viewed Pricing')).toBe(true);
    expect(peter.events.some((e) => e.type === 'alias' && e.previousId === '39239-239239-239239-23923')).toBe(true);
  });

  it('stores the common-fields example (full context) with its campaign as UTM and its page url', async () => {
    const res = await call('page', COMMON_FIELDS_EXAMPLE);
    expect(res.status, await res.clone().text()).toBe(200);
    const profile = await goldenExport('97980cfea0067');
    const page = profile.events.find((e) => e.id === '022bb90c-bbac-11e4-8dfc-aa07a5b093db');
    expect(page).toMatchObject({
      type: 'page',
      url: 'https://segment.com/academy/',
      title: 'Analytics Academy',
      utm: { campaign: 'TPS Innovation Newsletter', source: 'Newsletter' },
    });
    expect(page?.context?.locale).toBe('en-US');
  });
});

describe('Segment HTTP Tracking API: one profile with the browser', () => {
  it('a server call with the browser’s visitor token as anonymousId lands in that browser’s profile', async () => {
    const first = await post([makeEvent({ type: 'page', name: undefined, props: undefined })]);
    const token = (await first.json<CollectResponse>()).vid!;
    const cookie = visitorCookie(first)!;
    const res = await call('track', { anonymousId: token, event: 'Order Shipped', properties: { order: 'o-1' } });
    expect(res.status, await res.clone().text()).toBe(200);
    const profile = await (await me({ cookie })).json<ProfileExport>();
    expect(profile.events.find((e) => e.type === 'track' && e.name === 'Order Shipped')).toMatchObject({ props: { order: 'o-1' } });
  });

  it('the same foreign anonymousId always meets in one derived profile, and a userId later joins it to the user', async () => {
    const user = uniqueUser();
    const anon = `anon-${user}`;
    expect((await call('track', { anonymousId: anon, event: 'Step One' })).status).toBe(200);
    expect((await call('track', { anonymousId: anon, event: 'Step Two' })).status).toBe(200);
    expect((await call('identify', { anonymousId: anon, userId: user, traits: { plan: 'pro' } })).status).toBe(200);
    const profile = await goldenExport(user);
    expect(profile.events.filter((e) => e.type === 'track').map((e) => e.type === 'track' && e.name)).toEqual(['Step One', 'Step Two']);
    expect(profile.traits).toMatchObject({ plan: 'pro' });
  });
});

describe('Segment HTTP Tracking API: refusals', () => {
  it('401 without a key, with a wrong key, and with a rotated key; the body’s writeKey is accepted', async () => {
    expect((await call('track', { userId: 'u', event: 'x' }, { key: null })).status).toBe(401);
    expect((await call('track', { userId: 'u', event: 'x' }, { key: 'YOUR_WRITE_KEY' })).status).toBe(401);
    expect(
      (await call('track', { userId: 'u', event: 'x' }, { key: await writeKeyFor('another-secret-another-secret-another-secret', 'demo', 0) })).status,
    ).toBe(401);
    const body = await (await call('track', { userId: 'u', event: 'x' }, { key: null })).json<SegmentApiResponse>();
    expect(body).toMatchObject({ success: false, error: expect.stringMatching(/missing write key/) });
    expect((await call('track', { userId: 'u', event: 'x', writeKey: await writeKey() }, { key: null })).status).toBe(200);

    const old = await writeKey(0);
    await env.CONFIG.put(`${WRITE_KEY_VERSION_PREFIX}demo`, '1');
    try {
      expect((await call('track', { userId: 'u', event: 'x' }, { key: old })).status).toBe(401);
      expect((await call('track', { userId: 'u', event: 'x' }, { key: await writeKey(1) })).status).toBe(200);
    } finally {
      await env.CONFIG.delete(`${WRITE_KEY_VERSION_PREFIX}demo`);
    }
  });

  it('Settings shows the key and rotates it (admin API, session + CSRF): the old key then gets 401', async () => {
    const s = await adminLogin('192.0.2.151');
    const shown = await adminCall(s, 'GET', '/sites/demo/segment-key');
    expect(shown.status).toBe(200);
    const before = await shown.json<SegmentKeyResponse>();
    expect(before).toEqual({ site: 'demo', writeKey: await writeKey(before.version), version: before.version, pathPrefix: '/_wm/v1' });
    expect((await SELF.fetch(`${BASE}/_wm/admin/api/sites/demo/segment-key`)).status).toBe(401);
    const noCsrf = await SELF.fetch(`${BASE}/_wm/admin/api/sites/demo/segment-key/rotate`, { method: 'POST', headers: { origin: BASE, cookie: s.cookie } });
    expect(noCsrf.status).toBe(403);
    try {
      const rotated = await adminCall(s, 'POST', '/sites/demo/segment-key/rotate', {});
      expect(rotated.status).toBe(200);
      const after = await rotated.json<SegmentKeyResponse>();
      expect(after.version).toBe(before.version + 1);
      expect((await call('track', { userId: 'u', event: 'x' }, { key: before.writeKey })).status).toBe(401);
      expect((await call('track', { userId: 'u', event: 'x' }, { key: after.writeKey })).status).toBe(200);
      expect((await adminCall(s, 'GET', '/sites/no-such-site/segment-key')).status).toBe(404);
    } finally {
      await env.CONFIG.delete(`${WRITE_KEY_VERSION_PREFIX}demo`);
    }
  });

  it('400 with Segment-style reasons; a bad message in a batch costs only itself', async () => {
    const reasons: [string, unknown, RegExp][] = [
      ['track', { event: 'No one' }, /userId or anonymousId is required/],
      ['track', { userId: 'u' }, /event: required for track/],
      ['group', { userId: 'u' }, /groupId: required for group/],
      ['alias', { userId: 'u' }, /previousId: required for alias/],
      ['batch', { batch: 'x' }, /batch: must be an array/],
      ['batch', { batch: [] }, /batch: no messages/],
      ['track', '{not json', /body is not valid JSON/],
      ['track', [1], /body must be a JSON object/],
    ];
    for (const [path, body, reason] of reasons) {
      const res = await call(path, body);
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect((await res.json<SegmentApiResponse>()).error).toMatch(reason);
    }
    const user = uniqueUser();
    const res = await call('batch', {
      batch: [
        { type: 'track', userId: user, event: 'Kept' },
        { type: 'track', userId: user },
        { type: 'screenshot', userId: user },
      ],
    });
    expect(res.status).toBe(200);
    const body = await res.json<SegmentApiResponse>();
    expect(body.success).toBe(true);
    expect(body.rejected?.map((r) => r.index)).toEqual([1, 2]);
    expect((await goldenExport(user)).events.some((e) => e.type === 'track' && e.name === 'Kept')).toBe(true);
  });

  it('413 above 32 KB per call and 500 KB per batch', async () => {
    const big = 'x'.repeat(33 * 1024);
    expect((await call('track', { userId: 'u', event: 'x', properties: { big } })).status).toBe(413);
    const batch = Array.from({ length: 16 }, () => ({ type: 'track', userId: 'u', event: 'x', properties: { big: 'y'.repeat(32 * 1024 - 100) } }));
    expect((await call('batch', { batch })).status).toBe(413);
  });

  it('a message whose consent object refuses analytics is not stored', async () => {
    const user = uniqueUser();
    await call('identify', { userId: user, traits: { a: 1 } });
    const res = await call('track', { userId: user, event: 'Refused', context: { consent: { categoryPreferences: { Analytics: false } } } });
    expect(await res.json()).toEqual({ success: true, notStored: [0] });
    expect((await goldenExport(user)).events.some((e) => e.type === 'track' && e.name === 'Refused')).toBe(false);
  });
});

describe('Segment HTTP Tracking API: consent before any link', () => {
  const site = 'seg-optin';
  const goldenOf = (user: string) => env.VISITORS.get(env.VISITORS.idFromName(goldenRecordName(site, user)));

  it('on an opt-in site a call with a userId and no consent links nothing: the user gets no golden record', async () => {
    await env.CONFIG.put(`site:${site}`, JSON.stringify({ id: site, name: 'Opt-in server', version: 1, origins: [BASE], consentPolicy: 'opt-in' }));
    const key = await writeKey(0, site);
    const user = uniqueUser();
    const res = await call('track', { userId: user, event: 'Without consent' }, { key });
    expect(await res.json()).toEqual({ success: true, notStored: [0] });
    // The record would hold the link (its user id and the derived profile) had one been written.
    const record = JSON.parse((await goldenOf(user).exportProfile(site, 'server-check'))!) as ProfileExport;
    expect(record.events).toEqual([]);
    expect(record.userId).toBeNull();
    expect(record.linkedVisitors ?? []).toEqual([]);

    // With the user's agreement in the message, the same call links and stores.
    const agreed = await call('track', { userId: user, event: 'With consent', context: { consent: { categoryPreferences: { Analytics: true } } } }, { key });
    expect(await agreed.json()).toEqual({ success: true });
    const linked = JSON.parse((await goldenOf(user).exportProfile(site, 'server-check'))!) as ProfileExport;
    expect(linked.userId).toBe(user);
    expect(linked.events.map((e) => e.type === 'track' && e.name)).toContain('With consent');
  });
});

describe('Segment calls from the browser (POST /_wm/e)', () => {
  const event = (fields: Record<string, unknown>) => makeEvent({ name: undefined, props: undefined, ...fields });

  it('group sets the profile’s group traits; context.campaign becomes the UTM; old batches stay valid', async () => {
    const res = await post([
      event({ type: 'group', groupId: 'acme', traits: { plan: 'enterprise' } }),
      event({
        type: 'page',
        context: { campaign: { source: 'news', name: 'spring' }, locale: 'de-DE', library: { name: 'analytics.js', version: 'waymark' } },
      }),
      makeEvent(),
    ]);
    expect(res.status, await res.clone().text()).toBe(200);
    const profile = await (await me({ cookie: visitorCookie(res)! })).json<ProfileExport>();
    expect(profile.traits).toMatchObject({ groupId: 'acme', group: { id: 'acme', plan: 'enterprise' } });
    expect(profile.events.find((e) => e.type === 'page')).toMatchObject({ utm: { source: 'news', campaign: 'spring' }, context: { locale: 'de-DE' } });
  });

  it('the edge derives the UTM the snippet no longer sends: the landing URL’s, then the session’s on later pages', async () => {
    const landing = event({ type: 'page', sid: 'session-utm-1', url: `${BASE}/?utm_source=news&utm_campaign=spring&x=1` });
    const first = await post([landing]);
    const cookie = visitorCookie(first)!;
    const later = event({ type: 'page', sid: 'session-utm-1', url: `${BASE}/product/trail-runner` });
    const otherSession = event({ type: 'page', sid: 'session-utm-2', url: `${BASE}/product/trail-runner` });
    expect((await post([later, otherSession], { cookie })).status).toBe(200);
    const profile = await (await me({ cookie })).json<ProfileExport>();
    const byId = (id: unknown) => profile.events.find((e) => e.id === id);
    expect(byId(landing['id'])?.utm).toEqual({ source: 'news', campaign: 'spring' });
    expect(byId(later['id'])?.utm).toEqual({ source: 'news', campaign: 'spring' });
    expect(byId(otherSession['id'])?.utm).toBeUndefined();
  });

  it('a browser cannot alias itself into someone else’s profile: previousId merges nothing', async () => {
    const victim = uniqueUser();
    const a = await post([event({ type: 'identify', userId: victim, traits: { secret: 'victim-only' } })]);
    expect(a.status).toBe(200);
    const attacker = uniqueUser();
    const b = await post([event({ type: 'alias', userId: attacker, previousId: victim })]);
    expect(b.status).toBe(200);
    const bProfile = await (await me({ cookie: visitorCookie(b)! })).json<ProfileExport>();
    expect(bProfile.userId).toBe(attacker);
    expect(bProfile.traits['secret']).toBeUndefined();
    const victimProfile = await goldenExport(victim);
    expect(victimProfile.traits['secret']).toBe('victim-only');
    expect(victimProfile.events.some((e) => e.type === 'alias')).toBe(false);
    expect(victimProfile.linkedVisitors).toHaveLength(1);
  });
});
