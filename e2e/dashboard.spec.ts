/**
 * The marketer dashboard (/_wm/dashboard/) against the real admin API and edge, as a marketer:
 * log in, build a segment (with its live count), give the hero slot a variant, create a slot and a
 * banner (previewed inside the real page at desktop and mobile widths), publish, and see the
 * banner and hero as a matching visitor in a fresh browser; edit the banner and see the change;
 * bad input shows field errors; settings save; the audit log lists the changes; profile lookup
 * finds the visitor with their timeline; the overview shows live traffic. Screenshots of each
 * main screen go to e2e/artifacts/dashboard-*.png. The dashboard runs under its CSP with no
 * violation.
 *
 * The new segment also requires ?utm_source=dashboard-e2e, so that specs running in parallel
 * against the same server (personalization.spec.ts picks "road" too) never see this hero/banner.
 */
import { type Page } from '@playwright/test';
import { expect, test } from './support/test';
import { waitForProfile } from './support/waymark';
import { draftBar, publishDraft } from './support/drafts';

const shot = (page: Page, name: string) => page.screenshot({ path: `e2e/artifacts/dashboard-${name}.png`, fullPage: true });
/** A tab in the side navigation (the same words also appear in page text). */
const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
const HERO = '[data-wm-slot="hero"]';
const VISIT = '/category/running?utm_source=dashboard-e2e';
const BANNER = '[data-wm-message="road-sale-banner"]';
/** Server-side work that lands asynchronously (config cache, analytics queue): poll, never sleep. */
const SLOW = { timeout: 45_000, intervals: [500, 1_000, 2_000] };

/** Collects CSP violations (console reports and securitypolicyviolation events) in `page`. */
function watchCsp(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply|frame|connect)/i.test(m.text())) violations.push(m.text());
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

