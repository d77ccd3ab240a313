/**
 * Issue #15 point 5 at the edge, in workerd: a bot's batch stores nothing and sets no cookie, a
 * bot gets no decisions, a bot's proxied page is the origin's own (no personalization, snippet or
 * cookie) with sensible caching headers, and each filtered request reaches the site's overview
 * as the day's count (through the analytics queue; summed over the site's shards).
 */
import { createExecutionContext, SELF, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OverviewReport } from '../../protocol/analytics';
import type { SiteConfigInput } from '../../protocol/config/site';
import type { CollectResponse, ProfileExport } from '../../protocol/wire';
import { BOT_USER_AGENTS, BROWSER_USER_AGENTS } from '../src/bots/user-agents';
import { DEMO_SITE } from '../src/demo/seed';
import worker from '../src/index';
import { adminLogin, BASE, makeEvent, me, ORIGIN, post, visitorCookie } from './helpers';

const BROWSER = BROWSER_USER_AGENTS['Chrome Windows']!;
const GOOGLEBOT = BOT_USER_AGENTS['Googlebot']!;
const UPSTREAM = 'https://origin.bots.example';

let sites = 0;
/** A site of its own (so its counts start at zero), proxied to UPSTREAM, over `shards` analytics shards. */
async function newSite(shards = 1): Promise<string> {
  const id = `bots-${Date.now().toString(36)}-${++sites}`;
  const config: SiteConfigInput = { ...DEMO_SITE, id, version: 1, origins: [ORIGIN], analyticsShards: shards, proxy: { upstream: UPSTREAM } };
  await env.CONFIG.put(`site:${id}`, JSON.stringify(config));
  return id;
}

