// Throughput and latency of the collect endpoint (POST /_wm/e) against the pass-through baseline
// (GET /_wm/health), both served by the real worker that `unstable_startWorker` runs in-process
// from wrangler.toml (workerd, local KV, SQLite-backed Durable Objects, nothing persisted).

// Quiet, offline wrangler (see /work/shared/TOOLCHAIN.md): set before wrangler is imported.
process.env.WRANGLER_SEND_METRICS = 'false';
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
process.env.WRANGLER_HIDE_BANNER = 'true';
process.env.WRANGLER_LOG ??= 'warn';

import { alignTable } from './table.mjs';
import { AS_BROWSER } from '../e2e/support/user-agent.mjs';
import { workerdCpuByPid, workerdCpuMs, workerdCpuSince } from './workerd-cpu.mjs';
import { seedDemo } from '../scripts/seed-demo.mjs';
import { disableDestinations } from './load-common.mjs';
import { inspectorOption, maybeProfile } from './profile.mjs';

/**
 * @typedef {{ config: string, concurrency: number, requests: number, seconds: number, rounds: number,
 *   visitors: number, eventsPerBatch: number, destinations: 'on' | 'off' }} LoadOptions
 * `destinations: 'off'` disables the demo site's GA4 destination before the run (bench/README.md
 * section 2: forwarding every stored batch to it costs more than the rest of the batch).
 * `requests` and `seconds` bound each route over the whole run (whichever comes first); the run is
 * split into `rounds` that alternate the two routes, so drift on a busy machine hits both alike.
 */
/** @type {LoadOptions} */
export const DEFAULTS = {
  config: 'wrangler.toml',
  concurrency: 16,
  requests: 2000,
  seconds: 15,
  rounds: 4,
  visitors: 200,
  eventsPerBatch: 5,
  destinations: 'on',
};

/**
 * @typedef {{ route: string, requests: number, events: number, seconds: number,
 *   latencies: number[], errors: number, samples: string[], notes: string[], cpuMs: number | null, resent: number }} RouteStats
 * `cpuMs`: workerd user+system CPU over the route's cells, including the work a collect cell left
 * running (the analytics queue's consumer), waited out before the next cell starts.
 */

/** @returns {RouteStats} */
const newStats = (/** @type {string} */ route) => ({
  route,
  requests: 0,
  events: 0,
  seconds: 0,
  latencies: [],
  errors: 0,
  samples: [],
  notes: [],
  cpuMs: 0,
  resent: 0,
});

/** Adds the workerd CPU of `cell` (and of what it left running, when `settle`) to `stats.cpuMs`. */
async function cpuCell(/** @type {RouteStats} */ stats, /** @type {() => Promise<void>} */ cell, settle = false) {
  // Per process, so a workerd restart mid-cell does not make the sum go backwards.
  const before = workerdCpuByPid();
  await cell();
  if (settle) await settled();
  const spent = workerdCpuSince(before);
  stats.cpuMs = spent == null || stats.cpuMs == null ? null : stats.cpuMs + spent;
}

/**
 * Waits (at most 10 s) until workerd is idle: under 30 ms of CPU in the last 1.5 s. A collect cell
 * leaves work behind that is its cost, not the next cell's: the local queue delivers its messages
 * up to 1 s later (`max_batch_timeout` in wrangler.toml), the consumer stores them and hands them
 * to the demo site's GA4 destination, whose alarm then sends them. A window shorter than the
 * queue's timeout (250 ms, before issue #14 point 4) could end before the consumer even started.
 */
async function settled() {
  const until = performance.now() + 10_000;
  const readings = [{ at: performance.now(), cpu: workerdCpuMs() }];
  while (readings[0].cpu != null && performance.now() < until) {
    await new Promise((r) => setTimeout(r, 250));
    const now = { at: performance.now(), cpu: workerdCpuMs() };
    if (now.cpu == null) return;
    readings.push(now);
    while (readings.length > 1 && now.at - readings[1].at >= 1_500) readings.shift();
    if (now.at - readings[0].at >= 1_500 && now.cpu - /** @type {number} */ (readings[0].cpu) < 30) return;
  }
}

