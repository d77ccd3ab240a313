// Bad input at scale, over real HTTP against a real local workerd: thousands of seeded generated
// requests to every public endpoint (POST /_wm/e, GET/DELETE /_wm/me, GET /_wm/decide, proxied
// pages, admin login) with wrong types, huge strings, deep nesting, invalid UTF-8, wrong content
// types and oversize bodies. Zero 5xx; every 4xx of a /_wm/ API route is JSON with an `error`
// reason; batches mixing valid and invalid events keep every valid one (the response's `accepted`,
// then the visitor's profile). Edge/test/fuzz.test.ts is the quick in-process sample of the same.
import { Failures, log, newId, pick, pool, profileOf, rng } from './lib.mjs';

const enc = new TextEncoder();
const STRINGS = [
  '',
  'a',
  'demo',
  '../etc/passwd',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  '\u0000',
  '\ud800',
  '\udfff\ud800',
  '😀',
  '\u202e',
  'x'.repeat(5_000),
  'NaN',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '%',
  '%00',
  '%ff',
  '{}',
  '[]',
  'null',
  'true',
  '0',
  '-1',
  '1e999',
];
const HEADER_STRINGS = STRINGS.filter((x) => /^[\x20-\x7e]*$/.test(x));
const URL_STRINGS = STRINGS.filter((x) => !/[\ud800-\udfff]/.test(x));
const CONTENT_TYPES = [
  'text/plain',
  'application/json',
  'text/plain;charset=UTF-8',
  'application/json; charset=utf-16',
  'application/xml',
  '',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  'text/html',
  'application/octet-stream',
  'TEXT/PLAIN',
  'text/plain;charset=latin1',
  'application/json;;;',
  'x'.repeat(300),
];

function value(r, depth) {
  const k = r();
  if (depth <= 0 || k < 0.5)
    return pick(r, [null, true, false, 0, -0, -1, 1e308, 2 ** 53 + 1, 3.14, pick(r, STRINGS), Math.floor(r() * 1e9), 'x'.repeat(Math.floor(r() * 3_000))]);
  if (k < 0.75) return Array.from({ length: Math.floor(r() * 6) }, () => value(r, depth - 1));
  const o = {};
  for (let i = 0, n = Math.floor(r() * 6); i < n; i++)
    o[pick(r, [...STRINGS, 'site', 'events', 'id', 'type', 'ts', 'url', 'props', 'name', 'vid', 'consent', 'prefs', 'traits'])] = value(r, depth - 1);
  return o;
}

/** A valid event of some type, with a fresh id. */
function goodEvent(r, base) {
  const common = { id: newId(), ts: Date.now(), sid: 'fuzz-session-0001', url: `${base}/product/ridgeline-trail-runner` };
  switch (Math.floor(r() * 4)) {
    case 0:
      return { ...common, type: 'page', ref: '', title: 'Fuzz' };
    case 1:
      return { ...common, type: 'prefs', prefs: { sport: pick(r, ['trail', 'road']) } };
    case 2:
      return { ...common, type: 'identify', userId: `u-${Math.floor(r() * 1e6)}`, traits: { plan: 'gold' } };
    default:
      return { ...common, type: 'track', name: 'add_to_cart', props: { sku: 'x', n: Math.floor(r() * 100) } };
  }
}

function mutated(r, base) {
  const e = goodEvent(r, base);
  const field = pick(r, ['id', 'type', 'name', 'ts', 'sid', 'url', 'props', 'extra', 'ref', 'utm', 'prefs', 'traits', 'userId', 'consent', 'title']);
  return { ...e, [field]: value(r, 3) };
}

/** Deep nesting as raw JSON text (an object graph this deep could not be stringified here). */
const deepArray = (depth) => '['.repeat(depth) + ']'.repeat(depth);
const deepObject = (depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** Bytes of `json` with invalid UTF-8 spliced in at a random string position. */
function invalidUtf8(r, json) {
  const bytes = enc.encode(json);
  const at = Math.max(1, json.indexOf('"') + 1);
  const bad = pick(r, [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0x80]]);
  return Uint8Array.from([...bytes.slice(0, at), ...bad, ...bytes.slice(at)]);
}

