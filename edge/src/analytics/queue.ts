/**
 * The analytics queue: the producer side (what routes send) and the consumer (one RPC per site
 * per batch into that site's SiteAnalytics). A failed site's messages are retried by the queue
 * (at least once; the store dedupes by event id), the others are acknowledged.
 */
import type { WireEvent } from '../../../protocol/wire';
import { groupBySite, type AnalyticsMessage, type VisitorSnapshot } from './feed';

export function analyticsStub(env: Env, site: string) {
  return env.ANALYTICS.get(env.ANALYTICS.idFromName(site));
}

/**
 * After a stored batch: its accepted events (nothing else), the visitor's snapshot, and the count
 * of events the browser's outbox dropped that the batch reported (protocol/wire.ts `dropped`).
 */
export function analyticsEvents(
  site: string,
  visitorId: string,
  receivedAt: number,
  events: WireEvent[],
  snapshot: VisitorSnapshot | null,
  outboxDropped?: number,
): AnalyticsMessage {
  return { kind: 'events', site, visitorId, receivedAt, events, snapshot, ...(outboxDropped ? { outboxDropped } : {}) };
}

export function analyticsErase(site: string, visitorId: string, at: number): AnalyticsMessage {
  return { kind: 'erase', site, visitorId, at };
}

export async function consumeAnalytics(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const { bySite, unknown } = groupBySite(batch.messages);
  // Not ours (an older or foreign shape): retrying cannot help.
  for (const m of unknown) m.ack();
  await Promise.all(
    [...bySite.entries()].map(async ([site, messages]) => {
      try {
        // groupBySite checked each body's kind, site and visitor id.
        await analyticsStub(env, site).ingest(messages.map((m) => m.body as AnalyticsMessage));
        for (const m of messages) m.ack();
      } catch (err) {
        console.error(`analytics: batch for site ${site} failed, retrying`, err);
        for (const m of messages) m.retry();
      }
    }),
  );
}
