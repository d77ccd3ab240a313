import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import type { CollectResponse, ErrorResponse, ProfileExport, WireEvent } from '../../protocol/wire';
import type { DecisionContext } from '../src/profile/visitor-profile';
import { visitorStub } from '../src/profile/stub';
import { NEW_VISITORS_PER_IP, VISITOR_BATCHES } from '../src/ratelimit/limits';
import { newVisitorId } from '../src/identity/token';
import { SiteStore } from '../src/config/site-store';
import { DEMO_SITE } from '../src/demo/seed';
import { makeEvent, me, post } from './helpers';

// These tests send a limit's worth of requests one after another (up to ~200): a few seconds on
// an idle machine, more on a loaded CI runner. A longer timeout, not a timing assertion.
vi.setConfig({ testTimeout: 30_000 });

const { capacity } = VISITOR_BATCHES;

/** A returning visitor: its token (payload `vid`) and the id of its Durable Object. */
async function newVisitor(headers: Record<string, string> = {}) {
  const res = await post([makeEvent()], { headers });
  expect(res.status).toBe(200);
  const token = (await res.json<CollectResponse>()).vid ?? '';
  return { token, id: token.split('.')[0] ?? '' };
}

const emptyContext = (now: number): DecisionContext => ({
  // Version 0: the site's latest config.
  config: { site: 'demo', version: 0 },
  request: {},
  personalize: false,
  now,
});

describe('per-visitor rate limit (token bucket in the visitor’s Durable Object)', () => {
  it('admits exactly `capacity` batches at one instant, then says when to retry, then refills', async () => {
    const id = newVisitorId();
    // The object loads the site's config itself (here straight through RPC, no route seeds it).
    await new SiteStore(env.CONFIG).put(DEMO_SITE);
    const stub = visitorStub(env, 'demo', id);
    const T = Date.now();
    const ingest = (now: number) => stub.ingest('demo', id, [makeEvent() as WireEvent], now, emptyContext(now));
    for (let i = 0; i < capacity; i++) expect(await ingest(T)).toHaveProperty('accepted');
    expect(await ingest(T)).toEqual({ rateLimited: { retryAfterSeconds: 1 } });
    expect(await ingest(T + 500)).toEqual({ rateLimited: { retryAfterSeconds: 1 } });
    // One second later one token is back: one batch passes, the next does not.
    expect(await ingest(T + 1_000)).toHaveProperty('accepted');
    expect(await ingest(T + 1_000)).toHaveProperty('rateLimited');
    // After a full refill the whole burst is allowed again.
    const later = T + 1_000 + (capacity / VISITOR_BATCHES.refillPerSecond) * 1_000;
    for (let i = 0; i < capacity; i++) expect(await ingest(later)).toHaveProperty('accepted');
    expect(await ingest(later)).toHaveProperty('rateLimited');
    const profile = JSON.parse((await stub.exportProfile('demo', id)) ?? '{}') as ProfileExport;
    expect(profile.eventCount).toBe(2 * capacity + 1);
  });

  it('answers a burst above capacity with 429 + Retry-After, stores nothing refused, and leaves another visitor alone', async () => {
    const abuser = await newVisitor();
    const bystander = await newVisitor();
    const sent: { id: string; status: number; retryAfter: string | null; error?: string }[] = [];
    const bystanderStatuses: number[] = [];
    // The abuser sends capacity + 20 batches as fast as it can; the bystander posts beside it.
    const hammer = async () => {
      for (let i = 0; i < capacity + 20; i++) {
        const event = makeEvent();
        const res = await post([event], { vid: abuser.token });
        const entry = { id: String(event.id), status: res.status, retryAfter: res.headers.get('retry-after') };
        sent.push(res.status === 429 ? { ...entry, error: (await res.json<ErrorResponse>()).error } : (await res.arrayBuffer(), entry));
      }
    };
    const browse = async () => {
      for (let i = 0; i < 10; i++) bystanderStatuses.push((await post([makeEvent()], { vid: bystander.token })).status);
    };
    await Promise.all([hammer(), browse()]);

    expect(bystanderStatuses).toEqual(Array(10).fill(200));
    const refused = sent.filter((s) => s.status === 429);
    const stored = sent.filter((s) => s.status === 200);
    expect(refused.length + stored.length).toBe(sent.length);
    // The first batch made the profile; the bucket allows `capacity` in a burst, plus what refilled meanwhile.
    expect(stored.length).toBeGreaterThanOrEqual(capacity - 1);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(r.error).toMatch(/^rate limited: /);
    }
    // Nothing of a refused batch is stored; everything acknowledged is.
    const profile = await (await me({ token: abuser.token })).json<ProfileExport>();
    const ids = new Set(profile.events.map((e) => e.id));
    for (const r of refused) expect(ids.has(r.id), `refused ${r.id} was stored`).toBe(false);
    for (const s of stored) expect(ids.has(s.id), `acknowledged ${s.id} is missing`).toBe(true);
    expect(profile.eventCount).toBe(stored.length + 1);
  });

  it('lets the visitor in again once the bucket has refilled', async () => {
    const visitor = await newVisitor();
    let status = 200;
    for (let i = 0; i < capacity + 5 && status === 200; i++) status = (await post([makeEvent()], { vid: visitor.token })).status;
    expect(status).toBe(429);
    // Advance the limiter's clock: move the stored bucket's last update a full refill into the past.
    const stub = visitorStub(env, 'demo', visitor.id);
    await runInDurableObject(stub, (_instance, state) => {
      const row = state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'rate_bucket'").one();
      const bucket = JSON.parse(row.value) as { tokens: number; updatedAt: number };
      expect(bucket.tokens).toBeLessThan(1);
      const rewound = { ...bucket, updatedAt: bucket.updatedAt - (capacity / VISITOR_BATCHES.refillPerSecond) * 1_000 };
      state.storage.sql.exec("UPDATE meta SET value = ? WHERE key = 'rate_bucket'", JSON.stringify(rewound));
    });
    const event = makeEvent();
    const res = await post([event], { vid: visitor.token });
    expect(res.status).toBe(200);
    expect((await res.json<CollectResponse>()).accepted).toEqual([event.id]);
  });
});

