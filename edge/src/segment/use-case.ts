/**
 * Storing Segment HTTP Tracking API calls (routes.ts parsed the body and checked the write key):
 * map each message (messages.ts), pick its profile, and store each profile's events through the
 * same visitor Durable Object as the browser's batches, so server events land in the same
 * profiles, golden records and analytics.
 *
 * Which profile:
 * - `anonymousId` that is a visitor token this edge issued for this site (analytics.js's
 *   `analytics.user().anonymousId()` returns it): that browser's own profile;
 * - any other `anonymousId`: a stable per-site profile derived from it,
 *   HMAC(WM_SECRET, "segment-anon|" + site + "|" + anonymousId), so every call with that id meets there;
 * - `userId` without `anonymousId`: a per-site profile derived from the user id the same way
 *   ("segment-user|…"), linked to the user's golden record;
 * - alias: the profile of `previousId` (read as an anonymousId above) is linked to `userId`'s
 *   golden record, its history merged there (identity/stitch.ts).
 * A message with a `userId` links its profile to that user's golden record: the profile gets one
 * identify event for that user (a fixed id per profile and user, so it is stored once), which
 * makes identity stitching move it, and every later call is stored in the golden record.
 *
 * A bad message in a batch is refused with its reason and the others are stored (Segment
 * refuses the whole batch; Waymark never loses good events beside a bad one, as /_wm/e does).
 */
import type { SiteConfig } from '../../../protocol/config/site';
import type { ConsentState, WireEvent } from '../../../protocol/wire';
import { analyticsEvents } from '../analytics/queue';
import { visitorSecret } from '../http/site-context';
import { base64url, verifyVisitorToken } from '../identity/token';
import type { DecisionContext } from '../profile/context';
import { visitorStub } from '../profile/stub';
import { MAX_BATCH_EVENTS, MAX_BODY_BYTES } from '../../../protocol/limits';
import { mapMessage, type MappedMessage, type SegmentCall } from './messages';

export type SegmentRejected = { index: number; reason: string };

export type SegmentOutcome =
  | { kind: 'bad-request'; error: string; rejected?: SegmentRejected[] }
  | { kind: 'rate-limited'; retryAfterSeconds: number }
  | {
      kind: 'stored';
      /** Messages stored now or already stored (a retry). */
      stored: number;
      /** Messages consent kept out (segment/consent.ts), by index. */
      notStored: number[];
      rejected: SegmentRejected[];
    };

export type SegmentInput = {
  env: Env;
  site: SiteConfig;
  /** The JSON body: one call, or `{ batch: [...], context? }` for /v1/batch. */
  body: Record<string, unknown>;
  /** The endpoint's call, or 'batch'. */
  call: SegmentCall | 'batch';
  receivedAt: number;
  /** The site's origin + "/": the url of an event whose message names no page. */
  fallbackUrl: string;
  /** The decision context for a profile (the route builds it from the request). */
  contextFor: (url: string) => DecisionContext;
  waitUntil: (work: Promise<unknown>) => void;
};

const encoder = new TextEncoder();

async function derivedVisitorId(secret: string, kind: 'anon' | 'user', site: string, id: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(`segment-${kind}|${site}|${id}`));
  // 22 base64url characters, like a minted visitor id (identity/token.ts).
  return base64url(new Uint8Array(mac).slice(0, 16));
}

/** The profile a message's events go to (see the file comment). */
async function profileFor(secret: string, site: string, m: MappedMessage): Promise<string> {
  const anonymous = m.previousId ?? m.anonymousId;
  if (anonymous !== undefined) return (await verifyVisitorToken(secret, site, anonymous)) ?? derivedVisitorId(secret, 'anon', site, anonymous);
  return derivedVisitorId(secret, 'user', site, m.userId!);
}

/** The identify that links a profile to a user: one fixed id per profile and user, so it is stored once. */
async function linkEvent(visitorId: string, userId: string, like: WireEvent): Promise<WireEvent> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(`${visitorId}|${userId}`));
  return { id: `sl-${base64url(new Uint8Array(digest)).slice(0, 32)}`, ts: like.ts, sid: like.sid, url: like.url, type: 'identify', userId };
}

