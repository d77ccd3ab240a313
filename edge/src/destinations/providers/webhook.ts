/**
 * The generic signed webhook: POST the destination's URL with `{type: "waymark.events", events:
 * [{id, type, name, userId, anonymousId, timestamp, receivedAt, properties, page, campaign}]}`,
 * signed per Standard Webhooks (edge/src/net/standard-webhooks.ts) with the destination's whsec_
 * secret. The `webhook-id` is derived from the event ids, so a retried batch carries the same id
 * and receivers deduplicate on it (and on each event's `id`). At most 100 events and 256 KB.
 */
import type { Destination } from '../../../../protocol/config/destinations';
import { signWebhook } from '../../net/standard-webhooks';
import { campaignOf, eventName, isoTime, pageOf, propertiesOf, userIdOf, uuidFromId, type ForwardEvent, type Provider } from './common';

type WebhookDestination = Extract<Destination, { kind: 'webhook' }>;
export type WebhookEvent = {
  id: string;
  type: string;
  name: string;
  userId: string | null;
  anonymousId: string;
  timestamp: string;
  receivedAt: string;
  properties: Record<string, unknown>;
  page: ReturnType<typeof pageOf>;
  campaign: ReturnType<typeof campaignOf>;
};

export function webhookEvent(f: ForwardEvent): WebhookEvent {
  const e = f.event;
  return {
    id: e.id,
    type: e.type,
    name: eventName(e),
    userId: userIdOf(f),
    anonymousId: f.visitorId,
    timestamp: isoTime(e.ts),
    receivedAt: isoTime(f.receivedAt),
    properties: propertiesOf(e),
    page: pageOf(e),
    campaign: campaignOf(e),
  };
}

export const webhook: Provider<WebhookDestination> = {
  limits: { maxEvents: 100, maxBytes: 256_000, maxEventBytes: 64_000 },
  map: webhookEvent,
  async request(items, destination, secrets, nowMs) {
    const events = items as WebhookEvent[];
    const body = JSON.stringify({ type: 'waymark.events', destination: destination.id, events });
    const messageId = `msg_${uuidFromId(events.map((e) => e.id).join(','))}`;
    return {
      url: destination.settings.url,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Waymark-Destinations/1',
        ...(await signWebhook([secrets.signingSecret ?? ''], messageId, body, nowMs)),
      },
      body,
    };
  },
};
