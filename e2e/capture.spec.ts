// Declarative capture: data-wm-track clicks, data-wm-pref choices (zero-party) and data-wm-form
// submits, which must never carry passwords, hidden inputs or card details.
import { type Page } from '@playwright/test';
import { expect, test } from './support/test';
import { eventsOf, flushWithSentinel, hasTrack, waitForProfile } from './support/waymark';

/**
 * Waits for the page's `form_submit`, checks it names `form`, and returns the visitor's profile
 * and the submitted field names as JSON (for not-toContain checks).
 */
async function formSubmitted(page: Page, form: string) {
  const profile = await waitForProfile(page.request, (p) => hasTrack(p, 'form_submit'), 'form_submit should arrive');
  const [submit] = eventsOf(profile, 'track', 'form_submit');
  expect(submit!.props?.['form']).toBe(form);
  return { profile, fields: JSON.stringify(submit!.props?.['fields'] ?? null) };
}

test('data-wm-track click arrives with its data-wm-props', async ({ page }) => {
  await page.goto('/product/ridgeline-trail-runner');
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await expect(page.locator('[data-cart-count]')).toHaveText('1'); // the shop itself still works
  await page.getByRole('button', { name: 'Save to wishlist' }).click();

  const profile = await waitForProfile(
    page.request,
    (p) => hasTrack(p, 'add_to_cart') && hasTrack(p, 'wishlist_add'),
    'add_to_cart and wishlist_add should arrive',
  );
  const [add] = eventsOf(profile, 'track', 'add_to_cart');
  expect(add).toMatchObject({ props: { sku: 'WM-TR-01', price: 139, category: 'running' } });
  expect(add!.url).toMatch(/\/product\/ridgeline-trail-runner$/);
  expect(eventsOf(profile, 'track', 'wishlist_add')[0]).toMatchObject({ props: { sku: 'WM-TR-01' } });

  const after = await flushWithSentinel(page);
  expect(eventsOf(after, 'track', 'add_to_cart'), 'one click, one event').toHaveLength(1);
});

test('data-wm-pref choice becomes a zero-party preference', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('I am training for').selectOption('trail');

  const profile = await waitForProfile(page.request, (p) => p.prefs['sport'] === 'trail', 'prefs.sport should be trail');
  expect(profile.prefs).toEqual({ sport: 'trail' });
  const prefs = eventsOf(profile, 'prefs');
  expect(prefs).toHaveLength(1);
  expect(prefs[0]).toMatchObject({ prefs: { sport: 'trail' } });

  await page.getByLabel('I am training for').selectOption('ultra');
  await waitForProfile(page.request, (p) => p.prefs['sport'] === 'ultra', 'a new choice replaces the old one');
});

test('wm-more.js loads only with choices or forms; a choice a page adds later is held until it runs', async ({ page }) => {
  const more: string[] = [];
  page.on('request', (r) => void (new URL(r.url()).pathname === '/_wm/wm-more.js' && more.push(r.url())));
  // A product page has no data-wm-pref or data-wm-form: its visitors never download the field rules.
  await page.goto('/product/ridgeline-trail-runner');
  await waitForProfile(page.request, (p) => eventsOf(p, 'page').length > 0, 'the page view should arrive');
  expect(more, 'no wm-more.js without choices or forms').toHaveLength(0);

  // An SPA view adds a choice; its first change reaches wm.js before wm-more.js exists.
  await page.evaluate(() => {
    const s = document.body.appendChild(document.createElement('select'));
    s.setAttribute('data-wm-pref', 'sport');
    s.setAttribute('aria-label', 'Sport (added later)');
    for (const v of ['', 'road']) s.appendChild(document.createElement('option')).value = v;
  });
  await page.getByLabel('Sport (added later)').selectOption('road');
  const profile = await waitForProfile(page.request, (p) => p.prefs['sport'] === 'road', 'the held change should arrive');
  expect(eventsOf(profile, 'prefs'), 'held once, sent once').toHaveLength(1);
  expect(more, 'loaded once, on demand').toHaveLength(1);
});

test('newsletter form submit arrives without the password or hidden fields', async ({ page }) => {
  const password = 'Tr41l-Secret-Pa55word!';
  const hiddenValue = 'promo-9f3c1a77e2';
  await page.goto('/');
  await page.getByLabel('Email').fill('runner.e2e@example.com');
  await page.getByLabel('Account password (optional)').fill(password);
  await page.getByRole('button', { name: 'Subscribe' }).click();
  await expect(page.getByText('Thanks! Check your inbox to confirm.')).toBeVisible();

  const { profile, fields } = await formSubmitted(page, 'newsletter');
  expect(fields, 'the email field is captured').toContain('email');
  expect(fields).not.toContain('password');
  expect(fields).not.toContain('promo_token');

  const everything = JSON.stringify(profile);
  expect(everything).not.toContain(password);
  expect(everything).not.toContain(hiddenValue);
});

test('card details, passwords and hidden inputs never leave the page (forms fixture)', async ({ page }) => {
  const secrets = {
    account_password: 'Fixture-Pa55-0xC0FFEE',
    card_number: '4242424242424242',
    card_expiry: '12/34',
    card_cvc: '737',
    csrf_token: 'csrf-8c1d5e0b44a7',
  };
  await page.goto('/fixtures/forms.html');
  await page.getByLabel('Name').fill('Ada Runner');
  await page.getByLabel('Email').fill('ada@example.com');
  await page.getByLabel('Plan').selectOption('pro');
  await page.getByLabel('Password').fill(secrets.account_password);
  await page.getByLabel('Card number').fill(secrets.card_number);
  await page.getByLabel('Expiry').fill(secrets.card_expiry);
  await page.getByLabel('CVC').fill(secrets.card_cvc);
  await page.getByRole('button', { name: 'Pay now' }).click();
  await expect(page.getByText('Submitted.')).toBeVisible();

  const { profile, fields } = await formSubmitted(page, 'checkout');
  expect(fields).toContain('plan');
  const stored = stringsIn(profile);
  for (const [field, value] of Object.entries(secrets)) {
    expect(fields, `field name ${field} is not captured`).not.toContain(field);
    expect(
      stored.filter((s) => s.includes(value)),
      `value of ${field} is not stored`,
    ).toEqual([]);
  }
});

/** Every string (keys and values) inside a JSON value. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...stringsIn(v)]);
  return [];
}
