// GrowthBook's Cloudflare edge app (@growthbook/edge-cloudflare) beside Waymark's proxy mode, on the
// same generated pages (makePage from bench/proxy.mjs: 10 KB, 100 KB, 1 MB) served by the same kind
// of Node origin on 127.0.0.1, each worker in local workerd (wrangler `unstable_startWorker`).
// Both make the same change: the hero gets the trail-runners variant for everyone. Waymark fills its
// `hero` slot for a returning visitor in that segment; GrowthBook runs one visual-editor experiment
// (100% of traffic to one variation whose DOM mutation sets the hero's HTML), fetched from a local
// features endpoint (a Node http server here). Every measured response is parsed and checked: a
// cell whose change was not applied is FAILED, not a number. Loopback only, bounded in count and time.

process.env.WRANGLER_SEND_METRICS = 'false';
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
process.env.WRANGLER_HIDE_BANNER = 'true';
process.env.WRANGLER_LOG ??= 'warn';

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { percentile } from './collect.mjs';
import { makePage } from './proxy.mjs';
import { alignTable } from './table.mjs';
import { AS_BROWSER } from '../e2e/support/user-agent.mjs';
import { workerdCpuByPid, workerdCpuSince } from './workerd-cpu.mjs';

const run = promisify(execFile);

/**
 * @typedef {{ config: string, concurrency: number, requests: number, seconds: number, rounds: number }} GrowthbookOptions
 * `requests` and `seconds` bound each (page size, mode) cell: 1 MB pages get a quarter of the requests.
 */
/** @type {GrowthbookOptions} */
export const GROWTHBOOK_DEFAULTS = { config: 'wrangler.toml', concurrency: 8, requests: 400, seconds: 6, rounds: 4 };

/** GrowthBook's worker: bench/growthbook/worker.mjs calling the package's `handleRequest`. */
const GROWTHBOOK_CONFIG = 'bench/growthbook/wrangler.toml';
const SIZES = [
  { label: '10 KB', bytes: 10 * 1024, share: 1 },
  { label: '100 KB', bytes: 100 * 1024, share: 1 },
  { label: '1 MB', bytes: 1024 * 1024, share: 0.25 },
];
const SITE = 'bench-growthbook';
const SEGMENT = 'trail-runners';
const CLIENT_KEY = 'sdk-bench-hero';
const PASS = 'worker pass-through';
const PASS_PLAIN = 'worker pass-through, text/plain';
const WAYMARK = 'Waymark proxy, returning (slot filled)';
const GROWTHBOOK = 'GrowthBook edge';

/**
 * A request not finished by then is an error, so a stuck request cannot stall a round for good. Not
 * a judgement of speed: with the machine at load 30 on 2 cores, 1 MB GrowthBook pages took 11-45 s
 * each (8 in flight, its isolate parsing one page at a time), and one took over 300 s in a bench run.
 */
const REQUEST_TIMEOUT_MS = 180_000;

/** The hero element of makePage's pages, and its inner HTML. */
const HERO = /<section class="hero"([^>]*)>([\s\S]*?)<\/section>/;
const CARD = '<article class="card"';

/**
 * The features payload GrowthBook's SDK fetches from `<api host>/api/features/<client key>`: no
 * feature flags, one running visual-editor experiment on the shop's pages. The visual editor writes
 * its changes as `domMutations` on each variation; the control has none. Weights 0/1 with full
 * coverage send everyone to the variation, so every page gets the change, as with Waymark's slot.
 * @param {string} heroHtml
 */
function featuresPayload(heroHtml) {
  return {
    status: 200,
    features: {},
    dateUpdated: '2026-12-01T00:00:00.000Z',
    experiments: [
      {
        key: 'bench-hero',
        name: 'Hero for trail runners',
        changeId: 'bench-hero-change-1',
        status: 'running',
        hashAttribute: 'id',
        hashVersion: 2,
        seed: 'bench-hero',
        phase: '0',
        coverage: 1,
        weights: [0, 1],
        meta: [
          { key: '0', name: 'Control' },
          { key: '1', name: 'Trail runners hero' },
        ],
        urlPatterns: [{ include: true, type: 'simple', pattern: '/page/*' }],
        variations: [
          { css: '', js: '', domMutations: [] },
          { css: '', js: '', domMutations: [{ selector: 'section.hero', action: 'set', attribute: 'html', value: heroHtml }] },
        ],
      },
    ],
  };
}

