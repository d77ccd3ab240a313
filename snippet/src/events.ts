/**
 * Builds wire events (protocol/wire.ts `eventSchema`): the fields of every type. Reads
 * location/document. Long free text and URLs are cut by the edge; names are cut here.
 */
import { MAX_NAME_LENGTH } from '../../protocol/limits';
import type { PrefValue, Props } from '../../protocol/wire';
import type { Entry } from './batch';
import { plain, str } from './clip';
import { uid, type Session } from './identity';

/** Type-specific fields, or a falsy value when the input makes no valid event (e.g. no name). */
export type Fields = object | undefined | false | '' | 0;

export const track = (name: unknown, p?: unknown): Fields => {
  const n = str(name, MAX_NAME_LENGTH);
  return n && { name: n, props: plain<Props>(p) };
};
export const identify = (user: unknown, traits?: unknown): Fields => (user = str(user, MAX_NAME_LENGTH * 2)) && { userId: user, traits: plain<Props>(traits) };
/** Segment's group: the account the user belongs to, and its traits. */
export const group = (id: unknown, traits?: unknown): Fields => (id = str(id, MAX_NAME_LENGTH * 2)) && { groupId: id, traits: plain<Props>(traits) };
/**
 * Segment's alias: this browser is now `user` (an identify, edge/src/identity/stitch.ts);
 * `previous` is only recorded, and the edge checks its shape.
 */
export const alias = (user: unknown, previous?: unknown): Fields => (user = str(user, MAX_NAME_LENGTH * 2)) && { userId: user, previousId: previous };
export const setPrefs = (p: unknown): Fields => {
  const r = plain<Record<string, PrefValue>>(p);
  return r && Object.keys(r)[0] && { prefs: r };
};
/** The edge turns a referrer that is not http(s) (android-app:, about:) into ''. */
export const page = (p?: unknown): Fields => ({ props: plain<Props>(p), ref: document.referrer, title: document.title });

/** The complete event from fields that make a valid one (the caller drops falsy fields). */
export function make<T extends Entry['type']>(type: T, fields: object, s: Session): Extract<Entry, { type: T }> {
  // No UTM: the edge reads it from the page URL and the session's landing page (edge/src/ingest/context.ts).
  return { id: uid(), ts: Date.now(), sid: s.i, url: location.href, type, ...fields } as Extract<Entry, { type: T }>;
}
