/**
 * The outbox. Every event is written to IndexedDB under its own id (so tabs never overwrite each
 * other) and kept in memory for the beacon on page exit, which cannot wait for IndexedDB.
 * A flush sends what IndexedDB holds: this page's events plus whatever earlier pages or other
 * tabs left (offline, reloads, a beacon that never arrived). Event ids start with their time, so
 * IndexedDB's key order is their order. Without IndexedDB we run on memory only.
 */
import { createStore, promisifyRequest } from 'idb-keyval';
import type { WireEvent } from '../../protocol/wire';
import { noop } from './storage';

/** Our name: the IndexedDB database's, and the Trusted Types policy's (index.ts). */
export const DB = 'waymark';
// createStore opens nothing until first used, so a visitor without consent never gets a database.
const idb = createStore(DB, 'outbox');

export let mem: WireEvent[] = [];

/** Never throws: indexedDB missing throws synchronously, blocked storage rejects. */
const io = <T>(f: () => T | PromiseLike<T>): Promise<T | void> => Promise.resolve().then(f).catch(noop);

/**
 * Queues one readwrite request; nothing waits for it (transactions on one database run in the
 * order they were made, so a later read sees it). idb-keyval's set/delMany would also bundle its
 * default store.
 */
const write = (f: (s: IDBObjectStore) => unknown) => io(() => idb('readwrite', f));

/** Writes one event to IndexedDB (only once consent allows storing anything). */
export const persist = (e: WireEvent): unknown => write((s) => s.put(e, e.id));

/**
 * What to send: everything IndexedDB holds (this page's puts are queued before this read), or
 * the memory copy when IndexedDB is unusable.
 */
export const pending = (): Promise<WireEvent[]> => io(() => idb('readonly', (s) => promisifyRequest<WireEvent[]>(s.getAll()))).then((all) => all || mem);

/** Acknowledged (or refused for good): forget these ids. */
export function ack(ids: string[]): void {
  mem = mem.filter((e) => !ids.includes(e.id));
  void write((s) => ids.forEach((i) => s.delete(i)));
}

/**
 * Consent withdrawn: drop the database (a microtask later, before any later write is queued;
 * `io` swallows a missing or blocked IndexedDB). Deleting never creates one; if this page has
 * it open, the deletion completes when the page goes (nothing is written meanwhile).
 */
export function wipe(): void {
  mem = [];
  void io(() => indexedDB.deleteDatabase(DB));
}
