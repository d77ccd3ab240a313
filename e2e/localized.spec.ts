/**
 * Localized content (docs/localized-content.md) in Chromium:
 *   - snippet mode: wm-ui.js picks the decision's locale by the page's lang, then navigator.language,
 *     sets lang and dir on what it fills, and sends both with GET /_wm/decide; an Arabic variant
 *     and message render right to left (the edge is faked here, as in snippet-mode.spec.ts);
 *   - the demo in proxy mode, against the real edge: a French browser gets the French hero;
 *   - the dashboard: the language switcher edits and saves a French text of a slot variant.
 * Screenshots go to e2e/artifacts/localized-*.png.
 */
import { type Page } from '@playwright/test';
import { expect, test } from './support/test';
import type { CollectResponse, Decision, MessageDecision, SlotDecision } from '../protocol/wire';
import { serveFixturesUntouched, waitForProfile } from './support/waymark';

const SLOTS = '/fixtures/slots.html';
const HERO = 'main > [data-wm-slot="hero"]';
const shot = (page: Page, name: string) => page.screenshot({ path: `e2e/artifacts/localized-${name}.png`, fullPage: true });

const hero: SlotDecision = {
  kind: 'slot',
  id: 'hero',
  segment: 'all',
  why: 'e2e',
  html: '<h2>Spring collection</h2>',
  locales: { fr: '<h2>Collection printemps</h2>', ar: '<h2>مجموعة الربيع</h2>' },
};
const hello: MessageDecision = {
  kind: 'message',
  id: 'hello',
  variant: 'default',
  type: 'banner',
  trigger: { on: 'load' },
  title: 'Welcome',
  body: 'Free returns all spring.',
  priority: 1,
  why: 'e2e',
  locales: { fr: { title: 'Bienvenue', body: 'Retours gratuits tout le printemps.' }, ar: { title: 'أهلا وسهلا', body: 'إرجاع مجاني طوال الربيع.' } },
};

/** Answers the snippet's collect and decide requests with `decisions`; records the decide URLs. */
async function fakeEdge(page: Page, decisions: Decision[]): Promise<URL[]> {
  const decideCalls: URL[] = [];
  await serveFixturesUntouched(page);
  await page.route(
    (url) => url.pathname === '/_wm/e',
    (route) => {
      const body: CollectResponse = { vid: 'e2e-visitor', accepted: [], duplicates: [], rejected: [], decisions };
      return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) }).catch(() => {});
    },
  );
  await page.route(
    (url) => url.pathname === '/_wm/decide',
    (route) => {
      decideCalls.push(new URL(route.request().url()));
      return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ decisions }) }).catch(() => {});
    },
  );
  return decideCalls;
}

/** The banner's text direction and language, from inside its shadow root. */
const bannerLang = (page: Page) =>
  page.locator('[data-wm-message="hello"]').evaluate((host) => {
    const wrap = host.shadowRoot?.querySelector<HTMLElement>('.w');
    return { dir: wrap?.dir, lang: wrap?.lang, text: wrap?.textContent };
  });