/** One request; 2xx is success, anything else (or a network error) an error with a sample kept. */
async function timed(
  /** @type {RouteStats} */ stats,
  /** @type {() => Promise<Response>} */ send,
  /** @type {(res: Response, body: string) => void} */ onOk = () => {},
) {
  const t0 = performance.now();
  try {
    let res = await send();
    let body = await res.text();
    // wrangler's dev proxy answers a POST in flight with this 503 when it restarts the local worker
    // (templates/startDevWorker/ProxyWorker.ts; it retries only GET). The snippet's outbox resends
    // after a 5xx and event ids make that safe: so does this client, and counts it.
    for (let retry = 0; retry < 3 && res.status === 503 && body.includes('restarted mid-request'); retry++) {
      stats.resent++;
      await new Promise((r) => setTimeout(r, 200));
      res = await send();
      body = await res.text();
    }
    stats.latencies.push(performance.now() - t0);
    if (res.ok) onOk(res, body);
    else record(stats, `HTTP ${res.status}: ${body.slice(0, 160)}`);
  } catch (err) {
    stats.latencies.push(performance.now() - t0);
    record(stats, `network: ${/** @type {Error} */ (err).message}`);
  }
  stats.requests++;
}

function record(/** @type {RouteStats} */ stats, /** @type {string} */ sample) {
  stats.errors++;
  if (stats.samples.length < 3 && !stats.samples.includes(sample)) stats.samples.push(sample);
}

/**
 * Runs `count` calls of `task(i)` with at most `concurrency` in flight, stopping early at `deadline`
 * or when the first 20 requests of `stats` all failed (the route is broken; no point hammering it).
 * @param {RouteStats} stats @param {number} count @param {number} concurrency
 * @param {number} deadline performance.now() value @param {(i: number) => Promise<void>} task
 */
