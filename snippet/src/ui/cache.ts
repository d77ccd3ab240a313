/**
 * The last decisions, per site, in IndexedDB (idb-keyval, own database "waymark-ui"), so the
 * next page renders them before the edge answers. Bound to the visitor token they were made for
 * and kept for MAX_AGE. createStore opens nothing until used: a visitor who does not allow
 * personalization never gets this database.
 */
import { createStore, get, set } from 'idb-keyval';
import type { SlotDecision } from '../../../protocol/wire';
import { valid } from './slots';

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

const store = createStore(DB, 'decisions');

/** Never throws or rejects: a missing IndexedDB throws synchronously, a blocked one rejects. */
const io = <T>(f: () => Promise<T>): Promise<T | void> =>
  Promise.resolve()
    .then(f)
    .catch(() => {});

/** The stored entry (unchecked: see `usable`), or undefined. */
export const load = (site: string): Promise<unknown> => io(() => get(cacheKey(site), store));
export const save = (site: string, e: Entry): Promise<unknown> => io(() => set(cacheKey(site), e, store));

/** Personalization not allowed: drop the database (never creates one). */
export function wipe(): void {
  try {
    indexedDB.deleteDatabase(DB);
  } catch {
    /* no IndexedDB: nothing stored */
  }
}
