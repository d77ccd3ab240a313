/**
 * The Segment HTTP Tracking API's messages (segment.com/docs/connections/sources/catalog/libraries/server/http-api/)
 * mapped onto Waymark wire events (protocol/wire.ts), pure. One message becomes one event plus
 * the identities it names; the use case (use-case.ts) picks the profile from those.
 *
 * Field by field (docs/migrating-from-segment.md has the table):
 * - messageId -> id when it is 8-64 characters of [A-Za-z0-9_-] (Segment's UUIDs and "ajs-…" ids
 *   are); otherwise a hash of it, so a retried message is still counted once. No messageId: a hash
 *   of the whole message (an identical resend is then a duplicate too).
 * - timestamp (else originalTimestamp) -> ts; a missing or unparseable one is the receive time,
 *   and one in the future is clamped to the receive time.
 * - context.page.url (else properties.url) -> url, else the site's own origin; context as on the wire.
 * - track: event -> name, properties -> props. page/screen: name/category join the props.
 *   identify: userId + traits. group: groupId + traits. alias: userId + previousId.
 * - integrations, sentAt, channel, version, _metadata: ignored (no destinations yet, issue #13).
 */
import { z } from 'zod';
import { MAX_ID_LENGTH, MIN_ID_LENGTH } from '../../../protocol/limits';
import { eventSchema, type WireEvent } from '../../../protocol/wire';
import { formatIssues } from '../ingest/batch';
import { withContextFields } from '../ingest/context';
import { base64url } from '../identity/token';

/** Segment's limits: 32 KB per call (a single call, or each message of a batch), 500 KB per batch request. */
export const MAX_CALL_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 500 * 1024;

export const SEGMENT_CALLS = ['track', 'page', 'screen', 'identify', 'group', 'alias'] as const;
export type SegmentCall = (typeof SEGMENT_CALLS)[number];

/** Segment ids may be numbers in hand-written payloads; they are strings once here. */
const idValue = z.union([z.string(), z.number()]).transform(String);
const looseObject = z.record(z.string(), z.unknown());

/**
 * The common fields. Unknown top-level fields (sentAt, channel, version, writeKey, _metadata…) are
 * dropped, not refused: Segment's libraries send them.
 */
const messageSchema = z.object({
  type: z.enum(SEGMENT_CALLS, { error: `type must be one of ${SEGMENT_CALLS.join(', ')}` }),
  messageId: idValue.optional(),
  anonymousId: idValue.optional(),
  userId: idValue.optional(),
  previousId: idValue.optional(),
  groupId: idValue.optional(),
  timestamp: z.string().optional(),
  originalTimestamp: z.string().optional(),
  event: z.string().optional(),
  name: z.string().optional(),
  category: z.string().optional(),
  properties: looseObject.optional(),
  traits: looseObject.optional(),
  context: looseObject.optional(),
  integrations: z.unknown().optional(),
});
export type SegmentMessage = z.input<typeof messageSchema>;

/** A message as a Waymark event, with the identities it names. */
export type MappedMessage = {
  event: WireEvent;
  userId?: string;
  anonymousId?: string;
  /** alias only: the identity being merged into `userId`. */
  previousId?: string;
  /** Segment's consent object (context.consent.categoryPreferences) read as Waymark's, if it says anything. */
  consent?: { analytics: boolean; personalization: boolean };
};

export type MapResult = { ok: true; message: MappedMessage } | { ok: false; reason: string };

const ID_PATTERN = new RegExp(`^[A-Za-z0-9_-]{${MIN_ID_LENGTH},${MAX_ID_LENGTH}}$`);

async function sha256(text: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))));
}

/** A wire event id for a Segment message (see the file comment). */
export async function eventIdFor(messageId: string | undefined, raw: unknown): Promise<string> {
  if (messageId !== undefined && ID_PATTERN.test(messageId)) return messageId;
  return `sg-${(await sha256(messageId !== undefined ? `m:${messageId}` : `b:${JSON.stringify(raw)}`)).slice(0, 32)}`;
}

/** Epoch ms of the message: its timestamp (else originalTimestamp), never after `receivedAt`. */
export function messageTime(timestamp: string | undefined, receivedAt: number): number {
  const parsed = timestamp === undefined ? NaN : Date.parse(timestamp);
  return Number.isFinite(parsed) && parsed > 0 ? Math.min(Math.round(parsed), receivedAt) : receivedAt;
}

/** Server events have no browser session: one per UTC day, so a day's server events group together. */
export function serverSessionId(at: number): string {
  return `server-${new Date(at).toISOString().slice(0, 10)}`;
}

const httpUrl = (v: unknown): string | undefined => (typeof v === 'string' && /^https?:\/\/[^\s]+$/i.test(v) ? v : undefined);

/**
 * Segment's consent object, `context.consent.categoryPreferences` (category -> boolean): the
 * category named "analytics" (any case) gives analytics; "personalization"/"personalisation"
 * gives personalization, else analytics' value. Undefined when it names no analytics category.
 */
