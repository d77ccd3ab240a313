/**
 * QA links against the real worker (docs/preview-and-qa.md): a link forces what it names in proxy
 * mode (a cookie set by a redirect that drops the token from the URL) and in snippet mode (decide
 * with the page URL's `wm_qa`, or the token the snippet keeps as its visitor token); a QA session
 * stores nothing (profile, events, analytics); a forged, expired, unknown or revoked token is a
 * normal visitor with no error; the `wm_qa` parameter never reaches stored URLs.
 */
import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SiteConfigInput } from '../../protocol/config/site';
import type { QaLinkResponse } from '../../protocol/qa';
import type { AuditResponse } from '../../protocol/admin';
import type { StreamReport } from '../../protocol/analytics';
import type { CollectResponse, ProfileExport, QaCollectResponse } from '../../protocol/wire';
import { DEMO_SITE } from '../src/demo/seed';
import { newQaLinkId, signQaToken } from '../src/qa/token';
import { adminCall, adminLogin, BASE, makeEvent, me, ORIGIN, post, visitorCookie, type AdminSession } from './helpers';

let admin: AdminSession;

async function createLink(site: string, body: Record<string, unknown>): Promise<QaLinkResponse['link']> {
  const res = await adminCall(admin, 'POST', `/sites/${site}/qa-links`, body);
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json<QaLinkResponse>()).link;
}

const page = (path: string, cookie = '') =>
  SELF.fetch(`${BASE}${path}`, { headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) }, redirect: 'manual' });
const pageEvent = (url: string) => makeEvent({ type: 'page', name: undefined, props: undefined, url });
const setCookies = (res: Response) => res.headers.getSetCookie().join('\n');

async function profile(cookie: string, site = 'demo'): Promise<ProfileExport> {
  const res = await me({ cookie, site });
  expect(res.status).toBe(200);
  return res.json<ProfileExport>();
}

beforeAll(async () => {
  // Proxy mode for the demo (WM_PROXY_SITE), as proxy.test.ts sets it up.
  await env.CONFIG.put('site:demo', JSON.stringify({ ...DEMO_SITE, version: 1_000, proxy: { upstream: 'assets' } }));
  admin = await adminLogin('198.51.100.120');
});

