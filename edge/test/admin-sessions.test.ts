// Admin sessions (issue #11 point 6): the __Host- cookie on https, a new session id at every
// login (fixation), frame-ancestors 'none' on every admin answer, and CSRF + Origin on every
// state-changing route of the admin router, found by enumerating it.
import { SELF, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { sessionObject } from '../src/admin/objects';
import { toBase64Url } from '../src/admin/password';
import { adminApi, ADMIN_API_PREFIX } from '../src/admin/routes';
import type { SessionInfo } from '../src/admin/sessions';
import { BASE } from './helpers';
import { routeNeed } from '../../protocol/api-tokens';

const PASSWORD = 'waymark-demo';
const HTTPS = 'https://shop.example';
const FOREIGN = 'https://evil.example';
let clients = 0;
const freshClient = () => `203.0.113.${++clients % 250}`;

type Session = { id: string; csrf: string; setCookie: string };

async function login(base = BASE, cookie?: string): Promise<Session> {
  const headers: Record<string, string> = { 'content-type': 'application/json', origin: base, 'cf-connecting-ip': freshClient() };
  if (cookie) headers.cookie = cookie;
  const res = await SELF.fetch(`${base}${ADMIN_API_PREFIX}/login`, { method: 'POST', headers, body: JSON.stringify({ password: PASSWORD }) });
  expect(res.status).toBe(200);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const id = setCookie.match(/^(?:__Host-)?wm_admin=([^;]+)/)?.[1];
  if (!id) throw new Error(`no session cookie in ${setCookie}`);
  return { id, csrf: (await res.json<{ csrfToken: string }>()).csrfToken, setCookie };
}

const sessionStatus = async (base: string, cookie: string) => (await SELF.fetch(`${base}${ADMIN_API_PREFIX}/session`, { headers: { cookie } })).status;

describe('admin session cookie', () => {
  it('is __Host-wm_admin on https: Secure, Path=/, no Domain, HttpOnly, SameSite=Strict', async () => {
    const s = await login(HTTPS);
    expect(s.setCookie).toMatch(/^__Host-wm_admin=[A-Za-z0-9_-]{43};/);
    for (const attribute of [/; Secure/i, /; Path=\/(;|$)/, /; HttpOnly/i, /; SameSite=Strict/i]) expect(s.setCookie).toMatch(attribute);
    expect(s.setCookie).not.toMatch(/Domain=/i);
  });

  it('is the plain wm_admin on Path=/_wm/admin over local http (browsers refuse __Host- without Secure)', async () => {
    const s = await login(BASE);
    expect(s.setCookie).toMatch(/^wm_admin=[A-Za-z0-9_-]{43};/);
    expect(s.setCookie).toMatch(/; Path=\/_wm\/admin(;|$)/);
    expect(s.setCookie).not.toMatch(/Secure/i);
  });

  it('is read under its own name only: the plain name on https and the __Host- name on http are ignored', async () => {
    const secure = await login(HTTPS);
    expect(await sessionStatus(HTTPS, `__Host-wm_admin=${secure.id}`)).toBe(200);
    expect(await sessionStatus(HTTPS, `wm_admin=${secure.id}`)).toBe(401);
    const plain = await login(BASE);
    expect(await sessionStatus(BASE, `wm_admin=${plain.id}`)).toBe(200);
    expect(await sessionStatus(BASE, `__Host-wm_admin=${plain.id}`)).toBe(401);
  });

  it('logout clears the cookie it set, under the same name and path', async () => {
    const s = await login(HTTPS);
    const out = await SELF.fetch(`${HTTPS}${ADMIN_API_PREFIX}/logout`, {
      method: 'POST',
      headers: { cookie: `__Host-wm_admin=${s.id}`, 'x-wm-csrf': s.csrf, origin: HTTPS },
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^__Host-wm_admin=;.*Max-Age=0.*Path=\/(;|$)/i);
    expect(await sessionStatus(HTTPS, `__Host-wm_admin=${s.id}`)).toBe(401);
  });
});

describe('session storage (issue #14 point 5)', () => {
  const objectOf = async (sessionId: string) =>
    sessionObject(env, toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(sessionId)))));
  const storedIn = (stub: Awaited<ReturnType<typeof objectOf>>) =>
    runInDurableObject(stub, async (_instance, state) => ({ record: await state.storage.get<SessionInfo>('session'), alarm: await state.storage.getAlarm() }));

  it('each session lives in its own object, named by the SHA-256 of its id; its expiry alarm erases it', async () => {
    const s = await login(BASE);
    const stub = await objectOf(s.id);
    const { record, alarm } = await storedIn(stub);
    expect(record).toMatchObject({ user: 'admin', csrfToken: s.csrf });
    expect(alarm).toBe(record?.expiresAt);
    expect(await sessionStatus(BASE, `wm_admin=${s.id}`)).toBe(200);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await storedIn(stub)).toEqual({ record: undefined, alarm: null });
    expect(await sessionStatus(BASE, `wm_admin=${s.id}`)).toBe(401);
  });

  it('logout erases the session’s object; a made-up id of the right shape finds an empty one', async () => {
    const s = await login(BASE);
    const out = await SELF.fetch(`${BASE}${ADMIN_API_PREFIX}/logout`, {
      method: 'POST',
      headers: { cookie: `wm_admin=${s.id}`, 'x-wm-csrf': s.csrf, origin: BASE },
    });
    expect(out.status).toBe(204);
    expect(await storedIn(await objectOf(s.id))).toEqual({ record: undefined, alarm: null });
    const madeUp = 'B'.repeat(43);
    expect(await sessionStatus(BASE, `wm_admin=${madeUp}`)).toBe(401);
    expect(await storedIn(await objectOf(madeUp))).toEqual({ record: undefined, alarm: null });
  });
});

