// The visual editor (issue #12 point 1) on ten saved real-world pages it has never seen
// (e2e/editor-pages/: news, documentation, shop, single-page app, blog, landing, pricing, forum,
// a dashboard-like app under Trusted Types, search results), half in proxy mode (through the real
// worker, from an upstream this spec runs, at http://vedit.test:<port>) and half in snippet mode
// (the page with the tag the site pasted, on the site's own origin: another local server, framed
// with allow-same-origin as a real snippet-mode site is). On each page,
// through the dashboard in Chromium:
//   - several element kinds are picked; the proposed selector matches exactly the picked element
//     on the page (the browser's own querySelectorAll) and the dashboard says "1";
//   - raw-text and active elements (svg internals, iframe, textarea, script, style, template,
//     noscript, head, math) are refused, and the selector stays as it was;
//   - a slot is created on one pick with a variant for a segment, shown live in the framed page,
//     saved; a matching visitor then sees it on that page.
// Screenshots of hover, pick and variant editing go to e2e/artifacts/.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request as apiRequest, type Frame, type Page } from '@playwright/test';
import { expect, resending, test } from './support/test';
import { mouseClick } from './support/editor-frame';
import { publishDraft } from './support/drafts';
import { chromiumLaunchOptions } from './support/browser';

const PORT = Number(process.env['WM_E2E_PORT'] ?? 8788);
const BASE = `http://127.0.0.1:${PORT}`;
const PROXY_HOST = 'vedit.test';
const PROXY_ORIGIN = `http://${PROXY_HOST}:${PORT}`;
const STAMP = Date.now().toString(36);
const PROXY_SITE = `ve-proxy-${STAMP}`;
const SNIPPET_SITE = `ve-snippet-${STAMP}`;
const SEGMENT = 'everyone';
/** The dashboard-like app is served with Trusted Types enforced; the editor must work under it. */
const TRUSTED_TYPES = "require-trusted-types-for 'script'; trusted-types waymark waymark-ui";

type Case = {
  file: string;
  mode: 'proxy' | 'snippet';
  /** Elements to pick (this spec's own locators); `dispatch` ones get a click event on themselves (containers). */
  picks: { at: string; dispatch?: boolean }[];
  /** Elements that may never be picked. */
  forbidden: string[];
};

const CASES: Case[] = [
  {
    file: 'news',
    mode: 'proxy',
    picks: [{ at: 'h1.headline' }, { at: '[data-testid="breaking-banner"]' }, { at: '.story-card >> nth=1', dispatch: true }, { at: '.copyright' }],
    forbidden: ['#masthead svg path', 'iframe', 'noscript', 'title', 'head script'],
  },
  {
    file: 'docs',
    mode: 'snippet',
    picks: [{ at: 'h1' }, { at: '.admonition', dispatch: true }, { at: 'p.lead' }, { at: 'code.language-toml' }],
    forbidden: ['textarea', 'template', 'style'],
  },
  {
    file: 'shop',
    mode: 'proxy',
    picks: [{ at: '.product-title' }, { at: '.price' }, { at: '[data-testid="add-to-cart"]' }, { at: '.product-tile >> nth=1', dispatch: true }],
    forbidden: ['.rating svg path', 'head style'],
  },
  {
    file: 'spa',
    mode: 'snippet',
    picks: [{ at: '.view-title' }, { at: '.upgrade-banner' }, { at: '.task-title >> nth=0' }, { at: '[data-testid="new-task"]' }],
    forbidden: ['body > script'],
  },
  {
    file: 'blog',
    mode: 'proxy',
    picks: [{ at: '.entry-title' }, { at: '.intro' }, { at: '.newsletter-cta', dispatch: true }, { at: '.site-description' }],
    forbidden: ['math mi', 'iframe'],
  },
  {
    file: 'landing',
    mode: 'snippet',
    picks: [{ at: '.hero-heading' }, { at: '[data-cta="hero-primary"]' }, { at: '.feature-card >> nth=1', dispatch: true }, { at: '.signup-title' }],
    forbidden: ['.logos svg rect', 'body > script'],
  },
  {
    file: 'pricing',
    mode: 'proxy',
    picks: [{ at: '.pricing-title' }, { at: '.plan-price >> nth=1' }, { at: '.badge' }, { at: '.faq-item >> nth=0', dispatch: true }],
    forbidden: ['noscript'],
  },
  {
    file: 'forum',
    mode: 'snippet',
    picks: [{ at: '.thread-title' }, { at: '#post_2 .cooked p' }, { at: '.reply-button' }, { at: '[data-widget="related-topics"]', dispatch: true }],
    forbidden: ['textarea', '.avatar svg circle >> nth=0'],
  },
  {
    file: 'app-dashboard',
    mode: 'proxy',
    picks: [{ at: '.page-title' }, { at: '.announcement' }, { at: '.kpi-value >> nth=1' }, { at: '[data-testid="export"]' }],
    forbidden: ['head style', 'title'],
  },
  {
    file: 'search',
    mode: 'snippet',
    picks: [{ at: '#result-stats' }, { at: '.ad-link' }, { at: '.related-title' }, { at: '.next-page' }],
    forbidden: ['head title'],
  },
];

