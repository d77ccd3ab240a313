/**
 * Webhooks in workerd: the admin API issues and rotates whsec_ secrets (shown once), refuses
 * unsafe URLs and new legacy secrets per field; deliveries carry Standard Webhooks headers (two
 * signatures during a rotation) and the legacy one; 410 Gone disables the endpoint through the
 * admin write path; the demo sink verifies the new headers.
 */
import { SELF, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import type { CollectResponse } from '../../protocol/wire';
import type { AuditResponse } from '../../protocol/admin';
import type { JourneyInput } from '../../protocol/config/journeys';
import { siteAdmin } from '../src/admin/objects';
import { generateSecret, verifyWebhook } from '../src/net/standard-webhooks';
import { verifySignature } from '../src/webhooks/sign';
import { rotatedWebhook } from '../src/webhooks/secret';
import { adminCall, adminLogin, BASE, ORIGIN, makeEvent, post, visitorCookie, type AdminSession } from './helpers';
import { cartJourney, HOOK_URL, journeySite } from './journey-fixtures';

const API = `${BASE}/_wm/admin/api`;
const webhookNow: JourneyInput = { ...cartJourney, steps: [{ id: 'crm', kind: 'webhook', webhook: 'crm' }] };

type Sent = { url: string; headers: Headers; body: string; redirect: Request['redirect'] };
/** Stands in for the receiver: answers with `statuses` in turn (the last one repeats). */
function receiver(...responses: (() => Response)[]): Sent[] {
  const sent: Sent[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const req = new Request(input, init);
    sent.push({ url: req.url, headers: req.headers, body: await req.text(), redirect: req.redirect });
    return (responses[Math.min(sent.length - 1, responses.length - 1)] ?? (() => new Response(null, { status: 204 })))();
  });
  return sent;
}
afterEach(() => vi.restoreAllMocks());

async function addToCart(siteId: string) {
  const res = await post([makeEvent({ name: 'add_to_cart', props: {} })], { site: siteId });
  expect(res.status).toBe(200);
  const vid = ((await res.json<CollectResponse>()).vid ?? '').split('.')[0] ?? '';
  return { cookie: visitorCookie(res), stub: env.VISITORS.get(env.VISITORS.idFromName(`${siteId}:${vid}`)) };
}

/** The delivery is due at once, so the object's alarm sends it by itself: wait for `n` logged attempts. */
async function logged(siteId: string, n: number) {
  for (let i = 0; i < 200; i++) {
    const log = await siteAdmin(env, siteId).webhookDeliveries(siteId, 'crm');
    if (log.length >= n) return log;
    await scheduler.wait(10);
  }
  throw new Error(`the delivery log of ${siteId} never reached ${n} attempts`);
}

let ip = 0;
const login = () => adminLogin(`198.51.100.${++ip}`);
type Session = AdminSession;
const call = adminCall;
type Body = {
  site?: { webhooks: Record<string, unknown>[] };
  version: number;
  issuedSecret?: { webhook: string; secret: string; previousSecretExpiresAt: string | null };
  error?: string;
  issues?: { path: string; message: string }[];
};

async function newSite(s: Session): Promise<{ id: string; version: number }> {
  const id = `wh-${Date.now().toString(36)}-${++ip}`;
  const res = await call(s, 'PUT', `/sites/${id}`, { name: 'W', version: 0, origins: [ORIGIN], consentPolicy: 'opt-out' });
  expect(res.status).toBe(200);
  return { id, version: (await res.json<Body>()).version };
}