test.describe('snippet mode', () => {
  test.use({ locale: 'fr-FR' });

  test('navigator.language picks French on an English page; the decide request carries the page lang and the browser language', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const decideCalls = await fakeEdge(page, [hero, hello]);
    await page.goto(SLOTS);
    await expect(page.locator(HERO)).toHaveText('Collection printemps');
    await expect(page.locator(HERO)).toHaveAttribute('lang', 'fr');
    await expect(page.locator(HERO)).toHaveAttribute('dir', 'ltr');
    await expect.poll(() => bannerLang(page)).toMatchObject({ lang: 'fr', dir: 'ltr', text: expect.stringContaining('Bienvenue') });
    await expect.poll(() => decideCalls.length).toBeGreaterThan(0);
    expect(decideCalls[0]!.searchParams.get('lang')).toBe('en');
    expect(decideCalls[0]!.searchParams.get('nav')).toBe('fr-FR');
    await shot(page, 'snippet-french');
    expect(errors).toEqual([]);
  });

  test('the page lang wins: <html lang="ar"> shows the Arabic variant and message right to left', async ({ page }) => {
    await fakeEdge(page, [hero, hello]);
    await page.addInitScript(() => document.addEventListener('readystatechange', () => document.documentElement.setAttribute('lang', 'ar'), { once: true }));
    await page.goto(SLOTS);
    await expect(page.locator(HERO)).toHaveText('مجموعة الربيع');
    await expect(page.locator(HERO)).toHaveAttribute('dir', 'rtl');
    await expect(page.locator(HERO)).toHaveAttribute('lang', 'ar');
    await expect.poll(() => bannerLang(page)).toMatchObject({ lang: 'ar', dir: 'rtl' });
    // Right to left on screen: the heading hugs the slot's right edge.
    const [slotBox, textBox] = await Promise.all([
      page.locator(HERO).boundingBox(),
      page.locator(`${HERO} h2`).evaluate((h) => {
        const r = document.createRange();
        r.selectNodeContents(h);
        const b = r.getBoundingClientRect();
        return { x: b.x, width: b.width };
      }),
    ]);
    expect(Math.abs(slotBox!.x + slotBox!.width - (textBox.x + textBox.width))).toBeLessThan(40);
    await shot(page, 'snippet-arabic-rtl');
  });
});

test.describe('the demo in French (proxy mode, the real edge)', () => {
  test.use({ locale: 'fr-FR' });

  test('a French browser gets the French hero', async ({ page }) => {
    await page.goto('/');
    await expect(page.locator('html')).toHaveAttribute('data-wm-proxied', '');
    // The first batch creates the profile; the next page is decided for it.
    await waitForProfile(page.request, (p) => p.events.length > 0, 'first page stored');
    await page.reload();
    const demoHero = page.locator('[data-wm-slot="hero"]');
    await expect(demoHero).toHaveAttribute('data-wm-filled', 'french-speakers');
    await expect(demoHero).toHaveAttribute('lang', 'fr');
    await expect(demoHero.locator('h1')).toHaveText('Du matériel pour le long chemin');
    await shot(page, 'demo-french-hero');
  });
});

test('the dashboard’s language switcher edits and saves a French text of a slot variant', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/_wm/dashboard/');
  await page.getByLabel('Password').fill('waymark-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Sites' })).toBeVisible();
  await page.goto('/_wm/dashboard/#/s/demo/slots/category-promo');
  const variant = page.getByRole('region', { name: 'Variant 1' });
  const languages = variant.getByRole('group', { name: 'Variant 1: languages' });
  await expect(languages.getByRole('button', { name: 'fr', exact: true })).toBeVisible();
  await languages.getByRole('button', { name: 'fr', exact: true }).click();
  const html = variant.getByLabel('HTML');
  await expect(html).toHaveValue(/Vous hésitez encore/);
  const text = `<h3>Toujours en réflexion ? ${Date.now()}</h3><p>Votre panier est gardé.</p>`;
  await html.fill(text);
  await expect(variant.frameLocator('iframe').locator('h3')).toContainText('Toujours en réflexion');

  // A new language starts as a copy of the default, and is saved with the rest.
  await variant.getByLabel('Variant 1: add a language').fill('ar');
  await languages.getByRole('button', { name: 'Add language' }).click();
  await expect(languages.getByRole('button', { name: 'ar · RTL' })).toHaveAttribute('aria-pressed', 'true');
  await html.fill('<h3>هل ما زلت تفكر؟</h3>');
  await shot(page, 'dashboard-switcher');
  await page.getByRole('button', { name: 'Save slot' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();

  // Saved to the site's draft (docs/drafts-and-versions.md), not live: read it there.
  const draft = await (await page.request.get('/_wm/admin/api/sites/demo/draft')).json();
  const saved = draft.site.slots.find((slot: { id: string }) => slot.id === 'category-promo');
  expect(saved.variants[0].locales.fr).toEqual({ type: 'html', html: text });
  expect(saved.variants[0].locales.ar).toEqual({ type: 'html', html: '<h3>هل ما زلت تفكر؟</h3>' });
  // The default content is untouched.
  expect(saved.variants[0].content.html).toContain('Still thinking it over?');
});