/** A body for POST /_wm/e, from garbage to almost-right batches. */
function collectBody(r, base) {
  const batch = (events, extra = {}) => JSON.stringify({ site: 'demo', events, ...extra });
  switch (Math.floor(r() * 14)) {
    case 0:
      return JSON.stringify(value(r, 4));
    case 1:
      return batch(Array.from({ length: 1 + Math.floor(r() * 5) }, () => mutated(r, base)));
    case 2:
      return JSON.stringify({ site: pick(r, STRINGS), events: [goodEvent(r, base)], vid: value(r, 1), consent: value(r, 2) });
    case 3:
      return `{"site":"demo","events":[{"id":"${newId()}","type":"track","name":"deep","ts":${Date.now()},"sid":"fuzz-session-0001","url":"${base}/","props":${pick(r, [deepArray, deepObject])(1 + Math.floor(r() * 6_000))}}]}`;
    case 4:
      return pick(r, [deepArray, deepObject])(1 + Math.floor(r() * 20_000));
    case 5: {
      const good = batch([goodEvent(r, base)]);
      return good.slice(0, Math.floor(r() * good.length));
    }
    case 6:
      return Uint8Array.from({ length: Math.floor(r() * 400) }, () => Math.floor(r() * 256));
    case 7:
      return invalidUtf8(r, batch([goodEvent(r, base)]));
    case 8:
      return batch(Array.from({ length: 51 + Math.floor(r() * 100) }, () => goodEvent(r, base)));
    case 9:
      // Oversize: past the 32 KiB body limit, sometimes far past it.
      return batch([{ ...goodEvent(r, base), props: { big: 'y'.repeat(33_000 + Math.floor(r() * pick(r, [100, 1_000_000]))) } }]);
    case 10:
      // One event just over the per-event limit, one huge string in each field.
      return batch([{ ...goodEvent(r, base), [pick(r, ['name', 'url', 'sid', 'id', 'title', 'ref'])]: 'z'.repeat(Math.floor(r() * 30_000)) }]);
    case 11:
      return batch([goodEvent(r, base)], { [pick(r, STRINGS)]: value(r, 2) });
    case 12:
      return JSON.stringify({ site: 'demo', events: value(r, 2) });
    default:
      return pick(r, [
        '',
        ' ',
        'null',
        '[]',
        '{}',
        '"demo"',
        '{"site":"demo"}',
        '{"events":[]}',
        '\ufeff{"site":"demo","events":[]}',
        'x'.repeat(Math.floor(r() * 70_000)),
      ]);
  }
}

function randomHeaders(r, base) {
  const h = {};
  if (r() < 0.3) h.origin = pick(r, [base, 'https://evil.example', 'null', 'not an origin', `${base}.evil.example`]);
  if (r() < 0.25) h.cookie = `wm_vid=${encodeURIComponent(pick(r, URL_STRINGS))}${r() < 0.3 ? '; wm_optout=1' : ''}`;
  if (r() < 0.2)
    h.authorization = pick(r, [
      'Bearer ',
      `Bearer ${pick(r, HEADER_STRINGS)}`,
      'Basic abc',
      `Bearer ${'A'.repeat(22)}.${'B'.repeat(22)}`,
      'Bearer ' + 'x'.repeat(4_000),
    ]);
  if (r() < 0.1) h['sec-gpc'] = pick(r, ['1', '0', 'yes']);
  if (r() < 0.1) h['accept-encoding'] = pick(r, ['gzip', 'br', 'identity', '*', 'nonsense']);
  if (r() < 0.1) h['if-none-match'] = pick(r, ['"x"', '*', 'W/"1"']);
  if (r() < 0.05) h.range = pick(r, ['bytes=0-10', 'bytes=-5', 'bytes=999999-', 'lines=1']);
  return h;
}

const encodeQ = (v) => encodeURIComponent(typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));

