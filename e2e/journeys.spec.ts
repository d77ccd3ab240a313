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
  // and its signature checked out with the webhook's secret.
  const ownRecord = async () =>
    ((await (await page.request.get('/_wm/demo/webhook-sink')).json()) as { received: SinkRecord[] }).received.find(
      (r) => r.webhook === 'demo-crm' && (r.body['contact'] as { anonymous_id?: string } | undefined)?.anonymous_id === profile.visitorId,
    );
  await expect.poll(async () => (await ownRecord()) !== undefined, { timeout: 15_000 }).toBe(true);
  const record = await ownRecord();
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
