// Proxy mode's added latency and CPU: the same generated page (10 KB, 100 KB, 1 MB) fetched through
// the worker (a) as plain pass-through and (b) personalized by HTMLRewriter, for a new visitor
// (snippet injected, no cookie, no profile) and a returning one (the visitor's Durable Object
// decides, a slot is filled). One more row serves the 100 KB page from a slow origin (its first
// 16 KB, then 100 ms, then the rest) to compare first-visit and returning time to first byte. The
// origin is a Node http server on 127.0.0.1 started here; the worker is the real one from
// wrangler.toml (`unstable_startWorker`, local workerd), with its site config for this run written
// to a throwaway local KV directory first. Loopback only, bounded in count and time.

process.env.WRANGLER_SEND_METRICS = 'false';
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
process.env.WRANGLER_HIDE_BANNER = 'true';
process.env.WRANGLER_LOG ??= 'warn';

import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { percentile } from './collect.mjs';

import { alignTable } from './table.mjs';
import { AS_BROWSER } from '../e2e/support/user-agent.mjs';
import { workerdCpuByPid, workerdCpuSince } from './workerd-cpu.mjs';
import { inspectorOption, maybeProfile } from './profile.mjs';

const run = promisify(execFile);

/**
 * @typedef {{ config: string, concurrency: number, requests: number, seconds: number, rounds: number }} ProxyOptions
 * `requests` and `seconds` bound each (page size, mode) cell: 1 MB pages get a quarter of the requests.
 */
/** @type {ProxyOptions} */
export const PROXY_DEFAULTS = { config: 'wrangler.toml', concurrency: 8, requests: 400, seconds: 6, rounds: 4 };

/**
 * The pages of the table. `slow`: the origin sends SLOW_HEAD_BYTES, waits SLOW_PAUSE_MS, then the
 * rest (each request takes that long at least, hence fewer of them).
 * @typedef {{ label: string, bytes: number, share: number, slow?: boolean }} PageSize
 * @type {PageSize[]}
 */
const SIZES = [
  { label: '10 KB', bytes: 10 * 1024, share: 1 },
  { label: '100 KB', bytes: 100 * 1024, share: 1 },
  { label: '1 MB', bytes: 1024 * 1024, share: 0.25 },
  { label: '100 KB, slow origin', bytes: 100 * 1024, share: 0.25, slow: true },
];
const SLOW_HEAD_BYTES = 16 * 1024;
const SLOW_PAUSE_MS = 100;
const SITE = 'bench-proxy';

/**
 * A shop-like page of about `bytes` bytes with four slots (hero, category-promo and two without
 * variants) and no snippet tag, so the worker injects one.
 */
export function makePage(/** @type {number} */ bytes) {
  const head =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bench shop</title>' +
    '<link rel="stylesheet" href="/assets/shop.css"></head><body>' +
    '<section class="hero" data-wm-slot="hero"><h1>Default hero</h1><p>Gear for the long way round.</p></section>' +
    '<aside data-wm-slot="category-promo"><p>Default promo</p></aside><main>';
  const tail = '<div data-wm-slot="footer-note">Default note</div><div data-wm-slot="newsletter">Sign up</div></main></body></html>';
  const cards = [];
  let size = head.length + tail.length;
  for (let i = 0; size < bytes; i++) {
    const card =
      `<article class="card" data-sku="sku-${i}"><h2><a href="/product/p-${i}">Trail runner ${i}</a></h2>` +
      `<p>Grippy lugs, a rock plate and a breathable upper for long days on technical trails, size ${i % 13}.</p>` +
      `<button data-wm-track="add_to_cart" data-wm-props='{"sku":"sku-${i}"}'>Add to cart</button></article>\n`;
    cards.push(card);
    size += card.length;
  }
  return head + cards.join('') + tail;
}

/**
 * The origin: /page/<bytes> as text/html, /raw/<bytes> the same bytes as text/plain, /pass/<bytes>
 * as text/html with status 203 (the worker rewrites only a 200: it passes this one through, as
 * HTML); `?slow=1` sends the first SLOW_HEAD_BYTES at once and the rest SLOW_PAUSE_MS later.
 */
