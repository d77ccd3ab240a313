/**
 * Delivery outcomes and the retry schedule, as Standard Webhooks suggests: after the first attempt,
 * retries 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h later (10 attempts over 75 h 35 min),
 * then dead-lettered. Only 2xx is a success; a 3xx is a failure (redirects are never followed);
 * `410 Gone` dead-letters and disables the endpoint; a 4xx that retrying cannot fix (bad request,
 * auth, not found) is dead-lettered at once; a `Retry-After` (seconds or an HTTP date) replaces the
 * scheduled wait, within bounds. Pure.
 */
export const BACKOFF_MS = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  14 * 3_600_000,
  20 * 3_600_000,
  24 * 3_600_000,
] as const;
export const MAX_ATTEMPTS = BACKOFF_MS.length + 1;
/** Per attempt; a receiver slower than this counts as failed (and is retried). The spec suggests 15 to 30 s. */
export const DELIVERY_TIMEOUT_MS = 15_000;
/** A receiver's Retry-After is honoured between these bounds (so it can neither hammer us nor park a delivery for ever). */
export const RETRY_AFTER_MIN_MS = 5_000;
export const RETRY_AFTER_MAX_MS = 24 * 3_600_000;

export type AttemptResult = {
  status: number | null;
  error: string | null;
  retryAfter?: string | null;
  /** The SSRF guard refused the URL at send time: no retry can fix that. */
  refused?: boolean;
};
export type Outcome =
  | { kind: 'delivered' }
  | { kind: 'retry'; at: number; reason: string }
  /** `disable`: the receiver said 410 Gone; the endpoint is disabled (journeys/runtime.ts). */
  | { kind: 'dead'; reason: string; disable?: boolean };

/** Statuses worth retrying besides 5xx and 3xx: timeouts, conflicts, rate limits. */
const RETRYABLE_4XX = new Set([408, 409, 425, 429]);

/** The wait a `Retry-After` value asks for at `now` (delay-seconds or an HTTP date), bounded; null when absent or unreadable. */
export function retryAfterMs(value: string | null | undefined, now: number): number | null {
  if (!value) return null;
  const text = value.trim();
  const wanted = /^\d+$/.test(text) ? Number(text) * 1000 : /[a-z]/i.test(text) ? Date.parse(text) - now : NaN;
  if (!Number.isFinite(wanted)) return null;
  return Math.min(Math.max(wanted, RETRY_AFTER_MIN_MS), RETRY_AFTER_MAX_MS);
}

/** What to do after attempt number `attempt` (1-based) ended with `result` at `now`. */
export function afterAttempt(attempt: number, result: AttemptResult, now: number): Outcome {
  const status = result.status;
  if (status !== null && status >= 200 && status < 300) return { kind: 'delivered' };
  if (result.refused) return { kind: 'dead', reason: `${result.error ?? 'URL refused'} (not retried)` };
  if (status === 410) return { kind: 'dead', reason: 'HTTP 410 Gone: the receiver asked to stop; the webhook is disabled', disable: true };
  const reason =
    result.error ?? (status !== null && status >= 300 && status < 400 ? `HTTP ${status}: a redirect (not followed; update the URL)` : `HTTP ${status}`);
  if (status !== null && status >= 400 && status < 500 && !RETRYABLE_4XX.has(status)) {
    return { kind: 'dead', reason: `${reason}: the receiver refused it (not retried)` };
  }
  const scheduled = BACKOFF_MS[attempt - 1];
  if (scheduled === undefined) return { kind: 'dead', reason: `${reason}; gave up after ${attempt} attempts` };
  const asked = retryAfterMs(result.retryAfter, now);
  return { kind: 'retry', at: now + (asked ?? scheduled), reason: asked === null ? reason : `${reason} (Retry-After honoured)` };
}
