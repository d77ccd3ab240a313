// Proxy mode on saved real-world pages (issue #11 point 10), in Chromium through the real worker:
// pages in windows-1252 and GBK (charset in the Content-Type header, in <meta> only, or nowhere)
// and a page whose <base href> points at another host, served by an upstream this spec runs, for
// a site whose `proxy.hostnames` are not in its `origins`. Chromium reaches the worker as
// http://realpages.test:<port> (--host-resolver-rules), so the worker picks the site by hostname.
//   - a filled slot with é, €, 中文 and an emoji reads exactly right (textContent) under every charset;
//   - outside the filled slots the page's bytes are unchanged, the tag and data-wm-proxied are the
//     only additions, and the tag is injected exactly once;
//   - with <base href="https://elsewhere.example/">, wm.js loads from the proxied origin, and the
//     snippet's batches arrive (accepted although `origins` is empty).
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request as apiRequest, type Page } from '@playwright/test';
import { expect, resending, test } from './support/test';
import { chromiumLaunchOptions } from './support/browser';

const PORT = Number(process.env['WM_E2E_PORT'] ?? 8788);
const HOSTNAME = 'realpages.test';
const PAGE_ORIGIN = `http://${HOSTNAME}:${PORT}`;
const SITE = `real-pages-${Date.now().toString(36)}`;
const SEGMENT = 'charset-check';
const FILL = 'Caf\u00e9 \u20ac5 \u4e2d\u6587 \ud83d\ude00';
const PAGES = ['windows-1252', 'gbk'].flatMap((charset) => ['header', 'meta', 'none'].map((declared) => `${charset}.${declared}.html`));
/** The page's own title, where the browser is told the charset (so it must decode the untouched bytes right). */
const TITLES: Record<string, string> = {
  'windows-1252': 'Caf\u00e9 & Cr\u00e8me \u2013 Boutique en ligne',
  gbk: '\u5929\u6c14\u65b0\u95fb\u7f51 \u2014 \u4eca\u65e5\u5934\u6761',
};
/** The README's stub, as the worker injects it (edge/src/personalize/rewrite.ts STUB). */
const STUB = 'window.wm=window.wm||function(){(wm.q=wm.q||[]).push(arguments)}';
const TAG = `<script>${STUB}</script><script async src="${PAGE_ORIGIN}/_wm/wm.js" data-site="${SITE}"></script>`;

test.use({ launchOptions: { ...chromiumLaunchOptions, args: [...(chromiumLaunchOptions?.args ?? []), `--host-resolver-rules=MAP ${HOSTNAME} 127.0.0.1`] } });
test.describe.configure({ mode: 'serial' });

const saved = (name: string) => readFileSync(`e2e/fixtures/real-pages/${name}`);

/** The site's upstream: the saved pages, with the Content-Type their file name says. */
let upstream: Server;
test.beforeAll(async () => {
  upstream = createServer((req, res) => {
    const name = (req.url ?? '/').slice(1).split('?')[0] ?? '';
    if (!/^[a-z0-9-]+\.(header|meta|none)\.html$|^base-href\.html$/.test(name)) return void res.writeHead(404).end();
    const charset = name.endsWith('.header.html') ? `; charset=${name.split('.')[0]}` : name === 'base-href.html' ? '; charset=utf-8' : '';
    res.writeHead(200, { 'content-type': `text/html${charset}` }).end(saved(name));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const upstreamPort = (upstream.address() as AddressInfo).port;

  const admin = resending(await apiRequest.newContext({ baseURL: `http://127.0.0.1:${PORT}` }));
  const login = await admin.post('/_wm/admin/api/login', { data: { password: 'waymark-demo' } });
  expect(login.status()).toBe(200);
  const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
  const created = await admin.put(`/_wm/admin/api/sites/${SITE}`, {
    headers: { 'X-WM-CSRF': csrf },
    data: {
      name: 'Saved real-world pages',
      version: 0,
      origins: [], // the proxied hostname is enough
      consentPolicy: 'opt-out',
      segments: [{ id: SEGMENT, name: 'Charset check', condition: { pref: 'charset', test: { op: 'eq', value: 'yes' } } }],
      slots: [{ id: 'hero', name: 'Hero', variants: [{ segment: SEGMENT, priority: 1, content: { type: 'html', html: `<h2>${FILL}</h2>` } }] }],
      proxy: { upstream: `http://127.0.0.1:${upstreamPort}`, hostnames: [HOSTNAME] },
    },
  });
  expect(created.status(), await created.text()).toBe(200);
  await admin.dispose();
});

test.afterAll(async () => {
  await new Promise((resolve) => upstream.close(resolve));
});

/**
 * The page through the worker as `cookie`'s visitor, read as bytes in Node (no browser decoding).
 * A dropped connection (a busy local workerd) is tried again, twice at most.
 */
function proxiedBytes(name: string, cookie: string, tries = 3): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: PORT, path: `/${name}`, headers: { host: `${HOSTNAME}:${PORT}`, accept: 'text/html', cookie } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks)));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  }).catch((err: unknown) => (tries > 1 ? proxiedBytes(name, cookie, tries - 1) : Promise.reject(err)));
}

const count = (haystack: Buffer, needle: string) => {
  let n = 0;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) n++;
  return n;
};

/**
 * `out` is `page` with only: data-wm-proxied on <html>, the tag once before </head>, and the
 * hero slot's content replaced (ASCII only) and marked filled. Returns the inserted slot HTML.
 */