describe('admin API: webhook secrets', () => {
  it('a new webhook without a secret gets a whsec_ secret from the edge, shown once', async () => {
    const s = await login();
    const site = await newSite(s);
    const res = await call(s, 'PUT', `/sites/${site.id}/webhooks/crm?version=${site.version}`, { name: 'CRM', url: HOOK_URL, format: 'json' });
    expect(res.status).toBe(200);
    const body = await res.json<Body>();
    expect(body.issuedSecret).toMatchObject({ webhook: 'crm', secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/), previousSecretExpiresAt: null });
    expect(body.site?.webhooks[0]).toEqual({ id: 'crm', name: 'CRM', url: HOOK_URL, format: 'json', enabled: true, secretSet: true, secretKind: 'whsec' });
    expect((await siteAdmin(env, site.id).getSite(site.id))?.webhooks[0]?.secret).toBe(body.issuedSecret?.secret);
    // Never again: not on reads, not on the next write.
    for (const path of [`/sites/${site.id}`, `/sites/${site.id}/webhooks/crm`]) {
      expect(JSON.stringify(await (await call(s, 'GET', path)).json())).not.toContain('whsec_');
    }
    const again = await call(s, 'PUT', `/sites/${site.id}/webhooks/crm?version=${body.version}`, {
      name: 'CRM 2',
      url: HOOK_URL,
      format: 'json',
      secretSet: true,
    });
    const againBody = await again.json<Body>();
    expect(againBody.issuedSecret).toBeUndefined();
    expect(JSON.stringify(againBody)).not.toContain('whsec_');
    expect((await siteAdmin(env, site.id).getSite(site.id))?.webhooks[0]?.secret).toBe(body.issuedSecret?.secret);
  });

  it('refuses, per field, a new legacy secret, a short whsec_ secret and unsafe URLs', async () => {
    const s = await login();
    const site = await newSite(s);
    const put = (item: Record<string, unknown>) =>
      call(s, 'PUT', `/sites/${site.id}/webhooks/crm?version=${site.version}`, { name: 'CRM', format: 'json', ...item });
    let res = await put({ url: HOOK_URL, secret: 'an-old-style-secret-0123456789' });
    expect(res.status).toBe(400);
    expect((await res.json<Body>()).issues).toMatchObject([{ path: 'secret', message: /whsec_/ }]);
    res = await put({ url: HOOK_URL, secret: `whsec_${btoa('x'.repeat(16))}` });
    expect((await res.json<Body>()).issues).toMatchObject([{ path: 'secret', message: /at least 24 random bytes/ }]);
    for (const [url, reason] of [
      ['https://169.254.169.254/latest/meta-data/', /link-local/],
      ['https://2130706433/', /loopback/],
      ['https://[::ffff:127.0.0.1]/', /IPv4-mapped/],
      ['https://hooks.example.com@10.0.0.1/', /credentials/],
      ['https://metadata.google.internal/', /internal host name/],
      ['http://hooks.example.com/', /https/],
    ] as const) {
      res = await put({ url });
      expect(res.status, url).toBe(400);
      expect((await res.json<Body>()).issues, url).toEqual([{ path: 'url', message: expect.stringMatching(reason) }]);
    }
  });

  it('rotates: a new secret shown once, the old one signing until the overlap ends', async () => {
    const s = await login();
    const site = await newSite(s);
    let res = await call(s, 'PUT', `/sites/${site.id}/webhooks/crm?version=${site.version}`, { name: 'CRM', url: HOOK_URL, format: 'json' });
    const created = await res.json<Body>();
    const old = created.issuedSecret?.secret ?? '';
    const before = Date.now();
    res = await call(s, 'POST', `/sites/${site.id}/webhooks/crm/rotate-secret`, { baseVersion: created.version, overlapHours: 24 });
    expect(res.status).toBe(200);
    const rotated = await res.json<Body>();
    expect(rotated.issuedSecret?.secret).toMatch(/^whsec_/);
    expect(rotated.issuedSecret?.secret).not.toBe(old);
    const expires = Date.parse(rotated.issuedSecret?.previousSecretExpiresAt ?? '');
    expect(expires).toBeGreaterThanOrEqual(before + 24 * 3_600_000);
    expect(expires).toBeLessThan(Date.now() + 24 * 3_600_000 + 1);
    expect(rotated.site?.webhooks[0]).toMatchObject({ secretSet: true, previousSecretExpiresAt: rotated.issuedSecret?.previousSecretExpiresAt });
    expect(JSON.stringify(rotated.site)).not.toContain('whsec_');
    expect((await siteAdmin(env, site.id).getSite(site.id))?.webhooks[0]).toMatchObject({
      secret: rotated.issuedSecret?.secret,
      rotation: { previousSecret: old, expiresAt: rotated.issuedSecret?.previousSecretExpiresAt },
    });
    // Bounds, stale versions and unknown webhooks are refused with a reason.
    res = await call(s, 'POST', `/sites/${site.id}/webhooks/crm/rotate-secret`, { baseVersion: rotated.version, overlapHours: 500 });
    expect(res.status).toBe(400);
    expect((await res.json<Body>()).issues).toEqual([{ path: 'overlapHours', message: expect.stringMatching(/0 to 168/) }]);
    expect((await call(s, 'POST', `/sites/${site.id}/webhooks/crm/rotate-secret`, { baseVersion: created.version })).status).toBe(409);
    expect((await call(s, 'POST', `/sites/${site.id}/webhooks/ghost/rotate-secret`, { baseVersion: rotated.version })).status).toBe(404);
    // A write cannot bring its own "previous" secret.
    res = await call(s, 'PUT', `/sites/${site.id}/webhooks/crm?version=${rotated.version}`, {
      name: 'CRM',
      url: HOOK_URL,
      format: 'json',
      secret: generateSecret(),
      rotation: { previousSecret: generateSecret(), expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
    });
    expect(res.status).toBe(400);
    expect((await res.json<Body>()).issues).toMatchObject([{ path: 'rotation.previousSecret' }]);
    // Overlap 0: the old secret stops at once.
    res = await call(s, 'POST', `/sites/${site.id}/webhooks/crm/rotate-secret`, { baseVersion: rotated.version, overlapHours: 0 });
    expect((await res.json<Body>()).issuedSecret?.previousSecretExpiresAt).toBeNull();
    expect((await siteAdmin(env, site.id).getSite(site.id))?.webhooks[0]).not.toHaveProperty('rotation');
  });
});

