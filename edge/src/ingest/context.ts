/**
 * Segment's `context` object on a wire event (protocol/wire.ts `contextSchema`), folded into the
 * fields the profile already keeps: `context.campaign` becomes the event's UTM when it carries
 * none, and a page event's missing referrer and title come from `context.page`. The context
 * itself stays on the stored event (locale, library). Pure.
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

export function withContextFields(event: WireEvent): WireEvent {
  const context = event.context;
  if (!context) return event;
  const out: WireEvent = { ...event };
  // A userAgent key the schema accepted and dropped leaves `undefined` behind: JSON omits it.
  if (!out.utm) {
    const utm = campaignUtm(context.campaign);
    if (utm) out.utm = utm;
  }
  if (out.type === 'page' && context.page) {
    if (out.ref === undefined && context.page.referrer !== undefined) out.ref = context.page.referrer;
    if (out.title === undefined && context.page.title !== undefined) out.title = context.page.title;
  }
  return out;
}
