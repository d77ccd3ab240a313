// Shared bits of the soak phases: a seeded PRNG, wire events, a failure list, a bounded pool.
import { randomUUID } from 'node:crypto';
import { AS_BROWSER } from '../support/user-agent.mjs';

/** mulberry32: a small seeded PRNG (a failure replays exactly with the same seed). */
export function rng(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = (r, xs) => xs[Math.floor(r() * xs.length)];
export const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

/** A client-style event id: 32 hex characters (the wire allows 8-64 of [A-Za-z0-9_-]). */
export const newId = () => randomUUID().replace(/-/g, '');

/** A valid track event, as the snippet makes it. */
export function trackEvent(base, name, props = {}) {
  return { id: newId(), type: 'track', name, ts: Date.now(), sid: 'soak-session-0001', url: `${base}/product/ridgeline-trail-runner`, props };
}

export function prefsEvent(base, prefs) {
  return { id: newId(), type: 'prefs', ts: Date.now(), sid: 'soak-session-0001', url: `${base}/`, prefs };
}

/** POST /_wm/e as the snippet does (text/plain, same origin). */
export function postBatch(base, events, { vid, signal } = {}) {
  return fetch(`${base}/_wm/e`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8', origin: base, ...AS_BROWSER },
    body: JSON.stringify({ site: 'demo', ...(vid ? { vid } : {}), events }),
    ...(signal ? { signal } : {}),
  });
}

/** GET /_wm/me with a bearer token: the visitor's whole profile, or throws. */
export async function profileOf(base, token) {
  const res = await fetch(`${base}/_wm/me?site=demo`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET /_wm/me: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Collects failures without stopping at the first; `check` returns whether it held. */
export class Failures {
  constructor(phase) {
    this.phase = phase;
    this.list = [];
    this.total = 0;
  }
  check(ok, message) {
    if (ok) return true;
    this.total++;
    if (this.list.length < 25) this.list.push(message);
    return false;
  }
  get ok() {
    return this.total === 0;
  }
  report() {
    return this.ok ? [] : [`${this.phase}: ${this.total} failure(s)`, ...this.list.map((m) => `  - ${m}`)];
  }
}

/** Runs task(i) for i < count with at most `concurrency` at once. */
export async function pool(count, concurrency, task) {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(count, concurrency) }, worker));
}

/** One progress line with the time since the soak started. */
const t0 = Date.now();
export const log = (line) => console.log(`[soak +${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}`);
