// Marketer HTML can never run script: every payload in xss-payloads.json is rendered the way the
// edge renders slot content, then put into a real page twice: parsed with the document (as the
// edge's HTMLRewriter delivers a slot) and set as innerHTML of a Shadow DOM root (as the snippet
// fills a slot). Payloads try alert(1), window.__xss=1, requests to other hosts and hostile
// same-host scripts; any sign of any of them fails the test. Needs no server: the page's origin
// is a made-up host answered by page.route.
import { readFileSync } from 'node:fs';
import { type Page } from '@playwright/test';
import { expect, test } from './support/test';
import { renderContent } from '../protocol/content/render';

const payloads = JSON.parse(readFileSync(new URL('../protocol/content/xss-payloads.json', import.meta.url), 'utf8')) as string[];

const ORIGIN = 'http://waymark.test';
/** Served for every same-host subresource: if a payload manages to load a script, it runs this. */
const HOSTILE_JS = 'window.__xss=1;alert(1)';
const ALLOWED_TAGS = new Set('p div span h1 h2 h3 h4 strong b em i u small br hr ul ol li a img blockquote figure figcaption section'.split(' '));

declare global {
  interface Window {
    __xss?: unknown;
  }
}

type Findings = { dialogs: string[]; console: string[]; errors: string[]; foreign: string[] };

async function watch(page: Page): Promise<Findings> {
  const found: Findings = { dialogs: [], console: [], errors: [], foreign: [] };
  page.on('dialog', (d) => {
    found.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('console', (m) => found.console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => found.errors.push(e.message));
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== ORIGIN) {
      found.foreign.push(url.href);
      return route.abort();
    }
    if (url.pathname === '/') return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>xss</title>' });
    return route.fulfill({ contentType: 'text/javascript', body: HOSTILE_JS });
  });
  return found;
}

/** What is left in the slots and shadow roots that should not be there (runs in the page). */
function inspect(allowedTags: string[]): string[] {
  const allowed = new Set(allowedTags);
  const problems: string[] = [];
  const roots: [string, ParentNode][] = [];
  for (const slot of document.querySelectorAll('[data-wm-slot]')) roots.push([slot.getAttribute('data-wm-slot')!, slot]);
  for (const host of document.querySelectorAll('[data-host]')) roots.push([`${host.getAttribute('data-host')} (shadow)`, host.shadowRoot!]);
  for (const [label, root] of roots) {
    for (const el of root.querySelectorAll('*')) {
      const name = el.localName;
      if (!allowed.has(name) || el.namespaceURI !== 'http://www.w3.org/1999/xhtml') problems.push(`${label}: element ${name}`);
      for (const attr of el.attributes) if (/^on/i.test(attr.name)) problems.push(`${label}: ${name}[${attr.name}]`);
      const url = el instanceof HTMLAnchorElement ? el.href : el instanceof HTMLImageElement ? el.src : '';
      if (url && !url.startsWith(`${location.origin}/`) && !/^(https?|mailto|tel):/.test(url)) problems.push(`${label}: ${name} → ${url}`);
    }
  }
  return problems;
}

test.describe.configure({ mode: 'parallel' });

/**
 * Payloads go 20 to a page, each in its own slot and its own shadow root: one page load per group
 * keeps the suite quick, and every finding names the payload it came from.
 */
const GROUP = 20;
for (let start = 0; start < payloads.length; start += GROUP) {
  const group = payloads.slice(start, start + GROUP).map((payload, i) => ({ index: start + i, html: renderContent({ type: 'html', html: payload }) }));
  test(`payloads ${start}-${start + group.length - 1}`, async ({ page }) => {
    const found = await watch(page);
    await page.goto(`${ORIGIN}/`);
    // Parsed with the page, as a slot arrives from the edge.
    const slots = group.map((p) => `<div data-wm-slot="payload-${p.index}">${p.html}</div><div data-host="payload-${p.index}"></div>`).join('');
    await page.setContent(`<!doctype html><title>xss</title>${slots}`);
    // Set through innerHTML in a shadow root, as the snippet fills a slot.
    await page.evaluate((items) => {
      for (const p of items) document.querySelector(`[data-host="payload-${p.index}"]`)!.attachShadow({ mode: 'open' }).innerHTML = p.html;
    }, group);
    // Handlers fire on later tasks (image errors, focus, animations, meta refresh): give them time.
    await page.waitForTimeout(300);

    const problems = await page.evaluate(inspect, [...ALLOWED_TAGS]);
    const context = `payloads ${start}-${start + group.length - 1}: ${JSON.stringify(payloads.slice(start, start + GROUP))}`;
    expect(found.dialogs, `dialogs (${context})`).toEqual([]);
    expect(await page.evaluate(() => window.__xss), `window.__xss (${context})`).toBeUndefined();
    expect(found.foreign, 'requests to other hosts').toEqual([]);
    expect(found.console, 'console messages').toEqual([]);
    expect(found.errors, 'page errors').toEqual([]);
    expect(problems, 'what is left in the DOM').toEqual([]);
    expect(page.url(), 'no navigation').toBe(`${ORIGIN}/`);
  });
}

test('a safe slot still renders its content', async ({ page }) => {
  const found = await watch(page);
  await page.goto(`${ORIGIN}/`);
  const html = renderContent({ type: 'html', html: '<h3>Still thinking it over?</h3><p>Your cart is saved. <a href="/cart" target="_blank">Pick up</a>.</p>' });
  await page.setContent(`<div data-wm-slot="promo">${html}</div>`);
  await expect(page.getByRole('link', { name: 'Pick up' })).toHaveAttribute('rel', 'noopener noreferrer');
  await expect(page.locator('[data-wm-slot] h3')).toHaveText('Still thinking it over?');
  expect(found).toEqual({ dialogs: [], console: [], errors: [], foreign: [] });
});

test('the harness itself catches an unsanitized payload', async ({ page }) => {
  const found = await watch(page);
  await page.goto(`${ORIGIN}/`);
  await page.setContent(`<div data-wm-slot="x"><img src=x onerror="alert(1);window.__xss=1"><img src="//evil.example/x.png"></div><div data-host="x"></div>`);
  await page.evaluate(() => {
    document.querySelector('[data-host="x"]')!.attachShadow({ mode: 'open' }).innerHTML = '<svg><a href="javascript:1"></a></svg>';
  });
  await expect.poll(() => found.dialogs.length).toBeGreaterThan(0);
  await expect.poll(() => page.evaluate(() => window.__xss)).toBe(1);
  await expect.poll(() => found.foreign).toEqual(['http://evil.example/x.png']);
  expect(await page.evaluate(inspect, [...ALLOWED_TAGS])).toEqual(expect.arrayContaining(['x: img[onerror]', 'x (shadow): element svg']));
});
