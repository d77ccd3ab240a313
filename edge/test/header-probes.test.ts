// Header and cache probes (issue #11 point 5). Proxy-mode pages and every /_wm/* route of the app
// (listed from Hono's own route table) get 100+ forwarding and override headers
// (header-probes.headers.json), from 2 visitors in different segments, on 20 paths plus
// cache-deception paths. The upstream is a deliberately naive origin that builds its URLs, redirects
// and CSP from whatever forwarding headers reach it (as many frameworks do), so any header the edge
// lets through shows up in its answer. Asserted over every response:
//   - no injected host or scheme comes back (canaries in any header or the body);
//   - nothing personal is storable by a shared cache (Set-Cookie or visitor content ⇒ private/no-store,
//     never public/s-maxage; personalized pages also Vary: Cookie);
//   - no piece of one visitor's content or id is in the other's response.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SiteConfigInput } from '../../protocol/config/site';
import { DEMO_SITE } from '../src/demo/seed';
import { app } from '../src/app';
import worker from '../src/index';
import probeList from './header-probes.headers.json';
import { BASE, makeEvent } from './helpers';

const SITE = 'probe-site';
const UPSTREAM = 'https://origin.shop.example';
const HTTPS = 'https://shop.example';
const CANARY = /wmcanary|evil\.example/i;
const PASSWORD = 'waymark-demo';
/** ~1,400 requests in all: seconds alone, longer on a busy machine. */
const PROBE_TIMEOUT_MS = 300_000;
/** The hero each visitor's segment shows (demo seed): A is a trail runner, B a hiker. */
const HERO = { A: 'Dirt, roots and rock', B: 'Pack light, go far' } as const;

/** The probe headers in rounds: round k carries the k-th value given for each header name. */
function rounds(): Record<string, string>[] {
  const byName = new Map<string, string[]>();
  for (const { name, value } of probeList.headers) byName.set(name.toLowerCase(), [...(byName.get(name.toLowerCase()) ?? []), value]);
  const count = Math.max(...[...byName.values()].map((values) => values.length));
  return Array.from({ length: count }, (_, k) =>
    Object.fromEntries([...byName].flatMap(([name, values]) => (values[k] === undefined ? [] : [[name, values[k]]]))),
  );
}
const ROUNDS = rounds();

const PATHS = [
  '/',
  '/category/running',
  '/category/hiking?sort=new',
  '/product/ridgeline-trail-runner',
  '/product/summit-30-daypack?utm_source=probe',
  '/cart',
  '/checkout',
  '/search?q=shoes',
  '/account',
  '/account/orders',
  '/profile',
  '/blog/post-1',
  '/about',
  '/index.html',
  '/en/',
  '/redirect/home',
  '/redirect/login',
  '/static/app.css',
  '/static/app.js',
  '/api/cart',
];
const DECEPTION_PATHS = [
  '/account/x.css',
  '/account/x.js',
  '/profile;.js',
  '/profile;.css',
  '/account%2fx.css',
  '/account/..;/x.css',
  '/account/%2e%2e/x.css',
  '/%2e/account.css',
  '/account.css?',
  '/account/x.png#',
  '/_wm/profile/x.css',
  '/_wm/me/x.css',
  '/_wm/me;.js',
  '/_wm/me%2ex.css',
  '/_wm/decide/x.css',
  '/_wm/%2e%2e/account/x.css',
  '/_wm/admin/api/session/x.css',
  '/_wm/admin/api/session;.css',
  '/_wm/admin/api/sites/..;/session.js',
];

// ---- A naive origin: trusts every forwarding header it sees ----

function forwardedParam(header: string | null, key: string): string | undefined {
  const match = header?.match(new RegExp(`(?:^|[;,\\s])${key}="?([^";,]+)`, 'i'));
  return match?.[1];
}

const REFLECTED_BY_ORIGIN = /host|proto|scheme|url|uri|path|prefix|port|forwarded|server|ssl|https|method|redirect|invoke|middleware/i;

