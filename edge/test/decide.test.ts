import { SELF, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { CollectResponse, Decision, ErrorResponse, MessageDecision, ProfileExport, SlotDecision } from '../../protocol/wire';

/** The slot decisions of a response (messages are checked elsewhere). */
const slots = (decisions: Decision[]) => decisions.filter((d): d is SlotDecision => d.kind === 'slot');
import { BASE, ORIGIN, makeEvent, me, post, visitorCookie } from './helpers';

const prefs = (sport: string) => makeEvent({ type: 'prefs', name: undefined, props: undefined, prefs: { sport } });
const page = (path = '/') => makeEvent({ type: 'page', name: undefined, props: undefined, url: `${ORIGIN}${path}`, ref: '' });

function decideFor(init: { cookie?: string; token?: string; url?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.cookie) headers.cookie = init.cookie;
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const url = encodeURIComponent(init.url ?? `${ORIGIN}/category/running`);
  return SELF.fetch(`${BASE}/_wm/decide?site=demo&url=${url}`, { headers });
}

describe('decisions on the collect response', () => {
  it('a stated preference changes the hero on the very next response, and says why', async () => {
    const first = await post([page()]);
    const cookie = visitorCookie(first);
    expect((await first.json<CollectResponse>()).decisions).toEqual([]);

    const res = await post([prefs('trail')], { cookie });
    const decisions = slots((await res.json<CollectResponse>()).decisions);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ kind: 'slot', id: 'hero', segment: 'trail-runners' });
    expect(decisions[0]?.html).toContain('Dirt, roots and rock');
    expect(decisions[0]?.why).toMatch(/Trail runners.*pref sport in \["trail","ultra"\] \(is "trail"\)/);

    // Read-your-writes through the profile: the segment entry is recorded.
    const profile = await (await me({ cookie })).json<ProfileExport>();
    expect(profile.segments.map((s) => s.id)).toEqual(['trail-runners']);

    // Changing the answer moves the visitor between segments.
    const road = await (await post([prefs('road')], { cookie })).json<CollectResponse>();
    expect(slots(road.decisions).map((d) => d.segment)).toEqual(['road-runners']);
    expect((await (await me({ cookie })).json<ProfileExport>()).segments.map((s) => s.id)).toEqual(['road-runners']);
  });

  it('cart abandonment shows the category promo until checkout starts', async () => {
    const res = await post([page('/product/ridgeline-trail-runner'), makeEvent({ name: 'add_to_cart' })]);
    const cookie = visitorCookie(res);
    expect(slots((await res.json<CollectResponse>()).decisions).map((d) => d.id)).toEqual(['category-promo']);
    const after = await (await post([makeEvent({ name: 'checkout_start' })], { cookie })).json<CollectResponse>();
    expect(slots(after.decisions)).toEqual([]);
  });

  it('no personalization when the visitor declined it (analytics still stored)', async () => {
    const consent = makeEvent({ type: 'consent', name: undefined, props: undefined, consent: { analytics: true, personalization: false } });
    const res = await post([consent, prefs('trail')]);
    const body = await res.json<CollectResponse>();
    expect(body.accepted).toHaveLength(2);
    expect(body.decisions).toEqual([]);
    // The stored choice keeps holding on later batches that do not repeat it.
    const later = await (await post([prefs('hiking')], { cookie: visitorCookie(res) })).json<CollectResponse>();
    expect(later.decisions).toEqual([]);
  });
});

describe('GET /_wm/decide', () => {
  it('returns the visitor’s decisions for a page, by cookie or bearer token', async () => {
    const res = await post([prefs('hiking')]);
    const cookie = visitorCookie(res);
    const { vid } = await res.json<CollectResponse>();
    for (const auth of [{ cookie }, { token: vid }]) {
      const decided = await decideFor(auth);
      expect(decided.status).toBe(200);
      expect(decided.headers.get('cache-control')).toBe('private, no-store');
      const { decisions } = await decided.json<{ decisions: Decision[] }>();
      expect(slots(decisions).map((d) => [d.id, d.segment])).toEqual([['hero', 'hikers']]);
    }
  });

  it('a browser without a profile, or with a forged token, gets no decisions', async () => {
    expect(await (await decideFor()).json()).toEqual({ decisions: [] });
    expect(await (await decideFor({ token: `${'A'.repeat(22)}.${'B'.repeat(22)}` })).json()).toEqual({ decisions: [] });
  });

  it('GPC without an explicit choice turns personalization off', async () => {
    const res = await post([prefs('trail')]);
    const decided = await decideFor({ cookie: visitorCookie(res), headers: { 'sec-gpc': '1' } });
    expect(await decided.json()).toEqual({ decisions: [] });
  });

  it('refuses a missing or non-http url with a reason', async () => {
    for (const url of ['', 'javascript:alert(1)', 'not a url']) {
      const res = await SELF.fetch(`${BASE}/_wm/decide?site=demo&url=${encodeURIComponent(url)}`);
      expect(res.status).toBe(400);
      expect((await res.json<ErrorResponse>()).error).toMatch(/url/);
    }
  });
});