test('the dashboard is served with a strict CSP', async ({ request }) => {
  const res = await request.get('/_wm/dashboard/');
  expect(res.status()).toBe(200);
  const csp = res.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("style-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(res.headers()['x-frame-options']).toBe('DENY');
  expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
  expect(res.headers()['x-content-type-options']).toBe('nosniff');
  // The site's own pages (previewed in a frame) are not given the dashboard's policy.
  expect((await request.get('/')).headers()['content-security-policy']).toBeUndefined();
});

test('a marketer builds a segment, a hero, a slot and a banner; a matching visitor sees them, edits show up', async ({ page, browser }) => {
  test.setTimeout(300_000);
  const csp = watchCsp(page);
  await page.setViewportSize({ width: 1440, height: 900 });

  // Static files: /_wm/dashboard and /_wm/dashboard/ both serve the app.
  await page.goto('/_wm/dashboard');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong password.');
  await shot(page, 'login');
  await page.getByLabel('Password').fill('waymark-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();

  // Sites, then the demo: the overview is the first screen.
  await expect(page.getByRole('heading', { name: 'Sites' })).toBeVisible();
  await shot(page, 'sites');
  await page.getByRole('link', { name: /Waymark Outfitters/ }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(page.getByText(/No traffic yet|Live visitors/).first()).toBeVisible();
  await shot(page, 'overview-start');

  // Settings: a bad origin is refused next to its field; then fatigue and a good origin are saved.
  await nav(page, 'Settings').click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await expect(page.getByLabel('install snippet')).toHaveValue(/<script async src="http:\/\/127\.0\.0\.1:\d+\/_wm\/wm\.js" data-site="demo"><\/script>/);
  await expect(page.getByLabel('install snippet')).toHaveValue(/window\.wm=window\.wm\|\|function/);
  await page.getByRole('button', { name: 'Add an origin' }).click();
  const newOrigin = page.getByLabel(/^Origin \d+$/).last();
  await newOrigin.fill('https://shop.example.com/path');
  await page.getByLabel('Messages per visitor per 24 h').fill('200');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.locator('.field', { has: newOrigin }).locator('.field-errors')).toContainText('must be an origin');
  await newOrigin.fill('https://shop.example.com');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  await shot(page, 'settings');

  // The consent platform: shown in the tag to paste, saved in the config (proxy mode's tag reads it), and removed again.
  const siteConfig = async () => (await (await page.request.get('/_wm/admin/api/sites/demo')).json()).site;
  await page.getByLabel('Consent platform').selectOption('onetrust');
  await expect(page.getByLabel('install snippet')).toHaveValue(/data-site="demo" data-cmp="onetrust"><\/script>/);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect.poll(async () => (await siteConfig()).consentPlatform).toBe('onetrust');
  await page.getByLabel('Consent platform').selectOption('');
  await expect(page.getByLabel('install snippet')).toHaveValue(/data-site="demo"><\/script>/);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect.poll(async () => 'consentPlatform' in (await siteConfig())).toBe(false);

  // Segments.
  await nav(page, 'Segments').click();
  await expect(page.getByRole('heading', { name: 'Segments' })).toBeVisible();
  await expect(page.getByRole('row', { name: /Trail runners/ })).toContainText('pref “sport” is one of “trail”, “ultra”');
  await shot(page, 'segments');

  // A session survives a reload (GET /session gives the CSRF token back).
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Segments' })).toBeVisible();

  // New segment: pref sport = road AND utm_source = dashboard-e2e. First without a name.
  await page.getByRole('link', { name: 'New segment' }).click();
  await page.getByLabel('Id').fill('road-runners-2');
  await page.getByLabel('Rule 1: what').selectOption('pref');
  await page.getByLabel('Preference').fill('sport');
  await page.getByLabel('Value').fill('road');
  // The live count answers for the draft as it is edited.
  await expect(page.getByTestId('segment-count')).toContainText(/of \d+ profiles match/, SLOW);
  await page.getByRole('button', { name: 'Add a rule' }).click();
  await page.getByLabel('Rule 2: what').selectOption('utm');
  await page.getByLabel('Value').nth(1).fill('dashboard-e2e');
  await page.getByRole('button', { name: 'Save segment' }).click();
  const nameField = page.locator('.field', { has: page.getByLabel('Name', { exact: true }) });
  await expect(nameField.locator('.field-errors')).toContainText(/too small|>=1/i);
  await page.getByLabel('Name', { exact: true }).fill('Road runners 2');
  await expect(page.locator('.describe-live')).toContainText('pref “sport” is “road” and utm_source is “dashboard-e2e”');
  await expect(page.getByTestId('segment-count')).toContainText(/of \d+ profiles match/, SLOW);
  await page.getByRole('button', { name: 'Save segment' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  await expect(page).toHaveURL(/#\/s\/demo\/segments\/road-runners-2$/);
  await expect(page.getByTestId('segment-count')).toContainText(/of \d+ profiles match/, SLOW);
  await shot(page, 'segment-editor');

  // The hero slot: a new variant for the new segment.
  await nav(page, 'Slots').click();
  await expect(page.getByRole('heading', { name: 'Slots' })).toBeVisible();
  await shot(page, 'slots');
  await page.getByRole('link', { name: 'Home and category hero' }).click();
  const variants = page.getByRole('region', { name: /^Variant \d+$/ });
  await expect(variants.first()).toBeVisible();
  const before = await variants.count();
  await page.getByRole('button', { name: 'Add a variant' }).click();
  const variant = page.getByRole('region', { name: `Variant ${before + 1}`, exact: true });
  await variant.getByLabel('Segment').selectOption('road-runners-2');
  await variant.getByLabel('Priority').fill('5000');
  await variant
    .getByLabel('HTML')
    .fill('<div><h1>Road runners 2 hero</h1><p>Built in the dashboard.</p><img src=x onerror="alert(1)"><script>alert(2)</script></div>');
  // The preview is the sanitized HTML in a frame that can run nothing.
  const preview = variant.locator('iframe.preview');
  await expect(preview).toHaveAttribute('sandbox', '');
  await expect(variant.frameLocator('iframe.preview').locator('h1')).toHaveText('Road runners 2 hero');
  expect(await preview.getAttribute('srcdoc')).not.toMatch(/onerror|<script/);
  await page.getByRole('button', { name: 'Save slot' }).click();
  await expect(variant.locator('.field', { has: page.getByLabel('Priority') }).locator('.field-errors')).toContainText(/too big|<=1000/i);
  await variant.getByLabel('Priority').fill('40');
  await page.getByRole('button', { name: 'Save slot' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  await shot(page, 'slot-editor');

  // A new slot, created from the dashboard: id from the name, a duplicate id refused.
  await nav(page, 'Slots').click();
  await page.getByRole('link', { name: 'New slot' }).click();
  await expect(page.getByRole('heading', { name: 'New slot' })).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill('Hero');
  await page.getByRole('button', { name: 'Save slot' }).click();
  await expect(page.locator('.field', { has: page.getByLabel('Id', { exact: true }) }).locator('.field-errors')).toContainText('already exists');
  await page.getByLabel('Name', { exact: true }).fill('Road sale strip');
  await page.getByLabel('Id', { exact: true }).fill('road-sale-strip');
  await page.getByLabel('CSS selector (optional)').fill('#road-sale');
  await expect(page.locator('.code-block')).toContainText('data-wm-slot="road-sale-strip"');
  await page.getByRole('button', { name: 'Add a variant' }).click();
  const stripVariant = page.getByRole('region', { name: 'Variant 1' });
  await stripVariant.getByLabel('Segment').selectOption('road-runners-2');
  await stripVariant.getByLabel('Content type').selectOption('text');
  await stripVariant.getByLabel('Text').fill('Road week: free returns');
  await page.getByRole('button', { name: 'Save slot' }).click();
  await expect(page).toHaveURL(/#\/s\/demo\/slots\/road-sale-strip$/);
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  await shot(page, 'slot-new');

  // A banner for the segment, previewed in the real page at both widths.
  await nav(page, 'Messages').click();
  await expect(page.getByRole('heading', { name: 'Messages' })).toBeVisible();
  await shot(page, 'messages');
  await page.getByRole('link', { name: 'New message' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Road sale banner');
  await expect(page.getByLabel('Id', { exact: true })).toHaveValue('road-sale-banner');
  await page.getByLabel('Type').selectOption('banner');
  await page.getByRole('checkbox', { name: 'Road runners 2' }).check();
  await page.getByLabel('Title', { exact: true }).fill('Road week');
  await page.getByLabel('Body').fill('20% off road shoes');
  await page.getByLabel('Button text').fill('Shop road');
  await page.getByLabel('Button link').fill('/category/running');
  await page.getByLabel('Priority').fill('5000');
  const frame = page.frameLocator('iframe.page-frame');
  await expect(page.locator('iframe.page-frame')).toHaveAttribute('data-device', 'desktop');
  await expect(frame.locator('[data-wm-message] .w')).toContainText('20% off road shoes', SLOW);
  await page.getByLabel('Body').fill('20% off road shoes this week');
  await expect(frame.locator('[data-wm-message] .w')).toContainText('20% off road shoes this week');
  await expect(page.locator('.frame-state')).toHaveCount(0);
  await shot(page, 'message-editor-desktop');
  await page.getByRole('button', { name: /Mobile/ }).click();
  await expect(page.locator('iframe.page-frame')).toHaveAttribute('data-device', 'mobile');
  await expect(frame.locator('[data-wm-message] .w')).toContainText('20% off road shoes this week', SLOW);
  await expect(page.locator('.frame-state')).toHaveCount(0);
  await shot(page, 'message-editor-mobile');
  // Bad input: the API's field error shows next to the priority.
  await page.getByRole('button', { name: 'Save message' }).click();
  await expect(page.locator('.field', { has: page.getByLabel('Priority') }).locator('.field-errors')).toContainText(/too big|<=1000/i);
  await page.getByLabel('Priority').fill('900');
  await page.getByRole('button', { name: 'Save message' }).click();
  await expect(page).toHaveURL(/#\/s\/demo\/messages\/road-sale-banner$/);
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();

  // Every save went to the draft: the bar lists the changes, readable field by field; publishing makes them live.
  await draftBar(page).getByRole('button', { name: 'Show changes' }).click();
  await expect(draftBar(page).getByRole('region', { name: /Added message “Road sale banner”/ })).toBeVisible();
  await expect(draftBar(page).getByRole('region', { name: /Changed slot “Home and category hero”/ })).toContainText(`Variants › ${before + 1} › Segment`);
  await shot(page, 'draft-bar');
  await publishDraft(page);

  // A visitor (a fresh browser) who picks "Road running" and came from the campaign sees both.
  const visitorContext = await browser.newContext();
  const visitor = await visitorContext.newPage();
  await visitor.goto('/');
  await visitor.selectOption('[data-wm-pref="sport"]', { label: 'Road running' });
  const stored = await waitForProfile(visitor.request, (p) => p.prefs['sport'] === 'road', 'pref road stored');
  /** A fresh page load in a new browser session (the renderer shows a message once per session). */
  const visit = async () => {
    await visitor.evaluate(() => sessionStorage.clear());
    await visitor.goto(VISIT);
  };
  const seen = async () => {
    await visit();
    // The message renders in its own shadow root (Playwright's CSS pierces open ones).
    const banner = visitor.locator(`${BANNER} .w`);
    return `${await visitor.locator(HERO).innerText()} | ${(await banner.count()) ? await banner.innerText() : ''}`;
  };
  // The edge caches a site's config for up to 5 s per isolate; each poll is a full page load.
  await expect.poll(seen, SLOW).toMatch(/Road runners 2 hero.*20% off road shoes this week/s);
  await expect(visitor.locator(BANNER).getByRole('link', { name: 'Shop road' })).toHaveAttribute('href', '/category/running');

  // Edit the banner: the visitor sees the change.
  await page.getByLabel('Body').fill('30% off road shoes, today only');
  await page.getByRole('button', { name: 'Save message' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  await publishDraft(page);
  await expect.poll(seen, SLOW).toContain('30% off road shoes, today only');
  await visitorContext.close();

  // Profile lookup: the visitor, found by the start of their id, with their timeline.
  await nav(page, 'Profiles').click();
  await expect(page.getByRole('heading', { name: 'Profiles' })).toBeVisible();
  await page.getByLabel('Find a visitor').fill(stored.visitorId.slice(0, 10));
  await page.getByLabel('Search in').selectOption('visitor');
  const found = page.getByRole('link', { name: stored.visitorId });
  await expect
    .poll(async () => {
      await page.getByRole('button', { name: /Search/ }).click();
      await expect(page.getByRole('button', { name: 'Search' })).toBeEnabled();
      return found.count();
    }, SLOW)
    .toBe(1);
  await shot(page, 'profiles');
  await found.click();
  await expect(page.getByRole('heading', { name: 'Anonymous visitor' })).toBeVisible();
  await expect(page.locator('section', { hasText: 'Preferences they told you' }).locator('.kv')).toContainText('road');
  // Stored membership covers profile rules (the utm rule is checked per request).
  await expect(page.getByRole('main').getByRole('link', { name: 'Road runners', exact: true })).toBeVisible();
  await expect(page.getByRole('row', { name: /Road sale banner/ })).toBeVisible();
  const timeline = page.locator('section.card', { has: page.locator('ol.timeline') });
  await expect(timeline).toContainText('Told us sport = road');
  await expect(timeline).toContainText(/Viewed/);
  await shot(page, 'profile');
  // Preview as this visitor: Preview & QA opens with their id.
  await page.getByRole('link', { name: 'Preview as this visitor' }).click();
  await expect(page.getByLabel('Visitor id')).toHaveValue(stored.visitorId);
  await page.goBack();
  await expect(page.getByRole('heading', { name: 'Anonymous visitor' })).toBeVisible();

  // The overview now has traffic.
  await nav(page, 'Overview').click();
  await expect(page.getByText('Live visitors')).toBeVisible(SLOW);
  await expect(page.getByRole('img', { name: /Events per minute/ })).toBeVisible();
  await shot(page, 'overview');

  // The audit log lists what this marketer did.
  await nav(page, 'Audit log').click();
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  const log = page.locator('table.audit');
  await expect(log).toContainText('created segment "road-runners-2"');
  await expect(log).toContainText('created message "road-sale-banner"');
  await expect(log).toContainText('created slot "road-sale-strip"');
  await expect(log).toContainText('updated site');
  await expect(log.getByRole('row').nth(1)).toContainText('updated message "road-sale-banner"');
  await expect(log.getByRole('row').nth(1)).toContainText('admin');
  await shot(page, 'audit');

  // Deleting a segment still in use is refused, with the reason.
  await nav(page, 'Segments').click();
  await page.getByRole('link', { name: 'Road runners 2' }).click();
  await page.getByRole('button', { name: 'Delete segment…' }).click();
  await page.getByRole('button', { name: 'Yes, delete it' }).click();
  await expect(page.getByRole('alert')).toContainText('Used by');

  // Log out: back to the sign-in screen.
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  expect(csp, 'CSP violations on the dashboard').toEqual([]);
});

test('a drafted item that changed live since is refused at publish, naming it; the draft can be discarded', async ({ page }) => {
  await signIn(page);
  await page.goto('/_wm/dashboard/#/s/demo/messages/training-survey');
  await expect(page.getByLabel('Title', { exact: true })).toHaveValue('Before you go');
  await page.getByLabel('Priority').fill('42');
  await page.getByRole('button', { name: 'Save message' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  // Someone else changes the same message live in the meantime (same session, straight through the API).
  const csrf = (await (await page.request.get('/_wm/admin/api/session')).json()).csrfToken as string;
  const site = (await (await page.request.get('/_wm/admin/api/sites/demo')).json()) as { version: number };
  const res = await page.request.put('/_wm/admin/api/sites/demo/messages/training-survey', {
    headers: { 'X-WM-CSRF': csrf },
    data: { ...(await (await page.request.get('/_wm/admin/api/sites/demo/messages/training-survey')).json()).item, priority: 41, baseVersion: site.version },
  });
  expect(res.status()).toBe(200);
  await page.reload();
  const bar = draftBar(page);
  await expect(bar.getByRole('alert')).toContainText('messages/training-survey');
  await bar.getByRole('button', { name: 'Publish', exact: true }).click();
  await expect(bar.getByRole('alert').last()).toContainText('live changed since the draft copied messages/training-survey');
  await bar.getByRole('button', { name: 'Discard…' }).click();
  await bar.getByRole('button', { name: 'Yes, discard it' }).click();
  await expect(bar.getByRole('status')).toContainText('Draft discarded.');
  await page.reload();
  await expect(page.getByLabel('Priority')).toHaveValue('41');
});

test('profile lookup: bad and unknown visitor ids have clear states', async ({ page }) => {
  await signIn(page);
  await page.goto('/_wm/dashboard/#/s/demo/profiles');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.locator('.search .field-errors')).toContainText('Enter a user id');
  await page.goto('/_wm/dashboard/#/s/demo/profiles/not-an-id');
  await expect(page.getByRole('heading', { name: 'That is not a visitor id' })).toBeVisible();
  await page.goto(`/_wm/dashboard/#/s/demo/profiles/${'A'.repeat(22)}`);
  await expect(page.getByRole('heading', { name: 'No profile' })).toBeVisible();
});

test('preview mode renders drafts posted from the edge’s own origin only, and records nothing', async ({ page }) => {
  const draft = {
    id: 'pv-test',
    variant: 'preview',
    type: 'toast',
    title: 'Preview only',
    body: 'Draft body',
    priority: 0,
    trigger: { on: 'time', seconds: 999 },
  };
  // The page on another origin (localhost vs 127.0.0.1) frames the preview page and posts to it.
  const other = new URL(test.info().project.use.baseURL!);
  other.hostname = 'localhost';
  await page.goto(new URL('/', other).href);
  // The cart page has no slot and this browser no messages: only preview mode makes the worker
  // inject wm-ui.js there.
  const previewUrl = new URL('/cart?wm_preview=1', test.info().project.use.baseURL!).href;
  await page.evaluate((src) => {
    const f = document.createElement('iframe');
    f.src = src;
    f.width = '800';
    f.height = '600';
    document.body.append(f);
  }, previewUrl);
  const frame = page.frameLocator('iframe[src*="wm_preview=1"]');
  await expect.poll(() => page.frames().some((f) => f.url().includes('wm_preview=1')), { timeout: 20_000 }).toBe(true);
  const inFrame = page.frames().find((f) => f.url().includes('wm_preview=1'))!;
  await expect.poll(() => inFrame.evaluate(() => !!(window as unknown as { wmPv?: number }).wmPv), { timeout: 20_000 }).toBe(true);
  /** Resolves once the frame handled every message posted to it before this one. */
  const settled = () =>
    inFrame.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const on = (e: MessageEvent) => e.data === 'wm-e2e-sync' && (removeEventListener('message', on), resolve());
          addEventListener('message', on);
          postMessage('wm-e2e-sync', '*');
        }),
    );
  // The edge's own origin: shown at once (the time trigger is ignored).
  await inFrame.evaluate((m) => postMessage({ wm: 'preview', message: m }, '*'), draft);
  await expect(frame.locator('[data-wm-message="pv-test"] .w')).toContainText('Draft body');
  // A foreign origin (the framing page): ignored.
  await page.evaluate((m) => document.querySelector('iframe')!.contentWindow!.postMessage({ wm: 'preview', message: { ...m, id: 'pv-foreign' } }, '*'), draft);
  await settled();
  await expect(frame.locator('[data-wm-message]')).toHaveCount(1);
  await expect(frame.locator('[data-wm-message="pv-test"] .w')).toContainText('Draft body');
  // Same origin, but not a valid message (a number as body): never rendered; the draft it
  // replaces goes (the dashboard says why the draft cannot show).
  await inFrame.evaluate((m) => postMessage({ wm: 'preview', message: { ...m, id: 'pv-bad', body: 42 } }, '*'), draft);
  await settled();
  await expect(frame.locator('[data-wm-message]')).toHaveCount(0);
  // An edit replaces the draft on screen.
  await inFrame.evaluate((m) => postMessage({ wm: 'preview', message: { ...m, body: 'Edited draft' } }, '*'), draft);
  await expect(frame.locator('[data-wm-message="pv-test"] .w')).toContainText('Edited draft');
  await expect(frame.locator('[data-wm-message]')).toHaveCount(1);
  // Nothing recorded: no impression in this browser's profile for the edge's origin.
  const me = await page.request.get(new URL('/_wm/me?site=demo', test.info().project.use.baseURL!).href);
  if (me.status() === 200) expect(await me.text()).not.toContain('pv-test');
  // A page opened without ?wm_preview=1 does not listen at all.
  await page.goto('/');
  await page.waitForFunction(() => !!(window as unknown as { wmUi?: number }).wmUi, undefined, { timeout: 20_000 });
  expect(await page.evaluate(() => (window as unknown as { wmPv?: number }).wmPv)).toBeUndefined();
});
