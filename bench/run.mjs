// `npm run bench`: snippet size beside the peers, then collect-endpoint load beside the health route.
//
//   node bench/run.mjs [--only=sizes|load] [--snippet=path]
//                      [--requests=2000] [--seconds=15] [--concurrency=16] [--visitors=200]
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
const snippet = args.snippet || process.env.WM_SNIPPET || 'dist/snippet/wm.js';
const started = performance.now();
const progress = (/** @type {string} */ line) =>
  console.error(`[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);

let failed = false;

if (only !== 'load') {
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

if (only !== 'sizes') {
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

progress(`done${failed ? ' with failures' : ''}`);
process.exit(failed ? 1 : 0);
