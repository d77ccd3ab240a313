// `npm run test:soak`: issue #6's reliability and bad-input proof, against a real local Waymark
// (workerd via wrangler, local KV, SQLite-backed Durable Objects on disk), minutes long.
//
//   config   config change during traffic: never a half-written or mixed config, never a 5xx
//   restart  the runtime killed (SIGKILL) mid-batch, restarted on the same state: no acknowledged
//            event lost, unacknowledged ones resent and stored exactly once; profiles survive
//   fuzz     thousands of generated bad requests to every public endpoint: zero 5xx, reasons,
//            valid events of mixed batches kept
//   offline  Chromium, 100 offline/online cycles with navigations, reloads, injected 5xx and lost
//            answers: every event in the profile exactly once; and 10 tabs × 200 events sharing
//            one outbox through offline periods (playwright.soak.config.ts, e2e/soak/*.spec.ts)
//
// Options: --only=config,restart,fuzz,offline  --fuzz=5000  --seed=20261123  --cycles=100
// Port: WM_SOAK_PORT (default 8789). Runs on dist/ as built (`npm run test:soak` builds first).
// Prints progress and one final summary line; exits 1 on any failure.
import { spawn } from 'node:child_process';
import { configSoak } from './config.mjs';
import { fuzzSoak } from './fuzz.mjs';
import { log } from './lib.mjs';
import { restartSoak } from './restart.mjs';
import { fresh, start } from './server.mjs';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const PHASES = ['config', 'restart', 'fuzz', 'offline'];
const only = args.only ? args.only.split(',') : PHASES;
for (const p of only) if (!PHASES.includes(p)) throw new Error(`unknown phase ${p} (phases: ${PHASES.join(', ')})`);
const PORT = Number(process.env.WM_SOAK_PORT ?? 8789);
const FUZZ = Number(args.fuzz ?? 5_000);
const SEED = Number(args.seed ?? 20261123);
const CYCLES = Number(args.cycles ?? 100);

const results = [];
/** Runs one phase; an exception is a failure of that phase, not of the whole soak. */
async function phase(name, run) {
  if (!only.includes(name)) return;
  const t0 = Date.now();
  log(`${name}: start`);
  try {
    const { f } = await run();
    results.push({ name, ok: f.ok, seconds: (Date.now() - t0) / 1000, lines: f.report() });
  } catch (err) {
    results.push({ name, ok: false, seconds: (Date.now() - t0) / 1000, lines: [`${name}: crashed: ${err.stack ?? err}`] });
  }
  log(`${name}: ${results.at(-1).ok ? 'passed' : 'FAILED'} in ${results.at(-1).seconds.toFixed(0)} s`);
}

const needServer = only.some((p) => p !== 'offline');
if (needServer) {
  fresh(PORT);
  log(`starting the worker on 127.0.0.1:${PORT}`);
  const ctl = { server: await start(PORT), restart: () => start(PORT) };
  try {
    // Config first: fuzzing the admin login locks this client out of it for 15 minutes.
    await phase('config', () => configSoak(ctl.server, { writeMs: 25_000, visitors: 6 }));
    await phase('restart', () => restartSoak(ctl, { rounds: 3, visitors: 16, trafficMs: 2_500 }));
    await phase('fuzz', () => fuzzSoak(ctl.server, { requests: FUZZ, seed: SEED, concurrency: Number(args.concurrency ?? 8) }));
  } finally {
    if (results.some((r) => !r.ok)) console.log(`--- last lines of the worker ---\n${ctl.server.log()}`);
    await ctl.server.stop();
  }
}

await phase('offline', async () => {
  const code = await new Promise((resolve) => {
    const child = spawn('./node_modules/.bin/playwright', ['test', '-c', 'playwright.soak.config.ts'], {
      stdio: 'inherit',
      env: { ...process.env, WM_SOAK_PORT: String(PORT), WM_SOAK_CYCLES: String(CYCLES) },
    });
    child.on('exit', (c, signal) => resolve(c ?? signal));
  });
  const lines = code === 0 ? [] : [`offline: playwright exited with ${code}`];
  return { f: { ok: code === 0, report: () => lines } };
});

for (const r of results) for (const line of r.lines) console.log(line);
const failed = results.filter((r) => !r.ok).map((r) => r.name);
console.log(
  `soak summary: ${results.length - failed.length}/${results.length} phases passed ` +
    `(${results.map((r) => `${r.name} ${r.ok ? 'ok' : 'FAILED'} ${r.seconds.toFixed(0)} s`).join(', ')})` +
    (failed.length ? `; FAILED: ${failed.join(', ')}` : ''),
);
process.exit(failed.length ? 1 : 0);
