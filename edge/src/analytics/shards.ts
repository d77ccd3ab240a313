/**
 * Which SiteAnalytics object (shard) holds a visitor (pure). A site's shard counts form a history
 * (the counts it has had, increasing; kept by shard 0, see site-analytics.ts `shardHistory`). For
 * each count n in the history the visitor has one candidate, `jump(visitor, n)` (jump consistent
 * hash: raising n moves only the visitors that land on the new shards). A visitor lives in the
 * first candidate that holds them; a candidate asked first that does not hold them records that it
 * never will (a "redirect"), and the last candidate always takes them. So a visitor's events are
 * all in one shard for life, whatever count was in force when each batch was routed (queue.ts).
 */

/** Shard 0 keeps the site's original name: a site that never had more than one shard is unchanged. */
export function shardName(site: string, shard: number): string {
  return shard === 0 ? site : `${site}#${shard}`;
}

/** FNV-1a, 32-bit, over the id's UTF-16 code units (visitor ids are ASCII). */
export function visitorKey(visitor: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < visitor.length; i++) {
    h ^= visitor.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Jump consistent hash (Lamping & Veach, 2014): a bucket in [0, buckets), and raising `buckets`
 * moves a key only onto the new buckets. Its random sequence per key comes from mulberry32 seeded
 * with the key (32-bit arithmetic; the paper's 64-bit LCG needs BigInt here, ~50x slower).
 */
export function jumpHash(key: number, buckets: number): number {
  let state = key >>> 0;
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = (((t ^ (t >>> 14)) >>> 0) + 1) / 2 ** 32;
    j = Math.floor((b + 1) / r);
  }
  return b;
}

/**
 * The visitor's candidate shards in the order they are asked, oldest count first, each once. With
 * jump hashing over increasing counts these are increasing, and the last is the shard under the
 * newest count.
 */
export function candidateShards(visitor: string, history: readonly number[]): number[] {
  const key = visitorKey(visitor);
  const out: number[] = [];
  for (const n of history) {
    const shard = jumpHash(key, n);
    if (!out.includes(shard)) out.push(shard);
  }
  return out;
}

/**
 * The history after the site config named `configured` shards: appended when higher than every
 * count so far; a lower count changes nothing (no visitor moves and none is lost).
 */
export function extendHistory(history: readonly number[], configured: number): number[] {
  const highest = history[history.length - 1] ?? 1;
  return configured > highest ? [...history, configured] : [...history];
}

/** The shards a report asks: every shard a visitor can be in. */
export function shardCount(history: readonly number[]): number {
  return history[history.length - 1] ?? 1;
}

/**
 * Which shard gets which message (indexes into `messages`): events go to the visitor's home shard,
 * an erase to every candidate (wherever the visitor is, and a tombstone everywhere they could be
 * routed to), a bot count to shard 0 (it belongs to no visitor; reports sum it over all shards).
 */
export function deliveries(
  messages: readonly ({ kind: 'events' | 'erase'; visitorId: string } | { kind: 'bots' })[],
  history: readonly number[],
  home: (visitor: string) => number,
): Map<number, number[]> {
  const routes = new Map<number, number[]>();
  const add = (shard: number, index: number) => {
    const list = routes.get(shard);
    if (list) list.push(index);
    else routes.set(shard, [index]);
  };
  messages.forEach((m, i) => {
    if (m.kind === 'bots') add(0, i);
    else if (m.kind === 'erase') for (const shard of candidateShards(m.visitorId, history)) add(shard, i);
    else add(home(m.visitorId), i);
  });
  return routes;
}
