/**
 * The last decisions, per site, in IndexedDB (own database "waymark-ui", object store
 * "decisions", key `decisions:<site>`), so the next page renders them before the edge answers.
 * Bound to the visitor token they were made for and kept for MAX_AGE. Nothing is opened until
 * used: a visitor who does not allow personalization never gets this database. A direct
 * `indexedDB.open`, as the core's outbox (../outbox.ts): idb-keyval's wrapper cost 62 B gzip here.
 */
import type { SlotDecision } from '../../../protocol/wire';
import { valid } from './slots';
import { objectStore, req } from '../idb';

export const DB = 'waymark-ui';
/** A week: older decisions are more likely wrong than right (campaigns end, visitors change). */
export const MAX_AGE = 7 * 24 * 60 * 60 * 1000;

/** v: visitor token ('' when unknown), t: when stored, d: the decisions. */
export type Entry = { v: string; t: number; d: SlotDecision[] };

export const cacheKey = (site: string): string => `decisions:${site}`;

/** The cached decisions if the entry is well-formed, this visitor's and fresh enough. */
export function usable(e: unknown, vid: string, now: number): SlotDecision[] | undefined {
  const x = e as Partial<Entry> | undefined;
  return x && x.v === vid && typeof x.t == 'number' && now - x.t >= 0 && now - x.t < MAX_AGE ? valid(x.d) : undefined;
}

const idb = objectStore(DB, 'decisions');

/** Never throws or rejects: a missing IndexedDB throws synchronously, a blocked one rejects. */
const io = <T>(f: () => Promise<T>): Promise<T | void> =>
  Promise.resolve()
    .then(f)
    .catch(() => {});

/** The stored entry (unchecked: see `usable`), or undefined. */
export const load = (site: string): Promise<unknown> => io(() => idb('readonly', (s) => req(s.get(cacheKey(site)))));
export const save = (site: string, e: Entry): Promise<unknown> => io(() => idb('readwrite', (s) => (s.put(e, cacheKey(site)), req(s.transaction))));

/** Personalization not allowed: drop the database (never creates one). */
export function wipe(): void {
  try {
    indexedDB.deleteDatabase(DB);
  } catch {
    /* no IndexedDB: nothing stored */
  }
}
