/**
 * The admin API's view of a site's Segment write key (edge/src/admin/segment-key-routes.ts,
 * edge/src/segment/write-key.ts), defined once: the edge builds its answers against these
 * schemas and the dashboard imports the types only.
 */
import { z } from 'zod';

export const segmentKeyResponseSchema = z.strictObject({
  site: z.string(),
  /** The HTTP Tracking API write key: HTTP Basic user name (empty password), or `writeKey` in the body. */
  writeKey: z.string(),
  /** Rotation counter: each rotation makes the previous key fail with 401. */
  version: z.number().int().nonnegative(),
  /** Where Segment libraries send: the site's origin + this path prefix (e.g. /_wm/v1/batch). */
  pathPrefix: z.literal('/_wm/v1'),
});
export type SegmentKeyResponse = z.infer<typeof segmentKeyResponseSchema>;

/** POST …/segment-key/rotate takes no body; an empty JSON object is accepted too. */
export const rotateSegmentKeyRequestSchema = z.strictObject({}).optional();
