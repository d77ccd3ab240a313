/**
 * Waymark browser snippet. Reads its script tag, replays the stub's queued calls, then replaces
 * `window.wm` with the real function. Nothing here may throw into the host page.
 *
 *   <script>window.wm=window.wm||function(){(wm.q=wm.q||[]).push(arguments)}</script>
 *   <script async src="/_wm/wm.js" data-site="demo"></script>
 *
 * Commands: wm('page' | 'track' | 'identify' | 'group' | 'alias' | 'prefs' | 'consent' | 'reset' | 'on', …): README.
 * Attributes: data-site (required), data-consent="opt-in", data-spa="hash", data-endpoint
 * (origin; default: the script's own origin). The debug build (wm.debug.js) logs ignored, dropped
 * and refused events to the console; the production build has no logging code at all.
 */
import { COLLECT_PATH, WM_PREFIX } from '../../protocol/limits';
import type { Entry } from './batch';
import { capture, MORE } from './capture';
import { choice, choose, decide, type State } from './consent';
import { handlers, last, type Handler } from './decisions';
import * as E from './events';
import { forget, getVid, session } from './identity';
import { add, DB, keep, wipe } from './outbox';
import { watchRoutes } from './pageviews';
import { noop } from './storage';
import { beacon, schedule, setup } from './transport';

/** `m`: the change and submit events wm-more.js handles, held until it runs (capture.ts, more.ts). */
export type Wm = ((...a: unknown[]) => void) & { q?: Iterable<unknown[]>; v?: number; m?: { push(e: Event): unknown } };
declare global {
  interface Window {
    wm?: Wm;
  }
}

