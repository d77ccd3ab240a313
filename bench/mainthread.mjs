// Main-thread cost of loading each tracker on the same local page: Chrome's own ScriptDuration and
// TaskDuration (CDP Performance.getMetrics) over cold loads, Waymark beside the peers and beside a
// page with no tracker at all.
//
// One Node HTTP server on 127.0.0.1 (random port) serves the page, every tracker bundle and every
// tracker's collection endpoint (200, a valid answer where the tracker reads one). Chromium runs
// headless with the flags of playwright.config.ts; every request that is not to that server is
// aborted with context.route, so nothing leaves the machine.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, normalize } from 'node:path';
import { promisify } from 'node:util';
import { CACHE, PEERS, peerBundle, tarballName } from './sizes.mjs';
import { alignTable } from './table.mjs';
import { BROWSER_USER_AGENT } from '../e2e/support/user-agent.mjs';

const run = promisify(execFile);

/**
 * @typedef {{ loads: number, idleMs: number, sendMs: number, timeoutMs: number }} MainOptions
 * After the load event, each page waits until its tracker sends its page view (at most `sendMs`),
 * then `idleMs` more, before the metrics are read.
 */
/** @type {MainOptions} */
export const DEFAULTS = { loads: 30, idleMs: 1000, sendMs: 5000, timeoutMs: 15_000 };

/** The same page for every tracker: a small shop page; `head` is where the tracker's tags go. */
const page = (/** @type {string} */ title, /** @type {string} */ head) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bench shop · ${title}</title>
<style>body{font:16px/1.4 system-ui,sans-serif;margin:0}header,main{max-width:60rem;margin:auto;padding:1rem}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));gap:1rem}.card{border:1px solid #ddd;padding:1rem}</style>
${head}
</head><body><header><a href="/">Bench shop</a> <nav><a href="/running">Running</a> <a href="/hiking">Hiking</a></nav></header>
<main><h1>Trail and road gear</h1><div class="grid">
${Array.from({ length: 12 }, (_, i) => `<article class="card"><h2>Product ${i + 1}</h2><p>Light, tough and made to last.</p><a href="/product/${i + 1}">View</a> <button data-sku="p${i + 1}">Add to cart</button></article>`).join('\n')}
</div></main></body></html>`;

const KEY = 'bench0key0000000000000000';

/**
 * @typedef {{ name: string, note: string, head: (origin: string) => string,
 *   sends: (url: URL) => boolean, files?: () => Promise<Record<string, string>>, unavailable?: string }} Tracker
 * `head`: the tags its docs put in <head>, pointed at the local server. `sends`: is this request
 * the tracker delivering its page view? `files`: URL path → file on disk to serve.
 */

/** Peer tarballs come from sizes.mjs (npm pack into bench/.cache); Segment needs all of dist/umd. */
const peer = (/** @type {string} */ name) => /** @type {import('./sizes.mjs').Peer} */ (PEERS.find((p) => p.name === name));

/** @param {string} snippet */
function trackers(snippet) {
  /** @type {Tracker[]} */
  const list = [
    { name: 'no tracker (baseline)', note: 'the same page without any script', head: () => '', sends: () => false },
    {
      name: 'waymark (this repo)',
      note: `${snippet}, stub + data-site; /_wm/e answered by the bench server`,
      head: () =>
        `<script>window.wm=window.wm||function(){(wm.q=wm.q||[]).push(arguments)}</script>\n<script async src="/_wm/wm.js" data-site="bench"></script>`,
      sends: (u) => u.pathname === '/_wm/e',
      files: async () => {
        if (!existsSync(snippet)) throw new Error(`${snippet} not found: run \`npm run build\` first`);
        return { '/_wm/wm.js': snippet };
      },
    },
    {
      name: `plausible-tracker ${peer('plausible-tracker').version}`,
      note: 'esbuild iife bundle; Plausible({domain, apiHost, trackLocalhost}).enableAutoPageviews()',
      head: (origin) =>
        `<script src="/peers/plausible.js"></script>\n<script>Plausible.default({domain:'bench.example',apiHost:${JSON.stringify(origin)},trackLocalhost:true}).enableAutoPageviews()</script>`,
      sends: (u) => u.pathname === '/api/event',
      files: async () => ({ '/peers/plausible.js': await peerBundle(peer('plausible-tracker')) }),
    },
    {
      name: `posthog-js ${peer('posthog-js').version}`,
      // opt_out_useragent_filter: PostHog drops events from automated browsers (navigator.webdriver,
      // HeadlessChrome) unless told not to, as its own warning says for end-to-end tests.
      note: 'official snippet loading /static/array.js; posthog.init(key, {api_host, opt_out_useragent_filter})',
      head: (origin) => `<script>${POSTHOG_SNIPPET}
posthog.init('phc_${KEY}',{api_host:${JSON.stringify(origin)},person_profiles:'identified_only',opt_out_useragent_filter:true})</script>`,
      sends: (u) => /^\/(i\/v0\/)?e\/?$/.test(u.pathname) || u.pathname.startsWith('/batch'),
      files: async () => ({ '/static/array.js': await peerBundle(peer('posthog-js')) }),
    },
    {
      name: `@segment/analytics-next ${peer('@segment/analytics-next').version}`,
      note: 'official snippet, analytics._cdn = bench server; standalone.js + its chunks',
      head: (origin) => `<script>${segmentSnippet(origin)}</script>`,
      sends: (u) => /^\/v1\/(p|t|i|batch)$/.test(u.pathname),
      files: segmentFiles,
    },
    {
      name: `@snowplow/browser-tracker ${peer('@snowplow/browser-tracker').version}`,
      note: 'UMD build; newTracker(id, collector, {appId}) + trackPageView()',
      head: (origin) =>
        `<script src="/peers/snowplow.js"></script>\n<script>snowplowBrowserTracking.newTracker('sp1',${JSON.stringify(origin)},{appId:'bench'});snowplowBrowserTracking.trackPageView()</script>`,
      sends: (u) => u.pathname.startsWith('/com.snowplowanalytics.snowplow/'),
      files: async () => ({ '/peers/snowplow.js': await peerBundle(peer('@snowplow/browser-tracker')) }),
    },
  ];
  // WM_COMPARE_SNIPPET=path[,path…]: more Waymark builds (the one before a change, or a variant
  // such as one that starts with `Object.defineProperty(window, 'indexedDB', {})`) measured in the
  // same run, round-robin with the others, so they are compared under the same machine load.
  const compare = (process.env['WM_COMPARE_SNIPPET'] || '').split(',').filter(Boolean);
  compare.forEach((path, i) =>
    list.splice(2 + i, 0, {
      name: `waymark (compare: ${path})`,
      note: `the same tags, this build served at /_wmc${i}/wm.js (it still posts to /_wm/e)`,
      head: () =>
        `<script>window.wm=window.wm||function(){(wm.q=wm.q||[]).push(arguments)}</script>\n<script async src="/_wmc${i}/wm.js" data-site="bench"></script>`,
      sends: (u) => u.pathname === '/_wm/e',
      files: async () => {
        if (!existsSync(path)) throw new Error(`${path} not found`);
        return { [`/_wmc${i}/wm.js`]: path };
      },
    }),
  );
  return list;
}