test.use({
  viewport: { width: 1600, height: 1000 },
  launchOptions: { ...chromiumLaunchOptions, args: [...(chromiumLaunchOptions?.args ?? []), `--host-resolver-rules=MAP ${PROXY_HOST} 127.0.0.1`] },
});
test.describe.configure({ mode: 'serial' });

const saved = (file: string) => readFileSync(`e2e/editor-pages/${file}.html`, 'utf8');
/** Snippet mode: the saved page as the site serves it, with the Waymark tag the site pasted. */
const withTag = (file: string) => saved(file).replace('</head>', `<script async src="${BASE}/_wm/wm.js" data-site="${SNIPPET_SITE}"></script>\n</head>`);

let upstream: Server;
/** Snippet mode: the site's own origin (the upstream server, serving /ve-snippet/<file>.html with the tag). */
let siteOrigin = '';
test.beforeAll(async () => {
  // Proxy mode's upstream: the saved pages as they are (the worker injects the tag).
  upstream = createServer((req, res) => {
    const name = (req.url ?? '/').slice(1).split('?')[0] ?? '';
    const [, snippet, file] = /^(ve-snippet\/)?([a-z-]+)\.html$/.exec(name) ?? [];
    if (!file || !CASES.some((c) => c.file === file)) return void res.writeHead(404).end();
    const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8' };
    if (file === 'app-dashboard') headers['content-security-policy'] = TRUSTED_TYPES;
    res.writeHead(200, headers).end(snippet ? withTag(file) : saved(file));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const upstreamPort = (upstream.address() as AddressInfo).port;
  siteOrigin = `http://127.0.0.1:${upstreamPort}`;

  const admin = resending(await apiRequest.newContext({ baseURL: BASE }));
  const login = await admin.post('/_wm/admin/api/login', { data: { password: 'waymark-demo' } });
  expect(login.status()).toBe(200);
  const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
  const everyone = [{ id: SEGMENT, name: 'Everyone', condition: { everyone: true } }];
  for (const [id, extra] of [
    [PROXY_SITE, { origins: [], proxy: { upstream: `http://127.0.0.1:${upstreamPort}`, hostnames: [PROXY_HOST] } }],
    [SNIPPET_SITE, { origins: [siteOrigin] }],
  ] as const) {
    const created = await admin.put(`/_wm/admin/api/sites/${id}`, {
      headers: { 'X-WM-CSRF': csrf },
      data: { name: `Visual editor ${id}`, version: 0, consentPolicy: 'opt-out', segments: everyone, slots: [], ...extra },
    });
    expect(created.status(), await created.text()).toBe(200);
  }
  await admin.dispose();
});

test.afterAll(async () => {
  await new Promise((resolve) => upstream.close(resolve));
});

/** Where the dashboard runs: on the proxied host in proxy mode (the page's wm-ui.js talks to its own origin), on the edge in snippet mode. */
const dashboardOf = (c: Case) => (c.mode === 'proxy' ? PROXY_ORIGIN : BASE);
/** Where the page is. */
const originOf = (c: Case) => (c.mode === 'proxy' ? PROXY_ORIGIN : siteOrigin);
const siteOf = (c: Case) => (c.mode === 'proxy' ? PROXY_SITE : SNIPPET_SITE);
const pathOf = (c: Case) => (c.mode === 'proxy' ? `/${c.file}.html` : `/ve-snippet/${c.file}.html`);

/** Signs in on `origin`'s dashboard and opens the visual editor on the case's page; returns the editor's frame. */
async function openEditor(page: Page, c: Case): Promise<Frame> {
  await page.goto(`${dashboardOf(c)}/_wm/dashboard/`);
  await page.getByLabel('Password').fill('waymark-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Sites' })).toBeVisible();
  await page.goto(`${dashboardOf(c)}/_wm/dashboard/#/s/${siteOf(c)}/visual`);
  if (c.mode === 'snippet') await page.getByLabel('Site origin').selectOption(siteOrigin);
  await page.locator('#visual-path').fill(pathOf(c));
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  // The editor answered the handshake: the loading notice goes.
  await expect(page.locator('.frame-state')).toHaveCount(0, { timeout: 20_000 });
  const frame = page.frames().find((f) => f.url().includes(pathOf(c)) && f.url().includes('wm_edit=1'));
  expect(frame, 'the framed page').toBeTruthy();
  return frame!;
}

