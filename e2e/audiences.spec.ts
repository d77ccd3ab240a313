/**
 * Audiences and Best time in the demo (issue #13 points 3-5; docs/audiences.md): a shopper who
 * identified and left something in the cart is in `cart-abandoners`; the marketer exports that
 * segment from the dashboard and the download holds them; imports a CSV of traits with one bad row
 * and sees the row's error and the progress; the journey editor offers "wait for the visitor's
 * usual active hour" on a wait step. Screenshots of the screens.
 */
import { type APIRequestContext } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { expect, test } from './support/test';
import { ORIGIN } from './support/waymark';

async function adminLogin(request: APIRequestContext): Promise<void> {
  const res = await request.post('/_wm/admin/api/login', { data: { password: 'waymark-demo' }, headers: { origin: ORIGIN } });
  expect(res.status()).toBe(200);
}

test('audiences: export the cart segment, import traits with a bad row; the best-hour wait option', async ({ page }) => {
  const user = `e2e-aud-${Date.now().toString(36)}`;
  await page.goto('/product/ridgeline-trail-runner');
  await page.evaluate((u) => window.wm('identify', u, { email: `${u}@example.com` }), user);
  await page.click('[data-add-to-cart]');
  await adminLogin(page.request);

  // The analytics store has the shopper once the queue delivered their batch.
  const listed = async () => {
    const res = await page.request.get('/_wm/admin/api/sites/demo/audiences/cart-abandoners/export?format=json');
    return ((await res.json()) as { members: { userId: string }[] }).members.some((m) => m.userId === user);
  };
  await expect.poll(listed, { timeout: 20_000 }).toBe(true);

  // Export from the dashboard: the member count, then the CSV download with the picked trait.
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/_wm/dashboard/#/s/demo/audiences');
  await expect(page.getByRole('heading', { name: 'Audiences' })).toBeVisible();
  await expect(page.getByTestId('audience-segment')).toHaveValue('cart-abandoners');
  await expect(page.getByTestId('audience-count')).toContainText(/\d+ identified users? and \d+ anonymous/);
  await page.getByTestId('audience-traits').fill('email');
  const downloading = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^demo-cart-abandoners-\d{8}-\d{4}\.csv$/);
  const csv = await readFile(await download.path(), 'utf8');
  expect(csv.split('\r\n')[0]).toBe('user_id,email');
  expect(csv).toContain(`${user},${user}@example.com\r\n`);
  await page.screenshot({ path: 'e2e/artifacts/audiences-export.png', fullPage: true });

  // Import: one bad row (no user id) is reported; the others are applied; progress is shown.
  await page.getByTestId('import-file').setInputFiles({
    name: 'crm-plans.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(`user_id,plan\n${user},gold\n,silver\n${user}-2,bronze\n`),
  });
  await expect(page.getByTestId('import-plan')).toContainText('3 rows, traits plan; sent in 1 chunk.');
  await page.getByTestId('import-start').click();
  await expect(page.getByTestId('import-status')).toHaveText('Done: 3 of 3 rows · 2 applied · 1 refused');
  await expect(page.getByRole('progressbar', { name: 'Rows done' })).toHaveAttribute('value', '3');
  const errors = page.getByTestId('import-errors');
  await expect(errors.locator('tbody tr')).toHaveCount(1);
  await expect(errors.locator('tbody tr')).toContainText('2empty user id');
  await page.screenshot({ path: 'e2e/artifacts/audiences-import.png', fullPage: true });

  // The same file again changes nothing.
  await page.getByTestId('import-start').click();
  await expect(page.getByText('This file was imported before: nothing changed.')).toBeVisible();

  // The imported trait is on the shopper's profile.
  await expect
    .poll(async () => ((await (await page.request.get('/_wm/me?site=demo')).json()) as { traits: Record<string, unknown> }).traits['plan'], { timeout: 10_000 })
    .toBe('gold');

  // Best time: a wait step offers the usual active hour.
  await page.goto('/_wm/dashboard/#/s/demo/journeys/new');
  await page.getByLabel('Kind of step to add').selectOption('wait');
  await page.getByRole('button', { name: 'Add step' }).click();
  const option = page.getByTestId('best-hour-1');
  await expect(option).not.toBeChecked();
  await option.check();
  await expect(page.getByText('Then wait for the visitor’s usual active hour')).toBeVisible();
  await page.screenshot({ path: 'e2e/artifacts/audiences-best-time.png', fullPage: true });
});
