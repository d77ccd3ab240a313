/**
 * Destinations in workerd, end to end: events collected through POST /_wm/e travel the analytics
 * queue to the site's SiteDestinations object, whose alarm sends them to loopback receivers that
 * check each provider's documented request shape (providers/documented-shapes.ts) and answer as
 * scripted: 429 with Retry-After and 5xx then success (retried, delivered once, never duplicated),
 * a permanent 4xx (dead letter, then replay), refused consent, a filtered event, a QA session.
 * Secrets are write-only in every answer. The demo's GA4-shaped receiver validates strictly.
 */
import { SELF, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CollectResponse, QaCollectResponse } from '../../protocol/wire';
import type { DeadLettersResponse, DestinationLogResponse, DestinationResponse, DestinationsResponse, TestSendResponse } from '../../protocol/destinations';
import type { QaLinkResponse } from '../../protocol/qa';
import {
  validateAmplitude,
  validateGa4,
  validateMixpanel,
  validatePostHog,
  validateSegment,
  type Received,
} from '../src/destinations/providers/documented-shapes';
import { verifyWebhook } from '../src/net/standard-webhooks';
import { DEMO_GA4_API_SECRET } from '../src/destinations/demo-ga4';
import { adminCall, adminLogin, BASE, makeEvent, ORIGIN, post, until, type AdminSession } from './helpers';

const SECRETS = {
  ga4: { apiSecret: 'ga4-secret-0123456789' },
  mixpanel: { apiSecret: 'mp-secret-0123456789' },
  posthog: { projectApiKey: 'phc_test_0123456789' },
  segment: { writeKey: 'segment-write-key-0123' },
  amplitude: { apiKey: 'amplitude-key-0123456789' },
  webhook: { signingSecret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
} as const;
const HOOK = 'https://hooks.shop-receiver.com/waymark';

type Hit = Received & { provider: string; problems: string[] };
/** The loopback receivers: each provider's host, its shape check, and scripted answers (the last repeats). */
function receivers(script: Partial<Record<string, (() => Response)[]>> = {}): Hit[] {
  const hits: Hit[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const req = new Request(input, init);
    const body = await req.text();
    const received: Received = { url: req.url, headers: req.headers, body };
    const host = new URL(req.url).host;
    // The demo's own GA4-shaped receiver is a route of this worker: let it answer for real.
    if (host.startsWith('127.0.0.1')) return SELF.fetch(req.url, { method: 'POST', headers: req.headers, body });
    const provider =
      host === 'www.google-analytics.com'
        ? 'ga4'
        : host === 'api.mixpanel.com'
          ? 'mixpanel'
          : host === 'us.i.posthog.com'
            ? 'posthog'
            : host === 'api.segment.io'
              ? 'segment'
              : host === 'api2.amplitude.com'
                ? 'amplitude'
                : host === new URL(HOOK).host
                  ? 'webhook'
                  : 'unknown';
    const problems =
      provider === 'ga4'
        ? validateGa4(received).map((m) => `${m.fieldPath}: ${m.description}`)
        : provider === 'mixpanel'
          ? validateMixpanel(received, SECRETS.mixpanel.apiSecret).map((m) => m.description)
          : provider === 'posthog'
            ? validatePostHog(received, SECRETS.posthog.projectApiKey).map((m) => m.description)
            : provider === 'segment'
              ? validateSegment(received, SECRETS.segment.writeKey).map((m) => m.description)
              : provider === 'amplitude'
                ? validateAmplitude(received, SECRETS.amplitude.apiKey).map((m) => m.description)
                : provider === 'webhook'
                  ? await verifyWebhook([SECRETS.webhook.signingSecret], req.headers, body, Date.now()).then((v) => (v.ok ? [] : [v.reason]))
                  : ['no such receiver'];
    if (provider === 'ga4' && new URL(req.url).searchParams.get('api_secret') !== SECRETS.ga4.apiSecret) problems.push('wrong api_secret');
    hits.push({ ...received, provider, problems });
    if (problems.length) return new Response(JSON.stringify({ problems }), { status: 400 });
    const answers = script[provider] ?? [];
    const n = hits.filter((h) => h.provider === provider).length;
    return answers.length ? answers[Math.min(n - 1, answers.length - 1)]!() : new Response('{"ok":true}', { status: 200 });
  });
  return hits;
}
afterEach(() => vi.restoreAllMocks());

