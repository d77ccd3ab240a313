#!/usr/bin/env node
// Writes the demo shop's pages (e2e/demo/**/*.html) from one layout (layout.mjs) and the
// catalogue (catalogue.mjs), pages.mjs saying what each page holds; and the e2e fixtures
// (e2e/fixtures/*.html) from the same <head> and each fixture's body (e2e/fixture-pages/pages.mjs).
// The pages are committed, so `npm start`, the e2e tests and the benchmarks serve plain files;
// build.test.ts fails if a committed page differs from what this script writes.
//   npm run demo:pages           rewrite the pages after editing the layout, catalogue or fixtures
//   node e2e/demo-pages/build.mjs --check   exit 1 naming the pages that differ
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixturePages } from '../fixture-pages/pages.mjs';
import { realWorldPages } from '../fixture-pages/real-pages.mjs';
import { demoPages } from './pages.mjs';

const E2E_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Every generated page, keyed by its path under e2e/ (demo/… and fixtures/…): text (written as
 * UTF-8), or bytes for the saved pages in other charsets (fixture-pages/real-pages.mjs).
 */
export function generatedPages() {
  const prefixed = (folder, pages) => [...pages].map(([path, html]) => [`${folder}/${path}`, html]);
  return new Map([...prefixed('demo', demoPages()), ...prefixed('fixtures', fixturePages()), ...prefixed('fixtures', realWorldPages())]);
}

const committed = (path) => {
  try {
    return readFileSync(join(E2E_DIR, path));
  } catch {
    return undefined;
  }
};

/** The pages (paths under e2e/) whose committed file is missing or differs from the generated one. */
export function stalePages() {
  return [...generatedPages()].filter(([path, html]) => !committed(path)?.equals(Buffer.from(html))).map(([path]) => path);
}

function main() {
  if (process.argv.includes('--check')) {
    const stale = stalePages();
    if (stale.length > 0) {
      console.error(`pages differ from e2e/demo-pages and e2e/fixture-pages (run npm run demo:pages): ${stale.join(', ')}`);
      process.exitCode = 1;
    }
    return;
  }
  for (const [path, html] of generatedPages()) {
    mkdirSync(dirname(join(E2E_DIR, path)), { recursive: true });
    writeFileSync(join(E2E_DIR, path), html);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
