/**
 * The team (docs/team.md, issue #12 point 4) in workerd: invitations (single use, expiry, revoke),
 * name + password logins, the role looked up on every request (a demotion counts on the next one, a
 * removed user's session ends), the last admin, per-user sites, the audit log naming the user, and
 * Cloudflare Access emails mapped to roles. The role → permission → route mapping is proven by
 * signing in as each role and calling one route of each access level. Timeouts are generous: each
 * invitation accepted hashes a password with PBKDF2, slow on a busy shared machine.
 */
import { createExecutionContext, env, runInDurableObject, SELF, waitOnExecutionContext } from 'cloudflare:test';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SessionResponse } from '../../protocol/admin';
import type { InvitationCreatedResponse, InvitationsResponse, Role, UsersResponse } from '../../protocol/team';
import type { AccessVars } from '../src/admin/access';
import type { AdminStore } from '../src/admin/admin-store';
import { toBase64Url } from '../src/admin/password';
import worker from '../src/index';
import { ADMIN_API, adminCall, adminLogin, BASE, ORIGIN, type AdminSession } from './helpers';

type ErrorBody = { error: string };
let clients = 0;
const ip = () => `203.0.113.${++clients % 250}`;
const admin = () => adminLogin(ip());
let n = 0;
const fresh = (what: string) => `${what}-${Date.now().toString(36)}-${++n}`;
const PASSWORD = 'correct horse battery';

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return SELF.fetch(`${ADMIN_API}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: BASE, 'cf-connecting-ip': ip(), ...headers },
    body: JSON.stringify(body),
  });
}

/** The session a login/accept answer started. */
async function sessionOf(res: Response): Promise<AdminSession & { body: SessionResponse }> {
  expect(res.status, await res.clone().text()).toBe(200);
  const body = await res.json<SessionResponse>();
  const cookie = res.headers.get('set-cookie')?.match(/wm_admin=([^;]+)/)?.[1];
  if (!cookie) throw new Error('no session cookie');
  return { cookie: `wm_admin=${cookie}`, csrf: body.csrfToken, body };
}

async function invite(s: AdminSession, role: Role, extra: Record<string, unknown> = {}): Promise<InvitationCreatedResponse> {
  const res = await adminCall(s, 'POST', '/invitations', { name: fresh(role), role, ...extra });
  expect(res.status, await res.clone().text()).toBe(201);
  return res.json<InvitationCreatedResponse>();
}

/** A team member of `role`, invited by the built-in admin and signed in through the link. */
async function member(s: AdminSession, role: Role, extra: Record<string, unknown> = {}) {
  const inv = await invite(s, role, extra);
  const session = await sessionOf(await post('/invite/accept', { token: inv.token, password: PASSWORD }));
  return { ...session, name: inv.invitation.name };
}

let sites = 0;
async function createSite(s: AdminSession): Promise<{ id: string; version: number }> {
  const id = `team-${Date.now().toString(36)}-${++sites}`;
  const res = await adminCall(s, 'PUT', `/sites/${id}`, { name: 'Team test shop', version: 0, origins: [ORIGIN], consentPolicy: 'opt-out' });
  expect(res.status).toBe(200);
  return { id, version: (await res.json<{ version: number }>()).version };
}
const segment = (value: string) => ({ name: `Likes ${value}`, condition: { pref: 'sport', test: { op: 'eq', value } } });
const versionOf = async (s: AdminSession, site: string) => (await (await adminCall(s, 'GET', `/sites/${site}`)).json<{ version: number }>()).version;

const store = () => env.ADMIN.get(env.ADMIN.idFromName('admin'));

describe('invitations', { timeout: 30_000 }, () => {
  it('a link signs up one user, once: check, accept (signed in with the role), then 404', async () => {
    const s = await admin();
    const inv = await invite(s, 'editor');
    expect(inv.link).toBe(`${BASE}/_wm/dashboard/#/invite/${inv.token}`);
    const listed = (await (await adminCall(s, 'GET', '/invitations')).json<InvitationsResponse>()).invitations;
    expect(listed.find((i) => i.id === inv.invitation.id)).toMatchObject({ role: 'editor', createdBy: 'user:admin' });
    // The list never carries the token, and the store keeps only its hash.
    expect(JSON.stringify(listed)).not.toContain(inv.token);
    const rows = await runInDurableObject(store(), (_: AdminStore, state) => state.storage.sql.exec('SELECT * FROM invitations').toArray());
    expect(JSON.stringify(rows)).not.toContain(inv.token);

    const check = await post('/invite/check', { token: inv.token });
    expect(await check.json()).toMatchObject({ name: inv.invitation.name, role: 'editor' });
    const weak = await post('/invite/accept', { token: inv.token, password: 'short' });
    expect(weak.status).toBe(400);
    const joined = await sessionOf(await post('/invite/accept', { token: inv.token, password: PASSWORD }));
    expect(joined.body).toMatchObject({ user: inv.invitation.name, role: 'editor', permission: 'write' });
    expect(await (await adminCall(joined, 'GET', '/session')).json()).toMatchObject({ user: inv.invitation.name, role: 'editor' });

    const again = await post('/invite/accept', { token: inv.token, password: PASSWORD });
    expect(again.status).toBe(404);
    expect((await again.json<ErrorBody>()).error).toMatch(/already used, was revoked/);
    expect((await adminCall(s, 'GET', '/invitations')).status).toBe(200);
    const after = (await (await adminCall(s, 'GET', '/invitations')).json<InvitationsResponse>()).invitations;
    expect(after.some((i) => i.id === inv.invitation.id)).toBe(false);
    const users = (await (await adminCall(s, 'GET', '/users')).json<UsersResponse>()).users;
    expect(users[0]).toMatchObject({ name: 'admin', builtIn: true, role: 'admin' });
    expect(users.find((u) => u.name === inv.invitation.name)).toMatchObject({ role: 'editor', signIn: 'password', builtIn: false, createdBy: 'user:admin' });
  });

  it('an expired link is refused (410) and a revoked one is gone (404)', async () => {
    const s = await admin();
    const old = await invite(s, 'viewer');
    await runInDurableObject(store(), (_: AdminStore, state) => {
      state.storage.sql.exec('UPDATE invitations SET expires_at = ? WHERE id = ?', Date.now() - 1, old.invitation.id);
    });
    for (const [path, body] of [
      ['/invite/check', { token: old.token }],
      ['/invite/accept', { token: old.token, password: PASSWORD }],
    ] as const) {
      const res = await post(path, body);
      expect(res.status).toBe(410);
      expect((await res.json<ErrorBody>()).error).toMatch(/expired/);
    }
    const revoked = await invite(s, 'viewer');
    expect((await adminCall(s, 'DELETE', `/invitations/${revoked.invitation.id}`)).status).toBe(204);
    expect((await post('/invite/accept', { token: revoked.token, password: PASSWORD })).status).toBe(404);
    expect((await post('/invite/check', { token: toBase64Url(new Uint8Array(32)) })).status).toBe(404);
  });

  it('the link routes refuse a foreign Origin; a second invitation for a pending name is a 409', async () => {
    const s = await admin();
    const inv = await invite(s, 'viewer');
    expect((await post('/invite/check', { token: inv.token }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await post('/invite/accept', { token: inv.token, password: PASSWORD }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await post('/invite/check', { token: inv.token })).status).toBe(200);
    const dup = await adminCall(s, 'POST', '/invitations', { name: inv.invitation.name, role: 'admin' });
    expect(dup.status).toBe(409);
    expect((await dup.json<ErrorBody>()).error).toMatch(/pending invitation/);
  });
});

