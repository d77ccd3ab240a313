// `npm run bench:load`: a steady rate of events from many visitors against the real worker over
// loopback (local workerd), and whether Waymark held it: the rate, 0 errors, p99 under 5× p50,
// and every event in its visitor's profile and in the site's analytics afterwards. When the rate
// is not held, a short search finds the highest one that is.
//
//   node bench/load.mjs [--rate=1000] [--seconds=60] [--batch=5] [--visitors=500] [--max-in-flight=64]
//                       [--search=on|off] [--search-seconds=15] [--search-trials=4] [--destinations=off] [--write]
//   node bench/load.mjs --mode=abuse [...]   normal visitors beside abusive ones (bench/load-abuse.mjs)
//
// Progress goes to stderr, results to stdout. Exit code 1 only when Waymark itself fails (the worker
// does not start, a valid batch gets an error, an event is missing from its profile); a rate this
// machine cannot hold is a result, not a failure. `--write` also writes everything printed to
// bench/RESULTS-load.md, with the machine (`npm run bench:load` does).

// Quiet, offline wrangler (see /work/shared/TOOLCHAIN.md): set before wrangler is imported.
process.env.WRANGLER_SEND_METRICS = 'false';
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
process.env.WRANGLER_HIDE_BANNER = 'true';
process.env.WRANGLER_LOG ??= 'warn';

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { machineTable } from './machine.mjs';
import { percentile } from './collect.mjs';
import { workerdCpuByPid, workerdCpuSince } from './workerd-cpu.mjs';
import { alignTable } from './table.mjs';
import { maybeProfile } from './profile.mjs';
import { args, makeBatch as batchOf, num, progress, sample, sleep, withDemoWorker } from './load-common.mjs';
import { AS_BROWSER } from '../e2e/support/user-agent.mjs';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));

if (args.mode === 'abuse') {
  await import('./load-abuse.mjs'); // runs and exits
} else if (args.mode !== undefined && args.mode !== 'rate') {
  console.error(`--mode must be rate (the default) or abuse (got "${args.mode}")`);
  process.exit(2);
}

/**
 * What was printed, as Markdown: each `## ` heading as is, the text between headings fenced (the
 * tables are aligned for a terminal).
 * @param {string} text
 */
function asMarkdown(text) {
  return text.split(/^(## .*)$/m).flatMap((part) => {
    if (part.startsWith('## ')) return ['', part];
    const body = part.replace(/^\n+|\n+$/g, '');
    return body ? ['', '```text', body, '```'] : [];
  });
}

/** Everything printed to stdout, for `--write`. */
const printed = /** @type {string[]} */ ([]);
const print = (/** @type {string} */ text) => {
  printed.push(text);
  console.log(text);
};

/**
 * @typedef {{ rate: number, seconds: number, batch: number, visitors: number, maxInFlight: number }} RateOptions
 * `rate` in events/s; a visitor sends its next batch only once its last one was answered (as the
 * snippet's outbox does), so `visitors` must cover rate / batch × latency.
 */
/** @type {RateOptions} */
const o = {
  rate: num('rate', 1000, 100_000),
  seconds: num('seconds', 60, 600),
  batch: Math.round(num('batch', 5, 50)),
  visitors: Math.round(num('visitors', 500, 20_000)),
  maxInFlight: Math.round(num('max-in-flight', 64, 4096)),
};
const search = args.search !== 'off';
/** `--destinations=off`: the demo site's GA4 destination disabled (bench/README.md section 2). */
const destinations = args.destinations === 'off' ? 'off' : 'on';
const searchSeconds = num('search-seconds', 15, 600);
const searchTrials = Math.round(num('search-trials', 4, 10));
/** The conditions of issue #14, point 6. */
const P99_OVER_P50 = 5;
/** The rate counts as held when this share of the scheduled batches went out on time and were stored. */
const HELD_SHARE = 0.99;

/** A realistic batch (bench/load-common.mjs) with this bench's event id prefix. */
const makeBatch = (
  /** @type {string} */ origin,
  /** @type {string} */ who,
  /** @type {number} */ n,
  /** @type {number} */ size,
  /** @type {string|undefined} */ vid,
) => batchOf('r', origin, who, n, size, vid);

