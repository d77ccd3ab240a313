/**
 * wm-ui.js: what the snippet shows, loaded by wm.js only when needed (the page has
 * [data-wm-slot] elements, or the edge sent decisions): in-app messages (./messages-ui.ts, fed the
 * same decisions under the same consent) and slots. Snippet mode: the site is not proxied
 * through the worker, so slots are filled here, in the browser:
 *
 *   - each decision fills [data-wm-slot="id"] (and `selector`, when set): the element's content
 *     becomes the decision's HTML (sanitized by the edge) and it gets data-wm-filled="segment";
 *     elements without a decision keep their default content (restored when a decision goes);
 *   - the last decisions are cached in IndexedDB (./cache.ts), so the next page renders them
 *     before the edge answers;
 *   - slots without a cached decision are hidden (style.visibility through the CSSOM, which a
 *     strict CSP allows: no style attribute in markup, no stylesheet) until fresh decisions
 *     arrive or HIDE_MS pass, whichever is first. Nothing else is ever hidden;
 *   - fresh decisions come from GET /_wm/decide on load and from every collect response
 *     (wm('on', 'decision', …): the public API is our only link to wm.js);
 *   - slots an SPA adds later are filled (or briefly hidden) as they appear.
 * Nothing happens without personalization consent (./consent.ts). Nothing here may throw into
 * the page; no eval, no inline styles, no markup but the decisions' own.
 */
import { WM_PREFIX } from '../../../protocol/limits';
import type { SlotDecision } from '../../../protocol/wire';
import { json, ls } from '../storage';
import { load, save, usable, wipe } from './cache';
import { personalize } from './consent';
import { messages } from './messages-ui';
import { insertable, NON_BINDABLE, plan, SLOT, valid } from './slots';
import { PREVIEW, preview } from './preview';
import { trusted } from './trusted';
import { langs, localSlot } from './locale';
import { badge, dropParam, inQa } from './qa';

/** The longest a slot stays hidden waiting for fresh decisions. */
const HIDE_MS = 300;
/** Fresh decisions for the caller (cookie or Bearer token) without sending events. */
const DECIDE_PATH = WM_PREFIX + '/decide';
/** Set on window once started: a second copy of this file does nothing. */
const STARTED = 'wmUi';

type Wm = (...a: unknown[]) => void;
type El = HTMLElement;

