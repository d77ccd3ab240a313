// Where a bench's workerd CPU goes: a V8 CPU profile of the worker's isolate (the worker and its
// Durable Objects share it locally), taken through wrangler's inspector while a bench cell runs.
//
// A bench takes one when WM_BENCH_PROFILE names a file, e.g.
//   WM_BENCH_PROFILE=/tmp/load.cpuprofile node bench/load.mjs --seconds=20 --search=off
// It writes the profile (open it in Chrome DevTools, Performance tab, or speedscope) and prints the
// top functions by self time, and self time by bundled source file, per request when the bench says
// how many it sent. The profiler costs CPU itself: read the shares, not the absolute figures.

import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';

const require = createRequire(import.meta.url);

/** The `dev.inspector` option for unstable_startWorker: a port when profiling, else off. */
export const inspectorOption = () => (process.env.WM_BENCH_PROFILE ? { port: Number(process.env.WM_BENCH_PROFILE_PORT ?? 9339) } : false);

/**
 * Runs `body`, profiling the worker around it when WM_BENCH_PROFILE is set. `requests` (if `body`
 * returns a number, or `count` says it) turns milliseconds into milliseconds per request.
 * @template T
 * @param {{ inspectorUrl: Promise<URL | undefined> }} worker
 * @param {string} label
 * @param {() => Promise<T>} body
 * @param {(result: T) => number | undefined} [count]
 * @returns {Promise<T>}
 */
export async function maybeProfile(worker, label, body, count) {
  const file = process.env.WM_BENCH_PROFILE;
  if (!file) return body();
  const inspector = await worker.inspectorUrl;
  if (!inspector) throw new Error('WM_BENCH_PROFILE is set but the worker has no inspector (dev.inspector: inspectorOption())');
  const session = await connect(inspector);
  await session.send('Profiler.enable');
  // 250 µs: fine enough for a 2-5 ms request, coarse enough not to dominate the cost.
  await session.send('Profiler.setSamplingInterval', { interval: 250 });
  await session.send('Profiler.start');
  let result;
  try {
    result = await body();
  } finally {
    const { profile } = /** @type {{ profile: Profile }} */ (await session.send('Profiler.stop'));
    session.close();
    const out = file.replace(/(\.cpuprofile)?$/, `-${label}.cpuprofile`);
    writeFileSync(out, JSON.stringify(profile));
    const requests = result === undefined ? undefined : count?.(result);
    console.error(summarize(profile, label, requests));
    console.error(`profile: ${out}`);
  }
  return result;
}

/**
 * @typedef {{ id: number, callFrame: { functionName: string, url: string, lineNumber: number, columnNumber: number }, children?: number[] }} ProfileNode
 * @typedef {{ nodes: ProfileNode[], samples: number[], timeDeltas: number[], startTime: number, endTime: number }} Profile
 */

/** Self time by function and by source file, as text. */
export function summarize(/** @type {Profile} */ profile, /** @type {string} */ label, /** @type {number | undefined} */ requests) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  /** @type {Map<number, number>} */
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  }
  /** @type {Map<string, number>} */
  const byFunction = new Map();
  /** @type {Map<string, number>} */
  const byFile = new Map();
  let idle = 0;
  let total = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    total += us;
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    const file = url ? url.replace(/^.*\//, '') : functionName.startsWith('(') ? functionName : '(native)';
    const key = `${functionName || '(anonymous)'} ${url ? `${file}:${lineNumber + 1}` : ''}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    byFile.set(file, (byFile.get(file) ?? 0) + us);
  }
  const busy = total - idle;
  const per = (/** @type {number} */ us) => (requests ? `${(us / 1000 / requests).toFixed(3)} ms/req` : '');
  const line = (/** @type {[string, number]} */ [k, us]) =>
    `  ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${per(us).padStart(14)}  ${k}`;
  const top = (/** @type {Map<string, number>} */ m, /** @type {number} */ n) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(line)
      .join('\n');
  return [
    `profile ${label}: ${(total / 1000).toFixed(0)} ms sampled, ${(busy / 1000).toFixed(0)} ms busy` +
      (requests ? ` (${per(busy)} over ${requests} requests)` : ''),
    'self time by function:',
    top(byFunction, 40),
    'self time by file:',
    top(byFile, 12),
    'total time by function (itself and what it calls; a native call such as exec or a JS RPC counts to its caller too):',
    top(inclusive(profile, byId), 30),
    'what holds the thread: uninterrupted runs of one entry point (the frame under the root; back-to-back calls of it merge):',
    holds(profile, byId),
  ].join('\n');
}

const frameName = (/** @type {ProfileNode} */ n) => {
  const { functionName, url, lineNumber } = n.callFrame;
  return `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*\//, '')}:${lineNumber + 1}` : ''}`.trim();
};