/** One generated request: [label, url, init, kind]. kind 'api' needs JSON errors; 'page' only < 500. */
function request(r, base, i) {
  const k = r();
  if (k < 0.42) {
    const headers = { 'content-type': pick(r, CONTENT_TYPES), ...randomHeaders(r, base) };
    if (r() < 0.05) delete headers['content-type'];
    return [`POST /_wm/e #${i}`, `${base}/_wm/e`, { method: pick(r, ['POST', 'POST', 'POST', 'PUT', 'PATCH']), headers, body: collectBody(r, base) }, 'api'];
  }
  if (k < 0.67) {
    const path = pick(r, [
      '/_wm/decide',
      '/_wm/me',
      '/_wm/me',
      '/_wm/health',
      `/_wm/${encodeQ(pick(r, URL_STRINGS))}`,
      '/_wm/e',
      '/_wm/admin/api/sites',
      '/_wm/admin/api/session',
    ]);
    const method = pick(r, ['GET', 'GET', 'DELETE', 'OPTIONS', 'PUT', 'HEAD']);
    const params = [
      `site=${encodeQ(pick(r, ['demo', 'demo', ...URL_STRINGS]))}`,
      `url=${encodeQ(pick(r, [`${base}/`, `${base}/product/x?utm_source=a`, ...URL_STRINGS, 'x'.repeat(5_000)]))}`,
    ];
    if (r() < 0.3) params.push(`ref=${encodeQ(pick(r, URL_STRINGS))}`);
    if (r() < 0.2) params.push(`site=${encodeQ(pick(r, URL_STRINGS))}`);
    if (r() < 0.1) params.push('%zz=%');
    return [`${method} ${path} #${i}`, `${base}${path}?${params.join('&')}`, { method, headers: randomHeaders(r, base) }, method === 'HEAD' ? 'page' : 'api'];
  }
  if (k < 0.87) {
    const path = pick(r, [
      '/',
      '/product/ridgeline-trail-runner',
      '/category/hiking',
      '/cart',
      '/nope',
      `/${encodeQ(pick(r, URL_STRINGS))}`,
      '/assets/shop.css',
      '/..%2f..%2fetc/passwd',
      `/${'a'.repeat(4_000)}`,
      '/%00',
      '/index.html',
      '/product/',
    ]);
    const method = pick(r, ['GET', 'GET', 'GET', 'HEAD', 'POST', 'OPTIONS', 'DELETE']);
    const headers = { accept: pick(r, ['text/html', '*/*', 'application/json']), ...randomHeaders(r, base) };
    const init = { method, headers, ...(method === 'POST' || method === 'DELETE' ? { body: collectBody(r, base) } : {}) };
    return [`${method} ${path.slice(0, 60)} (page) #${i}`, `${base}${path}${r() < 0.3 ? `?q=${encodeQ(pick(r, URL_STRINGS))}` : ''}`, init, 'page'];
  }
  // Admin login: everything but the right password (that lockout stays per client; it is a 429).
  const body = pick(r, [
    () => JSON.stringify({ password: pick(r, STRINGS) }),
    () => JSON.stringify(value(r, 3)),
    () => JSON.stringify({ password: value(r, 2), extra: value(r, 2) }),
    () => invalidUtf8(r, JSON.stringify({ password: 'waymark-demo' })),
    () => JSON.stringify({ password: 'p'.repeat(100_000) }),
    () => deepObject(10_000),
    () => 'password=waymark-demo',
    () => '',
  ])();
  const headers = {
    'content-type': pick(r, ['application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', '']),
    ...randomHeaders(r, base),
  };
  return [`POST /_wm/admin/api/login #${i}`, `${base}/_wm/admin/api/login`, { method: 'POST', headers, body }, 'api'];
}

/** The seeded request list (exported so a failing request can be replayed alone). */
export function generate(base, seed, count) {
  const r = rng(seed);
  return Array.from({ length: count }, (_, i) => request(r, base, i));
}

