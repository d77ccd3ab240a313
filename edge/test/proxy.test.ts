import { createExecutionContext, SELF, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MessageDecision, SlotDecision } from '../../protocol/wire';
import type { SiteConfigInput } from '../../protocol/config/site';
import { DEMO_SITE } from '../src/demo/seed';
import worker from '../src/index';
import { decisionsBlock, isRewritable, rewritePage, scriptNonce, STUB } from '../src/personalize/rewrite';
import { withoutVisitorCookie } from '../src/usecases/proxy-page';
import { BASE, makeEvent, post, visitorCookie } from './helpers';

/** Every rewritten page says so on <html>, for the snippet's UI chunk. */
const PROXIED = 'data-wm-proxied=""';
const marked = (page: string) => page.replace(/<html(?=[\s>])/, `<html ${PROXIED}`);

const OPTIONS = { snippetSrc: '/_wm/wm.js', site: 'demo' };
const SNIPPET_TAG = '<script async src="/_wm/wm.js" data-site="demo"></script>';
const PAGE = `<!doctype html><html><head><title>Shop</title></head><body>
<section data-wm-slot="hero"><h1>Default hero</h1></section>
<aside class="promo" data-wm-slot="category-promo"><p>Default promo</p></aside>
<div id="banner">Default banner</div>
</body></html>`;

const html = (body: string, headers: Record<string, string> = {}, status = 200) =>
  new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8', ...headers } });
