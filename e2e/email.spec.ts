/**
 * E-mail steps end to end (docs/email.md):
 *  - in the demo, a visitor who joined the newsletter (address and e-mail consent as prefs) adds to
 *    cart and leaves; the cart-abandonment journey e-mails the reminder to the local mailbox
 *    (/_wm/demo/mailbox) with the one-click unsubscribe headers, and the mailbox's one-click button
 *    suppresses the address and withdraws the consent. The visitor's clock is set 40 minutes back
 *    (as journeys.spec.ts does), so the journey's 30-minute wait is over when the edge sees the event.
 *  - a marketer edits a template in the dashboard and previews it for a profile (user id), at
 *    desktop and mobile widths, on a site of its own (the demo config stays as other specs expect).
 * Screenshots: e2e/artifacts/email-*.png.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './support/test';
import { newId, ORIGIN, waitForProfile } from './support/waymark';

type MailboxRecord = { id: string; to: string; from: string; subject: string; headers: Record<string, string>; html: string; text: string; raw: string };

const shot = (page: Page, name: string) => page.screenshot({ path: `e2e/artifacts/email-${name}.png`, fullPage: true });
/** The viewport only: Chromium paints a sandboxed (cross-origin) frame blank in a full-page capture. */
const shotAt = async (page: Page, name: string, testId: string) => {
  await page.getByTestId(testId).scrollIntoViewIfNeeded();
  await page.screenshot({ path: `e2e/artifacts/email-${name}.png` });
};