describe('in-app messages on the collect response', () => {
  const messages = (decisions: Decision[]) => decisions.filter((d): d is MessageDecision => d.kind === 'message');

  it('a visitor who left a full cart gets the cart reminder on return, once per cap, with a stable variant', async () => {
    // Carted 40 minutes ago, then nothing: idle past the 30 minutes of the "cart-left" segment.
    const carted = Date.now() - 40 * 60_000;
    const res = await post([page('/product/ridgeline-trail-runner'), makeEvent({ name: 'add_to_cart', ts: carted })]);
    const cookie = visitorCookie(res);
    // On a product page the reminder is not shown (home page only); the exit survey is.
    expect(messages((await res.json<CollectResponse>()).decisions).map((m) => m.id)).toEqual(['training-survey']);

    const home = await (await post([page('/')], { cookie })).json<CollectResponse>();
    const [reminder] = messages(home.decisions);
    expect(reminder).toMatchObject({ kind: 'message', id: 'cart-reminder', type: 'toast', trigger: { on: 'load' }, cta: { href: '/cart' } });
    expect(['saved', 'nudge']).toContain(reminder?.variant);
    expect(reminder?.why).toMatch(/Left the cart behind/);

    // The same visitor keeps the same variant; after two impressions the daily cap holds.
    const impression = () => makeEvent({ name: 'message_impression', props: { message: 'cart-reminder', variant: reminder?.variant ?? '' } });
    const again = await (await post([page('/')], { cookie })).json<CollectResponse>();
    expect(messages(again.decisions)[0]?.variant).toBe(reminder?.variant);
    await post([impression(), impression()], { cookie });
    const capped = await (await post([page('/')], { cookie })).json<CollectResponse>();
    expect(messages(capped.decisions)).toEqual([]);

    // The goal (checkout_start within 24 h of the exposure) converts it, once.
    await post([makeEvent({ name: 'checkout_start' }), makeEvent({ name: 'checkout_start' })], { cookie });
    const profile = await (await me({ cookie })).json<ProfileExport>();
    const exposure = profile.messages.find((m) => m.id === 'cart-reminder');
    expect(exposure).toMatchObject({ variant: reminder?.variant });
    expect(exposure?.convertedAt).toBeGreaterThanOrEqual(exposure?.exposedAt ?? Infinity);
    const conversions = profile.events.filter((e) => e.type === 'track' && e.name === 'message_conversion');
    expect(conversions).toHaveLength(1);
    expect(conversions[0]).toMatchObject({ props: { message: 'cart-reminder', variant: reminder?.variant, goal: 'checkout_start' } });
  });

  it('the exit survey is asked on product pages until the visitor has answered', async () => {
    const res = await post([page('/product/tempo-road-racer')]);
    const [survey] = messages((await res.json<CollectResponse>()).decisions);
    expect(survey).toMatchObject({ id: 'training-survey', type: 'survey', trigger: { on: 'exit' }, survey: { pref: 'sport' } });
    const answered = await (await post([prefs('road'), page('/product/tempo-road-racer')], { cookie: visitorCookie(res) })).json<CollectResponse>();
    expect(messages(answered.decisions)).toEqual([]);
    // …and the answer changed the content.
    expect(slots(answered.decisions).map((d) => d.segment)).toEqual(['road-runners']);
  });

  it('records the first exposure per message for lift reports', async () => {
    const res = await post([page('/product/summit-30-daypack')]);
    const { vid } = await res.json<CollectResponse>();
    const stub = env.VISITORS.get(env.VISITORS.idFromName(`demo:${vid?.split('.')[0]}`));
    const exposures = await runInDurableObject(stub, (_i, state) =>
      state.storage.sql.exec<{ message: string; variant: string }>('SELECT message, variant FROM exposures').toArray(),
    );
    expect(exposures).toEqual([{ message: 'training-survey', variant: 'default' }]);
    // No goal on the survey: nothing converts it.
    await post([makeEvent({ name: 'checkout_start' })], { vid });
    const profile = await (await me({ token: vid })).json<ProfileExport>();
    expect(profile.messages).toEqual([{ id: 'training-survey', variant: 'default', exposedAt: expect.any(Number), convertedAt: null }]);
  });
});

