/**
 * One delivery attempt: format the queued event for the endpoint, sign it, POST it with a
 * timeout, and say what happened. The visitor's Durable Object calls it from its alarm and keeps
 * the outbox and attempt log (journeys/runtime.ts); `fetcher` is the runtime's fetch.
 */
import { buildPayload, type JourneyWebhookEvent } from './payload';
import { DELIVERY_TIMEOUT_MS, type AttemptResult } from './retry';
import { LOCAL_HTTP, type Webhook } from '../../../protocol/config/webhooks';
import { SIGNATURE_HEADER, signPayload } from './sign';

export type Attempt = AttemptResult & { durationMs: number };

export async function attemptDelivery(
  webhook: Webhook,
  event: JourneyWebhookEvent,
  attempt: number,
  options: { now: () => number; fetcher: typeof fetch; allowLocalHttp: boolean },
): Promise<Attempt> {
  // Plain http to this machine exists for local testing; a deployment never sends it.
  if (LOCAL_HTTP.test(webhook.url) && !options.allowLocalHttp) {
    return { status: null, error: 'http:// endpoints are delivered only in the local demo (WM_DEMO); use https', durationMs: 0 };
  }
  const body = JSON.stringify(buildPayload(webhook.format, event));
  const started = options.now();
  try {
    const res = await options.fetcher(webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Waymark-Webhooks/1',
        [SIGNATURE_HEADER]: await signPayload(webhook.secret, body, started),
        'Waymark-Delivery': event.deliveryId,
        'Waymark-Attempt': String(attempt),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    // The body is not needed; cancel it so the connection is released.
    await res.body?.cancel();
    return { status: res.status, error: null, durationMs: options.now() - started };
  } catch (e) {
    const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
    const error = timedOut ? `no answer within ${DELIVERY_TIMEOUT_MS / 1000} s` : e instanceof Error ? e.message : String(e);
    return { status: null, error: error.slice(0, 500), durationMs: options.now() - started };
  }
}