/** Picks `at` in the framed page; returns the proposed selector after checking it matches exactly that element. */
async function pickAndCheck(page: Page, frame: Frame, at: string, dispatch = false): Promise<string> {
  const target = frame.locator(at).first();
  await target.evaluate((el) => ((el as unknown as { wmTestPicked: boolean }).wmTestPicked = true));
  const before = await page.locator('#visual-selector').inputValue();
  if (dispatch) await target.dispatchEvent('click');
  else await mouseClick(page, frame, at);
  await expect(page.locator('#visual-selector')).not.toHaveValue(before === '' ? /^$/ : new RegExp(`^${before.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  const selector = await page.locator('#visual-selector').inputValue();
  const exact = await frame.evaluate((s) => {
    const found = [...document.querySelectorAll(s)];
    return found.length === 1 && (found[0] as unknown as { wmTestPicked?: boolean }).wmTestPicked === true;
  }, selector);
  expect(exact, `${at} → ${selector} matches exactly the picked element`).toBe(true);
  await expect(page.locator('[data-pick-panel] [data-matches]')).toHaveAttribute('data-matches', '1');
  await target.evaluate((el) => delete (el as unknown as { wmTestPicked?: boolean }).wmTestPicked);
  return selector;
}

for (const c of CASES) {
  test(`${c.file} (${c.mode} mode): picks stable selectors, refuses unsafe targets, saves a slot a visitor sees`, async ({ page, browser }) => {
    test.setTimeout(90_000);
    const violations: string[] = [];
    page.on('console', (m) => m.type() === 'error' && /Content.Security.Policy|TrustedHTML|TrustedScriptURL/i.test(m.text()) && violations.push(m.text()));
    const frame = await openEditor(page, c);

    const selectors: string[] = [];
    for (const p of c.picks) selectors.push(await pickAndCheck(page, frame, p.at, p.dispatch));
    expect(new Set(selectors).size, 'each pick its own selector').toBe(selectors.length);

    for (const bad of c.forbidden) {
      const before = await page.locator('#visual-selector').inputValue();
      await frame.locator(bad).first().dispatchEvent('click');
      await expect(page.locator('[data-refused]'), bad).toBeVisible();
      await expect(page.locator('#visual-selector')).toHaveValue(before);
    }

    // A slot on the first pick, with a variant for the segment, shown live, then saved.
    const selector = await pickAndCheck(page, frame, c.picks[0]!.at, c.picks[0]!.dispatch);
    await expect(page.locator('[data-slot-panel] h2')).toContainText('New slot');
    const fill = `Personalized ${c.file} for you`;
    await page.getByRole('button', { name: 'Add variant' }).click();
    await page.locator('[data-variant="0"] select').first().selectOption(SEGMENT);
    await page.locator('[data-variant="0"] textarea').fill(fill);
    await expect.poll(() => frame.evaluate((s) => document.querySelector(s)?.textContent, selector)).toBe(fill);
    if (c.file === 'shop') await page.screenshot({ path: 'e2e/artifacts/visual-editor-variant.png' });
    await page.getByRole('button', { name: 'Create slot' }).click();
    await expect(page.getByText(/^Saved slot /)).toBeVisible();
    // Picked again: the slot that targets it opens.
    await frame.locator(c.picks[0]!.at).first().dispatchEvent('click');
    await expect(page.locator('[data-slot-panel] h2')).toContainText('Slot');
    await expect(page.locator('[data-slot-panel] h2')).not.toContainText('New slot');
    expect(violations, 'no CSP or Trusted Types violation').toEqual([]);
    if (c.file === 'app-dashboard')
      expect(await frame.evaluate(() => 'trustedTypes' in window && document.querySelector('script[src*="wm-editor.js"]') !== null)).toBe(true);

    // Saved to the site's draft (docs/drafts-and-versions.md): live once published.
    await publishDraft(page);
    // A matching visitor (every visitor is in "everyone") sees the slot on that page.
    const visitorContext = await browser.newContext();
    const visitor = await visitorContext.newPage();
    await expect(async () => {
      await visitor.goto(`${originOf(c)}${pathOf(c)}`);
      await expect(visitor.locator(selector)).toHaveText(fill, { timeout: 5_000 });
    }).toPass({ timeout: 30_000 });
    // The editor is nowhere on a visitor's page.
    expect(await visitor.locator('script[src*="wm-editor.js"]').count()).toBe(0);
    await visitorContext.close();
  });
}

test('widen and narrow, screenshots of hover and pick, and the message editor’s Pick on page', async ({ page }) => {
  test.setTimeout(90_000);
  const c = CASES.find((x) => x.file === 'shop')!;
  const frame = await openEditor(page, c);
  await mouseClick(page, frame, '.review-count', false);
  await page.screenshot({ path: 'e2e/artifacts/visual-editor-hover.png' });
  const first = await pickAndCheck(page, frame, '.review-count');
  await page.screenshot({ path: 'e2e/artifacts/visual-editor-pick.png' });
  await page.getByRole('button', { name: 'Widen (parent)' }).click();
  await expect(page.locator('#visual-selector')).not.toHaveValue(first);
  const wider = await page.locator('#visual-selector').inputValue();
  expect(await frame.evaluate((s) => document.querySelector(s)?.contains(document.querySelector('.review-count')), wider)).toBe(true);
  await page.getByRole('button', { name: 'Narrow (child)' }).click();
  await expect(page.locator('#visual-selector')).toHaveValue(first);
  // A typed selector that matches several elements is counted and warned about.
  await page.locator('#visual-selector').fill('.product-tile');
  await expect(page.locator('[data-matches]')).toHaveAttribute('data-matches', '2');
  await expect(page.locator('[data-matches]')).toContainText('Matches 2 elements');
  await page.locator('#visual-selector').fill('.nothing-here');
  await expect(page.locator('[data-matches]')).toContainText('Matches nothing');

  // An inline message's target, picked on the page.
  await page.goto(`${PROXY_ORIGIN}/_wm/dashboard/#/s/${PROXY_SITE}/messages/new`);
  await page.getByLabel('Type').selectOption('inline');
  await page.getByRole('button', { name: 'Pick on page' }).click();
  await page.locator('[data-page-picker] #visual-path').fill('/shop.html');
  await page.locator('[data-page-picker]').getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.locator('[data-page-picker] .frame-state')).toHaveCount(0, { timeout: 20_000 });
  const picker = page.frames().find((f) => f.url().includes('/shop.html') && f.url().includes('wm_edit=1'))!;
  await picker.locator('.promo-note').dispatchEvent('click');
  await expect(page.locator('[data-page-picker] [data-matches]')).toHaveAttribute('data-matches', '1');
  const picked = await page.locator('[data-page-picker] #visual-selector').inputValue();
  await page.getByRole('button', { name: 'Use this selector' }).click();
  await expect(page.getByLabel('Place it in (CSS selector)')).toHaveValue(picked);
  expect(picked).toBe('.promo-note');
});
