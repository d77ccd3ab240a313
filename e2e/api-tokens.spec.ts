/**
 * API tokens (issue #15 point 1) as a site's developer: create a write token in Settings, copy it
 * with the copy button, use it from a script (Playwright's `request`: no cookie, no CSRF header)
 * to read the site and write a segment, see "last used" in the list, revoke it in the UI, and see
 * the same call refused. A screenshot of the section goes to e2e/artifacts/api-tokens.png.
 */
import { expect, test } from './support/test';

const API = '/_wm/admin/api';

test('a token made in Settings reads and writes from a script until it is revoked in the UI', async ({ page, context, request }) => {
  // Sign-in, several API calls and two page loads: slow when the shared machine is busy.
  test.setTimeout(150_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/_wm/dashboard/');
  await page.getByLabel('Password').fill('waymark-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Sites' })).toBeVisible();
  await page.goto('/_wm/dashboard/#/s/demo/settings');
  const section = page.getByRole('region', { name: 'API tokens' });
  await expect(section).toBeVisible();

  // Create: a write token for this site only. Enter in the name field creates it (and does not save the site).
  const name = `e2e deploy ${Date.now().toString(36)}`;
  await section.getByLabel('Scope').selectOption('write');
  await section.getByLabel('Sites').selectOption('this');
  await section.getByLabel('Token name').fill(name);
  await section.getByLabel('Token name').press('Enter');
  const issued = section.getByTestId('issued-token');
  await expect(issued).toContainText(`Token “${name}” created`);
  await section.getByRole('button', { name: 'Copy token' }).click();
  await expect(issued.getByRole('status').last()).toHaveText('Copied to the clipboard.');
  const secret = await page.evaluate(() => navigator.clipboard.readText());
  expect(secret).toMatch(/^wm_[A-Za-z0-9_-]{43}$/);
  await expect(section.getByLabel('New API token')).toHaveValue(secret);
  await section.screenshot({ path: 'e2e/artifacts/api-tokens-issued.png' });
  const row = section.locator(`tr[data-token="${name}"]`);
  await expect(row).toContainText('write');
  await expect(row).toContainText('demo');
  await expect(row.locator('td').nth(4)).toHaveText('never');

  // Use it from a script: read, then write a segment and take it away again.
  const auth = { authorization: `Bearer ${secret}` };
  const site = await request.get(`${API}/sites/demo`, { headers: auth });
  expect(site.status()).toBe(200);
  const { version } = (await site.json()) as { version: number };
  const segment = { name: 'Token probe', condition: { pref: 'sport', test: { op: 'eq', value: 'token-probe' } }, baseVersion: version };
  const put = await request.put(`${API}/sites/demo/segments/e2e-token-probe`, { headers: auth, data: segment });
  expect(put.status()).toBe(200);
  const after = ((await put.json()) as { version: number }).version;
  expect((await request.delete(`${API}/sites/demo/segments/e2e-token-probe?version=${after}`, { headers: auth })).status()).toBe(200);
  // Its scope stops at write: the site settings need publish.
  const settings = await request.put(`${API}/sites/demo`, { headers: auth, data: { version: after + 1 } });
  expect(settings.status()).toBe(403);
  expect(((await settings.json()) as { error: string }).error).toContain('needs the publish permission');

  // The list shows the use (after a reload of the page).
  await page.reload();
  await expect(row.locator('td').nth(4)).not.toHaveText('never');
  await expect(section.getByTestId('issued-token')).toHaveCount(0);
  await page.screenshot({ path: 'e2e/artifacts/api-tokens.png', fullPage: true });
  await section.screenshot({ path: 'e2e/artifacts/api-tokens-section.png' });

  // Revoke in the UI (two steps), then the same call is refused.
  await row.getByRole('button', { name: `Revoke token ${name}` }).click();
  await row.getByRole('button', { name: `Revoke ${name}` }).click();
  await expect(row).toHaveCount(0);
  const refused = await request.get(`${API}/sites/demo`, { headers: auth });
  expect(refused.status()).toBe(401);
  expect(((await refused.json()) as { error: string }).error).toBe('unknown or revoked API token');
});