let admin: AdminSession;
beforeAll(async () => {
  admin = await adminLogin('198.51.100.213');
  // The worker tests seed the demo's GA4 destination disabled (no server to send to): this file
  // turns it on, pointed at this worker's own demo receiver, before any demo event is collected.
  const demo = await (await adminCall(admin, 'GET', '/sites/demo/destinations')).json<DestinationsResponse>();
  const ga4 = demo.destinations.find((d) => d.destination.id === 'demo-ga4')!.destination;
  const res = await adminCall(admin, 'PUT', '/sites/demo/destinations/demo-ga4', {
    ...ga4,
    enabled: true,
    settings: { ...ga4.settings, demoEndpoint: `${BASE}/_wm/demo/ga4/mp/collect` },
    baseVersion: demo.version,
  });
  expect(res.status, await res.clone().text()).toBe(200);
});

let sites = 0;
async function newSite(extra: Record<string, unknown> = {}): Promise<{ id: string; version: number }> {
  const id = `dst-${Date.now().toString(36)}-${++sites}`;
  const res = await adminCall(admin, 'PUT', `/sites/${id}`, { name: 'D', version: 0, origins: [ORIGIN], consentPolicy: 'opt-out', ...extra });
  expect(res.status, await res.clone().text()).toBe(200);
  return { id, version: (await res.json<{ version: number }>()).version };
}

async function putDestination(site: { id: string; version: number }, id: string, body: Record<string, unknown>): Promise<DestinationResponse> {
  const res = await adminCall(admin, 'PUT', `/sites/${site.id}/destinations/${id}`, { name: id, baseVersion: site.version, ...body });
  expect(res.status, await res.clone().text()).toBe(200);
  const answer = await res.json<DestinationResponse>();
  site.version = answer.version;
  return answer;
}

const stubOf = (site: string) => env.DESTINATIONS.get(env.DESTINATIONS.idFromName(site));
const log = async (site: string, id: string) =>
  (await (await adminCall(admin, 'GET', `/sites/${site}/destinations/${id}/log`)).json<DestinationLogResponse>()).entries;
const logUntil = (site: string, id: string, done: (e: DestinationLogResponse['entries']) => boolean) => until(() => log(site, id), done);
const delivered = (entries: DestinationLogResponse['entries']) => entries.some((e) => e.outcome === 'delivered');
const page = () =>
  makeEvent({
    type: 'page',
    name: undefined,
    props: undefined,
    url: `${ORIGIN}/cart?utm_source=news`,
    utm: { source: 'news', campaign: 'spring' },
    title: 'Cart',
  });

