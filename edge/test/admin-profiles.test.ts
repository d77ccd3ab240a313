import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { CollectResponse, ProfileExport } from '../../protocol/wire';
import { BASE, makeEvent, me, post } from './helpers';

const API = `${BASE}/_wm/admin/api`;
let clients = 0;

async function adminCookie(): Promise<string> {
  const res = await SELF.fetch(`${API}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: BASE, 'cf-connecting-ip': `203.0.113.${++clients}` },
    body: JSON.stringify({ password: 'waymark-demo' }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers.get('set-cookie')?.match(/wm_admin=([^;]+)/)?.[1];
  if (!cookie) throw new Error('no session cookie');
  return `wm_admin=${cookie}`;
}

const profile = (cookie: string | null, site: string, id: string) => SELF.fetch(`${API}/sites/${site}/profiles/${id}`, { headers: cookie ? { cookie } : {} });

/** A visitor of the demo site with a pref, a trait and a track event; returns their bare id. */
async function visitor(): Promise<{ id: string; token: string }> {
  const res = await post([
    makeEvent({ type: 'prefs', name: undefined, props: undefined, prefs: { sport: 'trail' } }),
    makeEvent({ type: 'identify', name: undefined, props: undefined, userId: 'user-admin-profile', traits: { plan: 'gold' } }),
    makeEvent({ name: 'add_to_cart', props: { sku: 'trail-runner' } }),
  ]);
  expect(res.status).toBe(200);
  const token = (await res.json<CollectResponse>()).vid;
  if (!token) throw new Error('no visitor token in the collect response');
  return { id: token.split('.')[0]!, token };
}

describe('GET /_wm/admin/api/sites/:site/profiles/:visitorId', () => {
  it('needs the admin session', async () => {
    const { id } = await visitor();
    const res = await profile(null, 'demo', id);
    expect(res.status).toBe(401);
    expect(JSON.stringify(await res.json())).not.toContain('trail');
  });

  it('returns the visitor’s unified profile: traits, prefs, segments, events', async () => {
    const { id } = await visitor();
    const res = await profile(await adminCookie(), 'demo', id);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json<{ profile: ProfileExport }>();
    expect(body.profile.visitorId).toBe(id);
    expect(body.profile.userId).toBe('user-admin-profile');
    expect(body.profile.prefs).toEqual({ sport: 'trail' });
    expect(body.profile.traits).toEqual({ plan: 'gold' });
    expect(body.profile.segments.map((s) => s.id)).toContain('trail-runners');
    expect(body.profile.events.map((e) => e.type)).toEqual(expect.arrayContaining(['prefs', 'identify', 'track']));
  });

  it('400 for something that is not a visitor id (a signed token included), 404 for an unknown or erased one', async () => {
    const cookie = await adminCookie();
    const { id, token } = await visitor();
    for (const bad of ['short', `${id}x`, encodeURIComponent(token), 'a'.repeat(21) + '!']) {
      const res = await profile(cookie, 'demo', bad);
      expect(res.status, bad).toBe(400);
      expect((await res.json<{ issues: { path: string }[] }>()).issues[0]?.path).toBe('visitorId');
    }
    expect((await profile(cookie, 'demo', 'A'.repeat(22))).status).toBe(404);
    expect((await profile(cookie, 'no-such-site-here', id)).status).toBe(404);
    expect((await me({ token, method: 'DELETE' })).status).toBeLessThan(300);
    const erased = await profile(cookie, 'demo', id);
    expect(erased.status).toBe(404);
    expect((await erased.json<{ error: string }>()).error).toContain('erased');
  });
});