export function segmentConsent(context: Record<string, unknown> | undefined): MappedMessage['consent'] {
  const consent = context?.['consent'];
  const prefs = consent && typeof consent === 'object' ? (consent as Record<string, unknown>)['categoryPreferences'] : undefined;
  if (!prefs || typeof prefs !== 'object') return undefined;
  const find = (re: RegExp) => Object.entries(prefs).find(([k, v]) => re.test(k) && typeof v === 'boolean')?.[1] as boolean | undefined;
  const analytics = find(/^analytics$/i);
  if (analytics === undefined) return undefined;
  return { analytics, personalization: find(/^personali[sz]ation$/i) ?? analytics };
}

const describe = (error: z.ZodError) =>
  formatIssues(error)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');

/**
 * One Segment message as a Waymark event. `defaults` are a batch's shared `context` (merged
 * under each message's own, as Segment does) and the call's type for the single-call endpoints
 * (/v1/track…, where `type` may be left out).
 */
export async function mapMessage(
  raw: unknown,
  opts: { receivedAt: number; fallbackUrl: string; type?: SegmentCall; batchContext?: Record<string, unknown> },
): Promise<MapResult> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, reason: 'a message must be a JSON object' };
  const size = JSON.stringify(raw).length;
  if (size > MAX_CALL_BYTES) return { ok: false, reason: `message is ${size} bytes, more than ${MAX_CALL_BYTES} (32 KB)` };
  const withType = opts.type ? { ...raw, type: opts.type } : raw;
  const parsed = messageSchema.safeParse(withType);
  if (!parsed.success) return { ok: false, reason: describe(parsed.error) };
  const m = parsed.data;
  if (m.userId === undefined && m.anonymousId === undefined && m.type !== 'alias') return { ok: false, reason: 'userId or anonymousId is required' };
  const context = opts.batchContext || m.context ? { ...opts.batchContext, ...m.context } : undefined;
  const page = context?.['page'] as Record<string, unknown> | undefined;
  const props = m.properties;
  const base = {
    id: await eventIdFor(m.messageId, raw),
    ts: messageTime(m.timestamp ?? m.originalTimestamp, opts.receivedAt),
    sid: serverSessionId(opts.receivedAt),
    url: httpUrl(page?.['url']) ?? httpUrl(props?.['url']) ?? opts.fallbackUrl,
    ...(context ? { context } : {}),
  };
  let candidate: Record<string, unknown>;
  switch (m.type) {
    case 'track':
      if (m.event === undefined) return { ok: false, reason: 'event: required for track' };
      candidate = { ...base, type: 'track', name: m.event, ...(props ? { props } : {}) };
      break;
    case 'page':
    case 'screen': {
      const named = { ...props, ...(m.name !== undefined ? { name: m.name } : {}), ...(m.category !== undefined ? { category: m.category } : {}) };
      const title = typeof props?.['title'] === 'string' ? props['title'] : undefined;
      const ref = typeof props?.['referrer'] === 'string' ? props['referrer'] : undefined;
      candidate = {
        ...base,
        type: 'page',
        ...(Object.keys(named).length ? { props: named } : {}),
        ...(title !== undefined ? { title } : {}),
        ...(ref !== undefined ? { ref } : {}),
      };
      break;
    }
    case 'identify':
      // Segment allows an anonymous identify (traits, no userId). Waymark's identify always names
      // a user, so it is kept as a track named "identify" with the traits as its props.
      if (m.userId === undefined) {
        candidate = { ...base, type: 'track', name: 'identify', ...(m.traits ? { props: m.traits } : {}) };
        break;
      }
      candidate = { ...base, type: 'identify', userId: m.userId, ...(m.traits ? { traits: m.traits } : {}) };
      break;
    case 'group':
      if (m.groupId === undefined) return { ok: false, reason: 'groupId: required for group' };
      candidate = { ...base, type: 'group', groupId: m.groupId, ...(m.traits ? { traits: m.traits } : {}) };
      break;
    case 'alias':
      if (m.userId === undefined) return { ok: false, reason: 'userId: required for alias' };
      if (m.previousId === undefined) return { ok: false, reason: 'previousId: required for alias' };
      candidate = { ...base, type: 'alias', userId: m.userId, previousId: m.previousId };
      break;
  }
  const event = eventSchema.safeParse(candidate);
  if (!event.success) return { ok: false, reason: describe(event.error) };
  const consent = segmentConsent(context);
  return {
    ok: true,
    message: {
      event: withContextFields(event.data),
      ...(m.userId !== undefined ? { userId: m.userId } : {}),
      ...(m.anonymousId !== undefined ? { anonymousId: m.anonymousId } : {}),
      ...(m.type === 'alias' ? { previousId: m.previousId } : {}),
      ...(consent ? { consent } : {}),
    },
  };
}