/**
 * @typedef {{ name: string, requests: number, events: number, errors: number, resent: number, latencies: number[], samples: string[] }} Group
 */
/** @returns {Group} */
const group = (/** @type {string} */ name) => ({ name, requests: 0, events: 0, errors: 0, resent: 0, latencies: [], samples: [] });

/**
 * Open loop: batch k is due at k × (batch / rate) s from the start, whatever the answers' speed.
 * A due batch goes to the next visitor with nothing in flight; with none free (or `maxInFlight`
 * reached) the slot is missed, and the rate was not held.
 * @param {string} origin @param {RateOptions} opt
 */
async function drive(origin, opt) {
  const first = group('first batch (new visitor)');
  const returning = group('returning visitor');
  /** @type {{ vid?: string, busy: boolean, sentEvents: number, batches: number }[]} */
  const visitors = Array.from({ length: opt.visitors }, () => ({ busy: false, sentEvents: 0, batches: 0 }));
  const intervalMs = (1000 * opt.batch) / opt.rate;
  const due = Math.floor((opt.seconds * 1000) / intervalMs);
  let scheduled = 0;
  let missed = 0;
  let inFlight = 0;
  let cursor = 0;
  /** @type {Set<Promise<void>>} */
  const pending = new Set();

  const send = async (/** @type {number} */ v) => {
    const visitor = visitors[v];
    const g = visitor.vid ? returning : first;
    const body = makeBatch(origin, `v${v}`, visitor.batches++, opt.batch, visitor.vid);
    g.requests++;
    const t0 = performance.now();
    try {
      const post = () => fetch(`${origin}/_wm/e`, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8', ...AS_BROWSER }, body });
      let res = await post();
      let text = await res.text();
      // wrangler's dev proxy answers a POST in flight with this 503 when it restarts the worker
      // (templates/startDevWorker/ProxyWorker.ts; it retries only GET). The snippet's outbox resends
      // a batch after a 5xx, and event ids make that safe: so does this client, and counts it.
      for (let retry = 0; retry < 3 && res.status === 503 && text.includes('restarted mid-request'); retry++) {
        g.resent++;
        await sleep(200);
        res = await post();
        text = await res.text();
      }
      g.latencies.push(performance.now() - t0);
      if (res.status !== 200) return sample(g, `HTTP ${res.status}: ${text.slice(0, 160)}`);
      const r = JSON.parse(text);
      const accepted = r.accepted?.length ?? 0;
      if (accepted !== opt.batch) sample(g, `${accepted} of ${opt.batch} events accepted: ${text.slice(0, 160)}`);
      if (visitor.vid && r.vid !== visitor.vid) sample(g, 'a returning visitor got a new vid');
      visitor.vid ??= r.vid;
      visitor.sentEvents += accepted;
      g.events += accepted;
    } catch (err) {
      g.latencies.push(performance.now() - t0);
      sample(g, `network: ${/** @type {Error} */ (err).message}`);
    }
  };

  // Each visitor's first batch creates its profile (a new Durable Object: a new SQLite database,
  // slow on a local disk) before the clock starts; the steady rate is then all returning visitors.
  // As the collect bench: 50 GET /_wm/health first (unmeasured; GETs are retried by wrangler's
  // proxy while the freshly started worker settles, a POST is not).
  for (let i = 0; i < 50; i++) await (await fetch(`${origin}/_wm/health`)).arrayBuffer();
  const warmStart = performance.now();
  let nextVisitor = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (nextVisitor < opt.visitors) await send(nextVisitor++);
    }),
  );
  const warmSeconds = (performance.now() - warmStart) / 1000;
  progress(`${opt.visitors} profiles created in ${warmSeconds.toFixed(1)} s (${first.errors} errors); now the steady rate`);

  const ticker = setInterval(() => {
    const s = (performance.now() - t0) / 1000;
    progress(`${s.toFixed(0)} s: ${scheduled} batches due, ${missed} missed, ${inFlight} in flight, ${first.errors + returning.errors} errors`);
  }, 5_000);
  const cpuBefore = workerdCpuByPid(); // per process: a workerd restart mid-run does not count backwards
  const t0 = performance.now();
  try {
    while (scheduled < due) {
      const dueNow = Math.min(due, Math.floor((performance.now() - t0) / intervalMs) + 1);
      for (; scheduled < dueNow; scheduled++) {
        let v = -1;
        for (let tries = 0; tries < opt.visitors && inFlight < opt.maxInFlight; tries++) {
          const c = cursor++ % opt.visitors;
          if (!visitors[c].busy) {
            v = c;
            break;
          }
        }
        if (v < 0) {
          missed++;
          continue;
        }
        visitors[v].busy = true;
        inFlight++;
        const p = send(v).finally(() => {
          visitors[v].busy = false;
          inFlight--;
          pending.delete(p);
        });
        pending.add(p);
      }
      await sleep(Math.max(0, t0 + scheduled * intervalMs - performance.now()));
    }
    const sendSeconds = (performance.now() - t0) / 1000;
    await Promise.all(pending);
    const cpuMs = workerdCpuSince(cpuBefore);
    return {
      cpuMs,
      first,
      returning,
      visitors,
      scheduled,
      missed,
      sendSeconds,
      warmSeconds,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    clearInterval(ticker);
  }
}