describe('QA links in proxy mode', () => {
  it('forces the slot variant through a session cookie, stores nothing, and ends on revocation', async () => {
    // A real visitor, in the trail runners' segment.
    const collected = await post([makeEvent({ type: 'prefs', name: undefined, props: undefined, prefs: { sport: 'trail' } })]);
    const vid = visitorCookie(collected)!;
    const before = await profile(vid);
    expect(before.segments.map((s) => s.id)).toContain('trail-runners');

    const link = await createLink('demo', { force: { kind: 'slot', slot: 'hero', variant: 'road-runners' } });
    expect(link.expiresAt - link.createdAt).toBeGreaterThan(6.9 * 86_400_000); // 7 days by default

    // The link: a redirect that sets the session cookie and drops the token from the URL.
    const opened = await page(`/product/ridgeline-trail-runner?x=1&wm_qa=${link.token}`);
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe(`${BASE}/product/ridgeline-trail-runner?x=1`);
    expect(opened.headers.get('cache-control')).toBe('private, no-store');
    expect(setCookies(opened)).toMatch(new RegExp(`wm_qa=${link.token}; Path=/; HttpOnly; SameSite=Lax`));
    const qa = `wm_qa=${link.token}`;

    // The page: the forced variant (not the visitor's own), the badge's words, the UI chunk, private.
    const shown = await page('/', `${vid}; ${qa}`);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('cache-control')).toBe('private, no-store');
    const body = await shown.text();
    expect(body).toMatch(/data-wm-slot="hero"[^>]*data-wm-filled="road-runners"/);
    expect(body).toContain('Fast miles on tarmac');
    expect(body).not.toContain('Dirt, roots and rock');
    expect(body).toContain('data-wm-qa="slot hero, variant for road-runners"');
    expect(body).toContain('/_wm/wm-ui.js');

    // The session's events: acknowledged, nothing stored, the token as its id, no visitor cookie.
    const sent = await post(
      [pageEvent(`${ORIGIN}/`), makeEvent({ name: 'qa_click' }), makeEvent({ type: 'prefs', name: undefined, props: undefined, prefs: { sport: 'road' } })],
      {
        cookie: `${vid}; ${qa}`,
      },
    );
    expect(sent.status).toBe(200);
    const answer = await sent.json<QaCollectResponse>();
    expect(answer).toMatchObject({ accepted: [], duplicates: [], notStored: 'preview', vid: link.token });
    expect(answer.decisions.map((d) => (d.kind === 'slot' ? d.segment : d.kind))).toEqual(['road-runners', 'qa']);
    expect(setCookies(sent)).not.toContain('wm_vid=');
    const after = await profile(vid);
    expect(after.eventCount).toBe(before.eventCount);
    expect(after.prefs).toEqual(before.prefs);
    expect(after.segments).toEqual(before.segments);
    expect(after.messages).toEqual(before.messages);

    // Revoked: the very next page is the visitor's own, and the cookie is cleared.
    expect((await adminCall(admin, 'DELETE', `/sites/demo/qa-links/${link.id}`)).status).toBe(200);
    const revoked = await page('/', `${vid}; ${qa}`);
    const normal = await revoked.text();
    expect(normal).toMatch(/data-wm-slot="hero"[^>]*data-wm-filled="trail-runners"/);
    expect(normal).not.toContain('data-wm-qa');
    expect(setCookies(revoked)).toMatch(/wm_qa=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0/);
    const stored = await post([makeEvent({ name: 'after_revoke' })], { cookie: `${vid}; ${qa}` });
    expect((await stored.json<CollectResponse>()).accepted).toHaveLength(1);
    // Listed as revoked.
    const listed = await (await adminCall(admin, 'GET', '/sites/demo/qa-links')).json<{ links: { id: string; revokedAt: number | null }[] }>();
    expect(listed.links.find((l) => l.id === link.id)?.revokedAt).toEqual(expect.any(Number));
    // The audit log names who shared the link and who revoked it, once (a second revoke changes nothing).
    expect((await adminCall(admin, 'DELETE', `/sites/demo/qa-links/${link.id}`)).status).toBe(200);
    const audit = await (await adminCall(admin, 'GET', '/sites/demo/audit')).json<AuditResponse>();
    const about = audit.entries.filter((e) => e.path === `sites/demo/qa-links/${link.id}`);
    expect(about.map((e) => [e.action, e.who])).toEqual([
      ['unshare', 'user:admin'],
      ['share', 'user:admin'],
    ]);
    expect(about[1]!.summary).toBe(`shared QA link "${link.label}" (${link.id}) until ${new Date(link.expiresAt).toISOString()}`);
  });

  it('ignores a forged, expired or unknown token: a normal page, no error, no cookie', async () => {
    const link = await createLink('demo', { force: { kind: 'segment', segment: 'hikers' } });
    const [head, expiry, sig] = link.token.split('.') as [string, string, string];
    const forged = `${head}.${expiry}.${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}`;
    const expired = await signQaToken(env.WM_SECRET, 'demo', link.id, Date.now() - 1_000);
    const unknown = await signQaToken(env.WM_SECRET, 'demo', newQaLinkId(), Date.now() + 86_400_000);
    const otherSite = await signQaToken(env.WM_SECRET, 'elsewhere', link.id, link.expiresAt);
    for (const token of [forged, expired, unknown, otherSite, 'nonsense']) {
      const opened = await page(`/?wm_qa=${encodeURIComponent(token)}`);
      expect(opened.status, token).toBe(303);
      expect(opened.headers.get('location')).toBe(`${BASE}/`);
      expect(setCookies(opened)).not.toContain('wm_qa=');
      const shown = await page('/', `wm_qa=${token}`);
      expect(shown.status).toBe(200);
      const body = await shown.text();
      expect(body).not.toContain('data-wm-qa');
      expect(body).not.toContain('data-wm-filled');
    }
    // In a frame (the dashboard's "Preview as"): the page itself, forced, with no redirect and no cookie.
    const framed = await SELF.fetch(`${BASE}/?wm_qa=${link.token}`, { headers: { accept: 'text/html', 'sec-fetch-dest': 'iframe' }, redirect: 'manual' });
    expect(framed.status).toBe(200);
    expect(setCookies(framed)).not.toContain('wm_qa=');
    expect(await framed.text()).toMatch(/data-wm-filled="hikers"/);
    const framedForged = await SELF.fetch(`${BASE}/?wm_qa=${forged}`, { headers: { accept: 'text/html', 'sec-fetch-dest': 'iframe' }, redirect: 'manual' });
    expect(await framedForged.text()).not.toContain('data-wm-filled');
    // The real token does force the hikers' hero.
    expect(await (await page('/', `wm_qa=${link.token}`)).text()).toMatch(/data-wm-filled="hikers"/);
    // Exit: the cookie goes.
    const exit = await page('/?wm_qa=exit', `wm_qa=${link.token}`);
    expect(exit.status).toBe(303);
    expect(setCookies(exit)).toMatch(/wm_qa=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0/);
  });

  it('previews a stored profile: its segments decide, and it is only read', async () => {
    const collected = await post([makeEvent({ type: 'prefs', name: undefined, props: undefined, prefs: { sport: 'hiking' } })]);
    const vid = visitorCookie(collected)!;
    const visitorId = (await collected.json<CollectResponse>()).vid!.split('.')[0]!;
    const before = await profile(vid);
    const link = await createLink('demo', { force: { kind: 'profile', visitorId } });
    // A fresh browser (no visitor cookie of its own) sees what that visitor sees.
    const body = await (await page('/', `wm_qa=${link.token}`)).text();
    expect(body).toMatch(/data-wm-slot="hero"[^>]*data-wm-filled="hikers"/);
    expect(body).toContain(`data-wm-qa="profile ${visitorId.slice(0, 8)}..."`);
    const after = await profile(vid);
    expect({ ...after, lastSeen: null }).toEqual({ ...before, lastSeen: null });
    expect(after.lastSeen).toBe(before.lastSeen);
  });

  it('shows the draft when the link asks (KV draft:<site>), and the live config without one', async () => {
    const draft = structuredClone({ ...DEMO_SITE, version: 1_000, proxy: { upstream: 'assets' } }) as SiteConfigInput & {
      slots: { id: string; variants: { segment: string; content: unknown }[] }[];
    };
    const hero = draft.slots.find((s) => s.id === 'hero')!;
    hero.variants.find((v) => v.segment === 'hikers')!.content = { type: 'html', html: '<h2>Draft hikers hero</h2>' };
    const link = await createLink('demo', { force: { kind: 'segment', segment: 'hikers' }, draft: true });
    expect(await (await page('/', `wm_qa=${link.token}`)).text()).toContain('Pack light, go far');
    await env.CONFIG.put('draft:demo', JSON.stringify(draft));
    const body = await (await page('/', `wm_qa=${link.token}`)).text();
    expect(body).toContain('Draft hikers hero');
    expect(body).toContain('data-wm-qa="segment hikers (draft)"');
    await env.CONFIG.delete('draft:demo');
  });
});

