#!/usr/bin/env node
// `npm start`: the whole product on this machine, offline. Runs wrangler dev on 127.0.0.1:8787
// with local KV and SQLite Durable Objects persisted under .wrangler/state (they survive
// restarts), and rollup in watch mode so snippet edits reach the browser on reload. Once wrangler
// answers, the demo site is seeded (scripts/seed-demo.mjs: a development step, not a request path).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { localSignIn } from './local-sign-in.mjs';
import { seedDemo } from './seed-demo.mjs';

const PORT = process.env.PORT ?? '8787';
const env = {
  ...process.env,
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_HIDE_BANNER: 'true',
};

const children = [
  spawn('./node_modules/.bin/rollup', ['-c', '-w', '--silent', '--no-watch.clearScreen'], { stdio: ['ignore', 'ignore', 'inherit'], env }),
  spawn(
    './node_modules/.bin/wrangler',
    ['dev', '--ip', '127.0.0.1', '--port', PORT, '--persist-to', '.wrangler/state', '--show-interactive-dev-session=false'],
    { stdio: ['ignore', 'inherit', 'inherit'], env },
  ),
];

const base = `http://127.0.0.1:${PORT}`;
const signIn = localSignIn({
  wranglerToml: readFileSync('wrangler.toml', 'utf8'),
  devVars: existsSync('.dev.vars') ? readFileSync('.dev.vars', 'utf8') : null,
});
console.log(`
  Waymark is starting on ${base}
    demo shop       ${base}/                (the visitor's side)
    dashboard       ${base}/_wm/dashboard/  (the marketer's side: segments, slots, messages, reports)
      sign in with  ${signIn}
    your profile    ${base}/_wm/me?site=demo   (what the edge stored about this browser)
    health          ${base}/_wm/health
  Every batch the edge stores is logged below. Ctrl-C stops everything.
`);

function stop(code = 0) {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  process.exitCode = code;
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
for (const child of children) child.on('exit', (code) => stop(code ?? 0));

seedDemo(base, { timeoutMs: 120_000 })
  .then(({ seeded, version }) => {
    console.log(seeded ? `  demo site seeded (version ${version})` : `  demo site at version ${version}`);
    console.log(`  ready: demo shop ${base}/ · dashboard ${base}/_wm/dashboard/, sign in with ${signIn}`);
  })
  .catch((err) => {
    console.error(`  could not seed the demo site: ${err.message}`);
    stop(1);
  });
