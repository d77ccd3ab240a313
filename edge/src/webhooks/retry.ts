/**
 * Delivery outcomes and the retry schedule: a failed attempt is retried after 1 min, 5 min,
 * 30 min, 2 h and 12 h (6 attempts in all), then dead-lettered. A 4xx that retrying cannot fix
 * (bad request, auth, not found) is dead-lettered at once. Pure.
 */
export const BACKOFF_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 12 * 3_600_000] as const;
export const MAX_ATTEMPTS = BACKOFF_MS.length + 1;
/** Per attempt; a receiver slower than this counts as failed (and is retried). */
export const DELIVERY_TIMEOUT_MS = 10_000;

export type AttemptResult = { status: number | null; error: string | null };
export type Outcome = { kind: 'delivered' } | { kind: 'retry'; at: number; reason: string } | { kind: 'dead'; reason: string };

/** Statuses worth retrying: server errors, timeouts, conflicts, rate limits. */
const RETRYABLE_4XX = new Set([408, 409, 425, 429]);

/** What to do after attempt number `attempt` (1-based) ended with `result` at `now`. */
export function afterAttempt(attempt: number, result: AttemptResult, now: number): Outcome {
  if (result.status !== null && result.status >= 200 && result.status < 300) return { kind: 'delivered' };
  const reason = result.error ?? `HTTP ${result.status}`;
  if (result.status !== null && result.status >= 400 && result.status < 500 && !RETRYABLE_4XX.has(result.status)) {
    return { kind: 'dead', reason: `${reason}: the receiver refused it (not retried)` };
  }
  const wait = BACKOFF_MS[attempt - 1];
  if (wait === undefined) return { kind: 'dead', reason: `${reason}; gave up after ${attempt} attempts` };
  return { kind: 'retry', at: now + wait, reason };
}
