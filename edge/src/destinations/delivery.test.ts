/**
 * Batching within provider limits, which events go where (filters, consent), and what one delivery
 * run makes of the answers (deliver.ts with a stand-in fetch): 429 with Retry-After, 5xx, network
 * errors retry; a 4xx dead-letters; a missing secret is refused before sending.
 */
import { describe, expect, it } from 'vitest';
import { destinationSchema, type Destination } from '../../../protocol/config/destinations';
import type { WireEvent } from '../../../protocol/wire';
import { toBatches, type Sized } from './batch';
import { deliverDue, type DueEvent } from './deliver';
import { accepts } from './forward';
import { BACKOFF_MS, RETRY_AFTER_MIN_MS } from '../webhooks/retry';

const T = Date.UTC(2026, 11, 1);
const make = (d: Record<string, unknown>): Destination => destinationSchema.parse({ id: 'd', name: 'D', ...d });
const track = (id: string, name = 'purchase'): WireEvent => ({ type: 'track', id, name, ts: T, sid: 'sess-0001', url: 'https://shop.example/' });
const due = (n: number, visitor = (i: number) => `visitor-${i % 3}-aaaaaaaaaaaaa`): DueEvent[] =>
  Array.from({ length: n }, (_, i) => {
    const event = track(`evt-${String(i).padStart(5, '0')}`);
    return {
      eventId: event.id,
      attempts: 0,
      forward: { event: event as Exclude<WireEvent, { type: 'consent' }>, visitorId: visitor(i), userId: null, receivedAt: T },
    };
  });

describe('toBatches', () => {
  const item = (id: string, bytes: number, group = ''): Sized<string> => ({ id, item: id, bytes, group });
  it('cuts by count and by bytes, keeps order, refuses an item over the per-event limit', () => {
    const items = [item('a', 10), item('b', 10), item('c', 10), item('big', 500), item('d', 395)];
    const { batches, tooLarge } = toBatches(items, { maxEvents: 2, maxBytes: 1_400, maxEventBytes: 400 }, 1_000);
    expect(batches.map((b) => b.map((i) => i.id))).toEqual([['a', 'b'], ['c'], ['d']]);
    expect(tooLarge.map((i) => i.id)).toEqual(['big']);
  });
  it('never mixes groups in one batch (GA4: one client per request)', () => {
    const { batches } = toBatches([item('a', 1, 'x'), item('b', 1, 'y'), item('c', 1, 'x')], { maxEvents: 25, maxBytes: 10_000, maxEventBytes: 100 });
    expect(batches.map((b) => b.map((i) => i.id))).toEqual([['a', 'c'], ['b']]);
  });
});

describe('accepts (filters and consent)', () => {
  const d = make({ kind: 'segment', filters: { events: { include: ['purchase', 'page'], exclude: [] } } });
  it('name filters: include and exclude; consent events never', () => {
    expect(accepts(d, track('e1', 'purchase'), undefined)).toBe(true);
    expect(accepts(d, track('e2', 'add_to_cart'), undefined)).toBe(false);
    expect(accepts(make({ kind: 'segment', filters: { events: { exclude: ['purchase'] } } }), track('e3'), undefined)).toBe(false);
    const consent: WireEvent = {
      type: 'consent',
      id: 'c-000001',
      ts: T,
      sid: 'sess-0001',
      url: 'https://shop.example/',
      consent: { analytics: true, personalization: true },
    };
    expect(accepts(make({ kind: 'segment' }), consent, undefined)).toBe(false);
  });
  it('a destination requiring personalization consent gets only batches that carried it', () => {
    const p = make({ kind: 'segment', filters: { consent: ['analytics', 'personalization'] } });
    expect(accepts(p, track('e4'), { personalization: true })).toBe(true);
    expect(accepts(p, track('e5'), { personalization: false })).toBe(false);
    expect(accepts(p, track('e6'), undefined)).toBe(false);
    expect(accepts({ ...p, enabled: false }, track('e7'), { personalization: true })).toBe(false);
  });
  it('analytics consent cannot be left out of a destination', () => {
    expect(destinationSchema.safeParse({ id: 'x', name: 'x', kind: 'segment', filters: { consent: ['personalization'] } }).success).toBe(false);
  });
});

type Call = { url: string; body: string };
function fetcher(...answers: (() => Response | Promise<Response>)[]) {
  const calls: Call[] = [];
  const f = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), body: String(init?.body) });
    return answers[Math.min(calls.length - 1, answers.length - 1)]!();
  }) as typeof fetch;
  return { calls, options: { now: () => T, fetcher: f, allowLocalDemo: false } };
}

