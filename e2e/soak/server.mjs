// A real local Waymark for the soak: worker.mjs (workerd via wrangler's unstable_startWorker, local
// KV, SQLite-backed Durable Objects persisted to disk) as a child process in its own process
// group, so it can be killed hard (SIGKILL, as a crash would) and started again on the same state.
import { spawn } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { seedDemo } from '../../scripts/seed-demo.mjs';

/** Where a soak on `port` keeps its state; wiped by `fresh()`. */
export const stateDir = (port) => `.wrangler/soak-state-${port}`;

/** Empty state and a private copy of the built static files (a build elsewhere must not reload us). */
export function fresh(port) {
  if (!existsSync('dist/public/_wm/wm.js')) throw new Error('dist/public is missing: run npm run build first');
  const dir = stateDir(port);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync('dist/public', `${dir}/public`, { recursive: true });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves once GET /_wm/health answers 200, or throws after `timeoutMs`. */
async function healthy(base, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the soak worker exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    try {
      const res = await fetch(`${base}/_wm/health`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await sleep(250);
  }
  throw new Error(`the soak worker did not answer ${base}/_wm/health within ${timeoutMs} ms`);
}

/**
 * Starts the worker on 127.0.0.1:`port` over the soak's state dir (not wiped: call fresh()
 * first for a clean start) and seeds the demo site (a no-op after a restart on the same state).
 * Returns { base, kill(), stop(), log() }.
 */
export async function start(port) {
  const dir = stateDir(port);
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['e2e/soak/worker.mjs', `--port=${port}`, `--state=${dir}`], {
    detached: true, // its own process group: workerd dies with it on kill()
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_HIDE_BANNER: 'true' },
  });
  // Keep the tail of the output for failure reports; the per-batch log lines are noise otherwise.
  const lines = [];
  const keep = (chunk) => {
    for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(line.length > 400 ? `${line.slice(0, 400)}…` : line);
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  // WM_SOAK_WORKER_LOG=file keeps the worker's whole output (e.g. with WRANGLER_LOG=log).
  if (process.env.WM_SOAK_WORKER_LOG) {
    const out = createWriteStream(process.env.WM_SOAK_WORKER_LOG, { flags: 'a' });
    child.stdout.pipe(out);
    child.stderr.pipe(out);
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));

  const signalGroup = async (signal) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      /* already gone */
    }
    await Promise.race([exited, sleep(10_000)]);
    // Wait for the port to be released, so the next start binds it.
    for (let i = 0; i < 40; i++) {
      try {
        await fetch(`${base}/_wm/health`, { signal: AbortSignal.timeout(500) });
      } catch {
        return;
      }
      await sleep(250);
    }
  };

  try {
    await healthy(base, 90_000, child);
    await seedDemo(base);
  } catch (err) {
    await signalGroup('SIGKILL');
    throw new Error(`${err.message}\n${lines.slice(-30).join('\n')}`);
  }
  return {
    base,
    /** A crash: SIGKILL to wrangler and workerd at once, nothing flushed, nothing said goodbye. */
    kill: () => signalGroup('SIGKILL'),
    stop: () => signalGroup('SIGTERM'),
    log: () => lines.slice(-40).join('\n'),
  };
}
