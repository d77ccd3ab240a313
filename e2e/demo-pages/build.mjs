#!/usr/bin/env node
// Writes the demo shop's pages (e2e/demo/**/*.html) from one layout (layout.mjs) and the
// catalogue (catalogue.mjs); pages.mjs says what each page holds. The pages are committed, so
// `npm start`, the e2e tests and the benchmarks serve plain files; build.test.ts fails if a
// committed page differs from what this script writes.
//   npm run demo:pages           rewrite the pages after editing the layout or the catalogue
//   node e2e/demo-pages/build.mjs --check   exit 1 naming the pages that differ
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoPages } from './pages.mjs';

export const DEMO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'demo');

const committed = (path) => {
  try {
    return readFileSync(join(DEMO_DIR, path), 'utf8');
  } catch {
    return undefined;
  }
};

/** The pages whose committed file is missing or differs from the generated one. */
export function stalePages() {
  return [...demoPages()].filter(([path, html]) => committed(path) !== html).map(([path]) => path);
}

function main() {
  if (process.argv.includes('--check')) {
    const stale = stalePages();
    if (stale.length > 0) {
      console.error(`demo pages differ from e2e/demo-pages (run npm run demo:pages): ${stale.join(', ')}`);
      process.exitCode = 1;
    }
    return;
  }
  for (const [path, html] of demoPages()) {
    mkdirSync(dirname(join(DEMO_DIR, path)), { recursive: true });
    writeFileSync(join(DEMO_DIR, path), html);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