describe('deliverDue', () => {
  const ga4 = make({ kind: 'ga4', settings: { measurementId: 'G-ABCD1234' } });
  const amp = make({ kind: 'amplitude' });
  it('GA4: one request per client, at most 25 events each; 2xx delivers', async () => {
    const { calls, options } = fetcher(() => new Response(null, { status: 204 }));
    const report = await deliverDue(
      ga4,
      due(60, () => 'one-visitor-aaaaaaaaaaaa'),
      { apiSecret: 's' },
      options,
    );
    expect(calls).toHaveLength(3);
    expect(report.requests.map((r) => r.eventIds.length)).toEqual([25, 25, 10]);
    expect(report.requests.every((r) => r.outcome.kind === 'delivered')).toBe(true);
  });
  it('Amplitude: 10 events per request, as Amplitude recommends', async () => {
    const { calls, options } = fetcher(() => new Response('{"code":200}', { status: 200 }));
    await deliverDue(amp, due(25), { apiKey: 'k' }, options);
    expect(calls.map((c) => (JSON.parse(c.body) as { events: unknown[] }).events.length)).toEqual([10, 10, 5]);
  });
  it('429 with Retry-After: retried then, and the rest of the run held back without spending an attempt', async () => {
    const { calls, options } = fetcher(() => new Response('slow down', { status: 429, headers: { 'retry-after': '30' } }));
    const report = await deliverDue(amp, due(25), { apiKey: 'k' }, options);
    expect(calls).toHaveLength(1);
    expect(report.requests.map((r) => [r.attempt, r.outcome])).toEqual([
      [1, { kind: 'retry', at: T + 30_000, reason: 'HTTP 429 (Retry-After honoured)' }],
      [0, { kind: 'retry', at: T + 30_000, reason: 'held back: the provider answered 429' }],
      [0, { kind: 'retry', at: T + 30_000, reason: 'held back: the provider answered 429' }],
    ]);
  });
  it('5xx and network errors retry on the backoff schedule; the attempt counts on', async () => {
    const { options } = fetcher(
      () => new Response(null, { status: 503 }),
      () => Promise.reject(new TypeError('connection reset')),
    );
    const first = await deliverDue(amp, due(1), { apiKey: 'k' }, options);
    expect(first.requests[0]!.outcome).toEqual({ kind: 'retry', at: T + BACKOFF_MS[0], reason: 'HTTP 503' });
    const second = await deliverDue(
      amp,
      due(1).map((d) => ({ ...d, attempts: 1 })),
      { apiKey: 'k' },
      options,
    );
    expect(second.requests[0]!.attempt).toBe(2);
    expect(second.requests[0]!.outcome).toEqual({ kind: 'retry', at: T + BACKOFF_MS[1], reason: 'connection reset' });
  });
  it('a 400 goes straight to the dead letter; a too-early Retry-After is bounded', async () => {
    const bad = fetcher(() => new Response('{"error":"invalid"}', { status: 400 }));
    expect((await deliverDue(amp, due(1), { apiKey: 'k' }, bad.options)).requests[0]!.outcome.kind).toBe('dead');
    const eager = fetcher(() => new Response(null, { status: 429, headers: { 'retry-after': '0' } }));
    expect((await deliverDue(amp, due(1), { apiKey: 'k' }, eager.options)).requests[0]!.outcome).toMatchObject({ at: T + RETRY_AFTER_MIN_MS });
  });
  it('a missing secret is refused before anything is sent', async () => {
    const { calls, options } = fetcher(() => new Response(null, { status: 200 }));
    const report = await deliverDue(ga4, due(3), {}, options);
    expect(calls).toHaveLength(0);
    expect(report.refused).toEqual([{ eventIds: due(3).map((d) => d.eventId), reason: 'not sent: secret apiSecret not set' }]);
  });
  it('a private or plain-http host is refused by the SSRF guard at send time (dead, not retried)', async () => {
    const { calls, options } = fetcher(() => new Response(null, { status: 200 }));
    const hook = { ...make({ kind: 'webhook', settings: { url: 'https://hooks.example.com/x' } }), settings: { url: 'http://10.0.0.1/x' } } as Destination;
    const report = await deliverDue(hook, due(1), { signingSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }, options);
    expect(calls).toHaveLength(0);
    expect(report.requests[0]!.outcome.kind).toBe('dead');
  });
});
