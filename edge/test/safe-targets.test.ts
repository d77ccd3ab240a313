/**
 * Safe targets in proxy mode (protocol/content/targets.ts), in workerd: whatever a decision or a
 * config says, HTMLRewriter never fills an element whose content is code or raw text, anything in
 * <head>, in foreign (SVG/MathML) or inert content, nor <html> and <body>; the page comes back byte
 * for byte there. Filled elements carry v-pre and ngNonBindable.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SlotDecision } from '../../protocol/wire';
import type { SiteConfigInput } from '../../protocol/config/site';
import worker from '../src/index';
import { rewritePage, STUB } from '../src/personalize/rewrite';
import { BASE, makeEvent, post, visitorCookie } from './helpers';

const S = 'class="t" data-wm-slot="js"';
/** Every unsafe target the issue names, each with class "t" and data-wm-slot="js"; nothing else in <body>. */
export const UNSAFE_PAGE = `<!doctype html><html ${S}><head ${S}><meta charset="utf-8"><title ${S}>Unsafe targets</title>
<style ${S}>p{color:red}</style><script ${S}>var inHead = 1</script><noscript ${S}><p ${S}>no script</p></noscript>
<template ${S}><div ${S}>in template</div></template><meta ${S} name="x" content="y"><link ${S} rel="preload" href="/x.css" as="style">
</head><body ${S}>
<script ${S}>var inBody = 1</script><style ${S}>b{color:blue}</style><textarea ${S}>raw text</textarea><title ${S}>body title</title>
<noscript ${S}><div ${S}>noscript div</div></noscript><template ${S}><div ${S}>template div</div></template>
<iframe ${S}>raw</iframe><object ${S} data="/x.bin"><div ${S}>fallback</div></object><embed ${S} src="/x.bin">
<xmp ${S}><b>xmp</b></xmp><noembed ${S}>noembed</noembed><noframes ${S}>noframes</noframes>
<svg ${S}><script ${S}>var svg = 1</script><style ${S}>circle{fill:red}</style><foreignObject ${S}><div ${S}>html in svg</div></foreignObject><text ${S}>t</text><path ${S}/></svg>
<math ${S}><mi ${S}>x</mi><annotation-xml ${S} encoding="text/html"><div ${S}>html in math</div></annotation-xml></math>
<plaintext ${S}>everything after is text <div ${S}>not an element</div>
`;

const OPTIONS = { snippetSrc: '/_wm/wm.js', site: 'demo' };
const tagFor = (site: string, origin: string) => `<script>${STUB}</script><script async src="${origin}/_wm/wm.js" data-site="${site}"></script>`;
/** The page as it must come back: only <html> marked and the snippet tag (from `origin`) before </head>. */
const expected = (page: string, site: string, origin = '') =>
  page.replace(`<html ${S}>`, `<html ${S} data-wm-proxied="">`).replace('</head>', `${tagFor(site, origin)}</head>`);

const html = (body: string) => new Response(body, { headers: { 'content-type': 'text/html; charset=utf-8' } });
const slot = (id: string, content: string, selector?: string): SlotDecision => ({
  kind: 'slot',
  id,
  segment: 'everyone',
  html: content,
  why: 'test',
  ...(selector ? { selector } : {}),
});

/** Decisions no write would accept: they reach the rewriter as a hand-edited config could make them. */
const HOSTILE: SlotDecision[] = [
  slot('js', 'window.__pwned=(window.__pwned||0)+1'),
  slot('a', 'window.__pwned=1', '.t'),
  slot('b', 'window.__pwned=1', '*'),
  slot('c', 'window.__pwned=1', '[data-wm-slot]'),
  slot('d', 'window.__pwned=1', 'div'),
  slot('e', 'window.__pwned=1', 'script'),
  slot('f', '@import url(https://evil.example/x.css);', 'style'),
  slot('g', 'x', 'head *'),
  slot('h', 'x', 'svg *'),
  slot('i', 'x', 'html'),
  slot('j', 'x', 'body'),
  slot('k', 'x', 'foreignObject div'),
];

