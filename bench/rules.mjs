// Rules engine throughput: how many segment evaluations per second the pure evaluator does
// (edge/src/rules/evaluate.ts), on the demo shop's segments, for a visitor with a short and a
// long event history. The TypeScript is bundled with esbuild (already installed) into
// bench/.cache, so this runs in plain Node exactly the code the edge runs.
import { mkdirSync } from 'node:fs';
import { build } from 'esbuild';
import { alignTable } from './table.mjs';

const ENTRY = `
export { evaluate } from '../../edge/src/rules/evaluate';
export { siteConfigSchema } from '../../protocol/config/site';
export { DEMO_SITE } from '../../edge/src/demo/seed';
`;

/** @param {(msg: string) => void} progress */
export async function measureRules(progress, seconds = 2) {
  mkdirSync('bench/.cache', { recursive: true });
  const outfile = 'bench/.cache/rules-bundle.mjs';
  await build({
    stdin: { contents: ENTRY, resolveDir: 'bench/.cache', loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    logLevel: 'error',
  });
  const { evaluate, siteConfigSchema, DEMO_SITE } = await import(`./.cache/rules-bundle.mjs?${Date.now()}`);
  const segments = siteConfigSchema.parse(DEMO_SITE).segments;
  const now = Date.now();
  /** @param {number} n events in the visitor's history */
  const facts = (n) => {
    const events = Array.from({ length: n }, (_, i) => ({ name: i % 5 === 0 ? 'add_to_cart' : 'page', ts: now - (n - i) * 60_000 }));
    return {
      now,
      traits: { plan: 'gold' },
      prefs: { sport: 'trail' },
      consent: null,
      userId: null,
      returning: true,
      request: { url: 'https://shop.example/category/running', device: 'desktop', country: 'DE' },
      history: {
        count: (/** @type {string} */ name, /** @type {number|null} */ since) =>
          events.filter((e) => e.name === name && (since === null || e.ts >= since)).length,
        last: (/** @type {string} */ name) => events.filter((e) => e.name === name).reduce((m, e) => Math.max(m, e.ts), -Infinity),
        timesAfter: (/** @type {number} */ ts) => events.filter((e) => e.ts > ts).map((e) => e.ts),
      },
    };
  };
  const rows = [];
  for (const [label, f] of [
    ['10 events of history', facts(10)],
    ['1,000 events of history', facts(1000)],
  ]) {
    progress(`rules: ${label}`);
    let evaluations = 0;
    const start = performance.now();
    while (performance.now() - start < seconds * 1000) {
      for (let i = 0; i < 100; i++) for (const s of segments) evaluate(s.condition, f);
      evaluations += 100 * segments.length;
    }
    const elapsed = (performance.now() - start) / 1000;
    rows.push([label, String(segments.length), Math.round(evaluations / elapsed).toLocaleString('en-US'), `${((elapsed / evaluations) * 1e6).toFixed(2)} µs`]);
  }
  return rows;
}

/** @param {string[][]} rows */
export function formatRules(rows) {
  return [
    ...alignTable([['visitor', 'segments', 'evaluations/s', 'per evaluation'], ...rows], [false, true, true, true]),
    '',
    'One evaluation = one segment condition tree (all/any/not, prefs, event counts in windows,',
    'inactivity) against one visitor. The history here is in memory; in the Durable Object the same',
    "calls are SQLite queries on the visitor's own table.",
  ];
}
