/** The body a webhook receives, per format. Pure: built when the delivery is queued (a snapshot). */
import type { WebhookFormat } from '../../../protocol/config/webhooks';

export type JourneyWebhookEvent = {
  /** The delivery id: receivers deduplicate retries on it (also the `Waymark-Delivery` header). */
  deliveryId: string;
  site: string;
  journey: { id: string; name: string };
  step: string;
  visitor: { id: string; userId: string | null; traits: Record<string, unknown> };
  at: number;
};

const iso = (ms: number) => new Date(ms).toISOString();

export function buildPayload(format: WebhookFormat, e: JourneyWebhookEvent): Record<string, unknown> {
  switch (format) {
    case 'slack': {
      // Slack incoming webhooks take {text}; mrkdwn is on by default, so names are quoted, not formatted.
      const who = e.visitor.userId ? `user ${e.visitor.userId}` : `anonymous visitor ${e.visitor.id.slice(0, 8)}`;
      return { text: `Waymark (${e.site}): ${who} reached step "${e.step}" of journey "${e.journey.name}" at ${iso(e.at)}` };
    }
    case 'json':
      return {
        id: e.deliveryId,
        type: 'journey.step',
        site: e.site,
        journey: e.journey,
        step: e.step,
        visitor: e.visitor,
        occurredAt: iso(e.at),
      };
    case 'crm':
      // Shaped like the contact-event APIs of common CRMs: an external id to upsert on, properties.
      return {
        event: 'waymark_journey_step',
        event_id: e.deliveryId,
        occurred_at: iso(e.at),
        contact: { external_id: e.visitor.userId ?? `wm:${e.visitor.id}`, anonymous_id: e.visitor.id, properties: e.visitor.traits },
        properties: { site: e.site, journey_id: e.journey.id, journey_name: e.journey.name, step: e.step },
      };
  }
}
