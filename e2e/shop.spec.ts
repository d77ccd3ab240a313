// The demo shop itself: it works (cart, newsletter), it runs under a strict Content-Security-Policy
// together with the snippet, and screenshots of its main pages land in e2e/artifacts/.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { type Page } from '@playwright/test';
import { expect, test } from './support/test';
import { eventsOf, flushWithSentinel, hasTrack, waitForProfile } from './support/waymark';

const STUB = 'window.wm=window.wm||function(){(wm.q=wm.q||[]).push(arguments)}';
const STUB_HASH = createHash('sha256').update(STUB).digest('base64');
/** Strict: no inline script except the one-line stub (by hash), no eval, no inline styles. */
const CSP = [
  "default-src 'self'",
  `script-src 'self' 'sha256-${STUB_HASH}'`,
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function artifact(name: string): string {
  return join(test.info().project.testDir, 'artifacts', name);
}

/** Serves every document with the strict CSP header and records violations. */
async function enforceCsp(page: Page): Promise<{ violations: string[]; documents: string[] }> {
  const violations: string[] = [];
  const documents: string[] = [];
  await page.exposeFunction('__cspViolation', (v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __cspViolation: (v: string) => void }).__cspViolation(
        `${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`,
      );
    });
  });

  await page.route('**/*', async (route) => {
    if (route.request().resourceType() !== 'document') return route.continue();
    const res = await route.fetch();
    documents.push(new URL(route.request().url()).pathname);
    return route.fulfill({ response: res, headers: { ...res.headers(), 'content-security-policy': CSP } });
  });
  return { violations, documents };
}

test('the shop works and is screenshotted: home, product, cart', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('requestfailed', (r) => {
    // A beacon still in flight when the page navigates away is aborted by the browser, not lost:
    // the snippet resends it from its outbox. Only that case is not an error.
    const beaconAborted = new URL(r.url()).pathname.startsWith('/_wm/') && r.failure()?.errorText === 'net::ERR_ABORTED';
    if (!beaconAborted) errors.push(`request failed: ${r.url()} (${r.failure()?.errorText ?? 'unknown'})`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !new URL(r.url()).pathname.startsWith('/_wm/')) errors.push(`${r.status()} ${r.url()}`);
  });

  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Gear for the long way round' })).toBeVisible();
  await expect(page.locator('[data-wm-slot="hero"]')).toBeVisible();
  await page.screenshot({ path: artifact('home.png'), fullPage: true });

  await page.goto('/category/hiking');
  await expect(page.getByRole('heading', { name: 'Hiking', level: 1 })).toBeVisible();
  await page.screenshot({ path: artifact('category.png'), fullPage: true });

  await page.goto('/product/ridgeline-trail-runner');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.locator('[data-cart-count]')).toHaveText('2');
  await page.screenshot({ path: artifact('product.png'), fullPage: true });

  await page.goto('/product/summit-30-daypack');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByRole('link', { name: /^Cart/ }).click();
  await expect(page).toHaveURL(/\/cart$/);
  const rows = page.locator('[data-cart-items] tr');
  await expect(rows).toHaveCount(2);
  await expect(page.locator('[data-cart-total]')).toHaveText('$367.00'); // 2 × 139 + 89
  await page.screenshot({ path: artifact('cart.png'), fullPage: true });

  await rows.first().getByRole('button', { name: 'Remove' }).click();
  await expect(rows).toHaveCount(1);
  await expect(page.locator('[data-cart-count]')).toHaveText('1');
  await page.getByRole('button', { name: 'Checkout' }).click();

  const profile = await waitForProfile(page.request, (p) => hasTrack(p, 'remove_from_cart') && hasTrack(p, 'checkout_start'), 'cart events');
  expect(eventsOf(profile, 'track', 'add_to_cart')).toHaveLength(3);
  expect(eventsOf(profile, 'track', 'remove_from_cart')).toHaveLength(1);
  expect(errors).toEqual([]);
});

test('the shop and the snippet run under a strict CSP without violations', async ({ page }) => {
  const { violations, documents } = await enforceCsp(page);
  await page.goto('/');
  await page.getByLabel('I am training for').selectOption('road');
  await page.goto('/product/tempo-road-racer');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.locator('[data-cart-count]')).toHaveText('1');
  await page.goto('/cart');
  await expect(page.locator('[data-cart-items] tr')).toHaveCount(1);

  const profile = await flushWithSentinel(page);
  expect(eventsOf(profile, 'page')).toHaveLength(3);
  expect(profile.prefs['sport']).toBe('road');
  expect(hasTrack(profile, 'add_to_cart')).toBe(true);
  expect(documents).toEqual(['/', '/product/tempo-road-racer', '/cart']);
  expect(violations).toEqual([]);

  // Control: the policy is really enforced and violations really are seen.
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.head.appendChild(s);
  });
  await expect.poll(() => violations.length).toBe(1);
  expect(await page.evaluate(() => 'inlineRan' in window || '__inlineRan' in window)).toBe(false);
});