describe('destinations: each provider gets its documented payload', () => {
  it('GA4, Mixpanel, PostHog, Segment, Amplitude and a signed webhook; secrets write-only', async () => {
    const hits = receivers();
    const site = await newSite();
    const kinds = ['ga4', 'mixpanel', 'posthog', 'segment', 'amplitude', 'webhook'] as const;
    for (const kind of kinds) {
      const settings = kind === 'ga4' ? { measurementId: 'G-TEST1234' } : kind === 'webhook' ? { url: HOOK } : {};
      const answer = await putDestination(site, `to-${kind}`, { kind, settings, secrets: SECRETS[kind] });
      const secret = Object.values(SECRETS[kind])[0]!;
      expect(JSON.stringify(answer)).not.toContain(secret);
      expect(Object.values(answer.destination.secrets)).toEqual([{ set: true, last4: secret.slice(-4) }]);
    }
    const listed = await adminCall(admin, 'GET', `/sites/${site.id}/destinations`);
    const text = await listed.text();
    for (const kind of kinds) expect(text).not.toContain(Object.values(SECRETS[kind])[0]!);
    expect((await (await adminCall(admin, 'GET', `/sites/${site.id}`)).text()).includes(SECRETS.segment.writeKey)).toBe(false);

    const events = [
      page(),
      makeEvent({ name: 'purchase', props: { value: 42, currency: 'EUR' } }),
      makeEvent({ type: 'identify', name: undefined, props: undefined, userId: 'user-42', traits: { plan: 'gold' } }),
    ];
    const sent = await post(events, { site: site.id });
    expect(sent.status).toBe(200);
    for (const kind of kinds) expect(delivered(await logUntil(site.id, `to-${kind}`, delivered)), kind).toBe(true);

    expect(hits.filter((h) => h.problems.length)).toEqual([]);
    const byProvider = (p: string) => hits.filter((h) => h.provider === p).map((h) => JSON.parse(h.body) as Record<string, unknown>);
    // GA4: one request per client (and user id), all three events, page_view named as GA4 names it.
    const ga4Names = byProvider('ga4').flatMap((b) => (b.events as { name: string }[]).map((e) => e.name));
    expect(ga4Names.sort()).toEqual(['login', 'page_view', 'purchase']);
    // Segment and Amplitude carry the event ids as their dedup keys.
    const ids = events.map((e) => e.id).sort();
    expect(
      byProvider('segment')
        .flatMap((b) => (b.batch as { messageId: string }[]).map((c) => c.messageId))
        .sort(),
    ).toEqual(ids);
    expect(
      byProvider('amplitude')
        .flatMap((b) => (b.events as { insert_id: string }[]).map((c) => c.insert_id))
        .sort(),
    ).toEqual(ids);
    expect(
      byProvider('mixpanel')
        .flatMap((b) => (b as unknown as { properties: { $insert_id: string } }[]).map((e) => e.properties.$insert_id))
        .sort(),
    ).toEqual(ids);
    // The identify's user id reaches the providers.
    expect(JSON.stringify(byProvider('posthog'))).toContain('"distinct_id":"user-42"');
    const status = (JSON.parse(text) as DestinationsResponse).destinations;
    expect(status.map((d) => d.destination.id)).toEqual(kinds.map((k) => `to-${k}`));
  });
});

