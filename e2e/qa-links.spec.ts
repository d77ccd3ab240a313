/**
 * Preview and QA links, end to end in Chromium against the real worker (docs/preview-and-qa.md):
 *  - proxy mode: a marketer previews the hero's road-runners variant in the dashboard ("Preview as",
 *    desktop and mobile frames), creates a QA link, and a FRESH browser context with no account
 *    opens it: the forced variant and the badge show, nothing is stored (no visitor cookie, no
 *    profile); Exit preview gives the default page; once revoked, the link forces nothing;
 *  - snippet mode (pages served untouched, only /_wm/ reaches the worker), on a page under a strict
 *    CSP with Trusted Types: the same, through wm.js and wm-ui.js, with no CSP violation.
 * Screenshots: e2e/artifacts/qa-*.png.
 */
import { readFileSync } from 'node:fs';
import { type APIRequestContext, type Page } from '@playwright/test';
import { expect, test, resending } from './support/test';
import type { QaLinkResponse } from '../protocol/qa';

const HERO = '[data-wm-slot="hero"]';
const BADGE = '[data-wm-qa-badge]';
const shot = (page: Page, name: string, fullPage = false) => page.screenshot({ path: `e2e/artifacts/qa-${name}.png`, fullPage });

/** CSP violations (console reports and securitypolicyviolation events) in `page`. */
function watchCsp(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Trusted Type|Refused to (load|execute|apply|frame|connect)/i.test(m.text())) violations.push(m.text());
  });
  void page.exposeFunction('__wmCsp', (v: string) => violations.push(v));
  void page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __wmCsp: (v: string) => void }).__wmCsp(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return violations;
}

async function signIn(page: Page) {
  await page.goto('/_wm/dashboard/');
  await page.getByLabel('Password').fill('waymark-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Sites' })).toBeVisible();
}

/** Nothing of the visitor is stored: no visitor cookie, and GET /_wm/me finds no profile. */
async function expectNothingStored(page: Page) {
  expect((await page.context().cookies()).map((c) => c.name)).not.toContain('wm_vid');
  expect((await page.request.get('/_wm/me?site=demo')).status()).not.toBe(200);
}

