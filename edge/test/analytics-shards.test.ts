/**
 * Journey analytics past one Durable Object: the report fixtures go through the queue consumer
 * into a site with 1 shard and a site with 8, and every report answers the same. Then a stream
 * whose shard count is raised half-way: every visitor stays in one shard, nothing is lost or
 * counted twice, and the reports still equal one shard's.
 */
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { SiteConfigInput } from '../../protocol/config/site';
import type { BanditTable } from '../src/analytics/bandit';
import type { AnalyticsMessage, EventsMessage } from '../src/analytics/feed';
import { consumeAnalyticsWith } from '../src/analytics/queue';
import { SiteShards } from '../src/analytics/sharded';
import { INGEST_SLICE } from '../src/analytics/site-analytics';
import { candidateShards, shardName } from '../src/analytics/shards';
import { SiteStore } from '../src/config/site-store';
import { banditFixture, DAY, HOUR, liveFixture, messagesFixture, retentionFixture, shop, T0, URL_BASE } from './analytics-fixtures';
import { adminCall, adminLogin, type AdminSession } from './helpers';

let sites = 0;
const freshSite = () => `sh-${Date.now().toString(36)}-${++sites}`;
let clients = 0;
const login = (): Promise<AdminSession> => adminLogin(`203.0.113.${200 + ++clients}`);

async function putSite(site: string, shards: number | undefined): Promise<void> {
  const config: SiteConfigInput = { id: site, name: site, version: Date.now(), origins: [URL_BASE], consentPolicy: 'opt-out' };
  await new SiteStore(env.CONFIG).put(shards === undefined ? config : { ...config, analyticsShards: shards });
}

/** The consumer as the queue runs it, reading the site config fresh (no isolate cache between steps of a test). */
async function feed(site: string, messages: AnalyticsMessage[]): Promise<{ acked: number; retried: number }> {
  let acked = 0;
  let retried = 0;
  for (let i = 0; i < messages.length; i += 100) {
    const chunk = messages.slice(i, i + 100).map((body, j) => ({
      id: `m-${i + j}`,
      timestamp: new Date(),
      attempts: 1,
      body: { ...body, site },
      ack: () => void acked++,
      retry: () => void retried++,
    }));
    const batch = { queue: 'waymark-analytics', messages: chunk, ackAll: () => {}, retryAll: () => {} } as unknown as MessageBatch<unknown>;
    await consumeAnalyticsWith(batch, (s) => new SiteShards(env, s, (id) => new SiteStore(env.CONFIG).get(id)));
  }
  return { acked, retried };
}

const RANGE = { from: T0 - HOUR, to: T0 + DAY };
const WIDE = { from: T0 - 2 * DAY, to: Date.now() + DAY };

