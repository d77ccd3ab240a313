import { describe, expect, it } from 'vitest';
import { newQaLinkId, qaParamOf, signQaToken, verifyQaToken, withoutQaParam } from './token';

const SECRET = 'test-secret-that-is-long-enough-0123456789';
const NOW = Date.UTC(2026, 11, 7);
const DAY = 86_400_000;

describe('QA tokens', () => {
  it('verifies its own token until it expires, and gives back the link id and expiry', async () => {
    const id = newQaLinkId();
    const token = await signQaToken(SECRET, 'shop', id, NOW + 7 * DAY);
    expect(token).toMatch(/^wq_/);
    expect(token.length).toBeLessThan(80);
    expect(await verifyQaToken(SECRET, 'shop', token, NOW)).toEqual({ id, expiresAt: NOW + 7 * DAY });
    expect(await verifyQaToken(SECRET, 'shop', token, NOW + 7 * DAY - 1000)).not.toBeNull();
    expect(await verifyQaToken(SECRET, 'shop', token, NOW + 7 * DAY)).toBeNull();
  });

  it('refuses a token of another site, another secret, a changed expiry or signature, and garbage', async () => {
    const id = newQaLinkId();
    const token = await signQaToken(SECRET, 'shop', id, NOW + DAY);
    expect(await verifyQaToken(SECRET, 'blog', token, NOW)).toBeNull();
    expect(await verifyQaToken(`${SECRET}x`, 'shop', token, NOW)).toBeNull();
    const [head, expiry, sig] = token.split('.') as [string, string, string];
    const later = (parseInt(expiry, 36) + 86_400).toString(36);
    expect(await verifyQaToken(SECRET, 'shop', `${head}.${later}.${sig}`, NOW)).toBeNull();
    const flipped = sig.startsWith('A') ? `B${sig.slice(1)}` : `A${sig.slice(1)}`;
    expect(await verifyQaToken(SECRET, 'shop', `${head}.${expiry}.${flipped}`, NOW)).toBeNull();
    for (const bad of ['', 'wq_', 'nonsense', `${token}x`, token.slice(3), undefined, null]) expect(await verifyQaToken(SECRET, 'shop', bad, NOW)).toBeNull();
  });

  it('finds and strips the parameter from page URLs', () => {
    expect(qaParamOf('https://a.example/p?x=1&wm_qa=abc', 'wm_qa')).toBe('abc');
    expect(qaParamOf('https://a.example/p?x=1', 'wm_qa')).toBeNull();
    expect(qaParamOf('not a url wm_qa=1', 'wm_qa')).toBeNull();
    expect(withoutQaParam('https://a.example/p?x=1&wm_qa=abc#h', 'wm_qa')).toBe('https://a.example/p?x=1#h');
    expect(withoutQaParam('https://a.example/p?x=1', 'wm_qa')).toBeNull();
  });
});
