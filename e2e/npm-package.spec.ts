// The npm package (packages/waymark-snippet, @waymark/snippet): a site's code imports the built
// ESM (dist/index.js), bundled here with esbuild as a site's bundler would, and calls load() and
// the typed wm(). Shown against the real edge. Also: `npm pack` ships exactly the built files.
import { execFileSync } from 'node:child_process';
import { type Page } from '@playwright/test';
import { expect, test } from './support/test';
import { build } from 'esbuild';
import { eventsOf, hasTrack, serveFixturesUntouched, waitForProfile } from './support/waymark';

const PACKAGE = 'packages/waymark-snippet';

/** A site's entry module using the package, bundled (the package's code inlined, as bundlers do). */
async function bundleApp(source: string): Promise<string> {
  const result = await build({
    stdin: { contents: source, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    format: 'esm',
    write: false,
    target: 'es2022',
    alias: { '@waymark/snippet': `./${PACKAGE}/dist/index.js` },
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** The fixture as written (proxy mode would inject a tag into it), and the bundled app. */
async function serveApp(page: Page, source: string) {
  await serveFixturesUntouched(page);
  const app = await bundleApp(source);
  await page.route('**/fixtures/npm/app.js', (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: app }));
}

test('import { load, wm } from "@waymark/snippet": calls before and after load reach the edge, decisions come back', async ({ page }) => {
  await serveApp(
    page,
    `import { load, wm } from '@waymark/snippet';
     wm('track', 'npm_before_load');             // before load(): the stub is installed and queues it
     const ready = load({ site: 'demo' });
     wm('track', 'npm_queued', { step: 1 });     // queued in the stub until wm.js runs
     const w = await ready;
     w('track', 'npm_loaded');
     w('on', 'decision', (decisions) => { document.querySelector('[data-app-status]').textContent = 'decisions: ' + decisions.length; });`,
  );
  await page.goto('/fixtures/npm-package.html');
  const profile = await waitForProfile(
    page.request,
    (p) => hasTrack(p, 'npm_before_load') && hasTrack(p, 'npm_queued') && hasTrack(p, 'npm_loaded') && eventsOf(p, 'page').length >= 1,
    'the package calls',
  );
  expect(eventsOf(profile, 'track', 'npm_queued')[0]!.props).toEqual({ step: 1 });
  await expect(page.locator('script[src$="/_wm/wm.js"]')).toHaveAttribute('data-site', 'demo');
  await expect(page.locator('[data-app-status]')).toHaveText(/^decisions: \d+$/);
});

test('load() with a preference queued first: the decision renders in the page slot', async ({ page }) => {
  await serveApp(
    page,
    `import { load, wm } from '@waymark/snippet';
     load({ site: 'demo', consent: 'opt-in' }).then(() => { document.querySelector('[data-app-status]').textContent = 'loaded'; });
     wm('consent', { analytics: true, personalization: true });
     wm('prefs', { sport: 'road' });`,
  );
  await page.goto('/fixtures/npm-package.html');
  await expect(page.locator('[data-app-status]')).toHaveText('loaded');
  await expect(page.locator('script[src$="/_wm/wm.js"]')).toHaveAttribute('data-consent', 'opt-in');
  await expect(page.locator('[data-wm-slot="hero"]')).toHaveAttribute('data-wm-filled', 'road-runners');
});

test('load() rejects when wm.js cannot load', async ({ page }) => {
  await serveApp(
    page,
    `import { load } from '@waymark/snippet';
     load({ site: 'demo', endpoint: location.origin + '/nowhere' }).then(
       () => { document.querySelector('[data-app-status]').textContent = 'resolved'; },
       (e) => { document.querySelector('[data-app-status]').textContent = 'rejected: ' + e.message; });`,
  );
  await page.goto('/fixtures/npm-package.html');
  await expect(page.locator('[data-app-status]')).toHaveText(/^rejected: @waymark\/snippet: could not load .*\/nowhere\/_wm\/wm\.js$/);
});

test('npm pack ships the built module, its declarations, the GTM tag and the README, nothing else', () => {
  const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PACKAGE, encoding: 'utf8' })) as [
    { name: string; files: { path: string }[] },
  ];
  expect(pack.name).toBe('@waymark/snippet');
  expect(pack.files.map((f) => f.path).sort()).toEqual(['README.md', 'dist/gtm.html', 'dist/index.d.ts', 'dist/index.js', 'dist/insert.d.ts', 'package.json']);
});
