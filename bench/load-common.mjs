// What the two load benches (bench/load.mjs: a steady rate; bench/load-abuse.mjs: abusers beside
// normal visitors) share: their arguments, progress lines, realistic batches, error samples, and a
// fresh local worker with the demo site seeded.

import { seedDemo } from '../scripts/seed-demo.mjs';
import { inspectorOption } from './profile.mjs';

/** `--key=value` arguments as a record (`--flag` alone is ''). */
export const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v = ''] = a.replace(/^--/, '').split('=');
    return [k, v];
  }),
);

/** A positive numeric argument, capped at `max`; `d` when absent or not a positive number. */
export const num = (/** @type {string} */ k, /** @type {number} */ d, /** @type {number} */ max) => {
  const v = Number(args[k]);
  return v > 0 ? Math.min(v, max) : d;
};

const started = performance.now();
/** A progress line on stderr, with the seconds since the bench started. */
export const progress = (/** @type {string} */ line) =>
  console.error(`[bench:load ${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);

export const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

const RUN = Math.random().toString(36).slice(2, 8);
const PRODUCTS = ['trail-runner', 'rain-shell', 'wool-socks', 'day-pack', 'camp-mug'];

/**
 * A realistic batch of `size` events (a page view, then track events) for the demo site. Event ids
 * are unique per run, `prefix`, visitor `who` and batch number `n`, so resending a batch is a resend.
 */
export function makeBatch(
  /** @type {string} */ prefix,
  /** @type {string} */ origin,
  /** @type {string} */ who,
  /** @type {number} */ n,
  /** @type {number} */ size,
  /** @type {string|undefined} */ vid,
) {
  const product = PRODUCTS[n % PRODUCTS.length];
  const url = `${origin}/products/${product}`;
  const ts = Date.now();
  const events = Array.from({ length: size }, (_, i) => {
    const common = { id: `${prefix}${RUN}${who}n${n}i${i}`, ts: ts + i, sid: `s${RUN}${who}`, url };
    if (i === 0) return { ...common, type: 'page', title: `${product} | Waymark Outfitters`, ref: `${origin}/` };
    return { ...common, type: 'track', name: i % 2 ? 'product_viewed' : 'add_to_cart', props: { sku: product, price: 49.5 + i } };
  });
  return JSON.stringify({ site: 'demo', ...(vid ? { vid } : {}), events });
}

/** Counts an error of a group and keeps up to three distinct samples of it. */
export function sample(/** @type {{ errors: number, samples: string[] }} */ g, /** @type {string} */ s) {
  g.errors++;
  if (g.samples.length < 3 && !g.samples.includes(s)) g.samples.push(s);
}

/**
 * Runs `body` against a fresh local worker (wrangler.toml, nothing persisted) with the demo site
 * seeded, as `npm start` seeds it (with `destinations: 'off'`, its destinations then disabled);
 * the worker is disposed of afterwards, whatever happens.
 * `body` gets the worker too, to profile a part of its run (bench/profile.mjs).
 * @template T @param {(origin: string, worker: { inspectorUrl: Promise<URL | undefined> }) => Promise<T>} body @param {{ destinations?: 'on' | 'off' }} [options]
 * @returns {Promise<T>}
 */
export async function withDemoWorker(body, options = {}) {
  const { unstable_startWorker } = await import('wrangler');
  const worker = await unstable_startWorker({
    config: 'wrangler.toml',
    dev: { server: { port: 0 }, persist: false, watch: false, inspector: inspectorOption() },
  });
  try {
    await worker.ready;
    const origin = (await worker.url).origin;
    await seedDemo(origin);
    if (options.destinations === 'off') await disableDestinations(origin);
    return await body(origin, worker);
  } finally {
    await worker.dispose();
  }
}

/**
 * Disables every destination of the demo site through the admin API (local password, as
 * `npm start` has it), then waits out the worker's 5 s site-config cache (config/site-store.ts).
 * @param {string} origin
 */
export async function disableDestinations(origin) {
  const login = await fetch(`${origin}/_wm/admin/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ password: 'waymark-demo' }),
  });
  if (!login.ok) throw new Error(`admin login: HTTP ${login.status} ${(await login.text()).slice(0, 120)}`);
  const { csrfToken } = await login.json();
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const headers = { cookie, origin, 'x-wm-csrf': csrfToken, 'content-type': 'application/json' };
  const api = `${origin}/_wm/admin/api/sites/demo/destinations`;
  const list = await fetch(api, { headers });
  if (!list.ok) throw new Error(`destinations: HTTP ${list.status} ${(await list.text()).slice(0, 120)}`);
  let { destinations, version } = await list.json();
  for (const { destination } of destinations) {
    const { id, ...fields } = destination;
    const body = JSON.stringify({ ...fields, enabled: false, baseVersion: version });
    const res = await fetch(`${api}/${id}`, { method: 'PUT', headers, body });
    if (!res.ok) throw new Error(`disabling destination ${id}: HTTP ${res.status} ${(await res.text()).slice(0, 160)}`);
    version = (await res.json()).version;
  }
  await new Promise((r) => setTimeout(r, 6_000));
}
