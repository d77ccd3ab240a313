/**
 * One delivery attempt: format the queued event for the endpoint, sign it (Standard Webhooks, plus
 * the old `Waymark-Signature` during the migration release), POST it through the guarded fetch
 * with a timeout, and say what happened. The visitor's Durable Object calls it from its alarm and
 * keeps the outbox and attempt log (journeys/runtime.ts).
 */
import { buildPayload, type JourneyWebhookEvent } from './payload';
import type { Webhook } from '../../../protocol/config/webhooks';
import { SIGNATURE_HEADER, signPayload } from './sign';
import { signWebhook } from '../net/standard-webhooks';
import { attemptRequest, type Attempt } from '../net/attempt';
import { activeSecrets } from './secret';

export type { Attempt };

export type DeliveryOptions = {
  now: () => number;
  /** The fetch behind the guard (the runtime's, late-bound). */
  fetcher: typeof fetch;
  /** The local demo's sink on http://127.0.0.1 may be sent to (WM_DEMO only). */
  allowLocalDemo: boolean;
};

/** Every header of one attempt: Standard Webhooks, the legacy signature (one release), the attempt number. */
export async function deliveryHeaders(
  webhook: Webhook,
  event: JourneyWebhookEvent,
  body: string,
  attempt: number,
  nowMs: number,
): Promise<Record<string, string>> {
  return {
    'content-type': 'application/json',
    'user-agent': 'Waymark-Webhooks/1',
    // The delivery id is the message id: the same on every retry, so receivers deduplicate on it.
    ...(await signWebhook(activeSecrets(webhook, nowMs), event.deliveryId, body, nowMs)),
    // Migration: the pre-Standard-Webhooks headers are sent too for this release (README, "Webhooks").
    [SIGNATURE_HEADER]: await signPayload(webhook.secret, body, nowMs),
    'Waymark-Delivery': event.deliveryId,
    'Waymark-Attempt': String(attempt),
  };
}

export async function attemptDelivery(webhook: Webhook, event: JourneyWebhookEvent, attempt: number, options: DeliveryOptions): Promise<Attempt> {
  const body = JSON.stringify(buildPayload(webhook.format, event));
  const headers = await deliveryHeaders(webhook, event, body, attempt, options.now());
  return attemptRequest(webhook.url, { method: 'POST', headers, body }, options);
}
