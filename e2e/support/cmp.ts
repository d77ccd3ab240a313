/**
 * The consent-platform specs (e2e/consent-{gcm,tcf,onetrust,cookiebot}.spec.ts) share these three
 * scenarios. Each page is an opt-in site whose tag says data-cmp="<platform>", with a stand-in for
 * the platform's published JavaScript API (e2e/fixtures/cmp/<platform>.js). `window.cmpTest.choose`
 * is the visitor choosing in the platform's banner, given in the platform's own terms (purposes,
 * groups, consent types); nothing in the scenarios calls wm('consent') itself: only wm-consent.js does.
 */
import { type Page } from '@playwright/test';
import { expect, test } from './test';
import type { ConsentState } from '../../protocol/wire';
import { eventsOf, hasTrack, readProfile, waitForProfile, watchCollect } from './waymark';

declare global {
  interface Window {
    cmpTest: { choose(choice: unknown): void };
  }
}

/** The time a page gets to (wrongly) send something before we check that it did not. */
const QUIET_MS = 1_500;

export type PlatformScenario = {
  /** data-cmp value and fixture name. */
  name: 'gcm' | 'tcf' | 'onetrust' | 'cookiebot';
  /** The visitor's choices in the platform's terms, and what Waymark must make of them. */
  all: unknown;
  analyticsOnly: unknown;
  none: unknown;
};

const choose = (page: Page, choice: unknown) => page.evaluate((c) => window.cmpTest.choose(c), choice);

/** The page is up and wm-consent.js has run (its script ran: the platform is being read). */
async function open(page: Page, path: string) {
  await page.goto(path);
  await ready(page);
}

/** The visitor follows the link to the same page (a new document: the platform replays its stored choice). */
async function next(page: Page) {
  await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'The same page again' }).click()]);
  await ready(page);
}

async function ready(page: Page) {
  await page.waitForFunction(() => typeof window.wm === 'function' && (window.wm as { v?: number }).v === 1);
  await expect(page.locator('script[src$="/_wm/wm-consent.js"]')).toHaveCount(1);
  await page.waitForLoadState('load');
}

const stored = (consent: ConsentState | null | undefined) => (consent ? { analytics: consent.analytics, personalization: consent.personalization } : consent);

export function consentPlatformSuite(platform: PlatformScenario) {
  const path = `/fixtures/cmp/${platform.name}.html`;

  test.describe(`consent platform "${platform.name}" (data-cmp, wm-consent.js)`, () => {
    test('given: nothing leaves the page while the banner is open; held events reach the edge once the visitor agrees', async ({ page, context }) => {
      const log = watchCollect(context);
      await open(page, path);
      await page.getByRole('button', { name: 'Track me' }).click();
      await page.waitForTimeout(QUIET_MS);
      expect(log.calls, 'no request to /_wm/e before a choice').toHaveLength(0);
      expect((await readProfile(page.request)).status).toBe(401);

      await choose(page, platform.all);
      const profile = await waitForProfile(page.request, (p) => eventsOf(p, 'page').length >= 1 && hasTrack(p, 'cmp_cta'), 'the held page view and click');
      expect(stored(profile.consent)).toEqual({ analytics: true, personalization: true });
      expect(eventsOf(profile, 'page')).toHaveLength(1);
      expect(eventsOf(profile, 'track', 'cmp_cta')).toHaveLength(1);
    });

    test('refused: nothing is sent or stored, on this page or the next', async ({ page, context }) => {
      const log = watchCollect(context);
      await open(page, path);
      await page.getByRole('button', { name: 'Track me' }).click();
      await choose(page, platform.none);
      await page.getByRole('button', { name: 'Track me' }).click();
      await page.waitForTimeout(QUIET_MS);
      await next(page);
      await page.waitForTimeout(QUIET_MS);

      expect(
        log.calls.flatMap((c) => c.batch?.events ?? []),
        'no event sent at all',
      ).toEqual([]);
      const read = await readProfile(page.request);
      expect(read.status, read.text).toBe(401);
    });

    test('opt-out site: collected before any choice; a refusal stops it, a later yes starts it again', async ({ page, context }) => {
      const log = watchCollect(context);
      await open(page, `/fixtures/cmp/${platform.name}-opt-out.html`);
      let profile = await waitForProfile(page.request, (p) => eventsOf(p, 'page').length >= 1, 'the page view, before any choice');
      expect(profile.consent).toBeNull();

      await choose(page, platform.none);
      const sentBefore = log.calls.length;
      await page.evaluate(() => window.wm('track', 'while_refused'));
      await page.waitForTimeout(QUIET_MS);
      expect(
        log.calls.slice(sentBefore).flatMap((c) => c.batch?.events ?? []),
        'nothing sent after the refusal',
      ).toEqual([]);

      await choose(page, platform.all);
      await page.evaluate(() => window.wm('track', 'after_yes'));
      profile = await waitForProfile(page.request, (p) => hasTrack(p, 'after_yes'), 'the event after the yes');
      expect(stored(profile.consent)).toEqual({ analytics: true, personalization: true });
      expect(hasTrack(profile, 'while_refused')).toBe(false);
    });

    test('changed later: each change reaches the edge once, a returning page sends none, a withdrawal stops storage', async ({ page, context }) => {
      const log = watchCollect(context);
      await open(page, path);
      await choose(page, platform.analyticsOnly);
      let profile = await waitForProfile(page.request, (p) => eventsOf(p, 'page').length >= 1, 'the page view after analytics-only consent');
      expect(stored(profile.consent)).toEqual({ analytics: true, personalization: false });

      // Next page: the platform reports the stored choice again; it is not a change, so no consent event.
      await next(page);
      await page.getByRole('button', { name: 'Track me' }).click();
      profile = await waitForProfile(page.request, (p) => hasTrack(p, 'cmp_cta') && eventsOf(p, 'page').length >= 2, 'second page and click');
      expect(eventsOf(profile, 'consent')).toHaveLength(1);

      await choose(page, platform.all);
      profile = await waitForProfile(page.request, (p) => p.consent?.personalization === true, 'personalization granted later');
      expect(stored(profile.consent)).toEqual({ analytics: true, personalization: true });
      expect(eventsOf(profile, 'consent')).toHaveLength(2);

      // Withdrawal: nothing more leaves the browser, on this page or the next.
      await choose(page, platform.none);
      const sentBefore = log.calls.length;
      await page.evaluate(() => window.wm('track', 'after_withdrawal'));
      await next(page);
      await page.getByRole('button', { name: 'Track me' }).click();
      await page.waitForTimeout(QUIET_MS);
      expect(
        log.calls.slice(sentBefore).flatMap((c) => c.batch?.events ?? []),
        'nothing sent after the withdrawal',
      ).toEqual([]);
      const after = await readProfile(page.request);
      expect(after.status, after.text).toBe(200);
      expect(hasTrack(after.profile!, 'after_withdrawal')).toBe(false);
      expect(eventsOf(after.profile!, 'page')).toHaveLength(2);
      expect(eventsOf(after.profile!, 'track', 'cmp_cta')).toHaveLength(1);
    });
  });
}
