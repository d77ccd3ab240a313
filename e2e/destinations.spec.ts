/**
 * Destinations (issue #13 point 1, docs/destinations.md) as a marketer uses them: in the dashboard
 * they add a GA4 destination (pointed at the local demo's GA4-shaped receiver, with its API
 * secret), the secret comes back only as "set ••••last4", "Send test event" shows the receiver's
 * answer and the delivery log lists it. In the demo shop, a checkout and a purchase reach that
 * receiver through the seeded demo GA4 destination, validated as GA4 would. No CSP violations.
 * Screenshots: e2e/artifacts/destinations-*.png.
 */
import { expect, test } from './support/test';

const API = '/_wm/admin/api';
/** The API secret the demo receiver accepts (edge/src/destinations/demo-ga4.ts DEMO_GA4_API_SECRET). */
const DEMO_SECRET = 'demo-ga4-api-secret-local-only';

/** CSP and Trusted Types refusals the page logs (there must be none). */
const CSP_REFUSAL = /Content Security Policy|Refused to (load|execute|apply|frame|connect)|TrustedHTML|TrustedScript/i;

type Received = {
  received: { valid: boolean; validationMessages: unknown[]; body: { client_id: string; events: { name: string; params: Record<string, unknown> }[] } }[];
};

test('a marketer adds a GA4 destination, sends a test event and sees the log; a demo purchase reaches the GA4-shaped receiver', async ({ page, baseURL }) => {
  // About 12 s on a quiet machine; screenshots slow down a lot on a loaded one.
  test.setTimeout(120_000);
  const console: string[] = [];
  page.on('console', (m) => console.push(m.text()));
  await page.setViewportSize({ width: 1440, height: 900 });
  // Signed in through the API (the login screen has its own specs); the dashboard shares the cookie.
  const login = await page.request.post(`${API}/login`, { data: { password: 'waymark-demo' }, headers: { origin: baseURL ?? '' } });
  expect(login.status()).toBe(200);
  const { csrfToken } = (await login.json()) as { csrfToken: string };

  // A site of this spec's own, so its writes never race other specs on the demo site.
  const site = `dest-e2e-${Date.now().toString(36)}`;
  const created = await page.request.put(`${API}/sites/${site}`, {
    headers: { 'x-wm-csrf': csrfToken, origin: baseURL ?? '' },
    data: { name: 'Destinations shop', version: 0, origins: [baseURL], consentPolicy: 'opt-out' },
  });
  expect(created.status()).toBe(200);

  await page.goto(`/_wm/dashboard/#/s/${site}/destinations`);
  await expect(page.getByRole('heading', { name: 'Destinations', exact: true })).toBeVisible();
  await expect(page.getByText('No destinations yet')).toBeVisible();
  await page.getByRole('link', { name: 'Add destination' }).click();
  await expect(page.getByRole('heading', { name: 'New destination' })).toBeVisible();
  await page.getByLabel('Name').fill('Google Analytics');
  await page.getByLabel('Kind').selectOption('ga4');
  await page.getByLabel('Measurement ID').fill('G-SHOP12345');
  await page.getByLabel('Local demo receiver (optional)').fill(`${baseURL}/_wm/demo/ga4/mp/collect`);
  await page.getByLabel(/API secret: not set/).fill(DEMO_SECRET);
  await page.getByLabel('Only these events').fill('page, purchase');
  // The mapping for the chosen kind, read-only.
  await expect(page.locator('table.mapping')).toContainText('page_view');
  await page.getByRole('button', { name: 'Create destination' }).click();

  // Saved: the secret is write-only, shown as set with its last 4 characters.
  await expect(page.getByRole('heading', { name: 'Google Analytics', exact: true })).toBeVisible();
  await expect(page.getByLabel(`API secret: set ••••${DEMO_SECRET.slice(-4)}`)).toHaveValue('');
  expect(await page.content()).not.toContain(DEMO_SECRET);
  await page.screenshot({ path: 'e2e/artifacts/destinations-editor.png', fullPage: true });

  // Send a test event: the receiver validated it as GA4 would and answered 204.
  await page.getByTestId('send-test').click();
  await expect(page.getByTestId('test-result')).toContainText('Accepted: HTTP 204');
  const log = page.locator('table.delivery-log');
  await expect(log.locator('tr[data-outcome="delivered"]').first()).toContainText('test: delivered');
  await page.locator('#dest-test').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'e2e/artifacts/destinations-test-and-log.png', fullPage: true });
  const received = (await (await page.request.get('/_wm/demo/ga4/received')).json()) as Received;
  expect(received.received.some((r) => r.valid && r.body.events.some((e) => e.name === 'waymark_test'))).toBe(true);

  // The list shows its status.
  await page.getByRole('link', { name: 'All destinations' }).click();
  await expect(page.locator('tr[data-destination="google-analytics"]')).toContainText('Google Analytics 4');
  await page.screenshot({ path: 'e2e/artifacts/destinations-list.png', fullPage: true });

  // The demo shop: a checkout and a purchase (as the shop's order confirmation would send it) go
  // through the demo site's GA4 destination to the receiver, from the edge, never the browser.
  const shop = await page.context().newPage();
  const browserCalls: string[] = [];
  shop.on('request', (r) => {
    if (r.url().includes('/mp/collect') || r.url().includes('google-analytics')) browserCalls.push(r.url());
  });
  await shop.goto('/product/ridgeline-trail-runner');
  await shop.getByRole('button', { name: 'Add to cart' }).click();
  await shop.waitForFunction(() => typeof window.wm === 'function');
  await shop.evaluate(() => window.wm('track', 'purchase', { value: 129, currency: 'USD', transaction_id: 'demo-order-1' }));
  await expect
    .poll(
      async () => {
        const r = (await (await page.request.get('/_wm/demo/ga4/received')).json()) as Received;
        return r.received.flatMap((x) => x.body.events.filter((e) => e.name === 'purchase').map((e) => ({ valid: x.valid, ...e.params })));
      },
      { timeout: 20_000 },
    )
    .toContainEqual(expect.objectContaining({ valid: true, value: 129, currency: 'USD', transaction_id: 'demo-order-1' }));
  expect(browserCalls).toEqual([]);
  await page.goto('/_wm/demo/ga4');
  await expect(page.getByRole('heading', { name: 'Demo GA4 receiver' })).toBeVisible();
  await expect(page.locator('tbody')).toContainText('purchase');
  await page.screenshot({ path: 'e2e/artifacts/destinations-receiver.png', fullPage: true });
  expect(console.filter((line) => CSP_REFUSAL.test(line))).toEqual([]);
});