describe('sign in by name and password', { timeout: 30_000 }, () => {
  it('a team user signs in with name + password; a wrong password or unknown name is a 401; no name is the built-in admin', async () => {
    const s = await admin();
    const ed = await member(s, 'publisher');
    const back = await sessionOf(await post('/login', { name: ed.name.toUpperCase(), password: PASSWORD }));
    expect(back.body).toMatchObject({ user: ed.name, role: 'publisher', permission: 'publish' });
    expect((await post('/login', { name: ed.name, password: 'wrong password!' })).status).toBe(401);
    const unknown = await post('/login', { name: 'nobody-at-all', password: PASSWORD });
    expect(unknown.status).toBe(401);
    expect((await unknown.json<ErrorBody>()).error).toBe('wrong name or password');
    expect((await sessionOf(await post('/login', { name: '', password: 'waymark-demo' }))).body).toMatchObject({ user: 'admin', role: 'admin' });
    expect((await sessionOf(await post('/login', { password: 'waymark-demo' }))).body).toMatchObject({ user: 'admin', role: 'admin' });
  });
});

describe('the role decides, per request', { timeout: 30_000 }, () => {
  it('viewer, editor, publisher and admin each reach the routes of their level and get a 403 naming the permission above it', async () => {
    const s = await admin();
    const site = await createSite(s);
    const who: Record<Role, AdminSession> = {
      viewer: await member(s, 'viewer'),
      editor: await member(s, 'editor'),
      publisher: await member(s, 'publisher'),
      admin: await member(s, 'admin'),
    };
    const levels = ['viewer', 'editor', 'publisher', 'admin'] as const;
    const routes = [
      { need: 'read', rank: 0, call: (x: AdminSession) => adminCall(x, 'GET', `/sites/${site.id}`) },
      {
        need: 'write',
        rank: 1,
        call: async (x: AdminSession) =>
          adminCall(x, 'PUT', `/sites/${site.id}/segments/${fresh('seg')}`, { ...segment('road'), baseVersion: await versionOf(s, site.id) }),
      },
      { need: 'publish', rank: 2, call: (x: AdminSession) => adminCall(x, 'GET', `/sites/${site.id}/identify-key`) },
      { need: 'admin', rank: 3, call: (x: AdminSession) => adminCall(x, 'GET', '/tokens') },
    ];
    const seen: string[] = [];
    for (const [rank, role] of levels.entries()) {
      for (const route of routes) {
        const res = await route.call(who[role]);
        if (rank >= route.rank) expect(res.status, `${role} → ${route.need}`).toBeLessThan(300);
        else {
          expect(res.status, `${role} → ${route.need}`).toBe(403);
          expect((await res.json<ErrorBody>()).error).toMatch(new RegExp(`needs the ${route.need} permission; your role ${role} holds`));
        }
        seen.push(`${role}:${route.need}:${res.status < 300 ? 'ok' : res.status}`);
      }
    }
    expect(seen.filter((x) => x.endsWith(':403'))).toEqual([
      'viewer:write:403',
      'viewer:publish:403',
      'viewer:admin:403',
      'editor:publish:403',
      'editor:admin:403',
      'publisher:admin:403',
    ]);
  });

  it('a demotion counts on the next request, and every write is audited as user:<name>', async () => {
    const s = await admin();
    const site = await createSite(s);
    const ed = await member(s, 'editor');
    const id = fresh('seg');
    const written = await adminCall(ed, 'PUT', `/sites/${site.id}/segments/${id}`, { ...segment('trail'), baseVersion: site.version });
    expect(written.status).toBe(200);
    const audit = (await (await adminCall(s, 'GET', `/sites/${site.id}/audit`)).json<{ entries: { who: string; path: string }[] }>()).entries;
    expect(audit[0]).toMatchObject({ who: `user:${ed.name}`, path: `sites/${site.id}/segments/${id}` });
    expect(audit.at(-1)?.who).toBe('user:admin');

    expect((await adminCall(s, 'PUT', `/users/${ed.name}`, { role: 'viewer' })).status).toBe(200);
    const refused = await adminCall(ed, 'PUT', `/sites/${site.id}/segments/${fresh('seg')}`, { ...segment('road'), baseVersion: await versionOf(s, site.id) });
    expect(refused.status).toBe(403);
    expect((await refused.json<ErrorBody>()).error).toMatch(/needs the write permission; your role viewer holds read/);
    expect(await (await adminCall(ed, 'GET', '/session')).json()).toMatchObject({ role: 'viewer', permission: 'read' });
    // Promoted back: writes again at once.
    expect((await adminCall(s, 'PUT', `/users/${ed.name}`, { role: 'publisher' })).status).toBe(200);
    expect((await adminCall(ed, 'GET', `/sites/${site.id}/identify-key`)).status).toBe(200);
  });

  it('removing a user ends their sessions, also when someone of the same name joins again', async () => {
    const s = await admin();
    const gone = await member(s, 'editor');
    expect((await adminCall(gone, 'GET', '/session')).status).toBe(200);
    expect((await adminCall(s, 'DELETE', `/users/${gone.name}`)).status).toBe(204);
    const after = await adminCall(gone, 'GET', '/session');
    expect(after.status).toBe(401);
    expect((await after.json<ErrorBody>()).error).toMatch(/no longer on the team/);
    // The same name invited and accepted again is a new user: the old session stays ended.
    const inv = await adminCall(s, 'POST', '/invitations', { name: gone.name, role: 'admin' });
    const { token } = await inv.json<InvitationCreatedResponse>();
    await sessionOf(await post('/invite/accept', { token, password: PASSWORD }));
    expect((await adminCall(gone, 'GET', '/session')).status).toBe(401);
  });

  it('a user limited to sites sees and reaches only those', async () => {
    const s = await admin();
    const mine = await createSite(s);
    const other = await createSite(s);
    const limited = await member(s, 'editor', { sites: [mine.id] });
    const listed = (await (await adminCall(limited, 'GET', '/sites')).json<{ sites: { id: string }[] }>()).sites.map((x) => x.id);
    expect(listed).toEqual([mine.id]);
    expect((await adminCall(limited, 'GET', `/sites/${mine.id}`)).status).toBe(200);
    const refused = await adminCall(limited, 'GET', `/sites/${other.id}`);
    expect(refused.status).toBe(403);
    expect((await refused.json<ErrorBody>()).error).toMatch(new RegExp(`user "${limited.name}" may not reach site "${other.id}"`));
    // Role and sites change together, from the next request.
    const both = await adminCall(s, 'PUT', `/users/${limited.name}`, { role: 'viewer', sites: null });
    expect(await both.json()).toMatchObject({ user: { role: 'viewer', sites: null } });
    expect((await adminCall(limited, 'GET', `/sites/${other.id}`)).status).toBe(200);
  });
});

