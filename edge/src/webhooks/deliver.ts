/**
 * One delivery attempt: format the queued event for the endpoint, sign it (Standard Webhooks, plus
 * the old `Waymark-Signature` during the migration release), POST it through the guarded fetch
 * with a timeout, and say what happened. The visitor's Durable Object calls it from its alarm and
 * keeps the outbox and attempt log (journeys/runtime.ts).
 */
import { buildPayload, type JourneyWebhookEvent } from './payload';
import { DELIVERY_TIMEOUT_MS, type AttemptResult } from './retry';
import type { Webhook } from '../../../protocol/config/webhooks';
import { SIGNATURE_HEADER, signPayload } from './sign';
import { signWebhook } from '../net/standard-webhooks';
import { guardedFetch, RefusedUrlError } from '../net/guarded-fetch';
import { activeSecrets } from './secret';

export type Attempt = AttemptResult & { durationMs: number };

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
  const started = options.now();
  try {
    const res = await guardedFetch(
      webhook.url,
      {
        method: 'POST',
        headers: await deliveryHeaders(webhook, event, body, attempt, started),
        body,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      },
      { fetcher: options.fetcher, allowLocalDemo: options.allowLocalDemo },
    );
    // The body is not needed; cancel it so the connection is released.
    await res.body?.cancel();
    return { status: res.status, error: null, retryAfter: res.headers.get('retry-after'), durationMs: options.now() - started };
  } catch (e) {
    if (e instanceof RefusedUrlError) return { status: null, error: `not sent: ${e.reason}`, refused: true, durationMs: 0 };
    const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
    const error = timedOut ? `no answer within ${DELIVERY_TIMEOUT_MS / 1000} s` : e instanceof Error ? e.message : String(e);
    return { status: null, error: error.slice(0, 500), durationMs: options.now() - started };
  }
}