/** @param {{ base: string }} server @param {{ requests: number, seed: number, concurrency: number }} o */
export async function fuzzSoak(server, o) {
  const f = new Failures('fuzz');
  const base = server.base;
  const statuses = new Map();
  let done = 0;
  let network = 0;
  /** Visitors from mixed batches, with the valid ids they must keep. */
  const kept = [];
  const requests = generate(base, o.seed, o.requests);
  // Every 10th request is a mixed batch whose valid events are checked (its own seeded stream).
  const mr = rng(o.seed ^ 0x5eed);
  const mixed = Array.from({ length: Math.floor(o.requests / 10) }, () => {
    const good = Array.from({ length: 1 + Math.floor(mr() * 4) }, () => goodEvent(mr, base));
    const bad = Array.from({ length: 1 + Math.floor(mr() * 4) }, () => (mr() < 0.5 ? value(mr, 3) : mutated(mr, base)));
    return { good, events: [...good, ...bad].sort(() => mr() - 0.5) };
  });

  /** fetch, or null after recording a request the edge never answered. */
  let lastAnswered = Date.now();
  const send = async (label, url, init) => {
    try {
      const res = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
      lastAnswered = Date.now();
      return res;
    } catch (err) {
      network++;
      f.check(
        false,
        `${label}: no answer (${err.cause?.code ?? err.message}) (request: ${JSON.stringify({ url: url.slice(0, 200), headers: init.headers, body: String(init.body ?? '').slice(0, 200) })})`,
      );
      return null;
    }
  };
  /** The runtime is gone (nothing answered for 10 s): stop instead of failing thousands more. */
  const dead = () => network > 0 && Date.now() - lastAnswered > 10_000;

  const one = async (i) => {
    const [label, url, init, kind] = requests[i];
    if (dead()) return;
    const res = await send(label, url, init);
    if (!res) return;
    const text = await res.text();
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    f.check(
      res.status < 500,
      `${label}: ${res.status} ${text.slice(0, 200)} (request: ${JSON.stringify({ url: url.slice(0, 200), headers: init.headers, body: String(init.body ?? '').slice(0, 200) })})`,
    );
    if (kind === 'api' && res.status >= 400 && init.method !== 'HEAD') {
      let error;
      try {
        error = JSON.parse(text).error;
      } catch {
        error = undefined;
      }
      f.check(typeof error === 'string' && error.length > 0, `${label}: ${res.status} without a JSON error reason: ${text.slice(0, 200)}`);
    }
  };

  const mixedOne = async (j) => {
    const { good, events } = mixed[j];
    if (dead()) return;
    const res = await send(`mixed batch #${j}`, `${base}/_wm/e`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: base },
      body: JSON.stringify({ site: 'demo', events }),
    });
    if (!res) return;
    const text = await res.text();
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (!f.check(res.status === 200, `mixed batch #${j}: ${res.status} ${text.slice(0, 300)}`)) return;
    const body = JSON.parse(text);
    const answered = new Set([...body.accepted, ...body.duplicates]);
    const lost = good.filter((e) => !answered.has(e.id));
    f.check(
      lost.length === 0,
      `mixed batch #${j}: valid events not accepted: ${JSON.stringify(lost).slice(0, 300)}; rejected ${JSON.stringify(body.rejected).slice(0, 300)}`,
    );
    for (const rej of body.rejected) f.check(typeof rej.reason === 'string' && rej.reason.length > 0, `mixed batch #${j}: a rejection without a reason`);
    kept.push({ j, token: body.vid, ids: body.accepted });
  };

  // Found by this fuzz, checked first by name: a page request (proxy mode, static upstream) with a
  // body over 64 KiB makes the local runtime drop the next requests ("Your worker restarted
  // mid-request", 503), and plain `wrangler dev` exits. Then a request right after it must be fine too.
  for (const method of ['POST', 'PUT']) {
    const big = await send(`${method} /product/ with a 70 KB body`, `${base}/product/ridgeline-trail-runner`, {
      method,
      headers: { 'content-type': 'text/plain' },
      body: 'x'.repeat(70_000),
    });
    if (big) f.check(big.status < 500, `${method} a page with a 70 KB body: ${big.status} ${(await big.text()).slice(0, 200)}`);
    await new Promise((res) => setTimeout(res, 300));
    // A POST: the dev proxy retries GETs itself, which would hide the dropped request.
    const after = await send('POST /_wm/e after the big page body', `${base}/_wm/e`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    if (after)
      f.check(after.status < 500, `POST /_wm/e right after ${method}ing a page with a 70 KB body: ${after.status} ${(await after.text()).slice(0, 200)}`);
  }

  // One task list: the generated requests with a mixed batch after every 10th.
  const tasks = [];
  for (let i = 0; i < o.requests; i++) {
    tasks.push(() => one(i));
    if (i % 10 === 9 && (i - 9) / 10 < mixed.length) tasks.push(() => mixedOne((i - 9) / 10));
  }
  const total = tasks.length;
  await pool(total, o.concurrency, async (n) => {
    await tasks[n]();
    done++;
    if (done % 500 === 0) log(`fuzz: ${done}/${total} requests, ${f.total} failures, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  });

  // The valid events of the mixed batches are really in their visitors' profiles.
  for (const k of dead() ? [] : kept) {
    const profile = await profileOf(base, k.token);
    const stored = new Set(profile.events.map((e) => e.id));
    const missing = k.ids.filter((id) => !stored.has(id));
    f.check(missing.length === 0, `mixed batch #${k.j}: ${missing.length} accepted events missing from the profile`);
    // (A mutated event can still be valid: the profile holds exactly what the edge accepted.)
    f.check(profile.events.length === k.ids.length, `mixed batch #${k.j}: profile has ${profile.events.length} events, ${k.ids.length} were accepted`);
  }
  log(
    `fuzz: ${done} requests (seed ${o.seed}), ${network} without an answer, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}; ${kept.length} mixed batches kept their valid events`,
  );
  return { f };
}