function naiveOrigin(req: Request): Response {
  const h = req.headers;
  const url = new URL(req.url);
  const forwarded = h.get('forwarded') ?? h.get('x-forwarded');
  // Most trusting first: whatever the edge lets through wins over what it states itself.
  const scheme =
    h.get('x-forwarded-scheme') ?? h.get('x-url-scheme') ?? h.get('x-scheme') ?? forwardedParam(forwarded, 'proto') ?? h.get('x-forwarded-proto') ?? 'https';
  const host =
    forwardedParam(forwarded, 'host') ??
    h.get('x-original-host') ??
    h.get('x-host') ??
    h.get('x-forwarded-server') ??
    h.get('forwarded-host') ??
    h.get('x-forwarded-host') ??
    h.get('host') ??
    url.host;
  const port = h.get('x-forwarded-port');
  const prefix = h.get('x-forwarded-prefix') ?? h.get('x-forwarded-path') ?? '';
  const path = h.get('x-original-url') ?? h.get('x-rewrite-url') ?? h.get('x-original-uri') ?? url.pathname;
  const method = h.get('x-http-method-override') ?? h.get('x-http-method') ?? h.get('x-method-override') ?? req.method;
  const base = `${scheme}://${host}${port ? `:${port}` : ''}${prefix}`;
  if (path.startsWith('/redirect/')) {
    return new Response(null, {
      status: 302,
      headers: { location: `${base}/login?next=${encodeURIComponent(path)}`, 'set-cookie': 'flash=1; Path=/', 'cache-control': 'public, max-age=600' },
    });
  }
  if (path.startsWith('/static/') || path.startsWith('/api/')) {
    const type = path.endsWith('.css') ? 'text/css' : path.endsWith('.js') ? 'text/javascript' : 'application/json';
    return new Response(`/* ${method} */ url(${base}/img.png)`, { headers: { 'content-type': type, 'cache-control': 'public, max-age=31536000' } });
  }
  // And it prints every host-, scheme-, path- or method-like header it got, as debug pages do.
  const echoed = [...h]
    .filter(([name]) => REFLECTED_BY_ORIGIN.test(name))
    .map(([name, value]) => `${name}=${value}`)
    .join('; ');
  const page = `<!doctype html><html><head><title>Shop</title><link rel="canonical" href="${base}${path}"></head><body><!-- ${echoed} -->
<p data-method="${method}">Signed in as whoever owns the origin session</p>
<section data-wm-slot="hero"><h1>Default hero</h1></section>
<aside data-wm-slot="category-promo"><p>Default promo</p></aside>
<a href="${base}/cart">Cart</a></body></html>`;
  const headers: Record<string, string> = {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'public, max-age=60, s-maxage=600',
    link: `<${base}/app.css>; rel=preload; as=style`,
    'content-security-policy': `default-src 'self' ${base}; script-src 'self' 'nonce-probe' ${base}`,
  };
  if (path.startsWith('/account') || path.startsWith('/profile')) headers['set-cookie'] = 'origin_session=1; Path=/; HttpOnly';
  return new Response(page, { headers });
}

// ---- Requests through the worker (WM_PROXY_SITE = the probe site) ----

async function send(url: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(url, init), { ...env, WM_PROXY_SITE: SITE }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

type Visitor = { name: 'A' | 'B'; cookie: string; token: string; id: string };
type Probe = { label: string; url: string; visitor: Visitor; method: string; res: Response; body: string };
const probes: Probe[] = [];

async function visitor(name: 'A' | 'B', sport: string): Promise<Visitor> {
  const res = await send(`${BASE}/_wm/e`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', origin: BASE },
    body: JSON.stringify({ site: SITE, events: [makeEvent({ type: 'prefs', name: undefined, props: undefined, prefs: { sport } })] }),
  });
  expect(res.status).toBe(200);
  const token = res.headers.get('set-cookie')?.match(/wm_vid=([^;]+)/)?.[1];
  if (!token) throw new Error('no visitor cookie');
  return { name, cookie: `wm_vid=${token}`, token, id: token.split('.')[0] ?? token };
}

let A: Visitor;
let B: Visitor;
let admin: { cookie: string; csrf: string };

