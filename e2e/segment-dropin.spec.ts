// The Segment drop-in in a browser: a page with only Segment's own loader snippet (pointed at
// /_wm/analytics.js, e2e/fixtures/segment-dropin.html) calls every analytics.js method; the
// events land in the visitor's profile (/_wm/me) and the callbacks fire.
import { expect, test } from './support/test';
import type { ProfileExport } from '../protocol/wire';
import { eventsOf, hasTrack, waitForProfile } from './support/waymark';

type Call = (...a: unknown[]) => unknown;
type Analytics = { [m in 'track' | 'page' | 'identify' | 'group' | 'alias' | 'reset' | 'ready' | 'on' | 'once']: Call } & {
  user: () => { id: () => string | null; traits: () => Record<string, unknown>; anonymousId: () => string | null };
};
declare global {
  interface Window {
    analytics: Analytics;
    fired: string[];
  }
}

test('Segment’s loader snippet with our URL: every analytics.js call lands in the profile, callbacks fire', async ({ page }) => {
  await page.goto('/fixtures/segment-dropin.html');
  // analytics.js replaced the loader's array, and wm.js runs (loaded by analytics.js, or injected by proxy mode).
  await page.waitForFunction(() => !Array.isArray(window.analytics) && typeof window.wm === 'function' && (window.wm as unknown as { v?: number }).v === 1);
  const user = `seg-e2e-${Date.now().toString(36)}`;
  await page.evaluate(async (userId) => {
    window.fired = [];
    const a = window.analytics;
    const done = (name: string) => () => window.fired.push(name);
    await new Promise<void>((resolve) => a.ready(() => resolve()));
    a.on('track', (event: unknown) => window.fired.push(`on:track:${String(event)}`));
    a.once('identify', (id: unknown) => window.fired.push(`once:identify:${String(id)}`));
    a.track('Product Viewed', { sku: 'trail-runner', price: 129 }, {}, done('track'));
    a.page('Shop', 'Product', { path: '/p' }, done('page'));
    a.identify(userId, { plan: 'pro', email: 'ada@example.com' }, done('identify'));
    a.identify(userId, { seats: 3 });
    a.group('acme-inc', { name: 'Acme', employees: 42 }, done('group'));
    a.alias(userId, done('alias'));
    a.track('Order Completed', { revenue: 42 }, done('track2'));
  }, user);
  await expect
    .poll(() => page.evaluate(() => window.fired.slice().sort()))
    .toEqual(['alias', 'group', 'identify', `on:track:Order Completed`, 'on:track:Product Viewed', `once:identify:${user}`, 'page', 'track', 'track2'].sort());
  // Getters: user() and group().
  expect(await page.evaluate(() => [window.analytics.user().id(), window.analytics.user().traits()])).toEqual([
    user,
    { plan: 'pro', email: 'ada@example.com', seats: 3 },
  ]);
  expect(await page.evaluate(() => (window.analytics as unknown as { group: () => { id: () => string } }).group().id())).toBe('acme-inc');

  const profile: ProfileExport = await waitForProfile(page.request, (p) => hasTrack(p, 'Order Completed'), 'the analytics.js events never arrived');
  expect(eventsOf(profile, 'track', 'Product Viewed')[0]?.props).toEqual({ sku: 'trail-runner', price: 129 });
  expect(profile.userId).toBe(user);
  expect(profile.traits).toMatchObject({
    plan: 'pro',
    email: 'ada@example.com',
    seats: 3,
    groupId: 'acme-inc',
    group: { id: 'acme-inc', name: 'Acme', employees: 42 },
  });
  expect(eventsOf(profile, 'alias')[0]?.userId).toBe(user);
  // One page view for one page load: wm.js counts it, analytics.page() adds none.
  expect(eventsOf(profile, 'page')).toHaveLength(1);
  // The visitor token is analytics.js's anonymousId (for server calls to /_wm/v1/*).
  expect(await page.evaluate(() => window.analytics.user().anonymousId())).toMatch(/^[A-Za-z0-9_-]{22}\./);

  // reset(): the user is forgotten in the page, and the next events go to a new anonymous visitor.
  await page.evaluate(() => window.analytics.reset());
  expect(await page.evaluate(() => window.analytics.user().id())).toBeNull();
});
