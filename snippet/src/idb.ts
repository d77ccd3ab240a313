/**
 * One object store in its own IndexedDB database, with no wrapper library: the core's outbox
 * (outbox.ts) and wm-ui.js's decision cache (ui/cache.ts) each bundle this module once. A direct
 * `indexedDB.open` costs fewer bytes than idb-keyval's wrapper in either bundle.
 */

/** A request's result, or its error (for a transaction: resolved when it commits). */
// Typed as both (each ignores the other's handlers): one function keeps the snippet small.
export const req = <T>(r: IDBRequest<T> | IDBTransaction): Promise<T> =>
  new Promise((done, fail) => {
    (r as Req<T>).oncomplete = (r as Req<T>).onsuccess = () => done((r as Req<T>).result);
    (r as Req<T>).onabort = r.onerror = () => fail(r.error);
  });
type Req<T> = IDBRequest<T> & IDBTransaction;

/**
 * Runs `f` on one store of the database, opened on first use (a visitor who never
 * stores anything never gets a database) and again after the browser closes it (storage cleared).
 */
export function objectStore(database: string, store: string) {
  let db: Promise<IDBDatabase> | 0 = 0;
  return <T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => T | PromiseLike<T>): Promise<T> => {
    if (!db) {
      const open = indexedDB.open(database);
      open.onupgradeneeded = () => open.result.createObjectStore(store);
      db = req(open).then((d) => ((d.onclose = () => (db = 0)), d));
    }
    return db.then((d) => f(d.transaction(store, mode).objectStore(store)));
  };
}