/** PostHog's web snippet as its docs give it (it loads `<api_host>/static/array.js`). */
const POSTHOG_SNIPPET = `!function(t,e){var o,n,p,r;e.__SV||(window.posthog=e,e._i=[],e.init=function(i,s,a){function g(t,e){var o=e.split(".");2==o.length&&(t=t[o[0]],e=o[1]),t[e]=function(){t.push([e].concat(Array.prototype.slice.call(arguments,0)))}}(p=t.createElement("script")).type="text/javascript",p.crossOrigin="anonymous",p.async=!0,p.src=s.api_host.replace(".i.posthog.com","-assets.i.posthog.com")+"/static/array.js",(r=t.getElementsByTagName("script")[0]).parentNode.insertBefore(p,r);var u=e;for(void 0!==a?u=e[a]=[]:a="posthog",u.people=u.people||[],u.toString=function(t){var e="posthog";return"posthog"!==a&&(e+="."+a),t||(e+=" (stub)"),e},u.people.toString=function(){return u.toString(1)+".people (stub)"},o="init capture register register_once register_for_session unregister unregister_for_session getFeatureFlag getFeatureFlagPayload isFeatureEnabled reloadFeatureFlags updateEarlyAccessFeatureEnrollment getEarlyAccessFeatures on onFeatureFlags onSessionId getSurveys getActiveMatchingSurveys renderSurvey canRenderSurvey getNextSurveyStep identify setPersonProperties group resetGroups setPersonPropertiesForFlags resetPersonPropertiesForFlags setGroupPropertiesForFlags resetGroupPropertiesForFlags reset get_distinct_id getGroups get_session_id get_session_replay_url alias set_config startSessionRecording stopSessionRecording sessionRecordingStarted captureException loadToolbar get_property getSessionProperty createPersonProfile opt_in_capturing opt_out_capturing has_opted_in_capturing has_opted_out_capturing clear_opt_in_out_capturing debug".split(" "),n=0;n<o.length;n++)g(u,o[n]);e._i.push([i,s,a])},e.__SV=1)}(document,window.posthog||[]);`;