function start(tries = 0): void {
  const w = window as unknown as Record<string, unknown>;
  const wm = w['wm'] as Wm | undefined;
  const tag = document.querySelector<HTMLScriptElement>('script[data-site]');
  const data = tag && tag.dataset;
  const site = data && data.site;
  if (w[STARTED] || !site) return;
  // Proxy mode injects this chunk next to wm.js: it may run first. Wait for the core (10 s at most).
  if (!wm || !(wm as { v?: number }).v) {
    if (tries < 200) setTimeout(() => guard(start)(tries + 1), 50);
    return;
  }
  w[STARTED] = 1;
  const origin = new URL(tag.src, location.href).origin;
  const base = data.endpoint || origin;
  const vid = () => ls('wm_vid') || '';
  // A QA session (./qa.ts): the edge marks its proxied pages, else the URL or the kept token hints
  // at one. What it forces shows whatever the consent (the edge stores nothing of it) and is never cached.
  const qaMark = document.documentElement.getAttribute('data-wm-qa');
  const qa = qaMark != null || inQa(vid());
  const allowed = () => qa || personalize(json(ls('wm_consent')), navigator.globalPrivacyControl, data.consent == 'opt-in');
  // Proxy mode: the worker personalized this page for this visitor just now (it marks <html>).
  // Nothing to hide, and a cached decision could only be older; collect responses still apply
  // (SPA slots, changes).
  const proxied = document.documentElement.hasAttribute('data-wm-proxied');

  /**
   * What we changed. filled: the element's default content (undefined: filled by the worker, default
   * unknown) and the decision HTML it shows; hidden: its own visibility.
   */
  const filled = new Map<El, [own: string | undefined, ours: string, lang: string, dir: string]>();
  const hidden = new Map<El, string>();
  /** The decisions shown (cached, then fresh). */
  let shown: SlotDecision[] = [];
  /** Until fresh decisions arrive or HIDE_MS pass, slots without a decision are hidden. */
  let waiting = false;
  /** A collect response answered: newer than a /_wm/decide still in flight. */
  let heard = false;
  /** Fresh decisions (either source) are shown: the cache is too late to matter. */
  let settled = false;

  const show = (el: El) => {
    if (!hidden.has(el)) return;
    el.style.visibility = hidden.get(el)!;
    hidden.delete(el);
    // Leave no empty style="" behind on an element that had none.
    if (!el.getAttribute('style')) el.removeAttribute('style');
  };
  const hide = (el: El) => {
    if (hidden.has(el)) return;
    hidden.set(el, el.style.visibility);
    el.style.visibility = 'hidden';
  };
  const revealAll = () => {
    waiting = false;
    [...hidden.keys()].forEach(show);
  };

  /** Elements in `root` (itself included) matching `selector`. */
  const within = (root: Element | Document, selector: string): El[] => {
    const found = [...root.querySelectorAll<El>(selector)];
    return root instanceof Element && root.matches(selector) ? [root as El, ...found] : found;
  };

  /** Fills what `shown` decides inside `root`; hides the other slots there while waiting. */
  const sweep = (root: Element | Document) => {
    const want = plan(shown, (s) => within(root, s), insertable);
    want.forEach((d, el) => {
      // Filled by the worker (proxy mode) for the same segment: it shows this decision already.
      const was = filled.get(el) || (el.getAttribute('data-wm-filled') == d.segment ? [undefined, d.html, el.lang, el.dir] : undefined);
      filled.set(el, was ? [was[0], d.html, was[2], was[3]] : [el.innerHTML, d.html, el.lang, el.dir]);
      // Unchanged content is left alone (no churn, focus and media state kept).
      if (!was || was[1] != d.html) el.innerHTML = trusted(d.html);
      // Localized text says its language and direction (docs/localized-content.md).
      if (d.lang) ((el.lang = d.lang), (el.dir = d.dir || ''));
      el.setAttribute('data-wm-filled', d.segment);
      for (const a of NON_BINDABLE) el.setAttribute(a, '');
      show(el);
    });
    if (waiting) for (const el of within(root, SLOT)) if (!want.has(el) && insertable(el)) hide(el);
  };

  /** A complete set of decisions: elements no longer decided get their default content back. */
  const render = (list: SlotDecision[]) => {
    shown = list = list.map((d) => localSlot(d, langs()));
    const want = plan(list, (s) => document.querySelectorAll<El>(s), insertable);
    filled.forEach(([own, , lang, dir], el) => {
      if (want.has(el) && el.isConnected) return;
      filled.delete(el);
      // Gone with an SPA view, or filled by the worker with a default we never saw.
      if (!el.isConnected || own == null) return;
      el.removeAttribute('data-wm-filled');
      for (const a of NON_BINDABLE) el.removeAttribute(a);
      for (const [a, v] of [
        ['lang', lang],
        ['dir', dir],
      ])
        v ? el.setAttribute(a!, v) : el.removeAttribute(a!);
      el.innerHTML = trusted(own);
    });
    sweep(document);
    // Our own insertions need no second look from the observer below.
    observer.takeRecords();
  };

  /** Fresh decisions, from a collect response or from /_wm/decide. */
  const fresh = (list: unknown, viaDecide?: boolean) => {
    if (viaDecide && heard) return;
    if (!viaDecide) heard = true;
    settled = true;
    waiting = false;
    if (!allowed()) {
      wipe();
      render([]);
      msg(0, true);
    } else {
      const d = valid(list);
      render(d);
      msg(list);
      if (!qa) void save(site, { v: vid(), t: Date.now(), d });
    }
    revealAll();
  };

  const observer = new MutationObserver(
    guard((records: MutationRecord[]) => {
      if (!shown[0] && !waiting) return;
      for (const r of records)
        r.addedNodes.forEach((n) => {
          // Content we filled is not the page's: its slots stay as the decision made them.
          if (n instanceof Element && n.isConnected && !(n.parentElement && n.parentElement.closest('[data-wm-filled]'))) sweep(n);
        });
      observer.takeRecords();
    }),
  );

  // In-app messages (./messages-ui.ts): the same decisions, the same consent. Not while the
  // dashboard previews a draft here (./preview.ts): only the draft shows.
  const msg = PREVIEW ? () => {} : messages(wm as Parameters<typeof messages>[0], site, guard);
  wm(
    'on',
    'decision',
    guard((d: unknown) => fresh(d)),
  );
  // Slots an SPA adds later (cheap while there is nothing to show: the callback returns at once).
  observer.observe(document, { childList: true, subtree: true });
  // Withdrawn while the page was open (wm('consent', …) in a banner): forget on the way out.
  addEventListener(
    'pagehide',
    guard(() => allowed() || wipe()),
  );
  if (!allowed()) return wipe();
  if (proxied) {
    if (qaMark != null) badge(qaMark, true, origin);
    // Proxy mode embeds this visitor's messages in the page (an inert JSON block): no round trip.
    const block = document.querySelector('script[data-wm-ui]');
    if (block) msg(json(block.textContent));
    return;
  }

  void load(site).then(
    guard((e: unknown) => {
      // Fresh decisions came first: they are shown already, nothing to hide. A QA session's are the edge's alone.
      if (settled || qa) return;
      // Cached decisions render now; the other slots are hidden until fresh decisions arrive or
      // HIDE_MS pass (slots shown with default content only for the few ms of this read).
      shown = (usable(e, vid(), Date.now()) || []).map((d) => localSlot(d, langs()));
      waiting = true;
      setTimeout(guard(revealAll), HIDE_MS);
      sweep(document);
      observer.takeRecords();
    }),
  );
  const headers: Record<string, string> = {};
  if (vid()) headers['authorization'] = 'Bearer ' + vid();
  // The page's lang and the browser's language choose the content's locale (docs/localized-content.md).
  const q = (k: string, v: string) => `&${k}=${encodeURIComponent(v)}`;
  fetch(
    `${base}${DECIDE_PATH}?site=${encodeURIComponent(site)}${q('url', location.href)}${q('lang', document.documentElement.lang)}${q('nav', navigator.language)}`,
    {
      headers,
    },
  )
    .then((r) => (r.ok ? r.json() : undefined))
    // 404 until the edge has the endpoint, or an error: collect responses and HIDE_MS still apply.
    .then(
      guard((b: { decisions?: unknown; qa?: { describe?: unknown } } | undefined) => {
        if (b) fresh(b.decisions, true);
        if (b && b.qa) badge(String(b.qa.describe), false, origin);
      }),
    )
    .catch(() => {});
  // The decide request carries a QA token in the page URL: it may leave the address bar now.
  guard(dropParam)();
}

/** Runs `f` so that nothing it throws reaches the page. */
function guard<A extends unknown[]>(f: (...a: A) => unknown): (...a: A) => void {
  return (...a) => {
    try {
      f(...a);
    } catch {
      /* never throw into the host page */
    }
  };
}

// Our own URL, known only while this file first runs: preview drafts must come from its origin.
const me = document.currentScript as HTMLScriptElement | null;
if (PREVIEW && me && !(window as unknown as Record<string, unknown>)['wmPv']) {
  (window as unknown as Record<string, unknown>)['wmPv'] = 1;
  guard(preview)(me.src, guard);
}
guard(start)();
