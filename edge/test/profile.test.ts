import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { CollectResponse, ErrorResponse, ProfileExport } from '../../protocol/wire';
import { ORIGIN, makeEvent, me, post, visitorCookie } from './helpers';

async function newVisitor(events = [makeEvent()]) {
  const res = await post(events);
  const body = await res.json<CollectResponse>();
  return { cookie: visitorCookie(res), token: body.vid ?? '', body };
}

describe('GET /_wm/me and DELETE /_wm/me', () => {
  it('exports the caller’s events, traits, prefs and consent', async () => {
    const events = [
      makeEvent({ type: 'page', name: undefined, props: undefined, ref: '', utm: { source: 'newsletter', campaign: 'spring' } }),
      makeEvent({ type: 'prefs', name: undefined, props: undefined, prefs: { sport: 'trail' } }),
      makeEvent({ type: 'identify', name: undefined, props: undefined, userId: 'user-42', traits: { plan: 'gold' } }),
      makeEvent({ type: 'consent', name: undefined, props: undefined, consent: { analytics: true, personalization: false } }),
    ];
    const { cookie, token } = await newVisitor(events);
    const res = await me({ cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const profile = await res.json<ProfileExport>();
    expect(profile).toMatchObject({
      site: 'demo',
      visitorId: token.split('.')[0],
      userId: 'user-42',
      traits: { plan: 'gold' },
      prefs: { sport: 'trail' },
      consent: { analytics: true, personalization: false },
      eventCount: 4,
    });
    expect(profile.events[0]).toMatchObject({ type: 'page', utm: { source: 'newsletter' } });
    expect(profile.events.every((e) => typeof e.receivedAt === 'number')).toBe(true);
    // The bearer token reads the same profile (pages where the cookie is not sent).
    expect((await (await me({ token })).json<ProfileExport>()).eventCount).toBe(4);
  });

  it('a newer preference wins even when an older one arrives later (retry order)', async () => {
    const now = Date.now();
    const newer = makeEvent({ type: 'prefs', name: undefined, props: undefined, ts: now + 10, prefs: { sport: 'road' } });
    const older = makeEvent({ type: 'prefs', name: undefined, props: undefined, ts: now, prefs: { sport: 'trail' } });
    const { cookie } = await newVisitor([newer]);
    await post([older], { cookie });
    expect((await (await me({ cookie })).json<ProfileExport>()).prefs).toEqual({ sport: 'road' });
  });

  it('refuses callers without a token, with a forged one, or with another site’s', async () => {
    const { token } = await newVisitor();
    const [id] = token.split('.');
    const cases = [{}, { token: `${id}.${'B'.repeat(22)}` }, { cookie: `wm_vid=${id}` }, { token: 'garbage' }];
    for (const init of cases) {
      const res = await me(init);
      expect(res.status).toBe(401);
      expect((await res.json<ErrorResponse>()).error).toMatch(/token/);
    }
    await env.CONFIG.put('site:other', JSON.stringify({ id: 'other', name: 'Other', version: 1, origins: [ORIGIN], consentPolicy: 'opt-out' }));
    expect((await me({ token, site: 'other' })).status).toBe(401);
    expect((await me({ token, origin: 'https://evil.example' })).status).toBe(403);
  });

  it('erases everything and clears the cookie; a later export is empty', async () => {
    const { cookie, token } = await newVisitor([makeEvent(), makeEvent({ type: 'prefs', name: undefined, props: undefined, prefs: { size: 'm' } })]);
    const erased = await me({ cookie, method: 'DELETE', origin: ORIGIN });
    expect(erased.status).toBe(200);
    expect(await erased.json()).toEqual({ erased: true });
    expect(erased.headers.get('set-cookie')).toMatch(/wm_vid=;.*Max-Age=0/i);
    const after = await me({ token });
    expect(after.status).toBe(401);
    expect((await after.json<ErrorResponse>()).error).toMatch(/erased/);
    // Nothing is left in the Durable Object's storage but the tombstone.
    const stub = env.VISITORS.get(env.VISITORS.idFromName(`demo:${token.split('.')[0]}`));
    const left = await runInDurableObject(stub, async (_instance, state) => ({
      keys: [...(await state.storage.list()).keys()],
      tables: state.storage.sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
        .toArray()
        .map((r) => r.name),
    }));
    expect(left).toEqual({ keys: ['erased_at'], tables: [] });
    // The browser still holds the old token (cookie gone, payload copy kept): it gets a new id.
    const again = await post([makeEvent()], { vid: token, cookie });
    const body = await again.json<CollectResponse>();
    expect(body.accepted).toHaveLength(1);
    expect(body.vid?.split('.')[0]).not.toBe(token.split('.')[0]);
    expect((await me({ token })).status).toBe(401);
  });
});
