// Marketer-authored message text can never run script: every payload in xss-payloads.json goes
// through every field of a message decision that wm-ui.js renders (title, body, CTA text and href,
// survey pref, option labels and values, message id, inline target) in Chromium, straight from a
// faked edge, so not even the edge's own validation stands in front of the renderer. Any dialog,
// window.__xss, request to another host, page error, navigation, or element or attribute the
// renderer does not make itself fails the test. Needs no server: the page's origin is a made-up
// host answered by page.route, with the built wm.js and wm-ui.js from dist/public (npm run build).
import { readFileSync } from 'node:fs';
import { type Page } from '@playwright/test';
import { expect, test } from './support/test';
import type { Batch, CollectResponse, MessageDecision } from '../protocol/wire';

const payloads = JSON.parse(readFileSync(new URL('../protocol/content/xss-payloads.json', import.meta.url), 'utf8')) as string[];

const ORIGIN = 'http://waymark.test';
const PAGE = '/xss-messages.html';
/** The snippet as built: what a site serves under /_wm/. */
const BUILT = (name: string) => readFileSync(new URL(`../dist/public/_wm/${name}`, import.meta.url), 'utf8');
/** Served for every other same-host path: if a payload manages to load a script, it runs this. */
const HOSTILE_JS = 'window.__xss=1;alert(1)';
/** What the renderer itself makes inside a message's shadow root. */
const RENDERED_TAGS = ['div', 'button', 'h2', 'p', 'a'];

declare global {
  interface Window {
    __xss?: unknown;
  }
}

type Findings = { dialogs: string[]; errors: string[]; foreign: string[]; events: number };

/** A page with one inline target per payload; the tag as a site would paste it. */
function pageHtml(count: number): string {
  const targets = Array.from({ length: count }, (_, i) => `<div id="t${i}" class="target"></div>`).join('');
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>xss messages</title>' +
    '<script>window.wm=window.wm||function(){(wm.q=wm.q||[]).push(arguments)}</script>' +
    `<script async src="/_wm/wm.js" data-site="demo"></script></head><body><main>${targets}</main></body></html>`
  );
}

/** The faked edge, the page and the hostile same-host files; records anything suspicious. */
async function setUp(page: Page, decisions: MessageDecision[], count: number): Promise<Findings> {
  const found: Findings = { dialogs: [], errors: [], foreign: [], events: 0 };
  page.on('dialog', (d) => {
    found.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => found.errors.push(e.message));
  await page.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== ORIGIN) {
      found.foreign.push(url.href);
      return route.abort();
    }
    if (url.pathname === PAGE) return route.fulfill({ contentType: 'text/html; charset=utf-8', body: pageHtml(count) });
    if (url.pathname === '/_wm/wm.js' || url.pathname === '/_wm/wm-ui.js')
      return route.fulfill({ contentType: 'text/javascript', body: BUILT(url.pathname.slice(5)) });
    if (url.pathname === '/_wm/e') {
      const batch = JSON.parse(route.request().postData() ?? '{}') as Batch;
      found.events += batch.events?.length ?? 0;
      const body: CollectResponse = { vid: 'xss-visitor', accepted: [], duplicates: [], rejected: [], decisions };
      return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) }).catch(() => {});
    }
    if (url.pathname === '/_wm/decide') return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ decisions }) });
    return route.fulfill({ contentType: 'text/javascript', body: HOSTILE_JS });
  });
  return found;
}

/** Everything in the page that wm-ui.js should not have made (runs in the page). */
function inspect(args: { tags: string[]; count: number }): string[] {
  const allowed = new Set(args.tags);
  const problems: string[] = [];
  const hosts = [...document.querySelectorAll('[data-wm-message]')];
  // Light DOM: the page's own elements plus message hosts, nothing else.
  for (const el of document.body.querySelectorAll('*')) {
    if (el.matches('main, .target, [data-wm-message]')) continue;
    problems.push(`page: element ${el.localName} ${el.outerHTML.slice(0, 120)}`);
  }
  for (const el of document.head.querySelectorAll('*')) {
    if (el.matches('meta, title, script:not([src]), script[src="/_wm/wm.js"], script[src$="/_wm/wm-ui.js"], link[rel="modulepreload"]')) continue;
    problems.push(`head: element ${el.outerHTML.slice(0, 120)}`);
  }
  for (const host of hosts) {
    const label = host.getAttribute('data-wm-message');
    for (const attr of host.attributes) if (attr.name !== 'data-wm-message') problems.push(`${label}: host[${attr.name}]`);
    for (const el of host.shadowRoot?.querySelectorAll('*') ?? []) {
      if (!allowed.has(el.localName) || el.namespaceURI !== 'http://www.w3.org/1999/xhtml') problems.push(`${label}: element ${el.localName}`);
      for (const attr of el.attributes) {
        if (/^on/i.test(attr.name) || /^(src|srcdoc|style|formaction|action)$/i.test(attr.name)) problems.push(`${label}: ${el.localName}[${attr.name}]`);
      }
      if (el instanceof HTMLAnchorElement && !/^https?:$/.test(new URL(el.href, location.href).protocol)) problems.push(`${label}: a → ${el.href}`);
    }
  }
  return problems;
}

