/**
 * The demo's cart-abandonment journey, end to end: a visitor adds to cart and leaves; once the
 * journey's wait for checkout is over, the cart reminder shows on the home page and the journey's
 * webhook reaches the demo sink with a valid signature. The visitor's clock is set 40 minutes back
 * (as in personalization.spec.ts), so the 30-minute wait is already over when the edge sees the
 * event: its alarm fires at once instead of in real time. The dashboard shows the journey and the
 * delivery log.
 */
import { expect, test, type APIRequestContext } from '@playwright/test';
import type { ProfileExport } from '../protocol/wire';
import { ORIGIN, waitForProfile } from './support/waymark';

type SinkRecord = { webhook: string; verified: boolean; reason: string | null; delivery: string | null; body: Record<string, unknown> };

async function adminLogin(request: APIRequestContext): Promise<string> {
  const res = await request.post('/_wm/admin/api/login', { data: { password: 'waymark-demo' }, headers: { origin: ORIGIN } });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { csrfToken: string }).csrfToken;
}

/** Points the demo's webhook at this server's own sink (the seed names npm start's port). */
async function sinkOnThisPort(request: APIRequestContext, csrf: string) {
  const site = (await (await request.get('/_wm/admin/api/sites/demo')).json()) as { site: { webhooks: Record<string, unknown>[] }; version: number };
  const hook = site.site.webhooks.find((w) => w['id'] === 'demo-crm');
  expect(hook).toBeDefined();
  // Write-only: the API never returned the secret, and leaving it out keeps it.
  expect(hook).not.toHaveProperty('secret');
  const res = await request.put(`/_wm/admin/api/sites/demo/webhooks/demo-crm?version=${site.version}`, {
    headers: { origin: ORIGIN, 'x-wm-csrf': csrf },
    data: { ...hook, url: `${ORIGIN}/_wm/demo/webhook-sink?webhook=demo-crm` },
  });
  expect(res.status()).toBe(200);
}

test('cart abandonment: the reminder shows and the CRM webhook arrives signed', async ({ page, context }) => {
  const csrf = await adminLogin(page.request);
  await sinkOnThisPort(page.request, csrf);

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

  // The sink got the CRM-style payload, and its signature checked out with the webhook's secret.
  await expect
    .poll(async () => ((await (await page.request.get('/_wm/demo/webhook-sink')).json()) as { received: SinkRecord[] }).received.length, { timeout: 15_000 })
    .toBeGreaterThan(0);
  const { received } = (await (await page.request.get('/_wm/demo/webhook-sink')).json()) as { received: SinkRecord[] };
  const record = received.find((r) => r.webhook === 'demo-crm');
  expect(record).toMatchObject({ verified: true, reason: null });
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
  await expect(back.locator('.journey-step')).toHaveCount(4);
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