beforeAll(async () => {
  const config: SiteConfigInput = { ...DEMO_SITE, id: SITE, version: 1, proxy: { upstream: UPSTREAM }, origins: [...DEMO_SITE.origins, HTTPS] };
  await env.CONFIG.put(`site:${SITE}`, JSON.stringify(config));
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    if (new URL(req.url).origin !== UPSTREAM) throw new Error(`unexpected outbound fetch to ${req.url}`);
    return naiveOrigin(req);
  });
  A = await visitor('A', 'trail');
  B = await visitor('B', 'hiking');
  const login = await send(`${BASE}/_wm/admin/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: BASE, 'cf-connecting-ip': '192.0.2.200' },
    body: JSON.stringify({ password: PASSWORD }),
  });
  expect(login.status).toBe(200);
  admin = {
    cookie: `wm_admin=${login.headers.get('set-cookie')?.match(/wm_admin=([^;]+)/)?.[1] ?? ''}`,
    csrf: (await login.json<{ csrfToken: string }>()).csrfToken,
  };
});

afterAll(() => vi.restoreAllMocks());

async function probe(label: string, visitor: Visitor, url: string, init: RequestInit): Promise<Probe> {
  const res = await send(url, init);
  const p = { label, url, visitor, method: init.method ?? 'GET', res, body: await res.text() };
  probes.push(p);
  return p;
}

// ---- What every response must satisfy ----

function allHeaders(res: Response): string {
  return [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
}

/** Problems with one response; empty when it passes. */
function problems(p: Probe, other: Visitor): string[] {
  const found: string[] = [];
  const headers = allHeaders(p.res);
  if (CANARY.test(headers)) found.push(`injected host/scheme in headers: ${headers.split('\n').find((l) => CANARY.test(l))}`);
  if (CANARY.test(p.body)) found.push(`injected host/scheme in body: …${p.body.slice(Math.max(0, p.body.search(CANARY) - 60), p.body.search(CANARY) + 40)}…`);
  const method = p.body.match(/data-method="([^"]*)"/)?.[1];
  if (method !== undefined && method !== p.method) found.push(`the origin saw method ${method} for a ${p.method}`);
  const location = p.res.headers.get('location');
  if (location && new URL(location, p.url).host !== new URL(p.url).host) found.push(`Location off the host: ${location}`);

  const cacheControl = (p.res.headers.get('cache-control') ?? '').toLowerCase();
  const personalized = p.body.includes('data-wm-proxied') || /wm_vid/.test(headers) || p.label.includes('/_wm');
  const setsCookie = p.res.headers.has('set-cookie');
  if ((personalized || setsCookie) && (!/\b(private|no-store)\b/.test(cacheControl) || /\b(public|s-maxage)\b/.test(cacheControl)))
    found.push(`storable by a shared cache (Cache-Control: ${cacheControl || 'none'})`);
  if (p.body.includes('data-wm-proxied') && !/\bcookie\b/i.test(p.res.headers.get('vary') ?? '')) found.push('personalized page without Vary: Cookie');
  for (const name of ['cdn-cache-control', 'cloudflare-cdn-cache-control', 'surrogate-control'])
    if ((personalized || setsCookie) && p.res.headers.has(name)) found.push(`personal answer with ${name}`);

  // The admin API shows the whole site config (every hero) to a signed-in marketer: not a visitor's answer.
  if (new URL(p.url).pathname.startsWith('/_wm/admin/api/')) return found;
  if (p.body.includes(HERO[other.name]) || headers.includes(HERO[other.name])) found.push(`visitor ${other.name}'s hero in ${p.visitor.name}'s response`);
  if (p.body.includes(other.id) || headers.includes(other.id)) found.push(`visitor ${other.name}'s id in ${p.visitor.name}'s response`);
  return found;
}

function report(list: Probe[]): string[] {
  return list.flatMap((p) => problems(p, p.visitor === A ? B : A).map((problem) => `${p.label}: ${problem}`));
}

// ---- The probes ----

describe('header and cache probes', () => {
  it('has at least 100 probe headers and 20 paths', () => {
    expect(probeList.headers.length).toBeGreaterThanOrEqual(100);
    expect(PATHS.length).toBeGreaterThanOrEqual(20);
  });

  it(
    'proxy-mode pages and cache-deception paths: nothing reflected, nothing shared, nothing crossed',
    async () => {
      const before = probes.length;
      for (const [k, headers] of ROUNDS.entries()) {
        for (const path of [...PATHS, ...DECEPTION_PATHS]) {
          for (const who of [A, B]) {
            // Half the rounds over https, where the scheme is worth spoofing.
            const base = k % 2 ? HTTPS : BASE;
            await probe(`round ${k} ${who.name} GET ${base}${path}`, who, `${base}${path}`, {
              headers: { ...headers, accept: 'text/html,application/xhtml+xml', cookie: `${who.cookie}; origin_session=1` },
            });
          }
        }
      }
      const list = probes.slice(before);
      expect(list.length).toBeGreaterThanOrEqual(ROUNDS.length * 2 * 20);
      expect(report(list)).toEqual([]);
      // The probes mean something: each visitor did get their own personalized hero.
      expect(list.some((p) => p.visitor === A && p.body.includes(HERO.A))).toBe(true);
      expect(list.some((p) => p.visitor === B && p.body.includes(HERO.B))).toBe(true);
      // and the naive origin does reflect what reaches it (a header the edge must pass on, by design).
      expect(list.some((p) => p.body.includes(`rel="canonical" href="http://${new URL(BASE).host}/`))).toBe(true);
    },
    PROBE_TIMEOUT_MS,
  );

  it(
    'every /_wm/* route of the app: nothing reflected, nothing storable, nothing crossed',
    async () => {
      const routes = wmRoutes();
      expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['POST /_wm/e', 'GET /_wm/decide', 'GET /_wm/me', 'DELETE /_wm/me']));
      const before = probes.length;
      // Reads first, then writes (DELETE /_wm/me erases a visitor: last).
      const ordered = [...routes].sort((x, y) => weight(x.method, x.path) - weight(y.method, y.path));
      for (const [k, headers] of ROUNDS.entries()) {
        for (const route of ordered) {
          for (const who of [A, B]) {
            const path = route.path.replace(':visitorId', who.id);
            const url = `${BASE}${path}${path.includes('?') ? '&' : '?'}site=${SITE}&url=${encodeURIComponent(`${BASE}/category/running`)}`;
            const adminRoute = path.startsWith('/_wm/admin/api/') && !/\/(login|logout)$/.test(path);
            const cookie = `${who.cookie}${adminRoute ? `; ${admin.cookie}` : ''}`;
            const init: RequestInit = {
              method: route.method,
              headers: { ...headers, origin: BASE, cookie, 'content-type': 'application/json', ...(adminRoute ? { 'x-wm-csrf': admin.csrf } : {}) },
            };
            if (route.method !== 'GET' && route.method !== 'HEAD') init.body = bodyFor(path);
            await probe(`round ${k} ${who.name} ${route.method} ${path}`, who, url, init);
          }
        }
      }
      const list = probes.slice(before);
      expect(report(list)).toEqual([]);
      // Each visitor's own export is theirs: it names their id (before the erasure ran).
      const exports = list.filter((p) => p.method === 'GET' && p.label.endsWith(' GET /_wm/me') && p.res.status === 200);
      expect(exports.some((p) => p.body.includes(p.visitor.id))).toBe(true);
    },
    PROBE_TIMEOUT_MS,
  );
});

type Route = { method: string; path: string };

/** Every /_wm/* route Hono knows, as one concrete request each (middleware-only entries skipped). */
function wmRoutes(): Route[] {
  const seen = new Map<string, Route>();
  for (const route of app.routes) {
    if (!route.path.startsWith('/_wm')) continue;
    const methods = route.method === 'ALL' ? ['GET', 'POST'] : [route.method.toUpperCase()];
    const path = route.path
      .replace(/:site\b/g, SITE)
      .replace(/:collection\b/g, 'segments')
      .replace(/:id\b/g, 'probe')
      .replace(/:(?!visitorId)[A-Za-z]+/g, 'probe')
      .replace(/\*/g, 'probe');
    for (const method of methods) seen.set(`${method} ${path}`, { method, path });
  }
  return [...seen.values()];
}

function weight(method: string, path: string): number {
  if (path === '/_wm/me' && method === 'DELETE') return 3;
  return method === 'GET' || method === 'OPTIONS' ? 0 : 1;
}

function bodyFor(path: string): string {
  if (path === '/_wm/e') return JSON.stringify({ site: SITE, events: [makeEvent({ type: 'page', name: undefined, props: undefined })] });
  return '{}';
}
