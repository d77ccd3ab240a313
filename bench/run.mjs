// `npm run bench`: snippet size beside the peers, main-thread cost of loading each in Chromium,
// collect-endpoint load beside the health route, then proxy mode's added latency beside plain
// pass-through, and beside GrowthBook's edge app making the same change. `--write` also writes everything printed to bench/RESULTS.md (`npm run bench:results`).
//
//   node bench/run.mjs [--only=sizes|main|load|proxy|growthbook|rules|funnel] [--snippet=path] [--write] [--loads=30]
//                      [--requests=2000] [--seconds=15] [--concurrency=16] [--visitors=200] [--destinations=off]
//                      [--proxy-requests=400] [--proxy-seconds=6] [--proxy-concurrency=8]
//                      [--growthbook-requests=400] [--growthbook-seconds=6] [--growthbook-concurrency=8]
//                      [--events=1000000] [--shards=4] [--one=false] (the funnel part)
//
// Progress goes to stderr, results to stdout. Exit code 1 only when Waymark itself fails (snippet
// missing, worker not starting, errors on valid requests); an unavailable peer is reported, not fatal.
import { writeFileSync } from 'node:fs';
import { machineTable } from './machine.mjs';
import { fileURLToPath } from 'node:url';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v = ''] = a.replace(/^--/, '').split('=');
    return [k, v];
  }),
);
const only = args.only ?? '';
if (!['', 'sizes', 'main', 'load', 'proxy', 'growthbook', 'rules', 'funnel'].includes(only)) {
  console.error(`--only must be sizes, main, load, proxy, growthbook, rules or funnel (got "${only}")`);
  process.exit(2);
}
const snippet = args.snippet || process.env.WM_SNIPPET || 'dist/snippet/wm.js';
const started = performance.now();
const progress = (/** @type {string} */ line) => console.error(`[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);

let failed = false;
/** Chromium's version, once the main-thread part has started it. */
let chromium = '';
/** @type {{ title: string, lines: string[] }[]} */
const sections = [];
/** Prints one part's results to stdout and keeps them for --write. */
function section(/** @type {string} */ title, /** @type {string[]} */ lines) {
  sections.push({ title, lines });
  console.log(`\n## ${title}\n\n${lines.join('\n')}`);
}

/**
 * Runs one part of the benchmark when --only allows it and prints its section. `measure` returns
 * the section's title and lines, and `failure` when Waymark itself failed; a part that throws gets
 * a FAILED section titled `short` (with the stack, or only the message when `stack` is false).
 * @param {string} name
 * @param {string} short
 * @param {() => Promise<{ title: string, lines: string[], failure?: string }>} measure
 */
async function part(name, short, measure, stack = true) {
  if (only !== '' && only !== name) return;
  try {
    const { title, lines, failure } = await measure();
    if (failure) {
      failed = true;
      lines.push('', `FAILED: ${failure}`);
    }
    section(title, lines);
  } catch (err) {
    failed = true;
    const error = /** @type {Error} */ (err);
    section(short, [`FAILED: ${stack ? (error.stack ?? err) : error.message}`]);
  }
}

/** The numeric options among `keys` (each read as `--<prefix><key>`) that are set above zero. */
const numericArgs = (/** @type {string[]} */ keys, prefix = '') =>
  Object.fromEntries(keys.filter((k) => Number(args[prefix + k]) > 0).map((k) => [k, Number(args[prefix + k])]));

await part(
  'sizes',
  'Bundle size',
  async () => {
    const { measureSizes, formatSizes } = await import('./sizes.mjs');
    const rows = await measureSizes(snippet, progress);
    return { title: 'Bundle size (bytes; gzip -9 and brotli q11 by node:zlib; ratio = peer gzip / Waymark gzip)', lines: formatSizes(rows) };
  },
  false,
);

await part('main', 'Main-thread cost per page load', async () => {
  const { measureMainThread, formatMainThread, mainThreadFailed } = await import('./mainthread.mjs');
  const result = await measureMainThread(snippet, progress, numericArgs(['loads']));
  chromium = result.chromium;
  return {
    title:
      `Main-thread cost per page load (Chromium ${result.chromium} headless, CDP Performance.getMetrics; ` +
      `${result.loads} cold loads each; read ${result.idleMs / 1000} s after the page view was sent, ` +
      `at most ${(result.sendMs + result.idleMs) / 1000} s after load; ×wm = median / Waymark's median)`,
    lines: formatMainThread(result),
    failure: mainThreadFailed(result) ? "Waymark's page did not load or did not send its page view on every load" : undefined,
  };
});

