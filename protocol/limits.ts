/**
 * Wire limits shared by the snippet (which must never build a batch the edge would refuse) and
 * the edge (which enforces them). Plain constants only: the snippet bundles this file, so nothing
 * here may pull in runtime code.
 */

/** Every Waymark endpoint lives under this prefix on the site's own origin (first-party). */
export const WM_PREFIX = '/_wm';
export const COLLECT_PATH = '/_wm/e';
export const PROFILE_PATH = '/_wm/me';

/**
 * Largest request body the edge accepts. Browsers give all in-flight keepalive requests of a page
 * 64 KiB together, so one batch stays well under that to leave room for a second one in flight.
 */
export const MAX_BODY_BYTES = 32_768;
/** Events per batch. */
export const MAX_BATCH_EVENTS = 50;
/** Serialized size of one event. */
export const MAX_EVENT_BYTES = 8_192;
/** Event ids are client-made: 8 to 64 characters of [A-Za-z0-9_-]. */
export const MAX_ID_LENGTH = 64;
export const MIN_ID_LENGTH = 8;
/** Event names, property keys, pref keys, site ids. */
export const MAX_NAME_LENGTH = 100;
/** Any string value inside props, traits or prefs. */
export const MAX_STRING_LENGTH = 1_024;
export const MAX_URL_LENGTH = 2_048;
/** Keys per props / traits / prefs object, and items per array. */
export const MAX_KEYS = 50;
/** Nesting depth of props values (an object inside an object inside props is depth 2). */
export const MAX_DEPTH = 3;

/** Name of the first-party visitor cookie the edge sets (HttpOnly, SameSite=Lax). */
export const VISITOR_COOKIE = 'wm_vid';
/**
 * Set by the edge when a visitor explicitly declines (HttpOnly, SameSite=Lax), removed when they
 * agree: proxy mode then mints no visitor id for them on later pages.
 */
export const OPTOUT_COOKIE = 'wm_optout';
/** GET /_wm/decide: decisions for the caller without sending events (snippet mode). */
export const DECIDE_PATH = '/_wm/decide';
/** A session ends after this much inactivity (the usual 30 minutes of web analytics). */
export const SESSION_IDLE_MS = 30 * 60 * 1000;