describe('session fixation', () => {
  it('a planted session id never becomes a signed-in one: the victim gets a new id', async () => {
    const planted = 'A'.repeat(43);
    const victim = await login(BASE, `wm_admin=${planted}`);
    expect(victim.id).not.toBe(planted);
    expect(await sessionStatus(BASE, `wm_admin=${planted}`)).toBe(401);
    expect(await sessionStatus(BASE, `wm_admin=${victim.id}`)).toBe(200);
  });

  it('logging in while carrying a live session ends that session (the attacker’s planted one too)', async () => {
    for (const base of [BASE, HTTPS]) {
      const name = base === HTTPS ? '__Host-wm_admin' : 'wm_admin';
      const attacker = await login(base);
      expect(await sessionStatus(base, `${name}=${attacker.id}`)).toBe(200);
      const victim = await login(base, `${name}=${attacker.id}`);
      expect(victim.id).not.toBe(attacker.id);
      expect(victim.csrf).not.toBe(attacker.csrf);
      expect(await sessionStatus(base, `${name}=${attacker.id}`)).toBe(401);
      expect(await sessionStatus(base, `${name}=${victim.id}`)).toBe(200);
    }
  });
});

describe('admin answers are never framed', () => {
  it.each([
    ['GET', '/login', undefined],
    ['GET', '/session', undefined],
    ['GET', '/no-such-route', undefined],
    ['POST', '/login', '{"password":"wrong"}'],
  ])('%s %s carries frame-ancestors none and X-Frame-Options DENY', async (method, path, body) => {
    const res = await SELF.fetch(`${BASE}${ADMIN_API_PREFIX}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': freshClient() },
      ...(body ? { body } : {}),
    });
    expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('also on a signed-in answer', async () => {
    const s = await login();
    const res = await SELF.fetch(`${BASE}${ADMIN_API_PREFIX}/sites`, { headers: { cookie: `wm_admin=${s.id}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });
});

// ---- Every state-changing route of the admin router, as Hono lists it ----

const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** The router's routes as concrete requests: params filled with plausible values, `*` with a segment. */
function stateChangingRoutes(): { method: string; path: string }[] {
  const seen = new Set<string>();
  const out: { method: string; path: string }[] = [];
  for (const route of adminApi.routes) {
    const methods = route.method === 'ALL' ? WRITE_METHODS : [route.method.toUpperCase()];
    const path = route.path
      .replace(/:site\b/g, 'demo')
      .replace(/:collection\b/g, 'segments')
      .replace(/:visitorId\b/g, 'v-probe')
      .replace(/:[A-Za-z]+/g, 'probe')
      .replace(/\*/g, 'probe');
    for (const method of methods) {
      const key = `${method} ${path}`;
      if (!WRITE_METHODS.includes(method) || seen.has(key)) continue;
      seen.add(key);
      out.push({ method, path });
    }
  }
  return out;
}

const ROUTES = stateChangingRoutes();
// Public writes (login, an invitation link's routes) hold no session yet: they check Origin only (team.test.ts).
const SIGNED_IN = ROUTES.filter((r) => routeNeed(r.method, r.path).access !== 'public');

describe('every state-changing admin route checks CSRF and Origin', () => {
  it('finds the router’s write routes', () => {
    const names = ROUTES.map((r) => `${r.method} ${r.path}`);
    // The known ones must be among them, so an empty or broken enumeration fails here.
    for (const known of ['POST /login', 'POST /logout', 'PUT /sites/demo', 'PUT /sites/demo/segments/probe', 'DELETE /sites/demo/segments/probe']) {
      expect(names).toContain(known);
    }
    expect(ROUTES.length).toBeGreaterThanOrEqual(8);
  });

  it.each(SIGNED_IN.map((r) => [r.method, r.path]))('%s %s: 403 without the CSRF header, 403 from a foreign Origin', async (method, path) => {
    const s = await login();
    const send = (headers: Record<string, string>) =>
      SELF.fetch(`${BASE}${ADMIN_API_PREFIX}${path}`, {
        method,
        headers: { cookie: `wm_admin=${s.id}`, 'content-type': 'application/json', ...headers },
        body: '{}',
      });
    const noCsrf = await send({ origin: BASE });
    expect(noCsrf.status).toBe(403);
    expect((await noCsrf.json<{ error: string }>()).error).toMatch(/X-WM-CSRF/);
    const wrongCsrf = await send({ origin: BASE, 'x-wm-csrf': 'x'.repeat(43) });
    expect(wrongCsrf.status).toBe(403);
    const foreign = await send({ origin: FOREIGN, 'x-wm-csrf': s.csrf });
    expect(foreign.status).toBe(403);
    expect((await foreign.json<{ error: string }>()).error).toMatch(/origin/);
    // Control: the same request done right gets past both checks (its own answer, never a 401/403).
    const right = await send({ origin: BASE, 'x-wm-csrf': s.csrf });
    expect([401, 403]).not.toContain(right.status);
  });

  it('POST /login refuses a foreign Origin before anything else', async () => {
    const res = await SELF.fetch(`${BASE}${ADMIN_API_PREFIX}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: FOREIGN, 'cf-connecting-ip': freshClient() },
      body: JSON.stringify({ password: PASSWORD }),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });
});