test('cart abandonment e-mails the reminder to the local mailbox; one-click unsubscribe works from there', async ({ page }) => {
  const address = `runner-${Date.now().toString(36)}@example.com`;
  await page.clock.setSystemTime(Date.now() - 40 * 60_000);
  await page.goto('/');
  await page.getByLabel('Email').fill(address);
  await page.getByRole('button', { name: 'Subscribe' }).click();
  await expect(page.getByText('Thanks! Check your inbox to confirm.')).toBeVisible();
  await waitForProfile(
    page.request,
    (p) => p.prefs['email_consent'] === true && p.prefs['email'] === address,
    'the newsletter signup stored address and consent',
  );

  await page.goto('/product/ridgeline-trail-runner');
  await page.click('[data-add-to-cart]');
  const profile = await waitForProfile(
    page.request,
    (p) => p.journeys?.some((j) => j.id === 'cart-abandonment' && j.history.some((h) => h.what === 'e-mail "cart-reminder" sent')) ?? false,
    'the journey e-mailed the reminder',
  );
  expect(profile.journeys?.find((j) => j.id === 'cart-abandonment')?.history.map((h) => h.what)).toEqual(
    expect.arrayContaining(['no "checkout_start" in time', 'e-mail "cart-reminder" queued', 'e-mail "cart-reminder" sent']),
  );

  // The mailbox got it, with the List-Unsubscribe headers pointing at this server.
  const mail = async () =>
    ((await (await page.request.get('/_wm/demo/mailbox.json')).json()) as { received: MailboxRecord[] }).received.find((m) => m.to === address);
  await expect.poll(async () => (await mail()) !== undefined, { timeout: 15_000 }).toBe(true);
  const record = (await mail())!;
  expect(record.subject).toBe('Your cart is waiting, friend');
  expect(record.from).toBe('"Waymark Outfitters" <hello@outfitters.example.com>');
  expect(record.headers['List-Unsubscribe']).toMatch(new RegExp(`^<${ORIGIN}/_wm/email/unsubscribe\\?site=demo&t=[\\w-]+\\.[\\w-]{43}>$`));
  expect(record.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
  expect(record.raw).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');

  // The mailbox pages: the list, then the e-mail (HTML in a sandboxed frame under a no-script CSP).
  const list = await page.goto('/_wm/demo/mailbox');
  expect(list?.headers()['content-security-policy']).toContain("default-src 'none'");
  await expect(page.getByRole('heading', { name: 'Demo mailbox' })).toBeVisible();
  await page.getByRole('row').filter({ hasText: address }).getByRole('link', { name: 'Your cart is waiting, friend' }).click();
  await expect(page.getByRole('heading', { name: 'Your cart is waiting, friend' })).toBeVisible();
  const frame = page.locator('iframe[title="HTML part"]');
  await expect(frame).toHaveAttribute('sandbox', '');
  await expect(page.frameLocator('iframe[title="HTML part"]').getByRole('heading', { name: 'Still thinking it over?' })).toBeVisible();
  const htmlPart = await page.request.get(`/_wm/demo/mailbox/${record.id}/html`);
  expect(htmlPart.headers()['content-security-policy']).toMatch(/default-src 'none'.*sandbox/);
  await expect(page.locator('pre').first()).toContainText('your cart at Waymark Outfitters (demo) is saved');
  await shot(page, 'mailbox');

  // One-click unsubscribe, as a mail client does it (RFC 8058): suppressed, consent withdrawn.
  await page.getByRole('button', { name: /One-click unsubscribe/ }).click();
  await expect(page.getByRole('heading', { name: 'You are unsubscribed' })).toBeVisible();
  await shot(page, 'unsubscribed');
  await waitForProfile(page.request, (p) => p.prefs['email_consent'] === false, 'the consent pref is withdrawn');
});

test('a marketer edits a template and previews it for a profile', async ({ page, request }) => {
  const site = `email-e2e-${Date.now().toString(36)}`;
  const login = await request.post('/_wm/admin/api/login', { data: { password: 'waymark-demo' }, headers: { origin: ORIGIN } });
  const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
  const headers = { origin: ORIGIN, 'x-wm-csrf': csrf };
  const created = await request.put(`/_wm/admin/api/sites/${site}`, {
    headers,
    data: {
      name: 'E-mail shop',
      version: 0,
      origins: [ORIGIN],
      consentPolicy: 'opt-out',
      email: {
        sender: { name: 'E-mail shop', address: 'news@shop.example.com' },
        templates: [{ id: 'welcome', name: 'Welcome', subject: 'Welcome!', html: '<p>Hello</p>', text: 'Hello' }],
      },
    },
  });
  expect(created.status()).toBe(200);
  // A profile to preview for: a user with a first name, an address and e-mail consent.
  const collected = await request.post('/_wm/e', {
    headers: { origin: ORIGIN, 'content-type': 'text/plain' },
    data: JSON.stringify({
      site,
      events: [
        {
          id: newId(),
          type: 'identify',
          ts: Date.now(),
          sid: 'session-e2e-0001',
          url: `${ORIGIN}/`,
          userId: 'ada-42',
          traits: { first_name: 'Ada', email: 'ada@example.com' },
        },
        { id: newId(), type: 'prefs', ts: Date.now() + 1, sid: 'session-e2e-0001', url: `${ORIGIN}/`, prefs: { email_consent: true } },
      ],
    }),
  });
  expect(collected.status(), await collected.text()).toBe(200);

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/_wm/dashboard/');
  await page.getByLabel('Password').fill('waymark-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Sites' })).toBeVisible();
  await page.goto(`/_wm/dashboard/#/s/${site}/email`);
  await expect(page.getByRole('heading', { name: 'E-mail', exact: true })).toBeVisible();
  await expect(page.getByTestId('email-templates')).toContainText('Welcome!');
  await shot(page, 'home');

  await page.getByRole('link', { name: 'Welcome' }).click();
  await expect(page.getByRole('heading', { name: 'E-mail template: Welcome' })).toBeVisible();
  await page.getByLabel('Subject').fill('Welcome, {{ traits.first_name | default: "friend" }}');
  await page
    .getByLabel('HTML body')
    .fill('<h1>Hi {{ traits.first_name | default: "there" }}</h1><p>Your plan: {{ traits.plan | default: "free" }}</p><script>alert(1)</script>');
  await page.getByRole('button', { name: 'Save template' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();

  // Preview for the user: their name, the default for what they lack, no script; they would get it.
  await page.getByLabel('For a profile (visitor id or user id)').fill('ada-42');
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByTestId('email-preview-subject')).toHaveText('Welcome, Ada');
  await expect(page.getByText('This profile would get it now.')).toBeVisible();
  const preview = page.frameLocator('[data-testid="email-preview-frame"]');
  await expect(preview.getByRole('heading', { name: 'Hi Ada' })).toBeVisible();
  await expect(preview.getByText('Your plan: free')).toBeVisible();
  expect(await page.getByTestId('email-preview-frame').getAttribute('sandbox')).toBe('');
  expect(await page.getByTestId('email-preview-frame').getAttribute('srcdoc')).not.toContain('<script');
  await shotAt(page, 'editor-desktop', 'email-preview');
  await page.getByLabel('Width').selectOption('390');
  await expect(page.getByTestId('email-preview-frame')).toHaveAttribute('width', '390');
  await shotAt(page, 'editor-mobile', 'email-preview');

  // Saved through the versioned config write: the API has the new subject.
  const stored = (await (await request.get(`/_wm/admin/api/sites/${site}`)).json()) as { site: { email: { templates: { subject: string }[] } } };
  expect(stored.site.email.templates[0]?.subject).toBe('Welcome, {{ traits.first_name | default: "friend" }}');
});
