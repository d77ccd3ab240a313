/**
 * Rate limits on POST /_wm/e, in one place.
 *
 * Per visitor (exact, in the visitor's Durable Object): a token bucket of 60 batches that refills
 * at 1 batch per second. A browser sends a batch every few seconds at most (the snippet batches
 * events and flushes on a timer and on pagehide), so a person never comes near it: 60 allows a
 * burst such as an outbox resending a whole offline session at once, and 1/s (3,600 batches of up
 * to 50 events an hour) is far above any human rate. A script hammering with one visitor id gets
 * 429 with Retry-After and nothing of the refused batch is stored; other visitors are untouched,
 * since each has its own bucket in its own object.
 *
 * Per client IP, for batches that would create a new visitor (no valid token): Cloudflare's Workers
 * Rate Limiting binding `NEW_VISITOR_LIMIT` (wrangler.toml `[[ratelimits]]`: 100 per 60 s, counted
 * per Cloudflare location, approximate), keyed by `CF-Connecting-IP`. It stops one machine from
 * minting thousands of fresh profiles (one Durable Object each) while a shared office or carrier
 * NAT still gets 100 new visitors a minute. The numbers live in wrangler.toml because the binding
 * is configured there; they are repeated below only to word the error.
 */
import type { BucketLimits } from './bucket';

export const VISITOR_BATCHES: BucketLimits = { capacity: 60, refillPerSecond: 1 };

/** Mirrors `[[ratelimits]] NEW_VISITOR_LIMIT` in wrangler.toml (the binding's own config wins). */
export const NEW_VISITORS_PER_IP = { limit: 100, periodSeconds: 60 };

/**
 * Loopback is never a real client behind Cloudflare. Locally, wrangler dev and
 * `unstable_startWorker` set CF-Connecting-IP to 127.0.0.1 (or ::1) for every request: the demo,
 * the e2e suite and the benchmarks all come from there, so it is not IP-limited.
 */
export function ipLimited(ip: string | undefined): ip is string {
  if (!ip) return false;
  const addr = ip.trim().toLowerCase();
  return !(addr === '::1' || addr.startsWith('127.') || addr.startsWith('::ffff:127.') || addr === 'localhost');
}