function expectOnlyOurChanges(page: Buffer, out: Buffer): string {
  expect(count(out, '/_wm/wm.js'), 'the tag is injected exactly once').toBe(1);
  expect(count(out, TAG)).toBe(1);
  expect(out.indexOf(`${TAG}</head>`)).toBeGreaterThan(0);
  const withoutOurs = Buffer.from(out.toString('latin1').replace(TAG, '').replace(' data-wm-proxied=""', ''), 'latin1');
  const marker = 'data-wm-slot="hero"';
  const [pageStart, outStart] = [page.indexOf(marker), withoutOurs.indexOf(marker)];
  expect(withoutOurs.subarray(0, outStart).equals(page.subarray(0, pageStart)), 'bytes before the slot').toBe(true);
  // The slot's own end tag (the saved pages nest no element of the same name in a slot).
  const element = /<([a-z0-9]+)[^<]*$/.exec(page.subarray(0, pageStart).toString('latin1'))?.[1] ?? '';
  const closer = page.indexOf(`</${element}>`, pageStart);
  const rest = page.subarray(closer);
  const outCloser = withoutOurs.lastIndexOf(rest);
  expect(outCloser + rest.length, 'bytes after the slot').toBe(withoutOurs.length);
  const opened = withoutOurs.subarray(outStart, outCloser).toString('latin1');
  expect(opened).toMatch(new RegExp(`^${marker} data-wm-filled="${SEGMENT}" v-pre="" ngnonbindable="">`));
  const inserted = opened.slice(opened.indexOf('>') + 1);
  expect(inserted, 'inserted HTML is ASCII').toMatch(/^[\x00-\x7f]*$/);
  return inserted;
}

async function visitorCookie(page: Page): Promise<string> {
  const cookie = (await page.context().cookies(PAGE_ORIGIN)).find((c) => c.name === 'wm_vid');
  expect(cookie, 'the first event batch set the visitor cookie').toBeDefined();
  return `wm_vid=${cookie!.value}`;
}

test('a filled slot reads exactly right under every charset; the page’s own bytes are unchanged', async ({ page }) => {
  test.setTimeout(90_000);
  // First visit: a new visitor gets an id; their prefs put them in the segment.
  await page.goto(`${PAGE_ORIGIN}/windows-1252.header.html`);
  const sent = page.waitForResponse((r) => r.url() === `${PAGE_ORIGIN}/_wm/e` && r.request().postData()?.includes('"charset"') === true);
  await page.evaluate(() => (window as unknown as { wm: (...a: unknown[]) => void }).wm('prefs', { charset: 'yes' }));
  expect((await sent).status(), 'a batch from the proxied hostname is accepted').toBe(200);
  const cookie = await visitorCookie(page);

  for (const name of PAGES) {
    await page.goto(`${PAGE_ORIGIN}/${name}`);
    const hero = page.locator('[data-wm-slot="hero"]');
    await expect(hero, name).toHaveAttribute('data-wm-filled', SEGMENT);
    expect(await hero.locator('h2').textContent(), `${name} (decoded as ${await page.evaluate(() => document.characterSet)})`).toBe(FILL);
    const charset = name.split('.')[0]!;
    if (!name.includes('.none.')) {
      expect(await page.evaluate(() => document.characterSet.toLowerCase()), name).toBe(charset);
      expect(await page.title(), name).toBe(TITLES[charset]);
    }
    expect(await page.locator('script[src$="/_wm/wm.js"]').count(), name).toBe(1);
    expect(await page.evaluate(() => document.documentElement.hasAttribute('data-wm-proxied')), name).toBe(true);

    const inserted = expectOnlyOurChanges(saved(name), await proxiedBytes(name, cookie));
    expect(inserted, name).toContain('&#x20ac;');
  }
});

test('with <base href> elsewhere, wm.js loads from the proxied origin and events arrive', async ({ page }) => {
  const elsewhere: string[] = [];
  await page.route('https://elsewhere.example/**', (route) => {
    elsewhere.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  const snippet = page.waitForResponse((r) => new URL(r.url()).pathname === '/_wm/wm.js');
  const batch = page.waitForResponse((r) => new URL(r.url()).pathname === '/_wm/e');
  await page.goto(`${PAGE_ORIGIN}/base-href.html`);
  expect((await snippet).url()).toBe(`${PAGE_ORIGIN}/_wm/wm.js`);
  const arrived = await batch;
  expect(arrived.url()).toBe(`${PAGE_ORIGIN}/_wm/e`);
  expect(arrived.status()).toBe(200);
  expect(((await arrived.json()) as { accepted: string[] }).accepted.length).toBeGreaterThan(0);
  expect(elsewhere.filter((url) => url.includes('/_wm/'))).toEqual([]);
  // Only the page's own relative assets went to its base.
  expect(elsewhere.every((url) => url.startsWith('https://elsewhere.example/theme/'))).toBe(true);

  const cookie = await visitorCookie(page);
  const out = await proxiedBytes('base-href.html', cookie);
  expect(count(out, '/_wm/wm.js'), 'the tag is injected exactly once').toBe(1);
  expect(out.toString('utf8')).toContain(`<base href="https://elsewhere.example/">`);
  expect(Buffer.from(out.toString('utf8').replace(TAG, '').replace(' data-wm-proxied=""', '')).equals(saved('base-href.html'))).toBe(true);
});
