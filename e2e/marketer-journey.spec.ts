/**
 * Issue #12 point 7, "end to end, as a marketer with no developer", in Chromium against the real
 * worker, on a site of this spec's own (no other spec sees its drafts, versions or approval
 * setting): the demo shop's pages come from an upstream this spec runs, proxied by the worker at
 * http://marketer.test:<port> (proxy mode) and served with the pasted tag on the upstream's own
 * origin (snippet mode). As the admin (the marketer):
 *   1. the visual editor on a product page: an element with no data-wm-slot is picked, a slot is
 *      created on it with a variant for "Road runners" (pref sport = road), saved to the draft;
 *   2. a QA link forcing that segment with the draft, opened in a fresh browser context: the
 *      variant and the preview badge, nothing recorded;
 *   3. published: a road runner sees the variant in proxy mode and in snippet mode, a visitor who
 *      never answered sees the default;
 *   4. reverted in Versions to the version before: the road runner sees the default again;
 *   5. with Require approval on, an editor (invited in Team, accepting in a fresh context) puts the
 *      variant back in the visual editor: they cannot publish, they submit, the change waits; the
 *      admin approves; it is live.
 * Screenshots: e2e/artifacts/marketer-*.png. No CSP violation on any of these pages.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, type BrowserContext, type Frame, type Page } from '@playwright/test';
import { expect, resending, test } from './support/test';
import { mouseClick } from './support/editor-frame';
import { draftBar, publishDraft } from './support/drafts';
import { chromiumLaunchOptions } from './support/browser';

const PORT = Number(process.env['WM_E2E_PORT'] ?? 8788);
const BASE = `http://127.0.0.1:${PORT}`;
const HOST = 'marketer.test';
const PROXY_ORIGIN = `http://${HOST}:${PORT}`;
const STAMP = Date.now().toString(36);
const SITE = `marketer-${STAMP}`;
const SEGMENT = 'road-runners';
const PRODUCT = '/product/ridgeline-trail-runner';
/** The element the marketer personalizes: the price line, which the page never marked as a slot. */
const PICKED = 'p.price';
const DEFAULT_TEXT = '$139.00';
const VARIANT_TEXT = 'Road runners: $129.00 with free returns';
const EDITOR_TEXT = 'Road runners: $125.00 this week';
const BADGE = '[data-wm-qa-badge]';
const SLOW = { timeout: 45_000 };

test.use({
  viewport: { width: 1440, height: 1000 },
  launchOptions: { ...chromiumLaunchOptions, args: [...(chromiumLaunchOptions?.args ?? []), `--host-resolver-rules=MAP ${HOST} 127.0.0.1`] },
});

const shot = (page: Page, name: string, fullPage = false) => page.screenshot({ path: `e2e/artifacts/marketer-${name}.png`, fullPage });

/** CSP violations (console reports and securitypolicyviolation events) in every page of `context`. */
function watchCsp(context: BrowserContext, violations: string[]): void {
  void context.exposeFunction('__wmCsp', (v: string) => violations.push(v));
  void context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __wmCsp: (v: string) => void }).__wmCsp(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  context.on('console', (m) => {
    if (/Content Security Policy|Trusted Type|Refused to (load|execute|apply|frame|connect)/i.test(m.text())) violations.push(m.text());
  });
}

const TAG = '<script async src="/_wm/wm.js" data-site="demo"></script>';
let upstream: Server;
/** Snippet mode: the site's own origin (this spec's upstream), whose pages carry the tag the site pasted. */
let siteOrigin = '';

test.beforeAll(async () => {
  // The demo shop's pages. Proxy mode: without a tag (the worker injects the site's). Snippet
  // mode (/snip/…): with the tag pointing at the edge and naming this site.
  upstream = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://upstream');
    const snippet = url.pathname.startsWith('/snip/');
    const path = snippet ? url.pathname.slice('/snip'.length) : url.pathname;
    if (path.startsWith('/assets/') && !path.includes('..')) {
      try {
        const type = path.endsWith('.css')
          ? 'text/css'
          : path.endsWith('.js')
            ? 'text/javascript'
            : path.endsWith('.svg')
              ? 'image/svg+xml'
              : 'application/octet-stream';
        return void res.writeHead(200, { 'content-type': type }).end(readFileSync(`e2e/demo${path}`));
      } catch {
        return void res.writeHead(404).end();
      }
    }
    const file = path === '/' ? 'index' : /^\/(product|category)\/[a-z0-9-]+$/.test(path) ? path.slice(1) : null;
    if (file === null) return void res.writeHead(404).end();
    const html = readFileSync(`e2e/demo/${file}.html`, 'utf8');
    if (!html.includes(TAG)) return void res.writeHead(500).end(`no demo tag in ${file}`);
    const tag = snippet ? `<script async src="${BASE}/_wm/wm.js" data-site="${SITE}"></script>` : '';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html.replace(TAG, tag));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const upstreamPort = (upstream.address() as AddressInfo).port;
  siteOrigin = `http://127.0.0.1:${upstreamPort}`;
});

