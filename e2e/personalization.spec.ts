/**
 * The demo's personalization, end to end in Chromium against the real worker: a stated
 * preference changes the hero on the next page, and a cart left behind brings a reminder.
 * Proxy mode: the worker fills slots in the HTML it serves (no flicker, nothing to wait for).
 * Snippet mode: the same pages served as they are (the site is not proxied; only /_wm/ reaches
 * the worker), and the snippet's UI chunk fills the slots from the edge's decisions.
 */
import { readFileSync } from 'node:fs';
import { type Page } from '@playwright/test';
import { expect, test } from './support/test';
import { waitForProfile } from './support/waymark';

const HERO = '[data-wm-slot="hero"]';

async function chooseSport(page: Page, sport: string) {
  await page.goto('/');
  await page.selectOption('[data-wm-pref="sport"]', sport);
  await waitForProfile(page.request, (p) => p.prefs['sport'] === sport && p.segments.length > 0, `pref ${sport} stored`);
}

test.describe('proxy mode', () => {
  test('a first visit: the page sets no cookie and keeps its defaults; the first batch sets the id', async ({ page, context }) => {
    const batch = page.waitForResponse((r) => new URL(r.url()).pathname === '/_wm/e' && r.request().method() === 'POST');
    const document = await page.goto('/category/running');
    expect(document?.headers()['set-cookie'] ?? '', 'the page itself sets no visitor cookie').not.toMatch(/wm_vid=/);
    await expect(page.locator('html')).toHaveAttribute('data-wm-proxied', '');
    await expect(page.locator(HERO)).not.toHaveAttribute('data-wm-filled', /.*/);
    expect((await batch).status()).toBe(200);
    await expect.poll(async () => (await context.cookies()).some((c) => c.name === 'wm_vid'), { timeout: 10_000 }).toBe(true);
  });

  test('a stated preference is in the next page’s HTML, server-rendered and private', async ({ page }) => {
    await chooseSport(page, 'trail');
    // The raw HTML, before any script runs: the edge already filled the slot.
    const res = await page.request.get('/category/running', { headers: { accept: 'text/html' } });
    expect(res.headers()['cache-control']).toContain('private');
    const html = await res.text();
    expect(html).toContain('data-wm-filled="trail-runners"');
    expect(html).toContain('Dirt, roots and rock');

    await page.goto('/category/running');
    await expect(page.locator(HERO)).toContainText('Dirt, roots and rock');
    await expect(page.locator(HERO)).toHaveAttribute('data-wm-filled', 'trail-runners');

    // A new answer moves the visitor to another segment and another hero.
    await chooseSport(page, 'hiking');
    await page.goto('/category/hiking');
    await expect(page.locator(HERO)).toContainText('Pack light, go far');
  });

  test('a visitor who never answered keeps the default hero', async ({ page }) => {
    await page.goto('/category/running');
    await expect(page.locator(HERO)).not.toHaveAttribute('data-wm-filled', /.+/);
    const html = await (await page.request.get('/category/running', { headers: { accept: 'text/html' } })).text();
    expect(html).not.toContain('data-wm-filled');
  });

  test('add to cart and leave: a reminder on return', async ({ page, context }) => {
    await page.goto('/product/ridgeline-trail-runner');
    await page.click('[data-add-to-cart]');
    await waitForProfile(page.request, (p) => p.segments.some((s) => s.id === 'cart-abandoners'), 'cart-abandoners entered');
    await page.close();
    const back = await context.newPage();
    await back.goto('/category/hiking');
    await expect(back.locator('[data-wm-slot="category-promo"]')).toContainText('Still thinking it over?');
  });
});