async function overview(site: string): Promise<OverviewReport> {
  const s = await adminLogin('198.51.100.215');
  const res = await SELF.fetch(`${BASE}/_wm/admin/api/sites/${site}/analytics/overview?minutes=5`, {
    headers: { origin: BASE, cookie: s.cookie, 'x-wm-csrf': s.csrf },
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json<OverviewReport>();
}

const today = () => new Date().toISOString().slice(0, 10);
const botsToday = (o: OverviewReport) => o.botsFiltered.find((d) => d.day === today())?.requests ?? 0;

/** The queue delivers within about a second locally; poll, never assert timing. */
async function until<T>(read: () => Promise<T>, done: (t: T) => boolean): Promise<T> {
  let last = await read();
  for (let i = 0; i < 100 && !done(last); i++) {
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
  return last;
}

function decide(site: string, userAgent: string, cookie?: string): Promise<Response> {
  const url = encodeURIComponent(`${ORIGIN}/product/trail-runner`);
  return SELF.fetch(`${BASE}/_wm/decide?site=${site}&url=${url}`, { headers: { origin: ORIGIN, 'user-agent': userAgent, ...(cookie ? { cookie } : {}) } });
}

const PAGE = '<!doctype html><html><head><title>Shop</title></head><body><section data-wm-slot="hero"><h1>Default hero</h1></section></body></html>';

/** A page of `site` through proxy mode, the upstream answering PAGE with `upstreamHeaders`. */
async function proxied(site: string, userAgent: string, upstreamHeaders: Record<string, string> = {}, accept = 'text/html'): Promise<Response> {
  vi.spyOn(globalThis, 'fetch').mockImplementation(
    async () => new Response(PAGE, { headers: { 'content-type': 'text/html; charset=utf-8', ...upstreamHeaders } }),
  );
  const ctx = createExecutionContext();
  const headers = { accept, 'user-agent': userAgent };
  const res = await worker.fetch(new Request(`${BASE}/shoes`, { headers }), { ...env, WM_PROXY_SITE: site }, ctx);
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  vi.restoreAllMocks();
  return new Response(text, res);
}

afterEach(() => vi.restoreAllMocks());

describe('bots at POST /_wm/e', () => {
  it('a crawler’s batch is acknowledged, stores nothing and sets no cookie; a browser’s is stored', async () => {
    const site = await newSite();
    for (const [name, ua] of Object.entries(BOT_USER_AGENTS).slice(0, 5)) {
      const res = await post([makeEvent({ type: 'page', name: undefined, props: undefined })], { site, headers: { 'user-agent': ua } });
      expect(res.status, name).toBe(200);
      expect(res.headers.get('set-cookie'), name).toBeNull();
      const body = await res.json<CollectResponse>();
      expect(body, name).toMatchObject({ accepted: [], duplicates: [], notStored: 'bot', decisions: [] });
      expect(body.vid, name).toBeUndefined();
    }
    const person = await post([makeEvent()], { site, headers: { 'user-agent': BROWSER } });
    expect((await person.json<CollectResponse>()).accepted).toHaveLength(1);
    expect(visitorCookie(person)).toBeDefined();

    const o = await until(
      () => overview(site),
      (r) => botsToday(r) >= 5 && r.last24h.events >= 1,
    );
    expect(botsToday(o)).toBe(5);
    // The browser's one event is the only analytics row; the bots' page views are not there.
    expect(o.last24h).toMatchObject({ events: 1, pageViews: 0, visitors: 1 });
    expect(o.botsFiltered).toHaveLength(7);
    expect(o.botsFiltered.at(-1)?.day).toBe(today());
  });

  it('a bot holding a visitor’s cookie adds nothing to that profile', async () => {
    const site = await newSite();
    const first = await post([makeEvent({ name: 'human_event' })], { site, headers: { 'user-agent': BROWSER } });
    const cookie = visitorCookie(first)!;
    const bot = await post([makeEvent({ name: 'bot_event' })], { site, cookie, headers: { 'user-agent': BOT_USER_AGENTS['HeadlessChrome']! } });
    expect((await bot.json<CollectResponse>()).notStored).toBe('bot');
    expect(bot.headers.get('set-cookie')).toBeNull();
    const profile = await (await me({ cookie, site })).json<ProfileExport>();
    expect(JSON.stringify(profile)).toContain('human_event');
    expect(JSON.stringify(profile)).not.toContain('bot_event');
  });

  it('the origin check still comes first: a bot from a foreign origin gets the same 403', async () => {
    const site = await newSite();
    const res = await post([makeEvent()], { site, headers: { 'user-agent': GOOGLEBOT, origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
  });
});

describe('bots at GET /_wm/decide', () => {
  it('a bot gets no decisions, even with a visitor’s cookie; the browser still gets its own', async () => {
    const site = await newSite();
    const stored = await post([makeEvent({ type: 'page', name: undefined, props: undefined, url: `${ORIGIN}/product/trail-runner` })], {
      site,
      headers: { 'user-agent': BROWSER },
    });
    const cookie = visitorCookie(stored)!;
    const human = await decide(site, BROWSER, cookie);
    expect(human.status).toBe(200);
    const bot = await decide(site, GOOGLEBOT, cookie);
    expect(bot.status).toBe(200);
    expect(bot.headers.get('set-cookie')).toBeNull();
    expect(bot.headers.get('cache-control')).toBe('private, no-store');
    expect(await bot.json()).toEqual({ decisions: [] });
    const o = await until(
      () => overview(site),
      (r) => botsToday(r) >= 1,
    );
    expect(botsToday(o)).toBe(1);
  });
});

describe('bots in proxy mode', () => {
  it('a crawler gets the origin’s page as it came: no snippet, no slot fill, no cookie, the origin’s caching plus Vary: User-Agent', async () => {
    const site = await newSite(3);
    const bot = await proxied(site, GOOGLEBOT, { 'cache-control': 'public, max-age=300', etag: '"v1"', vary: 'Accept-Encoding' });
    expect(bot.status).toBe(200);
    expect(await bot.text()).toBe(PAGE);
    expect(bot.headers.get('set-cookie')).toBeNull();
    expect(bot.headers.get('cache-control')).toBe('public, max-age=300');
    expect(bot.headers.get('etag')).toBe('"v1"');
    expect(bot.headers.get('vary')).toBe('Accept-Encoding, User-Agent');

    // The same page for a person: rewritten (the snippet tag), private.
    const person = await proxied(site, BROWSER, { 'cache-control': 'public, max-age=300' });
    expect(await person.text()).toContain('/_wm/wm.js');
    expect(person.headers.get('cache-control')).toBe('private, no-store');
    expect(person.headers.get('set-cookie')).toBeNull();
  });

  it('an origin cookie on a bot’s page keeps the page out of shared caches', async () => {
    const site = await newSite();
    const bot = await proxied(site, BOT_USER_AGENTS['GPTBot']!, { 'cache-control': 'public, max-age=300', 'set-cookie': 'shop_session=1; Path=/' });
    expect(bot.headers.get('cache-control')).toBe('private, no-store');
    expect(bot.headers.get('set-cookie')).toBe('shop_session=1; Path=/');
  });

  it('each crawled page counts once in the day’s overview, summed over the site’s shards', async () => {
    const site = await newSite(4);
    for (const ua of [GOOGLEBOT, BOT_USER_AGENTS['Bingbot']!, BOT_USER_AGENTS['ClaudeBot']!]) await proxied(site, ua);
    await proxied(site, BROWSER); // a person: not counted
    await proxied(site, GOOGLEBOT, {}, 'image/avif,image/webp,*/*'); // not a page (an image, a script): not counted
    const o = await until(
      () => overview(site),
      (r) => botsToday(r) >= 3,
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(botsToday(await overview(site))).toBe(3);
    expect(o.botsFiltered.reduce((n, d) => n + d.requests, 0)).toBe(3);
  });
});

describe('the bot count in the analytics store', () => {
  it('counts a queue redelivery once, and drops counts older than the days kept', async () => {
    const site = await newSite();
    const store = env.ANALYTICS.get(env.ANALYTICS.idFromName(site));
    const now = Date.now();
    const message = { kind: 'bots', site, id: 'bot-count-1', at: now, count: 1 } as const;
    await store.ingest([message]);
    await store.ingest([message, { ...message, id: 'bot-count-2' }]); // redelivered beside a new one
    await store.ingest([{ ...message, id: 'bot-count-old', at: now - 9 * 86_400_000 }]);
    const part = await store.overviewPart(5, now);
    expect(part.botDays.reduce((n, d) => n + d.n, 0)).toBe(2);
  });
});
