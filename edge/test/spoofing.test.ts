/**
 * Spoofing (issue #6): made-up, altered, unsigned, other-site and other-visitor ids, and foreign
 * origins. Whatever a caller claims, it can neither read, erase, nor write into a profile whose
 * signed token it does not hold, and a victim's profile stays exactly as it was.
 * (collect.test.ts and profile.test.ts cover the basic forged-token cases; this file covers the
 * rest, endpoint by endpoint.)
 */
import { SELF, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { CollectResponse, ErrorResponse, ProfileExport } from '../../protocol/wire';
import { BASE, ORIGIN, makeEvent, me, post, visitorCookie } from './helpers';

async function newVisitor(events = [makeEvent()]) {
  const res = await post(events);
  expect(res.status).toBe(200);
  const body = await res.json<CollectResponse>();
  const token = body.vid ?? '';
  return { cookie: visitorCookie(res) ?? '', token, id: token.split('.')[0] ?? '', events };
}

async function exportOf(token: string, site = 'demo'): Promise<ProfileExport> {
  const res = await me({ token, site });
  expect(res.status).toBe(200);
  return res.json<ProfileExport>();
}

/** Every way a caller can present a token it was not given for this visitor on this site. */
async function spoofsOf(victim: { id: string; token: string }): Promise<[string, string][]> {
  await env.CONFIG.put('site:spoof-other', JSON.stringify({ id: 'spoof-other', name: 'Other', version: 1, origins: [ORIGIN], consentPolicy: 'opt-out' }));
  // The victim's id, signed for another site by the edge itself: valid there, worthless here.
  const otherSite = await post([makeEvent()], { site: 'spoof-other' });
  const otherToken = (await otherSite.json<CollectResponse>()).vid ?? '';
  const sig = victim.token.split('.')[1] ?? '';
  const flipped = sig.slice(0, -1) + (sig.endsWith('A') ? 'B' : 'A');
  return [
    ['the bare id, unsigned', victim.id],
    ['the id with an empty signature', `${victim.id}.`],
    ['the id with a made-up signature', `${victim.id}.${'A'.repeat(22)}`],
    ['one character of the signature changed', `${victim.id}.${flipped}`],
    ['the signature cut short', `${victim.id}.${sig.slice(0, 21)}`],
    ['the signature in other case', `${victim.id}.${sig.toUpperCase() === sig ? sig.toLowerCase() : sig.toUpperCase()}`],
    ['a trailing dot part', `${victim.token}.x`],
    ['another site’s token', otherToken],
    ['another site’s signature on the victim’s id', `${victim.id}.${otherToken.split('.')[1] ?? ''}`],
    ['an overlong token', `${victim.token}${'A'.repeat(100)}`],
  ];
}

describe('spoofed visitor ids', () => {
  it('POST /_wm/e: a spoofed token, in cookie or payload, starts a fresh profile and leaves the victim alone', async () => {
    const victim = await newVisitor();
    const before = await exportOf(victim.token);
    for (const [what, token] of await spoofsOf(victim)) {
      for (const where of ['payload', 'cookie'] as const) {
        const event = makeEvent();
        const res = await post([event], where === 'payload' ? { vid: token } : { cookie: `wm_vid=${encodeURIComponent(token)}` });
        expect(res.status, `${what} in ${where}`).toBe(200);
        const body = await res.json<CollectResponse>();
        expect(body.accepted, `${what} in ${where}`).toEqual([event.id]);
        expect(body.vid?.split('.')[0], `${what} in ${where} wrote into the victim's profile`).not.toBe(victim.id);
      }
    }
    const after = await exportOf(victim.token);
    expect(after.eventCount).toBe(before.eventCount);
    expect(after.events.map((e) => e.id)).toEqual(before.events.map((e) => e.id));
  });

  it('GET /_wm/decide and GET/DELETE /_wm/me refuse or ignore a spoofed token; the victim keeps everything', async () => {
    const victim = await newVisitor([makeEvent({ type: 'prefs', name: undefined, props: undefined, prefs: { sport: 'trail' } })]);
    const url = encodeURIComponent(`${ORIGIN}/`);
    // The victim's own token decides their hero: the comparison below is not vacuous.
    const own = await SELF.fetch(`${BASE}/_wm/decide?site=demo&url=${url}`, { headers: { authorization: `Bearer ${victim.token}` } });
    expect((await own.json<{ decisions: unknown[] }>()).decisions.length).toBeGreaterThan(0);
    for (const [what, token] of await spoofsOf(victim)) {
      const auth = { authorization: `Bearer ${token}` };
      const decided = await SELF.fetch(`${BASE}/_wm/decide?site=demo&url=${url}`, { headers: auth });
      expect(decided.status, `decide with ${what}`).toBe(200);
      expect(await decided.json(), `decide with ${what}`).toEqual({ decisions: [] });
      for (const method of ['GET', 'DELETE']) {
        const res = await SELF.fetch(`${BASE}/_wm/me?site=demo`, { method, headers: { ...auth, origin: ORIGIN } });
        expect(res.status, `${method} /_wm/me with ${what}`).toBe(401);
        expect((await res.json<ErrorResponse>()).error, `${method} /_wm/me with ${what}`).toMatch(/token/);
      }
    }
    const after = await exportOf(victim.token);
    expect(after.eventCount).toBe(1);
    expect(after.prefs).toEqual({ sport: 'trail' });
  });

  it('a valid cookie wins over another visitor’s token in the payload (no cross-writing)', async () => {
    const victim = await newVisitor();
    const attacker = await newVisitor();
    const event = makeEvent();
    const res = await post([event], { cookie: attacker.cookie, vid: victim.token });
    const body = await res.json<CollectResponse>();
    expect(body.vid).toBe(attacker.token);
    expect((await exportOf(victim.token)).eventCount).toBe(1);
    expect((await exportOf(attacker.token)).events.map((e) => e.id)).toContain(event.id);
  });

  it('another visitor’s event ids are theirs only: reusing them neither suppresses nor counts against the victim', async () => {
    const victim = await newVisitor([makeEvent(), makeEvent()]);
    const attacker = await newVisitor();
    // The attacker replays the victim's event ids (seen on a shared network, say) into its own profile.
    const replay = victim.events.map((e) => ({ ...e, id: e.id as string, props: { spoofed: true } }));
    const body = await (await post(replay, { cookie: attacker.cookie })).json<CollectResponse>();
    expect(body.accepted).toEqual(replay.map((e) => e.id as string));
    expect(body.duplicates).toEqual([]);
    const theirs = await exportOf(victim.token);
    expect(theirs.eventCount).toBe(2);
    expect(theirs.events.some((e) => JSON.stringify(e).includes('spoofed'))).toBe(false);
    // And the victim's own retry of those ids is still a duplicate in the victim's profile only.
    const retry = await (await post(victim.events, { cookie: victim.cookie })).json<CollectResponse>();
    expect(retry.duplicates.sort()).toEqual(victim.events.map((e) => e.id as string).sort());
  });
});

describe('wrong origins', () => {
  const foreign = ['https://evil.example', 'null', `${ORIGIN}.evil.example`, ORIGIN.replace('http:', 'https:'), `${ORIGIN}/`, 'http://localhost:1'];

  it('POST /_wm/e from a foreign origin is refused and stores nothing, even with the victim’s valid cookie', async () => {
    const victim = await newVisitor();
    for (const origin of foreign) {
      const res = await post([makeEvent()], { cookie: victim.cookie, headers: { origin } });
      expect(res.status, origin).toBe(403);
      expect(res.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(res.headers.get('set-cookie'), origin).toBeNull();
      expect((await res.json<ErrorResponse>()).error, origin).toMatch(/not allowed/);
    }
    expect((await exportOf(victim.token)).eventCount).toBe(1);
  });

  it('GET and DELETE /_wm/me from a foreign origin are refused, even with the victim’s valid cookie', async () => {
    const victim = await newVisitor();
    for (const origin of foreign) {
      for (const method of ['GET', 'DELETE']) {
        const res = await me({ cookie: victim.cookie, method, origin });
        expect(res.status, `${method} from ${origin}`).toBe(403);
        expect(res.headers.get('access-control-allow-origin')).toBeNull();
      }
    }
    expect((await exportOf(victim.token)).eventCount).toBe(1);
  });

  it('GET /_wm/decide from a foreign origin gets no decisions', async () => {
    const victim = await newVisitor([makeEvent({ type: 'prefs', name: undefined, props: undefined, prefs: { sport: 'trail' } })]);
    const res = await SELF.fetch(`${BASE}/_wm/decide?site=demo&url=${encodeURIComponent(`${ORIGIN}/`)}`, {
      headers: { cookie: victim.cookie, origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect((await res.json<ErrorResponse>()).error).toMatch(/not allowed/);
  });

  it('admin: a made-up or altered session cookie is not a session', async () => {
    const login = await SELF.fetch(`${BASE}/_wm/admin/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: BASE, 'cf-connecting-ip': '198.51.100.250' },
      body: JSON.stringify({ password: 'waymark-demo' }),
    });
    expect(login.status).toBe(200);
    const session = login.headers.get('set-cookie')?.match(/wm_admin=([^;]+)/)?.[1] ?? '';
    const { csrfToken } = await login.json<{ csrfToken: string }>();
    const altered = session.slice(0, -1) + (session.endsWith('A') ? 'B' : 'A');
    for (const cookie of ['wm_admin=', `wm_admin=${'A'.repeat(session.length)}`, `wm_admin=${altered}`, `wm_admin=${session}x`]) {
      const res = await SELF.fetch(`${BASE}/_wm/admin/api/sites`, { headers: { cookie, origin: BASE, 'x-wm-csrf': csrfToken } });
      expect(res.status, cookie).toBe(401);
    }
    // The real one works, so the refusals above are about the cookie.
    const ok = await SELF.fetch(`${BASE}/_wm/admin/api/sites`, { headers: { cookie: `wm_admin=${session}` } });
    expect(ok.status).toBe(200);
  });
});

describe('Durable Object eviction', () => {
  it('a visitor profile evicted from memory reloads from storage with every event, pref and dedupe record', async () => {
    const prefs = makeEvent({ type: 'prefs', name: undefined, props: undefined, prefs: { sport: 'trail' } });
    const victim = await newVisitor([makeEvent(), prefs]);
    const stub = env.VISITORS.get(env.VISITORS.idFromName(`demo:${victim.id}`));
    // Mark the live instance, so we can tell a reloaded one from it, then evict it: abort() resets
    // this one object (in memory) as the runtime does on eviction; storage stays. (Not
    // abortAllDurableObjects: that would hit other test files' objects in the same runtime.)
    const evicted = runInDurableObject(stub, (instance, state) => {
      (instance as unknown as { evictionMarker?: number }).evictionMarker = 1;
      state.abort('evicted by the test');
    });
    await expect(evicted).rejects.toThrow(/evicted by the test/);
    // A stub made before the abort is broken for good (as a Worker's would be): take a new one.
    const fresh = env.VISITORS.get(env.VISITORS.idFromName(`demo:${victim.id}`));
    const reloaded = await runInDurableObject(fresh, (instance) => (instance as unknown as { evictionMarker?: number }).evictionMarker);
    expect(reloaded, 'the instance was really evicted').toBeUndefined();
    const after = await exportOf(victim.token);
    expect(after.events.map((e) => e.id).sort()).toEqual(victim.events.map((e) => e.id as string).sort());
    expect(after.prefs).toEqual({ sport: 'trail' });
    // Retries after the reload are still recognized.
    const retry = await (await post(victim.events, { cookie: victim.cookie })).json<CollectResponse>();
    expect(retry.accepted).toEqual([]);
    expect(retry.duplicates.sort()).toEqual(victim.events.map((e) => e.id as string).sort());
  });
});
