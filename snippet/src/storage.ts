/** localStorage that never throws: it is missing or blocked in some privacy modes and sandboxes. */
export const noop = (): void => {};

/**
 * ls(k) reads, ls(k, v) writes, ls(k, '') removes. Blocked or full storage reads as nothing and
 * ignores writes: we then run on memory only.
 */
export function ls(k: string, v?: string): string | null | undefined | void {
  try {
    return v == null ? localStorage.getItem(k) : v ? void localStorage.setItem(k, v) : localStorage.removeItem(k);
  } catch {
    /* blocked */
  }
}

/** JSON.parse that never throws (missing or corrupt values read as undefined). */
export function json<T>(s: unknown): T | undefined {
  try {
    return JSON.parse(s as string) || undefined;
  } catch {
    /* not JSON */
  }
}

/** localStorage key of the flush lease (browsers without Web Locks): its expiry, epoch ms. */
export const LEASE = 'wm_lock';
/** A tab that dies holding the lease blocks the others this long at most. */
export const LEASE_MS = 3e4;

/**
 * Runs `f` while holding the origin-wide flush lock; returns a truthy value at once, without
 * running it, when another flush (in this tab or another) holds the lock. All tabs of an origin
 * share one outbox, and one sender at a time is what keeps them from posting the same events
 * twice. Web Locks where the browser has them; otherwise a lease in localStorage that expires
 * (localStorage has no compare-and-set: two tabs taking it in the same instant may both send,
 * which costs a duplicate POST the edge counts once, never an event). With storage blocked every
 * flush runs (such a tab has no shared outbox to guard).
 */
export function exclusive(f: () => Promise<unknown>, now = Date.now()): Promise<unknown> | 1 {
  // Refused (an opaque origin such as a sandboxed iframe: SecurityError): flush without it.
  if (navigator.locks) return navigator.locks.request(LEASE, { ifAvailable: true }, (l) => (l ? f() : 1)).catch(f);
  if (+ls(LEASE)! > now) return 1;
  ls(LEASE, now + LEASE_MS + '');
  return f().finally(() => ls(LEASE, ''));
}
