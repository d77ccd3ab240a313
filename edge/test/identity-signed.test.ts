// Signed identify: on a site that requires it, only a user id signed by the site's server links a browser.
import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { CollectResponse, ErrorResponse, ProfileExport, PropValue } from '../../protocol/wire';
import type { SiteConfigInput } from '../../protocol/config/site';
import { identifyKey, signUserId } from '../src/identity/signed';
import { BASE, ORIGIN, makeEvent, me, post, visitorCookie } from './helpers';

let sites = 0;
let users = 0;
const newUser = () => `user-${Date.now().toString(36)}-${++users}`;
const secret = (): string => {
  if (!env.WM_SECRET) throw new Error('the test worker has no WM_SECRET');
  return env.WM_SECRET;
};

/** A fresh site in KV (the edge's 5 s config cache never sees an older one). */
async function site(identity?: SiteConfigInput['identity']): Promise<string> {
  const id = `sig-${Date.now().toString(36)}-${++sites}`;
  const config: SiteConfigInput = {
    id,
    name: 'Signed identify test',
    version: 1,
    origins: [ORIGIN],
    consentPolicy: 'opt-out',
    ...(identity ? { identity } : {}),
  };
  await env.CONFIG.put(`site:${id}`, JSON.stringify(config));
  return id;
}

const page = () => makeEvent({ type: 'page', name: undefined, props: undefined, url: `${ORIGIN}/`, ref: '' });
const identify = (userId: string, traits: Record<string, PropValue> = {}) => makeEvent({ type: 'identify', name: undefined, props: undefined, userId, traits });
/** What the site's server hands the page: "<userId>.<sig>". */
const signed = async (siteId: string, userId: string, keySite = siteId) =>
  `${userId}.${await signUserId(await identifyKey(secret(), keySite), siteId, userId)}`;

async function send(siteId: string, events: unknown[], cookie?: string) {
  const res = await post(events, { site: siteId, ...(cookie ? { cookie } : {}) });
  expect(res.status, await res.clone().text()).toBe(200);
  return { body: await res.json<CollectResponse>(), cookie: cookie ?? visitorCookie(res) ?? '' };
}

async function exportOf(siteId: string, cookie: string): Promise<ProfileExport> {
  const res = await me({ cookie, site: siteId });
  expect(res.status).toBe(200);
  return res.json<ProfileExport>();
}

describe('signed identify', () => {
  it('a valid signature links the browser; the stored user id carries no signature', async () => {
    const siteId = await site({ requireSignedUserId: true });
    const user = newUser();
    const claim = await signed(siteId, user);
    const a = await send(siteId, [page(), identify(claim, { plan: 'pro' })]);
    expect(a.body.rejected).toEqual([]);
    expect(a.body.accepted).toHaveLength(2);
    const b = await send(siteId, [page(), identify(claim)]);
    expect(b.body.rejected).toEqual([]);
    const fromA = await exportOf(siteId, a.cookie);
    expect(fromA).toMatchObject({ userId: user, traits: { plan: 'pro' }, eventCount: 4 });
    expect(fromA.linkedVisitors).toHaveLength(2);
    expect(JSON.stringify(fromA)).not.toContain(claim);
    expect((await exportOf(siteId, b.cookie)).userId).toBe(user);
  });

  it('a missing, wrong or other-site signature is refused per event; the rest of the batch is kept', async () => {
    const siteId = await site({ requireSignedUserId: true });
    const other = await site({ requireSignedUserId: true });
    const user = newUser();
    const good = await signed(siteId, user);
    const forged = `${user}.${good
      .slice(good.lastIndexOf('.') + 1)
      .split('')
      .reverse()
      .join('')}`;
    const otherSite = await signed(siteId, user, other);
    const otherUser = `${newUser()}.${good.slice(good.lastIndexOf('.') + 1)}`;
    for (const claim of [user, forged, otherSite, otherUser]) {
      const p = page();
      const id = identify(claim, { plan: 'pro' });
      const { body, cookie } = await send(siteId, [p, id]);
      expect(body.accepted).toEqual([p.id]);
      expect(body.rejected).toEqual([{ index: 1, id: id.id, reason: expect.stringMatching(/^userId: /) }]);
      const profile = await exportOf(siteId, cookie);
      expect(profile).toMatchObject({ userId: null, traits: {}, eventCount: 1 });
      expect(profile.linkedVisitors).toBeUndefined();
    }
    // A batch of nothing but a refused identify is refused whole, like any batch without a good event.
    const res = await post([identify(user)], { site: siteId });
    expect(res.status).toBe(400);
    expect(await res.json<ErrorResponse>()).toMatchObject({
      error: 'every event in the batch was rejected',
      rejected: [{ index: 0, reason: expect.stringMatching(/requires a signed identify/) }],
    });
  });

  it('not required: an unsigned identify works as before, and a signed one is still verified and stripped', async () => {
    for (const identity of [undefined, { requireSignedUserId: false }]) {
      const siteId = await site(identity);
      const user = newUser();
      const plain = await send(siteId, [page(), identify(`${user}.dotted`)]);
      expect(plain.body.rejected).toEqual([]);
      expect((await exportOf(siteId, plain.cookie)).userId).toBe(`${user}.dotted`);
      const withSig = await send(siteId, [page(), identify(await signed(siteId, user))]);
      expect(withSig.body.rejected).toEqual([]);
      expect((await exportOf(siteId, withSig.cookie)).userId).toBe(user);
    }
  });
});

describe('admin API: the identify key', () => {
  const API = `${BASE}/_wm/admin/api`;
  it('is shown to a signed-in owner only, and is the key the edge verifies with', async () => {
    const unauth = await SELF.fetch(`${API}/sites/demo/identify-key`, { headers: { origin: BASE } });
    expect(unauth.status).toBe(401);
    const login = await SELF.fetch(`${API}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: BASE, 'cf-connecting-ip': '203.0.113.77' },
      body: JSON.stringify({ password: 'waymark-demo' }),
    });
    expect(login.status).toBe(200);
    const cookie = `wm_admin=${login.headers.get('set-cookie')?.match(/wm_admin=([^;]+)/)?.[1] ?? ''}`;
    const id = `sigadm-${Date.now().toString(36)}`;
    const { csrfToken } = await login.json<{ csrfToken: string }>();
    const put = await SELF.fetch(`${API}/sites/${id}`, {
      method: 'PUT',
      headers: { origin: BASE, cookie, 'x-wm-csrf': csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'S', version: 0, origins: [ORIGIN], consentPolicy: 'opt-out', identity: { requireSignedUserId: true } }),
    });
    expect(put.status, await put.clone().text()).toBe(200);
    const res = await SELF.fetch(`${API}/sites/${id}/identify-key`, { headers: { origin: BASE, cookie } });
    expect(res.status).toBe(200);
    const body = await res.json<{ site: string; key: string; required: boolean }>();
    expect(body).toEqual({ site: id, key: await identifyKey(secret(), id), required: true });
    const missing = await SELF.fetch(`${API}/sites/no-such-site-${Date.now().toString(36)}/identify-key`, { headers: { origin: BASE, cookie } });
    expect(missing.status).toBe(404);
    // The key signs for its own site only: a user id signed with it links on this site.
    const user = newUser();
    const claim = `${user}.${await signUserId(body.key, id, user)}`;
    const sent = await send(id, [page(), identify(claim)]);
    expect(sent.body.rejected).toEqual([]);
    expect((await exportOf(id, sent.cookie)).userId).toBe(user);
  });
});
