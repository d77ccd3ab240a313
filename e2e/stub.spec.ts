// The one-line stub: calls made before wm.js has loaded are queued and delivered once it runs, and
// when the script is blocked (ad blocker, outage) site code calling wm(...) never throws.
import { expect, test } from './support/test';
import { eventsOf, flushWithSentinel } from './support/waymark';

test('calls queued before wm.js loads are delivered once it runs', async ({ page, context }) => {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  await context.route('**/_wm/wm.js', async (route) => {
    await released; // hold the snippet back while the page calls wm(...)
    await route.continue();
  });
  await page.goto('/product/stormline-shell', { waitUntil: 'domcontentloaded' });
  await page.evaluate(() => {
    window.wm('track', 'early_one', { n: 1 });
    window.wm('prefs', { sport: 'hiking' });
    window.wm('track', 'early_two', { n: 2 });
  });
  expect(await page.evaluate(() => (window.wm as unknown as { q?: unknown[] }).q?.length)).toBe(3);
  release();

  const profile = await flushWithSentinel(page);
  const early = eventsOf(profile, 'track').filter((e) => e.name.startsWith('early_'));
  // Replayed in one go, so their client timestamps may tie: compare as a set.
  expect(early.map((e) => e.name).sort()).toEqual(['early_one', 'early_two']);
  expect(early.map((e) => e.props)).toContainEqual({ n: 1 });
  expect(profile.prefs['sport']).toBe('hiking');
  expect(eventsOf(profile, 'page'), 'the automatic page view is not lost either').toHaveLength(1);
});

test('with wm.js blocked, wm(...) never throws and the shop still works', async ({ page, context }) => {
  await context.route('**/_wm/wm.js', (route) => route.abort('blockedbyclient'));
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/product/ridgeline-trail-runner');
  await page.evaluate(() => {
    window.wm('track', 'x', { a: 1 });
    window.wm('page');
    window.wm('identify', 'user-1', { plan: 'pro' });
    window.wm('prefs', { sport: 'road' });
    window.wm('consent', { analytics: true, personalization: true });
    window.wm('on', 'decision', () => undefined);
  });
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.locator('[data-cart-count]')).toHaveText('1');
  expect(errors).toEqual([]);
});