/** Every report, asked the same way of a site; `tookMs` and `now` left out (they are times of the call). */
async function allReports(s: AdminSession, site: string): Promise<Record<string, unknown>> {
  const post = async (path: string, body: unknown) => {
    const res = await adminCall(s, 'POST', `/sites/${site}/analytics${path}`, body);
    expect(res.status, await res.clone().text()).toBe(200);
    return res.json<Record<string, unknown>>();
  };
  const get = async (path: string) => {
    const res = await adminCall(s, 'GET', `/sites/${site}/analytics${path}`);
    expect(res.status, await res.clone().text()).toBe(200);
    return res.json<Record<string, unknown>>();
  };
  const funnel = async (body: unknown) => {
    const { tookMs: _took, ...rest } = await post('/funnel', body);
    return rest;
  };
  const overview = await get('/overview?minutes=30');
  const { now: _now, eventsPerMinute, ...overviewRest } = overview as { now: number; eventsPerMinute: { t: number; events: number }[] };
  // The stream: every event once, paging with a small limit (order across shards is by seq, unique per site).
  const seen: string[] = [];
  let cursor = 0;
  for (let page = 0; page < 50; page++) {
    const r = (await get(`/stream?after=${cursor}&limit=7`)) as { events: { id: string; seq: number }[]; cursor: number };
    if (!r.events.length) break;
    expect(r.events.map((e) => e.seq)).toEqual([...r.events.map((e) => e.seq)].sort((a, b) => a - b));
    seen.push(...r.events.map((e) => e.id));
    cursor = r.cursor;
  }
  return {
    funnel: await funnel({ steps: [{ page: '/' }, { event: 'add_to_cart' }, { page: '/checkout/*' }, { event: 'purchase' }], window: '1h', ...RANGE }),
    funnelWide: await funnel({ steps: [{ page: '/*' }, { page: '/*' }, { event: 'add_to_cart' }], window: '7d', ...WIDE }),
    pathsNext: await post('/paths', { anchor: { page: '/' }, direction: 'next', depth: 2, ...RANGE }),
    pathsPrevious: await post('/paths', { anchor: { event: 'purchase' }, direction: 'previous', depth: 3, ...RANGE }),
    pathsTop2: await post('/paths', { anchor: { page: '/*' }, direction: 'next', depth: 1, limit: 2, ...WIDE }),
    sources: await post('/sources', { goal: 'purchase', ...RANGE }),
    sourcesTop1: await post('/sources', { limit: 1, ...WIDE }),
    retentionDay: await post('/retention', { period: 'day', periods: 4, from: T0, to: T0 + 3 * DAY }),
    retentionWeek: await post('/retention', { period: 'week', periods: 2, ...WIDE }),
    messages: await post('/messages', WIDE),
    segmentCount: await post('/segment-count', { condition: { event: 'add_to_cart' } }),
    segmentTrait: await post('/segment-count', { condition: { trait: 'plan', test: { op: 'eq', value: 'gold' } } }),
    overview: { ...overviewRest, activeMinutes: eventsPerMinute.filter((m) => m.events > 0) },
    profiles: await get('/profiles?q=visitor-&limit=4'),
    profilesAll: await get('/profiles?q=r&by=visitor'),
    stream: [...seen].sort(),
    streamDuplicates: seen.length - new Set(seen).size,
  };
}

function everyFixture(now: number): AnalyticsMessage[] {
  const live = liveFixture(now)[1]!;
  if (live.kind !== 'events') throw new Error('the live fixture is events');
  const dropped: EventsMessage = { ...live, visitorId: 'live-dropper', outboxDropped: 3 };
  return [...shop(), ...retentionFixture(now), ...messagesFixture(), ...liveFixture(now), ...banditFixture(), dropped];
}

/** Each event message split into one message per event: a visitor's events arrive over many batches. */
function perEvent(messages: AnalyticsMessage[]): AnalyticsMessage[] {
  return messages.flatMap((m): AnalyticsMessage[] => (m.kind === 'events' ? m.events.map((e): EventsMessage => ({ ...m, events: [e] })) : [m]));
}

/** Every event of every shard, straight from the shards, as [visitor, shard, event id]. */
async function shardContents(site: string, shards: number): Promise<[string, number, string][]> {
  const out: [string, number, string][] = [];
  for (let i = 0; i < shards; i++) {
    const stub = new SiteShards(env, site).stub(i);
    for (const e of await stub.streamPart(undefined, 500, Number.MAX_SAFE_INTEGER)) out.push([e.visitorId, i, e.id]);
  }
  return out;
}