describe('destinations: retries, dead letter, replay', () => {
  it('429 with Retry-After, then 5xx, then success: retried at the asked time, delivered once, never duplicated', async () => {
    const hits = receivers({
      segment: [
        () => new Response('rate limited', { status: 429, headers: { 'retry-after': '7' } }),
        () => new Response('oops', { status: 503 }),
        () => new Response('{}', { status: 200 }),
      ],
    });
    const site = await newSite();
    await putDestination(site, 'seg', { kind: 'segment', secrets: SECRETS.segment });
    const event = makeEvent({ name: 'purchase' });
    const sentAt = Date.now();
    await post([event], { site: site.id });
    const first = await logUntil(site.id, 'seg', (e) => e.length >= 1);
    expect(first[0]).toMatchObject({ outcome: 'retry', status: 429, attempt: 1, events: 1 });
    expect(first[0]!.nextAt! - first[0]!.at).toBe(7_000);
    expect(first[0]!.error).toContain('Retry-After honoured');

    // Skip the waits: run the object's delivery as its alarm would, later.
    await runInDurableObject(stubOf(site.id), (o) => o.deliverDue(site.id, sentAt + 60_000));
    expect((await log(site.id, 'seg'))[0]).toMatchObject({ outcome: 'retry', status: 503, attempt: 2 });
    await runInDurableObject(stubOf(site.id), (o) => o.deliverDue(site.id, sentAt + 3_600_000));
    expect((await log(site.id, 'seg'))[0]).toMatchObject({ outcome: 'delivered', status: 200, attempt: 3 });

    // The queue redelivering the same batch, or the browser resending it, adds nothing.
    expect(
      await stubOf(site.id).enqueue(site.id, [{ visitorId: 'v-redelivered-000000000', userId: null, receivedAt: Date.now(), events: [event as never] }]),
    ).toBe(0);
    await post([event], { site: site.id });
    await runInDurableObject(stubOf(site.id), (o) => o.deliverDue(site.id, sentAt + 7_200_000));
    const segmentHits = hits.filter((h) => h.provider === 'segment');
    expect(segmentHits).toHaveLength(3);
    // Every attempt carried the same messageId, so Segment counts it once even if one had got through.
    expect(new Set(segmentHits.map((h) => (JSON.parse(h.body) as { batch: { messageId: string }[] }).batch[0]!.messageId))).toEqual(new Set([event.id]));
    const list = (await (await adminCall(admin, 'GET', `/sites/${site.id}/destinations`)).json<DestinationsResponse>()).destinations[0]!;
    expect(list.status).toMatchObject({ pending: 0, dead: 0, delivered: 1, lastOutcome: 'delivered' });
  });

  it('a permanent 4xx goes to the dead letter; replay from the API delivers it', async () => {
    let refuse = true;
    const hits = receivers({
      amplitude: [() => (refuse ? new Response('{"error":"invalid_api_key"}', { status: 401 }) : new Response('{"code":200}', { status: 200 }))],
    });
    const site = await newSite();
    await putDestination(site, 'amp', { kind: 'amplitude', secrets: SECRETS.amplitude });
    const event = makeEvent({ name: 'purchase' });
    await post([event], { site: site.id });
    const entries = await logUntil(site.id, 'amp', (e) => e.length >= 1);
    expect(entries[0]).toMatchObject({ outcome: 'dead', status: 401, attempt: 1 });
    const dead = await (await adminCall(admin, 'GET', `/sites/${site.id}/destinations/amp/dead-letters`)).json<DeadLettersResponse>();
    expect(dead).toMatchObject({ total: 1, deadLetters: [{ eventId: event.id, name: 'purchase', attempts: 1 }] });
    expect(dead.deadLetters[0]!.error).toContain('HTTP 401');

    refuse = false;
    const replay = await adminCall(admin, 'POST', `/sites/${site.id}/destinations/amp/dead-letters/replay`, { eventIds: [event.id] });
    expect(await replay.json()).toEqual({ replayed: 1 });
    expect(delivered(await logUntil(site.id, 'amp', delivered))).toBe(true);
    const after = await (await adminCall(admin, 'GET', `/sites/${site.id}/destinations/amp/dead-letters`)).json<DeadLettersResponse>();
    expect(after.total).toBe(0);
    expect(hits.filter((h) => h.provider === 'amplitude')).toHaveLength(2);
  });

  it('a destination whose secret was never set dead-letters with that reason, sending nothing', async () => {
    const hits = receivers();
    const site = await newSite();
    await putDestination(site, 'nokey', { kind: 'posthog' });
    await post([makeEvent({ name: 'purchase' })], { site: site.id });
    const entries = await logUntil(site.id, 'nokey', (e) => e.length >= 1);
    expect(entries[0]).toMatchObject({ outcome: 'dead', error: 'not sent: secret projectApiKey not set' });
    expect(hits.filter((h) => h.provider === 'posthog')).toHaveLength(0);
  });
});

