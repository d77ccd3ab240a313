/**
 * Amplitude HTTP V2 API (amplitude.com/docs/apis/analytics/http-v2): POST /2/httpapi with
 * `{api_key, events: [{event_type, user_id, device_id, time, insert_id, event_properties}],
 * options}`. Amplitude recommends at most 10 events per request (all plans accept it; 2000 and
 * 1 MB are the hard limits); `insert_id` (the Waymark event id) deduplicates retries for 7 days.
 * Ids shorter than 5 characters are dropped unless `options.min_id_length` says otherwise, so
 * it is set to 1 (a short user id is still a user id). Pure.
 */
import type { Destination } from '../../../../protocol/config/destinations';
import { namedBy, pageOf, propertiesOf, userIdOf, utmProperties, type ForwardEvent, type Provider } from './common';

type Amplitude = Extract<Destination, { kind: 'amplitude' }>;
export type AmplitudeEvent = {
  event_type: string;
  user_id?: string;
  device_id: string;
  time: number;
  insert_id: string;
  event_properties: Record<string, unknown>;
  user_properties?: Record<string, unknown>;
  groups?: Record<string, string>;
  library: string;
};

export const AMPLITUDE_HOSTS = { us: 'https://api2.amplitude.com/2/httpapi', eu: 'https://api.eu.amplitude.com/2/httpapi' } as const;
export const AMPLITUDE_MIN_ID_LENGTH = 1;

export const amplitudeEventType = namedBy({
  page: '[Amplitude] Page Viewed',
  identify: '$identify',
  prefs: '$identify',
  group: '$groupidentify',
  alias: 'Alias',
});

export function amplitudeEvent(f: ForwardEvent): AmplitudeEvent {
  const e = f.event;
  const page = pageOf(e);
  const userId = userIdOf(f);
  const own = propertiesOf(e);
  const pageProps = {
    '[Amplitude] Page Location': page.url,
    '[Amplitude] Page Path': page.path,
    ...(page.title ? { '[Amplitude] Page Title': page.title } : {}),
    ...(page.referrer ? { referrer: page.referrer } : {}),
  };
  const event: AmplitudeEvent = {
    event_type: amplitudeEventType(f),
    ...(userId ? { user_id: userId } : {}),
    device_id: f.visitorId,
    time: e.ts,
    insert_id: e.id,
    event_properties: { ...(e.type === 'page' || e.type === 'track' ? own : {}), ...pageProps, ...utmProperties(e) },
    library: 'waymark-edge/1',
  };
  if (e.type === 'identify' || e.type === 'prefs') event.user_properties = { $set: own };
  if (e.type === 'group') {
    event.groups = { company: e.groupId };
    event.user_properties = { $set: own };
  }
  if (e.type === 'alias' && e.previousId) event.event_properties.previous_id = e.previousId;
  return event;
}

export const amplitude: Provider<Amplitude> = {
  limits: { maxEvents: 10, maxBytes: 1_000_000, maxEventBytes: 100_000 },
  map: amplitudeEvent,
  async request(items, destination, secrets) {
    return {
      url: destination.settings.demoEndpoint ?? AMPLITUDE_HOSTS[destination.settings.region],
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: secrets.apiKey ?? '', events: items, options: { min_id_length: AMPLITUDE_MIN_ID_LENGTH } }),
    };
  },
};