/** Every visitor's profile (GET /_wm/me with its token) must hold every event it was told were stored. */
async function checkProfiles(/** @type {string} */ origin, /** @type {{ vid?: string, sentEvents: number }[]} */ visitors) {
  const withProfile = visitors.filter((v) => v.vid);
  /** @type {string[]} */
  const mismatches = [];
  let next = 0;
  let stored = 0;
  const worker = async () => {
    while (next < withProfile.length) {
      const v = withProfile[next++];
      try {
        const res = await fetch(`${origin}/_wm/me?site=demo`, { headers: { authorization: `Bearer ${v.vid}` } });
        const text = await res.text();
        const count = res.ok ? JSON.parse(text).eventCount : undefined;
        if (typeof count === 'number') stored += count;
        if (count !== v.sentEvents) mismatches.push(`sent ${v.sentEvents}, profile has ${count ?? `HTTP ${res.status} ${text.slice(0, 80)}`}`);
      } catch (err) {
        mismatches.push(`profile not readable: ${/** @type {Error} */ (err).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { checked: withProfile.length, stored, mismatches };
}

/**
 * The demo site's analytics: signs in with the local admin password (wrangler.toml) and reads
 * `last24h.events` of the overview report. Null (and why) when that is not reachable.
 * @param {string} origin
 */
async function analyticsReader(origin) {
  try {
    const login = await fetch(`${origin}/_wm/admin/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ password: 'waymark-demo' }),
    });
    if (!login.ok) return { read: null, why: `admin login: HTTP ${login.status}` };
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const read = async () => {
      const res = await fetch(`${origin}/_wm/admin/api/sites/demo/analytics/overview?minutes=5`, { headers: { cookie } });
      if (!res.ok) throw new Error(`overview: HTTP ${res.status} ${(await res.text()).slice(0, 120)}`);
      const events = (await res.json())?.last24h?.events;
      if (typeof events !== 'number') throw new Error('overview has no last24h.events');
      return events;
    };
    await read();
    return { read, why: '' };
  } catch (err) {
    return { read: null, why: /** @type {Error} */ (err).message };
  }
}

/**
 * One run at `opt.rate` against a fresh worker (nothing persisted): drive, then check every profile
 * and the analytics total (waiting up to 30 s for the queue to drain).
 * @param {RateOptions} opt
 */
async function runAt(opt) {
  return withDemoWorker(
    async (origin, worker) => {
      const analytics = await analyticsReader(origin);
      const analyticsBefore = analytics.read ? await analytics.read() : 0;
      progress(`${opt.rate} events/s for ${opt.seconds} s: ${opt.batch} events a batch, ${opt.visitors} visitors, at most ${opt.maxInFlight} in flight`);
      // WM_BENCH_PROFILE: the steady rate's CPU profile, per returning batch.
      const r = await maybeProfile(
        worker,
        `load-${opt.rate}`,
        () => drive(origin, opt),
        (d) => d.returning.requests,
      );
      progress(`checking ${r.visitors.filter((v) => v.vid).length} profiles`);
      const profiles = await checkProfiles(origin, r.visitors);
      const storedEvents = r.first.events + r.returning.events;
      /** @type {{ counted: number | null, why: string }} */
      let inAnalytics = { counted: null, why: analytics.why };
      if (analytics.read) {
        const until = performance.now() + 30_000;
        let counted = 0;
        while (performance.now() < until) {
          counted = (await analytics.read()) - analyticsBefore;
          if (counted >= storedEvents) break;
          await sleep(1_000);
        }
        inAnalytics = { counted, why: '' };
      }
      return { opt, ...r, profiles, storedEvents, inAnalytics };
    },
    { destinations },
  );
}

