// Google Consent Mode v2 (data-cmp="gcm"): wm-consent.js reads the gtag consent commands on the
// dataLayer ('default' is the site's default, an 'update' is the visitor's choice) and follows later
// ones through dataLayer.push, also after a gtag.js-style library wrapped push. analytics_storage →
// analytics, personalization_storage → personalization (snippet/consent-platforms/map.ts).
import { expect, test } from './support/test';
import { consentPlatformSuite } from './support/cmp';

const all = { analytics_storage: 'granted', personalization_storage: 'granted', ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' };
consentPlatformSuite({
  name: 'gcm',
  all,
  // Ads granted too: they are not read.
  analyticsOnly: { analytics_storage: 'granted', personalization_storage: 'denied', ad_storage: 'granted', ad_personalization: 'granted' },
  none: { analytics_storage: 'denied', personalization_storage: 'denied', ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied' },
});

test('the dataLayer keeps working for gtag: every push is still stored and seen by the library that wrapped push', async ({ page }) => {
  await page.goto('/fixtures/cmp/gcm.html');
  await expect(page.locator('script[src$="/_wm/wm-consent.js"]')).toHaveCount(1);
  await page.waitForFunction(() => typeof (window as unknown as { gtagProcessed?: number }).gtagProcessed === 'number');
  const before = await page.evaluate(() => [
    (window as unknown as { dataLayer: unknown[] }).dataLayer.length,
    (window as unknown as { gtagProcessed: number }).gtagProcessed,
  ]);
  const returned = await page.evaluate(() => (window as unknown as { dataLayer: unknown[] }).dataLayer.push({ event: 'purchase' }, { event: 'other' }));
  const after = await page.evaluate(() => [
    (window as unknown as { dataLayer: unknown[] }).dataLayer.length,
    (window as unknown as { gtagProcessed: number }).gtagProcessed,
  ]);
  expect(returned).toBe(before[0]! + 2);
  expect(after).toEqual([before[0]! + 2, before[1]! + 2]);
});
