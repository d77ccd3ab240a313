/**
 * Cloudflare Access as a way into the admin API (edge/src/admin/access.ts, auth.ts). The worker is
 * called directly with the Access vars added to its env; the team's JWKS is served by a mocked
 * fetch from an RSA key pair made here. Each test uses a team domain of its own, so the isolate's
 * JWKS cache never carries over between tests.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuditEntry } from '../src/admin/audit';
import type { AccessVars } from '../src/admin/access';
import { toBase64Url } from '../src/admin/password';
import worker from '../src/index';
import { BASE, ORIGIN } from './helpers';

const API = `${BASE}/_wm/admin/api`;
const AUD = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const KID = 'kid-current';
const EMAIL = 'Marketer@Example.com';

type Keys = { privateKey: CryptoKey; jwk: JsonWebKey };
let signer: Keys;
let stranger: Keys;

async function rsaKeys(): Promise<Keys> {
  const pair = (await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  return { privateKey: pair.privateKey, jwk: (await crypto.subtle.exportKey('jwk', pair.publicKey)) as JsonWebKey };
}

beforeAll(async () => {
  signer = await rsaKeys();
  stranger = await rsaKeys();
});

afterEach(() => vi.restoreAllMocks());

let teams = 0;
/** A team of its own: domain, the Access vars, and how often its certs were fetched. */
function team(extra: Record<string, string> = {}, certsStatus = 200) {
  const domain = `https://team${++teams}-${Date.now().toString(36)}.cloudflareaccess.com`;
  const fetched: string[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = new Request(input, init).url;
    fetched.push(url);
    if (url !== `${domain}/cdn-cgi/access/certs`) return new Response('not found', { status: 404 });
    if (certsStatus !== 200) return new Response('down', { status: certsStatus });
    const { kty, n, e } = signer.jwk;
    return Response.json({ keys: [{ kid: KID, kty, alg: 'RS256', use: 'sig', n, e }], public_cert: { kid: KID, cert: '-----BEGIN CERTIFICATE-----' } });
  });
  return { domain, fetched, env: { ...env, WM_ACCESS_TEAM_DOMAIN: domain, WM_ACCESS_AUD: AUD, ...extra } };
}

const part = (value: unknown) => toBase64Url(new TextEncoder().encode(JSON.stringify(value)));

/** An Access token as Cloudflare makes one, with `claims` and `header` overriding the defaults. */
async function token(domain: string, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, key = signer.privateKey): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const head = part({ alg: 'RS256', kid: KID, typ: 'JWT', ...header });
  const body = part({
    aud: [AUD],
    email: EMAIL,
    exp: now + 3600,
    iat: now,
    nbf: now,
    iss: domain,
    type: 'app',
    identity_nonce: 'x',
    sub: 'u-1',
    country: 'NL',
    ...claims,
  });
  const sig = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, new TextEncoder().encode(`${head}.${body}`));
  return `${head}.${body}.${toBase64Url(new Uint8Array(sig))}`;
}

type AccessEnv = Env & AccessVars;

