/**
 * Decisions for a request: builds the request facts (page, referrer, UTM, device, geo), carries
 * the request's consent (decided once, http/middleware/consent.ts), and asks the visitor's Durable Object. Used by the collect route,
 * GET /_wm/decide and proxy mode.
 */
import type { Decision, Utm } from '../../../protocol/wire';
import type { SiteConfig } from '../../../protocol/config/site';
import type { RequestConsent } from '../consent/policy';
import type { RequestScope } from '../http/app-env';
import { isDemo } from '../http/site-context';
import type { DecisionContext } from '../profile/context';
import { visitorStub } from '../profile/stub';
import { deviceFromHeaders, type RequestFacts } from '../rules/evaluate';
import { normalizeLocale, parseAcceptLanguage } from '../../../protocol/locale';
import { isTimeZone } from '../../../protocol/config/messages';

export type PageFacts = {
  url?: string;
  referrer?: string;
  utm?: Utm;
  /** The page's lang as the browser sent it ('' for a page without one); unknown in proxy mode and collect. */
  pageLang?: string;
  /** navigator.language (snippet mode's decide request): the visitor's language before Accept-Language. */
  language?: string;
};

export function requestFacts(c: RequestScope, page: PageFacts): RequestFacts {
  const { language, ...facts } = page;
  // The visitor's languages (docs/localized-content.md): navigator.language, then Accept-Language.
  const languages = [...new Set([normalizeLocale(language), ...parseAcceptLanguage(c.req.header('accept-language'))].filter((t): t is string => t !== null))];
  const cf = c.req.raw.cf as { country?: string; region?: string } | undefined;
  // wrangler dev has no real `cf`: the local demo and tests may name a country and region.
  const demo = isDemo(c.env);
  const country = (demo && c.req.header('x-wm-country')) || cf?.country;
  const region = (demo && c.req.header('x-wm-region')) || cf?.region;
  return {
    ...facts,
    ...(languages.length ? { languages } : {}),
    device: deviceFromHeaders(c.req.header('user-agent'), c.req.header('sec-ch-ua-mobile')),
    ...(country ? { country } : {}),
    ...(region ? { region } : {}),
  };
}

export function decisionContext(c: RequestScope, site: SiteConfig, page: PageFacts, consent: Pick<RequestConsent, 'personalize'>): DecisionContext {
  return {
    // The object loads this version's segments, slots, messages and journeys itself.
    config: { site: site.id, version: site.version },
    request: requestFacts(c, page),
    personalize: consent.personalize,
    now: Date.now(),
    ...visitorTimeZone(c),
  };
}

/** Best time (journeys/best-time.ts): the visitor's time zone from Cloudflare; the local demo and tests may name one (x-wm-timezone). */
function visitorTimeZone(c: RequestScope): { timeZone?: string } {
  const cf = c.req.raw.cf as { timezone?: string } | undefined;
  const zone = (isDemo(c.env) && c.req.header('x-wm-timezone')) || cf?.timezone;
  return zone && isTimeZone(zone) ? { timeZone: zone } : {};
}

/** What to show on a page for this visitor; none for a visitor without a profile yet. */
export async function pageDecisions(
  c: RequestScope,
  site: SiteConfig,
  visitorId: string | null,
  page: PageFacts,
  consent: Pick<RequestConsent, 'personalize'>,
): Promise<Decision[]> {
  if (!visitorId || (site.slots.length === 0 && site.messages.length === 0)) return [];
  return visitorStub(c.env, site.id, visitorId).decide(decisionContext(c, site, page, consent));
}
