import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { buildPayload, type JourneyWebhookEvent } from './payload';
import { afterAttempt, BACKOFF_MS, MAX_ATTEMPTS, RETRY_AFTER_MAX_MS, RETRY_AFTER_MIN_MS, retryAfterMs } from './retry';
import { webhookSchema, type Webhook } from '../../../protocol/config/webhooks';
import { signPayload, verifySignature } from './sign';
import { attemptDelivery } from './deliver';
import { activeSecrets, keepSecrets, redactWebhook, rotatedWebhook, secretIssues } from './secret';
import { generateSecret, verifyWebhook } from '../net/standard-webhooks';
import type { SiteConfig } from '../../../protocol/config/site';

const NOW = Date.UTC(2026, 0, 5, 12);
const HOUR = 3_600_000;

describe('legacy signature (Waymark-Signature, sent for one release)', () => {
  it('signs t.body with HMAC-SHA256 and verifies it; tampering, another key or an old timestamp fail', async () => {
    const body = '{"a":1}';
    const header = await signPayload('s3cret-s3cret-s3cret', body, NOW);
    expect(header).toMatch(/^t=\d{10},v1=[0-9a-f]{64}$/);
    expect(await verifySignature('s3cret-s3cret-s3cret', body, header, NOW + 1000)).toEqual({ ok: true });
    expect(await verifySignature('s3cret-s3cret-s3cret', '{"a":2}', header, NOW)).toMatchObject({ ok: false, reason: 'signature does not match' });
    expect(await verifySignature('other-key-other-key', body, header, NOW)).toMatchObject({ ok: false });
    expect(await verifySignature('s3cret-s3cret-s3cret', body, header, NOW + 301_000)).toMatchObject({ ok: false, reason: /replay/ });
    expect(await verifySignature('s3cret-s3cret-s3cret', body, 'garbage', NOW)).toMatchObject({ ok: false, reason: /malformed/ });
  });

  it('agrees with an independent HMAC-SHA256 (node:crypto) over "<t>.<body>"', async () => {
    const body = JSON.stringify({ text: 'hello' });
    const t = Math.floor(NOW / 1000);
    const expected = createHmac('sha256', 'key-key-key-key-key').update(`${t}.${body}`).digest('hex');
    expect(await signPayload('key-key-key-key-key', body, NOW)).toBe(`t=${t},v1=${expected}`);
  });
});

