// Admin API tokens (issue #15 point 1): scoped Bearer tokens beside the session cookie. Scopes
// against routes, site limits, revoke and expiry, no CSRF for a token but still for a cookie,
// refusals with reasons, secrets never listed and hashed at rest, "last used", the audit actor,
// tokens never managing tokens, and every route of the Hono app having a permission rule.
import { SELF, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../protocol/admin';
import {
  ADMIN_API_BASE,
  LAST_USED_RESOLUTION_MS,
  MAX_API_TOKENS,
  ROUTE_RULES,
  routeNeed,
  type ApiTokenInfo,
  type CreateTokenBody,
  type TokenCreatedResponse,
  type TokensResponse,
} from '../../protocol/api-tokens';
import { newTokenSecret, tokenSecretHash } from '../src/admin/api-tokens';
import type { AdminStore } from '../src/admin/admin-store';
import { adminStore } from '../src/admin/objects';
import { adminApi, ADMIN_API_PREFIX } from '../src/admin/routes';
import { ADMIN_API, adminCall, adminLogin, BASE, ORIGIN, type AdminSession } from './helpers';

type ErrorBody = { error: string; issues?: { path: string; message: string }[] };

let clients = 0;
const login = () => adminLogin(`192.0.2.${150 + (++clients % 100)}`);
let names = 0;
const freshName = (what: string) => `${what} ${Date.now().toString(36)}-${++names}`;
let sites = 0;
const freshSite = () => `tok-${Date.now().toString(36)}-${++sites}`;

async function createToken(s: AdminSession, body: Partial<CreateTokenBody> & { scope: CreateTokenBody['scope'] }): Promise<TokenCreatedResponse> {
  const res = await adminCall(s, 'POST', '/tokens', { name: freshName(body.scope), ...body });
  expect(res.status).toBe(201);
  return res.json<TokenCreatedResponse>();
}

/** A call with only the token: no cookie, no CSRF header, no Origin (as curl or a CI job sends it). */
function withToken(secret: string, method: string, path: string, body?: unknown): Promise<Response> {
  return SELF.fetch(`${ADMIN_API}${path}`, {
    method,
    headers: { authorization: `Bearer ${secret}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

const segment = (value: string) => ({ name: `Likes ${value}`, condition: { pref: 'sport', test: { op: 'eq', value } } });

async function createSite(s: AdminSession, id = freshSite()): Promise<{ id: string; version: number }> {
  const res = await adminCall(s, 'PUT', `/sites/${id}`, { name: 'Token test shop', version: 0, origins: [ORIGIN], consentPolicy: 'opt-out' });
  expect(res.status).toBe(200);
  return { id, version: (await res.json<{ version: number }>()).version };
}

const versionOf = async (secret: string, site: string) => (await (await withToken(secret, 'GET', `/sites/${site}`)).json<{ version: number }>()).version;

async function listed(s: AdminSession): Promise<ApiTokenInfo[]> {
  const res = await adminCall(s, 'GET', '/tokens');
  expect(res.status).toBe(200);
  return (await res.json<TokensResponse>()).tokens;
}

describe('a token by scope', () => {
  it('read reads; writes need write; site settings and webhooks need publish', async () => {
    const s = await login();
    const site = await createSite(s);
    const read = await createToken(s, { scope: 'read' });
    const write = await createToken(s, { scope: 'write' });
    const publish = await createToken(s, { scope: 'publish' });
    expect(read.secret).toMatch(/^wm_[A-Za-z0-9_-]{43}$/);

    // read: configs and reports yes, a segment write no (403 naming the permission).
    expect((await withToken(read.secret, 'GET', '/sites')).status).toBe(200);
    expect((await withToken(read.secret, 'GET', `/sites/${site.id}`)).status).toBe(200);
    expect((await withToken(read.secret, 'GET', `/sites/${site.id}/analytics/overview`)).status).toBe(200);
    const refused = await withToken(read.secret, 'PUT', `/sites/${site.id}/segments/road`, { ...segment('road'), baseVersion: site.version });
    expect(refused.status).toBe(403);
    expect((await refused.json<ErrorBody>()).error).toBe(`PUT /sites/${site.id}/segments/road needs the write permission; this token's scope is read`);

    // write: the segment, with no CSRF header and no Origin.
    const written = await withToken(write.secret, 'PUT', `/sites/${site.id}/segments/road`, { ...segment('road'), baseVersion: site.version });
    expect(written.status).toBe(200);
    const afterWrite = (await written.json<{ version: number }>()).version;
    expect((await withToken(write.secret, 'DELETE', `/sites/${site.id}/segments/road?version=${afterWrite}`)).status).toBe(200);

    // publish routes refuse a write token, and take a publish one.
    const version = await versionOf(write.secret, site.id);
    const settings = { name: 'Renamed by CI', version, origins: [ORIGIN], consentPolicy: 'opt-out' };
    const notPublish = await withToken(write.secret, 'PUT', `/sites/${site.id}`, settings);
    expect(notPublish.status).toBe(403);
    expect((await notPublish.json<ErrorBody>()).error).toMatch(/needs the publish permission; this token's scope is write/);
    const hook = { name: 'CRM', url: 'https://crm.example/hook', events: ['track'], baseVersion: version };
    expect((await withToken(write.secret, 'PUT', `/sites/${site.id}/webhooks/crm`, hook)).status).toBe(403);
    expect((await withToken(write.secret, 'GET', `/sites/${site.id}/identify-key`)).status).toBe(403);
    expect((await withToken(publish.secret, 'PUT', `/sites/${site.id}`, settings)).status).toBe(200);
    expect((await withToken(publish.secret, 'GET', `/sites/${site.id}/identify-key`)).status).toBe(200);
    // publish grants write too.
    const v = await versionOf(publish.secret, site.id);
    expect((await withToken(publish.secret, 'PUT', `/sites/${site.id}/segments/trail`, { ...segment('trail'), baseVersion: v })).status).toBe(200);
  });

  it('never manages tokens, whatever its scope', async () => {
    const s = await login();
    const publish = await createToken(s, { scope: 'publish' });
    const create = await withToken(publish.secret, 'POST', '/tokens', { name: 'escalate', scope: 'publish' });
    expect(create.status).toBe(403);
    expect((await create.json<ErrorBody>()).error).toMatch(/needs the admin permission, which no API token has/);
    expect((await withToken(publish.secret, 'GET', '/tokens')).status).toBe(403);
    expect((await withToken(publish.secret, 'DELETE', `/tokens/${publish.token.id}`)).status).toBe(403);
    expect((await listed(s)).some((t) => t.id === publish.token.id)).toBe(true);
    // And has no session to log out of or read.
    expect((await withToken(publish.secret, 'POST', '/logout')).status).toBe(403);
    expect((await withToken(publish.secret, 'GET', '/session')).status).toBe(403);
  });
});

describe('a token limited to sites', () => {
  it('reaches only its sites, and lists only them', async () => {
    const s = await login();
    const mine = await createSite(s);
    const other = await createSite(s);
    const token = await createToken(s, { scope: 'write', sites: [mine.id] });
    expect(token.token.sites).toEqual([mine.id]);
    expect((await withToken(token.secret, 'GET', `/sites/${mine.id}`)).status).toBe(200);
    const away = await withToken(token.secret, 'GET', `/sites/${other.id}`);
    expect(away.status).toBe(403);
    expect((await away.json<ErrorBody>()).error).toBe(`this token may not reach site "${other.id}" (it is limited to ${mine.id})`);
    expect((await withToken(token.secret, 'PUT', `/sites/${other.id}/segments/x`, { ...segment('x'), baseVersion: other.version })).status).toBe(403);
    expect((await withToken(token.secret, 'POST', `/sites/${other.id}/analytics/funnel`, { steps: [{ event: 'a' }, { event: 'b' }] })).status).toBe(403);
    const list = await (await withToken(token.secret, 'GET', '/sites')).json<{ sites: { id: string }[] }>();
    expect(list.sites.map((x) => x.id)).toEqual([mine.id]);
    // An all-sites token sees both.
    const all = await createToken(s, { scope: 'read' });
    const allList = await (await withToken(all.secret, 'GET', '/sites')).json<{ sites: { id: string }[] }>();
    expect(allList.sites.map((x) => x.id)).toEqual(expect.arrayContaining([mine.id, other.id]));
  });
});

describe('refused tokens', () => {
  it('a revoked token is a 401 at once', async () => {
    const s = await login();
    const token = await createToken(s, { scope: 'read' });
    expect((await withToken(token.secret, 'GET', '/sites')).status).toBe(200);
    expect((await adminCall(s, 'DELETE', `/tokens/${token.token.id}`)).status).toBe(204);
    const res = await withToken(token.secret, 'GET', '/sites');
    expect(res.status).toBe(401);
    expect((await res.json<ErrorBody>()).error).toBe('unknown or revoked API token');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="waymark-admin", error="invalid_token"/);
    expect((await listed(s)).some((t) => t.id === token.token.id)).toBe(false);
    expect((await adminCall(s, 'DELETE', `/tokens/${token.token.id}`)).status).toBe(404);
    expect((await adminCall(s, 'DELETE', '/tokens/not-an-id')).status).toBe(400);
  });

  it('an expired token is a 401 that says so', async () => {
    const s = await login();
    const token = await createToken(s, { scope: 'read', expiresInDays: 7 });
    const expiresAt = Date.parse(token.token.expiresAt ?? '');
    expect(expiresAt - Date.now()).toBeGreaterThan(6.9 * 24 * 3600_000);
    expect((await withToken(token.secret, 'GET', '/sites')).status).toBe(200);
    // Time passes: the expiry moves into the past.
    const past = Date.now() - 1000;
    await runInDurableObject(adminStore(env), (_instance, state) =>
      state.storage.sql.exec('UPDATE api_tokens SET expires_at = ? WHERE id = ?', past, token.token.id),
    );
    const res = await withToken(token.secret, 'GET', '/sites');
    expect(res.status).toBe(401);
    expect((await res.json<ErrorBody>()).error).toBe(`API token "${token.token.name}" expired at ${new Date(past).toISOString()}`);
  });

  it.each([
    ['Bearer', /no token after "Bearer"/],
    ['Bearer wm_tooshort', /malformed API token/],
    ['wm_' + 'a'.repeat(43), /no scheme/],
    ['Token wm_' + 'a'.repeat(43), /scheme "Token" is not accepted/],
  ])('a malformed Authorization header (%s) is a 401 with the reason', async (header, reason) => {
    const res = await SELF.fetch(`${ADMIN_API}/sites`, { headers: { authorization: header } });
    expect(res.status).toBe(401);
    expect((await res.json<ErrorBody>()).error).toMatch(reason);
  });

  it('a bad token never falls back to a good session cookie', async () => {
    const s = await login();
    const res = await SELF.fetch(`${ADMIN_API}/sites`, { headers: { cookie: s.cookie, authorization: `Bearer wm_${'b'.repeat(43)}` } });
    expect(res.status).toBe(401);
    expect((await res.json<ErrorBody>()).error).toBe('unknown or revoked API token');
    // Another scheme's credential (HTTP Basic from a gate in front) is not ours: the cookie decides.
    expect((await SELF.fetch(`${ADMIN_API}/sites`, { headers: { cookie: s.cookie, authorization: 'Basic dXNlcjpwYXNz' } })).status).toBe(200);
    expect((await SELF.fetch(`${ADMIN_API}/sites`, { headers: { authorization: 'Basic dXNlcjpwYXNz' } })).status).toBe(401);
  });
});

describe('CSRF and Origin', () => {
  it('a token needs neither, even from a foreign Origin; a cookie still needs both', async () => {
    const s = await login();
    const site = await createSite(s);
    const token = await createToken(s, { scope: 'write' });
    const body = JSON.stringify({ ...segment('road'), baseVersion: site.version });
    const viaToken = await SELF.fetch(`${ADMIN_API}/sites/${site.id}/segments/road`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token.secret}`, 'content-type': 'application/json', origin: 'https://ci.example' },
      body,
    });
    expect(viaToken.status).toBe(200);
    const version = (await viaToken.json<{ version: number }>()).version;
    const cookieNoCsrf = await SELF.fetch(`${ADMIN_API}/sites/${site.id}/segments/road`, {
      method: 'PUT',
      headers: { cookie: s.cookie, 'content-type': 'application/json', origin: BASE },
      body: JSON.stringify({ ...segment('road'), baseVersion: version }),
    });
    expect(cookieNoCsrf.status).toBe(403);
    expect((await cookieNoCsrf.json<ErrorBody>()).error).toMatch(/X-WM-CSRF/);
    const cookieForeign = await SELF.fetch(`${ADMIN_API}/sites/${site.id}/segments/road`, {
      method: 'PUT',
      headers: { cookie: s.cookie, 'x-wm-csrf': s.csrf, 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ ...segment('road'), baseVersion: version }),
    });
    expect(cookieForeign.status).toBe(403);
  });

  it('managing tokens from a session needs the CSRF header', async () => {
    const s = await login();
    const res = await SELF.fetch(`${ADMIN_API}/tokens`, {
      method: 'POST',
      headers: { cookie: s.cookie, origin: BASE, 'content-type': 'application/json' },
      body: JSON.stringify({ name: freshName('csrf'), scope: 'read' }),
    });
    expect(res.status).toBe(403);
  });
});

describe('token records', () => {
  it('the list never holds the secret or its hash; the table holds the hash, not the secret', async () => {
    const s = await login();
    const { token, secret } = await createToken(s, { scope: 'read', sites: ['demo'] });
    const res = await adminCall(s, 'GET', '/tokens');
    const text = await res.text();
    const hash = await tokenSecretHash(secret);
    expect(text).toContain(token.id);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(secret.slice(3));
    expect(text).not.toContain(hash);
    const entry = (JSON.parse(text) as TokensResponse).tokens.find((t) => t.id === token.id);
    expect(entry).toEqual({ ...token, lastUsedAt: null });
    expect(Object.keys(entry ?? {}).sort()).toEqual(['createdAt', 'createdBy', 'expiresAt', 'id', 'lastUsedAt', 'name', 'scope', 'sites']);
    expect(entry?.createdBy).toBe('user:admin');
    const stored = await runInDurableObject(adminStore(env), (_instance, state) =>
      state.storage.sql.exec<Record<string, SqlStorageValue>>('SELECT * FROM api_tokens WHERE id = ?', token.id).one(),
    );
    expect(stored['secret_hash']).toBe(hash);
    expect(JSON.stringify(stored)).not.toContain(secret.slice(3));
  });

  it('"last used" is set on use and written at most once a minute', async () => {
    const s = await login();
    const { token, secret } = await createToken(s, { scope: 'read' });
    const lastUsed = async () => (await listed(s)).find((t) => t.id === token.id)?.lastUsedAt ?? null;
    expect(await lastUsed()).toBeNull();
    const before = Date.now();
    expect((await withToken(secret, 'GET', '/sites')).status).toBe(200);
    const first = await lastUsed();
    expect(Date.parse(first ?? '')).toBeGreaterThanOrEqual(before - 5);
    expect((await withToken(secret, 'GET', '/sites')).status).toBe(200);
    expect(await lastUsed()).toBe(first);
    // A minute later (moved back in the table), the next use writes again.
    const aMinuteAgo = Date.now() - LAST_USED_RESOLUTION_MS;
    await runInDurableObject(adminStore(env), (_instance, state) =>
      state.storage.sql.exec('UPDATE api_tokens SET last_used_at = ? WHERE id = ?', aMinuteAgo, token.id),
    );
    expect((await withToken(secret, 'GET', '/sites')).status).toBe(200);
    expect(Date.parse((await lastUsed()) ?? '')).toBeGreaterThan(aMinuteAgo);
  });

  it('the audit log names the token that wrote', async () => {
    const s = await login();
    const site = await createSite(s);
    const { token, secret } = await createToken(s, { scope: 'write' });
    expect((await withToken(secret, 'PUT', `/sites/${site.id}/segments/road`, { ...segment('road'), baseVersion: site.version })).status).toBe(200);
    const audit = await (await withToken(secret, 'GET', `/sites/${site.id}/audit`)).json<{ entries: AuditEntry[] }>();
    expect(audit.entries[0]).toMatchObject({ who: `token:${token.name}`, path: `sites/${site.id}/segments/road` });
    expect(audit.entries.at(-1)?.who).toBe('user:admin');
  });

  it('names are validated and unique; bad bodies are 400s with issues', async () => {
    const s = await login();
    const name = freshName('unique');
    expect((await adminCall(s, 'POST', '/tokens', { name, scope: 'read' })).status).toBe(201);
    const twice = await adminCall(s, 'POST', '/tokens', { name, scope: 'write' });
    expect(twice.status).toBe(409);
    expect((await twice.json<ErrorBody>()).issues?.[0]?.path).toBe('name');
    const bad = await adminCall(s, 'POST', '/tokens', { name: '<b>', scope: 'admin', sites: [] });
    expect(bad.status).toBe(400);
    expect((await bad.json<ErrorBody>()).issues?.map((i) => i.path).sort()).toEqual(['name', 'scope', 'sites']);
  });

  it(`at most ${MAX_API_TOKENS} tokens`, async () => {
    const s = await login();
    // Fill up to the limit straight through the object (a hundred HTTP round trips would be slow).
    const made = await runInDurableObject(adminStore(env), async (store: AdminStore) => {
      const ids: string[] = [];
      for (let n = (await store.listApiTokens()).length; n < MAX_API_TOKENS; n++) {
        const secretHash = await tokenSecretHash(newTokenSecret());
        const created = await store.createApiToken({ name: freshName('filler'), scope: 'read', sites: null, expiresAt: null, createdBy: 'test', secretHash });
        if (created.ok) ids.push(created.token.id);
      }
      return ids;
    });
    expect((await listed(s)).length).toBe(MAX_API_TOKENS);
    const over = await adminCall(s, 'POST', '/tokens', { name: freshName('over'), scope: 'read' });
    expect(over.status).toBe(409);
    expect((await over.json<ErrorBody>()).error).toBe(`the limit of ${MAX_API_TOKENS} tokens is reached: revoke one you no longer use first`);
    expect((await adminCall(s, 'DELETE', `/tokens/${made[0]}`)).status).toBe(204);
    await runInDurableObject(adminStore(env), async (store: AdminStore) => Promise.all(made.slice(1).map((id) => store.revokeApiToken(id))));
    expect((await adminCall(s, 'POST', '/tokens', { name: freshName('again'), scope: 'read' })).status).toBe(201);
  });
});

// ---- every route of the admin app has a permission rule -------------------------------------------

describe('the permission table covers the admin app', () => {
  const concrete = (path: string) =>
    path
      .replace(/:site\b/g, 'demo')
      .replace(/:collection\b/g, 'segments')
      .replace(/:[A-Za-z]+/g, 'probe');
  // Middleware (`use`) and the unknown-route 404 are ALL on a wildcard; every other route is a real one.
  const routes = adminApi.routes.filter((r) => !(r.method === 'ALL' && r.path.endsWith('*')));

  it('is mounted where the rules say', () => {
    expect(ADMIN_API_PREFIX).toBe(ADMIN_API_BASE);
  });

  it('finds the app’s routes', () => {
    const names = routes.map((r) => `${r.method} ${r.path}`);
    for (const known of ['GET /sites', 'PUT /sites/:site', 'POST /tokens', 'DELETE /tokens/:id', 'POST /sites/:site/analytics/funnel'])
      expect(names).toContain(known);
    expect(routes.length).toBeGreaterThanOrEqual(20);
  });

  it('every route has a rule (a new route without one fails here)', () => {
    const missing = routes.filter((r) => routeNeed(r.method, concrete(r.path)).rule === null).map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
  });

  it('every rule names a route of the app (no stale rules)', () => {
    const stale = ROUTE_RULES.filter((rule) => !routes.some((r) => r.method === rule.method && matchesPattern(r.path, concrete(rule.path)))).map(
      (r) => `${r.method} ${r.path}`,
    );
    expect(stale).toEqual([]);
  });
});

/** Whether a Hono path pattern (`:x` one segment) matches a concrete path. */
function matchesPattern(pattern: string, path: string): boolean {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  return p.length === s.length && p.every((part, i) => part.startsWith(':') || part === s[i]);
}
