/** Keys of the visitor object's `meta` table (schema.ts), besides site, visitor_id, user_id, first_seen and last_seen. */

/** The visitor's token bucket for batches (ratelimit/bucket.ts), as JSON. */
export const BUCKET_KEY = 'rate_bucket';
/** Identity stitching (identity/stitch.ts): a browser's link; a golden record's user and generation. */
export const LINK_KEY = 'linked_record';
export const GOLDEN_USER_KEY = 'golden_user';
export const GENERATION_KEY = 'golden_generation';
/** The newest site config version the object was called with ({site, version} JSON): what its alarm loads. */
export const CONFIG_REF_KEY = 'config_ref';
/** Set once an event started an inactivity wait: from then on the alarm evaluates the inactivity segments. */
export const INACTIVITY_WATCHED = 'inactivity_watched';
/** Best time (journeys/best-time.ts): the visitor's IANA time zone, from `request.cf.timezone` at collect time. */
export const TIME_ZONE_KEY = 'time_zone';
