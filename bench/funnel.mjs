// Journey analytics past one Durable Object: how long a 5-step funnel takes to answer when a site's
// events are sharded by visitor over N SiteAnalytics objects, beside the same events in one object,
// in the real worker (wrangler unstable_startWorker, local workerd, SQLite-backed Durable Objects).
// The events are synthetic shop sessions (edge/src/analytics/synthetic.ts) written through the
// local-only seeding route (each visitor into the shard the router would pick, the shards of a
// chunk in parallel); the funnel is asked through the admin API like the dashboard does (fan-out
// to every shard, exact merge). Prints the times; nothing here asserts them.
//   node bench/funnel.mjs [--events=1000000] [--shards=4] [--one=true] [--seed-seconds=900]
// The issue's run: --events=10000000 --shards=16 (see bench/README.md for how long it takes).

// Quiet, offline wrangler (see /work/shared/TOOLCHAIN.md) when run alone: set before wrangler is imported.
process.env.WRANGLER_SEND_METRICS = 'false';
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
process.env.WRANGLER_HIDE_BANNER = 'true';
process.env.WRANGLER_LOG ??= 'warn';

import { alignTable } from './table.mjs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workerdCpuByPid, withWorkerdCpu } from './workerd-cpu.mjs';

const DAY = 86_400_000;
const EVENTS_PER_VISITOR = 10;
/** Visitors per seeding request (the route's maximum): each shard generates and stores its own share. */
const CHUNK_VISITORS = 50_000;
/** Requests in flight at once (each fans out to the shards in parallel). */
const SEED_CONCURRENCY = 2;

/** Resident memory (KB) of this bench's workerd processes, or null without /proc: the funnel index's footprint is the growth over the first funnel. */
function workerdRssKb() {
  const pids = workerdCpuByPid();
  if (!pids) return null;
  let kb = 0;
  for (const pid of pids.keys()) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // Exited between the listing and the read.
    }
  }
  return kb;
}

/**
 * @param {(msg: string) => void} progress
 * @param {{ events?: number, shards?: number, one?: boolean, seedSeconds?: number }} [options]
 */
