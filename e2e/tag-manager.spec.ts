// Tag managers: the Google Tag Manager loader (packages/waymark-snippet/dist/gtm.html, built from
// the same insertTag as the npm package's load()) inserts the Waymark tag with createElement and
// setAttribute, so it works where GTM strips data-* attributes from Custom HTML. The container here
// (e2e/fixtures/gtm/container.js) re-creates the tag's scripts keeping no attribute at all, as GTM
// may. Shown against the real edge: events stored, decisions rendered, queued calls replayed.
import { readFileSync } from 'node:fs';
import { type Page } from '@playwright/test';
import { expect, test } from './support/test';
import { eventsOf, hasTrack, serveFixturesUntouched, waitForProfile } from './support/waymark';

const GTM_TAG = 'packages/waymark-snippet/dist/gtm.html';
const HERO = '[data-wm-slot="hero"]';

/**
 * The fixture as written (proxy mode would inject a tag into it), and the Custom HTML tag as
 * documented, with the demo site's id.
 */
async function serveGtmTag(page: Page) {
  await serveFixturesUntouched(page);
  const tag = readFileSync(GTM_TAG, 'utf8');
  expect(tag).toContain('{ site: "YOUR-SITE-ID" }');
  await page.route('**/fixtures/gtm/custom-html.html', (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: tag.replaceAll('YOUR-SITE-ID', 'demo') }),
  );
}

test.describe('Google Tag Manager loader (createElement + setAttribute)', () => {
  test('inserted on DOM Ready: the tag carries its attributes, events reach the edge', async ({ page }) => {
    await serveGtmTag(page);
    await page.goto('/fixtures/tag-manager.html');
    const tag = page.locator('script[src$="/_wm/wm.js"]');
    await expect(tag).toHaveAttribute('data-site', 'demo');
    await page.waitForFunction(() => (window.wm as unknown as { v?: number }).v === 1);
    await page.getByRole('button', { name: 'Track me' }).click();
    const profile = await waitForProfile(page.request, (p) => eventsOf(p, 'page').length >= 1 && hasTrack(p, 'gtm_cta'), 'page view and click');
    expect(eventsOf(profile, 'page')[0]!.url).toContain('/fixtures/tag-manager.html');
  });

  test('inserted after load, with calls the site queued before: they are replayed, and the decision renders', async ({ page }) => {
    await serveGtmTag(page);
    await page.goto('/fixtures/tag-manager.html?queue=1&trigger=late');
    // Loaded, and still no tag: the calls wait in the stub's queue.
    await page.waitForLoadState('load');
    expect(await page.locator('script[src$="/_wm/wm.js"]').count()).toBe(0);
    expect(await page.evaluate(() => (window.wm as unknown as { q: unknown[] }).q.length)).toBe(2);

    await page.waitForFunction(() => (window as unknown as { gtmFired?: boolean }).gtmFired === true);
    const profile = await waitForProfile(page.request, (p) => hasTrack(p, 'queued_before_tag') && eventsOf(p, 'prefs').length >= 1, 'the queued calls');
    expect(eventsOf(profile, 'track', 'queued_before_tag')[0]!.props).toEqual({ by: 'site' });
    // The queued preference put the visitor in the road runners' segment: wm-ui.js fills the slot.
    await expect(page.locator(HERO)).toHaveAttribute('data-wm-filled', 'road-runners');
    await expect(page.locator(HERO)).toContainText('Fast miles on tarmac');
  });

  test('a second insertion (the tag fired twice, or a pasted tag too) adds no second tag', async ({ page }) => {
    await serveGtmTag(page);
    await page.goto('/fixtures/tag-manager.html');
    await page.waitForFunction(() => (window.wm as unknown as { v?: number }).v === 1);
    await page.evaluate(async () => {
      const html = await (await fetch('/fixtures/gtm/custom-html.html')).text();
      const holder = document.createElement('div');
      holder.innerHTML = html;
      const script = document.createElement('script');
      script.text = holder.querySelector('script')!.text;
      document.body.appendChild(script);
    });
    await expect(page.locator('script[src$="/_wm/wm.js"]')).toHaveCount(1);
  });
});
