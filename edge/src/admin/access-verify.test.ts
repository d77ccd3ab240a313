// verifyAccessToken in plain Node (jose underneath): Waymark's own rules kept, with a fixed clock:
// 60 s of skew on exp/nbf/iat, RS256 only, and the key source's verdicts as reasons. The worker
// tests of the whole sign-in path are in edge/test/admin-access.test.ts.
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyAccessToken, type AccessConfig, type KeySource } from './access';

const config: AccessConfig = {
  issuer: 'https://team.cloudflareaccess.com',
  certsUrl: 'https://team.cloudflareaccess.com/cdn-cgi/access/certs',
  aud: 'aud-1',
  only: false,
  defaultRole: 'admin',
};
const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const nowS = NOW / 1000;
let pair: CryptoKeyPair;
let rs384: CryptoKeyPair;
let keys: KeySource;

const rsaPair = async (hash: string) =>
  (await crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;

// RSA key generation can take seconds on a loaded machine: once, here, with room for it.
beforeAll(async () => {
  [pair, rs384] = await Promise.all([rsaPair('SHA-256'), rsaPair('SHA-384')]);
  keys = async (kid) => (kid === 'k1' ? pair.publicKey : 'unknown-kid');
}, 60_000);

function token(claims: Record<string, unknown> = {}): Promise<string> {
  const defaults = { email: 'A@Example.com', iss: config.issuer, aud: [config.aud], iat: nowS, exp: nowS + 600 };
  return new SignJWT({ ...defaults, ...claims }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(pair.privateKey);
}

const verify = async (t: string | Promise<string>, source = keys) => verifyAccessToken(await t, config, source, NOW);

describe('verifyAccessToken', () => {
  it('accepts a good token and lower-cases its email', async () => {
    expect(await verify(token())).toEqual({ ok: true, email: 'a@example.com' });
  });

  it('allows 60 s of clock skew on exp, nbf and iat, and no more', async () => {
    expect((await verify(token({ exp: nowS - 59 }))).ok).toBe(true);
    expect(await verify(token({ exp: nowS - 60 }))).toEqual({ ok: false, reason: 'Access token refused: expired' });
    expect((await verify(token({ nbf: nowS + 60 }))).ok).toBe(true);
    expect(await verify(token({ nbf: nowS + 61 }))).toEqual({ ok: false, reason: 'Access token refused: not valid yet (nbf)' });
    expect((await verify(token({ iat: nowS + 60 }))).ok).toBe(true);
    expect(await verify(token({ iat: nowS + 61 }))).toEqual({ ok: false, reason: 'Access token refused: issued in the future (iat)' });
  });

  it('says which key problem it was', async () => {
    expect((await verify(token(), async () => 'unavailable')).ok).toBe(false);
    expect(await verify(token(), async () => 'unavailable')).toMatchObject({ reason: expect.stringMatching(/certs are unavailable/) });
    expect(await verify(token(), async () => 'unknown-kid')).toMatchObject({ reason: 'Access token refused: unknown key id k1' });
  });

  it('refuses an RS384 token before any key is looked up', async () => {
    let looked = false;
    const t = await new SignJWT({ email: 'a@example.com' })
      .setProtectedHeader({ alg: 'RS384', kid: 'k1' })
      .setIssuer(config.issuer)
      .setAudience(config.aud)
      .setExpirationTime(nowS + 60)
      .sign(rs384.privateKey);
    expect(
      await verify(t, async () => {
        looked = true;
        return 'unknown-kid';
      }),
    ).toEqual({ ok: false, reason: 'Access token refused: algorithm RS384 is not accepted (RS256 only)' });
    expect(looked).toBe(false);
  });
});