describe('analytics shards: 1 and 8 shards answer the same', () => {
  it('gives every report the same answer with 1 shard and with 8, and publishes the same bandit table', async () => {
    const [s, one, eight] = await Promise.all([login(), Promise.resolve(freshSite()), Promise.resolve(freshSite())]);
    await Promise.all([putSite(one, undefined), putSite(eight, 8)]);
    const messages = everyFixture(Date.now());
    // The fixtures' visitors really are spread: at least 5 of the 8 shards hold someone.
    const visitors = [...new Set(messages.map((m) => m.visitorId))];
    expect(new Set(visitors.map((v) => candidateShards(v, [8]).at(-1))).size).toBeGreaterThanOrEqual(5);
    // At least once: the whole stream delivered twice.
    for (const site of [one, eight]) {
      expect(await feed(site, [...messages, ...messages])).toEqual({ acked: 2 * messages.length, retried: 0 });
    }
    const contents = await shardContents(eight, 8);
    expect(new Set(contents.map(([, shard]) => shard)).size).toBeGreaterThanOrEqual(5);
    // The merged stream shows an event once its shards' clocks have all passed it (STREAM_SETTLE_MS).
    await new Promise((r) => setTimeout(r, 1_100));
    const [a, b] = [await allReports(s, one), await allReports(s, eight)];
    expect(b).toEqual(a);
    // A few numbers by hand, as a guard that both are not empty. Entering "/" in range: 5 shop visitors,
    // 10 message and 45 bandit visitors, r1 and r2; the later steps are the shop's (analytics.test.ts).
    expect((a.funnel as { steps: { visitors: number }[] }).steps.map((x) => x.visitors)).toEqual([5 + 10 + 45 + 2, 4, 2, 1]);
    expect((a.overview as { outboxDropped: number }).outboxDropped).toBe(3);
    expect((a.stream as string[]).length).toBe(new Set(messages.flatMap((m) => (m.kind === 'events' ? m.events.map((e) => e.id) : []))).size);
    expect(a.streamDuplicates).toBe(0);

    // The bandit table is built from every shard's exposures: the same table whichever shard's alarm runs.
    const tables: (BanditTable | null)[] = [];
    for (const [site, shard] of [
      [one, 0],
      [eight, 0],
      [eight, 5],
    ] as const) {
      const stub = env.ANALYTICS.get(env.ANALYTICS.idFromName(shardName(site, shard)));
      await runInDurableObject(stub, (_, state) => state.storage.setAlarm(Date.now() + 60_000));
      expect(await runDurableObjectAlarm(stub)).toBe(true);
      const table = await env.CONFIG.get<BanditTable>(`bandit:${site}`, 'json');
      tables.push(table && { ...table, updatedAt: 0 });
    }
    expect(tables[0]?.messages.offer?.hikers?.a).toMatchObject({ alpha: 9, beta: 3 });
    expect(tables[1]).toEqual(tables[0]);
    expect(tables[2]).toEqual(tables[0]);
  }, 60_000);

  it('erases a visitor in whichever shard holds them', async () => {
    const [s, one, eight] = await Promise.all([login(), Promise.resolve(freshSite()), Promise.resolve(freshSite())]);
    await Promise.all([putSite(one, undefined), putSite(eight, 8)]);
    const messages = shop();
    const erase: AnalyticsMessage = { kind: 'erase', site: 'x', visitorId: 'visitor-a', at: Date.now() };
    for (const site of [one, eight]) {
      await feed(site, messages);
      await feed(site, [erase]);
      // A late redelivery does not bring them back.
      await feed(site, [messages[0]!]);
    }
    const profiles = async (site: string) =>
      (await (await adminCall(s, 'GET', `/sites/${site}/analytics/profiles?q=visitor-&limit=100`)).json<{ profiles: { visitorId: string }[] }>()).profiles
        .map((p) => p.visitorId)
        .sort();
    expect(await profiles(eight)).toEqual(['visitor-b', 'visitor-c', 'visitor-d', 'visitor-e', 'visitor-f']);
    expect(await profiles(eight)).toEqual(await profiles(one));
    expect((await shardContents(eight, 8)).some(([visitor]) => visitor === 'visitor-a')).toBe(false);
  }, 30_000);
});