async function send(
  e: AccessEnv,
  method: string,
  path: string,
  init: { jwt?: string; cookie?: string; csrf?: string; body?: unknown; client?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { origin: BASE, 'cf-connecting-ip': init.client ?? `203.0.113.${(teams % 250) + 1}` };
  if (init.jwt) headers['cf-access-jwt-assertion'] = init.jwt;
  if (init.cookie) headers.cookie = init.cookie;
  if (init.csrf) headers['x-wm-csrf'] = init.csrf;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${API}${path}`, { method, headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) }),
    e,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

type LoginBody = { user: string; csrfToken: string; error?: string };
const cookieOf = (res: Response) => `wm_admin=${res.headers.get('set-cookie')?.match(/wm_admin=([^;]+)/)?.[1] ?? ''}`;

describe('admin API: Cloudflare Access', () => {
  it('a valid Access token signs in as its email, and writes are audited under that email', async () => {
    const t = team();
    const jwt = await token(t.domain);
    const options = await send(t.env, 'GET', '/login', { jwt });
    expect(await options.json()).toEqual({ password: true, access: { email: 'marketer@example.com', reason: null } });

    const res = await send(t.env, 'POST', '/login', { jwt, body: {} });
    const body = await res.json<LoginBody>();
    expect(res.status, body.error).toBe(200);
    expect(body.user).toBe('marketer@example.com');
    const s = { cookie: cookieOf(res), csrf: body.csrfToken };
    expect((await (await send(t.env, 'GET', '/session', s)).json<LoginBody>()).user).toBe('marketer@example.com');

    const site = `acc-${Date.now().toString(36)}`;
    const put = await send(t.env, 'PUT', `/sites/${site}`, { ...s, body: { name: 'Access shop', version: 0, origins: [ORIGIN], consentPolicy: 'opt-out' } });
    expect(put.status).toBe(200);
    // Writes still need the CSRF token, Access or not.
    expect(
      (await send(t.env, 'PUT', `/sites/${site}`, { cookie: s.cookie, jwt, body: { name: 'x', version: 1, origins: [ORIGIN], consentPolicy: 'opt-out' } }))
        .status,
    ).toBe(403);
    const audit = await (await send(t.env, 'GET', `/sites/${site}/audit`, s)).json<{ entries: AuditEntry[] }>();
    expect(audit.entries.map((a) => a.who)).toEqual(['user:marketer@example.com']);
    expect(t.fetched).toEqual([`${t.domain}/cdn-cgi/access/certs`]); // cached across the requests
  });

  it('takes the token from the CF_Authorization cookie too', async () => {
    const t = team();
    const res = await send(t.env, 'POST', '/login', { cookie: `other=1; CF_Authorization=${await token(t.domain)}`, body: {} });
    expect(res.status).toBe(200);
  });

  it('refuses bad tokens with a 401 that says why', async () => {
    const t = team();
    const now = Math.floor(Date.now() / 1000);
    const good = await token(t.domain);
    const [head, body] = good.split('.');
    const cases: [string, string, RegExp][] = [
      ['wrong aud', await token(t.domain, { aud: ['someone-else'] }), /audience/],
      ['wrong iss', await token(t.domain, { iss: 'https://evil.cloudflareaccess.com' }), /issuer https:\/\/evil/],
      ['expired', await token(t.domain, { exp: now - 120, iat: now - 3720, nbf: now - 3720 }), /expired/],
      ['not yet valid', await token(t.domain, { nbf: now + 600 }), /nbf/],
      ['no email', await token(t.domain, { email: undefined, common_name: 'svc.access' }), /no email/],
      ['bad signature', await token(t.domain, {}, {}, stranger.privateKey), /bad signature/],
      ['tampered claims', `${head}.${part({ aud: [AUD], email: 'boss@example.com', exp: now + 60, iss: t.domain })}.${good.split('.')[2]}`, /bad signature/],
      ['unknown kid', await token(t.domain, {}, { kid: 'kid-nobody-knows' }), /unknown key id kid-nobody-knows/],
      ['alg none', `${part({ alg: 'none', kid: KID })}.${body}.`, /algorithm none is not accepted/],
      ['alg HS256', `${part({ alg: 'HS256', kid: KID })}.${body}.${toBase64Url(new Uint8Array(32))}`, /algorithm HS256/],
      ['no kid', await token(t.domain, {}, { kid: undefined }), /no key id/],
      ['malformed', 'not-a-jwt', /malformed/],
      ['malformed header', `!!.${body}.sig`, /malformed header/],
      ['malformed claims', `${head}.${part({ aud: 5 })}.${good.split('.')[2]}`, /malformed claims/],
    ];
    for (const [name, jwt, reason] of cases) {
      const res = await send(t.env, 'POST', '/login', { jwt, body: {} });
      expect(res.status, name).toBe(401);
      expect((await res.json<{ error: string }>()).error, name).toMatch(reason);
      expect(res.headers.get('set-cookie'), name).toBeNull();
    }
    // The unknown kid did not refetch the certs right after the first fetch (no fetch floods).
    expect(t.fetched).toHaveLength(1);
  });

  it('says so when no token came with the request, or when the certs cannot be fetched', async () => {
    const t = team();
    const none = await send(t.env, 'POST', '/login', { body: {} });
    expect(none.status).toBe(401);
    expect((await none.json<{ error: string }>()).error).toMatch(/no Cloudflare Access token/);

    const down = team({}, 503);
    const res = await send(down.env, 'POST', '/login', { jwt: await token(down.domain), body: {} });
    expect(res.status).toBe(401);
    expect((await res.json<{ error: string }>()).error).toMatch(/certs are unavailable/);
  });

  it('the Access token alone opens no API route: a session is still needed', async () => {
    const t = team();
    const jwt = await token(t.domain);
    for (const [method, path] of [
      ['GET', '/sites'],
      ['GET', '/session'],
      ['PUT', '/sites/demo'],
    ] as const) {
      const res = await send(t.env, method, path, { jwt, ...(method === 'PUT' ? { body: { version: 1 } } : {}) });
      expect(res.status, `${method} ${path}`).toBe(401);
    }
  });

  it('keeps the password working unless WM_ACCESS_ONLY=1', async () => {
    const t = team();
    const res = await send(t.env, 'POST', '/login', { body: { password: 'waymark-demo' }, client: '203.0.113.251' });
    expect(res.status).toBe(200);
    expect((await res.json<LoginBody>()).user).toBe('admin');
  });

  it('WM_ACCESS_ONLY=1: no password login, and every request re-proves the Access identity', async () => {
    const t = team({ WM_ACCESS_ONLY: '1' });
    const jwt = await token(t.domain);
    expect(await (await send(t.env, 'GET', '/login', { jwt })).json()).toMatchObject({ password: false, access: { email: 'marketer@example.com' } });
    const refused = await send(t.env, 'POST', '/login', { body: { password: 'waymark-demo' }, client: '203.0.113.252' });
    expect(refused.status).toBe(403);
    expect((await refused.json<{ error: string }>()).error).toMatch(/WM_ACCESS_ONLY/);

    const res = await send(t.env, 'POST', '/login', { jwt, body: {} });
    const s = { cookie: cookieOf(res), csrf: (await res.json<LoginBody>()).csrfToken };
    expect((await send(t.env, 'GET', '/sites', { ...s, jwt })).status).toBe(200);
    const bare = await send(t.env, 'GET', '/sites', s);
    expect(bare.status).toBe(401);
    expect((await bare.json<{ error: string }>()).error).toMatch(/no Cloudflare Access token/);
    const other = await send(t.env, 'GET', '/sites', { ...s, jwt: await token(t.domain, { email: 'someone@example.com' }) });
    expect(other.status).toBe(401);
    expect((await other.json<{ error: string }>()).error).toMatch(/identity changed/);
  });

  it('not configured: the Access token is ignored and the password is the only way in', async () => {
    const t = team();
    const jwt = await token(t.domain);
    expect(await (await send(env, 'GET', '/login', { jwt })).json()).toEqual({ password: true, access: null });
    const res = await send(env, 'POST', '/login', { jwt, body: {} });
    expect(res.status).toBe(400);
    expect((await send(env, 'GET', '/sites', { jwt })).status).toBe(401);
    expect(t.fetched).toEqual([]);
  });

  it('half a configuration is reported as such', async () => {
    const res = await send({ ...env, WM_ACCESS_AUD: AUD }, 'POST', '/login', { body: {} });
    expect(res.status).toBe(503);
    expect((await res.json<{ error: string }>()).error).toMatch(/WM_ACCESS_TEAM_DOMAIN and WM_ACCESS_AUD/);
  });
});
