// The content rules in the dashboard, as a marketer meets them (on a fresh site, so no other spec
// is affected): a slot selector naming <script> is refused on its field; an image on another host
// is refused with the rule shown next to the field and the way to allow it; Settings → Content
// hosts allows it; "Everyone" targets a slot variant at every visitor (the Everyone segment is
// created on save) and is the explicit default audience of a message.
import { type Page } from '@playwright/test';
import { expect, test } from './support/test';
import { publishDraft } from './support/drafts';

const RUN = Date.now().toString(36);

async function signIn(page: Page) {
  await page.goto('/_wm/dashboard/');
  await page.getByLabel('Password').fill('waymark-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Sites' })).toBeVisible();
}

const fieldErrors = (page: Page, label: string) => page.locator('.field', { has: page.getByLabel(label, { exact: true }) }).locator('.field-errors');

test('safe targets, content hosts and Everyone in the slot, message and settings editors', async ({ page, request, baseURL }) => {
  test.setTimeout(120_000); // one more step than before: the saved slot is published from the draft
  const site = `rules-${RUN}`;
  const login = await request.post('/_wm/admin/api/login', { data: { password: 'waymark-demo' } });
  const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
  const created = await request.put(`/_wm/admin/api/sites/${site}`, {
    headers: { 'X-WM-CSRF': csrf },
    data: { name: 'Content rules', version: 0, origins: [baseURL], consentPolicy: 'opt-out' },
  });
  expect(created.status()).toBe(200);

  await signIn(page);
  const newSlot = async () => {
    await page.goto(`/_wm/dashboard/#/s/${site}/slots/new`);
    await expect(page.getByRole('heading', { name: 'New slot' })).toBeVisible();
    await page.getByLabel('Name', { exact: true }).fill('Promo');
    await page.getByRole('button', { name: 'Add a variant' }).click();
    const variant = page.getByRole('region', { name: 'Variant 1' });
    await variant.getByLabel('Segment').selectOption({ label: 'Everyone (every visitor)' });
    await variant.getByLabel('Content type').selectOption('image');
    await variant.getByLabel('Image URL').fill('https://cdn.example/promo.png');
    await variant.getByLabel('Alt text').fill('Promo');
    return variant;
  };

  // An unsafe selector: refused on its field, with the reason.
  let variant = await newSlot();
  await page.getByLabel('CSS selector (optional)').fill('main > script');
  // The rule is next to the URL field before anything is saved.
  await expect(variant.locator('.field', { has: page.getByLabel('Image URL') })).toContainText('Other hosts are refused: add them in Settings → Content hosts');
  await page.getByRole('button', { name: 'Save slot' }).click();
  await expect(fieldErrors(page, 'CSS selector (optional)')).toContainText('<script>');
  // A safe selector; the image host is now the refusal, on the image field.
  await page.getByLabel('CSS selector (optional)').fill('#promo');
  await page.getByRole('button', { name: 'Save slot' }).click();
  await expect(variant.locator('.field', { has: page.getByLabel('Image URL') }).locator('.field-errors')).toContainText(
    /image host "cdn.example" is not one of this site’s hosts.*Content hosts/,
  );

  // Settings → Content hosts allows it.
  await page.goto(`/_wm/dashboard/#/s/${site}/settings`);
  await page.getByRole('button', { name: 'Add a content host' }).click();
  await page.getByLabel('Content host 1', { exact: true }).fill('https://cdn.example');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(fieldErrors(page, 'Content host 1')).toContainText('a hostname only');
  await page.getByLabel('Content host 1', { exact: true }).fill('cdn.example');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();

  // Now the slot saves, for Everyone (the segment is created with it).
  variant = await newSlot();
  await expect(variant.locator('.field', { has: page.getByLabel('Image URL') })).toContainText('cdn.example');
  await page.getByRole('button', { name: 'Save slot' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  // Saved to the draft: live once published.
  await publishDraft(page);
  const stored = (await (await request.get(`/_wm/admin/api/sites/${site}`)).json()) as {
    site: { segments: { id: string; condition: unknown }[]; slots: { variants: { segment: string }[] }[]; content?: { allowedHosts: string[] } };
  };
  expect(stored.site.content).toEqual({ allowedHosts: ['cdn.example'] });
  expect(stored.site.segments).toEqual([expect.objectContaining({ id: 'everyone', condition: { everyone: true } })]);
  expect(stored.site.slots[0]?.variants[0]?.segment).toBe('everyone');

  // A message: Everyone is the visible default audience.
  await page.goto(`/_wm/dashboard/#/s/${site}/messages/new`);
  const everyone = page.getByRole('checkbox', { name: /^Everyone \(every visitor/ });
  await expect(everyone).toBeChecked();
  // Choosing a segment limits the message to it; Everyone is then one click away.
  await page.getByRole('checkbox', { name: 'Everyone', exact: true }).check();
  await expect(everyone).not.toBeChecked();
  await everyone.check();
  await expect(page.getByRole('checkbox', { name: 'Everyone', exact: true })).not.toBeChecked();
});