describe('deliveries', () => {
  it('carry Standard Webhooks headers the standardwebhooks package verifies, plus the legacy signature, with redirect: manual', async () => {
    const sent = receiver(() => new Response(null, { status: 204 }));
    const secret = generateSecret();
    const siteId = await journeySite('whd', secret, { journeys: [webhookNow] });
    await addToCart(siteId);
    await logged(siteId, 1);
    expect(sent).toHaveLength(1);
    const [req] = sent;
    expect(req?.redirect).toBe('manual');
    expect(() => new StandardWebhook(secret).verify(req?.body ?? '', Object.fromEntries(req?.headers ?? []))).not.toThrow();
    expect(await verifySignature(secret, req?.body ?? '', req?.headers.get('waymark-signature') ?? null, Date.now())).toEqual({ ok: true });
    expect(req?.headers.get('webhook-id')).toBe(req?.headers.get('waymark-delivery'));
  });

  it('during a rotation both signatures are sent; each key verifies', async () => {
    const sent = receiver(() => new Response(null, { status: 204 }));
    const [oldKey, newKey] = [generateSecret(), generateSecret()];
    const hook = rotatedWebhook({ id: 'crm', name: 'CRM', url: HOOK_URL, format: 'json', secret: oldKey, enabled: true }, newKey, Date.now(), 24);
    const siteId = await journeySite('whr', oldKey, { journeys: [webhookNow], webhooks: [hook] });
    await addToCart(siteId);
    await logged(siteId, 1);
    const headers = sent[0]?.headers ?? new Headers();
    expect(headers.get('webhook-signature')?.split(' ')).toHaveLength(2);
    for (const key of [oldKey, newKey]) expect(await verifyWebhook([key], headers, sent[0]?.body ?? '', Date.now()), key).toMatchObject({ ok: true });
  });

  it('a 3xx is a failure that is retried, never followed', async () => {
    const sent = receiver(() => new Response(null, { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } }));
    const siteId = await journeySite('whx', generateSecret(), { journeys: [webhookNow] });
    await addToCart(siteId);
    expect(await logged(siteId, 1)).toMatchObject([{ outcome: 'retry', statusCode: 302, error: expect.stringMatching(/redirect \(not followed/) }]);
    expect(sent.map((s) => s.url)).toEqual([HOOK_URL]);
  });

  it('Retry-After decides the next attempt (bounded)', async () => {
    receiver(() => new Response(null, { status: 503, headers: { 'retry-after': '7200' } }));
    const siteId = await journeySite('wha', generateSecret(), { journeys: [webhookNow] });
    const before = Date.now();
    await addToCart(siteId);
    const [entry] = await logged(siteId, 1);
    const nextAt = Date.parse(entry?.nextAt ?? '');
    expect(nextAt - before).toBeGreaterThanOrEqual(7_200_000);
    expect(nextAt - Date.now()).toBeLessThanOrEqual(7_200_000);
  });

  it('410 Gone dead-letters and disables the webhook through the admin write path (audited)', async () => {
    const sent = receiver(() => new Response('gone', { status: 410 }));
    const siteId = await journeySite('whg', generateSecret(), { journeys: [webhookNow] });
    const v = await addToCart(siteId);
    expect(await logged(siteId, 1)).toMatchObject([{ outcome: 'dead', statusCode: 410 }]);
    let hook = (await siteAdmin(env, siteId).getSite(siteId))?.webhooks[0];
    for (let i = 0; i < 100 && hook?.enabled !== false; i++) {
      await scheduler.wait(10);
      hook = (await siteAdmin(env, siteId).getSite(siteId))?.webhooks[0];
    }
    expect(hook).toMatchObject({ enabled: false, disabledReason: expect.stringMatching(/410 Gone/) });
    const audit: AuditResponse = { entries: await siteAdmin(env, siteId).audit(siteId, 10) };
    expect(audit.entries[0]).toMatchObject({ who: 'webhook-delivery', path: `sites/${siteId}/webhooks/crm`, action: 'update' });
    const status = await runInDurableObject(
      v.stub,
      (_i, state) => state.storage.sql.exec<{ status: string }>('SELECT status FROM webhook_outbox').one().status,
    );
    expect(status).toBe('dead');
    expect(sent).toHaveLength(1);
  });

  it('a hand-written config with an unsafe URL never produces a request, and the site keeps serving (the config schema holds the same guard)', async () => {
    const sent = receiver(() => new Response(null, { status: 204 }));
    const siteId = await journeySite('whs', generateSecret(), { journeys: [webhookNow] });
    // Past validation, straight into KV: what a hand edit could do. (The send-time refusal of a URL
    // that got past the schema is in edge/src/webhooks/webhooks.test.ts, "refuses at send time".)
    const raw = JSON.parse((await env.CONFIG.get(`site:${siteId}`)) ?? '{}') as { version: number; webhooks: { url: string }[] };
    raw.webhooks[0]!.url = 'https://169.254.169.254/latest/meta-data/';
    // The latest and its versioned copy (the one visitor objects load), as a careless hand edit might.
    await env.CONFIG.put(`site:${siteId}`, JSON.stringify(raw));
    await env.CONFIG.put(`siteversion:${siteId}@${raw.version}`, JSON.stringify(raw));
    // The webhook (and the journey that names it) are left out on read; the rest of the site serves.
    const res = await post([makeEvent({ name: 'add_to_cart', props: {} })], { site: siteId });
    expect(res.status).toBe(200);
    await scheduler.wait(50);
    expect(sent).toEqual([]);
  });
});

