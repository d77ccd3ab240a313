import { SELF, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CollectResponse, ProfileExport } from '../../protocol/wire';
import { siteAdmin } from '../src/admin/objects';
import type { SiteConfigInput } from '../../protocol/config/site';
import type { JourneyInput } from '../../protocol/config/journeys';
import { verifySignature } from '../src/webhooks/sign';
import { adminCall, adminLogin, BASE, ORIGIN, makeEvent, post, visitorCookie, type AdminSession } from './helpers';
import { cartJourney, HOOK_URL, journeySite } from './journey-fixtures';
import { GRANT_TTL_MS } from '../src/profile/store/journey-tables';

// A Standard Webhooks secret (whsec_ + base64 of 32 bytes); signing is tested in edge/test/webhooks.test.ts.
const SECRET = 'whsec_am91cm5leS10ZXN0LXNlY3JldC0wMTIzNDU2Nzg5YWI=';
const site = (overrides: Partial<SiteConfigInput> = {}) => journeySite('jt', SECRET, overrides);

const page = (path: string) => makeEvent({ type: 'page', name: undefined, props: undefined, url: `${ORIGIN}${path}`, ref: '' });
const track = (name: string, props?: Record<string, string>) => makeEvent({ name, props: props ?? {} });

async function visit(siteId: string, events: unknown[], cookie?: string) {
  const res = await post(events, { site: siteId, ...(cookie ? { cookie } : {}) });
  expect(res.status).toBe(200);
  const body = await res.json<CollectResponse>();
  const vid = (body.vid ?? '').split('.')[0] ?? '';
  return { body, cookie: cookie ?? visitorCookie(res) ?? '', stub: env.VISITORS.get(env.VISITORS.idFromName(`${siteId}:${vid}`)), vid };
}

type Stub = Awaited<ReturnType<typeof visit>>['stub'];

/** Makes the visitor's journey waits and queued deliveries due now, then runs the alarm. */
async function timePasses(stub: Stub) {
  await runInDurableObject(stub, async (_i, state) => {
    state.storage.sql.exec("UPDATE journey_state SET wake_at = ? WHERE status = 'active'", Date.now() - 1);
    state.storage.sql.exec("UPDATE webhook_outbox SET next_at = ? WHERE status = 'pending'", Date.now() - 1);
    // The alarm must be set for what is due (the runtime's own scheduling is what is under test).
    expect(await state.storage.getAlarm()).not.toBeNull();
  });
  return runDurableObjectAlarm(stub);
}

async function journeys(cookie: string, siteId: string) {
  const res = await SELF.fetch(`${BASE}/_wm/me?site=${siteId}`, { headers: { cookie } });
  return (await res.json<ProfileExport>()).journeys ?? [];
}

const reminderShown = (body: CollectResponse) => body.decisions.some((d) => d.kind === 'message' && d.id === 'reminder');

type Sent = { url: string; headers: Headers; body: string };
/** Stands in for the receiver: answers with `statuses` in turn (the last one repeats). */
function receiver(...statuses: number[]): Sent[] {
  const sent: Sent[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const req = new Request(input, init);
    sent.push({ url: req.url, headers: req.headers, body: await req.text() });
    return new Response(null, { status: statuses[Math.min(sent.length - 1, statuses.length - 1)] ?? 204 });
  });
  return sent;
}

afterEach(() => vi.restoreAllMocks());

/**
 * A webhook queued on ingest is due at once, so the runtime fires the alarm by itself: wait until
 * the site's log holds `n` attempts (the outcome is deterministic, only its moment is not).
 */
async function logged(siteId: string, n: number) {
  for (let i = 0; i < 200; i++) {
    const log = await siteAdmin(env, siteId).webhookDeliveries(siteId, 'crm');
    if (log.length >= n) return log;
    await scheduler.wait(10);
  }
  throw new Error(`the delivery log of ${siteId} never reached ${n} attempts`);
}

