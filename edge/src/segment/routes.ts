/**
 * The Segment HTTP Tracking API on the site's own worker: POST /_wm/v1/batch, /track, /identify,
 * /page, /screen, /group, /alias. Segment's libraries take a configurable host
 * (`@segment/analytics-node`: `host: 'https://<site>', path: '/_wm/v1/batch'`), so they send here
 * unchanged. Authenticated by the site's write key (write-key.ts) in HTTP Basic (key as user
 * name, empty password) or as `writeKey` in the body. Answers like Segment: 200
 * `{ "success": true }`; 400 with a reason; 401 for a missing or wrong key; 413 above 32 KB per
 * call or 500 KB per batch; 429 with Retry-After. Storing: use-case.ts.
 */
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../http/app-env';
import { assertJsonLikeContentType, readBodyText } from '../http/body';
import { HttpError } from '../http/errors';
import { loadSite, visitorSecret } from '../http/site-context';
import { decisionContext } from '../personalize/decide-request';
import { MAX_BATCH_BYTES, MAX_CALL_BYTES, SEGMENT_CALLS, type SegmentCall } from './messages';
import { storeSegmentCalls, type SegmentRejected } from './use-case';
import { currentKeyVersion, parseWriteKey, presentedWriteKey, verifyWriteKey } from './write-key';

/** The body of every answer: Segment's `{ success }`, plus Waymark's reasons. */
export type SegmentApiResponse = {
  success: boolean;
  /** Why the request was refused (4xx). */
  error?: string;
  /** Messages refused, with the reason (the others were stored). */
  rejected?: SegmentRejected[];
  /** Messages consent kept out of the profile (docs/migrating-from-segment.md, "Consent"). */
  notStored?: number[];
};

export const segmentApi = new Hono<AppEnv>();

const refuse = (c: Context, status: 400 | 401 | 413 | 415 | 429, error: string, extra: Partial<SegmentApiResponse> = {}) =>
  c.json({ success: false, error, ...extra } satisfies SegmentApiResponse, status);

async function handle(c: Context<AppEnv>, call: SegmentCall | 'batch'): Promise<Response> {
  c.header('Cache-Control', 'no-store');
  let body: unknown;
  try {
    assertJsonLikeContentType(c.req.header('content-type'));
    const text = await readBodyText(c.req.raw, call === 'batch' ? MAX_BATCH_BYTES : MAX_CALL_BYTES);
    body = JSON.parse(text);
  } catch (err) {
    if (err instanceof HttpError) return refuse(c, err.status === 413 ? 413 : err.status === 415 ? 415 : 400, err.message);
    return refuse(c, 400, `body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return refuse(c, 400, 'body must be a JSON object');
  const fields = body as Record<string, unknown>;

  const key = presentedWriteKey(c.req.header('authorization'), fields['writeKey']);
  if (!key) return refuse(c, 401, 'missing write key: send it as the Basic auth user name (empty password) or as "writeKey"');
  const named = parseWriteKey(key);
  const site = named ? await loadSite(c, named.site).catch(() => null) : null;
  const valid = site && (await verifyWriteKey(visitorSecret(c.env), key, await currentKeyVersion(c.env.CONFIG, site.id)));
  if (!site || !valid) return refuse(c, 401, 'invalid write key (rotated, or not this deployment’s): see Settings > Segment write key');

  // Per write key (one per site): Workers Rate Limiting, as NEW_VISITOR_LIMIT (ratelimit/limits.ts).
  if (!(await c.env.SEGMENT_API_LIMIT.limit({ key: site.id })).success) {
    c.header('Retry-After', '10');
    return refuse(c, 429, 'rate limited: more than 1,000 calls in 10 s for this write key; retry in 10 s');
  }

  const origin = new URL(c.req.url).origin;
  const outcome = await storeSegmentCalls({
    env: c.env,
    site,
    body: fields,
    call,
    receivedAt: Date.now(),
    fallbackUrl: `${origin}/`,
    contextFor: (url) => decisionContext(c, site, { url }, { personalize: false }),
    waitUntil: (work) => c.executionCtx.waitUntil(work),
  });
  if (outcome.kind === 'bad-request') return refuse(c, 400, outcome.error, outcome.rejected ? { rejected: outcome.rejected } : {});
  if (outcome.kind === 'rate-limited') {
    c.header('Retry-After', String(outcome.retryAfterSeconds));
    return refuse(c, 429, `rate limited: too many calls for one profile; retry in ${outcome.retryAfterSeconds} s`);
  }
  return c.json({
    success: true,
    ...(outcome.rejected.length ? { rejected: outcome.rejected } : {}),
    ...(outcome.notStored.length ? { notStored: outcome.notStored } : {}),
  } satisfies SegmentApiResponse);
}

segmentApi.post('/batch', (c) => handle(c, 'batch'));
// Segment's libraries also post batches to /import (the old name of /batch).
segmentApi.post('/import', (c) => handle(c, 'batch'));
for (const call of SEGMENT_CALLS) segmentApi.post(`/${call}`, (c) => handle(c, call));
