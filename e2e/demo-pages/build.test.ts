// The committed demo pages are exactly what the layout and catalogue produce, so they cannot drift.
// A unit test (vitest, plain Node), not a Playwright spec: playwright.config.ts runs *.spec.ts only.
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain .mjs script with no declaration file (it runs in Node without a build)
import { stalePages } from './build.mjs';
// @ts-expect-error as above
import { demoPages } from './pages.mjs';

describe('demo shop pages', () => {
  it('generates every page of the shop', () => {
    expect([...(demoPages() as Map<string, string>).keys()].sort()).toEqual([
      'cart.html',
      'category/hiking.html',
      'category/running.html',
      'hash.html',
      'index.html',
      'product/ridgeline-trail-runner.html',
      'product/stormline-shell.html',
      'product/summit-30-daypack.html',
      'product/tempo-road-racer.html',
      'spa.html',
    ]);
  });

  it('e2e/demo holds exactly the generated pages (run npm run demo:pages after editing e2e/demo-pages)', () => {
    expect(stalePages()).toEqual([]);
  });
});
