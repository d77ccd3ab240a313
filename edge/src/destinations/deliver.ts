/**
 * One destination's due events: map each with the provider (providers/), split into requests within
 * its limits (batch.ts), send each through the SSRF guard (net/attempt.ts) and say, per request,
 * what the retry schedule (webhooks/retry.ts) makes of the answer. No SQL here: SiteDestinations
 * applies the outcomes to its outbox and log.
 */
import type { Destination } from '../../../protocol/config/destinations';
import { DESTINATION_SECRETS } from '../../../protocol/config/destinations';
import { afterAttempt, type Outcome } from '../webhooks/retry';
import { attemptRequest, type Attempt, type AttemptOptions } from '../net/attempt';
import { itemBytes, toBatches, type Sized } from './batch';
import { providerOf } from './providers';
import type { ForwardEvent } from './providers/common';

export type DueEvent = { eventId: string; forward: ForwardEvent; attempts: number };
/** `at`: when the answer was judged (a retry's time counts from it). */
export type RequestOutcome = { eventIds: string[]; attempt: number; result: Attempt; outcome: Outcome; at: number };
export type DeliveryReport = { requests: RequestOutcome[]; refused: { eventIds: string[]; reason: string }[] };

/** Secrets the destination needs that are not set, by name. */
export const missingSecrets = (destination: Destination, secrets: Record<string, string>) =>
  DESTINATION_SECRETS[destination.kind].filter((name) => !secrets[name]);

export async function deliverDue(
  destination: Destination,
  due: readonly DueEvent[],
  secrets: Record<string, string>,
  options: AttemptOptions,
): Promise<DeliveryReport> {
  const missing = missingSecrets(destination, secrets);
  if (missing.length) return { requests: [], refused: [{ eventIds: due.map((d) => d.eventId), reason: `not sent: secret ${missing.join(', ')} not set` }] };
  const provider = providerOf(destination);
  const attempts = new Map(due.map((d) => [d.eventId, d.attempts]));
  const sized: Sized<unknown>[] = due.map((d) => {
    const item = provider.map(d.forward, destination);
    return { id: d.eventId, item, bytes: itemBytes(item), group: provider.groupKey?.(d.forward) ?? '' };
  });
  const { batches, tooLarge } = toBatches(sized, provider.limits);
  const refused = tooLarge.length
    ? [{ eventIds: tooLarge.map((t) => t.id), reason: `larger than the provider accepts for one event (${provider.limits.maxEventBytes} bytes)` }]
    : [];
  const requests: RequestOutcome[] = [];
  // One request at a time: providers rate-limit per key, and a 429 stops this run's later requests too.
  for (const batch of batches) {
    const eventIds = batch.map((b) => b.id);
    const attempt = Math.max(...eventIds.map((id) => attempts.get(id) ?? 0)) + 1;
    const now = options.now();
    const req = await provider.request(
      batch.map((b) => b.item),
      destination,
      secrets,
      now,
    );
    const result = await attemptRequest(req.url, { method: 'POST', headers: req.headers, body: req.body }, options);
    const judgedAt = options.now();
    const outcome = afterAttempt(attempt, result, judgedAt);
    requests.push({ eventIds, attempt, result, outcome, at: judgedAt });
    if (result.status === 429) {
      // The rest wait for the same time, without spending an attempt.
      const at = outcome.kind === 'retry' ? outcome.at : judgedAt;
      for (const rest of batches.slice(batches.indexOf(batch) + 1)) {
        requests.push({
          at: judgedAt,
          eventIds: rest.map((b) => b.id),
          attempt: 0,
          result: { status: null, error: 'held back: the provider answered 429', durationMs: 0 },
          outcome: { kind: 'retry', at, reason: 'held back: the provider answered 429' },
        });
      }
      break;
    }
  }
  return { requests, refused };
}
