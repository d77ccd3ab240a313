/**
 * What the edge sends to the analytics store through the queue (pure types and builders). A
 * message carries one stored batch of one visitor (only the events their profile accepted, so
 * consent and dedupe already applied) plus a snapshot of what reports need that events lack:
 * the visitor's current segments and message exposures (holdout visitors see nothing, so no
 * impression event exists for them).
 */
import type { WireEvent } from '../../../protocol/wire';

export type ExposureSnapshot = { message: string; variant: string; at: number; convertedAt: number | null };
/** `userId`: who the visitor was identified as when the batch was stored (destinations forward it). */
export type VisitorSnapshot = { segments: string[]; exposures: ExposureSnapshot[]; userId?: string };

export type EventsMessage = {
  kind: 'events';
  site: string;
  visitorId: string;
  receivedAt: number;
  events: WireEvent[];
  snapshot: VisitorSnapshot | null;
  /** Events the browser's outbox dropped (full) and reported with this batch. */
  outboxDropped?: number;
  /** Whether the visitor allowed personalization too (destinations may require it); absent in older messages: not given. */
  consent?: { personalization: boolean };
};
/** DELETE /_wm/me: the visitor's analytics rows go too, and later deliveries for them are dropped. */
export type EraseMessage = { kind: 'erase'; site: string; visitorId: string; at: number };
/**
 * Requests from bots the edge filtered (bots/bots.ts): counted, nothing else about them is kept.
 * `id` is unique per send, so a queue redelivery is not counted twice.
 */
export type BotsMessage = { kind: 'bots'; site: string; id: string; at: number; count: number };
export type AnalyticsMessage = EventsMessage | EraseMessage;
/** Everything the analytics queue carries. */
export type QueuedMessage = AnalyticsMessage | BotsMessage;

/** The site a queued message belongs to, or null for anything this version did not send. */
export function siteOf(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const m = body as Partial<AnalyticsMessage> | Partial<BotsMessage>;
  if (typeof m.site !== 'string') return null;
  if (m.kind === 'bots') return typeof m.id === 'string' && Number.isInteger(m.count) && typeof m.at === 'number' ? m.site : null;
  if ((m.kind !== 'events' && m.kind !== 'erase') || typeof m.visitorId !== 'string') return null;
  return m.site;
}

/** Groups queued bodies by site (one analytics Durable Object each), dropping unknown shapes. */
export function groupBySite<T extends { body: unknown }>(messages: readonly T[]): { bySite: Map<string, T[]>; unknown: T[] } {
  const bySite = new Map<string, T[]>();
  const unknown: T[] = [];
  for (const m of messages) {
    const site = siteOf(m.body);
    if (site === null) {
      unknown.push(m);
      continue;
    }
    const list = bySite.get(site) ?? [];
    list.push(m);
    bySite.set(site, list);
  }
  return { bySite, unknown };
}
