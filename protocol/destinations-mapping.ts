/**
 * What each destination kind makes of a Waymark event, as a table: the dashboard shows it read-only
 * in the editor, docs/destinations.md carries the same rows (a unit test compares them), and the
 * event-name rows are checked against the mapping code (edge/src/destinations/providers/mapping.test.ts).
 */

/** Zod-free (the dashboard bundles this file): the kinds and their write-only secrets' names. */
export const DESTINATION_KINDS = ['ga4', 'mixpanel', 'posthog', 'segment', 'amplitude', 'webhook'] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];

/** The write-only secrets each kind needs (their names in the admin API's `secrets` object). */
export const DESTINATION_SECRETS: Record<DestinationKind, readonly string[]> = {
  ga4: ['apiSecret'],
  mixpanel: ['apiSecret'],
  posthog: ['projectApiKey'],
  segment: ['writeKey'],
  amplitude: ['apiKey'],
  webhook: ['signingSecret'],
};

export type MappingRow = { waymark: string; provider: string };

export const KIND_LABELS: Record<DestinationKind, string> = {
  ga4: 'Google Analytics 4',
  mixpanel: 'Mixpanel',
  posthog: 'PostHog',
  segment: 'Segment',
  amplitude: 'Amplitude',
  webhook: 'Signed webhook',
};

/** The endpoint, auth and batching of each kind, one line each. */
export const KIND_TRANSPORT: Record<DestinationKind, string> = {
  ga4: 'POST https://www.google-analytics.com/mp/collect (EU: region1) with measurement_id and api_secret; one client per request, at most 25 events.',
  mixpanel: 'POST https://api.mixpanel.com/import?strict=1 (EU: api-eu, IN: api-in), Basic auth with the project secret; at most 2000 events.',
  posthog: 'POST https://us.i.posthog.com/batch/ (EU: eu.i.posthog.com, or your own host) with api_key; at most 1000 events and 1 MB.',
  segment: 'POST https://api.segment.io/v1/batch (EU: events.eu1.segmentapis.com), Basic auth with the write key; at most 500 KB, 32 KB per call.',
  amplitude: 'POST https://api2.amplitude.com/2/httpapi (EU: api.eu.amplitude.com) with api_key; 10 events per request, min_id_length 1.',
  webhook: 'POST your https URL, signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature); at most 100 events and 256 KB.',
};

