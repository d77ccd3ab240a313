// Safe targets in Chromium, both modes (protocol/content/targets.ts): a page with every element a
// slot must never fill (e2e/fixtures/safe-targets.html: script, style, textarea, title, noscript,
// template, iframe, object, embed, xmp, noembed, noframes, SVG/MathML script, style and
// foreignObject, <head>, <html>, <body>, plaintext), each reachable by data-wm-slot and by class.
// Whatever the decisions say, their script payloads run 0 times and nothing is requested from
// another host; only the ordinary #ok slot is filled, and it carries v-pre and ngNonBindable.
//   proxy mode: a site created through the admin API, proxied for host "localhost" (the worker
//     serves the page from its assets and fills it in HTMLRewriter);
//   snippet mode: the page as a non-proxied site serves it, and a fake edge answering with
//     decisions no config write would accept (selectors naming script, style, head content…).
import { readFileSync } from 'node:fs';
import { type APIRequestContext, type Page } from '@playwright/test';
import { expect, test } from './support/test';
import type { CollectResponse, SlotDecision } from '../protocol/wire';

const PORT = process.env['WM_E2E_PORT'] ?? '8788';
const PATH = '/fixtures/safe-targets.html';
const PAYLOAD = 'window.__pwned=(window.__pwned||0)+1';
const CSS_PAYLOAD = '@import url(http://evil.example/pwn.css);';
const RUN = Date.now().toString(36);
/** The README's one-line stub. */
const STUB = 'window.wm=window.wm||function(){(wm.q=wm.q||[]).push(arguments)}';

declare global {
  interface Window {
    __pwned?: number;
    __ran?: number;
  }
}

/** Logs in to the admin API (the demo password); returns the CSRF token. */
async function admin(request: APIRequestContext): Promise<string> {
  const login = await request.post('/_wm/admin/api/login', { data: { password: 'waymark-demo' } });
  expect(login.status()).toBe(200);
  return ((await login.json()) as { csrfToken: string }).csrfToken;
}

/** Requests to any host but `host`, from now on. */
function foreignRequests(page: Page, host: string): string[] {
  const seen: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (/^https?:$/.test(url.protocol) && url.host !== host) seen.push(r.url());
  });
  return seen;
}

/** What must hold on the page once #ok is filled. */
async function assertNothingElseFilled(page: Page, foreign: string[]): Promise<void> {
  await expect(page.locator('#ok')).toHaveAttribute('data-wm-filled', /.+/);
  await expect(page.locator('#ok')).toHaveAttribute('v-pre', '');
  await expect(page.locator('#ok')).toHaveAttribute('ngnonbindable', '');
  // Give any late script, style or fill a moment to act (nothing may).
  await page.waitForTimeout(300);
  const state = await page.evaluate(() => ({
    pwned: window.__pwned,
    ran: window.__ran,
    filled: [...document.querySelectorAll('[data-wm-filled]')].map((e) => e.id || e.localName),
    scripts: [...document.querySelectorAll('script.t')].map((s) => s.textContent),
  }));
  expect(state.pwned, 'payload executions').toBeUndefined();
  // The page's own three scripts (head, body, svg) ran as written.
  expect(state.ran).toBe(3);
  expect(state.filled).toEqual(['ok']);
  for (const text of state.scripts) expect(text).toBe('window.__ran = (window.__ran || 0) + 1');
  expect(foreign, 'requests to other hosts').toEqual([]);
}

