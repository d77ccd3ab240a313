/** Pure transport rules: batch splitting, retry classification and backoff. */
import { MAX_BATCH_EVENTS, MAX_BODY_BYTES } from '../../protocol/limits';
import type { ConsentState, WireEvent } from '../../protocol/wire';
import { bytes } from './clip';

export type Envelope = {
  site: string;
  vid?: string | undefined;
  consent?: ConsentState | undefined;
  /** Events the outbox dropped, full, since the last report (protocol/wire.ts `batchSchema`). */
  dropped?: number | undefined;
  /** Set on the first batch after `wm('reset')`: the id of its reset marker. */
  reset?: string | undefined;
};
/**
 * An outbox entry: a wire event, or the marker `wm('reset')` leaves between the events of the
 * user who signed out and those of whoever comes next (never sent as an event).
 */
export type Entry = WireEvent | { type: 'reset'; id: string; ts: number; sid: string; url: string };
/** Ids in the batch and its body. */
export type Part = [ids: string[], body: string];

/**
 * The next batch to send: the first events, in order, up to MAX_BATCH_EVENTS events and
 * MAX_BODY_BYTES bytes of body; undefined when there are none. `make` keeps every event under
 * MAX_EVENT_BYTES, so one always fits; anything larger (a foreign outbox entry) goes alone, is
 * refused with 413 and dropped as permanently bad. A reset marker ends the batch before it, and
 * starts the next one (`reset` in the envelope: the edge gives that batch a new visitor); the ids
 * include the markers, so they are acknowledged with the batch.
 */
export function batch(events: readonly Entry[], env: Envelope): Part | undefined {
  // The envelope is at most ~500 bytes (site 63, vid 200, consent, reset 64, dropped, keys).
  let size = 600;
  const b: WireEvent[] = [];
  const ids: string[] = [];
  for (const e of events) {
    if (e.type == 'reset') {
      if (b[0]) break;
      // Two resets in a row: the later one names the batch.
      env = { ...env, reset: e.id };
    } else {
      size += bytes(JSON.stringify(e)) + 1; // + the comma before it (one too many: stays under)
      if (b[0] && (b.length >= MAX_BATCH_EVENTS || size > MAX_BODY_BYTES)) break;
      b.push(e);
    }
    ids.push(e.id);
  }
  return b[0] && [ids, JSON.stringify({ ...env, events: b })];
}

/** 4xx other than 408/429: the edge will refuse this body every time, so resending is pointless. */
export const permanent = (status: number): boolean => /^4(?!08|29)/.test(status as unknown as string);

/** Exponential backoff with full jitter: base 1 s, cap 60 s. */
export const backoff = (attempt: number, r = Math.random()): number => r * Math.min(6e4, 1e3 * 2 ** attempt);
