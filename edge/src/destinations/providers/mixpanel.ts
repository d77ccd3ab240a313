/**
 * Mixpanel Import API (developer.mixpanel.com/reference/import-events): POST /import?strict=1 with
 * Basic auth of the project's API secret, a JSON array of `{event, properties: {time, distinct_id,
 * $insert_id, …}}`, at most 2000 events and 10 MB per request (1 MB per event). `$insert_id`
 * (at most 36 characters of letters, digits and `-`) deduplicates retries. Identity follows
 * Mixpanel's simplified ID merge: `$device_id` is the Waymark visitor, `$user_id` the user once
 * identified. Pure.
 */
import type { Destination } from '../../../../protocol/config/destinations';
import { namedBy, basicAuth, insertIdOf, pageOf, propertiesOf, userIdOf, utmProperties, type ForwardEvent, type Provider } from './common';

type Mixpanel = Extract<Destination, { kind: 'mixpanel' }>;
export type MixpanelEvent = { event: string; properties: Record<string, unknown> & { time: number; distinct_id: string; $insert_id: string } };

export const MIXPANEL_HOSTS = { us: 'https://api.mixpanel.com', eu: 'https://api-eu.mixpanel.com', in: 'https://api-in.mixpanel.com' } as const;

export const mixpanelEventName = namedBy({
  page: '$mp_web_page_view',
  identify: '$identify',
  alias: '$create_alias',
  group: '$group',
  prefs: 'Preferences Updated',
});

export function mixpanelEvent(f: ForwardEvent): MixpanelEvent {
  const e = f.event;
  const page = pageOf(e);
  const userId = userIdOf(f);
  const extra: Record<string, unknown> = {};
  if (e.type === 'identify') Object.assign(extra, { $identified_id: e.userId, $anon_id: f.visitorId });
  if (e.type === 'alias') Object.assign(extra, { alias: e.userId });
  if (e.type === 'group') Object.assign(extra, { $group_key: 'company', $group_id: e.groupId });
  return {
    event: mixpanelEventName(f),
    properties: {
      ...propertiesOf(e),
      ...utmProperties(e),
      ...extra,
      time: e.ts,
      distinct_id: e.type === 'alias' ? (e.previousId ?? f.visitorId) : (userId ?? `$device:${f.visitorId}`),
      $device_id: f.visitorId,
      ...(userId ? { $user_id: userId } : {}),
      $insert_id: insertIdOf(e.id),
      $current_url: page.url,
      current_url_path: page.path,
      ...(page.referrer ? { $referrer: page.referrer } : {}),
      ...(page.title ? { current_page_title: page.title } : {}),
      mp_lib: 'waymark-edge',
    },
  };
}

export const mixpanel: Provider<Mixpanel> = {
  limits: { maxEvents: 2000, maxBytes: 10_000_000, maxEventBytes: 1_000_000 },
  map: mixpanelEvent,
  async request(items, destination, secrets) {
    const base = destination.settings.demoEndpoint ?? `${MIXPANEL_HOSTS[destination.settings.region]}/import?strict=1`;
    return {
      url: base,
      headers: { 'content-type': 'application/json', authorization: basicAuth(secrets.apiSecret ?? '') },
      body: JSON.stringify(items),
    };
  },
};