/** @param {Awaited<ReturnType<typeof runAt>>} r */
function verdicts(r) {
  const all = r.returning.latencies;
  const p50 = percentile(all, 50);
  const p99 = percentile(all, 99);
  const errors = r.first.errors + r.returning.errors;
  const wanted = r.scheduled * r.opt.batch;
  const rate = r.returning.events / r.sendSeconds;
  return {
    p50,
    p99,
    rate,
    held: {
      rate: r.missed === 0 && r.returning.events >= HELD_SHARE * wanted && rate >= HELD_SHARE * r.opt.rate,
      errors: errors === 0,
      tail: p99 < P99_OVER_P50 * p50,
      profiles: r.profiles.mismatches.length === 0,
      analytics: r.inAnalytics.counted === null ? null : r.inAnalytics.counted === r.storedEvents,
    },
    errors,
    wanted,
  };
}

const allHeld = (/** @type {ReturnType<typeof verdicts>} */ v) => Object.values(v.held).every((h) => h !== false);

/** @param {Awaited<ReturnType<typeof runAt>>} r */
function report(r) {
  const v = verdicts(r);
  const ms = (/** @type {number} */ x) => (Number.isNaN(x) ? '-' : `${x.toFixed(1)} ms`);
  const rows = [r.first, r.returning].map((g) => [
    g.name,
    String(g.requests),
    String(g.events),
    ms(percentile(g.latencies, 50)),
    ms(percentile(g.latencies, 99)),
    String(g.errors),
    String(g.resent),
  ]);
  const header = ['batches', 'requests', 'events stored', 'p50', 'p99', 'errors', 'resent after dev-proxy 503'];
  const lines = alignTable([header, ...rows], [false, true, true, true, true, true, true]);
  const yes = (/** @type {boolean | null} */ h) => (h === null ? 'not checked' : h ? 'HELD' : 'NOT held');
  const requests = r.first.requests + r.returning.requests;
  const timed = r.returning.requests;
  lines.push(
    '',
    `target ${r.opt.rate} events/s for ${r.opt.seconds} s (${r.opt.batch} events a batch, ${r.opt.visitors} visitors, at most ${r.opt.maxInFlight} in flight${destinations === 'off' ? ', demo destinations disabled' : ''}); ` +
      `workerd CPU ${r.cpuMs == null ? '-' : `${(r.cpuMs / timed).toFixed(2)} ms per returning batch (${((r.cpuMs / 1000 / r.seconds) * 100).toFixed(0)}% of one core)`}`,
    `(first, unmeasured by the conditions: ${r.opt.visitors} profiles created, 16 in flight, in ${r.warmSeconds.toFixed(1)} s)`,
    `- rate: ${yes(v.held.rate)}: ${v.rate.toFixed(0)} events/s stored over ${r.sendSeconds.toFixed(1)} s; ${r.returning.events} of ${v.wanted} scheduled events stored, ${r.missed} batches missed (no visitor free or ${r.opt.maxInFlight} in flight)`,
    `- errors: ${yes(v.held.errors)}: ${v.errors} of ${requests} batches`,
    `- p99 < ${P99_OVER_P50}× p50 (returning batches): ${yes(v.held.tail)}: p50 ${ms(v.p50)}, p99 ${ms(v.p99)} (×${(v.p99 / v.p50).toFixed(1)})`,
    `- every event in its profile: ${yes(v.held.profiles)}: all ${r.profiles.checked} profiles read back, ${r.profiles.stored} events` +
      (r.profiles.mismatches.length ? `; ${r.profiles.mismatches.length} differ, e.g. ${r.profiles.mismatches.slice(0, 3).join('; ')}` : ''),
    `- every event in the site's analytics: ${yes(v.held.analytics)}: ` +
      (r.inAnalytics.counted === null
        ? `not reachable (${r.inAnalytics.why})`
        : `${r.inAnalytics.counted} of ${r.storedEvents} counted in the overview's last 24 h`),
    `all conditions: ${allHeld(v) ? 'HELD' : 'NOT held'}`,
  );
  for (const g of [r.first, r.returning]) for (const s of g.samples) lines.push(`error sample, ${g.name}: ${s}`);
  return lines;
}

