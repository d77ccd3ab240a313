/**
 * Fields the edge derives instead of the browser sending them, and Segment's `context` object
 * (protocol/wire.ts `contextSchema`) folded into the fields the profile already keeps:
 * - a page event without `utm` takes the utm_* parameters of its own URL (the snippet no longer
 *   parses them: the landing page's URL carries them, and the visitor's profile gives the later
 *   pages of that session the landing page's UTM, profile/ingest.ts);
 * - `context.campaign` becomes the event's UTM when it carries none;
 * - a page event's missing referrer and title come from `context.page`.
 * The context itself stays on the stored event (locale, library). Pure.
 */
import type { Utm, WireEvent } from '../../../protocol/wire';

/** Segment's campaign object to Waymark's UTM fields (`name` is utm_campaign); undefined when empty. */
export function campaignUtm(campaign: { source?: string; medium?: string; name?: string; term?: string; content?: string } | undefined): Utm | undefined {
  if (!campaign) return undefined;
  const utm: Utm = {};
  if (campaign.source) utm.source = campaign.source;
  if (campaign.medium) utm.medium = campaign.medium;
  if (campaign.name) utm.campaign = campaign.name;
  if (campaign.term) utm.term = campaign.term;
  if (campaign.content) utm.content = campaign.content;
  return Object.keys(utm).length > 0 ? utm : undefined;
}

const UTM_VALUE_MAX = 200;

/** The five utm_* parameters of a URL's query (empty ones ignored, values cut as the wire schema cuts them), or undefined. */
export function utmFromUrl(url: string): Utm | undefined {
  let query: URLSearchParams;
  try {
    query = new URL(url).searchParams;
  } catch {
    return undefined;
  }
  const utm: Utm = {};
  for (const key of ['source', 'medium', 'campaign', 'term', 'content'] as const) {
    const value = query.get(`utm_${key}`);
    if (value) utm[key] = value.slice(0, UTM_VALUE_MAX);
  }
  return Object.keys(utm).length > 0 ? utm : undefined;
}

export function withContextFields(event: WireEvent): WireEvent {
  const context = event.context;
  if (!context) {
    if (event.type !== 'page' || event.utm) return event;
    const utm = utmFromUrl(event.url);
    return utm ? { ...event, utm } : event;
  }
  const out: WireEvent = { ...event };
  // A userAgent key the schema accepted and dropped leaves `undefined` behind: JSON omits it.
  if (!out.utm) {
    const utm = campaignUtm(context.campaign) ?? (out.type === 'page' ? utmFromUrl(out.url) : undefined);
    if (utm) out.utm = utm;
  }
  if (out.type === 'page' && context.page) {
    if (out.ref === undefined && context.page.referrer !== undefined) out.ref = context.page.referrer;
    if (out.title === undefined && context.page.title !== undefined) out.title = context.page.title;
  }
  return out;
}