describe('journeys in the visitor profile', () => {
  it('enters on add_to_cart; after the wait the alarm grants the reminder and sends a signed webhook', async () => {
    const sent = receiver(204);
    const siteId = await site();
    const first = await visit(siteId, [page('/'), track('add_to_cart')]);
    expect(reminderShown(first.body)).toBe(false);
    expect(await journeys(first.cookie, siteId)).toMatchObject([{ id: 'cart', name: 'Cart abandonment', status: 'active', step: 'wait' }]);
    const alarm = await runInDurableObject(first.stub, (_i, state) => state.storage.getAlarm());
    expect(alarm).toBeGreaterThan(Date.now() + 29 * 60_000);

    expect(await timePasses(first.stub)).toBe(true);
    const [journey] = await journeys(first.cookie, siteId);
    expect(journey).toMatchObject({ status: 'exited', step: 'out', runs: 1 });
    expect(journey?.history.map((h) => h.what)).toEqual(
      expect.arrayContaining(['entered on "add_to_cart"', 'no "checkout_start" in time', 'message "reminder" may show', 'webhook "crm" queued']),
    );

    // The next page shows the journey's message (the visitor is in none of its segments).
    const next = await visit(siteId, [page('/')], first.cookie);
    const decision = next.body.decisions.find((d) => d.kind === 'message' && d.id === 'reminder');
    expect(decision?.why).toMatch(/journey "Cart abandonment"/);

    // The queued webhook went out from the alarm, signed, and is in the site's delivery log.
    expect(sent).toHaveLength(1);
    expect(sent[0]?.url).toBe(HOOK_URL);
    expect(await verifySignature(SECRET, sent[0]?.body ?? '', sent[0]?.headers.get('waymark-signature') ?? null, Date.now())).toEqual({ ok: true });
    expect(JSON.parse(sent[0]?.body ?? '{}')).toMatchObject({
      type: 'journey.step',
      site: siteId,
      journey: { id: 'cart' },
      step: 'crm',
      visitor: { id: first.vid },
    });
    const log = await siteAdmin(env, siteId).webhookDeliveries(siteId, 'crm');
    expect(log).toMatchObject([{ outcome: 'delivered', statusCode: 204, attempt: 1, journey: 'cart', step: 'crm' }]);
  });

  /** A visitor the cart journey granted the reminder to (shown on their next page). */
  async function granted() {
    receiver(204);
    const siteId = await site();
    const v = await visit(siteId, [track('add_to_cart')]);
    await timePasses(v.stub);
    expect(reminderShown((await visit(siteId, [page('/')], v.cookie)).body)).toBe(true);
    return { siteId, v };
  }

  it('a grant is used up once the message is shown', async () => {
    const { siteId, v } = await granted();
    await visit(siteId, [track('message_impression', { message: 'reminder', variant: 'default' })], v.cookie);
    expect(reminderShown((await visit(siteId, [page('/')], v.cookie)).body)).toBe(false);
  });

  it('a grant older than a week is not shown, and deciding pages writes nothing to drop it', async () => {
    const { siteId, v } = await granted();
    await runInDurableObject(v.stub, async (_i, state) => {
      state.storage.sql.exec('UPDATE journey_grants SET at = ?', Date.now() - GRANT_TTL_MS - 1);
    });
    expect(reminderShown((await visit(siteId, [page('/')], v.cookie)).body)).toBe(false);
    // Still stored: it goes with the next grant's write, not with a read.
    const rows = await runInDurableObject(v.stub, async (_i, state) => state.storage.sql.exec('SELECT message FROM journey_grants').toArray());
    expect(rows).toEqual([{ message: 'reminder' }]);
  });

  it('the awaited event (checkout) takes the other path: no reminder, no webhook', async () => {
    const sent = receiver(204);
    const siteId = await site();
    const v = await visit(siteId, [track('add_to_cart')]);
    await visit(siteId, [track('checkout_start')], v.cookie);
    expect(await journeys(v.cookie, siteId)).toMatchObject([{ status: 'exited', step: 'out' }]);
    expect(reminderShown((await visit(siteId, [page('/')], v.cookie)).body)).toBe(false);
    expect(sent).toHaveLength(0);
  });

  it('the goal exits at any step and cancels a pending grant', async () => {
    receiver(204);
    const siteId = await site({
      journeys: [
        {
          ...cartJourney,
          steps: [
            { id: 'remind', kind: 'message', message: 'reminder' },
            { id: 'w', kind: 'wait', minutes: 60 },
          ],
        },
      ],
    });
    const v = await visit(siteId, [track('add_to_cart')]);
    // The message step runs at entry, so the reminder shows on this very response.
    expect(reminderShown(v.body)).toBe(true);
    await visit(siteId, [track('purchase')], v.cookie);
    expect(await journeys(v.cookie, siteId)).toMatchObject([{ status: 'converted', step: 'w' }]);
    expect(reminderShown((await visit(siteId, [page('/')], v.cookie)).body)).toBe(false);
  });

  it('branches on a condition after a segment entry, with the trait it just set', async () => {
    const siteId = await site({
      segments: [
        { id: 'never', name: 'Nobody', condition: { trait: 'nobody', test: { op: 'eq', value: 'x' } } },
        { id: 'trail', name: 'Trail runners', condition: { pref: 'sport', test: { op: 'eq', value: 'trail' } } },
      ],
      journeys: [
        {
          id: 'welcome',
          name: 'Welcome trail runners',
          entry: { segmentEntered: 'trail' },
          steps: [
            { id: 'tag', kind: 'setTrait', key: 'journey_tag', value: 'trail' },
            { id: 'gold', kind: 'branch', condition: { trait: 'plan', test: { op: 'eq', value: 'gold' } }, then: 'vip' },
            { id: 'std', kind: 'setTrait', key: 'offer', value: 'standard', next: 'end' },
            { id: 'vip', kind: 'setTrait', key: 'offer', value: 'vip' },
            { id: 'end', kind: 'exit' },
          ],
        },
      ],
    });
    const prefs = makeEvent({ type: 'prefs', name: undefined, props: undefined, prefs: { sport: 'trail' } });
    const v = await visit(siteId, [prefs]);
    const res = await SELF.fetch(`${BASE}/_wm/me?site=${siteId}`, { headers: { cookie: v.cookie } });
    const profile = await res.json<ProfileExport>();
    expect(profile.traits).toMatchObject({ journey_tag: 'trail', offer: 'standard' });
    expect(profile.journeys?.[0]?.history.map((h) => h.what).join('\n')).toMatch(/branch else: trait plan eq "gold" \(is nothing\)/);
  });

  it('a segment entered by a page decision (no batch) starts its journey with the next batch, and a wait entered later sets the alarm', async () => {
    const siteId = await site({
      segments: [
        { id: 'never', name: 'Nobody', condition: { trait: 'nobody', test: { op: 'eq', value: 'x' } } },
        { id: 'sale', name: 'Sale browsers', condition: { page: 'path', test: { op: 'starts_with', value: '/sale' } } },
      ],
      journeys: [
        {
          id: 'sale-tag',
          name: 'Tag sale browsers',
          entry: { segmentEntered: 'sale' },
          steps: [{ id: 'tag', kind: 'setTrait', key: 'saw_sale', value: true }],
        },
        cartJourney,
      ],
    });
    const v = await visit(siteId, [page('/')]);
    // Several batches that write nothing a journey or the alarm reads (the object skips those reads).
    for (let i = 0; i < 3; i++) await visit(siteId, [page('/')], v.cookie);
    expect(await runInDurableObject(v.stub, (_i, state) => state.storage.getAlarm())).toBeNull();

    const decided = await SELF.fetch(`${BASE}/_wm/decide?site=${siteId}&url=${encodeURIComponent(`${ORIGIN}/sale/shoes`)}`, { headers: { cookie: v.cookie } });
    expect(decided.status).toBe(200);
    await visit(siteId, [page('/')], v.cookie);
    const profile = await (await SELF.fetch(`${BASE}/_wm/me?site=${siteId}`, { headers: { cookie: v.cookie } })).json<ProfileExport>();
    expect(profile.traits).toMatchObject({ saw_sale: true });

    await visit(siteId, [track('add_to_cart')], v.cookie);
    const [cart] = (await journeys(v.cookie, siteId)).filter((j) => j.id === 'cart');
    expect(cart).toMatchObject({ status: 'active', step: 'wait' });
    expect(await runInDurableObject(v.stub, (_i, state) => state.storage.getAlarm())).toBe(cart?.wakeAt);
  });

  it('re-entry: never admits a visitor once; after-exit admits them again', async () => {
    const never = await site();
    const a = await visit(never, [track('add_to_cart')]);
    await visit(never, [track('checkout_start')], a.cookie);
    await visit(never, [track('add_to_cart')], a.cookie);
    expect(await journeys(a.cookie, never)).toMatchObject([{ status: 'exited', runs: 1 }]);

    const again = await site({ journeys: [{ ...cartJourney, reentry: 'after-exit' }] });
    const b = await visit(again, [track('add_to_cart')]);
    await visit(again, [track('add_to_cart')], b.cookie);
    expect(await journeys(b.cookie, again)).toMatchObject([{ status: 'active', runs: 1 }]);
    await visit(again, [track('checkout_start')], b.cookie);
    await visit(again, [track('add_to_cart')], b.cookie);
    expect(await journeys(b.cookie, again)).toMatchObject([{ status: 'active', runs: 2 }]);
  });
});

