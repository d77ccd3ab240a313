/**
 * A token bucket, as pure functions: state + now → allow or deny (with when to retry). No Worker
 * globals and no clock of its own: the caller passes `now`, so it is exact and unit-testable.
 *
 * The visitor's Durable Object keeps one bucket per visitor (single-threaded, so no two batches
 * of one visitor can race for the same token) and persists its state between batches.
 */

export type BucketLimits = {
  /** Tokens a full bucket holds: the largest burst allowed at once. */
  capacity: number;
  /** Tokens added per second, up to `capacity`: the sustained rate. */
  refillPerSecond: number;
};

/** What is persisted between calls. `updatedAt` is in milliseconds (Date.now()). */
export type BucketState = { tokens: number; updatedAt: number };

export type BucketVerdict =
  | { allowed: true; state: BucketState; remaining: number }
  /** Denied: the state is unchanged (nothing was taken); retry after this many whole seconds (≥ 1). */
  | { allowed: false; state: BucketState; retryAfterSeconds: number };

/** A bucket seen for the first time, or one whose stored state is unreadable, starts full. */
export function fullBucket(limits: BucketLimits, now: number): BucketState {
  return { tokens: limits.capacity, updatedAt: now };
}

/** Tokens at `now`: refilled since `updatedAt`, capped at capacity. A clock that went back refills nothing. */
export function tokensAt(limits: BucketLimits, state: BucketState, now: number): number {
  const elapsed = Math.max(0, now - state.updatedAt) / 1000;
  return Math.min(limits.capacity, state.tokens + elapsed * limits.refillPerSecond);
}

function valid(state: BucketState | null | undefined): state is BucketState {
  return !!state && Number.isFinite(state.tokens) && Number.isFinite(state.updatedAt) && state.tokens >= 0;
}

/**
 * Takes `cost` tokens at `now` if the bucket holds them. On success the new state must be
 * persisted; on denial nothing changed (refill is computed from `updatedAt`, so a denied attempt
 * costs the caller nothing and does not push its retry time further away).
 */
export function take(limits: BucketLimits, stored: BucketState | null | undefined, now: number, cost = 1): BucketVerdict {
  const state = valid(stored) ? stored : fullBucket(limits, now);
  const tokens = tokensAt(limits, state, now);
  if (tokens >= cost) {
    // Never move `updatedAt` backwards: a skewed `now` must not hand out a second refill later.
    const next = { tokens: tokens - cost, updatedAt: Math.max(now, state.updatedAt) };
    return { allowed: true, state: next, remaining: Math.floor(next.tokens) };
  }
  const missing = cost - tokens;
  const retryAfterSeconds = Math.max(1, Math.ceil(missing / limits.refillPerSecond));
  return { allowed: false, state, retryAfterSeconds };
}
