import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { generateSecret, signatureHeader, signWebhook, TIMESTAMP_TOLERANCE_SECONDS, verifyWebhook } from './standard-webhooks';
import { secretKeyBytes, whsecIssue } from '../../../protocol/config/webhooks';

// The spec's reference vector (libraries/go/webhook_test.go TestWebhookSign, and the other libraries').
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('Standard Webhooks signer', () => {
  it('reproduces the spec test vector', async () => {
    expect(await signatureHeader([VECTOR.secret], VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
    const headers = { 'webhook-id': VECTOR.id, 'webhook-timestamp': String(VECTOR.timestamp), 'webhook-signature': VECTOR.signature };
    expect(await verifyWebhook([VECTOR.secret], headers, VECTOR.body, VECTOR.timestamp * 1000)).toMatchObject({ ok: true, id: VECTOR.id });
  });

  it('signs what the standardwebhooks package verifies (generated whsec_ secrets, several bodies)', async () => {
    for (const body of ['{}', '{"a":"ü ✓ \\u2028"}', 'plain text', '']) {
      const secret = generateSecret();
      const now = Date.now();
      const headers = await signWebhook([secret], `msg_${crypto.randomUUID()}`, body, now);
      expect(() => new Webhook(secret).verify(body, { ...headers }, { jsonParse: false })).not.toThrow();
      // Another key's library instance refuses it.
      expect(() => new Webhook(generateSecret()).verify(body, { ...headers }, { jsonParse: false })).toThrow(/No matching signature/);
    }
  });

  it('verifies what the standardwebhooks package signs, and agrees on its signature byte for byte', async () => {
    const secret = generateSecret(24);
    const lib = new Webhook(secret);
    const now = new Date();
    const id = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
    const body = '{"type":"contact.created","data":{"id":"1f81eb52"}}';
    const signature = lib.sign(id, now, body);
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': signature };
    expect(await verifyWebhook([secret], headers, body, now.getTime())).toMatchObject({ ok: true });
    expect(await signatureHeader([secret], id, Math.floor(now.getTime() / 1000), body)).toBe(signature);
    expect(await verifyWebhook([secret], headers, `${body} `, now.getTime())).toMatchObject({ ok: false, reason: 'no signature matches' });
  });

  it('during a rotation sends both signatures, space-separated; receivers with either key accept it', async () => {
    const [oldKey, newKey] = [generateSecret(), generateSecret()];
    const now = Date.now();
    const headers = await signWebhook([newKey, oldKey], 'msg_rot', '{"x":1}', now);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}= v1,[A-Za-z0-9+/]{43}=$/);
    expect(() => new Webhook(oldKey).verify('{"x":1}', { ...headers })).not.toThrow();
    expect(() => new Webhook(newKey).verify('{"x":1}', { ...headers })).not.toThrow();
    expect(await verifyWebhook([oldKey], headers, '{"x":1}', now)).toMatchObject({ ok: true });
    expect(await verifyWebhook([newKey], headers, '{"x":1}', now)).toMatchObject({ ok: true });
  });

  it('legacy secrets sign with their UTF-8 bytes, which a library configures as whsec_ + base64 of them', async () => {
    const legacy = 'journey-test-secret-0123456789';
    const headers = await signWebhook([legacy], 'msg_legacy', '{}', Date.now());
    expect(() => new Webhook(`whsec_${btoa(legacy)}`).verify('{}', { ...headers })).not.toThrow();
    expect([...secretKeyBytes(legacy)]).toEqual([...new TextEncoder().encode(legacy)]);
  });
});

describe('Standard Webhooks verifier', () => {
  const secret = generateSecret();
  const body = '{"ok":true}';
  const at = Date.UTC(2026, 0, 5, 12);

  it('allows ±300 s of clock difference and no more', async () => {
    const headers = await signWebhook([secret], 'msg_1', body, at);
    const tolerance = TIMESTAMP_TOLERANCE_SECONDS * 1000;
    expect(await verifyWebhook([secret], headers, body, at + tolerance)).toMatchObject({ ok: true });
    expect(await verifyWebhook([secret], headers, body, at - tolerance)).toMatchObject({ ok: true });
    expect(await verifyWebhook([secret], headers, body, at + tolerance + 1000)).toMatchObject({ ok: false, reason: /too old/ });
    expect(await verifyWebhook([secret], headers, body, at - tolerance - 1000)).toMatchObject({ ok: false, reason: /future/ });
  });

  it('refuses missing or malformed headers, a changed id or timestamp, other keys and other versions', async () => {
    const headers = await signWebhook([secret], 'msg_1', body, at);
    const check = (h: Record<string, string>) => verifyWebhook([secret], h, body, at);
    expect(await check({ ...headers, 'webhook-id': 'msg_2' })).toMatchObject({ ok: false, reason: 'no signature matches' });
    expect(await check({ ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) + 1) })).toMatchObject({ ok: false });
    expect(await check({ ...headers, 'webhook-timestamp': '12.5' })).toMatchObject({ ok: false, reason: /unix seconds/ });
    expect(await check({ ...headers, 'webhook-signature': headers['webhook-signature'].replace('v1,', 'v2,') })).toMatchObject({
      ok: false,
      reason: /no v1 signature/,
    });
    expect(await check({ ...headers, 'webhook-signature': 'v1,' })).toMatchObject({ ok: false });
    const { 'webhook-id': _dropped, ...noId } = headers;
    expect(await check(noId)).toMatchObject({ ok: false, reason: /missing/ });
    expect(await verifyWebhook([generateSecret()], headers, body, at)).toMatchObject({ ok: false, reason: 'no signature matches' });
    // Header names are case-insensitive (a Headers object, or any spelling in a record).
    expect(await verifyWebhook([secret], new Headers(headers), body, at)).toMatchObject({ ok: true });
    expect(
      await verifyWebhook(
        [secret],
        { 'Webhook-Id': 'msg_1', 'WEBHOOK-TIMESTAMP': headers['webhook-timestamp'], 'webhook-signature': headers['webhook-signature'] },
        body,
        at,
      ),
    ).toMatchObject({ ok: true });
  });

  it('message ids with "." are refused on both sides (the signed text is split on it)', async () => {
    await expect(signWebhook([secret], 'a.b', body, at)).rejects.toThrow(/no "\."/);
  });
});

describe('whsec_ secrets', () => {
  it('generated ones are whsec_ + base64 of 32 random bytes, all different', () => {
    const a = generateSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(whsecIssue(a)).toBeNull();
    expect(secretKeyBytes(a).length).toBe(32);
    expect(generateSecret()).not.toBe(a);
    expect(() => generateSecret(16)).toThrow(/24/);
  });
  it('the format check names what is wrong', () => {
    expect(whsecIssue(`whsec_${btoa('x'.repeat(23))}`)).toMatch(/at least 24 random bytes \(it holds 23\)/);
    expect(whsecIssue('whsec_not base64!')).toMatch(/base64/);
    expect(whsecIssue('s3cret-s3cret-s3cret-s3cret')).toMatch(/whsec_/);
    expect(whsecIssue(`whsec_${btoa('x'.repeat(65))}`)).toMatch(/at most 64/);
  });
});