describe('QA links in snippet mode', () => {
  let site = '';
  beforeAll(async () => {
    site = `qa-${Date.now().toString(36)}`;
    const config: SiteConfigInput = { ...DEMO_SITE, id: site, version: 1, origins: [ORIGIN] };
    await env.CONFIG.put(`site:${site}`, JSON.stringify(config));
  });
  const decide = (url: string, headers: Record<string, string> = {}) =>
    SELF.fetch(`${BASE}/_wm/decide?site=${site}&url=${encodeURIComponent(url)}`, { headers: { origin: ORIGIN, ...headers } });

  it('decide forces the message variant from the page URL’s token or the kept one, and says so for the badge', async () => {
    const link = await createLink(site, { force: { kind: 'message', message: 'cart-reminder', variant: 'nudge' }, label: 'Nudge check' });
    for (const res of [
      await decide(`${ORIGIN}/product/x?wm_qa=${link.token}`),
      await decide(`${ORIGIN}/product/x`, { authorization: `Bearer ${link.token}` }),
    ]) {
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      const body = await res.json<{ decisions: { id: string; variant?: string }[]; qa?: { describe: string } }>();
      expect(body.decisions).toMatchObject([{ id: 'cart-reminder', variant: 'nudge', title: 'Still thinking it over?' }]);
      expect(body.qa).toEqual({ describe: 'message cart-reminder, variant nudge' });
    }
    const forged = await decide(`${ORIGIN}/product/x?wm_qa=${link.token.slice(0, -2)}AA`);
    expect(await forged.json()).toEqual({ decisions: [] });
  });

  it('a QA session’s batches store nothing anywhere, and other batches lose the parameter from their URLs', async () => {
    const link = await createLink(site, { force: { kind: 'segment', segment: 'trail-runners' } });
    // The first page of the session (the token in its URL), then a later one (the token as the visitor token).
    const first = await post([pageEvent(`${ORIGIN}/?wm_qa=${link.token}`), makeEvent({ name: 'qa_first' })], { site });
    const firstAnswer = await first.json<QaCollectResponse>();
    expect(firstAnswer).toMatchObject({ accepted: [], notStored: 'preview', vid: link.token });
    expect(firstAnswer.decisions.map((d) => (d.kind === 'qa' ? d.describe : d.id))).toEqual(['hero', 'segment trail-runners']);
    const later = await post([pageEvent(`${ORIGIN}/cart`), makeEvent({ name: 'qa_later' })], { site, vid: link.token });
    const laterAnswer = await later.json<QaCollectResponse>();
    expect(laterAnswer).toMatchObject({ accepted: [], notStored: 'preview' });
    // Whatever is forced on the page, the session's QaDecision comes last: wm.js loads wm-ui.js for the badge.
    expect(laterAnswer.decisions.at(-1)).toEqual({ kind: 'qa', describe: 'segment trail-runners' });
    expect(setCookies(first) + setCookies(later)).not.toContain('wm_vid=');

    // A normal visitor who opened a forged link: stored, without the parameter.
    const forgedUrl = `${ORIGIN}/?a=1&wm_qa=wq_forged`;
    const normal = await post([pageEvent(forgedUrl), makeEvent({ name: 'after_qa', url: `${ORIGIN}/?wm_qa=exit` })], { site });
    expect((await normal.json<CollectResponse>()).accepted).toHaveLength(2);
    const stored = await profile(visitorCookie(normal)!, site);
    expect(stored.events.map((e) => e.url)).toEqual([`${ORIGIN}/?a=1`, `${ORIGIN}/`]);

    // Analytics: the normal visitor's events arrive; the QA session's never do.
    const stream = async () => {
      const res = await adminCall(admin, 'GET', `/sites/${site}/analytics/stream?limit=500`);
      expect(res.status).toBe(200);
      return res.json<StreamReport>();
    };
    let report = await stream();
    for (let i = 0; i < 100 && !report.events.some((e) => e.name === 'after_qa'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      report = await stream();
    }
    expect(report.events.map((e) => e.name).sort()).toEqual(['after_qa', 'page']);
  });

  it('refuses a link that names nothing, or lasts longer than 30 days', async () => {
    for (const body of [
      { force: { kind: 'segment', segment: 'nobody' } },
      { force: { kind: 'message', message: 'cart-reminder', variant: 'nope' } },
      { force: { kind: 'slot', slot: 'hero', variant: 'cart-left' } },
      { force: { kind: 'segment', segment: 'hikers' }, expiresInDays: 31 },
    ]) {
      const res = await adminCall(admin, 'POST', `/sites/${site}/qa-links`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });
});
