/**
 * The analytics queue: the producer side (what routes send) and the consumer (per site, one RPC
 * per shard touched, plus claim RPCs for visitors with more than one candidate shard: shards.ts).
 * A message whose shard failed is retried by the queue (at least once; the store dedupes by event
 * id), the others are acknowledged.
 */
import type { WireEvent } from '../../../protocol/wire';
import { groupBySite, type AnalyticsMessage, type QueuedMessage, type VisitorSnapshot } from './feed';
import { SiteShards } from './sharded';
import { candidateShards, deliveries } from './shards';
import { handOffToDestinations } from '../destinations/hand-off';

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
  consent?: { personalization: boolean },
): AnalyticsMessage {
  return { kind: 'events', site, visitorId, receivedAt, events, snapshot, ...(outboxDropped ? { outboxDropped } : {}), ...(consent ? { consent } : {}) };
}

export function analyticsErase(site: string, visitorId: string, at: number): AnalyticsMessage {
  return { kind: 'erase', site, visitorId, at };
}

/** One filtered bot request (bots/bots.ts) for the site's daily count; `id` makes a redelivery count once. */
export function analyticsBots(site: string, at: number, id: string = crypto.randomUUID()): QueuedMessage {
  return { kind: 'bots', site, id, at, count: 1 };
}

export async function consumeAnalytics(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  await consumeAnalyticsWith(
    batch,
    (site) => new SiteShards(env, site),
    (site, stored) => handOffToDestinations(env, site, stored),
  );
}

/**
 * After a site's messages are stored: hands them to its destinations (destinations/hand-off.ts: an
 * insert into their outbox, never a send). A failure retries those messages (both sides dedupe).
 */
export type Forward = (site: string, stored: QueuedMessage[]) => Promise<void>;

/** The consumer, with `shardsOf` saying how a site's shards are reached (tests read the config fresh each time). */
export async function consumeAnalyticsWith(batch: MessageBatch<unknown>, shardsOf: (site: string) => SiteShards, forward?: Forward): Promise<void> {
  const { bySite, unknown } = groupBySite(batch.messages);
  // Not ours (an older or foreign shape): retrying cannot help.
  for (const m of unknown) m.ack();
  await Promise.all([...bySite.entries()].map(([site, messages]) => consumeSite(shardsOf(site), messages, forward)));
}

/**
 * One site's messages: each visitor's events to the shard that holds them (asking earlier
 * candidates first, shards.ts), an erase to every candidate. A message is acknowledged when every
 * shard it went to stored it, else retried (the store dedupes by event id; erase is idempotent).
 */
async function consumeSite(shards: SiteShards, messages: Message<unknown>[], forward?: Forward): Promise<void> {
  // groupBySite checked each body's kind, site and visitor id (or bot count).
  const bodies = messages.map((m) => m.body as QueuedMessage);
  const failed = new Set<number>();
  try {
    const history = await shards.history();
    const homes = await findHomes(
      shards,
      bodies.flatMap((b) => (b.kind === 'events' ? [b.visitorId] : [])),
      history,
    );
    const routes = deliveries(bodies, history, (visitor) => homes.get(visitor)!);
    await Promise.all(
      [...routes.entries()].map(async ([shard, indexes]) => {
        try {
          const { refused } = await shards.stub(shard).ingest(
            indexes.map((i) => bodies[i]!),
            shard,
          );
          for (const r of refused) failed.add(indexes[r]!);
        } catch (err) {
          console.error(`analytics: batch for site ${shards.site} shard ${shard} failed, retrying`, err);
          for (const i of indexes) failed.add(i);
        }
      }),
    );
  } catch (err) {
    console.error(`analytics: batch for site ${shards.site} failed, retrying`, err);
    for (const m of messages) m.retry();
    return;
  }
  if (forward) {
    const stored = bodies.filter((_, i) => !failed.has(i));
    await forward(shards.site, stored).catch((err: unknown) => {
      console.error(`destinations: hand-off for site ${shards.site} failed, retrying`, err);
      bodies.forEach((_, i) => failed.add(i));
    });
  }
  messages.forEach((m, i) => (failed.has(i) ? m.retry() : m.ack()));
}

/** Each visitor's shard: the first candidate that holds them, else the last (shards.ts); one claim RPC per shard and round. */
async function findHomes(shards: SiteShards, visitors: string[], history: readonly number[]): Promise<Map<string, number>> {
  const homes = new Map<string, number>();
  let pending = [...new Set(visitors)].map((visitor) => ({ visitor, candidates: candidateShards(visitor, history), at: 0 }));
  while (pending.length) {
    const asks = new Map<number, string[]>();
    const asked: typeof pending = [];
    for (const p of pending) {
      const shard = p.candidates[p.at]!;
      if (p.at === p.candidates.length - 1) {
        homes.set(p.visitor, shard);
        continue;
      }
      const list = asks.get(shard);
      if (list) list.push(p.visitor);
      else asks.set(shard, [p.visitor]);
      asked.push(p);
    }
    const held = new Map(await Promise.all([...asks.entries()].map(async ([shard, vs]) => [shard, new Set(await shards.stub(shard).claim(vs))] as const)));
    pending = [];
    for (const p of asked) {
      const shard = p.candidates[p.at]!;
      if (held.get(shard)?.has(p.visitor)) homes.set(p.visitor, shard);
      else pending.push({ ...p, at: p.at + 1 });
    }
  }
  return homes;
}
