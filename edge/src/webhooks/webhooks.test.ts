import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildPayload } from './payload';
import { afterAttempt, BACKOFF_MS, MAX_ATTEMPTS } from './retry';
import { webhookSchema } from '../../../protocol/config/webhooks';
import { signPayload, verifySignature } from './sign';

const NOW = Date.UTC(2026, 0, 5, 12);

describe('webhook signatures', () => {
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

describe('retries', () => {
  it('backs off 1m, 5m, 30m, 2h, 12h, then dead-letters', () => {
    const failed = { status: 503, error: null };
    const waits = [];
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      const o = afterAttempt(attempt, failed, NOW);
      expect(o.kind).toBe('retry');
      if (o.kind === 'retry') waits.push(o.at - NOW);
    }
    expect(waits).toEqual([...BACKOFF_MS]);
    expect(afterAttempt(MAX_ATTEMPTS, failed, NOW)).toEqual({ kind: 'dead', reason: 'HTTP 503; gave up after 6 attempts' });
  });
  it('2xx delivers; network errors and 429 retry; other 4xx dead-letter at once', () => {
    expect(afterAttempt(1, { status: 204, error: null }, NOW)).toEqual({ kind: 'delivered' });
    expect(afterAttempt(1, { status: null, error: 'connection refused' }, NOW)).toMatchObject({ kind: 'retry', reason: 'connection refused' });
    expect(afterAttempt(1, { status: 429, error: null }, NOW).kind).toBe('retry');
    expect(afterAttempt(1, { status: 401, error: null }, NOW)).toMatchObject({ kind: 'dead', reason: /HTTP 401: the receiver refused it/ });
  });
});

describe('webhook config and payloads', () => {
  const base = { id: 'crm', name: 'CRM', format: 'json', secret: 'x'.repeat(24) };
  it('https only, except http to this machine; no credentials in the URL', () => {
    expect(webhookSchema.safeParse({ ...base, url: 'https://hooks.example.com/x' }).success).toBe(true);
    expect(webhookSchema.safeParse({ ...base, url: 'http://127.0.0.1:8787/_wm/demo/webhook-sink' }).success).toBe(true);
    expect(webhookSchema.safeParse({ ...base, url: 'http://hooks.example.com/x' }).success).toBe(false);
    expect(webhookSchema.safeParse({ ...base, url: 'http://localhost.evil.com/x' }).success).toBe(false);
    expect(webhookSchema.safeParse({ ...base, url: 'https://user:pw@hooks.example.com/' }).success).toBe(false);
    expect(webhookSchema.safeParse({ ...base, url: 'https://hooks.example.com/', secret: 'short' }).success).toBe(false);
  });
  it('builds Slack, JSON and CRM bodies', () => {
    const e = {
      deliveryId: 'd1',
      site: 'demo',
      journey: { id: 'cart', name: 'Cart' },
      step: 'crm',
      visitor: { id: 'abcdef123456', userId: null, traits: { plan: 'gold' } },
      at: NOW,
    };
    expect(buildPayload('slack', e)).toEqual({
      text: 'Waymark (demo): anonymous visitor abcdef12 reached step "crm" of journey "Cart" at 2026-01-05T12:00:00.000Z',
    });
    expect(buildPayload('json', e)).toMatchObject({ id: 'd1', type: 'journey.step', journey: { id: 'cart' }, visitor: { traits: { plan: 'gold' } } });
    expect(buildPayload('crm', e)).toMatchObject({
      event_id: 'd1',
      contact: { external_id: 'wm:abcdef123456', properties: { plan: 'gold' } },
      properties: { journey_id: 'cart' },
    });
  });
});
