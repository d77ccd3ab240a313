// Journey analytics: how long a 4-step funnel over 1,000,000 stored events takes to answer in the
// real worker (wrangler unstable_startWorker, local workerd, SQLite-backed Durable Object). The
// events are synthetic shop sessions (edge/src/analytics/synthetic.ts) written straight into one
// site's SiteAnalytics through the local-only seeding route, then the funnel is asked through the
// admin API like the dashboard does. Prints the time; nothing here asserts it.
//   node bench/funnel.mjs [--events=1000000]
import { alignTable } from './table.mjs';

const DAY = 86_400_000;
const EVENTS_PER_VISITOR = 10;
const CHUNK_VISITORS = 10_000;

/** @param {(msg: string) => void} progress @param {{ events?: number }} [options] */
export async function measureFunnel(progress, options = {}) {
  const target = options.events ?? 1_000_000;
  const { unstable_startWorker } = await import('wrangler');
  progress('funnel: starting the worker (wrangler unstable_startWorker, wrangler.toml)');
  const worker = await unstable_startWorker({ config: 'wrangler.toml', dev: { server: { port: 0 }, persist: false, watch: false, inspector: false } });
  try {
    await worker.ready;
    const origin = (await worker.url).origin;
    const login = await fetch(`${origin}/_wm/admin/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ password: 'waymark-demo' }),
    });
    if (!login.ok) throw new Error(`admin login failed: ${login.status} ${await login.text()}`);
    const { csrfToken } = /** @type {{ csrfToken: string }} */ (await login.json());
    const cookie = (login.headers.get('set-cookie') ?? '').match(/wm_admin=[^;]+/)?.[0] ?? '';
    const site = 'bench-funnel';
    /** @param {string} path @param {unknown} body */
    const api = async (path, body) => {
      const res = await fetch(`${origin}/_wm/admin/api/sites/${site}/analytics${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin, cookie, 'x-wm-csrf': csrfToken },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const start = Date.UTC(2026, 0, 1);
    const spanMs = 30 * DAY;
    let events = 0;
    let visitors = 0;
    const seedStart = performance.now();
    while (events < target) {
      const r = /** @type {{ events: number, visitors: number }} */ (
        await api('/_seed', { visitors: CHUNK_VISITORS, firstVisitor: visitors, eventsPerVisitor: EVENTS_PER_VISITOR, start, spanMs, seed: 1 })
      );
      events += r.events;
      visitors += r.visitors;
      progress(`funnel: seeded ${events.toLocaleString('en-US')} events, ${visitors.toLocaleString('en-US')} visitors`);
    }
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const query = {
      steps: [{ page: '/' }, { event: 'add_to_cart' }, { page: '/cart' }, { event: 'checkout_start' }, { event: 'purchase' }],
      window: '7d',
      from: start,
      to: start + spanMs + DAY,
    };
    const rows = [];
    /** @type {number[]} */
    const times = [];
    /** @type {any} */
    let last = null;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      last = await api('/funnel', query);
      const ms = performance.now() - t0;
      times.push(ms);
      rows.push([i === 0 ? 'first (cold)' : `repeat ${i}`, `${ms.toFixed(0)} ms`, `${last.tookMs} ms`]);
    }
    const paths0 = performance.now();
    await api('/paths', { anchor: { event: 'add_to_cart' }, direction: 'next', depth: 3, from: start, to: start + spanMs });
    const pathsMs = performance.now() - paths0;
    const ret0 = performance.now();
    await api('/retention', { period: 'week', periods: 5, from: start, to: start + spanMs });
    const retMs = performance.now() - ret0;
    return {
      events,
      visitors,
      seedSeconds,
      rows,
      steps: last.steps.map((/** @type {any} */ s) => `${s.label} ${s.visitors.toLocaleString('en-US')}`).join(' -> '),
      best: Math.min(...times),
      pathsMs,
      retMs,
    };
  } finally {
    await worker.dispose();
  }
}

/** @param {Awaited<ReturnType<typeof measureFunnel>>} r */
export function formatFunnel(r) {
  return [
    `${r.events.toLocaleString('en-US')} events, ${r.visitors.toLocaleString('en-US')} visitors, seeded in ${r.seedSeconds.toFixed(1)} s`,
    `funnel (5 steps, 7d window): ${r.steps}`,
    '',
    ...alignTable([['run', 'round trip', 'in the store'], ...r.rows], [false, true, true]),
    '',
    `best funnel round trip: ${r.best.toFixed(0)} ms (target: under 1000 ms)`,
    `paths (next 3 after add_to_cart): ${r.pathsMs.toFixed(0)} ms; retention (5 weekly cohorts): ${r.retMs.toFixed(0)} ms`,
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = process.argv.find((a) => a.startsWith('--events='));
  const r = await measureFunnel((m) => console.error(m), arg ? { events: Number(arg.split('=')[1]) } : {});
  console.log(formatFunnel(r).join('\n'));
}
