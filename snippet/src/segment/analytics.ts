/**
 * /_wm/analytics.js: an optional `page.analytics` with analytics.js's method signatures and
 * callbacks, built on `wm()`; a site that calls `analytics.track(...)` works unchanged. Not part
 * of wm.js (its own file and size budget, snippet/size.test.ts).
 *
 * Loading: Segment's own loader snippet, with its CDN URL replaced by this file's,
 *   t.src="/_wm/analytics.js?site="+key     (was "https://cdn.segment.com/analytics.js/v1/"+key+"/analytics.min.js")
 * and the Waymark site id where the snippet says "YOUR_WRITE_KEY" (`analytics.load("demo")`).
 * That is the site id, never the HTTP API's write key (a server secret). The calls queued in the
 * snippet's array (`analytics.page()` before load) are replayed in order. wm.js is used when the
 * page has it, else loaded from this file's origin with `data-site` (and, from
 * `analytics.load(site, { consent: 'opt-in', spa: 'hash' })`, data-consent / data-spa).
 *
 * Calls: track, page, identify, group, alias, reset, ready, user(), group() (getter), on/off/once
 * for 'track' | 'page' | 'identify', debug. The callback of a call runs once wm.js has the event.
 * page() adds no page view of its own: wm.js counts each one already (see page below).
 * The rest of analytics.js's stub methods (trackLink, trackForm, middleware…) exist and do nothing.
 * docs/migrating-from-segment.md maps each call.
 */
import { WM_PREFIX } from '../../../protocol/limits';
import { json, ls } from '../storage';
import { identifyArgs, pageArgs, split, type Callback } from './args';

type Wm = ((...a: unknown[]) => void) & { q?: unknown[][]; v?: number };
type Obj = Record<string, unknown>;
type Stub = unknown[][] & { _writeKey?: string; _loadOptions?: Obj; initialize?: boolean };
/** The page's globals as this file uses them (wm.js declares its own view of `wm`). */
const page = window as unknown as { wm?: Wm; analytics?: unknown };

const USER = 'wm_ajs_user';
const GROUP = 'wm_ajs_group';