/** A Node http server on 127.0.0.1 (random port) answering with `handler`. */
async function listen(/** @type {import('node:http').RequestListener} */ handler) {
  const server = createServer(handler);
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('server did not get a port');
  return { server, url: `http://127.0.0.1:${address.port}` };
}

/**
 * The origin, as in bench/proxy.mjs: /page/<bytes> as text/html, /raw/<bytes> the same bytes as
 * text/plain, /pass/<bytes> as text/html with status 203 (Waymark's worker rewrites only a 200, so
 * it streams this one back untouched: the HTML pass-through).
 */
async function startOrigin() {
  /** @type {Map<number, Buffer>} */
  const pages = new Map(SIZES.map((s) => [s.bytes, Buffer.from(makePage(s.bytes))]));
  const { server, url } = await listen((req, res) => {
    const match = /^\/(page|raw|pass)\/(\d+)$/.exec(req.url ?? '');
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
    res.end(body);
  });
  return { server, origin: url, pages };
}

/**
 * The local features endpoint: GrowthBook's SDK asks `GET /api/features/<client key>`. Counts what
 * it served (the SDK caches the payload in the isolate and refreshes it when stale, after 60 s).
 * @param {object} payload
 */
async function startFeatures(payload) {
  const body = JSON.stringify(payload);
  const stats = { served: 0, unexpected: /** @type {string[]} */ ([]) };
  const { server, url } = await listen((req, res) => {
    if (req.method === 'GET' && req.url === `/api/features/${CLIENT_KEY}`) {
      stats.served++;
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
      return;
    }
    if (stats.unexpected.length < 5) stats.unexpected.push(`${req.method} ${req.url}`);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  return { server, url, stats };
}

/** edge/src/demo/seed.ts is TypeScript: bundle it with esbuild (a dev dependency) to read it. */
async function loadDemoSite() {
  const { build } = await import('esbuild');
  const out = await build({ entryPoints: ['edge/src/demo/seed.ts'], bundle: true, format: 'esm', write: false, platform: 'neutral', logLevel: 'silent' });
  const code = out.outputFiles[0].text;
  return /** @type {{ DEMO_SITE: { slots: { id: string, variants: { segment: string, content: { type: string, html?: string } }[] }[] } }} */ (
    await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)
  );
}

/**
 * The site Waymark proxies here (as bench/proxy.mjs writes it): the demo's segments and slots,
 * upstream = the local origin, in a throwaway local KV directory the worker then starts on.
 * @param {string} config @param {string} persistTo @param {object} demoSite @param {string} upstream
 */
async function writeSite(config, persistTo, demoSite, upstream) {
  const site = { ...demoSite, id: SITE, version: 1, origins: [], consentPolicy: 'opt-out', proxy: { upstream } };
  await run(
    './node_modules/.bin/wrangler',
    ['kv', 'key', 'put', '--config', config, '--local', '--persist-to', persistTo, '--binding', 'CONFIG', `site:${SITE}`, JSON.stringify(site)],
    { env: process.env },
  );
}

/** @param {{ slots: { id: string, variants: { segment: string, content: { type: string, html?: string } }[] }[] }} demoSite */
function heroVariantHtml(demoSite) {
  const variant = demoSite.slots.find((s) => s.id === 'hero')?.variants.find((v) => v.segment === SEGMENT);
  if (variant?.content.type !== 'html' || !variant.content.html) throw new Error(`the demo site has no html hero for ${SEGMENT}`);
  return variant.content.html;
}

/**
 * @typedef {{ mode: string, size: string, bytes: number, requests: number, seconds: number, cpuMs: number | null,
 *   latencies: number[], ttfbs: number[], sizes: number[], errors: number, samples: string[] }} Cell
 * @typedef {{ mode: string, url: (bytes: number) => string, headers: Record<string, string>, status?: number,
 *   check: (body: string, bytes: number, res: Response) => string | undefined }} Mode
 */

/**
 * @param {(line: string) => void} progress
 * @param {Partial<GrowthbookOptions>} [options]
 */
export async function measureGrowthbook(progress, options = {}) {
  const o = { ...GROWTHBOOK_DEFAULTS, ...options };
  // Not installed (or not resolvable): the run goes on with Waymark's cells only.
  const version = await readFile('node_modules/@growthbook/edge-cloudflare/package.json', 'utf8').then(
    (text) => String(JSON.parse(text).version),
    () => undefined,
  );
  const { DEMO_SITE } = await loadDemoSite();
  const heroHtml = heroVariantHtml(DEMO_SITE);
  const { server: originServer, origin: upstream, pages } = await startOrigin();
  const features = await startFeatures(featuresPayload(heroHtml));
  const persistTo = await mkdtemp(join(tmpdir(), 'waymark-bench-growthbook-'));
  /** @type {{ dispose(): Promise<void> }[]} */
  const workers = [];
  try {
    progress(`growthbook: origin on ${upstream}, features on ${features.url}; writing site "${SITE}" to a local KV in ${persistTo}`);
    await writeSite(o.config, persistTo, DEMO_SITE, upstream);
    const { unstable_startWorker } = await import('wrangler');
    let t0 = performance.now();
    const waymark = await unstable_startWorker({
      config: o.config,
      bindings: { WM_PROXY_SITE: { type: 'plain_text', value: SITE } },
      dev: { server: { port: 0 }, persist: persistTo, watch: false, inspector: false },
    });
    workers.push(waymark);
    await waymark.ready;
    const waymarkBase = (await waymark.url).origin;
    progress(`growthbook: Waymark's worker ready at ${waymarkBase} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    /** @type {string | undefined} */
    let growthbookBase;
    /** @type {string | undefined} */
    let unavailable;
    try {
      if (!version) throw new Error('@growthbook/edge-cloudflare is not installed (npm ci)');
      t0 = performance.now();
      const plain = (/** @type {string} */ value) => ({ type: /** @type {const} */ ('plain_text'), value });
      const growthbook = await unstable_startWorker({
        config: GROWTHBOOK_CONFIG,
        // The settings of GrowthBook's example wrangler.toml, every host on loopback. Visual
        // experiments run at the edge only (the injected SDK does not apply them again in the
        // browser); sticky bucketing stays off (its default), so no extra cookie work is measured.
        bindings: {
          NODE_ENV: plain('production'),
          PROXY_TARGET: plain(`${upstream}/`),
          GROWTHBOOK_API_HOST: plain(features.url),
          GROWTHBOOK_CLIENT_KEY: plain(CLIENT_KEY),
          RUN_VISUAL_EDITOR_EXPERIMENTS: plain('edge'),
          RUN_URL_REDIRECT_EXPERIMENTS: plain('browser'),
        },
        dev: { server: { port: 0 }, persist: false, watch: false, inspector: false, remote: false },
      });
      workers.push(growthbook);
      await growthbook.ready;
      growthbookBase = (await growthbook.url).origin;
      progress(`growthbook: GrowthBook's edge app ${version} ready at ${growthbookBase} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } catch (err) {
      // wrangler wraps the reason (a bundling error, a missing module) in `cause`.
      const error = /** @type {Error & { cause?: unknown }} */ (err);
      const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
      unavailable = `${error.message}${cause}`.split('\n')[0];
      progress(`growthbook: GrowthBook's edge app unavailable (${unavailable})`);
    }
    const result = await drive({ waymarkBase, growthbookBase, pages, heroHtml, o, progress });
    return { ...result, version, unavailable, features: features.stats };
  } finally {
    for (const worker of workers.reverse()) await worker.dispose();
    for (const server of [originServer, features.server]) {
      await new Promise((resolve) => server.close(() => resolve(undefined)));
      server.closeAllConnections();
    }
    await rm(persistTo, { recursive: true, force: true });
  }
}

/**
 * What a page must look like after the change: the hero holds exactly the variant's HTML, the
 * default hero is gone, and every product card is still there. Returns the problem, if any.
 * @param {string} body @param {string} heroHtml @param {number} cards
 */
function heroProblem(body, heroHtml, cards) {
  const hero = HERO.exec(body);
  if (!hero) return 'no hero element';
  if (hero[2] !== heroHtml) return `hero not changed: ${JSON.stringify(hero[2].slice(0, 60))}`;
  if (body.includes('Default hero')) return 'default hero still in the page';
  const found = countOf(body, CARD);
  return found === cards ? undefined : `${found} product cards instead of ${cards}`;
}

const countOf = (/** @type {string} */ text, /** @type {string} */ needle) => {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
};

/**
 * @param {{ waymarkBase: string, growthbookBase: string | undefined, pages: Map<number, Buffer>, heroHtml: string,
 *   o: GrowthbookOptions, progress: (line: string) => void }} args
 */
async function drive({ waymarkBase, growthbookBase, pages, heroHtml, o, progress }) {
  // A returning visitor: one stored prefs event puts them in the demo's trail-runners segment.
  const now = Date.now();
  const res = await fetch(`${waymarkBase}/_wm/e`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', ...AS_BROWSER },
    body: JSON.stringify({
      site: SITE,
      events: [{ id: `bench-growthbook-${now}`, type: 'prefs', ts: now, sid: 'bench-growthbook-s1', url: `${waymarkBase}/`, prefs: { sport: 'trail' } }],
    }),
  });
  const vid = res.ok ? (await res.json()).vid : undefined;
  if (!vid) throw new Error(`could not create the returning visitor: HTTP ${res.status}`);
  const cards = new Map([...pages].map(([bytes, page]) => [bytes, countOf(page.toString(), CARD)]));

  /** @type {Mode[]} */
  const modes = [
    {
      // The baseline, as in section 3: HTML, because local workerd's dev proxy runs every text/html
      // response (GrowthBook's and Waymark's pages alike) through an HTMLRewriter of its own, which
      // Cloudflare does not; a text/plain baseline would count that layer as the products' cost.
      mode: PASS,
      url: (b) => `${waymarkBase}/pass/${b}`,
      headers: { accept: 'text/html' },
      status: 203,
      check: (body, b, r) => (body === pages.get(b)?.toString() && r.headers.get('etag') ? undefined : 'pass-through changed the body or headers'),
    },
    {
      // The baseline before issue #14 (no dev-proxy HTML parse), for comparison with older results.
      mode: PASS_PLAIN,
      url: (b) => `${waymarkBase}/raw/${b}`,
      headers: { accept: '*/*' },
      check: (body, b, r) => (body === pages.get(b)?.toString() && r.headers.get('etag') ? undefined : 'pass-through changed the body or headers'),
    },
    {
      mode: WAYMARK,
      url: (b) => `${waymarkBase}/page/${b}`,
      headers: { accept: 'text/html', cookie: `wm_vid=${vid}` },
      check: (body, b) => {
        if (!HERO.exec(body)?.[1].includes(`data-wm-filled="${SEGMENT}"`)) return 'hero slot not marked filled';
        if (!body.includes(`data-site="${SITE}"`)) return 'snippet not injected';
        return heroProblem(body, heroHtml, cards.get(b) ?? 0);
      },
    },
  ];
  if (growthbookBase) {
    const base = growthbookBase;
    modes.push({
      mode: GROWTHBOOK,
      url: (b) => `${base}/page/${b}`,
      // A returning visitor of GrowthBook's: its id cookie (the experiment's hash attribute).
      headers: { accept: 'text/html', cookie: 'gbuuid=bench-growthbook-visitor-1' },
      check: (body, b) => {
        // The mutation must be in the HTML as served (applied at the edge), and the SDK injected.
        if (!body.includes('window.growthbook_config')) return 'SDK not injected';
        return heroProblem(body, heroHtml, cards.get(b) ?? 0);
      },
    });
  }

  /** @type {Cell[]} */
  const cells = [];
  for (const size of SIZES)
    for (const m of modes)
      cells.push({
        mode: m.mode,
        size: size.label,
        bytes: size.bytes,
        requests: 0,
        seconds: 0,
        cpuMs: 0,
        latencies: [],
        ttfbs: [],
        sizes: [],
        errors: 0,
        samples: [],
      });
  const cellOf = (/** @type {string} */ mode, /** @type {number} */ bytes) => /** @type {Cell} */ (cells.find((c) => c.mode === mode && c.bytes === bytes));

  // Warm-up (not measured, errors not counted): compile every code path, open connections, and
  // let GrowthBook's SDK fetch and cache its features payload.
  progress('growthbook: warm-up');
  const scratch = () => ({ requests: 0, latencies: [], ttfbs: [], sizes: [], errors: 0, samples: [] });
  for (const size of SIZES) for (const m of modes) await Promise.all(Array.from({ length: o.concurrency }, () => once(m, size.bytes, scratch())));

  // Rounds alternate every (size, mode) cell, in reverse order every other round, so drift on a
  // busy machine (client and workers share the cores) hits all modes alike.
  for (let round = 1; round <= o.rounds; round++) {
    for (const size of SIZES) {
      const perCell = Math.max(1, Math.round((o.requests * size.share) / o.rounds));
      for (const m of round % 2 ? modes : [...modes].reverse()) {
        const cell = cellOf(m.mode, size.bytes);
        const deadline = performance.now() + (o.seconds / o.rounds) * 1000;
        // Per process, as in bench/proxy.mjs: a workerd restart mid-cell must not make the sum go backwards.
        const cpuBefore = workerdCpuByPid();
        const t = performance.now();
        let sent = 0;
        const lane = async () => {
          while (sent < perCell && performance.now() < deadline) {
            sent++;
            await once(m, size.bytes, cell);
          }
        };
        await Promise.all(Array.from({ length: o.concurrency }, lane));
        cell.seconds += (performance.now() - t) / 1000;
        const cpu = workerdCpuSince(cpuBefore);
        cell.cpuMs = cell.cpuMs == null || cpu == null ? null : cell.cpuMs + cpu;
      }
    }
    progress(`growthbook: round ${round}/${o.rounds} done`);
  }
  const originBytes = Object.fromEntries([...pages].map(([bytes, page]) => [bytes, page.length]));
  return { cells, modes: modes.map((m) => m.mode), options: o, originBytes };
}