describe('per-IP limit on new visitors (Workers Rate Limiting binding)', () => {
  it('refuses new visitors from one address past the limit, not returning visitors or other addresses', async () => {
    const ip = '203.0.113.77';
    // Returning visitor from that address, made before the flood.
    const returning = await newVisitor({ 'cf-connecting-ip': ip });
    let allowed = 1;
    let refused: Response | undefined;
    // The local binding counts in fixed windows: a window may end mid-test, so allow up to two.
    for (let i = 0; i < 2 * NEW_VISITORS_PER_IP.limit + 10 && !refused; i++) {
      const res = await post([makeEvent()], { headers: { 'cf-connecting-ip': ip } });
      if (res.status === 429) refused = res;
      else {
        expect(res.status).toBe(200);
        await res.arrayBuffer();
        allowed++;
      }
    }
    expect(refused, 'no 429 from the new-visitor limit').toBeDefined();
    expect(allowed).toBeGreaterThanOrEqual(NEW_VISITORS_PER_IP.limit);
    expect(refused?.headers.get('retry-after')).toBe(String(NEW_VISITORS_PER_IP.periodSeconds));
    expect((await refused?.json<ErrorResponse>())?.error).toMatch(/^rate limited: .*new visitors/);

    expect((await post([makeEvent()], { vid: returning.token, headers: { 'cf-connecting-ip': ip } })).status).toBe(200);
    expect((await post([makeEvent()], { headers: { 'cf-connecting-ip': '203.0.113.78' } })).status).toBe(200);
    // No address (tests, server-side senders) or loopback (wrangler dev): not IP-limited.
    expect((await post([makeEvent()])).status).toBe(200);
    expect((await post([makeEvent()], { headers: { 'cf-connecting-ip': '127.0.0.1' } })).status).toBe(200);
  });
});
