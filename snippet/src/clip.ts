/**
 * Turning what site code passes into wire values. The edge cuts over-long free text itself and
 * refuses malformed shapes with a reason (shown by the debug build), so the snippet only makes
 * values plain JSON and never sends what can never be valid.
 */
/** Names and user ids: '' when missing, so the caller can refuse the event. */
export const str = (v: unknown, max: number): string => (v == null ? '' : String(v).slice(0, max));

/**
 * Objects become plain JSON (functions and undefined dropped, NaN and Infinity null, Dates
 * strings), so IndexedDB can store them and the edge can read them; anything else is undefined.
 * A circular object throws, and `wm()` drops that call.
 */
export const plain = <T>(o: unknown): T | undefined => (o === Object(o) ? JSON.parse(JSON.stringify(o)) : undefined);

/** UTF-8 size, which is what the edge's body limit counts (TextEncoder: a Blob costs Chromium an IPC to its blob registry). */
export const bytes = (s: string): number => new TextEncoder().encode(s).length;