describe('inactivity after an event (Durable Object alarm)', () => {
  it('a visitor still browsing gets no reminder; once idle past 30 minutes the alarm records the segment entry', async () => {
    const res = await post([page('/product/tempo-road-racer'), makeEvent({ name: 'add_to_cart' })]);
    const { vid, decisions } = await res.json<CollectResponse>();
    expect(decisions.some((d) => d.kind === 'message' && d.id === 'cart-reminder')).toBe(false);
    const stub = env.VISITORS.get(env.VISITORS.idFromName(`demo:${vid?.split('.')[0]}`));
    const alarmAt = await runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
    expect(alarmAt).toBeGreaterThan(Date.now() + 29 * 60_000);
    expect(alarmAt).toBeLessThan(Date.now() + 31 * 60_000);

    // Make it look as if 40 minutes had passed: move the stored events back in time.
    await runInDurableObject(stub, (_i, state) => {
      state.storage.sql.exec('UPDATE events SET ts = ts - 2400000, received_at = received_at - 2400000');
      state.storage.sql.exec('UPDATE inactivity_due SET at = at - 2400000');
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const log = await runInDurableObject(stub, (_i, state) =>
      state.storage.sql.exec<{ segment: string; change: string }>('SELECT segment, change FROM segment_log ORDER BY seq').toArray(),
    );
    expect(log).toContainEqual({ segment: 'cart-left', change: 'enter' });
    // Other segments are not touched by the alarm's partial evaluation.
    expect(log.filter((r) => r.change === 'exit')).toEqual([]);
  });

  it('checking out cancels it', async () => {
    const carted = Date.now() - 40 * 60_000;
    const res = await post([makeEvent({ name: 'add_to_cart', ts: carted }), makeEvent({ name: 'checkout_start', ts: carted + 60_000 })]);
    const home = await (await post([page('/')], { cookie: visitorCookie(res) })).json<CollectResponse>();
    expect(home.decisions.some((d) => d.kind === 'message' && d.id === 'cart-reminder')).toBe(false);
  });
});

describe('marketer content written around the admin path', () => {
  it('a config put straight into KV still cannot deliver script: read-time validation and render sanitize it', async () => {
    const hostile = '<img src=x onerror=alert(1)><script>alert(2)</script><a href="javascript:alert(3)">x</a><b onclick="alert(4)">bold</b>';
    await env.CONFIG.put(
      'site:rawkv',
      JSON.stringify({
        id: 'rawkv',
        name: 'Raw KV',
        version: 1,
        origins: [ORIGIN],
        consentPolicy: 'opt-out',
        segments: [{ id: 'everyone', name: 'Everyone', condition: { identified: false } }],
        slots: [{ id: 'hero', name: 'Hero', variants: [{ segment: 'everyone', priority: 1, content: { type: 'html', html: hostile } }] }],
      }),
    );
    const res = await post([page()], { site: 'rawkv' });
    const [slot] = slots((await res.json<CollectResponse>()).decisions);
    expect(slot?.html).toContain('<b>bold</b>');
    expect(slot?.html).not.toMatch(/<script|onerror|onclick|javascript:/i);
  });
});

describe('facts a decision reads only when a segment asks (profile/decisions.ts)', () => {
  it('"returning" is read at decision time: a second session moves the visitor into the segment on the next decide', async () => {
    await env.CONFIG.put(
      'site:lazyfacts',
      JSON.stringify({
        id: 'lazyfacts',
        name: 'Lazy facts',
        version: 1,
        origins: [ORIGIN],
        consentPolicy: 'opt-out',
        segments: [{ id: 'back', name: 'Back again', condition: { visitor: 'returning' } }],
        slots: [{ id: 'hero', name: 'Hero', variants: [{ segment: 'back', priority: 1, content: { type: 'text', text: 'Welcome back' } }] }],
      }),
    );
    const decide = async (cookie: string) => {
      const res = await SELF.fetch(`${BASE}/_wm/decide?site=lazyfacts&url=${encodeURIComponent(`${ORIGIN}/`)}`, { headers: { cookie } });
      expect(res.status).toBe(200);
      return slots((await res.json<{ decisions: Decision[] }>()).decisions);
    };
    const cookie = visitorCookie(await post([page()], { site: 'lazyfacts' }))!;
    expect(await decide(cookie)).toEqual([]);
    expect(
      (await post([makeEvent({ type: 'page', name: undefined, props: undefined, url: `${ORIGIN}/`, sid: 'session-test-2' })], { site: 'lazyfacts', cookie }))
        .status,
    ).toBe(200);
    const [hero] = await decide(cookie);
    expect(hero).toMatchObject({ id: 'hero', segment: 'back' });
    expect(hero?.html).toContain('Welcome back');
  });
});
