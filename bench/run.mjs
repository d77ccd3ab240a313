// `npm run bench`: snippet size beside the peers, main-thread cost of loading each in Chromium,
// collect-endpoint load beside the health route, then proxy mode's added latency beside plain
// pass-through. `--write` also writes everything printed to bench/RESULTS.md (`npm run bench:results`).
//
//   node bench/run.mjs [--only=sizes|main|load|proxy|rules|funnel] [--snippet=path] [--write] [--loads=10]
//                      [--requests=2000] [--seconds=15] [--concurrency=16] [--visitors=200]
//                      [--proxy-requests=400] [--proxy-seconds=6] [--proxy-concurrency=8]
//
// Progress goes to stderr, results to stdout. Exit code 1 only when Waymark itself fails (snippet
// missing, worker not starting, errors on valid requests); an unavailable peer is reported, not fatal.
import { writeFileSync } from 'node:fs';
import { cpus, totalmem, platform, release, arch } from 'node:os';
import { fileURLToPath } from 'node:url';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v = ''] = a.replace(/^--/, '').split('=');
    return [k, v];
  }),
);
const only = args.only ?? '';
if (!['', 'sizes', 'main', 'load', 'proxy', 'rules', 'funnel'].includes(only)) {
  console.error(`--only must be sizes, main, load, proxy, rules or funnel (got "${only}")`);
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

if (only === '' || only === 'sizes') {
  const { measureSizes, formatSizes } = await import('./sizes.mjs');
  try {
    const rows = await measureSizes(snippet, progress);
    section('Bundle size (bytes; gzip -9 and brotli q11 by node:zlib; ratio = peer gzip / Waymark gzip)', formatSizes(rows));
  } catch (err) {
    failed = true;
    section('Bundle size', [`FAILED: ${/** @type {Error} */ (err).message}`]);
  }
}

if (only === '' || only === 'main') {
  const { measureMainThread, formatMainThread, mainThreadFailed } = await import('./mainthread.mjs');
  try {
    const result = await measureMainThread(snippet, progress, Number(args.loads) > 0 ? { loads: Number(args.loads) } : {});
    chromium = result.chromium;
    const lines = formatMainThread(result);
    if (mainThreadFailed(result)) {
      failed = true;
      lines.push('', "FAILED: Waymark's page did not load or did not send its page view on every load");
    }
    section(
      `Main-thread cost per page load (Chromium ${result.chromium} headless, CDP Performance.getMetrics; ` +
        `${result.loads} cold loads each; read ${result.idleMs / 1000} s after the page view was sent, ` +
        `at most ${(result.sendMs + result.idleMs) / 1000} s after load; ×wm = median / Waymark's median)`,
      lines,
    );
  } catch (err) {
    failed = true;
    section('Main-thread cost per page load', [`FAILED: ${/** @type {Error} */ (err).stack ?? err}`]);
  }
}

if (only === '' || only === 'load') {
  const { measureCollect, formatCollect, collectFailed } = await import('./collect.mjs');
  try {
    const numeric = ['requests', 'seconds', 'concurrency', 'visitors'].filter((k) => Number(args[k]) > 0);
    const result = await measureCollect(progress, Object.fromEntries(numeric.map((k) => [k, Number(args[k])])));
    const lines = formatCollect(result);
    if (collectFailed(result)) {
      failed = true;
      lines.push('', 'FAILED: valid requests got errors (see the samples above)');
    }
    section('Collect endpoint over loopback (wrangler unstable_startWorker, local workerd)', lines);
  } catch (err) {
    failed = true;
    section('Collect endpoint', [`FAILED: ${/** @type {Error} */ (err).stack ?? err}`]);
  }
}

if (only === '' || only === 'proxy') {
  const { measureProxy, formatProxy, proxyFailed } = await import('./proxy.mjs');
  try {
    const numeric = ['requests', 'seconds', 'concurrency'].filter((k) => Number(args[`proxy-${k}`]) > 0);
    const result = await measureProxy(progress, Object.fromEntries(numeric.map((k) => [k, Number(args[`proxy-${k}`])])));
    const lines = formatProxy(result);
    if (proxyFailed(result)) {
      failed = true;
      lines.push('', 'FAILED: proxied pages were wrong or got errors (see the samples above)');
    }
    section('Proxy mode: HTMLRewriter personalization vs pass-through (loopback origin, local workerd)', lines);
  } catch (err) {
    failed = true;
    section('Proxy mode', [`FAILED: ${/** @type {Error} */ (err).stack ?? err}`]);
  }
}

if (only === '' || only === 'rules') {
  const { measureRules, formatRules } = await import('./rules.mjs');
  try {
    section('Rules engine: segment evaluations per second (pure evaluator, plain Node)', formatRules(await measureRules(progress)));
  } catch (err) {
    failed = true;
    section('Rules engine', [`FAILED: ${/** @type {Error} */ (err).stack ?? err}`]);
  }
}

if (only === '' || only === 'funnel') {
  const { measureFunnel, formatFunnel } = await import('./funnel.mjs');
  try {
    section(
      'Journey analytics: a 5-step funnel over 1,000,000 stored events (local workerd, SQLite Durable Object)',
      formatFunnel(await measureFunnel(progress)),
    );
  } catch (err) {
    failed = true;
    section('Journey analytics funnel', [`FAILED: ${/** @type {Error} */ (err).stack ?? err}`]);
  }
}

if ('write' in args) {
  const file = 'bench/RESULTS.md';
  writeFileSync(file, resultsMarkdown());
  progress(`wrote ${file}`);
}

progress(`done${failed ? ' with failures' : ''}`);
process.exit(failed ? 1 : 0);

/** bench/RESULTS.md: the machine, how to read the tables, then every part's output as printed. */
function resultsMarkdown() {
  const cpu = cpus();
  const command = `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim();
  const skipped = ['sizes', 'main', 'load', 'proxy', 'rules', 'funnel'].filter((p) => only && only !== p);
  return [
    '# Benchmark results',
    '',
    `Written by \`${command}\` (\`npm run bench:results\`) on ${new Date().toISOString()}. Generated: do not edit`,
    'the numbers by hand; run it again instead. What each part does is in [README.md](README.md).',
    '',
    '| machine | |',
    '|---|---|',
    `| CPU | ${cpu[0]?.model.trim() ?? 'unknown'}, ${cpu.length} cores |`,
    `| memory | ${(totalmem() / 2 ** 30).toFixed(1)} GiB |`,
    `| OS | ${platform()} ${release()} ${arch()} |`,
    `| Node | ${process.version} |`,
    `| Chromium | ${chromium || 'not started in this run'} |`,
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
