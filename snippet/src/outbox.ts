/**
 * The outbox. Every event is written to IndexedDB under its own id (so tabs never overwrite each
 * other) and kept in memory for the beacon on page exit, which cannot wait for IndexedDB.
 * A flush sends what IndexedDB holds: this page's events plus whatever earlier pages or other
 * tabs left (offline, reloads, a beacon that never arrived). Event ids start with their time, so
 * IndexedDB's key order is their order.
 *
 * Bounded: at most MAX_OUTBOX events wait (in IndexedDB, and in memory). When full, the oldest
 * goes first, and every event dropped that way is counted (IndexedDB key 0, or `lost` in memory)
 * and reported to the edge with the next batch (`dropped`), which shows it on the dashboard.
 *
 * Storage that is missing, blocked or full (private modes, QuotaExceededError): the first failure
 * switches this page to the memory outbox, quietly (nothing reaches the page).
 */
import { MAX_BATCH_EVENTS } from '../../protocol/limits';
import type { Entry } from './batch';
import { ls } from './storage';
import { objectStore, req } from './idb';

/**
 * 10,000 events: hours of an offline session (a busy page makes a few events a minute). Events
 * are at most 8 KiB and typically 300-600 B, so about 5 MB, within every browser's quota.
 */
export const MAX_OUTBOX = 1e4;
/** Key of the dropped-events counter: numbers sort before every string key, so never among events. */
const DROPS = 0;
/** localStorage: the newest id any tab had acknowledged (the beacon skips older events). */
const SENT = 'wm_sent';

/** Our name: the IndexedDB database's, and the Trusted Types policy's (index.ts). */
export const DB = 'waymark';
/** Version 1 of the database holds just this store, opened on first use (no consent, no database). */
const idb = objectStore(DB, 'outbox');

export let mem: Entry[] = [];
/** Events dropped from the memory outbox that were never stored, not yet reported. */
let lost = 0;
/** IndexedDB works; its first failure turns it off for this page. */
let ok: unknown = 1;

/** Never throws: indexedDB missing throws synchronously, blocked or full storage rejects. */
const io = <T>(f: () => T | PromiseLike<T>): Promise<T | void> =>
  Promise.resolve()
    .then(f)
    .catch(() => {
      ok = 0;
    });

/** One readwrite transaction, resolved when it commits (a full disk fails it here). */
const write = (f: (s: IDBObjectStore) => unknown) => io(() => ok && idb('readwrite', (s) => (f(s), req(s.transaction))));

/** Event ids only: every string key, not the counter. */
const events = () => IDBKeyRange.lowerBound('');

/** Adds `n` (negative: reported) to the stored dropped-events counter, in the caller's transaction. */
function count(s: IDBObjectStore, n: number): void {
  const r = s.get(DROPS);
  r.onsuccess = () => s.put((r.result || 0) + n, DROPS);
}

/**
 * Writes one event to IndexedDB (only once consent allows storing anything); past the bound,
 * the oldest events go, counted, in the same transaction (so tabs never count one drop twice).
 */
export const persist = (e: Entry): unknown =>
  write((s) => {
    s.put(e, e.id);
    const n = s.count(events());
    n.onsuccess = () => {
      const over = n.result - MAX_OUTBOX;
      if (over > 0) {
        const k = s.getAllKeys(events(), over);
        k.onsuccess = () => (k.result.forEach((key) => s.delete(key)), count(s, over));
      }
    };
  });

/**
 * Queues an event: in memory always; in IndexedDB too when `store` (consent given). Memory
 * keeps the bound as well; a drop there loses an event only when IndexedDB does not hold it.
 */
export function add(e: Entry, store: boolean): void {
  if (mem.push(e) > MAX_OUTBOX && mem.shift() && !(store && ok)) lost++;
  if (store) persist(e);
}

/**
 * Consent given: what was held in memory goes to IndexedDB, with the count of what memory had to
 * drop meanwhile (so a flush reports it).
 */
export function keep(): void {
  mem.forEach(persist);
  const n = lost;
  if (ok && n) {
    lost = 0;
    void write((s) => count(s, n));
  }
}

/**
 * What to send next: the oldest events (a batch's worth; this page's puts are queued before this
 * read) and the count of dropped events not yet reported, from IndexedDB or from memory.
 * Storage can fail while the read is under way (a put refused once a slow open completes): the
 * read then misses this page's events, so memory answers.
 */
export const pending = (): Promise<[Entry[], number?]> =>
  io(() => ok && idb<[Entry[], number]>('readonly', (s) => Promise.all([req<Entry[]>(s.getAll(events(), MAX_BATCH_EVENTS)), req<number>(s.get(DROPS))]))).then(
    (r) => ((ok && r) as [Entry[], number]) || [mem, lost],
  );

/** The in-memory events no flush has sent yet, for the beacon. */
export const unsent = (): Entry[] => (ok ? mem.filter((e) => e.id > (ls(SENT) || '')) : mem);

/**
 * Acknowledged (or refused for good): forget these ids (sorted, as every batch is) and the
 * dropped events they reported. Resolves once IndexedDB has committed, so the next sender (maybe
 * another tab) cannot read them again.
 */
export function ack(ids: string[], dropped = 0): Promise<unknown> {
  mem = mem.filter((e) => !ids.includes(e.id));
  if (ok) ls(SENT, ids[ids.length - 1]!);
  else lost -= dropped;
  return write((s) => (ids.forEach((i) => s.delete(i)), dropped && count(s, -dropped)));
}

/**
 * Consent withdrawn: drop the database (a microtask later, before any later write is queued;
 * `io` swallows a missing or blocked IndexedDB). Deleting never creates one; if this page has
 * it open, the deletion completes when the page goes (nothing is written meanwhile).
 */
export function wipe(): void {
  mem = [];
  lost = 0;
  void io(() => indexedDB.deleteDatabase(DB));
}