describe('analytics shards: raising the count in the middle of a stream', () => {
  it('keeps each visitor in one shard for life, loses nothing and counts nothing twice', async () => {
    const [s, one, raised] = await Promise.all([login(), Promise.resolve(freshSite()), Promise.resolve(freshSite())]);
    await Promise.all([putSite(one, undefined), putSite(raised, 1)]);
    const messages = perEvent(everyFixture(Date.now()));
    const half = Math.floor(messages.length / 2);
    await feed(one, messages);
    // 1 shard for the first half of the stream, 4 for the next quarter, 16 for the rest (and some redelivered).
    expect((await feed(raised, messages.slice(0, half))).retried).toBe(0);
    await putSite(raised, 4);
    expect((await feed(raised, messages.slice(half, half + Math.floor(half / 2)))).retried).toBe(0);
    await putSite(raised, 16);
    expect((await feed(raised, [...messages.slice(half + Math.floor(half / 2)), ...messages.slice(0, 20)])).retried).toBe(0);
    // Lowering the count changes nothing: no visitor moves.
    await putSite(raised, 2);
    expect((await feed(raised, messages.slice(half - 10, half + 10))).retried).toBe(0);

    const contents = await shardContents(raised, 16);
    const shardsOf = new Map<string, Set<number>>();
    for (const [visitor, shard] of contents) shardsOf.set(visitor, (shardsOf.get(visitor) ?? new Set()).add(shard));
    for (const [visitor, where] of shardsOf) expect([visitor, where.size]).toEqual([visitor, 1]);
    // Visitors who arrived after a raise did spread over the new shards.
    expect(new Set(contents.map(([, shard]) => shard)).size).toBeGreaterThan(4);
    const ids = contents.map(([, , id]) => id);
    expect(ids.length).toBe(new Set(ids).size);
    expect(ids.length).toBe(new Set(messages.flatMap((m) => (m.kind === 'events' ? m.events.map((e) => e.id) : []))).size);

    await new Promise((r) => setTimeout(r, 1_100));
    expect(await allReports(s, raised)).toEqual(await allReports(s, one));
  }, 60_000);

  it('a shard that redirected a visitor refuses their events from a router that still knew fewer shards', async () => {
    const site = freshSite();
    const stub = (i: number) => env.ANALYTICS.get(env.ANALYTICS.idFromName(shardName(site, i)));
    const [first] = shop();
    const message = { ...first!, site };
    expect(await stub(0).claim([message.visitorId])).toEqual([]);
    expect(await stub(0).ingest([message], 0)).toMatchObject({ stored: 0, refused: [0] });
    // A visitor it holds is claimed, and an erase is never refused.
    const other = { ...shop()[1]!, site };
    expect(await stub(0).ingest([other], 0)).toMatchObject({ stored: 3, refused: [] });
    expect(await stub(0).claim([other.visitorId, message.visitorId])).toEqual([other.visitorId]);
    expect(await stub(0).ingest([{ kind: 'erase', site, visitorId: message.visitorId, at: Date.now() }], 0)).toMatchObject({ erased: 1, refused: [] });
  });

  it('a batch longer than a slice is stored slice by slice: one summary, refused indexes counted from the batch start, a resend adds nothing', async () => {
    const site = freshSite();
    const shard = env.ANALYTICS.get(env.ANALYTICS.idFromName(shardName(site, 0)));
    const template = shop()[1] as EventsMessage;
    const copies: EventsMessage[] = Array.from({ length: INGEST_SLICE * 2 + 3 }, (_, i) => ({
      ...template,
      site,
      visitorId: `slice-visitor-${i}`,
      events: template.events.map((e) => ({ ...e, id: `${e.id}-${i}` })),
    }));
    const redirectedAt = INGEST_SLICE + 1;
    expect(await shard.claim([copies[redirectedAt]!.visitorId])).toEqual([]);
    const perMessage = template.events.length;
    expect(await shard.ingest(copies, 0)).toEqual({ stored: perMessage * (copies.length - 1), duplicates: 0, erased: 0, dropped: 0, refused: [redirectedAt] });
    expect(await shard.ingest(copies, 0)).toEqual({ stored: 0, duplicates: perMessage * (copies.length - 1), erased: 0, dropped: 0, refused: [redirectedAt] });
  });
});