describe('destinations: what never leaves', () => {
  it('consent refused: nothing stored, nothing sent; personalization-only destinations need that consent too', async () => {
    const hits = receivers();
    const site = await newSite();
    await putDestination(site, 'all', { kind: 'segment', secrets: SECRETS.segment });
    await putDestination(site, 'perso', { kind: 'amplitude', secrets: SECRETS.amplitude, filters: { consent: ['analytics', 'personalization'] } });
    const refused = makeEvent({ name: 'purchase' });
    const declined = await post([refused], { site: site.id, consent: { analytics: false, personalization: false } });
    expect((await declined.json<CollectResponse>()).notStored).toBe('consent');
    const analyticsOnly = makeEvent({ name: 'purchase' });
    await post([analyticsOnly], { site: site.id, consent: { analytics: true, personalization: false } });
    expect(delivered(await logUntil(site.id, 'all', delivered))).toBe(true);
    const sentIds = hits.flatMap((h) => (JSON.parse(h.body) as { batch?: { messageId: string }[] }).batch?.map((c) => c.messageId) ?? []);
    expect(sentIds).toEqual([analyticsOnly.id]);
    expect(hits.every((h) => h.provider === 'segment')).toBe(true);
    expect(await log(site.id, 'perso')).toEqual([]);

    const both = makeEvent({ name: 'purchase' });
    await post([both], { site: site.id, consent: { analytics: true, personalization: true } });
    expect(delivered(await logUntil(site.id, 'perso', delivered))).toBe(true);
    expect(hits.filter((h) => h.provider === 'amplitude').map((h) => (JSON.parse(h.body) as { events: { insert_id: string }[] }).events[0]!.insert_id)).toEqual(
      [both.id],
    );
  });

  it('a filtered event is not sent; the consent event itself never is', async () => {
    const hits = receivers();
    const site = await newSite();
    await putDestination(site, 'buys', { kind: 'segment', secrets: SECRETS.segment, filters: { events: { include: ['purchase'] } } });
    await putDestination(site, 'everything', { kind: 'mixpanel', secrets: SECRETS.mixpanel });
    const consent = makeEvent({ type: 'consent', name: undefined, props: undefined, consent: { analytics: true, personalization: true } });
    const events = [page(), makeEvent({ name: 'add_to_cart' }), makeEvent({ name: 'purchase' }), consent];
    await post(events, { site: site.id });
    expect(delivered(await logUntil(site.id, 'buys', delivered))).toBe(true);
    expect(delivered(await logUntil(site.id, 'everything', delivered))).toBe(true);
    const segment = hits.filter((h) => h.provider === 'segment').flatMap((h) => (JSON.parse(h.body) as { batch: { event?: string }[] }).batch);
    expect(segment.map((c) => c.event)).toEqual(['purchase']);
    const mixpanel = hits.filter((h) => h.provider === 'mixpanel').flatMap((h) => JSON.parse(h.body) as { event: string }[]);
    expect(mixpanel.map((e) => e.event).sort()).toEqual(['$mp_web_page_view', 'add_to_cart', 'purchase']);
  });

  it('a QA session sends nothing; the demo GA4 destination forwards a real purchase to the demo receiver', async () => {
    const hits = receivers();
    const link = await adminCall(admin, 'POST', `/sites/demo/qa-links`, { force: { kind: 'segment', segment: 'trail-runners' } });
    expect(link.status).toBe(201);
    const { token } = (await link.json<QaLinkResponse>()).link;
    const qaPurchase = makeEvent({ name: 'purchase', props: { value: 1 } });
    const qa = await post([qaPurchase], { cookie: `wm_qa=${token}` });
    expect((await qa.json<QaCollectResponse>()).notStored).toBe('preview');

    const purchase = makeEvent({ name: 'purchase', props: { value: 129, currency: 'EUR' } });
    await post([purchase]);
    expect(delivered(await logUntil('demo', 'demo-ga4', delivered))).toBe(true);
    const received = await (
      await SELF.fetch(`${BASE}/_wm/demo/ga4/received`)
    ).json<{ received: { valid: boolean; body: { events: { name: string; params: Record<string, unknown> }[] } }[] }>();
    const forwarded = received.received.flatMap((r) => r.body.events);
    expect(received.received.every((r) => r.valid)).toBe(true);
    expect(forwarded).toContainEqual(expect.objectContaining({ name: 'purchase', params: expect.objectContaining({ value: 129, currency: 'EUR' }) }));
    // Nothing of the QA session reached any receiver.
    expect(hits.some((h) => h.body.includes(qaPurchase.id as string))).toBe(false);
    expect(forwarded).toHaveLength(1);
  });
});

