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