test.describe('proxy mode', () => {
  const site = `safe-${RUN}`;
  const host = `localhost:${PORT}`;

  test.beforeAll(async ({ request }) => {
    const csrf = await admin(request);
    const text = (id: string, t: string, selector?: string) => ({
      id,
      name: id,
      ...(selector ? { selector } : {}),
      variants: [{ segment: 'everyone', priority: 1, content: { type: 'text', text: t } }],
    });
    const created = await request.put(`/_wm/admin/api/sites/${site}`, {
      headers: { 'X-WM-CSRF': csrf },
      data: {
        name: 'Safe targets',
        version: 0,
        origins: [`http://${host}`],
        consentPolicy: 'opt-out',
        segments: [{ id: 'everyone', name: 'Everyone', condition: { everyone: true } }],
        // Every selector here passes the write check: none names an unsafe element by itself.
        slots: [
          text('ok', 'Filled for everyone'),
          text('js', PAYLOAD),
          text('by-class', PAYLOAD, '.t'),
          text('by-attr', CSS_PAYLOAD, '[data-wm-slot="js"]'),
          text('by-div', PAYLOAD, 'div.t'),
        ],
        proxy: { upstream: 'assets', hostnames: ['localhost'] },
      },
    });
    expect(created.status(), await created.text()).toBe(200);
  });

  test.afterAll(async ({ request }) => {
    // Free "localhost" for the next run (a hostname belongs to one site).
    const csrf = await admin(request);
    const current = await request.get(`/_wm/admin/api/sites/${site}`);
    const config = ((await current.json()) as { site: Record<string, unknown> }).site;
    delete config['proxy'];
    const freed = await request.put(`/_wm/admin/api/sites/${site}`, { headers: { 'X-WM-CSRF': csrf }, data: config });
    expect(freed.status(), await freed.text()).toBe(200);
  });

  test('the worker fills only the ordinary slot: 0 executions, 0 requests to other hosts', async ({ page }) => {
    const url = `http://${host}${PATH}`;
    // The injected snippet records a page view (a profile); its batch sets the visitor cookie.
    await page.goto(url);
    let html = '';
    await expect
      .poll(
        async () => {
          html = await (await page.request.get(url, { headers: { accept: 'text/html' } })).text();
          return html.includes('data-wm-filled');
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    // The HTML as served: one filled element, marked for template engines; no payload anywhere.
    expect(html.split('data-wm-filled').length - 1).toBe(1);
    expect(html).toMatch(/<div id="ok" data-wm-slot="ok" data-wm-filled="everyone" v-pre="" ngnonbindable="">Filled for everyone<\/div>/);
    expect(html).not.toContain('__pwned');
    expect(html).not.toContain('evil.example');

    const foreign = foreignRequests(page, host);
    await page.goto(url);
    await assertNothingElseFilled(page, foreign);
  });
});

test.describe('snippet mode', () => {
  const slot = (id: string, html: string, selector?: string): SlotDecision => ({
    kind: 'slot',
    id,
    html,
    segment: 'everyone',
    why: 'e2e',
    ...(selector ? { selector } : {}),
  });
  // Decisions no config write would accept, as a hand-edited config or a broken edge could send them.
  const HOSTILE: SlotDecision[] = [
    slot('ok', 'Filled for everyone'),
    slot('js', PAYLOAD),
    ...[
      'script',
      'svg script',
      'head *',
      'html',
      'body',
      '.t',
      'div',
      'template',
      'noscript',
      'iframe',
      'object div',
      'foreignObject div',
      'math *',
      'title',
    ].map((selector, i) => slot(`s${i}`, PAYLOAD, selector)),
    slot('css', CSS_PAYLOAD, 'style'),
    slot('img', '<img src="http://evil.example/pixel.gif" alt="">', 'textarea, xmp, noembed, noframes, plaintext'),
  ];

  test('wm-ui.js fills only the ordinary slot: 0 executions, 0 requests to other hosts', async ({ page, baseURL }) => {
    const host = new URL(baseURL!).host;
    const tag = `<script>${STUB}</script><script async src="/_wm/wm.js" data-site="demo"></script>`;
    await page.route(
      (url) => url.pathname === PATH,
      (route) =>
        route.fulfill({
          status: 200,
          contentType: 'text/html; charset=utf-8',
          body: readFileSync(`e2e${PATH}`, 'utf8').replace('</head>', `${tag}</head>`),
        }),
    );
    await page.route(
      (url) => url.pathname === '/_wm/e',
      (route) => {
        const body: CollectResponse = { vid: 'e2e-visitor', accepted: [], duplicates: [], rejected: [], decisions: HOSTILE };
        return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) }).catch(() => {});
      },
    );
    await page.route(
      (url) => url.pathname === '/_wm/decide',
      (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ decisions: HOSTILE }) }).catch(() => {}),
    );
    const foreign = foreignRequests(page, host);
    await page.goto(PATH);
    await expect(page.locator('#ok')).toHaveText('Filled for everyone');
    await assertNothingElseFilled(page, foreign);
  });
});
