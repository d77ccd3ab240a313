/**
 * Sending the outbox: one flush at a time per origin (all tabs share the outbox: storage.ts
 * `exclusive`), batches in order, acknowledged ids removed, transient failures retried with
 * backoff, and a beacon of the in-memory outbox on page exit.
 * String bodies go as text/plain;charset=UTF-8: a CORS "simple request", no preflight to lose.
 */
import { MAX_BATCH_EVENTS } from '../../protocol/limits';
import type { CollectResponse } from '../../protocol/wire';
import { backoff, batch, permanent, type Envelope } from './batch';
import { dispatch } from './decisions';
import { setVid } from './identity';
import { ack, pending, unsent } from './outbox';
import { exclusive } from './storage';

let url: string;
/** Returns false while nothing may be sent (no consent). */
let envelope: () => Envelope | false;

let tries = 0;
let timer: ReturnType<typeof setTimeout> | 0 = 0;

export function setup(u: string, env: typeof envelope): void {
  url = u;
  envelope = env;
}

/** Flush in `ms`: 0 flushes now; otherwise an already pending timer (debounce or backoff) stands. */
export function schedule(ms: number): void {
  if (!ms || !timer) {
    clearTimeout(timer);
    timer = setTimeout(flush, ms);
  }
}

/**
 * One flush at a time per origin: when another one (this tab's or another tab's) is running,
 * come back in a second (it may have read the outbox before this tab's latest put).
 */
async function flush(): Promise<void> {
  timer = 0;
  if (await exclusive(send)) schedule(1e3);
}

/** Sends one batch; on success the next flush (right away) sends the next one. */
async function send(): Promise<void> {
  const env = envelope();
  const [events, dropped] = await pending();
  const part = env && batch(events, { ...env, dropped });
  let r: Response | undefined;
  let res: CollectResponse | undefined | false;
  if (!part) return;
  try {
    r = await fetch(url, { method: 'POST', body: part[1], keepalive: true });
    res = r.ok && (await r.json());
  } catch {
    /* offline, blocked, or a 2xx that is not JSON: retry */
  }
  // A 2xx answers every event: accepted, duplicate, or rejected for good (or none stored for
  // lack of consent); a permanent 4xx would fail again. Either way nothing here needs resending.
  if (DEBUG && r && !r.ok) console.debug('[wm] batch refused', r.status, await r.text());
  if (DEBUG && res && res.rejected[0]) console.debug('[wm] events refused', res.rejected);
  if (res || (r && permanent(r.status))) {
    // Committed before the lock is released: the next sender never reads these again. The
    // dropped count is settled only when the edge took the batch (a refused one recorded nothing).
    // The next batch goes right away only when this read left events behind (a full batch, or
    // the memory outbox's rest): a flush that took everything ends here, saving a lock and a
    // read. An event added meanwhile scheduled its own flush (which found the lock taken and
    // comes back in a second).
    await ack(part[0], res ? dropped : 0);
    if (events[part[0].length] || events[MAX_BATCH_EVENTS - 1]) schedule(0);
  } else schedule(backoff(tries++));
  if (res) {
    tries = 0;
    if (res.vid && envelope()) setVid(res.vid);
    dispatch(res.decisions);
  }
}

/**
 * Page is hidden or going away: beacon the in-memory outbox without waiting on IndexedDB. One
 * batch: the browser allows a page 64 KiB of such requests in flight anyway, and whatever is not
 * sent stays in the outbox for the next page. Events a flush (maybe another tab's) has already
 * sent are left out; if one still arrives twice the edge counts each id once. No `dropped`
 * count: only a flush reports it, so it is never reported twice.
 */
export function beacon(): void {
  const env = envelope();
  const part = env && batch(unsent(), env);
  if (part) navigator.sendBeacon(url, part[1]);
}
