/** Pure transport rules: batch splitting, retry classification and backoff. */
import { MAX_BATCH_EVENTS, MAX_BODY_BYTES } from '../../protocol/limits';
import type { ConsentState, WireEvent } from '../../protocol/wire';
import { bytes } from './clip';

export type Envelope = { site: string; vid?: string | undefined; consent?: ConsentState | undefined };
/** Ids in the batch and its body. */
export type Part = [ids: string[], body: string];

/**
 * The next batch to send: the first events, in order, up to MAX_BATCH_EVENTS events and
 * MAX_BODY_BYTES bytes of body; undefined when there are none. `make` keeps every event under
 * MAX_EVENT_BYTES, so one always fits; anything larger (a foreign outbox entry) goes alone, is
 * refused with 413 and dropped as permanently bad.
 */
export function batch(events: readonly WireEvent[], env: Envelope): Part | undefined {
  // The envelope is at most ~400 bytes (site 63, vid 200, consent, keys).
  let size = 512;
  const b: WireEvent[] = [];
  for (const e of events) {
    size += bytes(JSON.stringify(e)) + 1; // + the comma before it (one too many: stays under)
    if (b[0] && (b.length >= MAX_BATCH_EVENTS || size > MAX_BODY_BYTES)) break;
    b.push(e);
  }
  return b[0] && [b.map((e) => e.id), JSON.stringify({ ...env, events: b })];
}

/** 4xx other than 408/429: the edge will refuse this body every time, so resending is pointless. */
export const permanent = (status: number): boolean => /^4(?!08|29)/.test(status as unknown as string);

/** Exponential backoff with full jitter: base 1 s, cap 60 s. */
export const backoff = (attempt: number, r = Math.random()): number => r * Math.min(6e4, 1e3 * 2 ** attempt);