/** Each node's parent id. */
function parents(/** @type {Profile} */ profile) {
  /** @type {Map<number, number>} */
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  return parent;
}

/** Inclusive time per function: a sample counts once for every distinct function on its stack. */
function inclusive(/** @type {Profile} */ profile, /** @type {Map<number, ProfileNode>} */ byId) {
  const parent = parents(profile);
  /** @type {Map<number, string[]>} */
  const stacks = new Map();
  const stackOf = (/** @type {number} */ id) => {
    let names = stacks.get(id);
    if (!names) {
      const seen = new Set();
      for (let x = /** @type {number | undefined} */ (id); x !== undefined; x = parent.get(x)) {
        const n = /** @type {ProfileNode} */ (byId.get(x));
        if (n.callFrame.functionName !== '(root)' && n.callFrame.functionName !== '(idle)') seen.add(frameName(n));
      }
      names = [...seen];
      stacks.set(id, names);
    }
    return names;
  };
  /** @type {Map<string, number>} */
  const total = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const us = profile.timeDeltas[i + 1] ?? 0;
    for (const name of stackOf(profile.samples[i])) total.set(name, (total.get(name) ?? 0) + us);
  }
  return total;
}

/**
 * Long stretches of one entry point without a break (the thread is single: every collect request
 * waits behind them). Per entry point: runs, total, mean and longest run, runs of 10 ms or more.
 */
function holds(/** @type {Profile} */ profile, /** @type {Map<number, ProfileNode>} */ byId) {
  const parent = parents(profile);
  const root = profile.nodes[0]?.id;
  /** @type {Map<number, number>} */
  const entryOf = new Map();
  const entry = (/** @type {number} */ id) => {
    let e = entryOf.get(id);
    if (e === undefined) {
      e = id;
      while (parent.get(e) !== undefined && parent.get(e) !== root) e = /** @type {number} */ (parent.get(e));
      entryOf.set(id, e);
    }
    return e;
  };
  /** @type {Map<string, { runs: number, us: number, max: number, long: number }>} */
  const by = new Map();
  /** @type {{ entry: number, us: number } | null} */
  let run = null;
  const close = () => {
    if (!run) return;
    const k = frameName(/** @type {ProfileNode} */ (byId.get(run.entry)));
    const a = by.get(k) ?? { runs: 0, us: 0, max: 0, long: 0 };
    a.runs++;
    a.us += run.us;
    a.max = Math.max(a.max, run.us);
    if (run.us >= 10_000) a.long++;
    by.set(k, a);
    run = null;
  };
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    const us = profile.timeDeltas[i + 1] ?? 0;
    if (byId.get(id)?.callFrame.functionName === '(idle)') {
      close();
      continue;
    }
    const e = entry(id);
    if (run && run.entry === e) run.us += us;
    else {
      close();
      run = { entry: e, us };
    }
  }
  close();
  return [...by]
    .sort((a, b) => b[1].max - a[1].max)
    .slice(0, 12)
    .map(
      ([k, a]) =>
        `  ${String(a.runs).padStart(6)} runs  ${(a.us / 1000).toFixed(0).padStart(6)} ms  mean ${(a.us / 1000 / a.runs).toFixed(2).padStart(6)} ms  ` +
        `longest ${(a.max / 1000).toFixed(1).padStart(6)} ms  ${String(a.long).padStart(4)} of 10 ms or more  ${k}`,
    )
    .join('\n');
}

/** A Chrome DevTools Protocol session over the inspector's WebSocket. */
async function connect(/** @type {URL} */ inspector) {
  const WebSocket = require('ws');
  const targets = await (await fetch(new URL('/json', inspector))).json();
  const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => (socket.once('open', resolve), socket.once('error', reject)));
  let next = 1;
  /** @type {Map<number, { resolve: (v: unknown) => void, reject: (e: Error) => void }>} */
  const pending = new Map();
  socket.on('message', (/** @type {Buffer} */ data) => {
    const message = JSON.parse(String(data));
    const waiter = message.id && pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(`${message.error.message} (${message.error.code})`));
    else waiter.resolve(message.result);
  });
  return {
    send: (/** @type {string} */ method, /** @type {object} */ params = {}) =>
      new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject });
        socket.send(JSON.stringify({ id, method, params }));
      }),
    close: () => socket.close(),
  };
}
