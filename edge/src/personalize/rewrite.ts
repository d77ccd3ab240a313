/**
 * Proxy mode's HTMLRewriter adapter (HTMLRewriter is a Worker global, so it stays in this file).
 *
 * Streams an upstream page through the rewriter: fills slots with the edge's (already sanitized)
 * decisions, injects the snippet once if the page does not carry it, and marks the response
 * private. Anything that is not a 200 text/html page is returned as it came, byte for byte.
 *
 * Snippet detection is streaming, so it cannot look ahead: the tag is injected at the end of
 * <head> (else at the start of <body>, else at the end of the document) unless a
 * `<script src=".../_wm/wm.js">` (or wm.debug.js) was seen before that point. A page that loads
 * the snippet later in <body> gets it twice; the snippet's own guard (`wm.v`) makes the second
 * load a no-op, and the stub is idempotent (`window.wm=window.wm||…`).
 */
import type { Decision, SlotDecision } from '../../../protocol/wire';
import { asciiJson, asciiSafeDecisions, asciiSafeHtml } from './ascii-safe';
import { selectorProblem } from '../../../protocol/content/targets';
import { guardTargets } from './target-guard';
import { pickLocale } from '../../../protocol/locale';
import { langAttributes } from './localize';

export type RewriteOptions = {
  /**
   * Where the injected tag loads the snippet from: an absolute URL on the proxied origin
   * (proxy-page.ts), so a page's `<base href>` cannot send it elsewhere; '/_wm/wm.js' in tests.
   */
  snippetSrc: string;
  /** Where the UI chunk loads from, absolute for the same reason; default '/_wm/wm-ui.js'. */
  uiSrc?: string;
  /** The site id for the tag's data-site. */
  site: string;
  /** The site's policy; an opt-in site's injected tag says so (data-consent="opt-in"). */
  consentPolicy?: 'opt-in' | 'opt-out';
  /** The site's consent platform, if set: the injected tag says data-cmp="…" (wm-consent.js). */
  consentPlatform?: string | undefined;
  /** The dashboard's live preview (?wm_preview=1): inject the UI chunk even without messages. */
  preview?: boolean;
  /** A QA session (qa/proxy.ts): the badge's words, on <html data-wm-qa>; the UI chunk (the badge) is injected. */
  qa?: string;
};

/** The one-line stub from the README: queues calls until the snippet loads, never throws. */
export const STUB = 'window.wm=window.wm||function(){(wm.q=wm.q||[]).push(arguments)}';

const SLOT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const SNIPPET_PATH = /\/_wm\/wm(\.debug)?\.js$/;
/** Encodings the runtime decodes on fetch and re-encodes on the way out; others are left alone. */
const DECODED_ENCODINGS = new Set(['', 'identity', 'gzip', 'br']);
/** Headers that would let a shared cache (or a CDN) store the personalized page. */
const CACHE_HEADERS = ['etag', 'last-modified', 'expires', 'age', 'cdn-cache-control', 'cloudflare-cdn-cache-control', 'surrogate-control'];

/** Only a 200 HTML page with a body we can read is rewritten; HEAD, errors, redirects, assets pass. */
export function isRewritable(method: string, response: Response): boolean {
  if (method === 'HEAD' || response.status !== 200 || !response.body) return false;
  const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  const encoding = (response.headers.get('content-encoding') ?? '').trim().toLowerCase();
  return type === 'text/html' && DECODED_ENCODINGS.has(encoding);
}

/**
 * The nonce a CSP header allows inline scripts with, if any: from script-src-elem, else script-src,
 * else default-src, in any of the (comma-joined) policies.
 */
export function scriptNonce(csp: string | null): string | undefined {
  if (!csp) return undefined;
  for (const policy of csp.split(',')) {
    const directives = new Map<string, string[]>();
    for (const part of policy.split(';')) {
      const [name, ...values] = part.trim().split(/\s+/);
      if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), values);
    }
    const sources = directives.get('script-src-elem') ?? directives.get('script-src') ?? directives.get('default-src') ?? [];
    for (const source of sources) {
      const match = /^'nonce-([A-Za-z0-9+/_=-]+)'$/.exec(source);
      if (match?.[1]) return match[1];
    }
  }
  return undefined;
}

