import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseWriteKey, presentedWriteKey, verifyWriteKey, writeKeyFor } from './write-key';

const secret = 's'.repeat(40);

describe('Segment write key', () => {
  it('is derived from the secret, the site and the rotation counter', async () => {
    const key = await writeKeyFor(secret, 'shop', 0);
    expect(key).toBe(`wk_shop_0_${createHmac('sha256', secret).update('segment-write-key:shop:0').digest('base64url')}`);
    expect(parseWriteKey(key)).toEqual({ site: 'shop', version: 0 });
    expect(await writeKeyFor(secret, 'shop', 1)).not.toBe(key);
    expect(await writeKeyFor(secret, 'other', 0)).not.toBe(key);
  });

  it('verifies only the current version, with an untampered site and MAC', async () => {
    const v0 = await writeKeyFor(secret, 'shop', 0);
    const v1 = await writeKeyFor(secret, 'shop', 1);
    expect(await verifyWriteKey(secret, v0, 0)).toEqual({ site: 'shop' });
    expect(await verifyWriteKey(secret, v0, 1)).toBeNull();
    expect(await verifyWriteKey(secret, v1, 1)).toEqual({ site: 'shop' });
    expect(await verifyWriteKey(secret, v0.replace('wk_shop_', 'wk_shoq_'), 0)).toBeNull();
    expect(await verifyWriteKey('t'.repeat(40), v0, 0)).toBeNull();
    expect(await verifyWriteKey(secret, 'YOUR_WRITE_KEY', 0)).toBeNull();
  });

  it('is read from Basic auth (key as user name, empty password) or the body', () => {
    expect(presentedWriteKey(`Basic ${btoa('abc123:')}`, undefined)).toBe('abc123');
    expect(presentedWriteKey(`Basic ${btoa('abc123')}`, undefined)).toBe('abc123');
    expect(presentedWriteKey(undefined, 'body-key')).toBe('body-key');
    expect(presentedWriteKey('Bearer x', 'body-key')).toBe('body-key');
    expect(presentedWriteKey('Basic !!!', undefined)).toBeUndefined();
    expect(presentedWriteKey(undefined, 42)).toBeUndefined();
  });
});