test('proxy mode: preview as a slot variant, then a QA link opened in a fresh browser, exited, revoked', async ({ page, browser }) => {
  test.setTimeout(180_000); // several browsers and pages on a shared machine
  const violations = watchCsp(page);
  await signIn(page);
  await page.goto('/_wm/dashboard/#/s/demo/qa');
  await expect(page.getByRole('heading', { name: 'Preview and QA' })).toBeVisible();

  // Preview as: the hero's road-runners variant, in the real page, desktop then mobile.
  const previewAs = page.getByRole('region', { name: 'Preview as' });
  await previewAs.getByLabel('Show the page as').selectOption('slot');
  await previewAs.getByLabel('Slot', { exact: true }).selectOption('hero');
  await previewAs.getByLabel('Variant (for segment)').selectOption('road-runners');
  await previewAs.getByLabel('Page to preview').fill('/category/running');
  await previewAs.getByRole('button', { name: 'Show preview' }).click();
  const frame = page.frameLocator('[data-testid="qa-preview-frame"]');
  await expect(frame.locator(HERO)).toHaveAttribute('data-wm-filled', 'road-runners');
  await expect(frame.locator(BADGE).locator('span')).toHaveText('Waymark preview: slot hero, variant for road-runners');
  await shot(page, 'preview-desktop');
  await previewAs.getByRole('button', { name: /Mobile/ }).click();
  await expect(page.locator('[data-testid="qa-preview-frame"]')).toHaveAttribute('data-device', 'mobile');
  await expect(frame.locator(HERO)).toHaveAttribute('data-wm-filled', 'road-runners');
  await shot(page, 'preview-mobile', true);
  // The preview set no session cookie on the marketer's browser: their own visit is a normal one.
  expect((await page.context().cookies()).map((c) => c.name)).not.toContain('wm_qa');

  // A shareable QA link for the same variant.
  const links = page.getByRole('region', { name: 'Shareable QA links' });
  await links.getByLabel('Show the page as').selectOption('slot');
  await links.getByLabel('Slot', { exact: true }).selectOption('hero');
  await links.getByLabel('Variant (for segment)').selectOption('road-runners');
  await links.getByLabel('Label').fill('Road hero check');
  await links.getByLabel('Opens on').fill('/category/running');
  await links.getByRole('button', { name: 'Create QA link' }).click();
  const url = await page.getByTestId('created-qa-link').getByLabel('QA link').inputValue();
  expect(url).toMatch(/\/category\/running\?wm_qa=wq_/);
  await expect(links.getByRole('table', { name: 'QA links' })).toContainText('Road hero check');
  await shot(page, 'links', true);
  expect(violations, violations.join('\n')).toEqual([]);

  // A fresh browser, no account: the forced variant and the badge; the token leaves the URL.
  const visitor = await browser.newContext();
  const tab = await visitor.newPage();
  await tab.goto(url);
  expect(new URL(tab.url()).search).toBe('');
  await expect(tab.locator(HERO)).toHaveAttribute('data-wm-filled', 'road-runners');
  await expect(tab.locator(HERO)).toContainText('Fast miles on tarmac');
  const badge = tab.locator(BADGE);
  await expect(badge.locator('span')).toHaveText('Waymark preview: slot hero, variant for road-runners');
  await shot(tab, 'link-opened');
  // Other pages of the session are forced too, and its page views reach the edge but are not stored.
  // This page's own batch (the previous page's last one, sent as it unloads, has no readable body).
  const batch = tab.waitForResponse(
    (r) => new URL(r.url()).pathname === '/_wm/e' && r.request().method() === 'POST' && (r.request().postData() ?? '').includes('/category/hiking'),
  );
  await tab.goto('/category/hiking');
  await expect(tab.locator(HERO)).toHaveAttribute('data-wm-filled', 'road-runners');
  expect(await (await batch).json()).toMatchObject({ accepted: [], notStored: 'preview' });
  await expectNothingStored(tab);

  // Exit preview: the same page as a normal (new) visitor: the default hero, no badge.
  await badge.getByRole('button', { name: 'Exit preview' }).click();
  await expect(tab.locator(BADGE)).toHaveCount(0);
  await expect(tab).toHaveURL(/\/category\/hiking$/);
  await expect(tab.locator(HERO)).not.toHaveAttribute('data-wm-filled', /.*/);
  await shot(tab, 'link-exited');
  await visitor.close();

  // Revoked in the dashboard: the link forces nothing any more.
  await links.getByRole('button', { name: 'Revoke Road hero check' }).click();
  await expect(links.getByRole('row', { name: /Road hero check/ })).toContainText('Revoked');
  const late = await browser.newContext();
  const lateTab = await late.newPage();
  await lateTab.goto(url);
  await expect(lateTab.locator('html')).toHaveAttribute('data-wm-proxied', '');
  await expect(lateTab.locator(HERO)).not.toHaveAttribute('data-wm-filled', /.*/);
  await expect(lateTab.locator(BADGE)).toHaveCount(0);
  await shot(lateTab, 'link-revoked');
  await late.close();
  expect(violations, violations.join('\n')).toEqual([]);
});

/** A QA link made through the admin API (the dashboard flow is the test above). */
async function createLink(request: APIRequestContext, force: Record<string, string>): Promise<QaLinkResponse['link']> {
  const login = await request.post('/_wm/admin/api/login', { data: { password: 'waymark-demo' } });
  expect(login.status()).toBe(200);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const res = await request.post('/_wm/admin/api/sites/demo/qa-links', { data: { force, label: 'snippet mode' }, headers: { 'x-wm-csrf': csrfToken } });
  expect(res.status(), await res.text()).toBe(201);
  return ((await res.json()) as QaLinkResponse).link;
}

