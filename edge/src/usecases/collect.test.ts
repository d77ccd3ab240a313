import { describe, expect, it, vi } from 'vitest';
import type { WireEvent } from '../../../protocol/wire';
import { siteConfigSchema } from '../../../protocol/config/site';
import { requestConsent } from '../consent/policy';
import { testSite, TEST_SECRET } from '../http/middleware/fake-env';
import { HttpError } from '../http/errors';
import type { ParsedBatch } from '../ingest/batch';
import type { DecisionContext, IngestResult, RateLimited } from '../profile/visitor-profile';
import { collectBatch, pageOf, type CollectInput } from './collect';

const site = siteConfigSchema.parse(testSite());
const page = (id: string, url: string): WireEvent => ({ id, type: 'page', ts: 1, sid: 'session-1', url, ref: 'https://ref.example/', title: 'T' });
const track = (id: string, url: string): WireEvent => ({ id, type: 'track', name: 'add_to_cart', ts: 2, sid: 'session-1', url });

/** A Worker env whose visitor objects answer from `answers` in turn, recording what they were sent. */
function fakeWorld(answers: (IngestResult | RateLimited | null)[], ipAllowed = true) {
  const ingested: string[] = [];
  const sent: unknown[] = [];
  const env = {
    WM_SECRET: TEST_SECRET,
    VISITORS: {
      idFromName: (name: string) => name,
      get: (name: string) => ({
        ingest: async () => {
          ingested.push(name);
          return answers.shift() ?? null;
        },
      }),
    },
    NEW_VISITOR_LIMIT: { limit: async () => ({ success: ipAllowed }) },
    ANALYTICS_QUEUE: { send: async (message: unknown) => void sent.push(message) },
  } as unknown as Env; // only the bindings collectBatch touches
  return { env, ingested, sent };
}

function input(env: Env, batch: Partial<ParsedBatch>, overrides: Partial<CollectInput> = {}): CollectInput & { waited: Promise<unknown>[] } {
  const waited: Promise<unknown>[] = [];
  return {
    env,
    site,
    batch: { site: site.id, events: [track('event-0001', 'https://shop.example/a')], rejected: [], ...batch },
    consent: requestConsent('opt-out', false, undefined),
    visitor: { id: null, presentedToken: false },
    clientIp: '203.0.113.9',
    contextFor: () => ({ personalize: true }) as DecisionContext,
    waitUntil: (work) => void waited.push(work),
    waited,
    ...overrides,
  };
}

const stored = (ids: string[]): IngestResult => ({ accepted: ids, duplicates: [], decisions: [] });

describe('pageOf', () => {
  it("is the batch's latest page view, else its latest event's URL", () => {
    expect(pageOf([page('p1', 'https://shop.example/1'), track('t1', 'https://shop.example/2')])).toEqual({
      url: 'https://shop.example/1',
      referrer: 'https://ref.example/',
      utm: undefined,
    });
    expect(pageOf([track('t1', 'https://shop.example/2')])).toEqual({ url: 'https://shop.example/2' });
  });
});

describe('collectBatch', () => {
  it('stores a new visitor, signs their token and queues the stored events for analytics', async () => {
    const world = fakeWorld([stored(['event-0001'])]);
    const run = input(world.env, {});
    const outcome = await collectBatch(run);
    expect(outcome).toMatchObject({ kind: 'stored', consented: false, body: { accepted: ['event-0001'], rejected: [] } });
    if (outcome.kind === 'stored') expect(outcome.body.vid).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$/);
    await Promise.all(run.waited);
    expect(world.sent).toMatchObject([{ kind: 'events', site: 'shop', events: [{ id: 'event-0001' }] }]);
  });

  it('touches no object without consent, and says whether the visitor declined', async () => {
    const world = fakeWorld([]);
    const declined = await collectBatch(input(world.env, {}, { consent: requestConsent('opt-out', false, { analytics: false, personalization: false }) }));
    expect(declined).toMatchObject({ kind: 'not-stored', declined: true, body: { notStored: 'consent', accepted: [] } });
    const gpc = await collectBatch(input(world.env, {}, { consent: requestConsent('opt-out', true, undefined) }));
    expect(gpc).toMatchObject({ kind: 'not-stored', declined: false });
    expect(world.ingested).toEqual([]);
  });

  it('limits new visitors per address, but never a known visitor', async () => {
    const world = fakeWorld([stored(['event-0001'])], false);
    expect(await collectBatch(input(world.env, {}))).toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 60 });
    const known = await collectBatch(input(world.env, {}, { visitor: { id: 'AAAAAAAAAAAAAAAAAAAAAA', presentedToken: true } }));
    expect(known.kind).toBe('stored');
    expect(world.ingested).toEqual(['shop:AAAAAAAAAAAAAAAAAAAAAA']);
  });

  it("passes the visitor object's own rate limit on as 429", async () => {
    const world = fakeWorld([{ rateLimited: { retryAfterSeconds: 7 } }]);
    expect(await collectBatch(input(world.env, {}))).toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 7 });
  });

  it('starts a new, unrelated profile when the known one was erased', async () => {
    const world = fakeWorld([null, stored(['event-0001'])]);
    const outcome = await collectBatch(input(world.env, {}, { visitor: { id: 'AAAAAAAAAAAAAAAAAAAAAA', presentedToken: true } }));
    expect(outcome.kind).toBe('stored');
    expect(world.ingested).toHaveLength(2);
    expect(world.ingested[1]).not.toBe(world.ingested[0]);
  });

  it('refuses a batch whose only event is an unsigned identify on a site that requires signatures', async () => {
    const strict = siteConfigSchema.parse(testSite({ identity: { requireSignedUserId: true } }));
    const identify: WireEvent = { id: 'event-0002', type: 'identify', userId: 'user-1', ts: 1, sid: 'session-1', url: 'https://shop.example/' };
    const run = input(fakeWorld([]).env, { events: [identify] }, { site: strict });
    await expect(collectBatch(run)).rejects.toBeInstanceOf(HttpError);
  });

  it('logs nothing outside demo mode', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await collectBatch(input(fakeWorld([stored(['event-0001'])]).env, {}));
    expect(log).not.toHaveBeenCalled();
    log.mockRestore();
  });
});
