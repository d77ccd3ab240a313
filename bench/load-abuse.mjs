// `npm run bench:load -- --mode=abuse` (bench/load.mjs runs this file for that mode): many
// concurrent visitors at a human rate beside one abusive visitor (and one address flooding new
// visitors), against the real worker over loopback. Reports each group's
// requests, events/s, p50/p99 latency, errors and 429s, and whether the abusers were limited while
// the normal visitors were not. A benchmark: it asserts nothing about the numbers.
//
//   node bench/load.mjs --mode=abuse [--visitors=50] [--seconds=20] [--abuse-concurrency=4] [--flood-concurrency=2]
//                       [--max-requests=50000]
//
// Progress goes to stderr, results to stdout. Exit code 1 only when Waymark itself fails: the worker
// does not start, or a request gets a 5xx, a network error, or an answer that is not 200/429.

// Quiet, offline wrangler (see /work/shared/TOOLCHAIN.md): set before wrangler is imported.
process.env.WRANGLER_SEND_METRICS = 'false';
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
process.env.WRANGLER_HIDE_BANNER = 'true';
process.env.WRANGLER_LOG ??= 'warn';

import { fileURLToPath } from 'node:url';
import { percentile } from './collect.mjs';
import { alignTable } from './table.mjs';
import { makeBatch, num, progress, sample, sleep, withDemoWorker } from './load-common.mjs';
import { AS_BROWSER } from '../e2e/support/user-agent.mjs';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));

const o = {
  visitors: num('visitors', 50, 1000),
  seconds: num('seconds', 20, 300),
  abuseConcurrency: num('abuse-concurrency', 4, 64),
  floodConcurrency: num('flood-concurrency', 2, 64),
  /** Upper bound on all requests of the run, whatever the time bound says. */
  maxRequests: num('max-requests', 50_000, 1_000_000),
  /** A normal visitor sends a batch every 1.5–3.5 s (what a person clicking around produces at most). */
  thinkMs: [1_500, 3_500],
};
/** A documentation address (RFC 5737): the edge limits it like any real client address. */
const FLOOD_IP = '203.0.113.66';

/**
 * @typedef {{ name: string, requests: number, events: number, ok: number, limited: number,
 *   errors: number, latencies: number[], samples: string[], retryAfter: Set<string> }} Group
 */
/** @returns {Group} */
const group = (/** @type {string} */ name) => ({
  name,
  requests: 0,
  events: 0,
  ok: 0,
  limited: 0,
  errors: 0,
  latencies: [],
  samples: [],
  retryAfter: new Set(),
});

let total = 0;

/** A realistic batch (bench/load-common.mjs) with this bench's event id prefix. */
const batch = (
  /** @type {string} */ origin,
  /** @type {string} */ who,
  /** @type {number} */ n,
  /** @type {number} */ size,
  /** @type {string|undefined} */ vid,
) => makeBatch('l', origin, who, n, size, vid);

/**
 * One POST /_wm/e. 200 counts its accepted events, 429 is a refusal by the limiter (expected for
 * the abusers); anything else is an error of Waymark. Returns the answer's vid on 200.
 * @param {string} origin @param {Group} g @param {string} body @param {Record<string, string>} [headers]
 */