async function startOrigin() {
  /** @type {Map<number, Buffer>} */
  const pages = new Map(SIZES.map((s) => [s.bytes, Buffer.from(makePage(s.bytes))]));
  const server = createServer((req, res) => {
    const match = /^\/(page|raw|pass)\/(\d+)(\?slow=1)?$/.exec(req.url ?? '');
    const body = match ? pages.get(Number(match[2])) : undefined;
    if (!match || !body) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(match[1] === 'pass' ? 203 : 200, {
      'content-type': match[1] === 'raw' ? 'text/plain; charset=utf-8' : 'text/html; charset=utf-8',
      'content-length': body.length,
      'cache-control': 'public, max-age=60',
      etag: `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`,
    });
    if (!match[3]) {
      res.end(body);
      return;
    }
    res.write(body.subarray(0, SLOW_HEAD_BYTES));
    setTimeout(() => res.end(body.subarray(SLOW_HEAD_BYTES)), SLOW_PAUSE_MS);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('origin did not get a port');
  return { server, origin: `http://127.0.0.1:${address.port}`, pages };
}

/**
 * The site this run proxies: the demo's segments and slots, upstream = the local origin. Written
 * with `wrangler kv key put --local` into a fresh persistence directory the worker then starts on.
 * @param {string} config @param {string} persistTo @param {string} upstream
 */
async function writeSite(config, persistTo, upstream) {
  const { DEMO_SITE } = await loadDemoSite();
  const site = { ...DEMO_SITE, id: SITE, version: 1, origins: [], consentPolicy: 'opt-out', proxy: { upstream } };
  await run(
    './node_modules/.bin/wrangler',
    ['kv', 'key', 'put', '--config', config, '--local', '--persist-to', persistTo, '--binding', 'CONFIG', `site:${SITE}`, JSON.stringify(site)],
    {
      env: process.env,
    },
  );
}

/** edge/src/demo/seed.ts is TypeScript: bundle it with esbuild (a dev dependency) to read it. */
async function loadDemoSite() {
  const { build } = await import('esbuild');
  const out = await build({ entryPoints: ['edge/src/demo/seed.ts'], bundle: true, format: 'esm', write: false, platform: 'neutral', logLevel: 'silent' });
  const code = out.outputFiles[0].text;
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}

/**
 * `ttfb`: ms until the response headers arrived; `cpuMs`: workerd CPU (user + system) spent while
 * the cell ran, summed over its rounds.
 * @typedef {{ mode: string, size: string, bytes: number, requests: number, seconds: number, latencies: number[], ttfb: number[], cpuMs: number | null, errors: number, samples: string[] }} Cell
 */

/**
 * @param {(line: string) => void} progress
 * @param {Partial<ProxyOptions>} [options]
 */
export async function measureProxy(progress, options = {}) {
  const o = { ...PROXY_DEFAULTS, ...options };
  const { server, origin: upstream, pages } = await startOrigin();
  const persistTo = await mkdtemp(join(tmpdir(), 'waymark-bench-proxy-'));
  /** @type {{ dispose(): Promise<void> } | undefined} */
  let worker;
  try {
    progress(`proxy: origin on ${upstream}; writing site "${SITE}" to a local KV in ${persistTo}`);
    await writeSite(o.config, persistTo, upstream);
    const { unstable_startWorker } = await import('wrangler');
    const t0 = performance.now();
    const started = await unstable_startWorker({
      config: o.config,
      bindings: { WM_PROXY_SITE: { type: 'plain_text', value: SITE } },
      dev: { server: { port: 0 }, persist: persistTo, watch: false, inspector: inspectorOption() },
    });
    worker = started;
    await started.ready;
    const base = (await started.url).origin;
    progress(`proxy: worker ready at ${base} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return await drive(base, upstream, pages, o, progress, started);
  } finally {
    await worker?.dispose();
    await new Promise((resolve) => server.close(() => resolve(undefined)));
    server.closeAllConnections();
    await rm(persistTo, { recursive: true, force: true });
  }
}

/**
 * @param {string} base @param {string} upstream @param {Map<number, Buffer>} pages
 * @param {ProxyOptions} o @param {(line: string) => void} progress
 * @param {{ inspectorUrl: Promise<URL | undefined> }} worker
 */
async function drive(base, upstream, pages, o, progress, worker) {
  // A returning visitor: one stored prefs event puts them in the demo's trail-runners segment.
  const now = Date.now();
  const res = await fetch(`${base}/_wm/e`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', ...AS_BROWSER },
    body: JSON.stringify({
      site: SITE,
      events: [{ id: `bench-proxy-${now}`, type: 'prefs', ts: now, sid: 'bench-proxy-s1', url: `${base}/`, prefs: { sport: 'trail' } }],
    }),
  });
  const vid = res.ok ? (await res.json()).vid : undefined;
  if (!vid) throw new Error(`could not create the returning visitor: HTTP ${res.status}`);
  const cookie = `wm_vid=${vid}`;

  /**
   * @typedef {{ mode: string, url: (size: PageSize) => string, headers: Record<string, string>, status?: number, check: (body: string, bytes: number, res: Response) => string | undefined }} Mode
   * @type {Mode[]}
   */
  const slow = (/** @type {PageSize} */ size) => (size.slow ? '?slow=1' : '');
  const modes = [
    {
      mode: 'origin direct (no worker)',
      url: (s) => `${upstream}/raw/${s.bytes}${slow(s)}`,
      headers: {},
      check: (body, b) => (body.length === pages.get(b)?.length ? undefined : 'body differs from the page'),
    },
    {
      // The baseline of ×pass: the worker loads the site and streams the origin's HTML back as it
      // came. It is HTML (a 203, which the worker never rewrites) because local `wrangler dev` runs
      // every text/html response through an HTMLRewriter of its own (its ProxyWorker's live-reload
      // hook): the proxied pages pay that too, Cloudflare has no such layer.
      mode: 'worker pass-through',
      url: (s) => `${base}/pass/${s.bytes}${slow(s)}`,
      headers: { accept: 'text/html' },
      status: 203,
      check: (body, b, r) => (body === pages.get(b)?.toString() && r.headers.get('etag') ? undefined : 'pass-through changed the body or headers'),
    },
    {
      // The same bytes as text/plain: the original baseline, without wrangler's HTML parse.
      mode: 'worker pass-through, text/plain',
      url: (s) => `${base}/raw/${s.bytes}${slow(s)}`,
      headers: { accept: '*/*' },
      check: (body, b, r) => (body === pages.get(b)?.toString() && r.headers.get('etag') ? undefined : 'pass-through changed the body or headers'),
    },
    {
      mode: 'proxy, new visitor',
      url: (s) => `${base}/page/${s.bytes}${slow(s)}`,
      headers: { accept: 'text/html' },
      // A page never mints the visitor cookie: the snippet's first batch gets it from /_wm/e,
      // under the consent its tag says (edge/src/usecases/proxy-page.ts).
      check: (body, _b, r) => {
        if (!body.includes('data-site="bench-proxy"')) return 'snippet not injected';
        return /wm_vid=/.test(r.headers.get('set-cookie') ?? '') ? 'a page set the visitor cookie' : undefined;
      },
    },
    {
      mode: 'proxy, returning (slot filled)',
      url: (s) => `${base}/page/${s.bytes}${slow(s)}`,
      headers: { accept: 'text/html', cookie },
      check: (body) => (body.includes('data-wm-filled="trail-runners"') ? undefined : 'hero slot not filled'),
    },
  ];

  /** @type {Cell[]} */
  const cells = [];
  for (const size of SIZES)
    for (const m of modes)
      cells.push({ mode: m.mode, size: size.label, bytes: size.bytes, requests: 0, seconds: 0, latencies: [], ttfb: [], cpuMs: 0, errors: 0, samples: [] });
  const cellOf = (/** @type {string} */ mode, /** @type {string} */ label) => /** @type {Cell} */ (cells.find((c) => c.mode === mode && c.size === label));

  // Warm-up (not measured, errors not counted): compile every code path, open connections.
  progress('proxy: warm-up');
  const scratch = () => ({ requests: 0, seconds: 0, latencies: [], ttfb: [], errors: 0, samples: [] });
  for (const size of SIZES) for (const m of modes) await Promise.all(Array.from({ length: o.concurrency }, () => once(m, size, scratch())));

  // Rounds alternate every (size, mode) cell, in reverse order every other round, so drift on a
  // busy machine (client and worker share the cores) hits all modes alike.

  for (let round = 1; round <= o.rounds; round++) {
    for (const size of SIZES) {
      const perCell = Math.max(1, Math.round((o.requests * size.share) / o.rounds));
      for (const m of round % 2 ? modes : [...modes].reverse()) {
        const cell = cellOf(m.mode, size.label);
        const deadline = performance.now() + (o.seconds / o.rounds) * 1000;
        const t = performance.now();
        const cpuBefore = workerdCpuByPid();
        let sent = 0;
        const lane = async () => {
          while (sent < perCell && performance.now() < deadline) {
            sent++;
            await once(m, size, cell);
          }
        };
        await Promise.all(Array.from({ length: o.concurrency }, lane));
        const cpu = workerdCpuSince(cpuBefore);
        cell.cpuMs = cell.cpuMs === null || cpu === null ? null : cell.cpuMs + cpu;
        cell.seconds += (performance.now() - t) / 1000;
      }
    }
    progress(`proxy: round ${round}/${o.rounds} done`);
  }
  if (process.env.WM_BENCH_PROFILE) await profileCells(worker, modes, o, progress);
  return { cells, modes: modes.map((m) => m.mode), options: o };
}

/**
 * Requests per profiled cell, two in flight. With its inspector on, wrangler's local proxy workerd
 * keeps sockets open per request (thousands after the warm-up); at the bench's full count and
 * concurrency it reached the 20,000 open-files limit and the worker stopped answering.
 */
const PROFILED_REQUESTS = Number(process.env.WM_BENCH_PROFILE_REQUESTS ?? 150);

/** The cells a profile is taken of (after the measured rounds, so the profiler's cost stays out of the table). */
const PROFILED = [
  { label: 'pass-100k', mode: 'worker pass-through' },
  { label: 'new-100k', mode: 'proxy, new visitor' },
  { label: 'returning-100k', mode: 'proxy, returning (slot filled)' },
];

/**
 * WM_BENCH_PROFILE=file: one V8 CPU profile of the worker isolate per PROFILED cell on the 100 KB
 * page (bench/profile.mjs), each over PROFILED_REQUESTS requests.
 * @param {{ inspectorUrl: Promise<URL | undefined> }} worker
 * @param {{ mode: string, url: (size: PageSize) => string, headers: Record<string, string>, status?: number, check: (body: string, bytes: number, res: Response) => string | undefined }[]} modes
 * @param {ProxyOptions} o @param {(line: string) => void} progress
 */
async function profileCells(worker, modes, o, progress) {
  const { runtime, close } = await runtimeInspector(worker);
  try {
    await profileEach(runtime, modes, o, progress);
  } finally {
    close();
  }
}

/**
 * bench/profile.mjs's session, through a relay to wrangler's inspector proxy that turns its
 * Network domain off (wrangler enables it for DevTools) and passes back only replies (with an
 * id; profile.mjs waits for nothing else). A session straight to `worker.inspectorUrl` under the
 * bench's full load made wrangler's proxy workerd open sockets until the open-files limit (20,000)
 * and the bench stalled; the relay alone did not stop that, fewer requests (PROFILED_REQUESTS) did.
 * A direct session to the runtime's own inspector is closed at once while wrangler's proxy holds it.
 * @param {{ inspectorUrl: Promise<URL | undefined> }} worker
 */
async function runtimeInspector(worker) {
  const inspector = await worker.inspectorUrl;
  if (!inspector) throw new Error('WM_BENCH_PROFILE is set but the worker has no inspector');
  const [target] = await (await fetch(new URL('/json', inspector))).json();
  const WebSocket = createRequire(import.meta.url)('ws');
  const server = createServer();
  const relay = new WebSocket.WebSocketServer({ server });
  relay.on('connection', (/** @type {import('ws').WebSocket} */ client) => {
    const upstream = new WebSocket(target.webSocketDebuggerUrl);
    /** @type {string[]} */
    const queued = [];
    upstream.on('open', () => {
      upstream.send(JSON.stringify({ id: 1e9, method: 'Network.disable' }));
      for (const m of queued.splice(0)) upstream.send(m);
    });
    upstream.on('message', (/** @type {Buffer} */ data) => {
      const message = JSON.parse(String(data));
      if (typeof message.id === 'number' && message.id < 1e8) client.send(String(data));
    });
    client.on('message', (/** @type {Buffer} */ data) => (upstream.readyState === 1 ? upstream.send(String(data)) : queued.push(String(data))));
    client.on('close', () => upstream.close());
    upstream.on('close', () => client.close());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  server.on('request', (req, res) => {
    if (req.url === '/json')
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([{ webSocketDebuggerUrl: `ws://127.0.0.1:${port}/ws` }]));
  });
  return {
    runtime: { inspectorUrl: Promise.resolve(new URL(`http://127.0.0.1:${port}/`)) },
    close: () => {
      relay.close();
      server.close();
    },
  };
}

/**
 * @param {{ inspectorUrl: Promise<URL | undefined> }} worker
 * @param {{ mode: string, url: (size: PageSize) => string, headers: Record<string, string>, status?: number, check: (body: string, bytes: number, res: Response) => string | undefined }[]} modes
 * @param {ProxyOptions} o @param {(line: string) => void} progress
 */
async function profileEach(worker, modes, o, progress) {
  const size = /** @type {PageSize} */ (SIZES.find((s) => s.label === '100 KB'));
  for (const { label, mode } of PROFILED) {
    const m = /** @type {(typeof modes)[number]} */ (modes.find((x) => x.mode === mode));
    progress(`proxy: profiling ${mode}, ${size.label}`);
    await maybeProfile(
      worker,
      label,
      async () => {
        const cell = { requests: 0, seconds: 0, latencies: [], ttfb: [], errors: 0, samples: [] };
        let sent = 0;
        const lane = async () => {
          while (sent < PROFILED_REQUESTS) {
            sent++;
            await once(m, size, cell);
          }
        };
        await Promise.all(Array.from({ length: 2 }, lane));
        if (cell.errors) throw new Error(`profiled cell ${label} had errors: ${cell.samples.join('; ')}`);
        return cell.requests;
      },
      (n) => n,
    );
  }
}

/**
 * One timed request, measured until the whole body is read (and, for `ttfb`, until its headers).
 * @param {{ url: (size: PageSize) => string, headers: Record<string, string>, status?: number, check: (body: string, bytes: number, res: Response) => string | undefined }} m
 * @param {PageSize} size @param {Pick<Cell, 'requests' | 'seconds' | 'latencies' | 'ttfb' | 'errors' | 'samples'>} cell
 */
async function once(m, size, cell) {
  const t0 = performance.now();
  let problem;
  try {
    const res = await fetch(m.url(size), { headers: { ...AS_BROWSER, ...m.headers } });
    cell.ttfb.push(performance.now() - t0);
    const body = await res.text();
    problem = res.status === (m.status ?? 200) ? m.check(body, size.bytes, res) : `HTTP ${res.status}: ${body.slice(0, 120)}`;
  } catch (err) {
    problem = `network: ${/** @type {Error} */ (err).message}`;
  }
  cell.latencies.push(performance.now() - t0);
  cell.requests++;
  if (problem) {
    cell.errors++;
    if (cell.samples.length < 2 && !cell.samples.includes(problem)) cell.samples.push(problem);
  }
}

/** @param {Awaited<ReturnType<typeof measureProxy>>} r */
export function formatProxy(r) {
  const ms = (/** @type {number} */ x) => `${x.toFixed(1)} ms`;
  const rate = (/** @type {Cell} */ c) => c.requests / c.seconds;
  const cpu = (/** @type {Cell} */ c) => (c.cpuMs === null || c.requests === 0 ? null : c.cpuMs / c.requests);
  const header = ['page', 'mode', 'requests', 'req/s', 'TTFB p50', 'p50', 'p99', 'p50 ×pass', 'p99 ×pass', 'req/s ×pass', 'CPU/req', 'CPU −pass', 'errors'];
  const rows = [];
  for (const size of SIZES) {
    const pass = r.cells.find((c) => c.size === size.label && c.mode === 'worker pass-through');
    const passCpu = pass ? cpu(pass) : null;
    for (const c of r.cells.filter((x) => x.size === size.label)) {
      const ratio = (/** @type {number} */ p) => (pass ? (percentile(c.latencies, p) / percentile(pass.latencies, p)).toFixed(2) : '-');
      const own = cpu(c);
      const worker = c.mode !== 'origin direct (no worker)';
      rows.push([
        size.label,
        c.mode,
        String(c.requests),
        String(Math.round(rate(c))),
        ms(percentile(c.ttfb, 50)),
        ms(percentile(c.latencies, 50)),
        ms(percentile(c.latencies, 99)),
        ratio(50),
        ratio(99),
        pass ? (rate(c) / rate(pass)).toFixed(2) : '-',
        worker && own !== null ? `${own.toFixed(2)} ms` : '-',
        worker && own !== null && passCpu !== null ? `${own - passCpu >= 0 ? '+' : ''}${(own - passCpu).toFixed(2)} ms` : '-',
        String(c.errors),
      ]);
    }
  }
  const lines = alignTable([header, ...rows], [false, false, true, true, true, true, true, true, true, true, true, true, true]);
  lines.push(
    '',
    `×pass = this mode over "worker pass-through" (HTML, not rewritten) for the same page. TTFB = until the response headers. CPU/req = user+system ms of` +
      ` the local workerd processes while the cell ran, per request; CPU −pass = that minus pass-through's. ${r.options.concurrency} in flight;` +
      ` modes alternated in ${r.options.rounds} rounds; each cell bounded at ${r.options.requests} requests (1 MB and the slow origin:` +
      ` a quarter) or ${r.options.seconds} s. Slow origin: ${SLOW_HEAD_BYTES / 1024} KB, then ${SLOW_PAUSE_MS} ms, then the rest.`,
  );
  for (const c of r.cells) for (const s of c.samples) lines.push(`error sample, ${c.size} ${c.mode}: ${s}`);
  return lines;
}

/** Any error (wrong status, unfilled slot, missing snippet, changed pass-through) is a failure. */
export const proxyFailed = (/** @type {Awaited<ReturnType<typeof measureProxy>>} */ r) => r.cells.some((c) => c.errors > 0);
