/**
 * Visitor token and session. The visitor id is the edge's signed token (the edge also sets an
 * HttpOnly cookie); we echo it for pages where that cookie is not sent. Nothing here writes cookies.
 */
import { SESSION_IDLE_MS } from '../../protocol/limits';
import { json, ls } from './storage';

export const VID = 'wm_vid';
export const SID = 'wm_sid';

/**
 * Time (8 base36 characters until 2059, so ids sort by time) then ~52 random bits in base36:
 * 8 to ~19 characters of [0-9a-z], a valid event or session id. Ids only need to be unique per
 * visitor, not secret, so Math.random is enough (and smaller than crypto.getRandomValues code).
 */
export const uid = (): string => Date.now().toString(36) + Math.random().toString(36).slice(2);

export const getVid = (): string | undefined => ls(VID) || undefined;
export const setVid = (v: string): unknown => ls(VID, v);

/**
 * i: session id, t: last activity. The session's landing UTM is the edge's to derive from the
 * page URLs (edge/src/ingest/context.ts, edge/src/profile/ingest.ts), so it is not kept here.
 */
export type Session = { i: string; t: number };
let mem: Session | undefined;

/**
 * The current session, touched now. With `persist` false (consent pending) it lives in memory
 * only; otherwise localStorage shares it between tabs.
 */
export function session(persist: boolean): Session {
  const now = Date.now();
  let s = (persist && json<Session>(ls(SID))) || mem;
  // `t` is set just below, for a new session as for an old one.
  if (!s || now - s.t > SESSION_IDLE_MS) s = { i: uid() } as Session;
  s.t = now;
  if (persist) ls(SID, JSON.stringify(s));
  return (mem = s);
}

/**
 * Consent withdrawn: forget the visitor token and the session. `wm('reset')` (`keepVid`): the
 * session only; the token goes when the edge answers the reset with a new one (events queued
 * before the reset still go with the old one).
 */
export function forget(keepVid?: unknown): void {
  keepVid || ls(VID, '');
  ls(SID, '');
  mem = undefined;
}