await part('load', 'Collect endpoint', async () => {
  const { measureCollect, formatCollect, collectFailed } = await import('./collect.mjs');
  const destinations = args.destinations === 'off' ? { destinations: /** @type {const} */ ('off') } : {};
  const result = await measureCollect(progress, { ...numericArgs(['requests', 'seconds', 'concurrency', 'visitors']), ...destinations });
  return {
    title: 'Collect endpoint over loopback (wrangler unstable_startWorker, local workerd)',
    lines: formatCollect(result),
    failure: collectFailed(result) ? 'valid requests got errors (see the samples above)' : undefined,
  };
});

await part('proxy', 'Proxy mode', async () => {
  const { measureProxy, formatProxy, proxyFailed } = await import('./proxy.mjs');
  const result = await measureProxy(progress, numericArgs(['requests', 'seconds', 'concurrency'], 'proxy-'));
  return {
    title: 'Proxy mode: HTMLRewriter personalization vs pass-through (loopback origin, local workerd)',
    lines: formatProxy(result),
    failure: proxyFailed(result) ? 'proxied pages were wrong or got errors (see the samples above)' : undefined,
  };
});

await part('growthbook', 'GrowthBook edge side by side', async () => {
  const { measureGrowthbook, formatGrowthbook, growthbookFailed } = await import('./growthbook.mjs');
  const result = await measureGrowthbook(progress, numericArgs(['requests', 'seconds', 'concurrency'], 'growthbook-'));
  return {
    title: "Proxy mode beside GrowthBook's edge app: the same hero change on the same pages (loopback origin, local workerd)",
    lines: formatGrowthbook(result),
    failure: growthbookFailed(result) ? "Waymark's pages were wrong or got errors (see the samples above)" : undefined,
  };
});

await part('rules', 'Rules engine', async () => {
  const { measureRules, formatRules } = await import('./rules.mjs');
  return { title: 'Rules engine: segment evaluations per second (pure evaluator, plain Node)', lines: formatRules(await measureRules(progress)) };
});

await part('funnel', 'Journey analytics funnel', async () => {
  const { measureFunnel, formatFunnel } = await import('./funnel.mjs');
  // Default: 1,000,000 events in 4 shards beside 1 (a few minutes); the run is --events=10000000 --shards=16.
  const events = Number(args.events || 1_000_000);
  const shards = Number(args.shards || 4);
  return {
    title: `Journey analytics: a 5-step funnel over ${events.toLocaleString('en-US')} stored events in ${shards} shards${args.one === 'false' ? '' : ' beside 1'} (local workerd, SQLite Durable Objects)`,
    lines: formatFunnel(await measureFunnel(progress, { events, shards, ...(args.one ? { one: args.one !== 'false' } : {}) })),
  };
});

if ('write' in args) {
  const file = 'bench/RESULTS.md';
  writeFileSync(file, resultsMarkdown());
  progress(`wrote ${file}`);
}

progress(`done${failed ? ' with failures' : ''}`);
process.exit(failed ? 1 : 0);

/** bench/RESULTS.md: the machine, how to read the tables, then every part's output as printed. */
function resultsMarkdown() {
  const command = `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim();
  const skipped = ['sizes', 'main', 'load', 'proxy', 'growthbook', 'rules', 'funnel'].filter((p) => only && only !== p);
  return [
    '# Benchmark results',
    '',
    `Written by \`${command}\` (\`npm run bench:results\`) on ${new Date().toISOString()}. Generated: do not edit`,
    'the numbers by hand; run it again instead. What each part does is in [README.md](README.md).',
    '',
    ...machineTable(chromium),
    '',
    '## How to read this',
    '',
    'Every number comes from one run on the machine above, with the load generator, the browser and',
    'the local worker sharing its cores: compare rows within a table (the `×wm`, `×pass` and',
    '`collect / health` ratios), not absolute numbers across machines. Sizes are what a visitor',
    "downloads before the tracker works. Main-thread cost is Chrome's own count of time spent running",
    'script (`ScriptDuration`) and running tasks of any kind (`TaskDuration`: script, parsing, style,',
    "layout) in the page's renderer, from navigation until 1 s after the tracker sent its page view:",
    "the baseline row is the same page with no tracker, so a tracker's own cost is roughly its row",
    'minus the baseline. `sent` counts loads in which the tracker delivered its page view to the local',
    'endpoint; a row with fewer than all did less work than on a real site. The collect and proxy',
    "tables are local workerd over loopback, not Cloudflare's network. A peer or part that could not",
    'run is listed as unavailable or FAILED with the reason.',
    ...(skipped.length ? ['', `Not run this time (\`--only=${only}\`): ${skipped.join(', ')}.`] : []),
    '',
    ...sections.flatMap(({ title, lines }) => [`## ${title}`, '', '```text', ...lines, '```', '']),
  ].join('\n');
}