type Chunk = { visitorId: string; consent: ConsentState | undefined; events: WireEvent[]; indexes: number[]; bytes: number };

export async function storeSegmentCalls(input: SegmentInput): Promise<SegmentOutcome> {
  const { env, site, body, receivedAt } = input;
  let raws: unknown[];
  let batchContext: Record<string, unknown> | undefined;
  if (input.call === 'batch') {
    if (!Array.isArray(body['batch'])) return { kind: 'bad-request', error: 'batch: must be an array of messages' };
    if (body['batch'].length === 0) return { kind: 'bad-request', error: 'batch: no messages' };
    raws = body['batch'];
    const shared = body['context'];
    if (shared !== undefined && (typeof shared !== 'object' || shared === null || Array.isArray(shared)))
      return { kind: 'bad-request', error: 'context: must be an object' };
    batchContext = shared as Record<string, unknown> | undefined;
  } else {
    raws = [body];
  }
  const secret = visitorSecret(env);
  const rejected: SegmentRejected[] = [];
  const notStored: number[] = [];
  const chunks: Chunk[] = [];
  for (const [index, raw] of raws.entries()) {
    const mapped = await mapMessage(raw, {
      receivedAt,
      fallbackUrl: input.fallbackUrl,
      ...(input.call !== 'batch' ? { type: input.call } : {}),
      ...(batchContext ? { batchContext } : {}),
    });
    if (!mapped.ok) {
      rejected.push({ index, reason: mapped.reason });
      continue;
    }
    const m = mapped.message;
    // Rule 1 of segment/consent.ts: a message that refuses analytics touches no profile.
    if (m.consent && !m.consent.analytics) {
      notStored.push(index);
      continue;
    }
    const visitorId = await profileFor(secret, site.id, m);
    const events: WireEvent[] = [];
    if (m.userId !== undefined && m.event.type !== 'identify' && m.event.type !== 'alias') events.push(await linkEvent(visitorId, m.userId, m.event));
    events.push(m.event);
    // One chunk per run of messages for one profile, kept within a browser batch's limits.
    const size = JSON.stringify(events).length;
    const last = chunks.at(-1);
    const sameConsent = JSON.stringify(last?.consent) === JSON.stringify(m.consent);
    if (last && last.visitorId === visitorId && sameConsent && last.events.length + events.length <= MAX_BATCH_EVENTS && last.bytes + size <= MAX_BODY_BYTES) {
      last.events.push(...events);
      last.indexes.push(index);
      last.bytes += size;
    } else chunks.push({ visitorId, consent: m.consent, events, indexes: [index], bytes: size });
  }
  if (rejected.length === raws.length) {
    return { kind: 'bad-request', error: raws.length === 1 ? rejected[0]!.reason : 'every message in the batch was rejected', rejected };
  }
  let stored = 0;
  for (const chunk of chunks) {
    // Rules 2 and 3 of segment/consent.ts, applied by the profile that holds the data.
    const server = { policy: site.consentPolicy, ...(chunk.consent ? { explicit: chunk.consent } : {}) };
    const context: DecisionContext = { ...input.contextFor(chunk.events.at(-1)!.url), server };
    const result = await visitorStub(env, site.id, chunk.visitorId).ingest(site.id, chunk.visitorId, chunk.events, receivedAt, context);
    if (result && 'rateLimited' in result) return { kind: 'rate-limited', retryAfterSeconds: result.rateLimited.retryAfterSeconds };
    // null: that profile was erased; a server call does not bring an erased visitor back.
    if (!result || result.notStored) {
      notStored.push(...chunk.indexes);
      continue;
    }
    stored += chunk.indexes.length;
    if (result.accepted.length > 0) {
      const ids = new Set(result.accepted);
      const message = analyticsEvents(
        site.id,
        chunk.visitorId,
        receivedAt,
        chunk.events.filter((e) => ids.has(e.id)),
        result.analytics ?? null,
      );
      input.waitUntil(env.ANALYTICS_QUEUE.send(message).catch((err: unknown) => console.error('analytics: queue send failed', err)));
    }
  }
  notStored.sort((a, b) => a - b);
  return { kind: 'stored', stored, notStored, rejected };
}
