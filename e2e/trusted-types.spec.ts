// Trusted Types (issue #11 point 7): wm.js, wm-ui.js and the dashboard work on pages that send
// `require-trusted-types-for 'script'`, with 0 violations. Site owners allow our policies with
// `trusted-types waymark waymark-ui` (wm.js loads wm-ui.js through "waymark"; wm-ui.js fills slots
// through "waymark-ui"); the dashboard's own CSP (dashboard/_headers) enforces Trusted Types with
// its policy "waymark". Violations are collected three ways: securitypolicyviolation events (from
// before any page script runs), console reports, and the reports the CSP's report-uri sends to a
// route this spec answers. A deliberate string-to-innerHTML at the end of each test shows that the
// collection works (exactly that one violation is seen); every other count is 0.
import { readFileSync } from 'node:fs';
import { type Page } from '@playwright/test';
import { expect, test } from './support/test';
import type { CollectResponse, Decision, MessageDecision, SlotDecision } from '../protocol/wire';

const TT_CSP = "require-trusted-types-for 'script'; trusted-types waymark waymark-ui; report-uri /__csp-report";
/** The control's sink value: the one violation each test causes on purpose. */
const CONTROL = 'wm-tt-control';

/** Every violation seen in `page` (events, console, reports), as text. */
function watchViolations(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Trusted ?Type|TrustedHTML|TrustedScript/i.test(m.text())) seen.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => {
    if (/Trusted ?Type|TrustedHTML|TrustedScript/i.test(e.message)) seen.push(`pageerror: ${e.message}`);
  });
  void page.exposeFunction('__wmViolation', (v: string) => seen.push(`event: ${v}`));
  void page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __wmViolation: (v: string) => void }).__wmViolation(`${e.effectiveDirective} ${e.blockedURI} ${e.sample}`);
    });
  });
  void page.route('**/__csp-report', async (route) => {
    seen.push(`report: ${route.request().postData() ?? ''}`);
    await route.fulfill({ status: 204 });
  });
  return seen;
}

/**
 * Checks that nothing was seen so far, then assigns a plain string to innerHTML: under enforced
 * Trusted Types that is a violation, and the collector must see it (so the 0 above can fail).
 */
async function expectNoneThenControl(page: Page, seen: string[]): Promise<void> {
  expect([...seen]).toEqual([]);
  await page.evaluate((value) => {
    try {
      document.createElement('div').innerHTML = value;
    } catch {
      /* expected: TrustedHTML required */
    }
  }, CONTROL);
  await expect.poll(() => seen.some((v) => v.startsWith('event:') && v.includes(CONTROL)), 'the collector sees a real violation').toBe(true);
}

/** A fixture page served as the site would, with Trusted Types enforced by header. */
async function serveWithTrustedTypes(page: Page): Promise<void> {
  await page.route(
    (url) => url.pathname.startsWith('/fixtures/') && url.pathname.endsWith('.html'),
    (route) =>
      route.fulfill({
        status: 200,
        headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': TT_CSP },
        body: readFileSync(`e2e${new URL(route.request().url()).pathname}`, 'utf8'),
      }),
  );
}

/** Answers the snippet's batches and /_wm/decide with `edge.decisions` (change it between loads). */
async function fakeEdge(page: Page, decisions: Decision[]): Promise<{ decisions: Decision[] }> {
  const edge = { decisions };
  await page.route(
    (url) => url.pathname === '/_wm/e' || url.pathname === '/_wm/decide',
    async (route) => {
      const body: CollectResponse = { vid: 'e2e-visitor', accepted: [], duplicates: [], rejected: [], decisions: edge.decisions };
      await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) }).catch(() => {});
    },
  );
  return edge;
}

const slot = (id: string, html: string): SlotDecision => ({ kind: 'slot', id, segment: 'tt', html, why: 'e2e' });
const message = (id: string, extra: Partial<MessageDecision>): MessageDecision => ({
  kind: 'message',
  id,
  variant: 'v1',
  type: 'toast',
  trigger: { on: 'load' },
  body: `Body of ${id}.`,
  priority: 0,
  why: 'e2e',
  ...extra,
});

