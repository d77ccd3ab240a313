import { describe, expect, it, vi } from 'vitest';
import { newVisitorId, resetVisitorId, SIGNATURE_MEMO_SIZE, signVisitorToken, verifyVisitorToken } from './token';

const secret = 'x'.repeat(40);

describe('visitor tokens', () => {
  it('round-trips an id for the same site', async () => {
    const id = newVisitorId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const token = await signVisitorToken(secret, 'shop', id);
    expect(await verifyVisitorToken(secret, 'shop', token)).toBe(id);
  });

  it('makes a different id every time', () => {
    const ids = new Set(Array.from({ length: 1000 }, newVisitorId));
    expect(ids.size).toBe(1000);
  });

  it('refuses a token moved to another site, signed with another secret, or altered', async () => {
    const id = newVisitorId();
    const token = await signVisitorToken(secret, 'shop', id);
    expect(await verifyVisitorToken(secret, 'other', token)).toBeNull();
    expect(await verifyVisitorToken('y'.repeat(40), 'shop', token)).toBeNull();
    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect(await verifyVisitorToken(secret, 'shop', flipped)).toBeNull();
    const otherId = newVisitorId();
    expect(await verifyVisitorToken(secret, 'shop', `${otherId}${token.slice(token.indexOf('.'))}`)).toBeNull();
  });

  it('refuses malformed input without throwing', async () => {
    for (const bad of [undefined, null, '', '.', 'abc', 'a.b.c', 'x'.repeat(500), `${'a'.repeat(22)}.`]) {
      expect(await verifyVisitorToken(secret, 'shop', bad)).toBeNull();
    }
  });

  it('derives the visitor of a reset from site and marker id: the same for a resent batch, unrelated otherwise', async () => {
    const id = await resetVisitorId(secret, 'shop', 'reset-0001');
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await resetVisitorId(secret, 'shop', 'reset-0001')).toBe(id);
    expect(await resetVisitorId(secret, 'shop', 'reset-0002')).not.toBe(id);
    expect(await resetVisitorId(secret, 'other', 'reset-0001')).not.toBe(id);
    expect(await resetVisitorId('y'.repeat(40), 'shop', 'reset-0001')).not.toBe(id);
    // A usable visitor id: it signs and verifies like a random one.
    expect(await verifyVisitorToken(secret, 'shop', await signVisitorToken(secret, 'shop', id))).toBe(id);
  });

  it('computes the HMAC of a returning visitor once: verifying its token and signing the answer reuse it, per secret and site', async () => {
    const sign = vi.spyOn(crypto.subtle, 'sign');
    try {
      const id = newVisitorId();
      const token = await signVisitorToken(secret, 'shop', id);
      expect(sign).toHaveBeenCalledTimes(1);
      expect(await verifyVisitorToken(secret, 'shop', token)).toBe(id);
      expect(await signVisitorToken(secret, 'shop', id)).toBe(token);
      expect(sign).toHaveBeenCalledTimes(1);
      // Another site or secret is another HMAC, never the memo's answer.
      expect(await verifyVisitorToken(secret, 'other', token)).toBeNull();
      expect(await verifyVisitorToken('z'.repeat(40), 'shop', token)).toBeNull();
      expect(sign).toHaveBeenCalledTimes(3);
    } finally {
      sign.mockRestore();
    }
  });

  it('keeps the memo bounded: the oldest signature is computed again, and still verifies', async () => {
    const memoSecret = 'm'.repeat(40);
    const first = newVisitorId();
    const token = await signVisitorToken(memoSecret, 'shop', first);
    for (let i = 0; i < SIGNATURE_MEMO_SIZE; i++) await signVisitorToken(memoSecret, 'shop', newVisitorId());
    const sign = vi.spyOn(crypto.subtle, 'sign');
    try {
      expect(await verifyVisitorToken(memoSecret, 'shop', token)).toBe(first);
      expect(sign).toHaveBeenCalledTimes(1);
    } finally {
      sign.mockRestore();
    }
  });
});