const slot = (id: string, segment: string, content: string, selector?: string): SlotDecision => ({
  kind: 'slot',
  id,
  segment,
  html: content,
  why: `in segment ${segment}`,
  ...(selector ? { selector } : {}),
});
const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('rewritePage (HTMLRewriter adapter)', () => {
  it('fills the slot of a decision, marks it and keeps every other default', async () => {
    const out = await rewritePage(html(PAGE), [slot('hero', 'trail-runners', '<h1>Dirt, roots and rock</h1>')], OPTIONS).text();
    expect(out).toContain('<section data-wm-slot="hero" data-wm-filled="trail-runners" v-pre="" ngnonbindable=""><h1>Dirt, roots and rock</h1></section>');
    expect(out).not.toContain('Default hero');
    expect(out).toContain('<p>Default promo</p>');
    expect(out).toContain('Default banner');
  });

  it('also fills the decision’s selector, and keeps defaults when there are no decisions', async () => {
    const filled = await rewritePage(html(PAGE), [slot('banner', 'hikers', '<b>Pack light</b>', '#banner')], OPTIONS).text();
    expect(filled).toContain('<div id="banner" data-wm-filled="hikers" v-pre="" ngnonbindable=""><b>Pack light</b></div>');
    const untouched = await rewritePage(html(PAGE), [], OPTIONS).text();
    expect(untouched.replace(/<script[^]*?<\/script>/g, '')).toBe(marked(PAGE));
  });

  it('never lets a bad selector or slot id break the page', async () => {
    const out = await rewritePage(html(PAGE), [slot('Bad Id"]', 'x', '<i>x</i>'), slot('hero', 'x', '<i>ok</i>', 'div[[')], OPTIONS).text();
    expect(out).toContain('<section data-wm-slot="hero" data-wm-filled="x" v-pre="" ngnonbindable=""><i>ok</i></section>');
    expect(out).toContain('Default banner');
  });

  it('injects the stub and the snippet once at the end of <head> when the page has none', async () => {
    const out = await rewritePage(html(PAGE), [], OPTIONS).text();
    expect(out).toContain(`<title>Shop</title><script>${STUB}</script>${SNIPPET_TAG}</head>`);
    expect(count(out, '/_wm/wm.js')).toBe(1);
  });

  it('does not inject when the page already loads the snippet (or its debug build) in <head>', async () => {
    for (const src of ['/_wm/wm.js', 'https://shop.example/_wm/wm.js?v=3', '/_wm/wm.debug.js']) {
      const page = PAGE.replace('</title>', `</title><script async src="${src}" data-site="demo"></script>`);
      const out = await rewritePage(html(page), [], OPTIONS).text();
      expect(out).toBe(marked(page));
    }
  });

  it('injects at the start of <body> without a <head>, and at the end of a bare fragment', async () => {
    const noHead = await rewritePage(html('<html><body><p>x</p></body></html>'), [], OPTIONS).text();
    expect(noHead).toBe(`<html ${PROXIED}><body><script>${STUB}</script>${SNIPPET_TAG}<p>x</p></body></html>`);
    const fragment = await rewritePage(html('<p>x</p>'), [], OPTIONS).text();
    expect(fragment).toBe(`<p>x</p><script>${STUB}</script>${SNIPPET_TAG}`);
  });

  it('names the site’s consent platform on the injected tag (wm-consent.js)', async () => {
    const out = await rewritePage(html(PAGE), [], { ...OPTIONS, consentPolicy: 'opt-in', consentPlatform: 'tcf' }).text();
    expect(out).toContain('<script async src="/_wm/wm.js" data-site="demo" data-consent="opt-in" data-cmp="tcf"></script></head>');
  });

  it('tells the snippet an opt-in site is opt-in', async () => {
    const out = await rewritePage(html(PAGE), [], { ...OPTIONS, consentPolicy: 'opt-in' }).text();
    expect(out).toContain('<script async src="/_wm/wm.js" data-site="demo" data-consent="opt-in"></script></head>');
  });

  it('puts the CSP nonce on the injected scripts', async () => {
    const csp = "default-src 'self'; script-src 'self' 'nonce-r4nd0m+/=' 'strict-dynamic'";
    const out = await rewritePage(html(PAGE, { 'content-security-policy': csp }), [], OPTIONS).text();
    expect(out).toContain(`<script nonce="r4nd0m+/=">${STUB}</script><script nonce="r4nd0m+/=" async src="/_wm/wm.js"`);
    expect(scriptNonce("default-src 'nonce-abc'")).toBe('abc');
    expect(scriptNonce("script-src 'self'; style-src 'nonce-abc'")).toBeUndefined();
    expect(scriptNonce(null)).toBeUndefined();
  });

  it('makes the response private: no-store, Vary: Cookie, no validators, no stale length', () => {
    const upstream = html(PAGE, {
      'cache-control': 'public, max-age=600, s-maxage=3600',
      'cdn-cache-control': 'max-age=3600',
      etag: '"abc"',
      'last-modified': 'Mon, 23 Nov 2026 10:00:00 GMT',
      'content-length': String(PAGE.length),
      vary: 'Accept-Encoding',
      'content-encoding': 'gzip',
      'x-site': 'kept',
    });
    const out = rewritePage(upstream, [], OPTIONS);
    expect(out.headers.get('cache-control')).toBe('private, no-store');
    expect(out.headers.get('vary')).toBe('Accept-Encoding, Cookie');
    for (const h of ['etag', 'last-modified', 'content-length', 'cdn-cache-control']) expect(out.headers.get(h)).toBeNull();
    expect(out.headers.get('x-site')).toBe('kept');
    // The body is decoded text here; the runtime gzips it again on the way out, per this header.
    expect(out.headers.get('content-encoding')).toBe('gzip');
  });

  it('leaves ISO-8859-1 text as the bytes it was', async () => {
    // "Café crème – 10 €" is not in Latin-1 (the dash and euro sign), so use Latin-1 text only.
    const latin1 = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));
    const page = '<html><head><title>Caf\u00e9</title></head><body><p data-wm-slot="hero">Cr\u00e8me br\u00fbl\u00e9e \u00e0 5 \u00a3</p></body></html>';
    const upstream = new Response(latin1(page), { headers: { 'content-type': 'text/html; charset=iso-8859-1' } });
    const out = new Uint8Array(await rewritePage(upstream, [], OPTIONS).arrayBuffer());
    const expected = latin1(marked(page).replace('</head>', `<script>${STUB}</script>${SNIPPET_TAG}</head>`));
    expect([...out]).toEqual([...expected]);
  });

  it('rewrites only 200 text/html with a body the runtime decoded', () => {
    expect(isRewritable('GET', html('x'))).toBe(true);
    expect(isRewritable('POST', html('x'))).toBe(true);
    expect(isRewritable('HEAD', html('x'))).toBe(false);
    expect(isRewritable('GET', html('x', {}, 404))).toBe(false);
    expect(isRewritable('GET', html('x', { 'content-encoding': 'gzip' }))).toBe(true);
    expect(isRewritable('GET', html('x', { 'content-encoding': 'zstd-unknown' }))).toBe(false);
    expect(isRewritable('GET', new Response('{}', { headers: { 'content-type': 'application/json' } }))).toBe(false);
    expect(isRewritable('GET', new Response(null, { status: 302, headers: { location: '/x' } }))).toBe(false);
  });
});