describe('retries (Standard Webhooks schedule)', () => {
  it('backs off 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h: over 3 days, then dead-letters', () => {
    const failed = { status: 503, error: null };
    const waits = [];
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      const o = afterAttempt(attempt, failed, NOW);
      expect(o.kind).toBe('retry');
      if (o.kind === 'retry') waits.push(o.at - NOW);
    }
    expect(waits).toEqual([5_000, 300_000, 1_800_000, 2 * HOUR, 5 * HOUR, 10 * HOUR, 14 * HOUR, 20 * HOUR, 24 * HOUR]);
    expect(waits).toEqual([...BACKOFF_MS]);
    expect(waits.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(72 * HOUR);
    expect(afterAttempt(MAX_ATTEMPTS, failed, NOW)).toEqual({ kind: 'dead', reason: 'HTTP 503; gave up after 10 attempts' });
  });

  it('2xx delivers; network errors, 3xx and 429 retry; 410 disables; other 4xx dead-letter at once', () => {
    expect(afterAttempt(1, { status: 204, error: null }, NOW)).toEqual({ kind: 'delivered' });
    expect(afterAttempt(1, { status: null, error: 'connection refused' }, NOW)).toMatchObject({ kind: 'retry', reason: 'connection refused' });
    expect(afterAttempt(1, { status: 302, error: null }, NOW)).toMatchObject({ kind: 'retry', reason: /HTTP 302: a redirect \(not followed/ });
    expect(afterAttempt(1, { status: 301, error: null }, NOW).kind).toBe('retry');
    expect(afterAttempt(1, { status: 429, error: null }, NOW).kind).toBe('retry');
    expect(afterAttempt(1, { status: 410, error: null }, NOW)).toMatchObject({ kind: 'dead', disable: true, reason: /410 Gone/ });
    expect(afterAttempt(1, { status: 401, error: null }, NOW)).toMatchObject({ kind: 'dead', reason: /HTTP 401: the receiver refused it/ });
    expect(afterAttempt(1, { status: 401, error: null }, NOW)).not.toHaveProperty('disable');
    expect(afterAttempt(1, { status: null, error: 'not sent: must use https://', refused: true }, NOW)).toMatchObject({ kind: 'dead', reason: /not retried/ });
  });

  it('honours Retry-After in seconds or as an HTTP date, within bounds', () => {
    expect(afterAttempt(1, { status: 503, error: null, retryAfter: '120' }, NOW)).toMatchObject({ kind: 'retry', at: NOW + 120_000, reason: /Retry-After/ });
    expect(afterAttempt(2, { status: 429, error: null, retryAfter: new Date(NOW + 3 * HOUR).toUTCString() }, NOW)).toMatchObject({ at: NOW + 3 * HOUR });
    expect(retryAfterMs('0', NOW)).toBe(RETRY_AFTER_MIN_MS);
    expect(retryAfterMs(String(30 * 24 * 3600), NOW)).toBe(RETRY_AFTER_MAX_MS);
    expect(retryAfterMs(new Date(NOW - HOUR).toUTCString(), NOW)).toBe(RETRY_AFTER_MIN_MS);
    expect(retryAfterMs('soon', NOW)).toBeNull();
    expect(retryAfterMs('-5', NOW)).toBeNull();
    // Unreadable: the schedule applies.
    expect(afterAttempt(1, { status: 503, error: null, retryAfter: 'soon' }, NOW)).toMatchObject({ at: NOW + BACKOFF_MS[0] });
    // Past the last attempt a Retry-After does not extend the schedule.
    expect(afterAttempt(MAX_ATTEMPTS, { status: 503, error: null, retryAfter: '60' }, NOW).kind).toBe('dead');
  });
});

const event: JourneyWebhookEvent = {
  deliveryId: 'd1a2b3c4-0000-4000-8000-000000000001',
  site: 'demo',
  journey: { id: 'cart', name: 'Cart' },
  step: 'crm',
  visitor: { id: 'abcdef123456', userId: null, traits: { plan: 'gold' } },
  at: NOW,
};

describe('one delivery attempt', () => {
  const secret = generateSecret();
  const hook: Webhook = { id: 'crm', name: 'CRM', url: 'https://hooks.example.com/x', format: 'json', secret, enabled: true };
  type Sent = { url: string; init: RequestInit };
  const receiver = (response: () => Response) => {
    const sent: Sent[] = [];
    const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
      sent.push({ url: String(input), init: init ?? {} });
      return response();
    }) as typeof fetch;
    return { sent, fetcher };
  };
  const now = () => Date.now();

  it('sends Standard Webhooks headers (verified by the standardwebhooks package) and the legacy ones, never following redirects', async () => {
    const { sent, fetcher } = receiver(() => new Response(null, { status: 204 }));
    expect(await attemptDelivery(hook, event, 2, { now, fetcher, allowLocalDemo: false })).toMatchObject({ status: 204, error: null });
    const init = sent[0]!.init;
    const headers = new Headers(init.headers);
    expect(init.redirect).toBe('manual');
    expect(headers.get('webhook-id')).toBe(event.deliveryId);
    expect(headers.get('webhook-timestamp')).toMatch(/^\d{10}$/);
    const body = String(init.body);
    expect(() => new StandardWebhook(secret).verify(body, Object.fromEntries(headers))).not.toThrow();
    expect(await verifyWebhook([secret], headers, body, Date.now())).toMatchObject({ ok: true });
    expect(await verifySignature(secret, body, headers.get('waymark-signature'), Date.now())).toEqual({ ok: true });
    expect(headers.get('waymark-delivery')).toBe(event.deliveryId);
    expect(headers.get('waymark-attempt')).toBe('2');
  });

  it('keeps the same webhook-id on a retry', async () => {
    const { sent, fetcher } = receiver(() => new Response(null, { status: 503 }));
    await attemptDelivery(hook, event, 1, { now, fetcher, allowLocalDemo: false });
    await attemptDelivery(hook, event, 2, { now, fetcher, allowLocalDemo: false });
    const ids = sent.map((s) => new Headers(s.init.headers).get('webhook-id'));
    expect(ids).toEqual([event.deliveryId, event.deliveryId]);
  });

  it('reports a 3xx as the status (a failure) and passes Retry-After on', async () => {
    const { fetcher } = receiver(() => new Response(null, { status: 307, headers: { location: 'https://169.254.169.254/', 'retry-after': '30' } }));
    const result = await attemptDelivery(hook, event, 1, { now, fetcher, allowLocalDemo: false });
    expect(result).toMatchObject({ status: 307, retryAfter: '30' });
    expect(afterAttempt(1, result, NOW)).toMatchObject({ kind: 'retry', at: NOW + 30_000 });
  });

  it('refuses at send time a URL the guard refuses (a hand-written config), without a request', async () => {
    const { sent, fetcher } = receiver(() => new Response(null, { status: 204 }));
    const result = await attemptDelivery({ ...hook, url: 'https://169.254.169.254/latest' }, event, 1, { now, fetcher, allowLocalDemo: false });
    expect(result).toMatchObject({ status: null, refused: true, error: /not sent: 169\.254\.169\.254 is not a public internet host: link-local address/ });
    const demo = { ...hook, url: 'http://127.0.0.1:8787/_wm/demo/webhook-sink?webhook=crm' };
    expect(await attemptDelivery(demo, event, 1, { now, fetcher, allowLocalDemo: false })).toMatchObject({ refused: true, error: /WM_DEMO/ });
    expect(sent).toEqual([]);
    expect((await attemptDelivery(demo, event, 1, { now, fetcher, allowLocalDemo: true })).status).toBe(204);
  });

  it('during a rotation signs with both secrets until the old one expires', async () => {
    const rotated = rotatedWebhook(hook, generateSecret(), NOW, 24);
    expect(activeSecrets(rotated, NOW + 23 * HOUR)).toEqual([rotated.secret, secret]);
    expect(activeSecrets(rotated, NOW + 24 * HOUR)).toEqual([rotated.secret]);
    const { sent, fetcher } = receiver(() => new Response(null, { status: 204 }));
    await attemptDelivery(rotated, event, 1, { now: () => NOW + HOUR, fetcher, allowLocalDemo: false });
    await attemptDelivery(rotated, event, 2, { now: () => NOW + 25 * HOUR, fetcher, allowLocalDemo: false });
    const sigs = sent.map((s) => new Headers(s.init.headers).get('webhook-signature')?.split(' ').length);
    expect(sigs).toEqual([2, 1]);
    // The old secret still verifies during the overlap, not after.
    const during = new Headers(sent[0]!.init.headers);
    expect(await verifyWebhook([secret], during, String(sent[0]!.init.body), NOW + HOUR)).toMatchObject({ ok: true });
    const after = new Headers(sent[1]!.init.headers);
    expect(await verifyWebhook([secret], after, String(sent[1]!.init.body), NOW + 25 * HOUR)).toMatchObject({ ok: false });
    expect(rotatedWebhook(hook, generateSecret(), NOW, 0)).not.toHaveProperty('rotation');
  });
});