async function revokeLink(request: APIRequestContext, id: string) {
  const login = await request.post('/_wm/admin/api/login', { data: { password: 'waymark-demo' } });
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  expect((await request.delete(`/_wm/admin/api/sites/demo/qa-links/${id}`, { headers: { 'x-wm-csrf': csrfToken } })).status()).toBe(200);
}

const TT_CSP = "require-trusted-types-for 'script'; trusted-types waymark waymark-ui";

/** Snippet mode: the fixture page served untouched (with Trusted Types enforced), as a site that only routes /_wm/ to the worker. */
async function serveUnproxied(page: Page, fixture = 'slots-csp.html') {
  await page.route(
    (u) => u.pathname === `/fixtures/${fixture}`,
    (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html; charset=utf-8',
        headers: { 'content-security-policy': TT_CSP },
        body: readFileSync(`e2e/fixtures/${fixture}`, 'utf8'),
      }),
  );
}

test('snippet mode under a strict CSP and Trusted Types: the link forces the variant, records nothing, exits, and is revocable', async ({
  browser,
  playwright,
}) => {
  test.setTimeout(180_000);
  const admin = resending(
    await playwright.request.newContext({
      baseURL: test.info().project.use.baseURL!,
      extraHTTPHeaders: { origin: test.info().project.use.baseURL! },
    }),
  );
  const link = await createLink(admin, { kind: 'slot', slot: 'hero', variant: 'hikers' });

  const visitor = await browser.newContext();
  const tab = await visitor.newPage();
  const violations = watchCsp(tab);
  await serveUnproxied(tab);
  await tab.goto(`/fixtures/slots-csp.html?wm_qa=${link.token}`);
  await expect(tab.locator('html')).not.toHaveAttribute('data-wm-proxied', /.*/);
  await expect(tab.locator(HERO)).toHaveAttribute('data-wm-filled', 'hikers');
  const badge = tab.locator(BADGE);
  await expect(badge.locator('span')).toHaveText('Waymark preview: slot hero, variant for hikers');
  // The token left the address bar once the decide request carried it.
  await expect.poll(() => new URL(tab.url()).search).toBe('');
  await shot(tab, 'snippet-opened');

  // The next page, without the parameter: still the session (the token kept in place of a visitor id).
  await tab.reload();
  await expect(tab.locator(HERO)).toHaveAttribute('data-wm-filled', 'hikers');
  await expect(badge.locator('span')).toBeVisible();
  await expectNothingStored(tab);
  // A page with no slot and nothing forced on it: the badge and its exit are there too.
  await serveUnproxied(tab, 'forms.html');
  await tab.goto('/fixtures/forms.html');
  await expect(tab.locator('[data-wm-slot]')).toHaveCount(0);
  await expect(badge.locator('span')).toHaveText('Waymark preview: slot hero, variant for hikers');
  await shot(tab, 'snippet-no-slot');
  await tab.goto('/fixtures/slots-csp.html');

  // Exit: a normal visitor, with the page's defaults.
  await badge.getByRole('button', { name: 'Exit preview' }).click();
  await expect(tab.locator(BADGE)).toHaveCount(0);
  await expect(tab.locator(HERO)).toContainText('Default hero');
  await expect(tab.locator(HERO)).not.toHaveAttribute('data-wm-filled', /.*/);
  expect(violations, violations.join('\n')).toEqual([]);
  await visitor.close();

  // Revoked: another fresh browser opening the link is a normal visitor.
  await revokeLink(admin, link.id);
  const late = await browser.newContext();
  const lateTab = await late.newPage();
  await serveUnproxied(lateTab);
  const answered = lateTab.waitForResponse((r) => new URL(r.url()).pathname === '/_wm/e' && r.request().method() === 'POST');
  await lateTab.goto(`/fixtures/slots-csp.html?wm_qa=${link.token}`);
  const body = await (await answered).json();
  expect(body.notStored).toBeUndefined();
  await expect(lateTab.locator(HERO)).toContainText('Default hero');
  await expect(lateTab.locator(BADGE)).toHaveCount(0);
  await late.close();
  await admin.dispose();
});