describe('withoutVisitorCookie', () => {
  it('keeps the site’s cookies and drops wm_vid', () => {
    expect(withoutVisitorCookie('session=abc; wm_vid=tok.sig; theme=dark')).toBe('session=abc; theme=dark');
    expect(withoutVisitorCookie('wm_vid=tok.sig')).toBe('');
    expect(withoutVisitorCookie(null)).toBe('');
  });
});

// ---- The route: the worker itself, with a site whose upstream is a mocked https origin. ----

const UPSTREAM = 'https://origin.shop.example';
let siteCounter = 0;

/** A fresh proxied site in KV (fresh id: the in-isolate site cache never serves an older one). */
async function proxiedSite(overrides: Partial<SiteConfigInput> = {}): Promise<string> {
  const id = `proxy-test-${++siteCounter}`;
  const config: SiteConfigInput = { ...DEMO_SITE, id, version: 1, proxy: { upstream: UPSTREAM }, ...overrides };
  await env.CONFIG.put(`site:${id}`, JSON.stringify(config));
  return id;
}

type Seen = { url: string; method: string; headers: Headers; body: string; redirect: RequestInit['redirect'] };

/** Replaces the upstream with `answer`; returns what the worker sent it. */
function mockUpstream(answer: (req: Request) => Response | Promise<Response>): Seen[] {
  const seen: Seen[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    seen.push({ url: req.url, method: req.method, headers: req.headers, body: await req.clone().text(), redirect: init?.redirect });
    return answer(req);
  });
  return seen;
}