(() => {
  const stub = (page.analytics || []) as Stub;
  // The real one is here already (loaded twice): keep it.
  if (!Array.isArray(stub)) return;
  const me = document.currentScript as HTMLScriptElement | null;
  const src = new URL(me?.src || WM_PREFIX + '/analytics.js', location.href);

  const readies: Callback[] = [];
  const listeners: Record<string, Callback[]> = {};
  const later = (f?: Callback, ...a: unknown[]) => f && setTimeout(() => f(...a));
  const ready = (f: Callback) => (page.wm?.v ? later(f) : readies.push(f));
  const wm = (...a: unknown[]) => {
    // The stub of wm.js's own loader snippet, until wm.js replaces it.
    const w: Wm = (page.wm ||= Object.assign((...q: unknown[]) => void (w.q ||= []).push(q), {}));
    w(...a);
  };
  const emit = (type: string, ...a: unknown[]) => {
    for (const f of listeners[type] || []) {
      try {
        f(...a);
      } catch {
        /* a listener's error is the site's */
      }
    }
  };
  const stored = (k: string): { id?: string; traits?: Obj } => json(ls(k)) || {};
  const store = (k: string, id: unknown, traits?: Obj) => {
    const was = stored(k);
    ls(k, JSON.stringify({ id: id ?? was.id, traits: { ...was.traits, ...traits } }));
  };
  const done = (callback?: Callback) => ready(() => later(callback));

  let loaded = 0;
  function load(site?: unknown, options?: Obj) {
    if (loaded++) return;
    const key = String(site || src.searchParams.get('site') || stub._writeKey || '');
    ready(() => (readies.splice(0).forEach((f) => later(f)), 0));
    if (page.wm?.v || document.querySelector('script[data-site]')) return poll();
    const s = document.createElement('script');
    s.async = true;
    s.src = src.origin + WM_PREFIX + '/wm.js';
    s.dataset.site = key;
    const o = { ...stub._loadOptions, ...options };
    if (o['consent']) s.dataset.consent = String(o['consent']);
    if (o['spa']) s.dataset.spa = String(o['spa']);
    (document.head || document.documentElement).appendChild(s);
    poll();
  }
  // wm.js sets wm.v when it runs: then the ready callbacks go (checked every 50 ms, for 30 s).
  function poll(n = 0) {
    if (page.wm?.v) readies.splice(0).forEach((f) => later(f));
    else if (n < 600) setTimeout(() => poll(n + 1), 50);
  }

  const analytics = {
    initialize: true,
    invoked: true,
    VERSION: 'waymark-1',
    load,
    ready: (f: unknown) => typeof f == 'function' && ready(f as Callback),
    track(...args: unknown[]) {
      const { lead, props, options, callback } = split(args, 1);
      wm('track', lead[0], props);
      emit('track', lead[0], props, options);
      done(callback);
    },
    // wm.js records every page view itself (on load and on SPA route changes): page() adds none,
    // or each view would count twice. Its name, category and properties are not stored.
    page(...args: unknown[]) {
      const { props, options, callback } = pageArgs(args);
      emit('page', props['category'], props['name'], props, options);
      done(callback);
    },
    identify(...args: unknown[]) {
      const { userId, traits, options, callback } = identifyArgs(args);
      store(USER, userId, traits);
      const id = userId ?? stored(USER).id;
      // Without a user id Waymark has no identify: the traits are kept here, and sent with the next one.
      if (id) wm('identify', id, stored(USER).traits);
      emit('identify', id, traits, options);
      done(callback);
    },
    group(...args: unknown[]) {
      if (!args.length) return handle(GROUP);
      const { lead, props, callback } = split(args, 1);
      store(GROUP, lead[0], props);
      wm('group', lead[0], props);
      done(callback);
    },
    alias(...args: unknown[]) {
      const { lead, callback } = split(args, 2);
      const [userId, previousId] = lead;
      wm('alias', userId, typeof previousId == 'string' ? previousId : undefined);
      store(USER, userId);
      done(callback);
    },
    reset() {
      ls(USER, '');
      ls(GROUP, '');
      wm('reset');
    },
    user: () => handle(USER),
    on(type: string, f: Callback) {
      (listeners[type] ||= []).push(f);
      return analytics;
    },
    off(type: string, f: Callback) {
      listeners[type] = (listeners[type] || []).filter((g) => g !== f && (g as { f?: Callback }).f !== f);
      return analytics;
    },
    once(type: string, f: Callback) {
      const g = Object.assign((...a: unknown[]) => (analytics.off(type, g), f(...a)), { f });
      return analytics.on(type, g);
    },
    debug: () => analytics,
  } as Record<string, unknown> & { on: (t: string, f: Callback) => unknown; off: (t: string, f: Callback) => unknown };
  /** user() / group(): analytics.js's getters; anonymousId() is the Waymark visitor token (send it as a server call's anonymousId). */
  function handle(k: string) {
    return {
      id: () => stored(k).id ?? null,
      traits: () => stored(k).traits ?? {},
      ...(k == USER ? { anonymousId: () => ls('wm_vid') || null } : {}),
    };
  }
  // analytics.js's other stub methods: present, so the loader's calls never throw; they do nothing.
  for (const m of [
    'trackSubmit',
    'trackClick',
    'trackLink',
    'trackForm',
    'pageview',
    'addSourceMiddleware',
    'addIntegrationMiddleware',
    'addDestinationMiddleware',
    'setAnonymousId',
  ])
    analytics[m] = () => analytics;

  page.analytics = analytics;
  // The loader's load() ran before this file did; the site id comes from this script's URL.
  load(stub._writeKey, stub._loadOptions);
  for (const [method, ...a] of stub) {
    const f = analytics[method as string];
    if (typeof f == 'function' && method != 'load') f(...a);
  }
})();
