// The committed demo pages and e2e fixtures are exactly what e2e/demo-pages and e2e/fixture-pages
// produce, so they cannot drift.
// A unit test (vitest, plain Node), not a Playwright spec: playwright.config.ts runs *.spec.ts only.
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain .mjs script with no declaration file (it runs in Node without a build)
import { stalePages } from './build.mjs';
// @ts-expect-error as above
import { fixturePages } from '../fixture-pages/pages.mjs';
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

  it('generates every e2e fixture', () => {
    expect([...(fixturePages() as Map<string, string>).keys()].sort()).toEqual([
      'forms.html',
      'messages-csp.html',
      'messages.html',
      'opt-in.html',
      'safe-targets.html',
      'slots-csp.html',
      'slots-proxied.html',
      'slots.html',
    ]);
  });

  it('e2e/demo and e2e/fixtures hold exactly the generated pages (run npm run demo:pages after editing e2e/demo-pages or e2e/fixture-pages)', () => {
    expect(stalePages()).toEqual([]);
  });
});