test.afterAll(async () => {
  await new Promise((resolve) => upstream.close(resolve));
});

/**
 * A request from inside `page` (same cookies, and the browser's host mapping for marketer.test,
 * which Playwright's API request context does not have).
 */
async function inPage(page: Page, url: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; body: unknown }> {
  return page.evaluate(
    async ([u, i]) => {
      const res = await fetch(u, { ...i, credentials: 'include' });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* not JSON: the text */
      }
      return { status: res.status, body };
    },
    [url, init] as const,
  );
}

/** A visitor in `browser`'s fresh context who answers "Road running" (or nothing) on the home page of `origin`. */
async function newVisitor(browser: Browser, origin: string, violations: string[], sport?: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  watchCsp(context, violations);
  const page = await context.newPage();
  page.request = resending(page.request);
  if (sport) {
    await page.goto(`${origin}/`);
    const sent = page.waitForResponse((r) => new URL(r.url()).pathname === '/_wm/e' && r.request().postData()?.includes(sport) === true, SLOW);
    await page.selectOption('[data-wm-pref="sport"]', sport);
    expect((await sent).status()).toBeLessThan(300);
    // Proxy mode: the edge has the answer and put the visitor in the segment. (Snippet mode's
    // /_wm/me is on the edge's origin, not the page's: the product page shows the same below.)
    if (origin === PROXY_ORIGIN)
      await expect
        .poll(async () => {
          const { status, body } = await inPage(page, `${origin}/_wm/me?site=${SITE}`);
          return status === 200 ? (body as { segments: { id: string }[] }).segments.map((s) => s.id) : [];
        }, SLOW)
        .toContain(SEGMENT);
  }
  return { context, page };
}

/** `page` shows `text` in the picked element on the product page of `origin` (re-loaded until the edge's copy has it). */
async function expectOnProduct(page: Page, origin: string, selector: string, text: string): Promise<void> {
  await expect(async () => {
    await page.goto(`${origin}${PRODUCT}`);
    await expect(page.locator(selector)).toHaveText(text, { timeout: 5_000 });
  }).toPass(SLOW);
}

async function signIn(page: Page): Promise<void> {
  await page.goto(`${PROXY_ORIGIN}/_wm/dashboard/`);
  await page.getByLabel('Password').fill('waymark-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Sites' })).toBeVisible();
}

/** Opens the visual editor on the product page (proxy mode); returns the framed page. */
async function openEditor(page: Page): Promise<Frame> {
  await page.goto(`${PROXY_ORIGIN}/_wm/dashboard/#/s/${SITE}/visual`);
  await page.locator('#visual-path').fill(PRODUCT);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.locator('.frame-state')).toHaveCount(0, { timeout: 30_000 });
  const frame = page.frames().find((f) => f.url().includes(PRODUCT) && f.url().includes('wm_edit=1'));
  expect(frame, 'the framed page').toBeTruthy();
  return frame!;
}

/** Picks the price line and gives it a variant for Road runners with `text`; returns the proposed selector. */
async function pickAndVary(page: Page, frame: Frame, text: string): Promise<string> {
  // The page never marked it, nor anything around it, as a slot.
  expect(await frame.locator(PICKED).evaluate((el) => el.closest('[data-wm-slot]') === null)).toBe(true);
  await mouseClick(page, frame, PICKED);
  await expect(page.locator('[data-pick-panel] [data-matches]')).toHaveAttribute('data-matches', '1');
  const selector = await page.locator('#visual-selector').inputValue();
  expect(await frame.evaluate((s) => [...document.querySelectorAll(s)].map((e) => e.className), selector)).toEqual(['price']);
  await expect(page.locator('[data-slot-panel] h2')).toContainText('New slot');
  await page.getByRole('button', { name: 'Add variant' }).click();
  await page.locator('[data-variant="0"] select').first().selectOption(SEGMENT);
  await page.locator('[data-variant="0"] textarea').fill(text);
  await expect.poll(() => frame.evaluate((s) => document.querySelector(s)?.textContent, selector)).toBe(text);
  return selector;
}