async function send(origin, g, body, headers = {}) {
  total++;
  g.requests++;
  const t0 = performance.now();
  try {
    const res = await fetch(`${origin}/_wm/e`, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8', ...AS_BROWSER, ...headers }, body });
    const text = await res.text();
    g.latencies.push(performance.now() - t0);
    if (res.status === 200) {
      const r = JSON.parse(text);
      g.ok++;
      g.events += r.accepted?.length ?? 0;
      return /** @type {string|undefined} */ (r.vid);
    }
    if (res.status === 429) {
      g.limited++;
      g.retryAfter.add(res.headers.get('retry-after') ?? 'missing');
      if (!JSON.parse(text).error?.startsWith('rate limited')) sample(g, `429 without a reason: ${text.slice(0, 120)}`);
      return undefined;
    }
    sample(g, `HTTP ${res.status}: ${text.slice(0, 160)}`);
  } catch (err) {
    g.latencies.push(performance.now() - t0);
    sample(g, `network: ${/** @type {Error} */ (err).message}`);
  }
  return undefined;
}

/** @param {string} origin @param {number} deadline */
async function drive(origin, deadline) {
  const normal = group(`normal visitors (${o.visitors}, a batch every ${o.thinkMs[0] / 1000}-${o.thinkMs[1] / 1000} s)`);
  const abuser = group(`abusive visitor (1 vid, ${o.abuseConcurrency} in flight, no pause)`);
  const flood = group(`new-visitor flood (no vid, CF-Connecting-IP ${FLOOD_IP}, ${o.floodConcurrency} in flight)`);
  const going = () => performance.now() < deadline && total < o.maxRequests;

  const person = async (/** @type {number} */ v) => {
    // Arrivals spread over the first seconds, like real traffic.
    await sleep(Math.min(deadline - performance.now(), Math.random() * o.thinkMs[1]));
    let vid;
    for (let n = 0; going(); n++) {
      vid = (await send(origin, normal, batch(origin, `v${v}`, n, 1 + Math.floor(Math.random() * 5), vid))) ?? vid;
      await sleep(Math.min(deadline - performance.now(), o.thinkMs[0] + Math.random() * (o.thinkMs[1] - o.thinkMs[0])));
    }
  };
  const abuse = async () => {
    const vid = await send(origin, abuser, batch(origin, 'abuser', 0, 5, undefined));
    if (!vid) throw new Error(`the abusive visitor's first batch was refused: ${abuser.samples.join(' | ')}`);
    let n = 1;
    const hammer = async () => {
      while (going()) await send(origin, abuser, batch(origin, 'abuser', n++, 5, vid));
    };
    await Promise.all(Array.from({ length: o.abuseConcurrency }, hammer));
  };
  let f = 0;
  const floodOne = async () => {
    while (going()) await send(origin, flood, batch(origin, `f${f}`, f++, 1, undefined), { 'cf-connecting-ip': FLOOD_IP });
  };

  const ticker = setInterval(() => {
    progress(
      `normal ${normal.requests} req (${normal.limited} × 429, ${normal.errors} errors) · ` +
        `abusive ${abuser.requests} req (${abuser.ok} ok, ${abuser.limited} × 429) · ` +
        `flood ${flood.requests} req (${flood.ok} ok, ${flood.limited} × 429)`,
    );
  }, 2_000);
  const t0 = performance.now();
  try {
    await Promise.all([...Array.from({ length: o.visitors }, (_, v) => person(v)), abuse(), ...Array.from({ length: o.floodConcurrency }, floodOne)]);
  } finally {
    clearInterval(ticker);
  }
  return { groups: [normal, abuser, flood], seconds: (performance.now() - t0) / 1000 };
}

/** @param {{ groups: Group[], seconds: number }} r */
function report(r) {
  const ms = (/** @type {number} */ x) => (Number.isNaN(x) ? '-' : `${x.toFixed(1)} ms`);
  const rows = r.groups.map((g) => [
    g.name,
    String(g.requests),
    String(g.ok),
    String(Math.round(g.events / r.seconds)),
    ms(percentile(g.latencies, 50)),
    ms(percentile(g.latencies, 99)),
    String(g.errors),
    String(g.limited),
  ]);
  const header = ['group', 'requests', '200', 'events/s', 'p50', 'p99', 'errors', '429s'];
  const lines = alignTable([header, ...rows], [false, true, true, true, true, true, true, true]);
  const [normal, abuser, flood] = r.groups;
  const retry = (/** @type {Group} */ g) => [...g.retryAfter].join(', ') || '-';
  lines.push(
    '',
    `${r.seconds.toFixed(1)} s, ${total} requests over loopback; latency from fetch until the whole answer is read`,
    abuser.limited > 0
      ? `abusive visitor: LIMITED: ${abuser.ok} of ${abuser.requests} batches stored, ${abuser.limited} answered 429 (Retry-After: ${retry(abuser)} s)`
      : `abusive visitor: NOT limited (${abuser.requests} batches, all stored)`,
    flood.limited > 0
      ? `new-visitor flood from ${FLOOD_IP}: LIMITED: ${flood.ok} new visitors created, ${flood.limited} answered 429 (Retry-After: ${retry(flood)} s)`
      : `new-visitor flood from ${FLOOD_IP}: NOT limited (${flood.ok} new visitors created)`,
    normal.limited === 0
      ? `normal visitors: unaffected: 0 of ${normal.requests} batches got 429`
      : `normal visitors: ${normal.limited} of ${normal.requests} batches got 429`,
  );
  for (const g of r.groups) for (const s of g.samples) lines.push(`error sample, ${g.name}: ${s}`);
  return lines;
}

progress(`starting the worker (wrangler unstable_startWorker, wrangler.toml, persist false)`);
let failed = false;
try {
  failed = await withDemoWorker(async (origin) => {
    progress(
      `worker ready at ${origin}; ${o.visitors} visitors + 1 abusive visitor + new-visitor flood for ${o.seconds} s (at most ${o.maxRequests} requests)`,
    );
    const result = await drive(origin, performance.now() + o.seconds * 1000);
    console.log('\n## Load: normal visitors beside an abusive one (wrangler unstable_startWorker, local workerd)\n');
    console.log(report(result).join('\n'));
    const withErrors = result.groups.some((g) => g.errors > 0);
    if (withErrors) console.log('\nFAILED: Waymark answered with errors (see the samples above)');
    return withErrors;
  });
} catch (err) {
  failed = true;
  console.log(`\n## Load\n\nFAILED: ${/** @type {Error} */ (err).stack ?? err}`);
}
progress(`done${failed ? ' with failures' : ''}`);
process.exit(failed ? 1 : 0);