test.describe.configure({ mode: 'parallel' });

/**
 * One page per group: each payload is an inline message of its own (title, body, CTA text, CTA
 * href) and, with the payload as its target and id, a second one; a survey overlay carries the
 * group's payloads as its title, body, pref, option labels and values. Its first option is clicked.
 */
const GROUP = 24;
for (let start = 0; start < payloads.length; start += GROUP) {
  const group = payloads.slice(start, start + GROUP);
  test(`message payloads ${start}-${start + group.length - 1}`, async ({ page }) => {
    const base = { kind: 'message', variant: 'v1', trigger: { on: 'load' }, priority: 0, why: 'xss' } as const;
    const decisions: MessageDecision[] = [
      ...group.map((p, i): MessageDecision => ({ ...base, id: `inline-${i}`, type: 'inline', target: `#t${i}`, title: p, body: p, cta: { text: p, href: p } })),
      ...group.map((p): MessageDecision => ({ ...base, id: p, variant: p, type: 'inline', target: p, body: p })),
      {
        ...base,
        id: 'survey',
        type: 'survey',
        priority: 10,
        title: group[0]!,
        body: group[1] ?? group[0]!,
        cta: { text: group[2] ?? group[0]!, href: group[3] ?? group[0]! },
        survey: { pref: group[4] ?? group[0]!, options: group.map((p) => ({ value: p, label: p })) },
      },
    ];
    const found = await setUp(page, decisions, group.length);
    await page.goto(`${ORIGIN}${PAGE}`);
    await page.waitForFunction(() => 'wmUi' in window);
    // Every payload-bearing inline message was drawn: the payloads really reached the renderer.
    for (let i = 0; i < group.length; i++) await expect(page.locator(`#t${i} [data-wm-message="inline-${i}"]`)).toHaveCount(1);
    const dialog = page.getByRole('dialog');
    await expect(dialog).toBeVisible();
    const texts = await page
      .locator('[data-wm-message^="inline-"]')
      .evaluateAll((hosts) => hosts.map((h) => h.shadowRoot?.querySelector('.b')?.textContent ?? null));
    expect(texts, 'each body is the payload as plain text').toEqual(group);
    await dialog.getByRole('button').nth(1).click(); // the first option (0 is Close)
    // Handlers fire on later tasks (image errors, focus, animations): give them time.
    await page.waitForTimeout(300);

    const context = `payloads ${start}-${start + group.length - 1}: ${JSON.stringify(group)}`;
    expect(found.dialogs, `dialogs (${context})`).toEqual([]);
    expect(await page.evaluate(() => window.__xss), `window.__xss (${context})`).toBeUndefined();
    expect(found.foreign, 'requests to other hosts').toEqual([]);
    expect(found.errors, 'page errors').toEqual([]);
    expect(await page.evaluate(inspect, { tags: RENDERED_TAGS, count: group.length }), 'what is in the DOM').toEqual([]);
    expect(new URL(page.url()).pathname, 'no navigation').toBe(PAGE);
    // The survey answer went out as ordinary events (prefs + survey_answer), nothing else broke.
    await expect.poll(() => found.events).toBeGreaterThan(0);
  });
}

test('the harness catches a renderer that used innerHTML', async ({ page }) => {
  const found = await setUp(page, [], 1);
  await page.goto(`${ORIGIN}${PAGE}`);
  await page.evaluate(() => {
    const host = document.createElement('div');
    host.setAttribute('data-wm-message', 'bad');
    document.querySelector('#t0')!.append(host);
    host.attachShadow({ mode: 'open' }).innerHTML = '<p class="b"><img src=x onerror="alert(1);window.__xss=1"><a href="javascript:1">x</a></p>';
  });
  await expect.poll(() => found.dialogs.length).toBeGreaterThan(0);
  await expect.poll(() => page.evaluate(() => window.__xss)).toBe(1);
  expect(await page.evaluate(inspect, { tags: RENDERED_TAGS, count: 1 })).toEqual(
    expect.arrayContaining(['bad: element img', 'bad: img[onerror]', 'bad: img[src]', 'bad: a → javascript:1']),
  );
});
