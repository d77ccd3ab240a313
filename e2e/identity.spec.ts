/**
 * Identity stitching across two devices (two browser contexts, no shared cookies or storage):
 * each browses the demo shop anonymously, then `wm('identify', …)` links both to one golden
 * record. Both exports show one merged profile with both histories, and device 1's cart
 * personalizes device 2's next page (proxy mode: in the HTML the worker serves).
 */
import { type Browser, type BrowserContext, type Page } from '@playwright/test';
import { expect, test } from './support/test';
import { VISITOR_COOKIE } from '../protocol/limits';
import { eventsOf, flushWithSentinel, ORIGIN, pathOf, readProfile, waitForProfile } from './support/waymark';

const PROMO = '[data-wm-slot="category-promo"]';
const userId = () => `user-42-${Date.now().toString(36)}`;

async function visitorToken(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies()).find((c) => c.name === VISITOR_COOKIE);
  expect(cookie, 'wm_vid cookie').toBeDefined();
  return cookie!.value;
}

async function twoDevices(browser: Browser, run: (one: BrowserContext, two: BrowserContext) => Promise<void>) {
  const one = await browser.newContext();
  const two = await browser.newContext();
  try {
    await run(one, two);
  } finally {
    await Promise.all([one.close(), two.close()]);
  }
}

/** One page per device, each opened at its path, then `wm('identify', user)` on both. */
async function browseAndIdentify(one: BrowserContext, two: BrowserContext, paths: [string, string], user: string): Promise<[Page, Page]> {
  const pages: [Page, Page] = [await one.newPage(), await two.newPage()];
  for (const [i, p] of pages.entries()) await p.goto(paths[i]!);
  for (const p of pages) await p.evaluate((u) => window.wm('identify', u), user);
  return pages;
}

/** The merged profile, read from `page`'s device once both devices are linked to it. */
const waitForBothLinked = (page: Page) => waitForProfile(page.request, (p) => (p.linkedVisitors?.length ?? 0) === 2, 'both linked');

/**
 * The marketer finds the user in the dashboard (by user id: one row per browser, from analytics)
 * and opens one: the merged profile, with both browsers linked and the opened one marked.
 */
async function lookUpInDashboard(browser: Browser, user: string, visitorId: string) {
  const admin = await browser.newContext();
  try {
    const page = await admin.newPage();
    const login = await page.request.post('/_wm/admin/api/login', { data: { password: 'waymark-demo' }, headers: { origin: ORIGIN } });
    expect(login.status()).toBe(200);
    await page.goto('/_wm/dashboard/#/s/demo/profiles');
    await page.getByLabel('Find a visitor').fill(user);
    await page.getByLabel('Search in').selectOption('user');
    const rows = page.locator('table.table tbody tr', { hasText: user });
    // Analytics stores events through a queue: the rows appear within a few seconds.
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: /Search/ }).click();
          await expect(page.getByRole('button', { name: 'Search' })).toBeEnabled();
          return rows.count();
        },
        { timeout: 20_000, intervals: [500, 1_000] },
      )
      .toBe(2);
    await page.getByRole('link', { name: visitorId }).click();
    await expect(page.getByRole('heading', { name: user, level: 1 })).toBeVisible();
    const identity = page.locator('section.card', { has: page.getByRole('heading', { name: 'Identity' }) });
    await expect(identity).toContainText(user);
    const devices = identity.locator('.linked-devices tbody tr');
    await expect(devices).toHaveCount(2);
    await expect(identity.locator('.linked-devices tr[data-current="true"]')).toContainText(visitorId.slice(0, 8));
    await expect(identity.locator('.linked-devices tr[data-current="true"]')).toContainText('the one you opened');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: 'e2e/artifacts/dashboard-profile-identity.png', fullPage: true });
  } finally {
    await admin.close();
  }
}

