/**
 * From a consent platform's state to Waymark's two purposes (docs/consent-platforms.md). Pure: the
 * adapters in index.ts read the platforms' JavaScript APIs and pass what they read here.
 *
 * Every function returns null while the visitor has made no choice on that platform (its banner is
 * still open, or the platform says GDPR does not apply): then nothing is sent and the site's own
 * policy decides (data-consent="opt-in" holds events in memory, opt-out collects). A choice is only
 * ever a visitor's own decision, as `wm('consent', …)` requires (snippet/src/consent.ts).
 */
import type { ConsentState } from '../../protocol/wire';

export type Choice = ConsentState;

/** Google Consent Mode v2: the consent types gtag knows, each 'granted' or 'denied'. */
export type GcmState = Record<string, unknown>;

/**
 * Google Consent Mode v2. `analytics_storage` → analytics. `personalization_storage` →
 * personalization: Google defines it as storage for personalization such as video recommendations,
 * which is what Waymark's slots and messages are; `ad_personalization` is about advertising
 * (Google's ads personalization) and is not read. A type the site never set counts as not granted.
 * `decided` is true once an `update` command came (a CMP sends one when the visitor chooses, and on
 * every page once they have); `default` commands are the site's defaults, not a choice.
 */
export function mapGcm(state: GcmState, decided: boolean): Choice | null {
  if (!decided) return null;
  return { analytics: state['analytics_storage'] === 'granted', personalization: state['personalization_storage'] === 'granted' };
}

/**
 * Folds one dataLayer entry into `state`. gtag pushes its `arguments` object: ('consent',
 * 'default' | 'update', { analytics_storage: 'granted', … }). Returns 'update' or 'default' when the
 * entry was a consent command, else null. A `region`-limited default is applied as if global (the
 * site knows where its visitors are; an update always follows the visitor's choice anyway).
 */
export function foldGcm(state: GcmState, entry: unknown): 'default' | 'update' | null {
  if (entry === null || typeof entry !== 'object') return null;
  const command = entry as { 0?: unknown; 1?: unknown; 2?: unknown };
  if (command[0] !== 'consent' || (command[1] !== 'default' && command[1] !== 'update')) return null;
  const types = command[2];
  if (types === null || typeof types !== 'object') return null;
  for (const [key, value] of Object.entries(types)) if (value === 'granted' || value === 'denied') state[key] = value;
  return command[1];
}

/** IAB TCF 2.2 `tcData`, as far as it is read (the rest is ignored). */
export type TcData = {
  gdprApplies?: boolean;
  eventStatus?: string;
  purpose?: { consents?: Record<string, boolean | undefined> };
};

/** TCF purposes Waymark needs for each of its two purposes (all of them, with consent). */
export const TCF_PURPOSES = {
  /** 1 store and/or access information on a device, 8 measure content performance. */
  analytics: [1, 8],
  /** 1, 5 create profiles for personalised content, 6 use profiles to select personalised content. */
  personalization: [1, 5, 6],
} as const;

/**
 * IAB TCF 2.2. A choice exists when eventStatus is 'tcloaded' (a returning visitor's stored
 * choice) or 'useractioncomplete' (the visitor just chose); 'cmpuishown' is not one. Purpose
 * consents only: purpose 1 always needs consent, and 5 and 6 cannot rest on legitimate interest
 * in TCF 2.2, so legitimate-interest signals are not read. `gdprApplies: false` → null (the site's
 * policy applies, as it does without a CMP).
 */
export function mapTcf(tcData: TcData | null | undefined): Choice | null {
  if (!tcData || tcData.gdprApplies === false) return null;
  if (tcData.eventStatus !== 'tcloaded' && tcData.eventStatus !== 'useractioncomplete') return null;
  const consents = tcData.purpose?.consents ?? {};
  const all = (purposes: readonly number[]) => purposes.every((p) => consents[p] === true);
  return { analytics: all(TCF_PURPOSES.analytics), personalization: all(TCF_PURPOSES.personalization) };
}

/** OneTrust category (group) ids: the defaults of OneTrust's cookie categories. */
export type OneTrustGroups = { analytics: string; personalization: string };
export const ONETRUST_GROUPS: OneTrustGroups = {
  /** C0002 performance cookies ("count visits and traffic sources"). */
  analytics: 'C0002',
  /** C0003 functional cookies ("enhanced functionality and personalisation"). C0004 is targeting (ads). */
  personalization: 'C0003',
};

/**
 * The group ids of `data-cmp-groups="C0002,C0003"` (analytics, personalization), for sites whose
 * OneTrust categories have other ids; anything else gives the defaults.
 */
export function oneTrustGroups(attribute: string | undefined): OneTrustGroups {
  const [analytics, personalization] = (attribute ?? '').split(',').map((s) => s.trim());
  return analytics && personalization ? { analytics, personalization } : ONETRUST_GROUPS;
}

/**
 * OneTrust. `activeGroups` is `OnetrustActiveGroups` (or the older `OptanonActiveGroups`), e.g.
 * ",C0001,C0002,". `decided`: `OneTrust.IsAlertBoxClosed()` (the visitor closed the banner with a
 * choice); before that the active groups are the site's defaults, not a choice.
 */
export function mapOneTrust(activeGroups: string | undefined, decided: boolean, groups: OneTrustGroups = ONETRUST_GROUPS): Choice | null {
  if (!decided || typeof activeGroups !== 'string') return null;
  const active = new Set(activeGroups.split(',').map((s) => s.trim()));
  return { analytics: active.has(groups.analytics), personalization: active.has(groups.personalization) };
}

/** Cookiebot's `window.Cookiebot`, as far as it is read. */
export type CookiebotState = {
  hasResponse?: boolean;
  consent?: { statistics?: boolean; preferences?: boolean; marketing?: boolean };
};

/**
 * Cookiebot. statistics → analytics; preferences → personalization (Cookiebot's "preferences"
 * category is for cookies that change how the site behaves or looks for this visitor; marketing is
 * for ads and is not read). `hasResponse` false: no choice yet.
 */
export function mapCookiebot(cookiebot: CookiebotState | null | undefined): Choice | null {
  if (!cookiebot?.hasResponse || !cookiebot.consent) return null;
  return { analytics: cookiebot.consent.statistics === true, personalization: cookiebot.consent.preferences === true };
}

/** Send only what differs from the last choice (the stored one at first): one consent event per change. */
export function changed(last: Choice | null | undefined, next: Choice | null): next is Choice {
  return !!next && (!last || last.analytics !== next.analytics || last.personalization !== next.personalization);
}
