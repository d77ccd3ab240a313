/**
 * The marketer dashboard (/_wm/dashboard/) against the real admin API and edge: log in, build a
 * segment, give the hero slot a variant for it, and see it as a visitor who matches; edit it and
 * see the change; bad input shows the API's field errors. Screenshots of each main screen go to
 * e2e/artifacts/dashboard-*.png.
 *
 * The new segment also requires ?utm_source=dashboard-e2e, so that specs running in parallel
 * against the same server (personalization.spec.ts picks "road" too) never see this hero.
 */
import { expect, test, type Page } from '@playwright/test';
import { waitForProfile } from './support/waymark';

const shot = (page: Page, name: string) => page.screenshot({ path: `e2e/artifacts/dashboard-${name}.png`, fullPage: true });
const HERO = '[data-wm-slot="hero"]';
const VISIT = '/category/running?utm_source=dashboard-e2e';

test('a marketer builds a segment and a hero for it; a matching visitor sees it, edits show up', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 860 });

  // Static files: /_wm/dashboard and /_wm/dashboard/ both serve the app.
  await page.goto('/_wm/dashboard');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong password.');
  await shot(page, 'login');
  await page.getByLabel('Password').fill('waymark-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();

  // Sites, then the demo.
  await expect(page.getByRole('heading', { name: 'Sites' })).toBeVisible();
  await shot(page, 'sites');
  await page.getByRole('link', { name: /Waymark Outfitters/ }).click();
  await expect(page.getByRole('heading', { name: 'Segments' })).toBeVisible();
  await expect(page.getByRole('row', { name: /Trail runners/ })).toContainText('pref “sport” is one of “trail”, “ultra”');
  await shot(page, 'segments');

  // A session survives a reload (GET /session gives the CSRF token back).
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Segments' })).toBeVisible();

  // New segment: pref sport = road AND utm_source = dashboard-e2e. First without a name.
  await page.getByRole('link', { name: 'New segment' }).click();
  await page.getByLabel('Id').fill('road-runners-2');
  await page.getByLabel('Rule 1: what').selectOption('pref');
  await page.getByLabel('Preference').fill('sport');
  await page.getByLabel('Value').fill('road');
  await page.getByRole('button', { name: 'Add a rule' }).click();
  await page.getByLabel('Rule 2: what').selectOption('utm');
  await page.getByLabel('Value').nth(1).fill('dashboard-e2e');
  await page.getByRole('button', { name: 'Save segment' }).click();
  const nameField = page.locator('.field', { has: page.getByLabel('Name', { exact: true }) });
  await expect(nameField.locator('.field-errors')).toContainText(/too small|>=1/i);
  await page.getByLabel('Name', { exact: true }).fill('Road runners 2');
  await expect(page.locator('.describe-live')).toContainText('pref “sport” is “road” and utm_source is “dashboard-e2e”');
  await page.getByRole('button', { name: 'Save segment' }).click();
  await expect(page.getByRole('status')).toContainText('Saved');
  await expect(page).toHaveURL(/#\/s\/demo\/segments\/road-runners-2$/);
  await shot(page, 'segment-editor');

  // The hero slot: a new variant for the new segment.
  await page.getByRole('link', { name: 'Slots' }).click();
  await expect(page.getByRole('heading', { name: 'Slots' })).toBeVisible();
  await shot(page, 'slots');
  await page.getByRole('link', { name: 'Home and category hero' }).click();
  await page.getByRole('button', { name: 'Add a variant' }).click();
  const variant = page.getByRole('region', { name: 'Variant 4' });
  await variant.getByLabel('Segment').selectOption('road-runners-2');
  await variant.getByLabel('Priority').fill('5000');
  await variant.getByLabel('HTML').fill('<div><h1>Road runners 2 hero</h1><p>Built in the dashboard.</p><img src=x onerror="alert(1)"><script>alert(2)</script></div>');
  // The preview is the sanitized HTML in a frame that can run nothing.
  const preview = variant.locator('iframe.preview');
  await expect(preview).toHaveAttribute('sandbox', '');
  await expect(variant.frameLocator('iframe.preview').locator('h1')).toHaveText('Road runners 2 hero');
  expect(await preview.getAttribute('srcdoc')).not.toMatch(/onerror|<script/);
  await page.getByRole('button', { name: 'Save slot' }).click();
  await expect(variant.locator('.field', { has: page.getByLabel('Priority') }).locator('.field-errors')).toContainText(/too big|<=1000/i);
  await variant.getByLabel('Priority').fill('40');
  await page.getByRole('button', { name: 'Save slot' }).click();
  await expect(page.getByRole('status')).toContainText('Saved');
  await shot(page, 'slot-editor');

  // A visitor who picks "Road running" and came from the campaign sees the new hero.
  const visitorContext = await browser.newContext();
  const visitor = await visitorContext.newPage();
  await visitor.goto('/');
  await visitor.selectOption('[data-wm-pref="sport"]', { label: 'Road running' });
  await waitForProfile(visitor.request, (p) => p.prefs['sport'] === 'road', 'pref road stored');
  const heroText = async () => {
    await visitor.goto(VISIT);
    return visitor.locator(HERO).innerText();
  };
  // The edge caches a site's config for up to 5 s per isolate; each poll is a full page load.
  await expect.poll(heroText, { timeout: 30_000, intervals: [500, 1_000] }).toContain('Road runners 2 hero');

  // Edit the variant: the visitor sees the change.
  await variant.getByLabel('HTML').fill('<div><h1>Road runners 2, edited</h1><p>Changed in the dashboard.</p></div>');
  await expect(variant.frameLocator('iframe.preview').locator('h1')).toHaveText('Road runners 2, edited');
  await page.getByRole('button', { name: 'Save slot' }).click();
  await expect(page.getByRole('status')).toContainText('Saved');
  await expect.poll(heroText, { timeout: 30_000, intervals: [500, 1_000] }).toContain('Road runners 2, edited');
  await visitorContext.close();

  // Deleting a segment a slot still uses is refused, with the reason.
  await page.getByRole('link', { name: 'Segments' }).click();
  await page.getByRole('link', { name: 'Road runners 2' }).click();
  await page.getByRole('button', { name: 'Delete segment…' }).click();
  await page.getByRole('button', { name: 'Yes, delete it' }).click();
  await expect(page.getByRole('alert')).toContainText('Used by');

  // Messages: list and editor with its preview.
  await page.getByRole('link', { name: 'Messages' }).click();
  await expect(page.getByRole('heading', { name: 'Messages' })).toBeVisible();
  await shot(page, 'messages');
  await page.getByRole('link', { name: 'Cart reminder' }).click();
  await expect(page.frameLocator('iframe.preview').locator('.wm-title')).toHaveText('Your cart is waiting');
  await shot(page, 'message-editor');

  // Log out: back to the sign-in screen.
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
});