/**
 * Segment's analytics.js snippet (v5.2 shape: a method queue, then a script tag for
 * `<cdn>/analytics.js/v1/<key>/analytics.min.js`), with `analytics._cdn` set to the bench server as
 * Segment's docs do for a self-hosted CDN, so settings and chunks come from there too.
 */
const segmentSnippet = (
  /** @type {string} */ origin,
) => `!function(){var i="analytics",analytics=window[i]=window[i]||[];if(!analytics.initialize)if(analytics.invoked)window.console&&console.error&&console.error("Segment snippet included twice.");else{analytics.invoked=!0;analytics.methods=["trackSubmit","trackClick","trackLink","trackForm","pageview","identify","reset","group","track","ready","alias","debug","page","screen","once","off","on","addSourceMiddleware","addIntegrationMiddleware","setAnonymousId","addDestinationMiddleware","register"];analytics.factory=function(e){return function(){if(window[i].initialized)return window[i][e].apply(window[i],arguments);var n=Array.prototype.slice.call(arguments);if(["track","screen","alias","group","page","identify"].indexOf(e)>-1){var c=document.querySelector("link[rel='canonical']");n.push({__t:"bpc",c:c&&c.getAttribute("href")||void 0,p:location.pathname,u:location.href,s:location.search,t:document.title,r:document.referrer})}n.unshift(e);analytics.push(n);return analytics}};for(var n=0;n<analytics.methods.length;n++){var key=analytics.methods[n];analytics[key]=analytics.factory(key)}analytics.load=function(key,n){var t=document.createElement("script");t.type="text/javascript";t.async=!0;t.setAttribute("data-global-segment-analytics-key",i);t.src=${JSON.stringify(origin)}+"/analytics.js/v1/"+key+"/analytics.min.js";var r=document.getElementsByTagName("script")[0];r.parentNode.insertBefore(t,r);analytics._loadOptions=n};analytics._writeKey=${JSON.stringify(KEY)};analytics._cdn=${JSON.stringify(origin)};analytics.SNIPPET_VERSION="5.2.0";
analytics.load(${JSON.stringify(KEY)});
analytics.page();
}}();`;

/** Segment's standalone bundle and the chunks it loads at run time from `<cdn>/analytics-next/bundles/`. */
async function segmentFiles() {
  const p = peer('@segment/analytics-next');
  const standalone = await peerBundle(p);
  const dir = join(CACHE, tarballName(p).replace(/\.tgz$/, ''));
  const umd = join(dir, 'package/dist/umd');
  await run('tar', ['xzf', join(CACHE, tarballName(p)), '-C', dir, 'package/dist/umd']);
  /** @type {Record<string, string>} */
  const files = { [`/analytics.js/v1/${KEY}/analytics.min.js`]: standalone };
  for (const f of readdirSync(umd)) if (f.endsWith('.js')) files[`/analytics-next/bundles/${f}`] = join(umd, f);
  return files;
}

