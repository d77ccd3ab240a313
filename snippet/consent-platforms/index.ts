/**
 * wm-consent.js: passes a consent platform's choices to the snippet as `wm('consent', …)`. wm.js
 * loads it only when its tag names a platform: `data-cmp="gcm" | "tcf" | "onetrust" | "cookiebot" |
 * "auto"` (docs/consent-platforms.md). The mapping is pure (map.ts); this file only reads each
 * platform's published JavaScript API and follows its changes, and never throws into the page.
 */
import { choice as stored } from '../src/consent';
import {
  changed,
  foldGcm,
  mapCookiebot,
  mapGcm,
  mapOneTrust,
  mapTcf,
  oneTrustGroups,
  type Choice,
  type CookiebotState,
  type GcmState,
  type TcData,
} from './map';

type TcfCallback = (tcData: (TcData & { listenerId?: number }) | null, success: boolean) => void;
type TcfApi = (command: string, version: number, callback: TcfCallback | ((success: boolean) => void), parameter?: unknown) => void;
type OneTrustApi = { IsAlertBoxClosed?: () => boolean; OnConsentChanged?: (callback: () => void) => void };

declare global {
  interface Window {
    dataLayer?: unknown[];
    __tcfapi?: TcfApi;
    OneTrust?: OneTrustApi;
    OnetrustActiveGroups?: string;
    OptanonActiveGroups?: string;
    OptanonWrapper?: () => void;
    Cookiebot?: CookiebotState;
  }
}

type Platform = 'gcm' | 'tcf' | 'onetrust' | 'cookiebot';

const w = window;
const safely = (f: () => void) => {
  try {
    f();
  } catch {
    /* a platform that surprises us must not see our errors */
  }
};

/** The last choice sent (at first the one the snippet stored): the same choice is never sent twice. */
let last: Choice | null | undefined = stored;
function send(next: Choice | null): void {
  if (!changed(last, next)) return;
  last = next;
  w.wm?.('consent', next);
}

/** Google Consent Mode v2: the gtag consent commands already on the dataLayer, then each one pushed. */
function gcm(): void {
  const state: GcmState = {};
  let decided = false;
  const read = (entry: unknown) => (decided = foldGcm(state, entry) === 'update' || decided);
  const dataLayer = (w.dataLayer = w.dataLayer || []);
  dataLayer.forEach(read);
  send(mapGcm(state, decided));
  // gtag.js and Google Tag Manager wrap push the same way and call the push they found: any order works.
  const push = dataLayer.push;
  dataLayer.push = function (this: unknown[], ...entries: unknown[]) {
    const length = push.apply(this, entries);
    safely(() => {
      entries.forEach(read);
      send(mapGcm(state, decided));
    });
    return length;
  };
}

/** IAB TCF 2.2: one listener, for the stored choice ('tcloaded') and each later one ('useractioncomplete'). */
function tcf(): void {
  const api = w.__tcfapi!;
  api('addEventListener', 2, (tcData, success) =>
    safely(() => {
      if (!success || !tcData) return;
      send(mapTcf(tcData));
      // GDPR does not apply to this visitor: nothing will ever be read here, so stop listening.
      if (tcData.gdprApplies === false) api('removeEventListener', 2, () => {}, tcData.listenerId);
    }),
  );
}

/** OneTrust: its active groups, read now, on every OptanonWrapper call and on OnConsentChanged. */
function oneTrust(): void {
  const groups = oneTrustGroups(document.querySelector<HTMLElement>('script[data-cmp]')?.dataset['cmpGroups']);
  let subscribed = false;
  const read = () =>
    safely(() => {
      const api = w.OneTrust;
      if (api?.OnConsentChanged && !subscribed) (api.OnConsentChanged(read), (subscribed = true));
      send(mapOneTrust(w.OnetrustActiveGroups ?? w.OptanonActiveGroups, !!api?.IsAlertBoxClosed?.(), groups));
    });
  // OneTrust calls window.OptanonWrapper once loaded and after every change: the site's own
  // wrapper (if any) runs first, as before.
  const site = w.OptanonWrapper;
  w.OptanonWrapper = function (this: unknown) {
    try {
      if (typeof site === 'function') site.call(this);
    } finally {
      read();
    }
  };
  addEventListener('OneTrustGroupsUpdated', read);
  read();
}

/** Cookiebot: `Cookiebot.consent` now, and after each of its consent events. */
function cookiebot(): void {
  const read = () => safely(() => send(mapCookiebot(w.Cookiebot)));
  for (const type of ['CookiebotOnConsentReady', 'CookiebotOnAccept', 'CookiebotOnDecline']) addEventListener(type, read);
  read();
}

/** No prototype: a data-cmp of "toString" names no platform. */
const PLATFORMS = { __proto__: null, gcm, tcf, onetrust: oneTrust, cookiebot } as unknown as Record<string, (() => void) | undefined>;

/** data-cmp="auto": the first platform present, the specific CMPs before the Consent Mode they feed. */
function detect(): Platform | null {
  if (typeof w.__tcfapi === 'function') return 'tcf';
  if (w.OneTrust || w.OnetrustActiveGroups !== undefined || typeof w.OptanonWrapper === 'function') return 'onetrust';
  if (w.Cookiebot) return 'cookiebot';
  if (Array.isArray(w.dataLayer) && w.dataLayer.some((entry) => foldGcm({}, entry))) return 'gcm';
  return null;
}

safely(() => {
  const name = document.querySelector<HTMLElement>('script[data-site][data-cmp]')?.dataset['cmp'] ?? '';
  if (name === 'auto') {
    // A platform loaded after us is looked for again once the page has loaded.
    const start = () => {
      const found = detect();
      if (found) PLATFORMS[found]!();
      return found;
    };
    if (!start()) addEventListener('load', () => safely(start), { once: true });
  } else if (name === 'tcf' && typeof w.__tcfapi !== 'function') {
    // The TCF stub belongs at the top of the page; if it was late, wait for the page to load.
    addEventListener('load', () => safely(() => typeof w.__tcfapi === 'function' && tcf()), { once: true });
  } else PLATFORMS[name]?.();
});
