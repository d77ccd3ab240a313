// Consent: Global Privacy Control is honoured by default, and with data-consent="opt-in" nothing is
// sent until the visitor decides; events captured while pending are sent on "yes", dropped on "no".
import { type BrowserContext, type Page } from '@playwright/test';
import { expect, test } from './support/test';
import type { CollectResponse } from '../protocol/wire';
import { VISITOR_COOKIE } from '../protocol/limits';
import { eventsOf, hasTrack, readProfile, waitForProfile, watchCollect, type CollectReply } from './support/waymark';

/** The time a page gets to (wrongly) send something before we check that it did not. */
const QUIET_MS = 2_000;

async function hasVisitorCookie(context: BrowserContext): Promise<boolean> {
  return (await context.cookies()).some((c) => c.name === VISITOR_COOKIE);
}

/** The profile of this browser is absent (401) or empty. */
async function expectNothingStored(page: Page) {
  const read = await readProfile(page.request);
  if (read.status === 200) {
    expect(read.profile!.eventCount, read.text).toBe(0);
    expect(read.profile!.events, read.text).toEqual([]);
  } else {
    expect(read.status, read.text).toBe(401);
  }
}

/** Every 200 from /_wm/e stored nothing and said why. */
function expectNothingAccepted(replies: CollectReply[]) {
  for (const r of replies) {
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const body = r.body as CollectResponse;
    expect(body.accepted, JSON.stringify(body)).toEqual([]);
    expect(body.notStored, JSON.stringify(body)).toBe('consent');
  }
}

test.describe('Global Privacy Control', () => {
  test.use({ extraHTTPHeaders: { 'Sec-GPC': '1' } });
  test.beforeEach(async ({ context }) => {
    await context.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });
    });
  });

  test('with GPC on, browsing stores nothing and sets no cookie', async ({ page, context }) => {
    const log = watchCollect(context);
    await page.goto('/');
    expect(await page.evaluate(() => (navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl)).toBe(true);
    await page.getByLabel('I am training for').selectOption('road');
    await page.locator('.grid').getByRole('link', { name: 'Ridgeline Trail Runner' }).click();
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.waitForTimeout(QUIET_MS);
    await page.goto('/cart'); // pagehide of the product page, and a next-load flush
    await page.waitForTimeout(QUIET_MS);

    expectNothingAccepted(log.replies);
    expect(await hasVisitorCookie(context), 'no wm_vid cookie').toBe(false);
    await expectNothingStored(page);
  });

  test('with GPC on, an explicit opt-in is honoured', async ({ page }) => {
    await page.goto('/product/stormline-shell');
    await page.evaluate(() => window.wm('consent', { analytics: true, personalization: false }));
    await page.getByRole('button', { name: 'Add to cart' }).click();

    const profile = await waitForProfile(page.request, (p) => hasTrack(p, 'add_to_cart'), 'add_to_cart after consent');
    expect(profile.consent).toMatchObject({ analytics: true, personalization: false });
  });
});

test.describe('opt-in policy (data-consent="opt-in")', () => {
  test('nothing is sent before consent; pending events are delivered once granted', async ({ page, context }) => {
    const log = watchCollect(context);
    await page.goto('/fixtures/opt-in.html');
    await page.getByRole('button', { name: 'Track me' }).click();
    await page.waitForTimeout(QUIET_MS);

    expect(log.calls, 'no request to /_wm/e while consent is pending').toHaveLength(0);
    expect(await hasVisitorCookie(context)).toBe(false);
    await expectNothingStored(page);

    await page.evaluate(() => window.wm('consent', { analytics: true, personalization: true }));
    const profile = await waitForProfile(
      page.request,
      (p) => eventsOf(p, 'page').length >= 1 && hasTrack(p, 'optin_cta'),
      'the page view and the click captured while pending',
    );
    expect(eventsOf(profile, 'page')).toHaveLength(1);
    expect(eventsOf(profile, 'track', 'optin_cta')).toHaveLength(1);
    expect(profile.consent).toMatchObject({ analytics: true, personalization: true });
    expect(await hasVisitorCookie(context)).toBe(true);
  });

  test('pending events are dropped when consent is denied', async ({ page, context }) => {
    const log = watchCollect(context);
    await page.goto('/fixtures/opt-in.html');
    await page.getByRole('button', { name: 'Track me' }).click();
    await page.evaluate(() => window.wm('consent', { analytics: false, personalization: false }));
    await page.getByRole('button', { name: 'Track me' }).click();
    await page.waitForTimeout(QUIET_MS);
    await page.getByRole('link', { name: 'Another page with the same tag' }).click(); // next load
    await page.waitForTimeout(QUIET_MS);

    // A consent record may be sent, but no page view or click may be stored.
    const sentTypes = log.calls.flatMap((c) => c.batch?.events.map((e) => e.type) ?? []);
    expect(
      sentTypes.filter((t) => t === 'page' || t === 'track'),
      'no page/track event sent',
    ).toEqual([]);
    const read = await readProfile(page.request);
    if (read.status === 200) {
      expect(eventsOf(read.profile!, 'page'), read.text).toEqual([]);
      expect(eventsOf(read.profile!, 'track'), read.text).toEqual([]);
    } else {
      expect(read.status, read.text).toBe(401);
    }
  });
});
