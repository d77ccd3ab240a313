/**
 * The one way a Waymark tag is put on a page by script: the stub, then a script element with
 * `setAttribute('data-…')`. The npm package's `load()` calls it, and the Google Tag Manager loader
 * (dist/gtm.html, built from gtm.ts) is this function compiled to plain ES5, because GTM's Custom
 * HTML tags may strip `data-*` attributes from markup but keep what a script sets. wm.js reads its
 * tag as `document.currentScript` (set for an inserted classic script too) or, failing that, as
 * the first `script[data-site]`.
 *
 * ES5 syntax only (no arrow functions, no const): GTM's Custom HTML compiler is the target.
 */

/** What the tag's attributes say (README "Add it to a site", docs/consent-platforms.md). */
export type TagOptions = {
  /** data-site: the site id (required). */
  site: string;
  /**
   * Where Waymark answers: the origin serving /_wm/ (default: the page's own origin, the
   * first-party set-up). wm.js is loaded from there and sends there.
   */
  endpoint?: string;
  /** data-consent="opt-in": nothing is stored or sent before the visitor agrees. */
  consent?: 'opt-in';
  /** data-cmp: read a consent platform (wm-consent.js). */
  cmp?: 'gcm' | 'tcf' | 'onetrust' | 'cookiebot' | 'auto';
  /** data-cmp-groups: OneTrust category ids for analytics and personalization, e.g. "C0002,C0003". */
  cmpGroups?: string;
  /** data-spa="hash": hash routes count as page views. */
  spa?: 'hash';
  /** The CSP nonce for the inserted script, when the page allows scripts by nonce. */
  nonce?: string;
};

type Stub = ((...args: unknown[]) => void) & { q?: IArguments[] };

/** The README's stub, if wm is not there yet: calls made before wm.js runs are queued and replayed by it. */
export function installStub(w: Window & typeof globalThis): void {
  var win = w as unknown as { wm?: Stub };
  if (!win.wm)
    win.wm = function () {
      // eslint-disable-next-line prefer-rest-params -- the stub queues its arguments object, as the pasted one does
      (win.wm!.q = win.wm!.q || []).push(arguments);
    };
}

/** Installs the stub and inserts the tag (if none is there yet); returns the tag. */
export function insertTag(options: TagOptions, w: Window & typeof globalThis): HTMLScriptElement {
  var d = w.document;
  installStub(w);
  var found = d.querySelector<HTMLScriptElement>('script[data-site][src*="/_wm/wm"]');
  if (found) return found;
  var script = d.createElement('script');
  var base = options.endpoint ? options.endpoint.replace(/\/+$/, '') : '';
  script.async = true;
  if (options.nonce) script.nonce = options.nonce;
  script.src = base + '/_wm/wm.js';
  var attributes: [string, string | undefined][] = [
    ['data-site', options.site],
    ['data-endpoint', base || undefined],
    ['data-consent', options.consent],
    ['data-cmp', options.cmp],
    ['data-cmp-groups', options.cmpGroups],
    ['data-spa', options.spa],
  ];
  for (var i = 0; i < attributes.length; i++) {
    var value = attributes[i]![1];
    if (value) script.setAttribute(attributes[i]![0], value);
  }
  (d.head || d.documentElement).appendChild(script);
  return script;
}
