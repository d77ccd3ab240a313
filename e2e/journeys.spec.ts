/**
 * The demo's cart-abandonment journey, end to end: a visitor adds to cart and leaves; once the
 * journey's wait for checkout is over, the cart reminder shows on the home page and the journey's
 * webhook reaches the demo sink with a valid signature. The visitor's clock is set 40 minutes back
 * (as in personalization.spec.ts), so the 30-minute wait is already over when the edge sees the
 * event: its alarm fires at once instead of in real time. The dashboard shows the journey and the
 * delivery log.
 */
import { type APIRequestContext } from '@playwright/test';
import { expect, test } from './support/test';
import type { ProfileExport } from '../protocol/wire';
import { ORIGIN, waitForProfile } from './support/waymark';

type SinkRecord = {
  webhook: string;
  /** Standard Webhooks verification by the sink (edge/src/net/standard-webhooks.ts verifyWebhook). */
  verified: boolean;
  reason: string | null;
  /** The legacy Waymark-Signature, still sent during the migration release. */
  legacyVerified: boolean;
  delivery: string | null;
  webhookId: string | null;
  webhookTimestamp: string | null;
  body: Record<string, unknown>;
};

async function adminLogin(request: APIRequestContext): Promise<string> {
  const res = await request.post('/_wm/admin/api/login', { data: { password: 'waymark-demo' }, headers: { origin: ORIGIN } });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { csrfToken: string }).csrfToken;
}

/**
 * The seed points the demo webhook at the seeded server's own sink (edge/src/demo/seed-demo.ts), so
 * every config version a visitor's alarm may use delivers here. The secret is write-only.
 */
async function expectSinkOnThisServer(request: APIRequestContext) {
  const site = (await (await request.get('/_wm/admin/api/sites/demo')).json()) as { site: { webhooks: Record<string, unknown>[] } };
  const hook = site.site.webhooks.find((w) => w['id'] === 'demo-crm');
  expect(hook).toMatchObject({ url: `${ORIGIN}/_wm/demo/webhook-sink?webhook=demo-crm` });
  expect(hook).not.toHaveProperty('secret');
}

test('cart abandonment: the reminder shows and the CRM webhook arrives signed', async ({ page, context }) => {
  await adminLogin(page.request);
  await expectSinkOnThisServer(page.request);

  await page.clock.setSystemTime(Date.now() - 40 * 60_000);
  await page.goto('/product/ridgeline-trail-runner');
  await page.click('[data-add-to-cart]');

  // The journey ran in the visitor's profile: no checkout in time → reminder granted, webhook queued.
  const profile: ProfileExport = await waitForProfile(
    page.request,
    (p) => p.journeys?.some((j) => j.id === 'cart-abandonment' && j.status === 'exited' && j.step === 'checked-out') ?? false,
    'the journey ran to its end',
  );
  const journey = profile.journeys?.find((j) => j.id === 'cart-abandonment');
  expect(journey?.history.map((h) => h.what)).toEqual(
    expect.arrayContaining(['entered on "add_to_cart"', 'no "checkout_start" in time', 'message "cart-reminder" may show', 'webhook "demo-crm" queued']),
  );

  // The sink got the CRM-style payload for this visitor (the sink is shared by parallel tests),
  // and its Standard Webhooks signature (and the legacy one) checked out with the webhook's secret.
  const ownRecord = async () =>
    ((await (await page.request.get('/_wm/demo/webhook-sink')).json()) as { received: SinkRecord[] }).received.find(
      (r) => r.webhook === 'demo-crm' && (r.body['contact'] as { anonymous_id?: string } | undefined)?.anonymous_id === profile.visitorId,
    );
  await expect.poll(async () => (await ownRecord()) !== undefined, { timeout: 15_000 }).toBe(true);
  const record = await ownRecord();
  expect(record).toMatchObject({ verified: true, reason: null, legacyVerified: true });
  // webhook-id is the delivery id (the same on every retry); webhook-timestamp is unix seconds.
  expect(record?.webhookId).toBe(record?.delivery);
  expect(record?.webhookTimestamp).toMatch(/^\d{10}$/);
  expect(record?.body).toMatchObject({
    event: 'waymark_journey_step',
    contact: { anonymous_id: profile.visitorId },
    properties: { journey_id: 'cart-abandonment', step: 'tell-crm' },
  });

  // Back on the home page: the reminder toast (either A/B headline).
  await page.close();
  const back = await context.newPage();
  await back.goto('/');
  await expect(back.getByRole('status', { name: /Your cart is waiting|Still thinking it over\?/ })).toBeVisible();

  // The marketer sees the journey and the delivery in the dashboard.
  await back.goto('/_wm/dashboard/#/s/demo/journeys');
  await expect(back.getByRole('link', { name: 'Cart abandonment' })).toBeVisible();
  await back.getByRole('link', { name: 'Cart abandonment' }).click();
  await expect(back.getByRole('heading', { name: 'Steps' })).toBeVisible();
  // wait-checkout, remind, tell-crm, email-reminder (issue #13, docs/email.md), checked-out.
  await expect(back.locator('.journey-step')).toHaveCount(5);
  await back.setViewportSize({ width: 1440, height: 900 });
  await back.screenshot({ path: 'e2e/artifacts/dashboard-journey.png', fullPage: true });
  await back.goto('/_wm/dashboard/#/s/demo/webhooks/demo-crm');
  await expect(back.getByText('A secret is set. It is never shown again.')).toBeVisible();
  const row = back.locator('.delivery-log tbody tr').first();
  await expect(row).toHaveAttribute('data-outcome', 'delivered');
  await expect(row).toContainText('cart-abandonment → tell-crm');
  await expect(row).toContainText('204');
  await back.screenshot({ path: 'e2e/artifacts/dashboard-webhook.png', fullPage: true });

  // The visitor's profile shows where they went in the journey, with its history.
  await back.goto(`/_wm/dashboard/#/s/demo/profiles/${profile.visitorId}`);
  const card = back.locator('section.card', { has: back.getByRole('heading', { name: 'Journeys' }) });
  const item = card.locator('[data-journey="cart-abandonment"]');
  await expect(item.getByRole('link', { name: 'Cart abandonment' })).toHaveAttribute('href', '#/s/demo/journeys/cart-abandonment');
  await expect(item.locator('.pill')).toHaveText('exited');
  await expect(item).toContainText('checked-out (exit)');
  const history = item.getByRole('list', { name: /recent history, newest first/ });
  await expect(history).toContainText('webhook "demo-crm" queued');
  await expect(back.locator('section.card', { has: back.getByRole('heading', { name: 'Identity' }) })).toContainText('Anonymous');
  await back.screenshot({ path: 'e2e/artifacts/dashboard-profile-journeys.png', fullPage: true });
});

