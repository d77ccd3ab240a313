// The soak's runtime: the worker from wrangler.toml in workerd (wrangler's unstable_startWorker),
// local KV and SQLite-backed Durable Objects persisted under `--state`, static files from
// `--state`/public, on 127.0.0.1:`--port`. Unlike `wrangler dev` it does not watch the sources:
// an edit or build elsewhere in the tree must not restart the worker in the middle of the soak.
// Runs until SIGTERM/SIGINT; the soak SIGKILLs its process group to simulate a crash.
//   node e2e/soak/worker.mjs --port=8789 --state=.wrangler/soak-state-8789
process.env.WRANGLER_SEND_METRICS = 'false';
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
process.env.WRANGLER_HIDE_BANNER = 'true';
process.env.WRANGLER_LOG ??= 'warn';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const port = Number(args.port ?? 8789);
const state = args.state ?? `.wrangler/soak-state-${port}`;

const { unstable_startWorker } = await import('wrangler');
const worker = await unstable_startWorker({
  config: 'wrangler.toml',
  assets: `${state}/public`,
  dev: { server: { hostname: '127.0.0.1', port }, persist: `${state}/data`, watch: false, liveReload: false, inspector: false },
});
await worker.ready;
console.log(`soak worker ready on ${(await worker.url).origin}`);

let closing = false;
const close = async () => {
  if (closing) return;
  closing = true;
  await worker.dispose();
  process.exit(0);
};
process.on('SIGTERM', close);
process.on('SIGINT', close);