describe('webhook config, secrets and payloads', () => {
  const base = { id: 'crm', name: 'CRM', format: 'json', secret: generateSecret() };
  it('https to a public host only, except the local demo sink; no credentials in the URL', () => {
    expect(webhookSchema.safeParse({ ...base, url: 'https://hooks.example.com/x' }).success).toBe(true);
    expect(webhookSchema.safeParse({ ...base, url: 'http://127.0.0.1:8787/_wm/demo/webhook-sink?webhook=crm' }).success).toBe(true);
    expect(webhookSchema.safeParse({ ...base, url: 'http://127.0.0.1:8787/anything' }).success).toBe(false);
    expect(webhookSchema.safeParse({ ...base, url: 'http://hooks.example.com/x' }).success).toBe(false);
    expect(webhookSchema.safeParse({ ...base, url: 'http://localhost.evil.com/x' }).success).toBe(false);
    const parsed = webhookSchema.safeParse({ ...base, url: 'https://user:pw@hooks.example.com/' });
    expect(parsed.success ? null : parsed.error.issues).toMatchObject([{ path: ['url'], message: /credentials/ }]);
  });
  it('secrets: whsec_ of 24+ bytes, or a legacy one already stored (16+ printable characters)', () => {
    const url = 'https://hooks.example.com/';
    expect(webhookSchema.safeParse({ ...base, url }).success).toBe(true);
    expect(webhookSchema.safeParse({ ...base, url, secret: 'legacy-secret-0123456789' }).success).toBe(true);
    expect(webhookSchema.safeParse({ ...base, url, secret: 'short' }).success).toBe(false);
    expect(webhookSchema.safeParse({ ...base, url, secret: `whsec_${btoa('x'.repeat(20))}` }).success).toBe(false);
  });
  it('a write may keep a stored legacy secret but not bring a new one; a rotation may only keep the current secret', () => {
    const url = 'https://hooks.example.com/';
    const current = { webhooks: [{ ...base, url, enabled: true, secret: 'legacy-secret-0123456789' }] } as unknown as SiteConfig;
    const path = (i: number) => `webhooks.${i}.`;
    expect(secretIssues(keepSecrets({ webhooks: [{ id: 'crm', name: 'x' }] }, current), current, path)).toEqual([]);
    expect(secretIssues({ webhooks: [{ id: 'crm', secret: 'legacy-secret-0123456789' }] }, current, path)).toEqual([]);
    expect(secretIssues({ webhooks: [{ id: 'crm', secret: 'another-legacy-secret-xyz' }] }, current, path)).toMatchObject([{ path: 'webhooks.0.secret' }]);
    expect(secretIssues({ webhooks: [{ id: 'new', secret: generateSecret() }] }, current, path)).toEqual([]);
    expect(secretIssues({ webhooks: [{ id: 'new', name: 'x' }] }, current, path)).toMatchObject([
      { path: 'webhooks.0.secret', message: /the edge issues one/ },
    ]);
    const smuggled = { id: 'crm', secret: generateSecret(), rotation: { previousSecret: generateSecret(), expiresAt: new Date(NOW).toISOString() } };
    expect(secretIssues({ webhooks: [smuggled] }, current, path)).toMatchObject([{ path: 'webhooks.0.rotation.previousSecret' }]);
    const honest = { ...smuggled, rotation: { ...smuggled.rotation, previousSecret: 'legacy-secret-0123456789' } };
    expect(secretIssues({ webhooks: [honest] }, current, path)).toEqual([]);
  });
  it('responses never carry a secret; a round trip of the redacted webhook keeps secret and rotation', () => {
    const rotated = rotatedWebhook({ ...base, url: 'https://h.example.com/', format: 'json', enabled: true }, generateSecret(), NOW, 24);
    const redacted = redactWebhook(rotated) as Record<string, unknown>;
    expect(JSON.stringify(redacted)).not.toContain('whsec_');
    expect(redacted).toMatchObject({ secretSet: true, secretKind: 'whsec', previousSecretExpiresAt: new Date(NOW + 24 * HOUR).toISOString() });
    expect(redactWebhook({ ...rotated, secret: 'legacy-secret-0123456789' })).toMatchObject({ secretKind: 'legacy' });
    const current = { webhooks: [rotated] } as unknown as SiteConfig;
    const back = keepSecrets({ webhooks: [{ ...redacted, name: 'Renamed' }] }, current).webhooks as Record<string, unknown>[];
    expect(back[0]).toEqual({ ...rotated, name: 'Renamed' });
  });
  it('builds Slack, JSON and CRM bodies', () => {
    expect(buildPayload('slack', event)).toEqual({
      text: 'Waymark (demo): anonymous visitor abcdef12 reached step "crm" of journey "Cart" at 2026-01-05T12:00:00.000Z',
    });
    expect(buildPayload('json', event)).toMatchObject({
      id: event.deliveryId,
      type: 'journey.step',
      journey: { id: 'cart' },
      visitor: { traits: { plan: 'gold' } },
    });
    expect(buildPayload('crm', event)).toMatchObject({
      event_id: event.deliveryId,
      contact: { external_id: 'wm:abcdef123456', properties: { plan: 'gold' } },
      properties: { journey_id: 'cart' },
    });
  });
});