test('webhook secrets: issued by the edge and shown once on creation; Rotate secret shows the new one and when the old one expires', async ({ page }) => {
  const id = `e2e-hook-${Date.now().toString(36)}`;
  await adminLogin(page.request);
  await page.goto('/_wm/dashboard/#/s/demo/webhooks/new');
  await expect(page.getByText('A secret is generated when you save, and shown once.')).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill('E2E hook');
  await page.getByLabel('Id', { exact: true }).fill(id);
  // An unsafe URL is refused with the guard's reason before anything is sent.
  await page.getByLabel('URL').fill('https://169.254.169.254/latest/meta-data/');
  await page.getByRole('button', { name: 'Save webhook' }).click();
  await expect(page.getByText('169.254.169.254 is not a public internet host: link-local address').first()).toBeVisible();
  await page.getByLabel('URL').fill('https://hooks.example.com/e2e');
  await page.getByRole('button', { name: 'Save webhook' }).click();

  const issued = page.getByRole('textbox', { name: 'New signing secret' });
  await expect(issued).toHaveValue(/^whsec_[A-Za-z0-9+/]{43}=$/);
  const first = await issued.inputValue();
  await expect(page.getByText('Only this secret signs from now on.')).toBeVisible();

  // Rotate with the default 24 h overlap: a different secret, and when the old one stops.
  await page.getByRole('button', { name: 'Rotate secret' }).click();
  await expect(issued).not.toHaveValue(first);
  await expect(issued).toHaveValue(/^whsec_/);
  await expect(page.getByText(/The old secret also signs until .+; after that only the new one does\./)).toBeVisible();
  await expect(page.getByText(/Rotation in progress: the previous secret also signs until/)).toBeVisible();
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: 'e2e/artifacts/dashboard-webhook-rotated.png', fullPage: true });

  // Shown once: a reload shows neither secret, and the API never returns one.
  await page.reload();
  await expect(page.getByText(/A secret is set\. It is never shown again\./)).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'New signing secret' })).toHaveCount(0);
  const site = await (await page.request.get('/_wm/admin/api/sites/demo')).text();
  expect(site).not.toContain('whsec_');

  // Clean up: the demo site keeps only its own webhook.
  const version = ((await (await page.request.get('/_wm/admin/api/sites/demo')).json()) as { version: number }).version;
  const csrf = await adminLogin(page.request);
  const del = await page.request.delete(`/_wm/admin/api/sites/demo/webhooks/${id}?version=${version}`, { headers: { origin: ORIGIN, 'x-wm-csrf': csrf } });
  expect(del.status()).toBe(200);
});
