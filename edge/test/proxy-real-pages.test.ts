// Proxy mode on real-world pages (issue #11 point 10): inserted HTML reads the same under any
// charset, the injected tag resolves to the proxied origin whatever the page's <base href>, and a
// proxied hostname's pages may send batches without being listed again in `origins`.
import { createExecutionContext, SELF, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SlotDecision } from '../../protocol/wire';
import type { SiteConfigInput } from '../../protocol/config/site';
import { DEMO_SITE } from '../src/demo/seed';
import worker from '../src/index';
import { rewritePage, STUB } from '../src/personalize/rewrite';
import { BASE, makeEvent } from './helpers';

const OPTIONS = { snippetSrc: '/_wm/wm.js', site: 'demo' };
const TAG = `<script>${STUB}</script><script async src="/_wm/wm.js" data-site="demo"></script>`;
const FILL = 'Caf\u00e9 cr\u00e8me \u20ac5 \u4e2d\u6587 \ud83d\ude00';
const FILL_ASCII = 'Caf&#xe9; cr&#xe8;me &#x20ac;5 &#x4e2d;&#x6587; &#x1f600;';
const slot: SlotDecision = { kind: 'slot', id: 'hero', segment: 'trail', html: `<h1 title="${FILL}">${FILL}</h1>`, why: 'test' };

/** ASCII strings and raw bytes (a legacy charset's encoding, written out by hand) as one byte array. */
function bytes(...parts: (string | number[])[]): Uint8Array {
  const out: number[] = [];
  for (const part of parts) {
    if (typeof part === 'string') {
      for (const ch of part) {
        const code = ch.charCodeAt(0);
        if (code > 0x7f) throw new Error(`not ASCII: ${ch}`);
        out.push(code);
      }
    } else out.push(...part);
  }
  return Uint8Array.from(out);
}

// "Café – 10 €" in windows-1252, and "中文网页" in GBK: text outside the slot that must keep its bytes.
const WINDOWS_1252_TEXT = [0x43, 0x61, 0x66, 0xe9, 0x20, 0x96, 0x20, 0x31, 0x30, 0x20, 0x80];
const GBK_TEXT = [0xd6, 0xd0, 0xce, 0xc4, 0xcd, 0xf8, 0xd2, 0xb3];

type Case = { name: string; header: string; meta: string; text: number[] };
const CASES: Case[] = [];
for (const [charset, text] of [
  ['windows-1252', WINDOWS_1252_TEXT],
  ['gbk', GBK_TEXT],
] as const) {
  CASES.push({ name: `${charset} in Content-Type`, header: `text/html; charset=${charset}`, meta: '', text });
  CASES.push({ name: `${charset} in <meta> only`, header: 'text/html', meta: `<meta charset="${charset}">`, text });
  CASES.push({ name: `${charset} declared nowhere`, header: 'text/html', meta: '', text });
}

/** The page with `inSlot` inside the hero slot, `injected` before </head>, and the proxied mark when `proxied`. */
const page = (c: Case, inSlot: string | number[], injected = '', proxied = false) =>
  bytes(
    `<!doctype html><html${proxied ? ' data-wm-proxied=""' : ''}><head>${c.meta}<title>`,
    c.text,
    `</title>${injected}</head><body><p>`,
    c.text,
    `</p><section data-wm-slot="hero"${proxied ? ' data-wm-filled="trail" v-pre="" ngnonbindable=""' : ''}>`,
    typeof inSlot === 'string' ? inSlot : inSlot,
    '</section><footer>',
    c.text,
    '</footer></body></html>',
  );