describe('webhook deliveries', () => {
  const webhookNow: JourneyInput = { ...cartJourney, steps: [{ id: 'crm', kind: 'webhook', webhook: 'crm' }] };

  it('sends nothing about a visitor who declined personalization (the journey still moves on)', async () => {
    const sent = receiver(204);
    const siteId = await site({ journeys: [webhookNow] });
    const declined = makeEvent({ type: 'consent', name: undefined, props: undefined, consent: { analytics: true, personalization: false } });
    const v = await visit(siteId, [declined, track('add_to_cart')]);
    const queued = await runInDurableObject(v.stub, (_i, state) => state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM webhook_outbox').one().n);
    expect(queued).toBe(0);
    expect(sent).toHaveLength(0);
    expect(await journeys(v.cookie, siteId)).toMatchObject([{ id: 'cart', runs: 1 }]);
  });

  it('retries with backoff (5 s, 5 min, …) and dead-letters after 10 attempts, each attempt logged', async () => {
    const sent = receiver(503);
    const siteId = await site({ journeys: [webhookNow] });
    const before = Date.now();
    const v = await visit(siteId, [track('add_to_cart')]);
    await logged(siteId, 1);
    const outbox = await runInDurableObject(v.stub, (_i, state) =>
      state.storage.sql.exec<{ status: string; attempts: number; next_at: number }>('SELECT status, attempts, next_at FROM webhook_outbox').one(),
    );
    expect(outbox).toMatchObject({ status: 'pending', attempts: 1 });
    expect(outbox.next_at - before).toBeGreaterThanOrEqual(5_000);
    expect(outbox.next_at - before).toBeLessThan(5 * 60_000);
    for (let i = 2; i <= 10; i++) {
      await timePasses(v.stub);
      await logged(siteId, i);
    }
    expect(sent).toHaveLength(10);
    expect(sent.map((s) => s.headers.get('waymark-attempt'))).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    // One delivery id across retries: receivers deduplicate on it.
    expect(new Set(sent.map((s) => s.headers.get('waymark-delivery'))).size).toBe(1);
    expect(new Set(sent.map((s) => s.headers.get('webhook-id'))).size).toBe(1);
    const status = await runInDurableObject(
      v.stub,
      (_i, state) => state.storage.sql.exec<{ status: string }>('SELECT status FROM webhook_outbox').one().status,
    );
    expect(status).toBe('dead');
    const log = await siteAdmin(env, siteId).webhookDeliveries(siteId, 'crm');
    expect(log.map((l) => l.outcome)).toEqual(['dead', ...Array<string>(9).fill('retry')]);
    expect(log[0]?.error).toMatch(/HTTP 503; gave up after 10 attempts/);
    // Nothing more is scheduled for it.
    await runInDurableObject(v.stub, (_i, state) => state.storage.sql.exec('UPDATE webhook_outbox SET next_at = 0'));
    await runDurableObjectAlarm(v.stub);
    expect(sent).toHaveLength(10);
  });

  it('a refusal (401) is dead-lettered at once; a network error is retried', async () => {
    const sent = receiver(401);
    const siteId = await site({ journeys: [webhookNow] });
    await visit(siteId, [track('add_to_cart')]);
    expect(await logged(siteId, 1)).toMatchObject([{ outcome: 'dead', statusCode: 401, error: expect.stringMatching(/refused/) }]);
    expect(sent).toHaveLength(1);

    vi.restoreAllMocks();
    vi.spyOn(globalThis, 'fetch').mockRejectedValue(new TypeError('connection refused'));
    const other = await site({ journeys: [webhookNow] });
    await visit(other, [track('add_to_cart')]);
    expect(await logged(other, 1)).toMatchObject([{ outcome: 'retry', statusCode: null, error: 'connection refused' }]);
  });

  it('Slack format sends {text}', async () => {
    const sent = receiver(200);
    const siteId = await site({ journeys: [webhookNow], webhooks: [{ id: 'crm', name: 'Slack', url: HOOK_URL, format: 'slack', secret: SECRET }] });
    await visit(siteId, [track('add_to_cart')]);
    await logged(siteId, 1);
    expect(Object.keys(JSON.parse(sent[0]?.body ?? '{}'))).toEqual(['text']);
    expect(JSON.parse(sent[0]?.body ?? '{}').text).toMatch(/reached step "crm" of journey "Cart abandonment"/);
  });
});

describe('admin API: journeys and webhooks', () => {
  const API = `${BASE}/_wm/admin/api`;
  let ip = 0;
  const login = () => adminLogin(`203.0.113.${++ip}`);
  type S = AdminSession;
  const call = adminCall;
  type Body = {
    site?: { webhooks: Record<string, unknown>[]; version: number };
    item?: Record<string, unknown>;
    version: number;
    error?: string;
    issues?: { path: string; message: string }[];
    usedBy?: string[];
  };

  it('webhook secrets are write-only; an update without one keeps it', async () => {
    const s = await login();
    const id = `jadm-${Date.now().toString(36)}`;
    let res = await call(s, 'PUT', `/sites/${id}`, { name: 'J', version: 0, origins: [ORIGIN], consentPolicy: 'opt-out' });
    let version = (await res.json<Body>()).version;
    res = await call(s, 'PUT', `/sites/${id}/webhooks/crm?version=${version}`, { name: 'CRM', url: HOOK_URL, format: 'crm', secret: SECRET });
    const created = await res.json<Body>();
    expect(res.status).toBe(200);
    expect(created.site?.webhooks[0]).toEqual({ id: 'crm', name: 'CRM', url: HOOK_URL, format: 'crm', enabled: true, secretSet: true, secretKind: 'whsec' });
    version = created.version;
    res = await call(s, 'GET', `/sites/${id}/webhooks/crm`);
    expect(JSON.stringify(await res.json())).not.toContain(SECRET);
    // The dashboard sends back what it got (secretSet, no secret): the stored secret stays.
    res = await call(s, 'PUT', `/sites/${id}/webhooks/crm?version=${version}`, { name: 'CRM 2', url: HOOK_URL, format: 'crm', enabled: true, secretSet: true });
    expect(res.status).toBe(200);
    version = (await res.json<Body>()).version;
    const stored = await siteAdmin(env, id).getSite(id);
    expect(stored?.webhooks[0]).toMatchObject({ name: 'CRM 2', secret: SECRET });
    expect(JSON.stringify(await (await call(s, 'GET', `/sites/${id}`)).json())).not.toContain(SECRET);

    // Journeys: per-field errors for unknown references and loops without a wait.
    res = await call(s, 'PUT', `/sites/${id}/journeys/cart?version=${version}`, {
      name: 'Cart',
      entry: { segmentEntered: 'ghost' },
      steps: [
        { id: 'a', kind: 'message', message: 'nope' },
        { id: 'b', kind: 'webhook', webhook: 'crm', next: 'a' },
      ],
    });
    expect(res.status).toBe(400);
    const issues = (await res.json<Body>()).issues ?? [];
    expect(issues).toEqual(expect.arrayContaining([{ path: 'steps', message: expect.stringMatching(/"a" → "b" → "a" loop without a wait/) }]));
    res = await call(s, 'PUT', `/sites/${id}/journeys/cart?version=${version}`, {
      name: 'Cart',
      entry: { segmentEntered: 'ghost' },
      steps: [{ id: 'a', kind: 'message', message: 'nope' }],
    });
    expect((await res.json<Body>()).issues).toEqual(
      expect.arrayContaining([
        { path: 'entry.segmentEntered', message: 'no segment "ghost"' },
        { path: 'steps.0.message', message: 'no message "nope"' },
      ]),
    );
    res = await call(s, 'PUT', `/sites/${id}/journeys/cart?version=${version}`, {
      name: 'Cart',
      entry: { event: 'add_to_cart' },
      steps: [
        { id: 'w', kind: 'wait', minutes: 60 },
        { id: 'b', kind: 'webhook', webhook: 'crm' },
      ],
    });
    expect(res.status).toBe(200);
    version = (await res.json<Body>()).version;
    // A webhook a journey uses cannot be deleted.
    res = await call(s, 'DELETE', `/sites/${id}/webhooks/crm?version=${version}`);
    expect(res.status).toBe(409);
    expect((await res.json<Body>()).usedBy).toEqual(['journeys/cart']);
    // The delivery log: empty so far; unknown webhooks are 404.
    res = await call(s, 'GET', `/sites/${id}/webhooks/crm/deliveries`);
    expect(await res.json()).toEqual({ deliveries: [] });
    expect((await call(s, 'GET', `/sites/${id}/webhooks/ghost/deliveries`)).status).toBe(404);
  });
});

describe('demo webhook sink', () => {
  it('records payloads and checks their signature', async () => {
    const demo = await siteAdmin(env, 'demo').getSite('demo');
    const hook = demo?.webhooks.find((w) => w.id === 'demo-crm');
    expect(hook).toBeDefined();
    const body = JSON.stringify({ hello: 'sink' });
    const { signWebhook } = await import('../src/net/standard-webhooks');
    const good = await SELF.fetch(`${BASE}/_wm/demo/webhook-sink?webhook=demo-crm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await signWebhook([hook?.secret ?? ''], 'msg_sink', body, Date.now())) },
      body,
    });
    expect(good.status).toBe(204);
    const bad = await SELF.fetch(`${BASE}/_wm/demo/webhook-sink?webhook=demo-crm`, {
      method: 'POST',
      headers: { 'webhook-id': 'msg_sink', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' },
      body,
    });
    expect(bad.status).toBe(401);
    const { received } = await (await SELF.fetch(`${BASE}/_wm/demo/webhook-sink`)).json<{ received: { verified: boolean; body: unknown }[] }>();
    expect(received.slice(0, 2)).toMatchObject([{ verified: false }, { verified: true, body: { hello: 'sink' } }]);
  });
});
