/**
 * PostHog batch capture (posthog.com/docs/api/capture): POST /batch/ with `{api_key, batch: [{event,
 * distinct_id, properties, timestamp, uuid}]}`, up to 20 MB per request (we send at most 1 MB and
 * 1000 events). `uuid` (derived from the Waymark event id) deduplicates retries. `$pageview`,
 * `$identify` (with `$anon_distinct_id` and `$set`), `$create_alias` and `$groupidentify` are
 * PostHog's own event names. Pure.
 */
import type { Destination } from '../../../../protocol/config/destinations';
import { namedBy, isoTime, LIBRARY, pageOf, propertiesOf, userIdOf, utmProperties, uuidFromId, type ForwardEvent, type Provider } from './common';

type PostHog = Extract<Destination, { kind: 'posthog' }>;
export type PostHogEvent = { event: string; distinct_id: string; properties: Record<string, unknown>; timestamp: string; uuid: string };

export const POSTHOG_HOSTS = { us: 'https://us.i.posthog.com', eu: 'https://eu.i.posthog.com' } as const;

export const posthogEventName = namedBy({ page: '$pageview', identify: '$identify', alias: '$create_alias', group: '$groupidentify', prefs: '$set' });

export function posthogEvent(f: ForwardEvent): PostHogEvent {
  const e = f.event;
  const page = pageOf(e);
  const userId = userIdOf(f);
  const own = propertiesOf(e);
  const properties: Record<string, unknown> = {
    ...(e.type === 'page' || e.type === 'track' ? own : {}),
    ...utmProperties(e),
    $current_url: page.url,
    $pathname: page.path,
    ...(page.referrer ? { $referrer: page.referrer } : {}),
    ...(page.title ? { title: page.title } : {}),
    $lib: LIBRARY.name,
    $lib_version: LIBRARY.version,
    $device_id: f.visitorId,
  };
  if (e.type === 'identify') Object.assign(properties, { $anon_distinct_id: f.visitorId, $set: own });
  if (e.type === 'prefs') Object.assign(properties, { $set: own });
  if (e.type === 'alias') Object.assign(properties, { alias: e.previousId ?? f.visitorId });
  if (e.type === 'group') Object.assign(properties, { $group_type: 'company', $group_key: e.groupId, $group_set: own });
  return { event: posthogEventName(f), distinct_id: userId ?? f.visitorId, properties, timestamp: isoTime(e.ts), uuid: uuidFromId(e.id) };
}

export function posthogBase(destination: PostHog): string {
  const s = destination.settings;
  if (s.demoEndpoint) return s.demoEndpoint;
  const host = s.region === 'self-hosted' ? s.host!.replace(/\/$/, '') : POSTHOG_HOSTS[s.region];
  return `${host}/batch/`;
}

export const posthog: Provider<PostHog> = {
  limits: { maxEvents: 1000, maxBytes: 1_000_000, maxEventBytes: 500_000 },
  map: posthogEvent,
  async request(items, destination, secrets) {
    return {
      url: posthogBase(destination),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: secrets.projectApiKey ?? '', historical_migration: false, batch: items }),
    };
  },
};
