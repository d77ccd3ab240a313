/**
 * What every provider mapping starts from, and the helpers they share. Pure: no Worker globals.
 *
 * A ForwardEvent is one stored Waymark event (never a consent event: forward.ts drops them) with
 * the visitor it belongs to: `visitorId` is the anonymous id, `userId` the id the visitor was
 * identified as (the event's own for identify/alias, else the profile's at the time it was stored).
 */
import type { Destination } from '../../../../protocol/config/destinations';
import type { PropValue, WireEvent } from '../../../../protocol/wire';

export type ForwardableEvent = Exclude<WireEvent, { type: 'consent' }>;
export type ForwardEvent = { event: ForwardableEvent; visitorId: string; userId: string | null; receivedAt: number };

/** One HTTP request to a provider, ready to send (the secret already in its URL, header or body). */
export type ProviderRequest = { url: string; headers: Record<string, string>; body: string };

export type BatchLimits = {
  /** Events per request. */
  maxEvents: number;
  /** Bytes of the request body. */
  maxBytes: number;
  /** Bytes of one mapped event; a larger one is dead-lettered with the reason. */
  maxEventBytes: number;
};

export type Provider<D extends Destination = Destination> = {
  limits: BatchLimits;
  /**
   * Requests may only mix events with the same key (GA4: one client per request). Absent: any mix.
   */
  groupKey?: (e: ForwardEvent) => string;
  /** The provider's shape of one event, or null when the provider has no counterpart (documented). */
  map(e: ForwardEvent, destination: D): unknown;
  /** The request carrying `items` (mapped events of one group), with `secrets` (by name). */
  request(items: unknown[], destination: D, secrets: Record<string, string>, nowMs: number): Promise<ProviderRequest>;
};

export const LIBRARY = { name: 'waymark-edge', version: '1' } as const;

/** The Waymark event's name as most providers show it: a track's name, else the type. */
export const eventName = (e: ForwardableEvent): string => (e.type === 'track' ? e.name : e.type);

export type PageContext = { url: string; path: string; search: string; referrer: string; title: string };
/** The page an event happened on (every Waymark event carries its url). */
export function pageOf(e: ForwardableEvent): PageContext {
  const url = new URL(e.url);
  return {
    url: e.url,
    path: url.pathname,
    search: url.search,
    referrer: e.ref ?? e.context?.page?.referrer ?? '',
    title: e.title ?? e.context?.page?.title ?? '',
  };
}

export type Campaign = { source?: string; medium?: string; name?: string; term?: string; content?: string };
/** Each UTM field with its Segment `context.campaign` name (`name` is utm_campaign). */
const UTM_FIELDS = [
  ['source', 'source'],
  ['medium', 'medium'],
  ['campaign', 'name'],
  ['term', 'term'],
  ['content', 'content'],
] as const;

/** The UTM campaign the event carries, with Segment's names. */
export const campaignOf = (e: ForwardableEvent): Campaign => Object.fromEntries(UTM_FIELDS.flatMap(([utm, key]) => (e.utm?.[utm] ? [[key, e.utm[utm]]] : [])));

/** `utm_source`… keys, for providers that take campaign data as properties. */
export const utmProperties = (e: ForwardableEvent): Record<string, string> =>
  Object.fromEntries(UTM_FIELDS.flatMap(([utm]) => (e.utm?.[utm] ? [[`utm_${utm}`, e.utm[utm]]] : [])));

/** A provider's event name: a track's own name, else the provider's name for the type. */
export const namedBy =
  (names: Record<Exclude<ForwardableEvent['type'], 'track'>, string>) =>
  (f: ForwardEvent): string =>
    f.event.type === 'track' ? f.event.name : names[f.event.type];

/** The event's own properties: a track or page's props, identify/group traits, prefs. */
export function propertiesOf(e: ForwardableEvent): Record<string, PropValue> {
  switch (e.type) {
    case 'page':
    case 'track':
      return { ...(e.props ?? {}) };
    case 'identify':
    case 'group':
      return { ...(e.traits ?? {}) };
    case 'prefs':
      return { ...e.prefs };
    case 'alias':
      return {};
  }
}

export const isoTime = (ms: number) => new Date(ms).toISOString();

/** The user id a request carries: the event's own (identify, alias), else the visitor's. */
export const userIdOf = (f: ForwardEvent): string | null => (f.event.type === 'identify' || f.event.type === 'alias' ? f.event.userId : f.userId);

export const basicAuth = (user: string, password = '') => `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode(`${user}:${password}`)))}`;

/**
 * A deterministic UUID (version 8, RFC 9562 "custom") from a Waymark event id, for providers whose
 * dedup key must be a UUID (PostHog): the same event always maps to the same UUID, so a retry is
 * deduplicated. Two FNV-1a-64 passes; not cryptographic, collisions are not a concern at this size.
 */
export function uuidFromId(id: string): string {
  const fnv = (seed: bigint) => {
    let h = seed;
    for (let i = 0; i < id.length; i++) {
      h ^= BigInt(id.charCodeAt(i));
      h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
    }
    return h.toString(16).padStart(16, '0');
  };
  const hex = fnv(0xcbf29ce484222325n) + fnv(0x84222325cbf29ce4n);
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A dedup key of at most 36 characters of [A-Za-z0-9-] (Mixpanel's `$insert_id` rule): the id itself when it fits. */
export const insertIdOf = (id: string): string => (/^[A-Za-z0-9-]{1,36}$/.test(id) ? id : uuidFromId(id));