/**
 * One timed request: time to the response headers, then until the whole body is read.
 * @param {Mode} m @param {number} bytes
 * @param {Pick<Cell, 'requests' | 'latencies' | 'ttfbs' | 'sizes' | 'errors' | 'samples'>} cell
 */
async function once(m, bytes, cell) {
  const t0 = performance.now();
  let problem;
  try {
    const res = await fetch(m.url(bytes), { headers: { ...AS_BROWSER, ...m.headers }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    cell.ttfbs.push(performance.now() - t0);
    const raw = Buffer.from(await res.arrayBuffer());
    cell.latencies.push(performance.now() - t0);
    cell.sizes.push(raw.length);
    const body = raw.toString();
    problem = res.status === (m.status ?? 200) ? m.check(body, bytes, res) : `HTTP ${res.status}: ${body.slice(0, 120)}`;
  } catch (err) {
    const error = /** @type {Error & { cause?: { message?: string } }} */ (err);
    problem =
      error.name === 'TimeoutError'
        ? `no complete answer within ${REQUEST_TIMEOUT_MS / 1000} s`
        : `network: ${error.message}${error.cause?.message ? ` (${error.cause.message})` : ''}`;
  }
  cell.requests++;
  if (problem) {
    cell.errors++;
    if (cell.samples.length < 2 && !cell.samples.includes(problem)) cell.samples.push(problem);
  }
}

/** @param {Awaited<ReturnType<typeof measureGrowthbook>>} r */
export function formatGrowthbook(r) {
  const ms = (/** @type {number} */ x) => `${x.toFixed(1)} ms`;
  const cpuPerRequest = (/** @type {Cell | undefined} */ c) => (c && c.cpuMs != null && c.requests ? c.cpuMs / c.requests : null);
  const header = ['page', 'mode', 'requests', 'p50', 'p99', 'p50 ×pass', 'p99 ×pass', 'TTFB p50', 'CPU ms/req', 'CPU +pass', 'bytes added', 'checked'];
  const rows = [];
  /** @type {string[]} */
  const ratios = [];
  for (const size of SIZES) {
    const pass = r.cells.find((c) => c.bytes === size.bytes && c.mode === PASS);
    // A pass-through cell with errors gives no baseline: nothing is "added" over it.
    const passCpu = pass && !pass.errors ? cpuPerRequest(pass) : null;
    /** CPU ms per request a cell adds over pass-through; null when unmeasured or the cell failed. */
    const added = (/** @type {Cell | undefined} */ c) => {
      const cpu = cpuPerRequest(c);
      return c && !c.errors && cpu != null && passCpu != null ? cpu - passCpu : null;
    };
    for (const c of r.cells.filter((x) => x.bytes === size.bytes)) {
      const ratio = (/** @type {number} */ p) => (pass ? (percentile(c.latencies, p) / percentile(pass.latencies, p)).toFixed(2) : '-');
      const cpu = cpuPerRequest(c);
      const plus = added(c);
      const checked = `${c.requests - c.errors}/${c.requests} ok`;
      if (c.errors) {
        // A cell whose pages were wrong gives no figures: they would time something else.
        rows.push([size.label, c.mode, String(c.requests), 'FAILED', '', '', '', '', '', '', '', checked]);
        continue;
      }
      rows.push([
        size.label,
        c.mode,
        String(c.requests),
        ms(percentile(c.latencies, 50)),
        ms(percentile(c.latencies, 99)),
        ratio(50),
        ratio(99),
        ms(percentile(c.ttfbs, 50)),
        cpu == null ? '-' : cpu.toFixed(2),
        c.mode === PASS || plus == null ? '-' : `${plus >= 0 ? '+' : ''}${plus.toFixed(2)}`,
        String(Math.round(percentile(c.sizes, 50) - (r.originBytes[size.bytes] ?? size.bytes))),
        checked,
      ]);
    }
    const waymark = r.cells.find((c) => c.bytes === size.bytes && c.mode === WAYMARK);
    const growthbook = r.cells.find((c) => c.bytes === size.bytes && c.mode === GROWTHBOOK);
    const [w, g] = [added(waymark), added(growthbook)];
    ratios.push(
      `${size.label}: Waymark's added CPU / GrowthBook's = ` +
        (w == null || g == null || g <= 0
          ? `n/a (${!growthbook ? 'GrowthBook not run' : growthbook.errors ? 'GrowthBook FAILED' : waymark?.errors ? 'Waymark FAILED' : pass?.errors ? 'pass-through FAILED' : 'CPU not measured'})`
          : `${w.toFixed(2)} / ${g.toFixed(2)} ms = ${(w / g).toFixed(3)} (goal ≤ 0.100: ${w / g <= 0.1 ? 'met' : 'NOT met'})`),
    );
  }
  const lines = alignTable([header, ...rows], [false, false, true, true, true, true, true, true, true, true, true, true]);
  lines.push(
    '',
    ...ratios,
    '',
    `GrowthBook: @growthbook/edge-cloudflare${r.version ? ` ${r.version}` : ''}` +
      (r.unavailable
        ? ` unavailable (${r.unavailable})`
        : `; features endpoint served ${r.features.served} time(s)` +
          (r.features.unexpected.length ? `; unexpected requests: ${r.features.unexpected.join(', ')}` : '')),
    `×pass = over "${PASS}" (Waymark's worker returning the same page as HTML, untouched: status 203) in the same run. CPU = user+system ms of this bench's`,
    `workerd processes during the cell / requests. bytes added = response body minus the origin page (median).`,
    `checked = responses whose hero was the variant (parsed from the body). ${r.options.concurrency} in flight; modes alternated in`,
    `${r.options.rounds} rounds; each cell bounded at ${r.options.requests} requests (1 MB: a quarter) or ${r.options.seconds} s.`,
  );
  for (const c of r.cells) for (const s of c.samples) lines.push(`error sample, ${c.size} ${c.mode}: ${s}`);
  return lines;
}

/** Waymark's own cells decide the exit code; a GrowthBook cell that failed is reported, not fatal. */
export const growthbookFailed = (/** @type {Awaited<ReturnType<typeof measureGrowthbook>>} */ r) => r.cells.some((c) => c.mode !== GROWTHBOOK && c.errors > 0);