test('a marketer personalizes a product page, checks it by QA link, publishes, reverts, and approves an editor’s change', async ({ page, browser }) => {
  test.setTimeout(420_000); // many browsers and pages on a shared machine
  const violations: string[] = [];
  watchCsp(page.context(), violations);

  // The site: the demo shop behind the worker, with one segment a visitor enters by answering.
  const admin = page.request;
  const login = await admin.post(`${BASE}/_wm/admin/api/login`, { data: { password: 'waymark-demo' } });
  expect(login.status()).toBe(200);
  const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
  const created = await admin.put(`${BASE}/_wm/admin/api/sites/${SITE}`, {
    headers: { 'X-WM-CSRF': csrf },
    data: {
      name: 'Marketer shop',
      version: 0,
      consentPolicy: 'opt-out',
      origins: [siteOrigin],
      proxy: { upstream: siteOrigin, hostnames: [HOST] },
      segments: [{ id: SEGMENT, name: 'Road runners', condition: { pref: 'sport', test: { op: 'eq', value: 'road' } } }],
      slots: [],
    },
  });
  expect(created.status(), await created.text()).toBe(200);

  let selector = '';
  await test.step('1. the visual editor: a slot on an unmarked element, a variant for Road runners, saved to the draft', async () => {
    await signIn(page);
    const frame = await openEditor(page);
    selector = await pickAndVary(page, frame, VARIANT_TEXT);
    await shot(page, 'editor-variant');
    await page.getByRole('button', { name: 'Create slot' }).click();
    await expect(page.getByText(/^Saved slot /)).toBeVisible();
    await expect(draftBar(page)).toContainText('1 change not live yet');
    await shot(page, 'editor-saved');
  });

  await test.step('2. a QA link forcing Road runners with the draft, opened in a fresh browser: the variant, the badge, nothing recorded', async () => {
    await page.goto(`${PROXY_ORIGIN}/_wm/dashboard/#/s/${SITE}/qa`);
    const links = page.getByRole('region', { name: 'Shareable QA links' });
    await links.getByLabel('Show the page as').selectOption('segment');
    await links.getByLabel('Segment', { exact: true }).selectOption(SEGMENT);
    await links.getByLabel('Content').selectOption('draft');
    await links.getByLabel('Label').fill('Road runner price');
    await links.getByLabel('Opens on').fill(PRODUCT);
    await links.getByRole('button', { name: 'Create QA link' }).click();
    const url = await page.getByTestId('created-qa-link').getByLabel('QA link').inputValue();
    expect(url.startsWith(`${PROXY_ORIGIN}${PRODUCT}?wm_qa=`)).toBe(true);
    await shot(page, 'qa-link', true);

    const qa = await browser.newContext();
    watchCsp(qa, violations);
    const tab = await qa.newPage();
    tab.request = resending(tab.request);
    await tab.goto(url);
    await expect(tab.locator(selector)).toHaveText(VARIANT_TEXT);
    await expect(tab.locator(BADGE).locator('span')).toHaveText(`Waymark preview: segment ${SEGMENT} (draft)`);
    await shot(tab, 'qa-opened');
    // Nothing recorded: no visitor cookie, no profile.
    expect((await qa.cookies()).map((c) => c.name)).not.toContain('wm_vid');
    expect((await inPage(tab, `${PROXY_ORIGIN}/_wm/me?site=${SITE}`)).status).not.toBe(200);
    await qa.close();
  });

  await test.step('3. published: a road runner sees the variant in proxy and snippet mode, a visitor who never answered the default', async () => {
    await page.goto(`${PROXY_ORIGIN}/_wm/dashboard/#/s/${SITE}/visual`);
    await publishDraft(page);
    await shot(page, 'published');

    const proxied = await newVisitor(browser, PROXY_ORIGIN, violations, 'road');
    await expectOnProduct(proxied.page, PROXY_ORIGIN, selector, VARIANT_TEXT);
    await expect(proxied.page.locator('html')).toHaveAttribute('data-wm-proxied', '');
    await shot(proxied.page, 'visitor-proxy');
    await proxied.context.close();

    const snippet = await newVisitor(browser, `${siteOrigin}/snip`, violations, 'road');
    await expectOnProduct(snippet.page, `${siteOrigin}/snip`, selector, VARIANT_TEXT);
    await expect(snippet.page.locator('html')).not.toHaveAttribute('data-wm-proxied', /.*/);
    await shot(snippet.page, 'visitor-snippet');
    await snippet.context.close();

    const other = await newVisitor(browser, PROXY_ORIGIN, violations);
    await other.page.goto(`${PROXY_ORIGIN}${PRODUCT}`);
    await expect(other.page.locator(selector)).toHaveText(DEFAULT_TEXT);
    await shot(other.page, 'visitor-default');
    await other.context.close();
  });

  await test.step('4. reverted to the version before: the road runner sees the default again', async () => {
    await page.goto(`${PROXY_ORIGIN}/_wm/dashboard/#/s/${SITE}/versions`);
    const rows = page.locator('table.versions tbody tr');
    await expect(rows).toHaveCount(2);
    await expect(rows.first()).toContainText('published the draft');
    await shot(page, 'versions', true);
    await page.goto(`${PROXY_ORIGIN}/_wm/dashboard/#/s/${SITE}/versions/1`);
    await page.getByRole('button', { name: 'Revert to version 1…' }).click();
    await page.getByRole('button', { name: 'Yes, revert' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Reverted' })).toContainText('version 3 is live, equal to version 1');
    await shot(page, 'reverted', true);

    const runner = await newVisitor(browser, PROXY_ORIGIN, violations, 'road');
    await expectOnProduct(runner.page, PROXY_ORIGIN, selector, DEFAULT_TEXT);
    await shot(runner.page, 'visitor-after-revert');
    await runner.context.close();
  });

  await test.step('5. with approval required, an invited editor’s change waits for the admin, who approves it', async () => {
    await page.goto(`${PROXY_ORIGIN}/_wm/dashboard/#/s/${SITE}/settings`);
    await page.getByLabel('Require approval to publish').check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();

    // Team → an editor, invited by link.
    await page.goto(`${PROXY_ORIGIN}/_wm/dashboard/#/team`);
    const name = `editor-${STAMP}`;
    const invite = page.getByRole('form', { name: 'Invite someone' });
    await invite.getByLabel('Name or email').fill(name);
    await invite.getByLabel('Role').selectOption('editor');
    await invite.getByRole('button', { name: 'Create invitation link' }).click();
    const link = await page.getByTestId('invite-link').getByLabel('invitation link').inputValue();
    await shot(page, 'team-invite', true);

    const theirs = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    watchCsp(theirs, violations);
    const editor = await theirs.newPage();
    editor.request = resending(editor.request);
    await editor.goto(link);
    await editor.getByLabel('Password', { exact: true }).fill('a long editor password');
    await editor.getByLabel('Password again').fill('a long editor password');
    await editor.getByRole('button', { name: 'Set password and sign in' }).click();
    await expect(editor.getByTestId('signed-in')).toHaveText(new RegExp(`Signed in as ${name}\\s*editor`));

    // The editor puts a Road runners price back on the same element, in the visual editor.
    const frame = await openEditor(editor);
    const theirSelector = await pickAndVary(editor, frame, EDITOR_TEXT);
    await editor.getByRole('button', { name: 'Create slot' }).click();
    await expect(editor.getByText(/^Saved slot /)).toBeVisible();
    // Their draft: no Publish for them, only Submit for review; the API refuses them too.
    const bar = draftBar(editor);
    await expect(bar.getByRole('button', { name: 'Submit for review' })).toBeVisible();
    // The admin has the site open meanwhile: their draft bar follows without a reload.
    await page.goto(`${PROXY_ORIGIN}/_wm/dashboard/#/s/${SITE}/overview`);
    await expect(draftBar(page)).toContainText('1 change not live yet');
    await expect(draftBar(page)).not.toContainText('waiting for approval');
    await expect(bar.getByRole('button', { name: 'Publish', exact: true })).toHaveCount(0);
    const session = (await inPage(editor, `${PROXY_ORIGIN}/_wm/admin/api/session`)).body as { csrfToken: string; role: string };
    expect(session.role).toBe('editor');
    const refused = await inPage(editor, `${PROXY_ORIGIN}/_wm/admin/api/sites/${SITE}/draft/publish`, {
      method: 'POST',
      headers: { 'x-wm-csrf': session.csrfToken },
    });
    expect(refused.status).toBe(403);
    await bar.getByRole('button', { name: 'Submit for review' }).click();
    await expect(bar.getByRole('status')).toContainText('Submitted for review.');
    await expect(bar).toContainText('waiting for approval');
    await shot(editor, 'editor-submitted');

    // It waits: a road runner still sees the default.
    const runner = await newVisitor(browser, PROXY_ORIGIN, violations, 'road');
    await runner.page.goto(`${PROXY_ORIGIN}${PRODUCT}`);
    await expect(runner.page.locator(theirSelector)).toHaveText(DEFAULT_TEXT);

    // The admin approves: live.
    const adminBar = draftBar(page);
    await expect(adminBar).toContainText(`waiting for approval (submitted by user:${name}`, { timeout: 30_000 });
    await adminBar.getByRole('button', { name: 'Show changes' }).click();
    await expect(adminBar).toContainText(EDITOR_TEXT);
    await shot(page, 'approval', true);
    await adminBar.getByRole('button', { name: 'Approve' }).click();
    await expect(adminBar.getByRole('status')).toContainText(/Approved and published: version \d+ is live/);
    await expectOnProduct(runner.page, PROXY_ORIGIN, theirSelector, EDITOR_TEXT);
    await shot(runner.page, 'visitor-approved');
    await runner.context.close();
    await theirs.close();
  });

  expect(violations, violations.join('\n')).toEqual([]);
});