/** What the bench server answers on a path no tracker file is served at. */
function answer(/** @type {string} */ path, /** @type {string} */ origin, /** @type {string} */ body) {
  if (path === '/_wm/e') {
    // A valid CollectResponse (protocol/wire.ts): every event accepted, no decisions.
    let ids = [];
    try {
      ids = JSON.parse(body).events.map((/** @type {{ id: string }} */ e) => e.id);
    } catch {}
    return { type: 'application/json', body: JSON.stringify({ accepted: ids, duplicates: [], rejected: [], decisions: [] }) };
  }
  if (path === `/v1/projects/${KEY}/settings`) {
    const host = origin.replace(/^http:\/\//, '');
    return {
      type: 'application/json',
      body: JSON.stringify({
        integrations: { 'Segment.io': { apiKey: KEY, apiHost: `${host}/v1`, protocol: 'http' } },
        plan: { track: { __default: { enabled: true } } },
      }),
    };
  }
  if (path.endsWith('.js')) return { type: 'text/javascript', body: '' };
  // PostHog's flags/config, the trackers' collection endpoints: an empty JSON object.
  return { type: 'application/json', body: '{}' };
}

/** Nearest-rank percentile of an ascending array. */
const pct = (/** @type {number[]} */ s, /** @type {number} */ q) => s[Math.max(0, Math.ceil(q * s.length) - 1)];

/**
 * @typedef {{ name: string, note: string, unavailable?: string, script: number[], task: number[],
 *   sent: number, blocked: string[], errors: string[] }} TrackerStats
 * @typedef {{ rows: TrackerStats[], chromium: string, loads: number, idleMs: number, sendMs: number }} MainResult
 */

/**
 * Loads every tracker's page `loads` times, round-robin (so drift on a busy machine hits all alike),
 * each in a fresh browser context with the cache disabled. Throws only when the browser cannot
 * start or Waymark's own snippet is missing.
 * @param {string} snippet @param {(line: string) => void} progress @param {Partial<MainOptions>} [options]
 * @returns {Promise<MainResult>}
 */
export async function measureMainThread(snippet, progress, options = {}) {
  const o = { ...DEFAULTS, ...options };
  const list = trackers(snippet);
  /** @type {Map<string, string>} */
  const files = new Map();
  /** @type {TrackerStats[]} */
  const rows = [];
  for (const t of list) {
    /** @type {TrackerStats} */
    const row = { name: t.name, note: t.note, script: [], task: [], sent: 0, blocked: [], errors: [] };
    rows.push(row);
    try {
      for (const [path, file] of Object.entries((await t.files?.()) ?? {})) files.set(path, file);
    } catch (err) {
      if (t.name.startsWith('waymark')) throw err;
      row.unavailable = /** @type {Error} */ (err).message.split('\n')[0].slice(0, 100);
    }
  }

  let origin = '';
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const path = normalize(new URL(req.url ?? '/', origin).pathname);
      const headers = {
        'cache-control': 'no-store',
        'access-control-allow-origin': origin,
        'access-control-allow-credentials': 'true',
        'access-control-allow-headers': '*',
      };
      const file = files.get(path);
      const pageOf = path.match(/^\/page\/(\d+)$/);
      if (pageOf) {
        const t = list[Number(pageOf[1])];
        res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(page(t.name, t.head(origin)));
      } else if (file) {
        res.writeHead(200, { ...headers, 'content-type': 'text/javascript' }).end(readFileSync(file));
      } else if (req.method === 'OPTIONS') {
        res.writeHead(204, headers).end();
      } else {
        const a = answer(path, origin, body);
        res.writeHead(200, { ...headers, 'content-type': a.type }).end(a.body);
      }
    });
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(undefined)));
  origin = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;

  const { chromium } = await import('playwright-core');
  const executablePath = process.env.WM_CHROMIUM || (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
  const browser = await chromium.launch({
    ...(executablePath ? { executablePath } : {}),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const chromiumVersion = browser.version();
  progress(`main thread: Chromium ${chromiumVersion}, pages on ${origin}, ${o.loads} cold loads per tracker`);
  try {
    // One unmeasured load of every page first: starts the browser's processes, checks the pages.
    for (let i = 0; i < list.length; i++) {
      if (!rows[i].unavailable) await loadOnce(browser, `${origin}/page/${i}`, origin, list[i], { ...rows[i], script: [], task: [], sent: 0 }, o);
    }
    for (let round = 0; round < o.loads; round++) {
      for (let i = 0; i < list.length; i++) {
        const row = rows[i];
        if (row.unavailable) continue;
        await loadOnce(browser, `${origin}/page/${i}`, origin, list[i], row, o);
      }
      progress(`main thread: round ${round + 1}/${o.loads} done`);
    }
  } finally {
    await browser.close();
    server.closeAllConnections();
    server.close();
  }
  return { rows, chromium: chromiumVersion, loads: o.loads, idleMs: o.idleMs, sendMs: o.sendMs };
}

/**
 * One cold load: fresh context, cache disabled, metrics read `idleMs` after the load event.
 * @param {import('playwright-core').Browser} browser @param {string} url @param {string} origin
 * @param {Tracker} t @param {TrackerStats} row @param {MainOptions} o
 */
async function loadOnce(browser, url, origin, t, row, o) {
  // A person's browser, not HeadlessChrome (which the edge filters as a bot): the real path is measured.
  const context = await browser.newContext({ userAgent: BROWSER_USER_AGENT });
  let sent = false;
  /** @type {() => void} */
  let onSent = () => {};
  const sentOnce = new Promise((ok) => (onSent = () => ok(undefined)));
  try {
    await context.route('**/*', (route) => {
      const u = route.request().url();
      if (u.startsWith(origin + '/')) return route.continue();
      const host = u.replace(/^(\w+:\/\/[^/]+).*/, '$1');
      if (!row.blocked.includes(host) && row.blocked.length < 5) row.blocked.push(host);
      return route.abort('blockedbyclient');
    });
    const p = await context.newPage();
    p.on('request', (r) => {
      if (r.url().startsWith(origin) && t.sends(new URL(r.url()))) ((sent = true), onSent());
    });
    p.on('pageerror', (e) => {
      const m = e.message.split('\n')[0].slice(0, 100);
      if (!row.errors.includes(m) && row.errors.length < 3) row.errors.push(m);
    });
    const cdp = await context.newCDPSession(p);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Performance.enable');
    await p.goto(url, { waitUntil: 'load', timeout: o.timeoutMs });
    // Until the tracker has sent its page view (some batch it for a few seconds), then idle.
    if (t.files) await Promise.race([sentOnce, p.waitForTimeout(o.sendMs)]);
    await p.waitForTimeout(o.idleMs);
    const { metrics } = await cdp.send('Performance.getMetrics');
    const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
    row.script.push(m.ScriptDuration * 1000);
    row.task.push(m.TaskDuration * 1000);
    if (sent) row.sent++;
  } catch (err) {
    const msg = `load: ${/** @type {Error} */ (err).message.split('\n')[0].slice(0, 100)}`;
    if (!row.errors.includes(msg) && row.errors.length < 3) row.errors.push(msg);
  } finally {
    await context.close();
  }
}

/** Waymark fails this part only when its own loads failed or never sent its page view. */
export function mainThreadFailed(/** @type {MainResult} */ r) {
  const wm = r.rows.find((x) => x.name.startsWith('waymark'));
  return !wm || wm.script.length < r.loads || wm.sent < wm.script.length;
}

/** The table as text lines; ratios are medians over Waymark's median. */
export function formatMainThread(/** @type {MainResult} */ r) {
  const ms = (/** @type {number} */ n) => (Number.isFinite(n) ? n.toFixed(1) : '-');
  const stat = (/** @type {number[]} */ a) => {
    const s = [...a].sort((x, y) => x - y);
    return { p50: s.length ? pct(s, 0.5) : NaN, p90: s.length ? pct(s, 0.9) : NaN };
  };
  const wm = r.rows.find((x) => x.name.startsWith('waymark'));
  const base = wm ? stat(wm.script).p50 : NaN;
  const baseTask = wm ? stat(wm.task).p50 : NaN;
  const table = [['page', 'loads', 'sent', 'script p50 ms', 'script p90 ms', 'script ×wm', 'task p50 ms', 'task p90 ms', 'task ×wm', 'note']];
  for (const row of r.rows) {
    if (row.unavailable) continue;
    const s = stat(row.script);
    const t = stat(row.task);
    table.push([
      row.name,
      String(row.script.length),
      row.name.startsWith('no tracker') ? '-' : `${row.sent}/${row.script.length}`,
      ms(s.p50),
      ms(s.p90),
      (s.p50 / base).toFixed(2),
      ms(t.p50),
      ms(t.p90),
      (t.p50 / baseTask).toFixed(2),
      row.note,
    ]);
  }
  const lines = alignTable(table, [false, true, true, true, true, true, true, true, true, false]);
  // Issue #14's goal, read off plainly: Waymark's medians over plausible-tracker's (the smallest
  // peer), goal script ≤ 1.3, task ≤ 1.2.
  const plausible = r.rows.find((x) => x.name.startsWith('plausible-tracker') && !x.unavailable && x.script.length);
  if (wm && plausible) {
    const p = { script: stat(plausible.script).p50, task: stat(plausible.task).p50 };
    lines.push(
      '',
      `waymark / plausible-tracker: script p50 ×${(base / p.script).toFixed(2)}, task p50 ×${(baseTask / p.task).toFixed(2)} (goal: script ≤ ×1.3, task ≤ ×1.2)`,
    );
  }
  const width = Math.max(...r.rows.map((x) => x.name.length));
  for (const row of r.rows) {
    if (row.unavailable) lines.push(`${row.name.padEnd(width)}  unavailable (${row.unavailable})`);
  }
  const notes = [];
  for (const row of r.rows) {
    if (row.blocked.length) notes.push(`${row.name}: blocked requests to ${row.blocked.join(', ')}`);
    for (const e of row.errors) notes.push(`${row.name}: ${e}`);
  }
  if (notes.length) lines.push('', ...notes);
  return lines;
}