export const MAPPINGS: Record<DestinationKind, MappingRow[]> = {
  ga4: [
    { waymark: 'page', provider: 'event `page_view`' },
    { waymark: 'track', provider: 'event named as tracked (letters, digits, _; 40 characters; reserved names get `wm_`)' },
    { waymark: 'identify', provider: 'event `login`; traits → `user_properties`' },
    { waymark: 'group', provider: 'event `join_group` with `group_id`' },
    { waymark: 'alias / prefs', provider: 'event `wm_alias` / `wm_prefs`' },
    { waymark: 'properties', provider: '`params` (scalars; 25 at most, values 100 characters)' },
    { waymark: 'visitor id / user id', provider: '`client_id` / `user_id`' },
    { waymark: 'timestamp', provider: '`timestamp_micros`' },
    { waymark: 'page context', provider: '`page_location`, `page_referrer`, `page_title`' },
    { waymark: 'campaign', provider: '`source`, `medium`, `campaign`, `term`, `content`' },
    { waymark: 'dedup', provider: 'none in GA4: an event is re-sent only after a failed attempt' },
  ],
  mixpanel: [
    { waymark: 'page', provider: 'event `$mp_web_page_view`' },
    { waymark: 'track', provider: 'event named as tracked' },
    { waymark: 'identify', provider: 'event `$identify` with `$identified_id`, `$anon_id`' },
    { waymark: 'group', provider: 'event `$group` with `$group_id`' },
    { waymark: 'alias / prefs', provider: 'event `$create_alias` / `Preferences Updated`' },
    { waymark: 'properties', provider: '`properties`' },
    { waymark: 'visitor id / user id', provider: '`$device_id` / `$user_id`; `distinct_id` is the user id, else `$device:<visitor>`' },
    { waymark: 'timestamp', provider: '`properties.time` (ms)' },
    { waymark: 'page context', provider: '`$current_url`, `current_url_path`, `$referrer`, `current_page_title`' },
    { waymark: 'campaign', provider: '`utm_source` … `utm_content`' },
    { waymark: 'dedup', provider: '`$insert_id` (the event id)' },
  ],
  posthog: [
    { waymark: 'page', provider: 'event `$pageview`' },
    { waymark: 'track', provider: 'event named as tracked' },
    { waymark: 'identify', provider: 'event `$identify` with `$anon_distinct_id`, traits in `$set`' },
    { waymark: 'group', provider: 'event `$groupidentify` (`$group_type` company)' },
    { waymark: 'alias / prefs', provider: 'event `$create_alias` / `$set`' },
    { waymark: 'properties', provider: '`properties`' },
    { waymark: 'visitor id / user id', provider: '`distinct_id` (the user id, else the visitor id), `$device_id`' },
    { waymark: 'timestamp', provider: '`timestamp` (ISO 8601)' },
    { waymark: 'page context', provider: '`$current_url`, `$pathname`, `$referrer`, `title`' },
    { waymark: 'campaign', provider: '`utm_source` … `utm_content`' },
    { waymark: 'dedup', provider: '`uuid` (derived from the event id)' },
  ],
  segment: [
    { waymark: 'page', provider: '`page` call (name: the title)' },
    { waymark: 'track', provider: '`track` call, `event` as tracked' },
    { waymark: 'identify', provider: '`identify` call with `traits`' },
    { waymark: 'group', provider: '`group` call with `groupId`, `traits`' },
    { waymark: 'alias / prefs', provider: '`alias` call (`previousId`) / `identify` with the preferences as traits' },
    { waymark: 'properties', provider: '`properties`' },
    { waymark: 'visitor id / user id', provider: '`anonymousId` / `userId`' },
    { waymark: 'timestamp', provider: '`timestamp` (ISO 8601)' },
    { waymark: 'page context', provider: '`context.page` (url, path, search, referrer, title)' },
    { waymark: 'campaign', provider: '`context.campaign` (source, medium, name, term, content)' },
    { waymark: 'dedup', provider: '`messageId` (the event id)' },
  ],
  amplitude: [
    { waymark: 'page', provider: 'event `[Amplitude] Page Viewed`' },
    { waymark: 'track', provider: '`event_type` as tracked' },
    { waymark: 'identify', provider: '`$identify` with traits in `user_properties.$set`' },
    { waymark: 'group', provider: '`$groupidentify` with `groups.company`' },
    { waymark: 'alias / prefs', provider: 'event `Alias` / `$identify` with the preferences' },
    { waymark: 'properties', provider: '`event_properties`' },
    { waymark: 'visitor id / user id', provider: '`device_id` / `user_id`' },
    { waymark: 'timestamp', provider: '`time` (ms)' },
    { waymark: 'page context', provider: '`[Amplitude] Page Location`, `[Amplitude] Page Path`, `[Amplitude] Page Title`, `referrer`' },
    { waymark: 'campaign', provider: '`utm_source` … `utm_content` in `event_properties`' },
    { waymark: 'dedup', provider: '`insert_id` (the event id)' },
  ],
  webhook: [
    { waymark: 'every type', provider: '`events[]` with `type` and `name`' },
    { waymark: 'properties', provider: '`properties` (traits, preferences)' },
    { waymark: 'visitor id / user id', provider: '`anonymousId` / `userId`' },
    { waymark: 'timestamp', provider: '`timestamp`, `receivedAt` (ISO 8601)' },
    { waymark: 'page context', provider: '`page` (url, path, search, referrer, title)' },
    { waymark: 'campaign', provider: '`campaign` (source, medium, name, term, content)' },
    { waymark: 'dedup', provider: '`webhook-id` (stable per batch) and each event’s `id`' },
  ],
};