describe('charset: inserted HTML is ASCII, the page’s own bytes are kept', () => {
  it.each(CASES)('$name', async (c) => {
    const upstream = new Response(page(c, c.text), { headers: { 'content-type': c.header } });
    const out = new Uint8Array(await rewritePage(upstream, [slot], OPTIONS).arrayBuffer());
    const expected = page(c, `<h1 title="${FILL_ASCII}">${FILL_ASCII}</h1>`, TAG, true);
    expect([...out]).toEqual([...expected]);
  });

  it('writes message decisions as ASCII JSON that parses to the same text', async () => {
    const message = { kind: 'message', id: 'm', variant: 'v', type: 'toast', trigger: { on: 'load' }, body: FILL, priority: 1, why: 'w' } as const;
    const out = new Uint8Array(
      await rewritePage(new Response(page(CASES[3]!, 'x'), { headers: { 'content-type': CASES[3]!.header } }), [message], {
        ...OPTIONS,
        uiSrc: 'https://shop.example/_wm/wm-ui.js',
      }).arrayBuffer(),
    );
    const text = new TextDecoder().decode(out);
    // The only non-ASCII bytes are the page's own (its GBK text, three times).
    expect(out.filter((b) => b >= 0x80).length).toBe(3 * GBK_TEXT.length);
    const json = /<script type="application\/json" data-wm-ui>(.*?)<\/script>/.exec(text)?.[1] ?? '';
    expect(json).toContain('\\u20ac');
    expect((JSON.parse(json) as { body: string }[])[0]?.body).toBe(FILL);
    expect(text).toContain('<script async src="https://shop.example/_wm/wm-ui.js"></script>');
  });
});

const UPSTREAM = 'https://origin.shop.example';
let siteCounter = 0;
async function site(overrides: Partial<SiteConfigInput> = {}): Promise<string> {
  const id = `real-pages-${++siteCounter}`;
  await env.CONFIG.put(`site:${id}`, JSON.stringify({ ...DEMO_SITE, id, version: 1, proxy: { upstream: UPSTREAM }, ...overrides }));
  return id;
}

async function through(siteId: string, url: string, body: string, headers: Record<string, string> = {}): Promise<string> {
  vi.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response(body, { headers: { 'content-type': 'text/html; charset=utf-8' } }));
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(url, { headers: { accept: 'text/html', ...headers } }), { ...env, WM_PROXY_SITE: siteId }, ctx);
  await waitOnExecutionContext(ctx);
  return res.text();
}

afterEach(() => vi.restoreAllMocks());

describe('<base href>: the injected tag loads from the proxied origin', () => {
  const PAGE = '<!doctype html><html><head><base href="https://elsewhere.example/"><title>x</title></head><body><p>x</p></body></html>';

  it('injects an absolute src on the origin the visitor asked for, once', async () => {
    const out = await through(await site(), `${BASE}/shoes?x=1`, PAGE);
    expect(out).toContain(`<script async src="${BASE}/_wm/wm.js" data-site="real-pages-`);
    expect(out.split('/_wm/wm.js').length - 1).toBe(1);
    expect(out).toContain('<base href="https://elsewhere.example/">');
  });

  it('never takes the origin from forwarding headers', async () => {
    const out = await through(await site(), `${BASE}/`, PAGE, {
      'x-forwarded-host': 'evil.example',
      'x-forwarded-proto': 'https',
      forwarded: 'host=evil.example;proto=https',
      'x-original-url': 'https://evil.example/',
    });
    expect(out).toContain(`src="${BASE}/_wm/wm.js"`);
    expect(out).not.toContain('evil.example');
  });
});

describe('origins: a proxied hostname may send batches', () => {
  const batch = (siteId: string, url: string, origin: string) =>
    SELF.fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain', origin }, body: JSON.stringify({ site: siteId, events: [makeEvent()] }) });

  it('accepts a batch from https://<proxied hostname> although `origins` does not list it', async () => {
    const id = await site({ origins: [], proxy: { upstream: UPSTREAM, hostnames: ['shop-real.example'] } });
    const res = await batch(id, `${BASE}/_wm/e`, 'https://shop-real.example');
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop-real.example');
  });

  it('accepts the page’s own origin on the proxied host (http, a port), and refuses others with 403', async () => {
    const id = await site({ origins: [], proxy: { upstream: UPSTREAM, hostnames: ['shop-real2.example'] } });
    expect((await batch(id, 'http://shop-real2.example:8788/_wm/e', 'http://shop-real2.example:8788')).status).toBe(200);
    // The same Origin sent to another host is not same-origin: refused.
    expect((await batch(id, `${BASE}/_wm/e`, 'http://shop-real2.example:8788')).status).toBe(403);
    const refused = await batch(id, `${BASE}/_wm/e`, 'https://evil.example');
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('origin https://evil.example is not allowed');
  });
});
