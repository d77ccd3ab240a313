// `npm run bench`: snippet size beside the peers, collect-endpoint load beside the health route,
// then proxy mode's added latency beside plain pass-through.
//
//   node bench/run.mjs [--only=sizes|load|proxy] [--snippet=path]
//                      [--requests=2000] [--seconds=15] [--concurrency=16] [--visitors=200]
//                      [--proxy-requests=400] [--proxy-seconds=6] [--proxy-concurrency=8]
//
// Progress goes to stderr, results to stdout. Exit code 1 only when Waymark itself fails (snippet
// missing, worker not starting, errors on valid requests); an unavailable peer is reported, not fatal.
import { fileURLToPath } from 'node:url';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v = ''] = a.replace(/^--/, '').split('=');
    return [k, v];
  }),
);
const only = args.only ?? '';
if (!['', 'sizes', 'load', 'proxy'].includes(only)) {
  console.error(`--only must be sizes, load or proxy (got "${only}")`);
  process.exit(2);
}
const snippet = args.snippet || process.env.WM_SNIPPET || 'dist/snippet/wm.js';
const started = performance.now();
const progress = (/** @type {string} */ line) =>
  console.error(`[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);

let failed = false;

if (only === '' || only === 'sizes') {
  const { measureSizes, formatSizes } = await import('./sizes.mjs');
  try {
    const rows = await measureSizes(snippet, progress);
    console.log('\n## Bundle size (bytes; gzip -9 and brotli q11 by node:zlib; ratio = peer gzip / Waymark gzip)\n');
    console.log(formatSizes(rows).join('\n'));
  } catch (err) {
    failed = true;
    console.log(`\n## Bundle size\n\nFAILED: ${/** @type {Error} */ (err).message}`);
  }
}

if (only === '' || only === 'load') {
  const { measureCollect, formatCollect, collectFailed } = await import('./collect.mjs');
  try {
    const numeric = ['requests', 'seconds', 'concurrency', 'visitors'].filter((k) => Number(args[k]) > 0);
    const result = await measureCollect(progress, Object.fromEntries(numeric.map((k) => [k, Number(args[k])])));
    console.log('\n## Collect endpoint over loopback (wrangler unstable_startWorker, local workerd)\n');
    console.log(formatCollect(result).join('\n'));
    if (collectFailed(result)) {
      failed = true;
      console.log('\nFAILED: valid requests got errors (see the samples above)');
    }
  } catch (err) {
    failed = true;
    console.log(`\n## Collect endpoint\n\nFAILED: ${/** @type {Error} */ (err).stack ?? err}`);
  }
}

if (only === '' || only === 'proxy') {
  const { measureProxy, formatProxy, proxyFailed } = await import('./proxy.mjs');
  try {
    const numeric = ['requests', 'seconds', 'concurrency'].filter((k) => Number(args[`proxy-${k}`]) > 0);
    const result = await measureProxy(progress, Object.fromEntries(numeric.map((k) => [k, Number(args[`proxy-${k}`])])));
    console.log('\n## Proxy mode: HTMLRewriter personalization vs pass-through (loopback origin, local workerd)\n');
    console.log(formatProxy(result).join('\n'));
    if (proxyFailed(result)) {
      failed = true;
      console.log('\nFAILED: proxied pages were wrong or got errors (see the samples above)');
    }
  } catch (err) {
    failed = true;
    console.log(`\n## Proxy mode\n\nFAILED: ${/** @type {Error} */ (err).stack ?? err}`);
  }
}

progress(`done${failed ? ' with failures' : ''}`);
process.exit(failed ? 1 : 0);