test.describe('wm.js and wm-ui.js under require-trusted-types-for', () => {
  test('slots are filled and restored, with 0 violations', async ({ page }) => {
    const seen = watchViolations(page);
    await serveWithTrustedTypes(page);
    const edge = await fakeEdge(page, [slot('hero', '<h1>Trail runners, Caf\u00e9 \u4e2d\u6587</h1>'), slot('category-promo', '<p><b>10%</b> off</p>')]);
    const ui = page.waitForResponse((r) => new URL(r.url()).pathname === '/_wm/wm-ui.js');
    await page.goto('/fixtures/slots.html');
    expect((await ui).ok()).toBe(true);
    const hero = page.locator('[data-wm-slot="hero"]');
    await expect(hero).toHaveAttribute('data-wm-filled', 'tt');
    await expect(hero).toHaveText('Trail runners, Caf\u00e9 \u4e2d\u6587');
    await expect(page.locator('[data-wm-slot="category-promo"] b')).toHaveText('10%');
    // The next decisions drop the promo: its default comes back (the restore sink).
    edge.decisions = [slot('hero', '<h1>Road racers</h1>')];
    await page.evaluate(() => (window as unknown as { wm: (...a: unknown[]) => void }).wm('track', 'tt_refresh'));
    await expect(hero).toHaveText('Road racers');
    await expect(page.locator('[data-wm-slot="category-promo"]')).toHaveText('Default promo');
    await expect(page.locator('[data-wm-slot="category-promo"]')).not.toHaveAttribute('data-wm-filled');

    await expectNoneThenControl(page, seen);
  });

  test('a message (banner with a link) shows and closes, with 0 violations', async ({ page }) => {
    const seen = watchViolations(page);
    await serveWithTrustedTypes(page);
    await fakeEdge(page, [
      message('tt-banner', {
        type: 'banner',
        title: 'Free shipping',
        body: 'Over 50 \u20ac.',
        cta: { text: 'Shop now', href: '/category/running' },
        priority: 3,
      }),
    ]);
    await page.goto('/fixtures/messages.html');
    const banner = page.getByRole('region', { name: 'Free shipping' });
    await expect(banner).toBeVisible();
    await expect(banner).toContainText('Over 50 \u20ac.');
    await expect(banner.getByRole('link', { name: 'Shop now' })).toHaveAttribute('href', '/category/running');
    await banner.getByRole('button', { name: 'Close' }).click();
    await expect(banner).toHaveCount(0);

    await expectNoneThenControl(page, seen);
  });
});

test.describe('the dashboard under its own Trusted Types policy', () => {
  test('its CSP requires Trusted Types and names the policy "waymark"', async ({ request }) => {
    const csp = (await request.get('/_wm/dashboard/')).headers()['content-security-policy'] ?? '';
    expect(csp).toContain("require-trusted-types-for 'script'");
    expect(csp).toMatch(/trusted-types waymark(;|$)/);
  });

  test('sign in, every tab, every editor and a report: 0 violations', async ({ page }) => {
    test.setTimeout(120_000);
    const seen = watchViolations(page);
    await page.goto('/_wm/dashboard/');
    await page.getByLabel('Password').fill('waymark-demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Sites' })).toBeVisible();

    const tabs = ['overview', 'segments', 'slots', 'messages', 'journeys', 'webhooks', 'reports', 'profiles', 'settings', 'audit'];
    for (const tab of tabs) {
      await page.goto(`/_wm/dashboard/#/s/demo/${tab}`);
      await expect(page.locator('main h1').first()).toBeVisible();
      await expect(page.getByText('Loading')).toHaveCount(0, { timeout: 20_000 });
    }
    // Each editor, new and (where the demo has one) existing; the slot editor previews its
    // variants in a srcdoc frame (the dashboard's one HTML sink).
    for (const editor of ['segments/new', 'slots/new', 'messages/new', 'journeys/new', 'webhooks/new', 'slots/hero']) {
      await page.goto(`/_wm/dashboard/#/s/demo/${editor}`);
      await expect(page.locator('main h1').first()).toBeVisible();
      await expect(page.getByText('Loading')).toHaveCount(0, { timeout: 20_000 });
    }
    await expect(page.locator('iframe.preview').first()).toBeAttached();
    expect(await page.locator('iframe.preview').first().getAttribute('srcdoc')).toContain('<body>');

    await expectNoneThenControl(page, seen);
  });
});
