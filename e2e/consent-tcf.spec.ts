// IAB TCF 2.2 (data-cmp="tcf"): wm-consent.js registers one __tcfapi('addEventListener', 2, …)
// listener; a choice is eventStatus 'tcloaded' (stored) or 'useractioncomplete'. Purposes 1 + 8 →
// analytics, 1 + 5 + 6 → personalization (snippet/consent-platforms/map.ts); gdprApplies false
// leaves the site's policy in charge and removes the listener.
import { expect, test } from './support/test';
import { consentPlatformSuite } from './support/cmp';
import { eventsOf, hasTrack, waitForProfile, watchCollect } from './support/waymark';

consentPlatformSuite({
  name: 'tcf',
  all: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
  // Every measurement purpose and the ad profiles (3, 4), but not the content profiles (5, 6).
  analyticsOnly: [1, 3, 4, 7, 8, 9, 10],
  none: [],
});

test('gdprApplies false: no choice is sent (the opt-in policy keeps holding events) and the listener is removed', async ({ page, context }) => {
  const log = watchCollect(context);
  await page.goto('/fixtures/cmp/tcf.html?gdpr=0');
  await expect(page.locator('script[src$="/_wm/wm-consent.js"]')).toHaveCount(1);
  await page.waitForFunction(() => Object.keys((window as unknown as { tcfListeners: object }).tcfListeners).length === 0 && typeof window.wm === 'function');
  await page.getByRole('button', { name: 'Track me' }).click();
  await page.waitForTimeout(1_500);
  expect(log.calls).toHaveLength(0);
  expect(await page.evaluate(() => localStorage.getItem('wm_consent'))).toBeNull();
});

test('data-cmp="auto" finds the TCF API and follows it', async ({ page }) => {
  await page.goto('/fixtures/cmp/tcf-auto.html');
  await expect(page.locator('script[src$="/_wm/wm-consent.js"]')).toHaveCount(1);
  await page.getByRole('button', { name: 'Track me' }).click();
  await page.evaluate(() => window.cmpTest.choose([1, 8]));
  const profile = await waitForProfile(page.request, (p) => hasTrack(p, 'cmp_cta'), 'the held click');
  expect(profile.consent).toMatchObject({ analytics: true, personalization: false });
  expect(eventsOf(profile, 'page')).toHaveLength(1);
});