const escapeAttr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * The visitor's in-app messages, embedded in the page so the snippet's UI can show them without a
 * round trip. A JSON data block is never executed (no CSP nonce needed); `<` is escaped so no
 * string inside can close the element.
 */
export function decisionsBlock(decisions: readonly Decision[], uiScript = ''): string {
  const messages = decisions.filter((d) => d.kind === 'message');
  if (messages.length === 0) return '';
  const json = asciiJson(JSON.stringify(messages))
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `<script type="application/json" ${DECISIONS_ATTRIBUTE}>${json}</script>${uiScript}`;
}

/** The snippet's UI chunk (slots and messages), served next to wm.js. */
const UI_SRC = '/_wm/wm-ui.js';

/** The attribute of the JSON block above (read by wm-ui.js). */
export const DECISIONS_ATTRIBUTE = 'data-wm-ui';

/** ` nonce="…"` for the scripts we inject, when the page's CSP allows scripts by nonce. */
const nonceAttribute = (nonce: string | undefined) => (nonce ? ` nonce="${escapeAttr(nonce)}"` : '');

function snippetTag(options: RewriteOptions, nonce: string | undefined): string {
  const n = nonceAttribute(nonce);
  const consent = options.consentPolicy === 'opt-in' ? ' data-consent="opt-in"' : '';
  const cmp = options.consentPlatform ? ` data-cmp="${escapeAttr(options.consentPlatform)}"` : '';
  return `<script${n}>${STUB}</script><script${n} async src="${escapeAttr(options.snippetSrc)}" data-site="${escapeAttr(options.site)}"${consent}${cmp}></script>`;
}

/** Attributes on a filled element that tell client template engines (Vue, Angular) to leave its content alone. */
export const NON_BINDABLE = ['v-pre', 'ngNonBindable'] as const;

/**
 * The text a slot shows on a page whose `<html lang>` is `pageLang` (docs/localized-content.md):
 * the decision's locale for the page's lang when it has one, else the one the edge chose (from
 * Accept-Language, the locale trait, or the default).
 */
export function localizedSlot(decision: SlotDecision, pageLang: string | null): Pick<SlotDecision, 'html' | 'lang' | 'dir'> {
  const tags = Object.keys(decision.locales ?? {});
  const tag = pageLang ? pickLocale([pageLang], tags) : undefined;
  if (tag === undefined) return decision;
  return { html: decision.locales![tag]!, ...langAttributes(tag) };
}

function fill(decision: SlotDecision, safeTarget: (el: Element) => boolean, pageLang: () => string | null): HTMLRewriterElementContentHandlers {
  return {
    element(el) {
      // Never script, raw text, head, foreign content or the document frame (protocol/content/targets.ts).
      if (!safeTarget(el)) return;
      const shown = localizedSlot(decision, pageLang());
      // The html was sanitized by the edge (protocol/content/sanitize.ts); nothing else is inserted as HTML.
      el.setInnerContent(shown.html, { html: true });
      el.setAttribute('data-wm-filled', decision.segment);
      for (const name of NON_BINDABLE) el.setAttribute(name, '');
      // Localized text says its language and direction (an Arabic text runs right to left).
      if (shown.lang) el.setAttribute('lang', shown.lang);
      if (shown.dir) el.setAttribute('dir', shown.dir);
    },
  };
}

function selectorsFor(decision: SlotDecision): string[] {
  const selectors = SLOT_ID.test(decision.id) ? [`[data-wm-slot="${decision.id}"]`] : [];
  // A selector refused on write (a config written by hand) is not used at all.
  if (decision.selector && selectorProblem(decision.selector) === null) selectors.push(decision.selector);
  return selectors;
}

