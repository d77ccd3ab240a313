// Page views: one per real page load, UTM and referrer captured, and SPA navigation counted only
// when the path (or, with data-spa="hash", the hash route) really changes.
import { expect, test } from './support/test';
import { ORIGIN, eventsOf, flushWithSentinel, pathOf } from './support/waymark';

test('home page: exactly one page view with url, title and UTM', async ({ page }) => {
  await page.goto('/?utm_source=newsletter&utm_medium=email&utm_campaign=spring-sale&utm_content=hero');
  const title = await page.title();
  const profile = await flushWithSentinel(page);

  const pages = eventsOf(profile, 'page');
  expect(pages, 'one page view for one page load').toHaveLength(1);
  const view = pages[0]!;
  expect(view.url.startsWith(`${ORIGIN}/`)).toBe(true);
  expect(pathOf(view.url)).toBe('/');
  expect(view.title).toBe(title);
  expect(view.ref ?? '').toBe('');
  expect(view.utm).toEqual({ source: 'newsletter', medium: 'email', campaign: 'spring-sale', content: 'hero' });
});

test('page view carries the referrer and title of a product page', async ({ page }) => {
  await page.goto('/');
  await page.locator('.grid').getByRole('link', { name: 'Tempo Road Racer' }).click();
  await expect(page).toHaveURL(/\/product\/tempo-road-racer$/);
  const profile = await flushWithSentinel(page);

  const pages = eventsOf(profile, 'page');
  expect(pages.map((e) => pathOf(e.url))).toEqual(['/', '/product/tempo-road-racer']);
  expect(pages[1]!.ref).toBe(`${ORIGIN}/`);
  expect(pages[1]!.title).toBe('Tempo Road Racer · Waymark Outfitters');
  expect(pages[1]!.utm ?? {}).toEqual({});
});

test('an in-page #anchor is not a page view without data-spa="hash"', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('link', { name: /Get 10% off/ }).click();
  await expect(page).toHaveURL(/#newsletter$/);
  const profile = await flushWithSentinel(page);
  expect(eventsOf(profile, 'page')).toHaveLength(1);
});

test('SPA: pushState and popstate count, replaceState on the same path does not', async ({ page }) => {
  await page.goto('/spa');
  const tabs = page.getByRole('navigation', { name: 'Planner' });

  await tabs.getByRole('link', { name: 'Gear list' }).click(); // pushState /spa/gear: +1
  await expect(page).toHaveURL(/\/spa\/gear$/);
  await page.getByRole('button', { name: 'Save draft' }).click(); // replaceState, same URL: 0
  await expect(page.getByText('Draft saved.')).toBeVisible();
  await page.getByLabel('Sort by').selectOption('price'); // replaceState, query only: 0
  await expect(page).toHaveURL(/\/spa\/gear\?sort=price$/);
  await tabs.getByRole('link', { name: 'Review' }).click(); // pushState /spa/checkout: +1
  await expect(page).toHaveURL(/\/spa\/checkout$/);
  await page.goBack(); // popstate back to /spa/gear?sort=price: +1
  await expect(page).toHaveURL(/\/spa\/gear\?sort=price$/);
  await expect(page.getByRole('heading', { name: 'Gear list' })).toBeVisible();

  const profile = await flushWithSentinel(page);
  const pages = eventsOf(profile, 'page');
  expect(pages.map((e) => pathOf(e.url))).toEqual(['/spa', '/spa/gear', '/spa/checkout', '/spa/gear']);
  expect(new Set(pages.map((e) => e.id)).size).toBe(4);
});

test('SPA: the page view has the title the router sets for the new view', async ({ page }) => {
  // Routers set document.title right after pushState (in the same task, or in a render effect).
  await page.goto('/spa');
  await page.getByRole('navigation', { name: 'Planner' }).getByRole('link', { name: 'Review' }).click();
  await expect(page).toHaveTitle(/^Review · Trip planner/);
  const profile = await flushWithSentinel(page);
  const pages = eventsOf(profile, 'page');
  expect(pages.map((e) => e.title)).toEqual(['Overview · Trip planner · Waymark Outfitters', 'Review · Trip planner · Waymark Outfitters']);
});

test('hash router with data-spa="hash": each real route change is one page view', async ({ page }) => {
  await page.goto('/hash');
  const tabs = page.getByRole('navigation', { name: 'Trail guide' });

  await tabs.getByRole('link', { name: 'Ridgeline loop' }).click(); // +1
  await expect(page).toHaveURL(/#\/ridgeline$/);
  await tabs.getByRole('link', { name: 'Ridgeline loop' }).click(); // same route again: 0
  await tabs.getByRole('link', { name: 'Three lakes' }).click(); // +1
  await expect(page).toHaveURL(/#\/lakes$/);
  await page.goBack(); // back to #/ridgeline: +1
  await expect(page).toHaveURL(/#\/ridgeline$/);

  const profile = await flushWithSentinel(page);
  const pages = eventsOf(profile, 'page');
  expect(pages.map((e) => pathOf(e.url))).toEqual(['/hash', '/hash', '/hash', '/hash']);
  expect(pages.map((e) => new URL(e.url).hash)).toEqual(['', '#/ridgeline', '#/lakes', '#/ridgeline']);
});