describe('destinations: admin API', () => {
  it('send a test event: the provider’s status and body excerpt; logged as a test', async () => {
    receivers({ posthog: [() => new Response('{"status":1}', { status: 200 })] });
    const site = await newSite();
    await putDestination(site, 'ph', { kind: 'posthog', secrets: SECRETS.posthog });
    const res = await adminCall(admin, 'POST', `/sites/${site.id}/destinations/ph/test`);
    expect(res.status).toBe(200);
    expect(await res.json<TestSendResponse>()).toMatchObject({ ok: true, status: 200, bodyExcerpt: '{"status":1}', error: null });
    expect((await log(site.id, 'ph'))[0]).toMatchObject({ test: true, outcome: 'delivered', events: 1 });
  });

  it('refuses bad input with reasons: unknown kind, private host, reserved webhook secret shape, a secret of another kind', async () => {
    const site = await newSite();
    const put = (id: string, body: Record<string, unknown>) =>
      adminCall(admin, 'PUT', `/sites/${site.id}/destinations/${id}`, { name: 'x', baseVersion: site.version, ...body });
    const issues = async (res: Response) => {
      expect(res.status).toBe(400);
      return (await res.json<{ issues: { path: string; message: string }[] }>()).issues.map((i) => i.path);
    };
    expect(await issues(await put('a', { kind: 'facebook' }))).toContain('kind');
    expect(await issues(await put('b', { kind: 'posthog', settings: { region: 'self-hosted', host: 'https://192.168.1.10' } }))).toContain('settings.host');
    expect(await issues(await put('c', { kind: 'webhook', settings: { url: HOOK }, secrets: { signingSecret: 'not-a-whsec-secret' } }))).toContain(
      'secrets.signingSecret',
    );
    expect(await issues(await put('d', { kind: 'ga4', settings: { measurementId: 'G-AAAA1111' }, secrets: { writeKey: 'abcdefghijkl' } }))).toContain(
      'secrets',
    );
    expect(
      await issues(await put('e', { kind: 'ga4', settings: { measurementId: 'G-AAAA1111', demoEndpoint: 'https://evil.example.net/mp/collect' } })),
    ).toContain('settings.demoEndpoint');
    // A stale version is a 409, and nothing changed: not the list, not a secret.
    const stale = await adminCall(admin, 'PUT', `/sites/${site.id}/destinations/f`, {
      name: 'x',
      baseVersion: site.version + 5,
      kind: 'segment',
      secrets: SECRETS.segment,
    });
    expect(stale.status).toBe(409);
    expect((await (await adminCall(admin, 'GET', `/sites/${site.id}/destinations`)).json<DestinationsResponse>()).destinations).toEqual([]);
    const fresh = await putDestination(site, 'f', { kind: 'segment' });
    expect(fresh.destination.secrets).toEqual({ writeKey: { set: false, last4: null } });
  });

  it('delete removes the destination, its secrets and its log', async () => {
    receivers();
    const site = await newSite();
    await putDestination(site, 'gone', { kind: 'segment', secrets: SECRETS.segment });
    await adminCall(admin, 'POST', `/sites/${site.id}/destinations/gone/test`);
    const res = await adminCall(admin, 'DELETE', `/sites/${site.id}/destinations/gone?version=${site.version}`);
    expect(res.status).toBe(200);
    const remaining = await res.json<DestinationsResponse>();
    expect(remaining.destinations).toEqual([]);
    site.version = remaining.version;
    expect(await runInDurableObject(stubOf(site.id), (o) => o.deliveryLog('gone', 10))).toEqual([]);
    await putDestination(site, 'gone', { kind: 'segment' });
    const again = (await (await adminCall(admin, 'GET', `/sites/${site.id}/destinations`)).json<DestinationsResponse>()).destinations[0]!;
    expect(again.secrets).toEqual({ writeKey: { set: false, last4: null } });
  });
});

describe('demo GA4 receiver', () => {
  const collect = (body: unknown, secret = DEMO_GA4_API_SECRET) =>
    SELF.fetch(`${BASE}/_wm/demo/ga4/mp/collect?measurement_id=G-DEMO12345&api_secret=${secret}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  it('accepts a valid Measurement Protocol payload and refuses a bad one with GA4-style validation messages', async () => {
    expect((await collect({ client_id: 'c1', events: [{ name: 'purchase', params: { value: 3 } }] })).status).toBe(204);
    const bad = await collect({ events: [{ name: 'bad name!', params: { x: 'y'.repeat(101) } }], extra: 1 });
    expect(bad.status).toBe(400);
    const { validationMessages } = await bad.json<{ validationMessages: { fieldPath: string; description: string }[] }>();
    expect(validationMessages.map((m) => m.fieldPath)).toEqual(expect.arrayContaining(['client_id', 'events.0.name', 'events.0.params.x', '(root)']));
    expect((await collect({ client_id: 'c1', events: [{ name: 'x' }] }, 'wrong')).status).toBe(400);
    const listing = await SELF.fetch(`${BASE}/_wm/demo/ga4`);
    expect(listing.status).toBe(200);
    expect(await listing.text()).toContain('Demo GA4 receiver');
  });
});