describe('rewritePage never fills an unsafe target (decisions not checked by any schema)', () => {
  it('leaves the page byte for byte, whatever the selectors say', async () => {
    const out = await rewritePage(html(UNSAFE_PAGE), HOSTILE, OPTIONS).text();
    expect(out).toBe(expected(UNSAFE_PAGE, 'demo'));
    expect(out).not.toContain('data-wm-filled');
    expect(out).not.toContain('__pwned');
  });

  it('still fills safe elements before, between and after unsafe ones, marked for template engines', async () => {
    const page = `<html><head><title>x</title></head><body><div id="a" data-wm-slot="js">A</div><svg><text class="t">s</text></svg><p class="t">B</p><template><p class="t">T</p></template><p class="t">C</p></body></html>`;
    const out = await rewritePage(html(page), [slot('js', '<b>js</b>'), slot('x', '<i>x</i>', '.t')], OPTIONS).text();
    const filled = ' data-wm-filled="everyone" v-pre="" ngnonbindable=""';
    expect(out).toContain(`<div id="a" data-wm-slot="js"${filled}><b>js</b></div>`);
    expect(out).toContain('<svg><text class="t">s</text></svg>');
    expect(out).toContain(`<p class="t"${filled}><i>x</i></p><template><p class="t">T</p></template><p class="t"${filled}><i>x</i></p>`);
  });

  it('ends <head> where browsers do: a page without </head> and <body> still gets its body slots', async () => {
    const page = '<title>x</title><meta charset="utf-8"><div data-wm-slot="js">A</div>';
    const out = await rewritePage(html(page), [slot('js', '<b>js</b>')], OPTIONS).text();
    expect(out).toContain('data-wm-filled="everyone" v-pre="" ngnonbindable=""><b>js</b></div>');
  });
});

// ---- Through the worker: a proxied site whose config was written straight into KV. ----

const UPSTREAM = 'https://origin.safe-targets.example';
let counter = 0;

async function storeSite(overrides: Partial<SiteConfigInput>): Promise<string> {
  const id = `safe-targets-${++counter}`;
  const config: SiteConfigInput = {
    id,
    name: 'Safe targets',
    version: 1,
    origins: [BASE],
    consentPolicy: 'opt-out',
    segments: [{ id: 'everyone', name: 'Everyone', condition: { everyone: true } }],
    proxy: { upstream: UPSTREAM },
    ...overrides,
  };
  await env.CONFIG.put(`site:${id}`, JSON.stringify(config));
  return id;
}

async function get(site: string, path: string, cookie?: string): Promise<Response> {
  const ctx = createExecutionContext();
  const headers = new Headers({ accept: 'text/html' });
  if (cookie) headers.set('cookie', cookie);
  const res = await worker.fetch(new Request(`${BASE}${path}`, { headers }), { ...env, WM_PROXY_SITE: site }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** Pages the mocked upstream serves, by path. */
function serve(pages: Record<string, string>): void {
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const path = new URL(new Request(input, init).url).pathname;
    return pages[path] !== undefined ? html(pages[path]) : new Response('not found', { status: 404 });
  });
}

afterEach(() => vi.restoreAllMocks());

describe('proxy mode with a hand-written config in KV', () => {
  const content = (text: string) => [{ segment: 'everyone', priority: 1, content: { type: 'text' as const, text } }];

  it('fills nothing in any unsafe target, and the page bytes stay as they were', async () => {
    // Every selector here passes the write check (none can be proven unsafe without the page).
    const site = await storeSite({
      slots: [
        { id: 'js', name: 'js', variants: content('window.__pwned=(window.__pwned||0)+1') },
        { id: 'by-class', name: 'class', selector: '.t', variants: content('window.__pwned=1') },
        { id: 'by-star', name: 'star', selector: '*', variants: content('window.__pwned=1') },
        { id: 'by-attr', name: 'attr', selector: '[data-wm-slot]', variants: content('@import url(https://evil.example/x.css);') },
        { id: 'by-div', name: 'div', selector: 'div', variants: content('window.__pwned=1') },
      ],
    });
    serve({ '/unsafe': UNSAFE_PAGE, '/safe': '<html><head></head><body><div data-wm-slot="js">default</div></body></html>' });
    // A profile to decide from: one page view, whose batch mints the visitor id (a page never does).
    const collected = await post([makeEvent({ type: 'page', name: undefined, props: undefined })], { site });
    expect(collected.status).toBe(200);
    const cookie = visitorCookie(collected);
    expect(cookie).toBeDefined();
    // The control: the same visitor and config do fill an ordinary element.
    const safe = await (await get(site, '/safe', cookie)).text();
    expect(safe).toMatch(/<div data-wm-slot="js" data-wm-filled="everyone" v-pre="" ngnonbindable="">window.__pwned=[^<]*<\/div>/);
    const unsafe = await (await get(site, '/unsafe', cookie)).text();
    // Through the worker the tag is absolute on the proxied origin (a <base href> cannot move it).
    expect(unsafe).toBe(expected(UNSAFE_PAGE, site, BASE));
  });

  it('leaves out a slot whose selector names an unsafe element when reading the config, and still serves the page', async () => {
    const site = await storeSite({
      slots: [{ id: 'js', name: 'js', selector: 'script', variants: content('window.__pwned=1') }],
    });
    serve({ '/unsafe': UNSAFE_PAGE });
    const first = await get(site, '/unsafe');
    const cookie = visitorCookie(await post([makeEvent({ type: 'page', name: undefined, props: undefined })], { site }));
    expect(cookie).toBeDefined();
    const again = await get(site, '/unsafe', cookie);
    // The rest of the site keeps serving (protocol/config/stored.ts): never a 5xx for it.
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(await again.text()).not.toContain('__pwned');
  });
});