describe('demo webhook sink', () => {
  it('verifies the Standard Webhooks headers with the webhook secret and records them', async () => {
    const demo = await siteAdmin(env, 'demo').getSite('demo');
    const secret = demo?.webhooks.find((w) => w.id === 'demo-crm')?.secret ?? '';
    expect(secret).toMatch(/^whsec_/);
    const body = JSON.stringify({ hello: 'standard' });
    const id = `msg_${crypto.randomUUID()}`;
    const signature = new StandardWebhook(secret).sign(id, new Date(), body);
    const ts = String(Math.floor(Date.now() / 1000));
    const good = await SELF.fetch(`${BASE}/_wm/demo/webhook-sink?webhook=demo-crm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': signature },
      body,
    });
    expect(good.status).toBe(204);
    const stale = await SELF.fetch(`${BASE}/_wm/demo/webhook-sink?webhook=demo-crm`, {
      method: 'POST',
      headers: { 'webhook-id': id, 'webhook-timestamp': String(Number(ts) - 301), 'webhook-signature': signature },
      body,
    });
    expect(stale.status).toBe(401);
    const { received } = await (await SELF.fetch(`${BASE}/_wm/demo/webhook-sink`)).json<{ received: Record<string, unknown>[] }>();
    expect(received.slice(0, 2)).toMatchObject([
      { verified: false, reason: expect.stringMatching(/too old/), webhookId: id },
      { verified: true, webhookId: id, webhookTimestamp: ts, body: { hello: 'standard' } },
    ]);
  });
});