function boot(): void {
  // No script tag found: this throws, and the stub keeps queueing harmlessly.
  const script = (document.currentScript || document.querySelector('script[data-site]')) as HTMLScriptElement;
  const data = script.dataset;
  const site = data.site;
  const log: (...a: unknown[]) => void = DEBUG ? console.debug.bind(console, '[wm]') : noop;
  // On window, capture phase: it also gets every event of the document and its nodes
  // (readystatechange, visibilitychange, click…) before any handler of the page can stop it.
  const listen = (type: string, f: (e: Event) => void) =>
    addEventListener(
      type,
      (e) => {
        try {
          f(e);
        } catch {
          /* a page whose DOM surprises us must not see our errors */
        }
      },
      true,
    );

  // 1 granted, 0 pending (events kept in memory only), -1 denied (nothing captured): consent.ts.
  let state: State = decide(data.consent == 'opt-in');
  /** No consent: drop what is held and forget what is stored. */
  const stop = () => (wipe(), forget());

  /**
   * The commands, each making the fields of one outbox entry of its own type, or none (no
   * prototype: "toString" is not a command). `reset` (sign-out on a shared device) starts a new
   * session now and leaves a marker: the edge gives the events after it a new visitor, unlinked
   * from the user (batch.ts). `consent` stores the choice first: a "no" stops and wipes
   * everything at once, a "yes" stores what was held. `on` makes no entry.
   */
  const commands = {
    __proto__: null,
    page: E.page,
    track: E.track,
    identify: E.identify,
    group: E.group,
    alias: E.alias,
    prefs: E.setPrefs,
    reset: () => (forget(1), {}),
    consent: (a: unknown) => ((state = choose(a)) < 0 ? stop() : (keep(), { consent: choice })),
    // Not checked for being a function: wm()'s catch takes what calling it throws.
    on: (a: unknown, b: Handler) => void (a == 'decision' && handlers.push(b) && last && b(last)),
  } as unknown as Record<string, (a?: unknown, b?: unknown) => E.Fields>;
  const wm: Wm = (c, a, b) => {
    try {
      // Not a command: calling undefined throws, and the catch ignores the call.
      const fields = commands[c as string]!(a, b);
      const e = fields && state >= 0 && E.make(c as Entry['type'], fields, session(state > 0));
      if (e) {
        add(e, state > 0);
        // Flushing checks consent itself: while it is pending nothing leaves the page. Page views
        // go now (the first one also sends what earlier pages left), other events within a second.
        schedule(c == 'page' ? 0 : 1e3);
      } else if (DEBUG && c != 'on') log('dropped', c, state);
    } catch {
      /* not a command, or site input that throws (a circular object): never into site code */
      if (DEBUG) log('ignored', c);
    }
  };
  // Without data-site the stub stays: it keeps queueing, harmlessly.
  if (!site) return;
  // `|| 0`: a missing wm reads as "no queue" in fewer bytes than a second window.wm lookup.
  const queued = ((window.wm || 0) as Wm).q || [];
  window.wm = wm;
  wm.v = 1;
  wm.m = [];

  if (state < 0) stop();
  // Relative to the page, so an inline copy of the snippet (no src) sends to the page's origin.
  const origin = new URL(script.src, location.href).origin;
  setup((data.endpoint || origin) + COLLECT_PATH, () => state > 0 && { site, vid: getVid(), consent: choice });

  // Slot rendering and in-app messages live in wm-ui.js, loaded once from this script's
  // origin when the edge sends decisions or the page has slots (proxy mode also injects it when
  // the page carries messages: personalize/rewrite.ts): checked at boot and when the
  // document is parsed (readystatechange), as an async script may run before the body exists.
  // It talks to us through wm('on', 'decision', …) only. An empty script runs nothing when
  // inserted; setting src then loads it (async, as every inserted script). `d` is decisions (a
  // collect response), an Event or 0 (boot).
  // Under Trusted Types (`require-trusted-types-for 'script'`) a script's src takes a
  // TrustedScriptURL: our policy "waymark" (sites list it in `trusted-types`) makes ones of our two
  // chunk URLs only (wm-ui.js, and wm-consent.js when the tag names a consent platform: data-cmp);
  // it is created at the first load and kept (a second createPolicy of the same name is refused
  // under a strict CSP), and never exposed. `String` returns its first argument. No API (a
  // ReferenceError), or a CSP that refuses the name: the plain string.
  let policy: ReturnType<WaymarkTrustedTypes['createPolicy']> | undefined;
  const loaded: Record<string, 1> = {};
  const load = (name: string, url = origin + WM_PREFIX + '/wm-' + name + '.js') => {
    if (loaded[name]) return;
    loaded[name] = 1;
    try {
      url = (policy ||= trustedTypes!.createPolicy(DB, { createScriptURL: String })).createScriptURL(url);
    } catch {
      /* the plain string */
    }
    document.head.appendChild(document.createElement('script')).src = url;
  };
  // ?wm_preview=1: the dashboard frames this page (message preview, visual editor: issue #12), +20 B.
  // wm-more.js (choices and forms: capture.ts) when the document has such an element, checked
  // at the same moments.
  const loadUi = (d: unknown) => {
    ((d as unknown[])[0] || document.querySelector('[data-wm-slot]') || /wm_preview=1/.test(location.search)) && load('ui');
    document.querySelector(MORE) && load('more');
  };
  handlers.push(loadUi);
  if (data.cmp) load('consent');
  for (const a of queued) wm(...a);

  // Also the first flush, which sends what earlier pages left in the outbox.
  const page = () => wm('page');
  page();
  watchRoutes(data.spa == 'hash', page, listen);
  capture(wm, listen, (e) => (wm.m!.push(e), loadUi(0)));
  listen('readystatechange', loadUi);
  listen('online', () => schedule(0));
  listen('pagehide', beacon);
  listen('visibilitychange', () => document.hidden && beacon());
  loadUi(0);
}

// Loaded twice (site tag plus the worker's injection): the first copy wins.
if (!((window.wm || 0) as Wm).v)
  try {
    boot();
  } catch {
    /* never throw into the host page */
  }
