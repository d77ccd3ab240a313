/**
 * Localized content (docs/localized-content.md) in Chromium:
 *   - snippet mode: wm-ui.js picks the decision's locale by the page's lang, then navigator.language,
 *     sets lang and dir on what it fills, and sends both with GET /_wm/decide; an Arabic variant
 *     and message render right to left (the edge is faked here, as in snippet-mode.spec.ts);
 *   - the demo in proxy mode, against the real edge: a French browser gets the French hero;
 *   - the dashboard: the language switcher edits and saves a French text of a slot variant, and a
 *     message's A/B variant's French text and a survey's French thank-you, which a visitor of a
 *     French page then sees (the real edge, proxy mode).
 * Screenshots go to e2e/artifacts/localized-*.png.
 */
import { type Page } from '@playwright/test';
import { expect, test } from './support/test';
import type { CollectResponse, Decision, MessageDecision, SlotDecision } from '../protocol/wire';
import { newId, ORIGIN, serveFixturesUntouched, waitForProfile } from './support/waymark';
import { AS_BROWSER } from './support/user-agent.mjs';
import { publishDraft } from './support/drafts';

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

test('the message editor gives A/B variant B its French text and the survey a French thank-you; a visitor of a French page sees both', async ({
  page,
  request,
  browser,
}) => {
  test.setTimeout(120_000);
  const run = Date.now().toString(36);
  const id = `distance-${run}`;
  // Only pages whose URL carries this token show the survey, so other specs' visitors never see it.
  const token = `e2e-fr-${run}`;
  // Set up through the admin API, in the draft: a survey whose variant B gets 99% of the traffic.
  const login = await request.post('/_wm/admin/api/login', { data: { password: 'waymark-demo' } });
  const headers = { 'X-WM-CSRF': ((await login.json()) as { csrfToken: string }).csrfToken };
  const survey = {
    name: `Distance survey ${run}`,
    type: 'survey',
    trigger: { on: 'load' },
    urlMatch: { op: 'url_contains', value: token },
    title: 'A quick question',
    body: 'How far do you usually run?',
    survey: {
      pref: 'distance',
      options: [
        { value: 'short', label: 'Up to 10 km' },
        { value: 'long', label: 'Longer' },
      ],
    },
    locales: { fr: { title: 'Une question rapide', body: 'Quelle distance courez-vous ?', options: { short: 'Jusqu’à 10 km', long: 'Plus loin' } } },
    variants: [
      { id: 'a', weight: 1 },
      { id: 'b', weight: 99, title: 'One quick question' },
    ],
    priority: 900,
  };
  expect((await request.put(`/_wm/admin/api/sites/demo/draft/messages/${id}`, { headers, data: survey })).status()).toBe(200);

  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto('/_wm/dashboard/');
  await page.getByLabel('Password').fill('waymark-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Sites' })).toBeVisible();
  await page.goto(`/_wm/dashboard/#/s/demo/messages/${id}`);

  // Variant 2 (b): a French text of its own, with the language switcher of the slot editor.
  const b = page.getByRole('group', { name: 'Variant 2', exact: true });
  const bLanguages = b.getByRole('group', { name: 'Variant 2: languages' });
  await b.getByLabel('Variant 2: add a language').fill('fr');
  await bLanguages.getByRole('button', { name: 'Add language' }).click();
  await expect(bLanguages.getByRole('button', { name: 'fr', exact: true })).toHaveAttribute('aria-pressed', 'true');
  const bTitle = b.getByLabel('Variant 2 title (fr)');
  // Empty, a field shows what a visitor would get: here the message's French title.
  await expect(b.getByText('Empty: falls back to the message’s fr text, “Une question rapide”')).toBeVisible();
  await bTitle.fill('Une petite question pour vous');
  await b.getByLabel('Variant 2 body (fr)').fill('Combien de kilomètres courez-vous par semaine ?');
  // The live preview shows variant 2 in French.
  const preview = page.getByRole('complementary', { name: 'Live preview' });
  const previewed = preview.frameLocator('iframe[src*="wm_preview=1"]').locator(`[data-wm-message="${id}"] .w`);
  await expect(previewed).toContainText('Une petite question pour vous', { timeout: 20_000 });
  await expect(previewed).toContainText('Combien de kilomètres');
  await expect(previewed).toHaveAttribute('lang', 'fr');
  // The previewed survey is a dialog, yet it leaves the focus in the field being typed in.
  await expect(b.getByLabel('Variant 2 body (fr)')).toBeFocused();

  // The survey's thank-you, in French (Content → fr).
  await page.getByRole('group', { name: 'Content: languages' }).getByRole('button', { name: 'fr', exact: true }).click();
  const thanks = page.getByLabel('Thank-you (fr)');
  await expect(page.getByText('Empty: falls back to “Thanks for your answer!”')).toBeVisible();
  await thanks.fill('Merci pour votre réponse !');

  // A French button with no link to fall back to is refused at its field, in its language.
  await b.getByLabel('Variant 2 button text (fr)').fill('Voir');
  await bLanguages.getByRole('button', { name: 'Default' }).click();
  await page.getByRole('button', { name: 'Save message' }).click();
  await expect(b.locator('.field.invalid').filter({ hasText: 'Variant 2 button link (fr)' })).toContainText(
    'a localized call to action needs a link when the message has none',
  );
  await expect(bLanguages.getByRole('button', { name: 'fr', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await shot(page, 'variant-editor');
  await b.getByLabel('Variant 2 button text (fr)').fill('');
  await page.getByRole('button', { name: 'Save message' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  const draft = await (await page.request.get('/_wm/admin/api/sites/demo/draft')).json();
  const saved = draft.site.messages.find((m: { id: string }) => m.id === id);
  expect(saved.variants[1].locales).toEqual({ fr: { title: 'Une petite question pour vous', body: 'Combien de kilomètres courez-vous par semaine ?' } });
  expect(saved.locales.fr.thanks).toBe('Merci pour votre réponse !');
  expect(saved).not.toHaveProperty('thanks');
  await publishDraft(page);
  // The edge reads a published config within its cache time (edge/src/config/site-store.ts): wait
  // until it chooses the survey for a page with the token.
  const pageUrl = `${ORIGIN}/?from=${token}`;
  const asPage = { origin: ORIGIN, ...AS_BROWSER };
  const event = { id: newId(), ts: Date.now(), sid: `session-${run}`, url: pageUrl, ref: '', title: 'Home', type: 'page' };
  await request.post('/_wm/e', { headers: { 'content-type': 'text/plain', ...asPage }, data: JSON.stringify({ site: 'demo', events: [event] }) });
  await expect
    .poll(async () => (await request.get(`/_wm/decide?site=demo&url=${encodeURIComponent(pageUrl)}`, { headers: asPage })).text(), { timeout: 20_000 })
    .toContain(`"${id}"`);

  // A visitor of a French page (<html lang="fr">; the browser itself is English): variant B in
  // French, then the French thank-you. Variant A (1%) means another new visitor.
  let visitor: Page | undefined;
  for (let attempt = 0; attempt < 4 && !visitor; attempt++) {
    const context = await browser.newContext({ locale: 'en-US', baseURL: test.info().project.use.baseURL! });
    const tab = await context.newPage();
    await tab.route(
      (url) => url.pathname === '/' && url.search.includes(token),
      async (route) => {
        const response = await route.fetch();
        const html = (await response.text()).replace(/<html([^>]*?) lang="[^"]*"/, '<html$1 lang="fr"');
        await route.fulfill({ response, body: html });
      },
    );
    await tab.goto(`/?from=${token}`);
    await expect(tab.locator('html')).toHaveAttribute('lang', 'fr');
    const dialog = tab.locator(`[data-wm-message="${id}"] [role="dialog"]`);
    await expect(dialog).toBeVisible({ timeout: 20_000 });
    if ((await dialog.textContent())?.includes('Une question rapide')) await context.close();
    else visitor = tab;
  }
  expect(visitor, 'variant B within 4 visitors').toBeDefined();
  const dialog = visitor!.locator(`[data-wm-message="${id}"] [role="dialog"]`);
  await expect(dialog).toContainText('Une petite question pour vous');
  await expect(dialog).toContainText('Combien de kilomètres courez-vous par semaine ?');
  await expect(dialog.getByRole('button', { name: 'Plus loin' })).toBeVisible();
  await expect(visitor!.locator(`[data-wm-message="${id}"] .w`)).toHaveAttribute('lang', 'fr');
  await visitor!.screenshot({ path: 'e2e/artifacts/localized-variant.png', animations: 'disabled' });
  await dialog.getByRole('button', { name: 'Plus loin' }).click();
  await expect(dialog).toContainText('Merci pour votre réponse !');
  await visitor!.screenshot({ path: 'e2e/artifacts/localized-thanks.png', animations: 'disabled' });
  await visitor!.context().close();
});
