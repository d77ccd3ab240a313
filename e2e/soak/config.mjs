// Config change during traffic: while visitors send events and fetch proxied pages and
// /_wm/decide, the admin API rewrites the demo site's config in a loop. Each version k carries k
// in two independent places (the hero slot's HTML and a second slot, filled into the footer by
// selector), so a response built from a half-written or mixed config would show two different
// numbers, or one without the other. Every response must show one version (or none, before the
// first write), never a 5xx; once the writes stop, the last version is what everyone gets.
import { AS_BROWSER } from '../support/user-agent.mjs';
import { Failures, log, postBatch, prefsEvent, sleep, trackEvent } from './lib.mjs';

const HERO = /soak config v(\d+)\b/g;
const SECOND = /soak footer v(\d+)\b/g;

/** The versions a response shows: null when it shows none, else one number, else 'mixed'. */
function versionIn(text) {
  const hero = [...text.matchAll(HERO)].map((m) => m[1]);
  const second = [...text.matchAll(SECOND)].map((m) => m[1]);
  if (!hero.length && !second.length) return { v: null };
  const all = new Set([...hero, ...second]);
  if (!hero.length || !second.length || all.size !== 1) return { v: 'mixed', hero, second };
  return { v: Number(hero[0]) };
}

async function adminLogin(base) {
  const res = await fetch(`${base}/_wm/admin/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ password: 'waymark-demo' }),
  });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`admin login: ${res.status} ${JSON.stringify(body)}`);
  const cookie = res.headers.get('set-cookie')?.match(/wm_admin=([^;]+)/)?.[1];
  if (!cookie) throw new Error('admin login: no session cookie');
  return { cookie: `wm_admin=${cookie}`, csrf: body.csrfToken };
}

/** Version k of the demo config: the seed's, plus a segment for the soak's visitors and k twice. */
function configVersion(seed, k) {
  const segments = [
    ...seed.segments.filter((s) => s.id !== 'soak-all'),
    { id: 'soak-all', name: 'Soak visitors', condition: { pref: 'soak', test: { op: 'eq', value: 'yes' } } },
  ];
  const slots = seed.slots
    .filter((s) => s.id !== 'soak-footer')
    .map((s) =>
      s.id === 'hero'
        ? {
            ...s,
            variants: [
              ...s.variants.filter((x) => x.segment !== 'soak-all'),
              {
                segment: 'soak-all',
                priority: 1000,
                content: { type: 'html', html: `<div><h1>soak config v${k}</h1><p>The hero half of version ${k}.</p></div>` },
              },
            ],
          }
        : s,
    );
  slots.push({
    id: 'soak-footer',
    name: 'Soak footer',
    selector: 'footer .bar > p',
    variants: [{ segment: 'soak-all', priority: 1, content: { type: 'text', text: `soak footer v${k}` } }],
  });
  return { ...seed, segments, slots };
}

/** @param {{ base: string }} server @param {{ writeMs: number, visitors: number }} o */
export async function configSoak(server, o) {
  const f = new Failures('config');
  const base = server.base;
  const session = await adminLogin(base);
  const admin = (method, path, body) =>
    fetch(`${base}/_wm/admin/api${path}`, {
      method,
      headers: { origin: base, cookie: session.cookie, 'x-wm-csrf': session.csrf, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const got = await admin('GET', '/sites/demo');
  if (!f.check(got.status === 200, `GET /sites/demo: ${got.status}`)) return { f };
  const { site: seed } = await got.json();

  // Visitors in the soak segment, each with its signed token (cookie for pages, bearer for the API).
  const visitors = [];
  for (let v = 0; v < o.visitors; v++) {
    const res = await postBatch(base, [prefsEvent(base, { soak: 'yes' })]);
    const body = await res.json();
    if (!f.check(res.status === 200 && body.vid, `visitor ${v}: ${res.status}`)) return { f };
    visitors.push({ v, token: body.vid, lastPost: 0 });
  }

  const seen = { e: new Map(), decide: new Map(), page: new Map() };
  let requests = 0;
  let writing = true;
  let lastVersion = null;
  const observe = (kind, status, text, what) => {
    requests++;
    if (!f.check(status < 500, `${what}: ${status} ${text.slice(0, 200)}`)) return null;
    if (!f.check(status === 200 || status === 429, `${what}: unexpected ${status} ${text.slice(0, 200)}`)) return null;
    if (status !== 200) return null;
    const found = versionIn(text);
    if (!f.check(found.v !== 'mixed', `${what}: a mixed config: hero v${found.hero} beside footer v${found.second}`)) return null;
    seen[kind].set(found.v, (seen[kind].get(found.v) ?? 0) + 1);
    return found.v;
  };

  /** One request of each kind this visitor may make now; returns the versions it saw. */
  const visit = async (visitor) => {
    const out = [];
    if (Date.now() - visitor.lastPost > 1_100) {
      // At most one batch a second per visitor: the edge's per-visitor limit (VISITOR_BATCHES).
      visitor.lastPost = Date.now();
      const res = await postBatch(base, [trackEvent(base, 'soak_config', { v: visitor.v })], { vid: visitor.token });
      const text = await res.text();
      out.push(observe('e', res.status, res.status === 200 ? JSON.stringify(JSON.parse(text).decisions) : text, 'POST /_wm/e'));
    }
    const decide = await fetch(`${base}/_wm/decide?site=demo&url=${encodeURIComponent(`${base}/`)}`, {
      headers: { authorization: `Bearer ${visitor.token}`, origin: base, ...AS_BROWSER },
    });
    out.push(observe('decide', decide.status, await decide.text(), 'GET /_wm/decide'));
    const page = await fetch(`${base}/`, { headers: { cookie: `wm_vid=${visitor.token}`, accept: 'text/html', ...AS_BROWSER } });
    out.push(observe('page', page.status, await page.text(), 'GET / (proxied)'));
    return out;
  };

  const traffic = visitors.map(async (visitor) => {
    while (writing) await visit(visitor);
  });

  let writes = 0;
  let version = seed.version;
  const until = Date.now() + o.writeMs;
  for (let k = 1; Date.now() < until; k++) {
    const res = await admin('PUT', '/sites/demo', { ...configVersion(seed, k), version });
    const text = await res.text();
    if (!f.check(res.status === 200, `PUT /sites/demo (v${k}): ${res.status} ${text.slice(0, 300)}`)) break;
    version = JSON.parse(text).version;
    lastVersion = k;
    writes++;
    if (writes % 10 === 0) log(`config: ${writes} configs written, ${requests} visitor requests so far`);
    await sleep(150);
  }
  writing = false;
  await Promise.all(traffic);

  // After the last write: within the edge's config cache lifetime, everyone gets the last version.
  let settled = false;
  const deadline = Date.now() + 20_000;
  while (!settled && Date.now() < deadline && lastVersion !== null) {
    const all = (await Promise.all(visitors.map(visit))).flat().filter((v) => v !== null);
    settled = all.length > 0 && all.every((v) => v === lastVersion);
    if (!settled) await sleep(500);
  }
  f.check(settled || lastVersion === null, `the last config (v${lastVersion}) was still not served everywhere 20 s after the last write`);
  f.check(writes >= 5, `only ${writes} config writes happened`);

  const summary = Object.entries(seen)
    .map(([kind, m]) => `${kind}: ${[...m.values()].reduce((a, b) => a + b, 0)} answers over ${[...m.keys()].filter((k) => k !== null).length} versions`)
    .join('; ');
  log(`config: ${writes} configs written during ${requests} visitor requests (${summary}); last version v${lastVersion} served everywhere: ${settled}`);
  return { f };
}