test('a stale version is refused with “changed by someone else” and a reload', async ({ page }) => {
  await page.goto('/_wm/dashboard/');
  await page.getByLabel('Password').fill('waymark-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.goto('/_wm/dashboard/#/s/demo/messages/training-survey');
  await expect(page.getByLabel('Title', { exact: true })).toHaveValue('Before you go');
  // Someone else saves in the meantime (same session, straight through the API).
  const csrf = (await (await page.request.get('/_wm/admin/api/session')).json()).csrfToken as string;
  const site = (await (await page.request.get('/_wm/admin/api/sites/demo')).json()) as { version: number };
  const res = await page.request.put('/_wm/admin/api/sites/demo/messages/training-survey', {
    headers: { 'X-WM-CSRF': csrf },
    data: { ...(await (await page.request.get('/_wm/admin/api/sites/demo/messages/training-survey')).json()).item, priority: 41, baseVersion: site.version },
  });
  expect(res.status()).toBe(200);
  await page.getByLabel('Priority').fill('42');
  await page.getByRole('button', { name: 'Save message' }).click();
  await expect(page.getByRole('alert')).toContainText('Changed by someone else');
  await page.getByRole('alert').getByRole('button', { name: 'Reload' }).click();
  await expect(page.getByLabel('Priority')).toHaveValue('41');
  await page.getByLabel('Priority').fill('42');
  await page.getByRole('button', { name: 'Save message' }).click();
  await expect(page.getByRole('status')).toContainText('Saved');
});