export async function measureFunnel(progress, options = {}) {
  const target = options.events ?? 1_000_000;
  const shards = options.shards ?? 4;
  const withOne = options.one ?? true;
  const seedBudgetMs = (options.seedSeconds ?? 900) * 1000;
  const { unstable_startWorker } = await import('wrangler');
  // Storage on disk, so the worker can be restarted over the same data: the last measurement is a cold start (objects load the saved funnel index).
  const dir = mkdtempSync(join(tmpdir(), 'wm-funnel-'));
  /** @type {Awaited<ReturnType<typeof unstable_startWorker>> | null} */
  let worker = null;
  let origin = '';
  let csrfToken = '';
  let cookie = '';
  const startWorker = async () => {
    progress('funnel: starting the worker (wrangler unstable_startWorker, wrangler.toml)');
    worker = await unstable_startWorker({ config: 'wrangler.toml', dev: { server: { port: 0 }, persist: dir, watch: false, inspector: false } });
    await worker.ready;
    origin = (await worker.url).origin;
    const login = await fetch(`${origin}/_wm/admin/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ password: 'waymark-demo' }),
    });
    if (!login.ok) throw new Error(`admin login failed: ${login.status} ${await login.text()}`);
    csrfToken = /** @type {{ csrfToken: string }} */ (await login.json()).csrfToken;
    cookie = (login.headers.get('set-cookie') ?? '').match(/wm_admin=[^;]+/)?.[0] ?? '';
  };
  try {
    await startWorker();
    /** @param {string} method @param {string} path @param {unknown} body */
    const call = async (method, path, body) => {
      for (let attempt = 1; ; attempt++) {
        const res = await fetch(`${origin}/_wm/admin/api${path}`, {
          method,
          headers: { 'content-type': 'application/json', origin, cookie, 'x-wm-csrf': csrfToken },
          body: JSON.stringify(body),
        });
        const text = await res.text();
        // The local runtime restarts now and then under this load (all objects share one isolate). Seeding and reports are idempotent.
        if (res.status === 503 && /restarted/.test(text) && attempt < 6) {
          restarts++;
          progress(`funnel: the local runtime restarted during ${path}; again (${attempt})`);
          continue;
        }
        if (!res.ok) throw new Error(`${path}: ${res.status} ${text}`);
        return JSON.parse(text);
      }
    };
    let restarts = 0;
    const start = Date.UTC(2026, 0, 1);
    const spanMs = 30 * DAY;
    const query = {
      steps: [{ page: '/' }, { event: 'add_to_cart' }, { page: '/cart' }, { event: 'checkout_start' }, { event: 'purchase' }],
      window: '7d',
      from: start,
      to: start + spanMs + DAY,
    };

    /** Seeds `target` events into a site with `n` shards, then times the funnel 5 times. @param {number} n */
    const cell = async (n) => {
      const site = `bench-funnel-${n}`;
      await call('PUT', `/sites/${site}`, {
        id: site,
        name: `Funnel bench, ${n} shards`,
        version: 0,
        origins: [],
        consentPolicy: 'opt-out',
        analyticsShards: n,
      });
      let events = 0;
      let visitors = 0;
      let next = 0;
      const seedStart = performance.now();
      let lastReport = 0;
      let stopped = false;
      const seeder = async () => {
        // Chunks are handed out up front by an estimate of events per visitor (about 7.4 here), so parallel seeders stop near the target.
        const visitorsNeeded = Math.ceil(target / 7.4);
        while (next < visitorsNeeded && !stopped) {
          if (performance.now() - seedStart > seedBudgetMs) {
            stopped = true;
            break;
          }
          const firstVisitor = next;
          const count = Math.min(CHUNK_VISITORS, visitorsNeeded - next);
          next += count;
          const r = /** @type {{ events: number, visitors: number }} */ (
            await call('POST', `/sites/${site}/analytics/_seed`, {
              visitors: count,
              firstVisitor,
              eventsPerVisitor: EVENTS_PER_VISITOR,
              start,
              spanMs,
              seed: 1,
            })
          );
          events += r.events;
          visitors += r.visitors;
          if (performance.now() - lastReport > 2000) {
            lastReport = performance.now();
            const s = (performance.now() - seedStart) / 1000;
            progress(`funnel: ${n} shard(s): seeded ${events.toLocaleString('en-US')} of ${target.toLocaleString('en-US')} events in ${s.toFixed(0)} s`);
          }
        }
      };
      await Promise.all(Array.from({ length: SEED_CONCURRENCY }, seeder));
      const seedSeconds = (performance.now() - seedStart) / 1000;
      progress(
        `funnel: ${n} shard(s): ${events.toLocaleString('en-US')} events, ${visitors.toLocaleString('en-US')} visitors in ${seedSeconds.toFixed(0)} s${stopped ? ' (seeding time budget reached)' : ''}`,
      );
      /** @type {number[]} */
      const times = [];
      /** @type {number[]} */
      const cpu = [];
      /** @type {any} */
      let last = null;
      const rssBefore = workerdRssKb();
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        const { result, cpuMs } = await withWorkerdCpu(() => call('POST', `/sites/${site}/analytics/funnel`, query));
        last = result;
        times.push(performance.now() - t0);
        cpu.push(cpuMs);
      }
      const rssAfter = workerdRssKb();
      const rssGrowthMb = rssBefore === null || rssAfter === null ? null : (rssAfter - rssBefore) / 1024;
      progress(`funnel: ${n} shard(s): best ${Math.min(...times).toFixed(0)} ms`);
      const paths0 = performance.now();
      await call('POST', `/sites/${site}/analytics/paths`, { anchor: { event: 'add_to_cart' }, direction: 'next', depth: 3, from: start, to: start + spanMs });
      const pathsMs = performance.now() - paths0;
      const ret0 = performance.now();
      await call('POST', `/sites/${site}/analytics/retention`, { period: 'week', periods: 5, from: start, to: start + spanMs });
      const retMs = performance.now() - ret0;
      return {
        shards: n,
        events,
        visitors,
        seedSeconds,
        stopped,
        times,
        cpu,
        rssGrowthMb,
        pathsMs,
        retMs,
        last: last.steps,
        /** @type {{ times: number[], cpu: (number | null)[] } | null} */
        restart: null,
        sameAfterRestart: false,
        steps: last.steps.map((/** @type {any} */ s) => s.visitors),
        medians: last.steps.map((/** @type {any} */ s) => s.medianMsFromPrevious),
      };
    };

    const cells = [];
    if (withOne && shards !== 1) cells.push(await cell(1));
    cells.push(await cell(shards));
    // A new runtime over the same storage: every object starts cold and loads its saved funnel index.
    await worker?.dispose();
    worker = null;
    await startWorker();
    for (const c of cells) {
      /** @type {number[]} */
      const times = [];
      /** @type {(number | null)[]} */
      const cpu = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const { result, cpuMs } = await withWorkerdCpu(() => call('POST', `/sites/bench-funnel-${c.shards}/analytics/funnel`, query));
        times.push(performance.now() - t0);
        cpu.push(cpuMs);
        c.sameAfterRestart = JSON.stringify(result.steps) === JSON.stringify(c.last);
      }
      c.restart = { times, cpu };
      progress(`funnel: ${c.shards} shard(s) after a restart: first ${times[0].toFixed(0)} ms`);
    }
    return { target, cells, restarts, labels: query.steps.map((s) => ('page' in s ? s.page : s.event)) };
  } finally {
    await /** @type {any} */ (worker)?.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** @param {Awaited<ReturnType<typeof measureFunnel>>} r */
export function formatFunnel(r) {
  const fmt = (/** @type {number} */ ms) => `${ms.toFixed(0)} ms`;
  const sharded = r.cells[r.cells.length - 1];
  const one = r.cells.length > 1 ? r.cells[0] : null;
  const same = one ? JSON.stringify([one.steps, one.medians]) === JSON.stringify([sharded.steps, sharded.medians]) : null;
  return [
    ...r.cells.map(
      (c) =>
        `${c.shards} shard(s): ${c.events.toLocaleString('en-US')} events, ${c.visitors.toLocaleString('en-US')} visitors, seeded in ${c.seedSeconds.toFixed(0)} s` +
        `${c.stopped ? ' (stopped at the seeding time budget)' : ''}; every seeded visitor entered the funnel (nothing lost): ${c.steps[0] === c.visitors ? 'yes' : 'NO'}`,
    ),
    `funnel (5 steps, 7d window): ${r.labels.map((l, i) => `${l} ${sharded.steps[i].toLocaleString('en-US')}`).join(' -> ')}`,
    ...(r.restarts ? [`the local runtime restarted ${r.restarts} time(s) mid-request (requests repeated; the lines above check the data survived)`] : []),
    ...(same === null ? [] : [`same answer (visitors and median times per step) with 1 shard and with ${sharded.shards}: ${same ? 'yes' : 'NO'}`]),
    ...r.cells.map(
      (c) =>
        `${c.shards} shard(s), every funnel round trip: ${c.times.map(fmt).join(', ')}` +
        (c.restart ? `; after the restart: ${c.restart.times.map(fmt).join(', ')}` : ''),
    ),
    `same answer after a restart of the runtime (objects cold, funnel index loaded from storage): ${r.cells.every((c) => c.sameAfterRestart) ? 'yes' : 'NO'}`,
    '',
    ...alignTable(
      [
        [
          'shards',
          'first (index built)',
          'CPU (first)',
          'best of 4 repeats',
          'median',
          'workerd CPU (best repeat)',
          'workerd memory growth',
          'after a restart: first (index loaded)',
          'CPU (that first)',
          'paths (once)',
          'retention (once)',
        ],
        ...r.cells.map((c) => {
          const repeats = c.times.slice(1);
          const sorted = [...repeats].sort((a, b) => a - b);
          return [
            String(c.shards),
            fmt(c.times[0]),
            c.cpu[0] === null ? '-' : fmt(c.cpu[0]),
            fmt(Math.min(...repeats)),
            fmt(sorted[Math.floor(sorted.length / 2)]),
            c.cpu.some((x) => x === null) ? '-' : fmt(Math.min(...c.cpu.slice(1))),
            c.rssGrowthMb === null ? '-' : `${c.rssGrowthMb.toFixed(0)} MB (${(c.rssGrowthMb / c.shards).toFixed(1)} MB/shard)`,
            c.restart ? fmt(c.restart.times[0]) : '-',
            c.restart?.cpu[0] == null ? '-' : fmt(c.restart.cpu[0]),
            fmt(c.pathsMs),
            fmt(c.retMs),
          ];
        }),
      ],
      [false, true, true, true, true, true, true, true, true, true, true],
    ),
    '',
    `best funnel round trip over ${sharded.events.toLocaleString('en-US')} events in ${sharded.shards} shards: ${fmt(Math.min(...sharded.times.slice(1)))} (target: under 1000 ms)` +
      (one ? `; 1 shard: ${fmt(Math.min(...one.times.slice(1)))}` : ''),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (/** @type {string} */ name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const r = await measureFunnel((m) => console.error(m), {
    ...(arg('events') ? { events: Number(arg('events')) } : {}),
    ...(arg('shards') ? { shards: Number(arg('shards')) } : {}),
    ...(arg('one') ? { one: arg('one') !== 'false' } : {}),
    ...(arg('seed-seconds') ? { seedSeconds: Number(arg('seed-seconds')) } : {}),
  });
  console.log(formatFunnel(r).join('\n'));
}
