import { describe, expect, it } from 'vitest';
import { signUnsubscribe, unsubscribeUrl, verifyUnsubscribe, type UnsubscribeClaim } from './unsubscribe';

const SECRET = 'test-secret-0123456789-0123456789';
const now = 1_800_000_000_000;
const claim: UnsubscribeClaim = { site: 'shop', address: 'ada@example.com', profile: { kind: 'u', id: 'user-1' }, expiresAt: now + 1000 };

describe('unsubscribe token', () => {
  it('round-trips and is bound to its site', async () => {
    const token = await signUnsubscribe(SECRET, claim);
    expect(await verifyUnsubscribe(SECRET, 'shop', token, now)).toEqual({ ok: true, claim });
    expect(await verifyUnsubscribe(SECRET, 'other', token, now)).toMatchObject({ ok: false, status: 403 });
    expect(await verifyUnsubscribe('another-secret-0123456789-012345', 'shop', token, now)).toMatchObject({ ok: false, status: 403 });
    expect(unsubscribeUrl('https://shop.example.com', 'shop', token)).toBe(`https://shop.example.com/_wm/email/unsubscribe?site=shop&t=${token}`);
  });

  it('refuses changed, malformed and expired tokens with a 4xx reason', async () => {
    const token = await signUnsubscribe(SECRET, claim);
    const [payload, sig] = token.split('.') as [string, string];
    const forged = btoa(JSON.stringify({ s: 'shop', a: 'eve@example.com', k: 'u', p: 'user-1', e: now + 1000 }))
      .replace(/=+$/, '')
      .replace(/\+/g, '-')
      .replace(/\//g, '_');
    expect(await verifyUnsubscribe(SECRET, 'shop', `${forged}.${sig}`, now)).toMatchObject({ ok: false, status: 403 });
    expect(await verifyUnsubscribe(SECRET, 'shop', `${payload}.${sig.slice(1)}x`, now)).toMatchObject({ ok: false, status: 403 });
    for (const bad of ['', 'abc', `${payload}`, `${payload}.${sig}.x`, '<script>.x']) {
      expect(await verifyUnsubscribe(SECRET, 'shop', bad, now)).toMatchObject({ ok: false, status: 400 });
    }
    expect(await verifyUnsubscribe(SECRET, 'shop', token, now + 1001)).toMatchObject({ ok: false, status: 410 });
  });
});