describe('admins', { timeout: 30_000 }, () => {
  it('the built-in admin is never changed; the last admin who can sign in is never demoted or removed', async () => {
    const s = await admin();
    for (const [method, body] of [
      ['PUT', { role: 'viewer' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await adminCall(s, method, '/users/admin', body);
      expect(res.status).toBe(409);
      expect((await res.json<ErrorBody>()).error).toMatch(/built-in admin/);
    }
    // Without the built-in admin's password (e.g. Access only), a lone stored admin is the last one.
    const boss = await member(s, 'admin');
    const others = (await (await adminCall(s, 'GET', '/users')).json<UsersResponse>()).users.filter(
      (u) => !u.builtIn && u.role === 'admin' && u.name !== boss.name,
    );
    for (const o of others) expect((await adminCall(s, 'PUT', `/users/${o.name}`, { role: 'publisher' })).status).toBe(200);
    const noBuiltIn = { ...env, WM_ADMIN_PASSWORD_HASH: '' } as Env;
    const call = async (method: string, path: string, body?: unknown) => {
      const ctx = createExecutionContext();
      const res = await worker.fetch(
        new Request(`${ADMIN_API}${path}`, {
          method,
          headers: { origin: BASE, cookie: boss.cookie, 'x-wm-csrf': boss.csrf, ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
        }),
        noBuiltIn,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return res;
    };
    const demote = await call('PUT', `/users/${boss.name}`, { role: 'editor' });
    expect(demote.status).toBe(409);
    expect((await demote.json<ErrorBody>()).error).toMatch(/last admin/);
    expect((await call('DELETE', `/users/${boss.name}`)).status).toBe(409);
    const users = (await (await call('GET', '/users')).json<UsersResponse>()).users;
    expect(users.some((u) => u.builtIn)).toBe(false);
    // With the built-in admin signing in, the same demotion is fine.
    expect((await adminCall(s, 'PUT', `/users/${boss.name}`, { role: 'editor' })).status).toBe(200);
    // A malformed name is a 400 with the reason, never a crash.
    for (const bad of ['%25zz', 'Bad%20Name!']) expect((await adminCall(s, 'PUT', `/users/${bad}`, { role: 'viewer' })).status).toBe(400);
  });
});

// ---- Cloudflare Access emails mapped to roles ------------------------------------------------------

const AUD = 'team-test-aud';
const KID = 'team-kid';
let signer: { privateKey: CryptoKey; jwk: JsonWebKey };

beforeAll(async () => {
  const pair = (await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  signer = { privateKey: pair.privateKey, jwk: (await crypto.subtle.exportKey('jwk', pair.publicKey)) as JsonWebKey };
});
afterEach(() => vi.restoreAllMocks());

let teams = 0;
function accessEnv(extra: Record<string, string> = {}): Env & AccessVars {
  const domain = `https://teamtest${++teams}-${Date.now().toString(36)}.cloudflareaccess.com`;
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = new Request(input, init).url;
    if (url !== `${domain}/cdn-cgi/access/certs`) return new Response('not found', { status: 404 });
    const { kty, n: modulus, e } = signer.jwk;
    return Response.json({ keys: [{ kid: KID, kty, alg: 'RS256', use: 'sig', n: modulus, e }] });
  });
  return { ...env, WM_ACCESS_TEAM_DOMAIN: domain, WM_ACCESS_AUD: AUD, ...extra };
}

const part = (value: unknown) => toBase64Url(new TextEncoder().encode(JSON.stringify(value)));
async function accessToken(domain: string, email: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const head = part({ alg: 'RS256', kid: KID, typ: 'JWT' });
  const body = part({ aud: [AUD], email, exp: now + 3600, iat: now, nbf: now, iss: domain, sub: 'u' });
  const sig = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', signer.privateKey, new TextEncoder().encode(`${head}.${body}`));
  return `${head}.${body}.${toBase64Url(new Uint8Array(sig))}`;
}

async function viaAccess(e: Env & AccessVars, method: string, path: string, email: string, s?: AdminSession, body?: unknown): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${ADMIN_API}${path}`, {
      method,
      headers: {
        origin: BASE,
        'cf-access-jwt-assertion': await accessToken(e.WM_ACCESS_TEAM_DOMAIN!, email),
        'content-type': 'application/json',
        ...(s ? { cookie: s.cookie, 'x-wm-csrf': s.csrf } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    }),
    e,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

describe('Cloudflare Access emails', { timeout: 30_000 }, () => {
  it('an email the admin added signs in with its role; unknown emails get WM_ACCESS_DEFAULT_ROLE, or are refused with none', async () => {
    const s = await admin();
    const site = await createSite(s);
    const email = `${fresh('ed')}@example.com`;
    expect((await adminCall(s, 'POST', '/users', { email: email.toUpperCase(), role: 'editor' })).status).toBe(201);

    const e = accessEnv({ WM_ACCESS_DEFAULT_ROLE: 'none' });
    const signedIn = await sessionOf(await viaAccess(e, 'POST', '/login', email, undefined, {}));
    expect(signedIn.body).toMatchObject({ user: email, role: 'editor', permission: 'write' });
    const write = await viaAccess(e, 'PUT', `/sites/${site.id}/segments/${fresh('seg')}`, email, signedIn, { ...segment('road'), baseVersion: site.version });
    expect(write.status).toBe(200);
    const settings = await viaAccess(e, 'PUT', `/sites/${site.id}`, email, signedIn, {
      name: 'x',
      version: site.version + 1,
      origins: [ORIGIN],
      consentPolicy: 'opt-out',
    });
    expect(settings.status).toBe(403);
    const audit = (await (await adminCall(s, 'GET', `/sites/${site.id}/audit`)).json<{ entries: { who: string }[] }>()).entries;
    expect(audit[0]?.who).toBe(`user:${email}`);

    const stranger = await viaAccess(e, 'POST', '/login', 'stranger@example.com', undefined, {});
    expect(stranger.status).toBe(403);
    expect((await stranger.json<ErrorBody>()).error).toMatch(/no team user has the email stranger@example.com/);

    const viewerDefault = accessEnv({ WM_ACCESS_DEFAULT_ROLE: 'viewer' });
    expect((await sessionOf(await viaAccess(viewerDefault, 'POST', '/login', 'stranger@example.com', undefined, {}))).body).toMatchObject({ role: 'viewer' });
    // Unset: as before roles, any email Access lets through is an admin (admin-access.test.ts).
    expect((await sessionOf(await viaAccess(accessEnv(), 'POST', '/login', 'stranger@example.com', undefined, {}))).body).toMatchObject({ role: 'admin' });

    // Removing the email's user ends that session, though the Access token is still valid.
    expect((await adminCall(s, 'DELETE', `/users/${email}`)).status).toBe(204);
    expect((await viaAccess(e, 'GET', '/session', email, signedIn)).status).toBe(401);
  });
});
