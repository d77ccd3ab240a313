/**
 * GA4 Measurement Protocol (developers.google.com/analytics/devguides/collection/protocol/ga4):
 * POST /mp/collect?measurement_id=…&api_secret=… with `{client_id, user_id?, timestamp_micros,
 * events: [{name, params}]}`, one client per request, at most 25 events. Event and parameter names
 * are at most 40 characters of letters, digits and underscores starting with a letter, and not
 * reserved; parameter values at most 100 characters; at most 25 parameters per event; user
 * properties at most 24-character names and 36-character values. GA4 has no dedup key: an event
 * is sent again only when the previous attempt was not answered 2xx. Pure.
 */
import type { Destination } from '../../../../protocol/config/destinations';
import type { PropValue } from '../../../../protocol/wire';
import { campaignOf, eventName, pageOf, propertiesOf, userIdOf, type ForwardEvent, type Provider } from './common';

type Ga4 = Extract<Destination, { kind: 'ga4' }>;
export type Ga4Event = { name: string; params: Record<string, string | number>; timestamp_micros: number };
type Ga4Item = { clientId: string; userId: string | null; userProperties: Record<string, { value: string | number }>; event: Ga4Event };

export const GA4_MAX_EVENTS = 25;
export const GA4_MAX_PARAMS = 25;
export const GA4_NAME_MAX = 40;
export const GA4_VALUE_MAX = 100;
/** Names GA4 reserves for its own events (sending them is dropped), per the Measurement Protocol reference. */
export const GA4_RESERVED_EVENTS = new Set([
  'ad_activeview',
  'ad_click',
  'ad_exposure',
  'ad_query',
  'ad_reward',
  'adunit_exposure',
  'app_background',
  'app_clear_data',
  'app_exception',
  'app_remove',
  'app_store_refund',
  'app_store_subscription_cancel',
  'app_store_subscription_convert',
  'app_store_subscription_renew',
  'app_update',
  'app_upgrade',
  'dynamic_link_app_open',
  'dynamic_link_app_update',
  'dynamic_link_first_open',
  'error',
  'first_open',
  'first_visit',
  'in_app_purchase',
  'notification_dismiss',
  'notification_foreground',
  'notification_open',
  'notification_receive',
  'os_update',
  'session_start',
  'session_start_with_rollout',
  'user_engagement',
]);
const RESERVED_PREFIXES = ['google_', 'ga_', 'firebase_'];

/** A GA4-valid name: letters, digits, underscores, starting with a letter, not reserved, at most 40. */
export function ga4Name(raw: string): string {
  let name = raw.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+/, '');
  if (!/^[A-Za-z]/.test(name)) name = `e_${name}`;
  if (RESERVED_PREFIXES.some((p) => name.toLowerCase().startsWith(p)) || GA4_RESERVED_EVENTS.has(name.toLowerCase())) name = `wm_${name}`;
  return name.slice(0, GA4_NAME_MAX).replace(/_+$/, '') || 'event';
}

const scalar = (v: PropValue): string | number | null =>
  typeof v === 'number' ? v : typeof v === 'string' ? v.slice(0, GA4_VALUE_MAX) : typeof v === 'boolean' ? String(v) : null;

/** The GA4 event name of a Waymark event (the mapping table in docs/destinations.md). */
export function ga4EventName(f: ForwardEvent): string {
  const e = f.event;
  if (e.type === 'page') return 'page_view';
  if (e.type === 'identify') return 'login';
  if (e.type === 'group') return 'join_group';
  return ga4Name(e.type === 'track' ? e.name : `wm_${eventName(e)}`);
}

export function ga4Event(f: ForwardEvent): Ga4Event {
  const e = f.event;
  const page = pageOf(e);
  const campaign = campaignOf(e);
  const params: Record<string, string | number> = {
    page_location: page.url.slice(0, 1000),
    ...(page.referrer ? { page_referrer: page.referrer.slice(0, 420) } : {}),
    ...(page.title ? { page_title: page.title.slice(0, 300) } : {}),
    ...(campaign.source ? { source: campaign.source.slice(0, GA4_VALUE_MAX) } : {}),
    ...(campaign.medium ? { medium: campaign.medium.slice(0, GA4_VALUE_MAX) } : {}),
    ...(campaign.name ? { campaign: campaign.name.slice(0, GA4_VALUE_MAX) } : {}),
    ...(campaign.term ? { term: campaign.term.slice(0, GA4_VALUE_MAX) } : {}),
    ...(campaign.content ? { content: campaign.content.slice(0, GA4_VALUE_MAX) } : {}),
    // Realtime and engagement reports need a positive engagement time.
    engagement_time_msec: 1,
  };
  if (e.type === 'identify') params.method = 'waymark';
  if (e.type === 'group') params.group_id = e.groupId.slice(0, GA4_VALUE_MAX);
  if (e.type === 'alias' && e.previousId) params.previous_id = e.previousId.slice(0, GA4_VALUE_MAX);
  // The event's own scalar properties fill what is left of the 25 (page and campaign first); objects and arrays are dropped.
  if (e.type !== 'identify') {
    for (const [key, value] of Object.entries(propertiesOf(e))) {
      if (Object.keys(params).length >= GA4_MAX_PARAMS) break;
      const v = scalar(value);
      const k = ga4Name(key);
      if (v !== null && !(k in params)) params[k] = v;
    }
  }
  return { name: ga4EventName(f), params, timestamp_micros: e.ts * 1000 };
}

function userProperties(f: ForwardEvent): Ga4Item['userProperties'] {
  if (f.event.type !== 'identify') return {};
  const out: Ga4Item['userProperties'] = {};
  for (const [key, value] of Object.entries(f.event.traits ?? {})) {
    if (Object.keys(out).length >= 25) break;
    const v = scalar(value);
    if (v !== null) out[ga4Name(key).slice(0, 24)] = { value: typeof v === 'string' ? v.slice(0, 36) : v };
  }
  return out;
}

export const GA4_HOSTS = { global: 'https://www.google-analytics.com/mp/collect', eu: 'https://region1.google-analytics.com/mp/collect' } as const;

export const ga4: Provider<Ga4> = {
  // 130 KB is GA4's post body limit.
  limits: { maxEvents: GA4_MAX_EVENTS, maxBytes: 130_000, maxEventBytes: 8_000 },
  groupKey: (f) => `${f.visitorId}|${userIdOf(f) ?? ''}`,
  map: (f): Ga4Item => ({ clientId: f.visitorId, userId: userIdOf(f), userProperties: userProperties(f), event: ga4Event(f) }),
  async request(items, destination, secrets) {
    const list = items as Ga4Item[];
    const first = list[0]!;
    const url = new URL(destination.settings.demoEndpoint ?? GA4_HOSTS[destination.settings.region]);
    url.searchParams.set('measurement_id', destination.settings.measurementId);
    url.searchParams.set('api_secret', secrets.apiSecret ?? '');
    const userProperties = Object.assign({}, ...list.map((i) => i.userProperties)) as Ga4Item['userProperties'];
    const body = {
      client_id: first.clientId,
      ...(first.userId ? { user_id: first.userId.slice(0, 256) } : {}),
      timestamp_micros: Math.min(...list.map((i) => i.event.timestamp_micros)),
      ...(Object.keys(userProperties).length ? { user_properties: userProperties } : {}),
      events: list.map((i) => i.event),
    };
    return { url: url.href, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  },
};
