import { env } from 'cloudflare:workers';
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../protocol/limits';
import type { CollectResponse, ErrorResponse, ProfileExport } from '../../protocol/wire';
import { BASE, ORIGIN, makeEvent, me, post, visitorCookie } from './helpers';

describe('POST /_wm/e', () => {
  it('stores a batch, sets the first-party cookie and returns the signed visitor token', async () => {
    const events = [makeEvent({ type: 'page', name: undefined, props: undefined, ref: '', title: 'Home' }), makeEvent()];
    const res = await post(events);
    expect(res.status).toBe(200);
    const body = await res.json<CollectResponse>();
    expect(body.accepted).toEqual(events.map((e) => e.id));
    expect(body).toMatchObject({ duplicates: [], rejected: [] });
    // add_to_cart put the visitor into the demo's cart-abandoners segment at once.
    expect(body.decisions.filter((d) => d.kind === 'slot').map((d) => d.id)).toEqual(['category-promo']);
    expect(body.vid).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toContain(`wm_vid=${body.vid}`);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('counts a retried event once and keeps one profile per visitor across cookie and payload token', async () => {
    const first = makeEvent();
    const res1 = await post([first]);
    const cookie = visitorCookie(res1);
    const { vid } = await res1.json<CollectResponse>();
    const second = makeEvent();
    // The retry arrives through the payload token (no cookie), with one new event beside it.
    const res2 = await post([first, second], { vid });
    const body2 = await res2.json<CollectResponse>();
    expect(body2.accepted).toEqual([second.id]);
    expect(body2.duplicates).toEqual([first.id]);
    expect(body2.vid).toBe(vid);
    const profile = await (await me({ cookie })).json<ProfileExport>();
    expect(profile.eventCount).toBe(2);
    expect(profile.events.map((e) => e.id).sort()).toEqual([first.id, second.id].sort());
  });

  it('keeps good events beside bad ones and says why each bad one was refused', async () => {
    const good = makeEvent();
    const res = await post([good, makeEvent({ url: 'javascript:alert(1)' }), { nonsense: true }]);
    expect(res.status).toBe(200);
    const body = await res.json<CollectResponse>();
    expect(body.accepted).toEqual([good.id]);
    expect(body.rejected.map((r) => r.index)).toEqual([1, 2]);
    for (const r of body.rejected) expect(r.reason.length).toBeGreaterThan(5);
  });

  it.each([
    ['malformed JSON', '{"site":"demo","events":[', 'text/plain', 400, /not valid JSON/],
    ['no events', JSON.stringify({ site: 'demo', events: [] }), 'text/plain', 400, /events: no events/],
    ['all events bad', JSON.stringify({ site: 'demo', events: [{ id: 'x' }] }), 'text/plain', 400, /every event/],
    ['bad site id', JSON.stringify({ site: '../etc', events: [{}] }), 'application/json', 400, /site/],
    ['unknown site', JSON.stringify({ site: 'nosuchsite', events: [makeEvent()] }), 'text/plain', 404, /unknown site/],
    ['wrong content type', JSON.stringify({ site: 'demo', events: [makeEvent()] }), 'application/x-www-form-urlencoded', 415, /content-type/],
    ['oversized body', JSON.stringify({ site: 'demo', events: [makeEvent({ props: { x: 'y'.repeat(MAX_BODY_BYTES) } })] }), 'text/plain', 413, /larger than/],
    ['empty body', '', 'text/plain', 400, /empty/],
  ])('refuses %s with $3 and a reason', async (_name, body, type, status, reason) => {
    const res = await SELF.fetch(`${BASE}/_wm/e`, { method: 'POST', headers: { 'content-type': type, origin: ORIGIN }, body });
    expect(res.status).toBe(status);
    const error = await res.json<ErrorResponse>();
    expect(error.error).toMatch(reason);
  });

  it('refuses invalid UTF-8 with 400', async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('{"site":"demo","events":["'), 0xff, 0xfe, ...new TextEncoder().encode('"]}')]);
    const res = await SELF.fetch(`${BASE}/_wm/e`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: bytes });
    expect(res.status).toBe(400);
    expect((await res.json<ErrorResponse>()).error).toMatch(/UTF-8/);
  });

  it('refuses a browser on an origin the site did not allow', async () => {
    const res = await post([makeEvent()], { headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect((await res.json<ErrorResponse>()).error).toMatch(/not allowed/);
  });

  it('stores nothing under Global Privacy Control unless the visitor explicitly agreed', async () => {
    const res = await post([makeEvent()], { headers: { 'sec-gpc': '1' } });
    expect(res.status).toBe(200);
    const body = await res.json<CollectResponse>();
    expect(body).toMatchObject({ accepted: [], notStored: 'consent' });
    expect(body.vid).toBeUndefined();
    expect(res.headers.get('set-cookie')).toBeNull();

    const agreed = await post([makeEvent()], { headers: { 'sec-gpc': '1' }, consent: { analytics: true, personalization: false } });
    expect((await agreed.json<CollectResponse>()).accepted).toHaveLength(1);
  });

  it('on an opt-in site stores nothing until a consent event grants analytics, and forgets on denial', async () => {
    await env.CONFIG.put('site:optin', JSON.stringify({ id: 'optin', name: 'Opt-in shop', version: 1, origins: [ORIGIN], consentPolicy: 'opt-in' }));
    const pending = await post([makeEvent()], { site: 'optin' });
    expect(await pending.json<CollectResponse>()).toMatchObject({ accepted: [], notStored: 'consent' });

    const grant = makeEvent({ type: 'consent', name: undefined, props: undefined, consent: { analytics: true, personalization: true } });
    const granted = await post([grant, makeEvent()], { site: 'optin' });
    const grantedBody = await granted.json<CollectResponse>();
    expect(grantedBody.accepted).toHaveLength(2);
    const cookie = visitorCookie(granted);
    const profile = await (await me({ cookie, site: 'optin' })).json<ProfileExport>();
    expect(profile.consent).toMatchObject({ analytics: true, personalization: true });

    const deny = makeEvent({ type: 'consent', name: undefined, props: undefined, consent: { analytics: false, personalization: false } });
    const denied = await post([deny, makeEvent()], { site: 'optin', cookie });
    expect(await denied.json<CollectResponse>()).toMatchObject({ accepted: [], notStored: 'consent' });
    expect(denied.headers.get('set-cookie')).toMatch(/wm_vid=;/);
    expect(denied.headers.get('set-cookie')).toMatch(/wm_optout=1;.*HttpOnly/i);
    // Agreeing again lifts the marker.
    const again = await post([grant], { site: 'optin', cookie: 'wm_optout=1' });
    expect(again.headers.get('set-cookie')).toMatch(/wm_optout=;.*Max-Age=0/i);
  });

  it('a batch without a choice from a browser that refused (wm_optout) stores nothing, even on an opt-out site', async () => {
    const res = await post([makeEvent()], { cookie: 'wm_optout=1' });
    const body = await res.json<CollectResponse>();
    expect(body).toMatchObject({ accepted: [], notStored: 'consent' });
    expect(body.vid).toBeUndefined();
    expect(res.headers.get('set-cookie') ?? '').not.toMatch(/wm_vid=[^;]/);
    // An explicit yes in the batch wins over the marker, and lifts it.
    const grant = makeEvent({ type: 'consent', name: undefined, props: undefined, consent: { analytics: true, personalization: true } });
    const agreed = await post([grant, makeEvent()], { cookie: 'wm_optout=1' });
    expect((await agreed.json<CollectResponse>()).accepted).toHaveLength(2);
    expect(agreed.headers.get('set-cookie')).toMatch(/wm_optout=;.*Max-Age=0/i);
  });

  it('gives a forged or foreign token a fresh profile instead of the victim’s', async () => {
    const victim = await post([makeEvent()]);
    const { vid } = await victim.json<CollectResponse>();
    const [id] = (vid ?? '').split('.');
    const forged = `${id}.${'A'.repeat(22)}`;
    const res = await post([makeEvent()], { vid: forged, cookie: `wm_vid=${forged}` });
    const body = await res.json<CollectResponse>();
    expect(body.accepted).toHaveLength(1);
    expect(body.vid?.split('.')[0]).not.toBe(id);
  });

  it('answers CORS preflights and unknown routes with JSON', async () => {
    const pre = await SELF.fetch(`${BASE}/_wm/e`, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    const missing = await SELF.fetch(`${BASE}/_wm/nope`);
    expect(missing.status).toBe(404);
    expect((await missing.json<ErrorResponse>()).error).toMatch(/no route/);
  });
});

describe('visitor cookie on https', () => {
  it('is Secure when the page is served over https', async () => {
    const res = await SELF.fetch('https://shop.example/_wm/e', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ site: 'demo', events: [makeEvent()] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
  });
});