test('two devices that identify as one user share one profile; device 1’s cart shows on device 2', async ({ browser }) => {
  await twoDevices(browser, async (one, two) => {
    const user = userId();
    // Device 1: a product page and a cart, then the visitor signs in.
    const p1 = await one.newPage();
    await p1.goto('/product/summit-30-daypack');
    await p1.getByRole('button', { name: 'Add to cart' }).click();
    await flushWithSentinel(p1);
    await p1.evaluate((u) => window.wm('identify', u, { plan: 'pro' }), user);
    const linked1 = await waitForProfile(p1.request, (p) => p.userId === user, 'device 1 identified');
    expect(linked1.linkedVisitors).toHaveLength(1);

    // Device 2: browses the running category (no cart there, so the default side panel) …
    const p2 = await two.newPage();
    await p2.goto('/category/running');
    await expect(p2.locator(PROMO)).not.toHaveAttribute('data-wm-filled', /.+/);
    await flushWithSentinel(p2);
    // … and signs in as the same user.
    await p2.evaluate((u) => window.wm('identify', u, { plan: 'pro' }), user);
    const merged = await waitForProfile(p2.request, (p) => p.userId === user && (p.linkedVisitors?.length ?? 0) === 2, 'device 2 linked');

    // One profile, both histories, read from either device; each keeps its own cookie.
    const fromOne = await readProfile(p1.request);
    expect(fromOne.status, fromOne.text).toBe(200);
    const ids = (events: { id: string }[]) => events.map((e) => e.id).sort();
    expect(ids(fromOne.profile!.events)).toEqual(ids(merged.events));
    const pages = eventsOf(merged, 'page').map((e) => pathOf(e.url));
    expect(pages).toEqual(expect.arrayContaining(['/product/summit-30-daypack', '/category/running']));
    expect(eventsOf(merged, 'track', 'add_to_cart')).toHaveLength(1);
    expect(eventsOf(merged, 'identify')).toHaveLength(2);
    expect(merged.traits).toMatchObject({ plan: 'pro' });
    expect(merged.visitorId).not.toBe(fromOne.profile!.visitorId);
    expect(merged.linkedVisitors!.filter((v) => v.current).map((v) => v.id)).toEqual([merged.visitorId.slice(0, 8)]);
    const [token1, token2] = [await visitorToken(one), await visitorToken(two)];
    expect(token1).not.toBe(token2);
    expect(JSON.stringify(merged)).not.toContain(token1);

    // Device 1's cart personalizes device 2's next page, rendered by the worker.
    await p2.goto('/category/hiking');
    await expect(p2.locator(PROMO)).toContainText('Still thinking it over?');

    await lookUpInDashboard(browser, user, merged.visitorId);
  });
});

test('identify is idempotent: calling it again on both devices adds no duplicate data', async ({ browser }) => {
  await twoDevices(browser, async (one, two) => {
    const user = userId();
    const [p1, p2] = await browseAndIdentify(one, two, ['/category/running', '/category/hiking'], user);
    const first = await waitForBothLinked(p1);
    const pageViews = eventsOf(first, 'page').length;

    // Again on both devices (a re-login, a reload that identifies again).
    for (const p of [p1, p2]) await p.evaluate((u) => window.wm('identify', u), user);
    await flushWithSentinel(p1);
    const again = await flushWithSentinel(p2);
    expect(again.linkedVisitors).toHaveLength(2);
    expect(eventsOf(again, 'page')).toHaveLength(pageViews);
    expect(eventsOf(again, 'identify')).toHaveLength(4);
    expect(new Set(again.events.map((e) => e.id)).size).toBe(again.events.length);
  });
});

test('erasing on one device erases the shared profile; the other device starts over', async ({ browser }) => {
  await twoDevices(browser, async (one, two) => {
    const user = userId();
    const [p1, p2] = await browseAndIdentify(one, two, ['/product/stormline-shell', '/category/running'], user);
    const before = await waitForBothLinked(p2);

    const erased = p1.waitForResponse((r) => r.url().includes('/_wm/me') && r.request().method() === 'DELETE');
    await p1.getByRole('button', { name: 'Erase my data' }).click();
    expect((await erased).status()).toBe(200);
    await expect(p1.getByText('Your data was erased.')).toBeVisible();

    // Device 2 still holds its cookie, but it opens nothing any more.
    const read = await readProfile(p2.request);
    expect(read.status, read.text).toBe(401);
    // Its next visit is a new, anonymous visitor without any of the erased history.
    await p2.goto('/category/hiking');
    const after = await waitForProfile(p2.request, (p) => p.eventCount >= 1, 'device 2 starts over');
    expect(after.visitorId).not.toBe(before.visitorId);
    expect(after.userId).toBeNull();
    expect(eventsOf(after, 'page').map((e) => pathOf(e.url))).toEqual(['/category/hiking']);
  });
});
