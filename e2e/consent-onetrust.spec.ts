// OneTrust (data-cmp="onetrust"): wm-consent.js reads OnetrustActiveGroups once the banner was
// closed with a choice (OneTrust.IsAlertBoxClosed()), and again on each OptanonWrapper call and
// OneTrust.OnConsentChanged. C0002 (performance) → analytics, C0003 (functional) → personalization
// (snippet/consent-platforms/map.ts); the site's own OptanonWrapper still runs.
import { expect, test } from './support/test';
import { consentPlatformSuite } from './support/cmp';

consentPlatformSuite({
  name: 'onetrust',
  all: ['C0002', 'C0003', 'C0004'],
  // Targeting (C0004) is about ads: it does not give personalization.
  analyticsOnly: ['C0002', 'C0004'],
  none: [],
});

test("the site's own OptanonWrapper is still called on load and on every change", async ({ page }) => {
  await page.goto('/fixtures/cmp/onetrust.html');
  await expect(page.locator('script[src$="/_wm/wm-consent.js"]')).toHaveCount(1);
  await page.waitForFunction(() => (window as unknown as { siteWrapperCalls?: number }).siteWrapperCalls === 1);
  await page.evaluate(() => window.cmpTest.choose(['C0002']));
  expect(await page.evaluate(() => (window as unknown as { siteWrapperCalls: number }).siteWrapperCalls)).toBe(2);
});