/** One request through the worker with WM_PROXY_SITE = site. */
async function page(site: string, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const headers = new Headers(init.headers);
  if (!headers.has('accept')) headers.set('accept', 'text/html,application/xhtml+xml');
  const res = await worker.fetch(new Request(`${BASE}${path}`, { ...init, headers }), { ...env, WM_PROXY_SITE: site }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

afterEach(() => vi.restoreAllMocks());

describe('proxy route with an https upstream', () => {
  it('fetches the same path and query with method, headers and body, never the visitor cookie', async () => {
    const site = await proxiedSite();
    const seen = mockUpstream(() => html('<p>ok</p>'));
    await page(site, '/search?q=shoes', {
      method: 'POST',
      headers: { cookie: 'session=abc; wm_vid=x.y', 'content-type': 'application/x-www-form-urlencoded', 'x-custom': '1' },
      body: 'q=shoes',
    });
    expect(seen).toHaveLength(1);
    const [req] = seen;
    expect(req).toMatchObject({ url: `${UPSTREAM}/search?q=shoes`, method: 'POST', body: 'q=shoes', redirect: 'manual' });
    expect(req?.headers.get('cookie')).toBe('session=abc');
    expect(req?.headers.get('x-custom')).toBe('1');
    expect(req?.headers.get('x-forwarded-host')).toBe(new URL(BASE).host);
  });

  it('asks the origin for the full page, not a 304, when the browser revalidates a page', async () => {
    const site = await proxiedSite();
    const seen = mockUpstream(() => html(PAGE));
    const res = await page(site, '/', { headers: { 'if-none-match': '"v1"', 'if-modified-since': 'Mon, 23 Nov 2026 10:00:00 GMT' } });
    expect(res.status).toBe(200);
    expect(seen[0]?.headers.get('if-none-match')).toBeNull();
    expect(seen[0]?.headers.get('if-modified-since')).toBeNull();
    // Assets keep their validators: a stylesheet may be revalidated as usual.
    await page(site, '/a.css', { headers: { accept: 'text/css', 'if-none-match': '"css"' } });
    expect(seen[1]?.headers.get('if-none-match')).toBe('"css"');
  });

  it('personalizes a 200 HTML page: snippet once, private, no validators, the origin’s cookie kept, no visitor cookie', async () => {
    const site = await proxiedSite();
    mockUpstream(() =>
      html(PAGE, {
        'cache-control': 'public, s-maxage=600',
        etag: '"v1"',
        'last-modified': 'Mon, 23 Nov 2026 10:00:00 GMT',
        'set-cookie': 'session=abc; Path=/',
      }),
    );
    const res = await page(site, '/');
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(count(body, '/_wm/wm.js')).toBe(1);
    expect(body).toContain(`data-site="${site}"`);
    expect(body).toContain('Default hero');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('vary')).toMatch(/Cookie/);
    expect(res.headers.get('etag')).toBeNull();
    expect(res.headers.get('last-modified')).toBeNull();
    const cookies = res.headers.getSetCookie();
    expect(cookies.some((c) => c.startsWith('session=abc'))).toBe(true);
    expect(visitorSetCookie(res)).toBeUndefined();
  });

  it('passes non-HTML through byte for byte with its headers', async () => {
    const site = await proxiedSite();
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 255, 128, 7]);
    const headers = { 'content-type': 'image/png', etag: '"img"', 'cache-control': 'public, max-age=31536000' };
    mockUpstream(() => new Response(png, { headers }));
    const res = await page(site, '/logo.png', { headers: { accept: 'image/*' } });
    expect([...new Uint8Array(await res.arrayBuffer())]).toEqual([...png]);
    for (const [k, v] of Object.entries(headers)) expect(res.headers.get(k)).toBe(v);
    expect(res.headers.get('set-cookie')).toBeNull();

    mockUpstream(() => new Response('{"a":1}', { headers: { 'content-type': 'application/json' } }));
    const json = await page(site, '/api/cart');
    expect(await json.text()).toBe('{"a":1}');
  });

  it.each([
    [404, 'text/html', '<h1>Not found</h1>'],
    [500, 'text/html', '<h1>Oops</h1>'],
  ])('passes a %i from the origin through unchanged', async (status, type, body) => {
    const site = await proxiedSite();
    mockUpstream(() => new Response(body, { status, headers: { 'content-type': type, 'cache-control': 'public, max-age=60' } }));
    const res = await page(site, '/missing');
    expect(res.status).toBe(status);
    expect(await res.text()).toBe(body);
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('passes a redirect through to the browser with its Location, and HEAD untouched', async () => {
    const site = await proxiedSite();
    mockUpstream(() => new Response(null, { status: 302, headers: { location: '/login?next=%2Fcart', 'set-cookie': 'flash=1' } }));
    const res = await page(site, '/cart');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/login?next=%2Fcart');
    expect(res.headers.getSetCookie()).toEqual(['flash=1']);

    mockUpstream(() => new Response(null, { headers: { 'content-type': 'text/html', etag: '"v1"', 'cache-control': 'public' } }));
    const head = await page(site, '/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe('"v1"');
    expect(head.headers.get('cache-control')).toBe('public');
  });

  it('points a redirect to the upstream’s own origin at the proxied host; other hosts pass', async () => {
    const site = await proxiedSite();
    const proxied = new URL(BASE).origin;
    for (const [status, location, expected] of [
      [301, `${UPSTREAM}/shoes/?sort=new`, `${proxied}/shoes/?sort=new`],
      [302, 'http://origin.shop.example/login?next=%2Fcart', `${proxied}/login?next=%2Fcart`],
      [307, 'https://pay.example/checkout?o=1', 'https://pay.example/checkout?o=1'],
      [308, '/relative', '/relative'],
    ] as const) {
      mockUpstream(() => new Response(null, { status, headers: { location, 'set-cookie': 'flash=1' } }));
      const res = await page(site, '/old');
      expect(res.status).toBe(status);
      expect(res.headers.get('location')).toBe(expected);
      expect(res.headers.getSetCookie()).toEqual(['flash=1']);
    }
  });

  it('answers 502 with a reason when the origin cannot be reached', async () => {
    const site = await proxiedSite();
    mockUpstream(() => {
      throw new Error('connection refused');
    });
    const res = await page(site, '/');
    expect(res.status).toBe(502);
    expect((await res.json<{ error: string }>()).error).toMatch(/did not answer: connection refused/);
  });

  it('never sets the visitor cookie on a page, whatever the consent: the snippet’s first batch gets it', async () => {
    const optOut = await proxiedSite();
    mockUpstream(() => html(PAGE));
    expect(visitorSetCookie(await page(optOut, '/'))).toBeUndefined();
    expect(visitorSetCookie(await page(optOut, '/', { headers: { 'sec-gpc': '1' } }))).toBeUndefined();
    expect(visitorSetCookie(await page(optOut, '/', { headers: { cookie: 'wm_optout=1' } }))).toBeUndefined();
    const optIn = await proxiedSite({ consentPolicy: 'opt-in' });
    expect(visitorSetCookie(await page(optIn, '/'))).toBeUndefined();
    // Where storing is allowed without asking, the first batch (POST /_wm/e) mints the id.
    const batch = await post([makeEvent()], { site: optOut });
    expect(batch.status).toBe(200);
    expect(visitorSetCookie(batch)).toBeDefined();
  });

  it('sends a first visit’s headers before the upstream has sent the whole page (no read-ahead)', async () => {
    const site = await proxiedSite();
    const encoder = new TextEncoder();
    const { readable, writable } = new IdentityTransformStream();
    const writer = writable.getWriter();
    const head = `<!doctype html><html><head><title>Slow</title></head><body>${'<p>first part</p>'.repeat(1_000)}`;
    // The opt-in tag would come only after the headers: it is the snippet's to obey, not the page's.
    const rest = '<script async src="/_wm/wm.js" data-site="demo" data-consent="opt-in"></script></body></html>';
    const writing = writer.write(encoder.encode(head));
    mockUpstream(() => new Response(readable, { headers: { 'content-type': 'text/html' } }));
    const headersFirst = await Promise.race([
      page(site, '/slow').then((res) => res),
      new Promise<'held'>((resolve) => setTimeout(() => resolve('held'), 5_000)),
    ]);
    expect(headersFirst, 'the headers waited for the rest of the page').not.toBe('held');
    const res = headersFirst as Response;
    expect(res.status).toBe(200);
    expect(visitorSetCookie(res)).toBeUndefined();
    const body = res.text();
    await writing;
    await writer.write(encoder.encode(rest));
    await writer.close();
    const text = await body;
    expect(text.endsWith(rest)).toBe(true);
    expect(text).toContain('data-site="proxy-test-');
  });

  it('sets no cookie on a page whose own tag asks for opt-in, even on an opt-out site', async () => {
    const site = await proxiedSite();
    const optInPage = PAGE.replace('</title>', '</title><script async src="/_wm/wm.js" data-site="demo" data-consent="opt-in"></script>');
    mockUpstream(() => html(optInPage));
    const res = await page(site, '/fixtures/opt-in');
    expect(visitorSetCookie(res)).toBeUndefined();
    expect(await res.text()).toBe(marked(optInPage));
  });

  it('sets no cookie on an opt-out site when the page’s opt-in tag sits at the end of <body>', async () => {
    const site = await proxiedSite();
    const late = PAGE.replace(
      '</body>',
      `${'<p>long page</p>'.repeat(2_000)}<script async src="/_wm/wm.js" data-site="demo" data-consent="opt-in"></script></body>`,
    );
    mockUpstream(() => html(late));
    const res = await page(site, '/fixtures/opt-in-late');
    expect(visitorSetCookie(res)).toBeUndefined();
    // The page is whole: the read-ahead branch is dropped, the other one rewritten.
    expect(await res.text()).toMatch(/<p>long page<\/p><script async src="\/_wm\/wm.js" data-site="demo" data-consent="opt-in"><\/script><\/body><\/html>$/);
  });

  it('personalizes for a valid visitor cookie only: a forged one gets the defaults and no new cookie', async () => {
    const site = await proxiedSite();
    mockUpstream(() => html(PAGE));
    const forged = await page(site, '/', { headers: { cookie: 'wm_vid=AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA' } });
    expect(visitorSetCookie(forged)).toBeUndefined();
    expect(await forged.text()).toContain('Default hero');
  });

  it('serves the static files as before when the site has no proxy config', async () => {
    const site = await proxiedSite({ proxy: undefined });
    const seen = mockUpstream(() => html('<p>origin</p>'));
    const res = await page(site, '/');
    expect(seen).toHaveLength(0);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.text()).not.toContain('<p>origin</p>');
  });
});

function visitorSetCookie(res: Response): string | undefined {
  return res.headers
    .getSetCookie()
    .map((c) => /^wm_vid=([^;]+)/.exec(c)?.[1])
    .find(Boolean);
}

// ---- The demo: WM_PROXY_SITE = "demo" (wrangler.toml) with upstream "assets", through SELF. ----

describe('proxy route for the demo site (upstream: assets)', () => {
  beforeAll(async () => {
    // What the lead sets in DEMO_SITE; a high version keeps the seed from replacing it.
    await env.CONFIG.put('site:demo', JSON.stringify({ ...DEMO_SITE, version: 1_000, proxy: { upstream: 'assets' } }));
  });

  it('serves the demo page through the rewriter without a second snippet', async () => {
    const res = await SELF.fetch(`${BASE}/`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('data-wm-slot="hero"');
    expect(count(body, 'src="/_wm/wm.js"')).toBe(1);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(visitorSetCookie(res)).toBeUndefined(); // the snippet's first batch mints it
  });

  it('fills the hero for a visitor whose profile puts them in a segment (zero flicker)', async () => {
    const collected = await post([makeEvent({ type: 'prefs', name: undefined, props: undefined, prefs: { sport: 'trail' } })]);
    const cookie = visitorCookie(collected);
    expect(cookie).toBeDefined();
    const res = await SELF.fetch(`${BASE}/`, { headers: { accept: 'text/html', cookie: cookie ?? '' } });
    const body = await res.text();
    expect(body).toMatch(/data-wm-slot="hero"[^>]*data-wm-filled="trail-runners"/);
    expect(body).toContain('Dirt, roots and rock');
    expect(body).not.toContain('Gear for the long way round');
    expect(visitorSetCookie(res)).toBeUndefined(); // the visitor already has one
  });

  it('passes the demo’s CSS through untouched and leaves /_wm/ routes alone', async () => {
    const css = await SELF.fetch(`${BASE}/assets/shop.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/text\/css/);
    expect(css.headers.get('cache-control')).not.toBe('private, no-store');
    const unknown = await SELF.fetch(`${BASE}/_wm/nope`);
    expect(unknown.status).toBe(404);
    expect((await unknown.json<{ error: string }>()).error).toMatch(/no route/);
  });
});

describe('in-app messages in proxied pages', () => {
  const message = (body: string): MessageDecision => ({
    kind: 'message',
    id: 'cart-reminder',
    variant: 'saved',
    type: 'toast',
    trigger: { on: 'load' },
    body,
    priority: 50,
    why: 'segment "Left the cart behind"',
  });

  it('embeds the message decisions as an inert JSON block, with the UI chunk, at the end of <body>', async () => {
    const out = await rewritePage(html(PAGE), [message('Your cart is waiting')], OPTIONS).text();
    const match = out.match(/<script type="application\/json" data-wm-ui>(.*?)<\/script><script async src="\/_wm\/wm-ui.js"><\/script><\/body>/);
    expect(match).not.toBeNull();
    expect(JSON.parse(match?.[1] ?? '[]')).toEqual([message('Your cart is waiting')]);
    // No block without messages.
    expect(await rewritePage(html(PAGE), [], OPTIONS).text()).not.toContain('data-wm-ui');
  });

  it('no text in a message can close the block or open a script', () => {
    const hostile = '</script><script>alert(1)</script><!-- \u2028';
    const block = decisionsBlock([message(hostile)]);
    expect(block.indexOf('</script>')).toBe(block.length - '</script>'.length);
    expect(block).not.toContain('<!--');
    const json = block.slice(block.indexOf('>') + 1, -'</script>'.length);
    expect((JSON.parse(json) as MessageDecision[])[0]?.body).toBe(hostile);
  });
});