test.describe('in-app messages (proxy mode)', () => {
  const leaveThroughTop = (page: Page) =>
    page.evaluate(() => document.documentElement.dispatchEvent(new MouseEvent('mouseout', { bubbles: true, clientX: 300, clientY: -1, relatedTarget: null })));

  test('the exit survey on a product page: the answer becomes a preference and changes the hero', async ({ page }) => {
    await page.goto('/product/tempo-road-racer');
    // The proxied page carries the visitor's messages; wm-ui.js waits for the exit intent.
    await expect(page.locator('script[data-wm-ui]')).toHaveCount(0);
    await waitForProfile(page.request, (p) => p.messages.some((m) => m.id === 'training-survey'), 'survey decided');
    // The edge is slow now: the embedded block alone must be enough (no round trip).
    let collectAnswered = false;
    await page.route('**/_wm/e', async (route) => {
      await new Promise((r) => setTimeout(r, 4_000));
      await route.continue().catch(() => {});
      collectAnswered = true;
    });
    await page.reload();
    await expect(page.locator('script[data-wm-ui]')).toHaveCount(1);
    // wm-ui.js (loaded by wm.js) listens for the exit intent once it has started.
    await page.waitForFunction(() => (window as unknown as { wmUi?: unknown }).wmUi);
    await page.mouse.move(400, 300);
    await leaveThroughTop(page);
    const survey = page.getByRole('dialog', { name: 'Before you go' });
    await expect(survey).toBeVisible({ timeout: 2_000 });
    expect(collectAnswered).toBe(false);
    await page.unroute('**/_wm/e');
    await survey.getByRole('button', { name: 'Trail running' }).click();
    await waitForProfile(page.request, (p) => p.prefs['sport'] === 'trail', 'survey answer stored as a pref');
    await page.goto('/');
    await expect(page.locator(HERO)).toContainText('Dirt, roots and rock');
  });

  test('add to cart and leave: a reminder on the next visit', async ({ page }) => {
    // The visitor's clock says 40 minutes ago: the add_to_cart is as old as if they had left then.
    await page.clock.setSystemTime(Date.now() - 40 * 60_000);
    await page.goto('/product/ridgeline-trail-runner');
    await page.click('[data-add-to-cart]');
    await waitForProfile(page.request, (p) => p.events.some((e) => e.type === 'track' && e.name === 'add_to_cart'), 'cart event stored');
    await page.close();

    const back = await page.context().newPage();
    await back.goto('/');
    // Either A/B variant's headline (the visitor's bucket decides which).
    const toast = back.getByRole('status', { name: /Your cart is waiting|Still thinking it over\?/ });
    await expect(toast).toBeVisible();
    await expect(toast.getByRole('link', { name: 'View cart' })).toHaveAttribute('href', '/cart');
  });
});

test.describe('snippet mode', () => {
  /** Serve the demo's pages untouched, as a site that only routes /_wm/ to the worker would. */
  async function serveUnproxied(page: Page) {
    await page.route(/\/(category|product)\/[a-z0-9-]+$|\/$/, async (route) => {
      const path = new URL(route.request().url()).pathname;
      const file = path === '/' ? 'dist/public/index.html' : `dist/public${path}.html`;
      await route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: readFileSync(file, 'utf8') });
    });
  }

  test('the snippet fills the slot from the edge’s decision, and from its cache on the next page', async ({ page }) => {
    await serveUnproxied(page);
    await chooseSport(page, 'road');
    await page.goto('/category/running');
    await expect(page.locator(HERO)).toContainText('Fast miles on tarmac');
    await expect(page.locator(HERO)).toHaveAttribute('data-wm-filled', 'road-runners');

    // Next page with the edge slowed down: the cached decision is applied without waiting for it.
    await page.route('**/_wm/decide**', async (route) => {
      await new Promise((r) => setTimeout(r, 2_000));
      await route.continue();
    });
    await page.goto('/category/hiking', { waitUntil: 'domcontentloaded' });
    await expect(page.locator(HERO)).toContainText('Fast miles on tarmac', { timeout: 1_000 });
  });
  test('the exit survey and the cart reminder, shown by wm-ui.js from the edge’s decisions', async ({ page, context }) => {
    await serveUnproxied(page);
    await page.goto('/product/tempo-road-racer');
    await expect(page.locator('html')).not.toHaveAttribute('data-wm-proxied', /.*/);
    // No slots here: wm.js loads wm-ui.js when the page view's answer carries the survey.
    await page.waitForFunction(() => (window as unknown as { wmUi?: unknown }).wmUi);
    await page.mouse.move(400, 300);
    await page.evaluate(() =>
      document.documentElement.dispatchEvent(new MouseEvent('mouseout', { bubbles: true, clientX: 300, clientY: -1, relatedTarget: null })),
    );
    const survey = page.getByRole('dialog', { name: 'Before you go' });
    await survey.getByRole('button', { name: 'Hiking' }).click();
    await waitForProfile(page.request, (p) => p.prefs['sport'] === 'hiking', 'survey answer stored');

    // A cart left 40 minutes ago (the visitor's clock), then a visit to the home page.
    await page.clock.setSystemTime(Date.now() - 40 * 60_000);
    await page.goto('/product/summit-30-daypack');
    await page.click('[data-add-to-cart]');
    await waitForProfile(page.request, (p) => p.events.some((e) => e.type === 'track' && e.name === 'add_to_cart'), 'cart event stored');
    await page.close();
    const back = await context.newPage();
    await serveUnproxied(back);
    await back.goto('/');
    await expect(back.getByRole('status', { name: /Your cart is waiting|Still thinking it over\?/ })).toBeVisible();
    // The survey answer changed the hero too (filled by wm-ui.js here).
    await expect(back.locator(HERO)).toContainText('Pack light, go far');
  });
});
