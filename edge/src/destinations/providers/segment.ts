/**
 * Segment HTTP Tracking API (segment.com/docs/connections/sources/catalog/libraries/server/http-api):
 * POST /v1/batch with Basic auth of the source's write key (as the user, empty password) and
 * `{batch: [{type, messageId, anonymousId, userId, timestamp, context, …}]}`: at most 500 KB per
 * batch and 32 KB per call. `messageId` (the Waymark event id) deduplicates retries. The call
 * types are the same as Waymark's (page, track, identify, group, alias); prefs become an identify
 * with the preferences as traits. Pure.
 */
import type { Destination } from '../../../../protocol/config/destinations';
import { basicAuth, campaignOf, isoTime, LIBRARY, pageOf, propertiesOf, userIdOf, type ForwardEvent, type Provider } from './common';

type Segment = Extract<Destination, { kind: 'segment' }>;
export type SegmentCall = {
  type: 'page' | 'track' | 'identify' | 'group' | 'alias';
  messageId: string;
  anonymousId: string;
  userId?: string;
  timestamp: string;
  context: { library: typeof LIBRARY; page: Record<string, string>; campaign?: Record<string, string> };
  event?: string;
  name?: string;
  properties?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  groupId?: string;
  previousId?: string;
};

export const SEGMENT_HOSTS = { us: 'https://api.segment.io/v1/batch', eu: 'https://events.eu1.segmentapis.com/v1/batch' } as const;

export function segmentCall(f: ForwardEvent): SegmentCall {
  const e = f.event;
  const page = pageOf(e);
  const campaign = campaignOf(e);
  const userId = userIdOf(f);
  const base = {
    messageId: e.id,
    anonymousId: f.visitorId,
    ...(userId ? { userId } : {}),
    timestamp: isoTime(e.ts),
    context: {
      library: LIBRARY,
      page: { url: page.url, path: page.path, search: page.search, referrer: page.referrer, title: page.title },
      ...(Object.keys(campaign).length ? { campaign: campaign as Record<string, string> } : {}),
    },
  };
  const own = propertiesOf(e);
  switch (e.type) {
    case 'page':
      return {
        ...base,
        type: 'page',
        ...(page.title ? { name: page.title } : {}),
        properties: { ...own, url: page.url, path: page.path, referrer: page.referrer, title: page.title, search: page.search },
      };
    case 'track':
      return { ...base, type: 'track', event: e.name, properties: own };
    case 'identify':
    case 'prefs':
      return { ...base, type: 'identify', traits: own };
    case 'group':
      return { ...base, type: 'group', groupId: e.groupId, traits: own };
    case 'alias':
      return { ...base, type: 'alias', userId: e.userId, previousId: e.previousId ?? f.visitorId };
  }
}

export const segment: Provider<Segment> = {
  limits: { maxEvents: 2500, maxBytes: 500_000, maxEventBytes: 32_000 },
  map: segmentCall,
  async request(items, destination, secrets, nowMs) {
    return {
      url: destination.settings.demoEndpoint ?? SEGMENT_HOSTS[destination.settings.region],
      headers: { 'content-type': 'application/json', authorization: basicAuth(secrets.writeKey ?? '') },
      body: JSON.stringify({ batch: items, sentAt: isoTime(nowMs) }),
    };
  },
};
