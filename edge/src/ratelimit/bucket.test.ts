import { describe, expect, it } from 'vitest';
import { fullBucket, take, tokensAt, type BucketState } from './bucket';
import { ipLimited, VISITOR_BATCHES } from './limits';

const limits = { capacity: 5, refillPerSecond: 1 };
const T0 = 1_700_000_000_000;

/** Takes `n` (≥ 1) tokens at `now`, one by one, threading the state; returns the verdicts and the last state. */
function burst(start: BucketState | null, now: number, n: number) {
  const verdicts = [take(limits, start, now)];
  while (verdicts.length < n) verdicts.push(take(limits, verdicts[verdicts.length - 1]!.state, now));
  return { verdicts, state: verdicts[verdicts.length - 1]!.state };
}

describe('token bucket', () => {
  it('starts full: a burst up to capacity passes, the next one is denied with a whole-second Retry-After', () => {
    const { verdicts, state } = burst(null, T0, 6);
    expect(verdicts.slice(0, 5).every((v) => v.allowed)).toBe(true);
    expect(verdicts.map((v) => (v.allowed ? v.remaining : -1))).toEqual([4, 3, 2, 1, 0, -1]);
    const denied = verdicts[5];
    expect(denied).toEqual({ allowed: false, state, retryAfterSeconds: 1 });
  });

  it('refills at the configured rate, never above capacity', () => {
    const { state } = burst(null, T0, 5);
    expect(tokensAt(limits, state, T0 + 500)).toBeCloseTo(0.5);
    expect(take(limits, state, T0 + 999).allowed).toBe(false);
    expect(take(limits, state, T0 + 1000).allowed).toBe(true);
    expect(tokensAt(limits, state, T0 + 3_000)).toBe(3);
    expect(tokensAt(limits, state, T0 + 3_600_000)).toBe(5);
  });

  it('Retry-After is when enough tokens are back, and a denied attempt does not push it further', () => {
    const { state } = burst(null, T0, 5);
    const first = take(limits, state, T0 + 200);
    expect(first).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    // Hammering while denied changes nothing: the state stays as it was.
    let s = state;
    for (let i = 0; i < 100; i++) s = take(limits, s, T0 + 300).state;
    expect(s).toEqual(state);
    // A cost of 3 with 0.3 tokens back needs 2.7 s more: 3 whole seconds.
    expect(take(limits, state, T0 + 300, 3)).toMatchObject({ allowed: false, retryAfterSeconds: 3 });
    // After the announced time it passes.
    expect(take(limits, state, T0 + 300 + 3_000, 3).allowed).toBe(true);
  });

  it('a slow refill gives a longer Retry-After', () => {
    const slow = { capacity: 2, refillPerSecond: 0.1 };
    let state = take(slow, null, T0).state;
    state = take(slow, state, T0).state;
    expect(take(slow, state, T0)).toMatchObject({ allowed: false, retryAfterSeconds: 10 });
  });

  it('a clock that goes back refills nothing and does not move updatedAt back', () => {
    const { state } = burst(null, T0, 5);
    expect(take(limits, state, T0 - 60_000).allowed).toBe(false);
    const later = take(limits, state, T0 + 1_000);
    expect(later.allowed).toBe(true);
    const back = take(limits, { tokens: 5, updatedAt: T0 }, T0 - 10_000);
    expect(back.state.updatedAt).toBe(T0);
  });

  it('an unreadable stored state counts as a full bucket', () => {
    for (const bad of [{ tokens: NaN, updatedAt: T0 }, { tokens: 1, updatedAt: Infinity }, { tokens: -3, updatedAt: T0 }, undefined, null]) {
      expect(take(limits, bad, T0)).toMatchObject({ allowed: true, remaining: 4 });
    }
    expect(fullBucket(limits, T0)).toEqual({ tokens: 5, updatedAt: T0 });
  });

  it('the visitor limit lets a normal burst through (bench: 11 batches per visitor) and refuses a flood', () => {
    let state: BucketState | null = null;
    let allowed = 0;
    // 1,000 batches within one second from one visitor: capacity (+ at most one refilled) pass.
    for (let i = 0; i < 1_000; i++) {
      const v = take(VISITOR_BATCHES, state, T0 + i);
      state = v.state;
      if (v.allowed) allowed++;
    }
    expect(allowed).toBeGreaterThanOrEqual(VISITOR_BATCHES.capacity);
    expect(allowed).toBeLessThanOrEqual(VISITOR_BATCHES.capacity + 1);
    expect(VISITOR_BATCHES.capacity).toBeGreaterThanOrEqual(11);
  });
});

describe('ipLimited', () => {
  it('limits real client addresses, not loopback or a missing header', () => {
    for (const ip of ['203.0.113.7', '2001:db8::1', '10.0.0.1']) expect(ipLimited(ip)).toBe(true);
    for (const ip of [undefined, '', '127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) expect(ipLimited(ip)).toBe(false);
  });
});