let failed = false;
try {
  if (o.rate / o.batch / o.visitors > 0.9) {
    progress(`warning: ${o.visitors} visitors at ${o.rate / o.batch} batches/s is near the per-visitor limit of 1 batch/s (ratelimit/limits.ts)`);
  }
  const main = await runAt(o);
  const lines = report(main);
  print(`\n## Load: ${o.rate} events/s for ${o.seconds} s (wrangler unstable_startWorker, local workerd)\n`);
  print(lines.join('\n'));
  const v = verdicts(main);
  failed = !v.held.errors || !v.held.profiles;
  if (!allHeld(v) && search) {
    // Bisection between nothing and the target: short trials, each on a fresh worker.
    progress(`searching for the highest rate this machine holds (${searchTrials} trials of ${searchSeconds} s)`);
    let lo = 0;
    let hi = o.rate;
    /** @type {string[][]} */
    const trials = [];
    for (let t = 0; t < searchTrials; t++) {
      const rate = Math.max(o.batch, Math.round((lo + hi) / 2 / 10) * 10);
      if (rate <= lo || rate >= hi) break;
      const trial = await runAt({ ...o, rate, seconds: searchSeconds });
      const tv = verdicts(trial);
      if (allHeld(tv)) lo = rate;
      else hi = rate;
      const failedOn = Object.entries(tv.held)
        .filter(([, h]) => h === false)
        .map(([k]) => k)
        .join(', ');
      trials.push([
        String(rate),
        tv.rate.toFixed(0),
        String(trial.missed),
        String(tv.errors),
        `${tv.p50.toFixed(1)} ms`,
        `${tv.p99.toFixed(1)} ms`,
        allHeld(tv) ? 'HELD' : `NOT held (${failedOn})`,
      ]);
      progress(`trial at ${rate} events/s: ${allHeld(tv) ? 'held' : `not held (${failedOn})`}`);
    }
    print(`\n## Load: the highest rate held (bisection, ${searchSeconds} s trials, fresh worker each)\n`);
    print(
      alignTable(
        [['target events/s', 'stored/s', 'missed', 'errors', 'p50', 'p99', 'conditions'], ...trials],
        [true, true, true, true, true, true, false],
      ).join('\n'),
    );
    if (lo > 0) {
      progress(`confirming ${lo} events/s for ${o.seconds} s`);
      const confirm = await runAt({ ...o, rate: lo });
      print(`\n## Load: confirming ${lo} events/s for ${o.seconds} s\n`);
      print(report(confirm).join('\n'));
    } else {
      print('\nno trial rate held every condition');
    }
  }
  if (failed) print('\nFAILED: Waymark answered valid batches with errors or lost events (see above)');
} catch (err) {
  failed = true;
  print(`\n## Load\n\nFAILED: ${/** @type {Error} */ (err).stack ?? err}`);
}
if ('write' in args) {
  const file = 'bench/RESULTS-load.md';
  writeFileSync(
    file,
    [
      '# Load results',
      '',
      `Written by \`node bench/load.mjs ${process.argv.slice(2).join(' ')}\` (\`npm run bench:load\`) on ${new Date().toISOString()}. Generated: do not`,
      'edit the numbers by hand; run it again instead. What the bench does and how to read it is in',
      '[README.md](README.md), section 4a. The load generator and the local worker share the machine.',
      '',
      ...machineTable(),
      ...asMarkdown(printed.join('\n')),
      '',
    ].join('\n'),
  );
  progress(`wrote ${file}`);
}
progress(`done${failed ? ' with failures' : ''}`);
process.exit(failed ? 1 : 0);
