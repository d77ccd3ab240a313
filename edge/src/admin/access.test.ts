// The pure parts of admin/access.ts in Node: configuration, where the token comes from, and the
// JWKS cache's refetch rules (with a clock of our own). Token checks are in edge/test/admin-access.test.ts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { accessConfig, accessToken, cachedJwks } from './access';

const env = (vars: Record<string, string>) => vars as unknown as Env;

describe('accessConfig', () => {
  it('is off with neither var, and normalizes the team domain into the issuer', () => {
    expect(accessConfig(env({}))).toBeNull();
    expect(accessConfig(env({ WM_ACCESS_TEAM_DOMAIN: 'myteam.cloudflareaccess.com/', WM_ACCESS_AUD: ' aud ' }))).toEqual({
      issuer: 'https://myteam.cloudflareaccess.com',
      certsUrl: 'https://myteam.cloudflareaccess.com/cdn-cgi/access/certs',
      aud: 'aud',
      only: false,
      // Unset: every Access email no team user has is an admin, as before roles (docs/team.md).
      defaultRole: 'admin',
    });
    expect(accessConfig(env({ WM_ACCESS_TEAM_DOMAIN: 'https://t.cloudflareaccess.com', WM_ACCESS_AUD: 'a', WM_ACCESS_ONLY: '1' }))?.only).toBe(true);
  });

  it('WM_ACCESS_DEFAULT_ROLE: a role, or none to let in only the team users', () => {
    const base = { WM_ACCESS_TEAM_DOMAIN: 't.cloudflareaccess.com', WM_ACCESS_AUD: 'a' };
    expect(accessConfig(env({ ...base, WM_ACCESS_DEFAULT_ROLE: 'Viewer' }))?.defaultRole).toBe('viewer');
    expect(accessConfig(env({ ...base, WM_ACCESS_DEFAULT_ROLE: 'none' }))?.defaultRole).toBeNull();
    expect(() => accessConfig(env({ ...base, WM_ACCESS_DEFAULT_ROLE: 'owner' }))).toThrow(
      /WM_ACCESS_DEFAULT_ROLE must be one of viewer, editor, publisher, admin or none/,
    );
  });

  it('refuses half a configuration, http and paths', () => {
    expect(() => accessConfig(env({ WM_ACCESS_AUD: 'a' }))).toThrow(/both/);
    expect(() => accessConfig(env({ WM_ACCESS_TEAM_DOMAIN: 'http://t.cloudflareaccess.com', WM_ACCESS_AUD: 'a' }))).toThrow(/https/);
    expect(() => accessConfig(env({ WM_ACCESS_TEAM_DOMAIN: 'https://t.cloudflareaccess.com/x', WM_ACCESS_AUD: 'a' }))).toThrow(/https/);
  });
});

describe('accessToken', () => {
  it('prefers the header, falls back to the CF_Authorization cookie', () => {
    expect(accessToken(new Headers({ 'cf-access-jwt-assertion': 'h.p.s', cookie: 'CF_Authorization=c.p.s' }))).toBe('h.p.s');
    expect(accessToken(new Headers({ cookie: 'a=1; CF_Authorization=c.p.s; b=2' }))).toBe('c.p.s');
    expect(accessToken(new Headers({ cookie: 'XCF_Authorization=c.p.s' }))).toBeNull();
    expect(accessToken(new Headers())).toBeNull();
  });
});

describe('cachedJwks', () => {
  afterEach(() => vi.restoreAllMocks());

  async function jwk(): Promise<JsonWebKey> {
    const pair = (await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    return crypto.subtle.exportKey('jwk', pair.publicKey) as Promise<JsonWebKey>;
  }

  it('caches, refetches on an unknown kid at most every 30 s, and on expiry after 5 min', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {}); // the failed fetches below log
    const [a, b] = [await jwk(), await jwk()];
    let served = [{ kid: 'a', kty: 'RSA', n: a.n, e: a.e }];
    let status = 200;
    const fetches = vi
      .spyOn(globalThis, 'fetch')
      .mockImplementation(async () => (status === 200 ? Response.json({ keys: served }) : new Response('', { status })));
    let now = 1_000_000;
    const keys = cachedJwks(`https://cache-${Math.random()}.cloudflareaccess.com/cdn-cgi/access/certs`, () => now);

    expect(await keys('a')).toBeInstanceOf(CryptoKey);
    expect(await keys('a')).toBeInstanceOf(CryptoKey);
    expect(fetches).toHaveBeenCalledTimes(1);

    served = [...served, { kid: 'b', kty: 'RSA', n: b.n, e: b.e }];
    expect(await keys('b')).toBe('unknown-kid'); // within 30 s of the last fetch: no refetch
    expect(fetches).toHaveBeenCalledTimes(1);
    now += 31_000;
    expect(await keys('b')).toBeInstanceOf(CryptoKey); // a rotation: one refetch finds it
    expect(fetches).toHaveBeenCalledTimes(2);

    status = 500;
    now += 6 * 60_000;
    expect(await keys('a')).toBeInstanceOf(CryptoKey); // a failed refresh keeps the keys it had
    expect(fetches).toHaveBeenCalledTimes(3);
    expect(await cachedJwks('https://never-fetched.cloudflareaccess.com/cdn-cgi/access/certs')('a')).toBe('unavailable');
  });
});