/**
 * Streams `response` through HTMLRewriter (call only when `isRewritable`). The result is private:
 * `Cache-Control: private, no-store`, `Vary: Cookie`, no validators, no stale Content-Length.
 */
/** Set on <html> of every page the worker rewrote. */
export const PROXIED_ATTRIBUTE = 'data-wm-proxied';

export function rewritePage(response: Response, pageDecisions: readonly Decision[], options: RewriteOptions): Response {
  // Everything inserted is ASCII, so it reads the same under the page's charset, whatever it is.
  const decisions = asciiSafeDecisions(pageDecisions);
  const nonce = scriptNonce(response.headers.get('content-security-policy'));
  const tag = asciiSafeHtml(snippetTag(options, nonce));
  let done = false; // the page already has the snippet, or we injected it
  const inject = (insert: (html: string) => void) => {
    if (done) return;
    done = true;
    insert(tag);
  };

  /** The page's `<html lang>`: seen before any slot, it picks the slots' locale (docs/localized-content.md). */
  let pageLang: string | null = null;
  let rewriter = new HTMLRewriter()
    // Tells the snippet's UI chunk the worker already personalized this page for this visitor
    // (even when nothing matched): no hiding, no cached decisions, no extra decide request.
    .on('html', {
      element(el) {
        el.setAttribute(PROXIED_ATTRIBUTE, '');
        pageLang ??= el.getAttribute('lang');
        if (options.qa) el.setAttribute('data-wm-qa', options.qa);
      },
    })
    .on('script[src]', {
      element(el) {
        const src = (el.getAttribute('src') ?? '').split(/[?#]/)[0] ?? '';
        if (SNIPPET_PATH.test(src)) done = true;
      },
    })
    .on('head', { element: (el) => el.onEndTag((end) => inject((html) => end.before(html, { html: true }))) })
    .on('body', { element: (el) => inject((html) => el.prepend(html, { html: true })) })
    .onDocument({ end: (end) => inject((html) => end.append(html, { html: true })) });

  // The UI chunk comes with its data, so the messages show without waiting for wm.js to ask.
  const uiTag = asciiSafeHtml(`<script${nonceAttribute(nonce)} async src="${escapeAttr(options.uiSrc ?? UI_SRC)}"></script>`);
  const block = decisionsBlock(decisions, uiTag) || (options.preview || options.qa ? uiTag : '');
  if (block) {
    let placed = false;
    rewriter = rewriter
      .on('body', {
        element(el) {
          placed = true;
          el.append(block, { html: true });
        },
      })
      .onDocument({ end: (end) => void (placed || end.append(block, { html: true })) });
  }

  const slots = decisions.filter((d): d is SlotDecision => d.kind === 'slot');
  if (slots.length) {
    // Registered before the fills: it decides, element by element, whether they may fill it.
    const guard = guardTargets(rewriter);
    rewriter = guard.rewriter;
    for (const decision of slots) {
      for (const selector of selectorsFor(decision)) {
        try {
          rewriter = rewriter.on(
            selector,
            fill(decision, guard.safe, () => pageLang),
          );
        } catch (err) {
          // A selector HTMLRewriter cannot parse costs that selector only, never the page.
          console.error(`slot ${decision.id}: selector ${JSON.stringify(selector)} refused by HTMLRewriter`, err);
        }
      }
    }
  }

  const transformed = rewriter.transform(response);
  const out = new Response(transformed.body, transformed);
  markPrivate(out.headers);
  return out;
}

function markPrivate(headers: Headers): void {
  headers.set('cache-control', 'private, no-store');
  const vary = headers.get('vary');
  if (!vary) headers.set('vary', 'Cookie');
  else if (!/(^|,)\s*(cookie|\*)\s*(,|$)/i.test(vary)) headers.set('vary', `${vary}, Cookie`);
  for (const name of CACHE_HEADERS) headers.delete(name);
  // The body changed length; the runtime re-encodes per Content-Encoding and frames the stream.
  headers.delete('content-length');
}
