#!/usr/bin/env node
// The development seed over HTTP: waits for a local worker's /_wm/health, then POST /_wm/demo/seed
// writes the demo site through AdminStore (edge/src/demo/seed-demo.ts; the route exists only with
// WM_DEMO=1). Called by `npm start` (scripts/dev.mjs), the Playwright global setups, the soak server
// and the benchmarks. Alone: `node scripts/seed-demo.mjs [base URL, default http://127.0.0.1:8787]`.

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves once `base` answers GET /_wm/health with 200; throws after `timeoutMs`. */
export async function waitForHealth(base, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      // Generous: a first request to a cold wrangler on a busy machine can take many seconds.
      const res = await fetch(`${base}/_wm/health`, { signal: AbortSignal.timeout(30_000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`${base}/_wm/health did not answer within ${timeoutMs} ms`);
    await sleep(250);
  }
}

/** Seeds the demo site on the worker at `base` (once it is healthy); answers `{seeded, version}`. */
export async function seedDemo(base, { timeoutMs = 60_000 } = {}) {
  await waitForHealth(base, timeoutMs);
  let res;
  let text;
  // wrangler dev's own 503 for a POST that met its proxy's keep-alive timeout never reached the
  // worker: send it again (e2e/support/resending.ts says more).
  for (let attempt = 1; ; attempt++) {
    res = await fetch(`${base}/_wm/demo/seed`, { method: 'POST' });
    text = await res.text();
    if (attempt === 4 || res.status !== 503 || !text.startsWith('Your worker restarted mid-request')) break;
    await sleep(50 * attempt);
  }
  if (!res.ok) throw new Error(`POST ${base}/_wm/demo/seed: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const base = process.argv[2] ?? 'http://127.0.0.1:8787';
  const { seeded, version } = await seedDemo(base);
  console.log(seeded ? `demo site seeded at version ${version}` : `demo site already at version ${version}`);
}