async function pool(stats, count, concurrency, deadline, task) {
  let next = 0;
  const broken = () => stats.errors >= 20 && stats.errors === stats.requests;
  const worker = async () => {
    while (next < count && performance.now() < deadline && !broken()) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** Ids are 8-64 characters of [A-Za-z0-9_-] (protocol/wire.ts eventIdSchema). */
const RUN = Math.random().toString(36).slice(2, 8);
const PRODUCTS = ['trail-runner', 'rain-shell', 'wool-socks', 'day-pack', 'camp-mug'];

/** A visitor of the demo shop: its session id, its signed token once the edge returned one. */
function makeVisitors(/** @type {number} */ n) {
  return Array.from({ length: n }, (_, v) => ({ sid: `s${RUN}v${v}`, vid: /** @type {string|undefined} */ (undefined), sent: 0 }));
}

/**
 * A realistic batch: a page view of a product page, then track events about it.
 * @param {string} origin @param {{ sid: string, vid?: string, sent: number }} visitor
 * @param {number} v visitor index @param {number} size events in the batch
 */
function makeBatch(origin, visitor, v, size) {
  const n = visitor.sent++;
  const product = PRODUCTS[(v + n) % PRODUCTS.length];
  const url = `${origin}/products/${product}?utm_source=bench`;
  const ts = Date.now();
  const events = [];
  for (let i = 0; i < size; i++) {
    const id = `e${RUN}v${v}n${n}i${i}`;
    const common = { id, ts: ts + i, sid: visitor.sid, url };
    if (i === 0) events.push({ ...common, type: 'page', title: `${product} | Waymark Outfitters`, ref: `${origin}/`, utm: { source: 'bench' } });
    else if (i % 2) events.push({ ...common, type: 'track', name: 'product_viewed', props: { sku: product, price: 49.5 + i, tags: ['outdoor', 'bench'] } });
    else events.push({ ...common, type: 'track', name: 'add_to_cart', props: { sku: product, qty: 1, variant: { size: 'M', color: 'blue' } } });
  }
  return JSON.stringify({ site: 'demo', ...(visitor.vid ? { vid: visitor.vid } : {}), events });
}

/**
 * Starts the worker, drives both routes and returns their stats. Throws when the worker cannot
 * start or does not answer at all (a real failure of Waymark).
 * @param {(line: string) => void} progress
 * @param {Partial<LoadOptions>} [options]
 */
export async function measureCollect(progress, options = {}) {
  const o = { ...DEFAULTS, ...options };
  const { unstable_startWorker } = await import('wrangler');
  progress(`load: starting the worker (wrangler unstable_startWorker, ${o.config})`);
  const t0 = performance.now();
  const worker = await unstable_startWorker({
    config: o.config,
    dev: { server: { port: 0 }, persist: false, watch: false, inspector: inspectorOption() },
  });
  try {
    await worker.ready;
    const origin = (await worker.url).origin;
    progress(`load: worker ready at ${origin} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await seedDemo(origin); // the demo site the batches name, as `npm start` seeds it
    if (o.destinations === 'off') {
      await disableDestinations(origin);
      progress('load: demo destinations disabled');
    }
    return await drive(origin, o, progress, worker);
  } finally {
    await worker.dispose();
  }
}

/**
 * @param {string} origin @param {LoadOptions} o @param {(line: string) => void} progress
 * @param {{ inspectorUrl: Promise<URL | undefined> }} worker profiled in the last returning round when WM_BENCH_PROFILE is set (bench/profile.mjs)
 */
async function drive(origin, o, progress, worker) {
  const health = newStats('GET /_wm/health');
  const collect = newStats(`POST /_wm/e (${o.eventsPerBatch} events, returning)`);
  const firstVisit = newStats(`POST /_wm/e (${o.eventsPerBatch} events, new visitor)`);
  const visitors = makeVisitors(o.visitors);

  const getHealth = () => fetch(`${origin}/_wm/health`);
  // No Origin header: the edge treats it as a non-browser client (the demo site lists dev ports only).
  // The body is built before the clock starts.
  const post = (/** @type {number} */ v) => {
    const body = makeBatch(origin, visitors[v], v, o.eventsPerBatch);
    return () => fetch(`${origin}/_wm/e`, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8', ...AS_BROWSER }, body });
  };
  /** Counts stored events and keeps the visitor's token so later batches reach the same Durable Object. */
  const onCollected = (/** @type {RouteStats} */ stats, /** @type {number} */ v) => (/** @type {Response} */ _res, /** @type {string} */ body) => {
    try {
      const r = JSON.parse(body);
      const sent = visitors[v].vid;
      if (sent && r.vid !== sent) note(stats, 'the edge answered a returning visitor with a new vid (token refused?)');
      if (r.vid) visitors[v].vid = r.vid;
      stats.events += r.accepted?.length ?? 0;
      if (r.rejected?.length) note(stats, `rejected: ${JSON.stringify(r.rejected[0]).slice(0, 160)}`);
      if (r.duplicates?.length) note(stats, `${r.duplicates.length} duplicates in one response`);
      if (r.notStored) note(stats, `notStored: ${r.notStored}`);
      if (!r.vid && !visitors[v].vid) note(stats, 'response carried no vid');
    } catch {
      record(stats, `200 with a body that is not JSON: ${body.slice(0, 80)}`);
    }
  };

  // Warm-up (not measured): compile the worker's code paths.
  progress('load: warm-up');
  const far = () => performance.now() + 10_000;
  const scratch = newStats('warm-up');
  await pool(scratch, 50, 4, far(), () => timed(scratch, getHealth));
  if (scratch.errors === scratch.requests) throw new Error(`GET /_wm/health never answered 2xx: ${scratch.samples.join(' | ')}`);

  // Each visitor's first batch creates its profile (a new Durable Object) and returns its token.
  progress(`load: first batch of ${o.visitors} visitors`);
  await settled();
  let t = performance.now();
  await cpuCell(
    firstVisit,
    async () => {
      await pool(firstVisit, o.visitors, o.concurrency, far(), (v) => timed(firstVisit, post(v), onCollected(firstVisit, v)));
      firstVisit.seconds = (performance.now() - t) / 1000;
    },
    true,
  );
  if (firstVisit.errors === firstVisit.requests) {
    throw new Error(`POST /_wm/e never answered 2xx: ${firstVisit.samples.join(' | ')}`);
  }

  // Alternate the routes in rounds; returning visitors are picked round-robin among those whose
  // first batch was answered (on a starved machine the first-batch cell can time out before all).
  const returning = visitors.flatMap((visitor, v) => (visitor.vid ? [v] : []));
  if (returning.length === 0) throw new Error('no first batch was answered with a vid');
  const perRound = Math.ceil(o.requests / o.rounds);
  const secondsPerRound = o.seconds / o.rounds;
  let cursor = 0;
  for (let round = 1; round <= o.rounds; round++) {
    for (const stats of [health, collect]) {
      const deadline = performance.now() + secondsPerRound * 1000;
      const count = Math.min(perRound, o.requests - stats.requests);
      t = performance.now();
      if (stats === health) {
        await cpuCell(health, async () => {
          await pool(health, count, o.concurrency, deadline, () => timed(health, getHealth));
          health.seconds += (performance.now() - t) / 1000;
        });
      } else {
        await cpuCell(
          collect,
          async () => {
            const cell = async () => {
              const before = collect.requests;
              await pool(collect, count, o.concurrency, deadline, () => {
                const v = returning[cursor++ % returning.length];
                return timed(collect, post(v), onCollected(collect, v));
              });
              return collect.requests - before;
            };
            // The last round is profiled (warm objects); a profile costs CPU, so compare its shares only.
            if (round === o.rounds) await maybeProfile(worker, 'collect-returning', cell, (n) => n);
            else await cell();
            collect.seconds += (performance.now() - t) / 1000;
          },
          true,
        );
      }
    }
    progress(`load: round ${round}/${o.rounds}: ${health.requests} health, ${collect.requests} collect requests`);
  }
  progress('load: checking stored profiles');
  const check = await checkProfiles(origin, visitors, o.eventsPerBatch);
  return { health, collect, firstVisit, check, options: o };
}

/**
 * Reads back every 20th visitor's profile (GET /_wm/me with its token): it must hold every event
 * sent for it, which also shows that each visitor's batches reached one Durable Object.
 * @param {string} origin @param {{ vid?: string, sent: number }[]} visitors @param {number} perBatch
 */
async function checkProfiles(origin, visitors, perBatch) {
  let checked = 0;
  /** @type {string[]} */
  const mismatches = [];
  for (let v = 0; v < visitors.length; v += 20) {
    const { vid, sent } = visitors[v];
    if (sent === 0) continue; // never reached: the first-batch cell ran out of time first
    const res = await fetch(`${origin}/_wm/me?site=demo`, { headers: { authorization: `Bearer ${vid}` } });
    const body = await res.text();
    checked++;
    const count = res.ok ? JSON.parse(body).eventCount : undefined;
    if (count !== sent * perBatch) mismatches.push(`visitor ${v}: sent ${sent * perBatch}, profile has ${count ?? `HTTP ${res.status} ${body.slice(0, 80)}`}`);
  }
  return { checked, mismatches };
}

function note(/** @type {RouteStats} */ stats, /** @type {string} */ text) {
  if (stats.notes.length < 3 && !stats.notes.includes(text)) stats.notes.push(text);
}

/** Nearest-rank percentile of unsorted samples, in ms. */
export function percentile(/** @type {number[]} */ values, /** @type {number} */ p) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** @param {Awaited<ReturnType<typeof measureCollect>>} r */
export function formatCollect(r) {
  const ms = (/** @type {number} */ x) => `${x.toFixed(1)} ms`;
  const rows = [r.firstVisit, r.collect, r.health].map((s) => [
    s.route,
    String(s.requests),
    String(Math.round(s.requests / s.seconds)),
    s.route.startsWith('POST') ? String(Math.round(s.events / s.seconds)) : '-',
    ms(percentile(s.latencies, 50)),
    ms(percentile(s.latencies, 99)),
    s.cpuMs == null || s.requests === 0 ? '-' : `${(s.cpuMs / s.requests).toFixed(2)} ms`,
    String(s.errors),
  ]);
  const header = ['route', 'requests', 'req/s', 'events/s', 'p50', 'p99', 'CPU/req', 'errors'];
  const lines = alignTable([header, ...rows], [false, true, true, true, true, true, true, true]);
  const ratio = (/** @type {number} */ p) => (percentile(r.collect.latencies, p) / percentile(r.health.latencies, p)).toFixed(1);
  lines.push(
    '',
    `collect / health: p50 ×${ratio(50)}, p99 ×${ratio(99)}, req/s ×` +
      (r.collect.requests / r.collect.seconds / (r.health.requests / r.health.seconds)).toFixed(2) +
      (r.collect.cpuMs != null && r.health.cpuMs != null
        ? `, CPU/req ×${(r.collect.cpuMs / r.collect.requests / (r.health.cpuMs / r.health.requests)).toFixed(1)}`
        : ''),
    'CPU/req: workerd user+system CPU ms per request (/proc), a collect cell counted until the analytics queue it fed is consumed',
    `${r.options.concurrency} in flight, ${r.options.visitors} visitors, ${r.options.eventsPerBatch} events per batch,` +
      ` routes alternated in ${r.options.rounds} rounds, bounded at ${r.options.requests} requests or ${r.options.seconds} s per route,` +
      ` demo GA4 destination ${r.options.destinations === 'off' ? 'disabled (--destinations=off)' : 'on, as seeded'}`,
  );
  lines.push(
    r.check.mismatches.length
      ? `profile check FAILED: ${r.check.mismatches.slice(0, 3).join('; ')}`
      : `profile check: ${r.check.checked} sampled visitors' profiles hold every event sent to them`,
  );
  for (const s of [r.firstVisit, r.collect, r.health]) {
    if (s.resent) lines.push(`resent, ${s.route}: ${s.resent} requests answered 503 by wrangler's dev proxy restarting the worker, sent again`);
    for (const sample of s.samples) lines.push(`error sample, ${s.route}: ${sample}`);
    for (const n of s.notes) lines.push(`note, ${s.route}: ${n}`);
  }
  return lines;
}

/** Errors on valid requests, or events missing from a profile, are failures of Waymark itself. */
export const collectFailed = (/** @type {Awaited<ReturnType<typeof measureCollect>>} */ r) =>
  r.firstVisit.errors + r.collect.errors + r.health.errors > 0 || r.check.mismatches.length > 0;
