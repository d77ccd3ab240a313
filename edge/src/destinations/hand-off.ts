/**
 * The analytics queue consumer's side of destinations (analytics/queue.ts): a site's stored
 * batches go to its SiteDestinations object's outbox in one RPC, and an erase drops the visitor's
 * waiting events. Sites without an enabled destination cost one cached config read and nothing else.
 */
import type { QueuedMessage } from '../analytics/feed';
import { SiteStore } from '../config/site-store';
import type { HandOff } from './site-destinations';

const siteStores = new WeakMap<KVNamespace, SiteStore>();

export function destinationsOf(env: Env, site: string) {
  return env.DESTINATIONS.get(env.DESTINATIONS.idFromName(site));
}

export async function handOffToDestinations(env: Env, site: string, stored: readonly QueuedMessage[]): Promise<void> {
  let store = siteStores.get(env.CONFIG);
  if (!store) {
    store = new SiteStore(env.CONFIG);
    siteStores.set(env.CONFIG, store);
  }
  const config = await store.get(site).catch(() => null);
  if (!config?.destinations.some((d) => d.enabled)) return;
  const batches: HandOff[] = [];
  const erased: string[] = [];
  for (const m of stored) {
    if (m.kind === 'erase') erased.push(m.visitorId);
    if (m.kind !== 'events') continue;
    batches.push({
      visitorId: m.visitorId,
      userId: m.snapshot?.userId ?? null,
      receivedAt: m.receivedAt,
      events: m.events,
      ...(m.consent ? { consent: m.consent } : {}),
    });
  }
  const stub = destinationsOf(env, site);
  if (batches.length) await stub.enqueue(site, batches);
  for (const visitor of erased) await stub.erase(visitor);
}
