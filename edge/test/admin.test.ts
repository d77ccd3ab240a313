import { SELF, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { CollectResponse, SlotDecision } from '../../protocol/wire';
import type { AuditEntry } from '../src/admin/audit';
import { siteAdmin } from '../src/admin/objects';
import { ADMIN_MIGRATIONS } from '../src/admin/schema';
import { DEMO_SITE } from '../src/demo/seed';
import { applyMigrations } from '../src/storage/migrations';
import type { SiteConfig } from '../../protocol/config/site';
import { BASE, ORIGIN, makeEvent } from './helpers';

const API = `${BASE}/_wm/admin/api`;
const PASSWORD = 'waymark-demo';
let clients = 0;
/** A CF-Connecting-IP of its own per test, so lockout counters never leak between tests. */
const freshClient = () => `198.51.100.${++clients}`;
let sites = 0;
const freshSite = () => `adm-${Date.now().toString(36)}-${++sites}`;

type Json = Record<string, unknown>;
type Issue = { path: string; message: string };
type ErrorBody = { error: string; issues?: Issue[]; currentVersion?: number; usedBy?: string[] };
type SiteBody = { site: SiteConfig; version: number };

function loginRequest(password: string, init: { client?: string; origin?: string; base?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'cf-connecting-ip': init.client ?? freshClient() };
  if (init.origin) headers.origin = init.origin;
  return SELF.fetch(`${init.base ?? API}/login`, { method: 'POST', headers, body: JSON.stringify({ password }) });
}

type Session = { cookie: string; csrf: string };

async function login(): Promise<Session> {
  const res = await loginRequest(PASSWORD, { origin: BASE });
  expect(res.status).toBe(200);
  const { csrfToken } = await res.json<{ csrfToken: string }>();
  const cookie = res.headers.get('set-cookie')?.match(/wm_admin=([^;]+)/)?.[1];
  if (!cookie) throw new Error('no session cookie');
  return { cookie: `wm_admin=${cookie}`, csrf: csrfToken };
}

/** An admin request as the dashboard makes it: cookie, CSRF header, same-origin Origin. */
function call(s: Session | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const h: Record<string, string> = { origin: BASE, ...(s ? { cookie: s.cookie, 'x-wm-csrf': s.csrf } : {}), ...headers };
  if (body !== undefined) h['content-type'] = 'application/json';
  return SELF.fetch(`${API}${path}`, { method, headers: h, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

const segment = (value: string) => ({ name: `Likes ${value}`, condition: { pref: 'sport', test: { op: 'eq', value } } });
const textSlot = (segmentId: string, text: string) => ({ name: 'Hero', variants: [{ segment: segmentId, priority: 10, content: { type: 'text', text } }] });

async function createSite(s: Session, id = freshSite()): Promise<{ id: string; version: number }> {
  const res = await call(s, 'PUT', `/sites/${id}`, { name: 'Admin test shop', version: 0, origins: [ORIGIN], consentPolicy: 'opt-out' });
  expect(res.status).toBe(200);
  return { id, version: (await res.json<SiteBody>()).version };
}

async function getSite(s: Session, id: string): Promise<SiteConfig> {
  const res = await call(s, 'GET', `/sites/${id}`);
  expect(res.status).toBe(200);
  return (await res.json<SiteBody>()).site;
}

describe('admin API: authentication', () => {
  it('answers 401 on every route without a session', async () => {
    const routes: [string, string, unknown?][] = [
      ['GET', '/session'],
      ['POST', '/logout'],
      ['GET', '/sites'],
      ['GET', '/sites/demo'],
      ['PUT', '/sites/demo', { version: 5 }],
      ['GET', '/sites/demo/audit'],
      ['GET', '/sites/demo/segments/hikers'],
      ...(['segments', 'slots', 'messages'] as const).flatMap((c): [string, string, unknown?][] => [
        ['PUT', `/sites/demo/${c}/x`, { baseVersion: 5 }],
        ['DELETE', `/sites/demo/${c}/x?version=5`],
      ]),
      ['GET', '/no-such-route'],
    ];
    for (const [method, path, body] of routes) {
      const res = await call(null, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect((await res.json<ErrorBody>()).error).toMatch(/log in/);
    }
    // A made-up cookie is no session either.
    const forged = await call({ cookie: 'wm_admin=forged', csrf: 'x' }, 'GET', '/sites');
    expect(forged.status).toBe(401);
  });

  it('refuses a wrong password, then locks the client out after 5 failures, even for the right one', async () => {
    const client = freshClient();
    for (let i = 0; i < 5; i++) {
      const res = await loginRequest('not-it', { client });
      expect(res.status).toBe(401);
      expect((await res.json<ErrorBody>()).error).toBe('wrong password');
    }
    const locked = await loginRequest(PASSWORD, { client });
    expect(locked.status).toBe(429);
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(locked.headers.get('set-cookie')).toBeNull();
    // Another client is not affected.
    expect((await loginRequest(PASSWORD)).status).toBe(200);
  });

  it('a successful login resets the failure count', async () => {
    const client = freshClient();
    for (let i = 0; i < 4; i++) expect((await loginRequest('nope', { client })).status).toBe(401);
    expect((await loginRequest(PASSWORD, { client })).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await loginRequest('nope', { client })).status).toBe(401);
    expect((await loginRequest(PASSWORD, { client })).status).toBe(200);
  });

  it('sets an HttpOnly, SameSite=Strict session cookie on /_wm/admin (Secure on https) and returns a CSRF token', async () => {
    const res = await loginRequest(PASSWORD);
    expect(res.status).toBe(200);
    const body = await res.json<{ user: string; csrfToken: string; expiresAt: string }>();
    expect(body.user).toBe('admin');
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(11 * 3600 * 1000);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^wm_admin=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Strict/i);
    expect(cookie).toMatch(/; Path=\/_wm\/admin(;|$)/);
    expect(cookie).toMatch(/; Max-Age=43200/);
    expect(cookie).not.toMatch(/Secure/i);
    const https = await loginRequest(PASSWORD, { base: 'https://shop.example/_wm/admin/api' });
    expect(https.headers.get('set-cookie')).toMatch(/; Secure/i);
  });

  it('refuses a login posted from another origin, and bad login bodies with a reason', async () => {
    expect((await loginRequest(PASSWORD, { origin: 'https://evil.example' })).status).toBe(403);
    const res = await SELF.fetch(`${API}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"pass":1}' });
    expect(res.status).toBe(400);
    expect((await res.json<ErrorBody>()).issues?.map((i) => i.path)).toEqual(expect.arrayContaining(['password']));
    const notJson = await SELF.fetch(`${API}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
  });

  it('GET /session answers who is logged in; logout ends the session', async () => {
    const s = await login();
    const me = await call(s, 'GET', '/session');
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ user: 'admin', csrfToken: s.csrf });
    const out = await call(s, 'POST', '/logout');
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/wm_admin=;.*Max-Age=0/i);
    expect((await call(s, 'GET', '/session')).status).toBe(401);
    expect((await call(s, 'GET', '/sites')).status).toBe(401);
  });

  it('needs the CSRF header on writes (403) and refuses foreign origins (403), but GETs need neither', async () => {
    const s = await login();
    const site = await createSite(s);
    const path = `/sites/${site.id}/segments/runners`;
    const noCsrf = await SELF.fetch(`${API}${path}`, {
      method: 'PUT',
      headers: { cookie: s.cookie, origin: BASE, 'content-type': 'application/json' },
      body: JSON.stringify({ ...segment('road'), baseVersion: site.version }),
    });
    expect(noCsrf.status).toBe(403);
    expect((await noCsrf.json<ErrorBody>()).error).toMatch(/X-WM-CSRF/);
    expect((await call(s, 'PUT', path, { ...segment('road'), baseVersion: site.version }, { 'x-wm-csrf': 'wrong' })).status).toBe(403);
    // Another session's token is not this session's.
    const other = await login();
    expect((await call(s, 'PUT', path, { ...segment('road'), baseVersion: site.version }, { 'x-wm-csrf': other.csrf })).status).toBe(403);
    const foreign = await call(s, 'PUT', path, { ...segment('road'), baseVersion: site.version }, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect((await foreign.json<ErrorBody>()).error).toMatch(/origin/);
    expect((await call(s, 'POST', '/logout', undefined, { origin: 'https://evil.example' })).status).toBe(403);
    // Nothing was written.
    expect((await getSite(s, site.id)).segments).toEqual([]);
    const unknown = await call(s, 'GET', '/no-such-route');
    expect(unknown.status).toBe(404);
    expect((await unknown.json<ErrorBody>()).error).toMatch(/no admin route/);
    // GET without CSRF header or Origin is fine.
    const get = await SELF.fetch(`${API}/sites/${site.id}`, { headers: { cookie: s.cookie } });
    expect(get.status).toBe(200);
  });
});

describe('admin API: sites, segments, slots, messages', () => {
  it('creates a site (version 0), refuses creating it twice, and lists it', async () => {
    const s = await login();
    const site = await createSite(s);
    expect(site.version).toBe(1);
    const again = await call(s, 'PUT', `/sites/${site.id}`, { name: 'Again', version: 0, origins: [], consentPolicy: 'opt-in' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ currentVersion: 1 });
    const list = await (await call(s, 'GET', '/sites')).json<{ sites: { id: string; name: string; version: number }[] }>();
    expect(list.sites).toEqual(expect.arrayContaining([{ id: site.id, name: 'Admin test shop', version: 1 }, expect.objectContaining({ id: 'demo' })]));
    expect((await call(s, 'GET', '/sites/no-such-site')).status).toBe(404);
    expect((await call(s, 'GET', '/sites/Bad_Id')).status).toBe(400);
  });

  it('validates whole site configs per field', async () => {
    const s = await login();
    const id = freshSite();
    const res = await call(s, 'PUT', `/sites/${id}`, { name: '', version: 0, origins: ['https://shop.example/path'], consentPolicy: 'maybe', extra: 1 });
    expect(res.status).toBe(400);
    const body = await res.json<ErrorBody>();
    expect(body.issues?.map((i) => i.path).sort()).toEqual(['(root)', 'consentPolicy', 'name', 'origins.0']);
    expect((await call(s, 'GET', `/sites/${id}`)).status).toBe(404);
    const wrongId = await call(s, 'PUT', `/sites/${id}`, { id: 'other', name: 'x', version: 0, origins: [], consentPolicy: 'opt-in' });
    expect((await wrongId.json<ErrorBody>()).issues).toEqual([{ path: 'id', message: `must be "${id}" (the site in the URL)` }]);
    const noVersion = await call(s, 'PUT', `/sites/${id}`, { name: 'x', origins: [], consentPolicy: 'opt-in' });
    expect(noVersion.status).toBe(400);
    expect((await noVersion.json<ErrorBody>()).issues?.[0]?.path).toBe('baseVersion');
    const notJson = await SELF.fetch(`${API}/sites/${id}`, {
      method: 'PUT',
      headers: { cookie: s.cookie, 'x-wm-csrf': s.csrf, 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(notJson.status).toBe(400);
    expect((await notJson.json<ErrorBody>()).error).toMatch(/not valid JSON/);
  });

  it('creates, updates and deletes segments, slots and messages, with per-field errors', async () => {
    const s = await login();
    let { id, version } = await createSite(s);
    const put = async (path: string, body: Json) => call(s, 'PUT', `/sites/${id}${path}`, { ...body, baseVersion: version });
    const ok = async (res: Response) => {
      expect(res.status, await res.clone().text()).toBe(200);
      version = (await res.json<SiteBody>()).version;
    };

    // Segments.
    const badSegment = await put('/segments/trail', { name: '', condition: { pref: 'sport', test: { op: 'nope', value: 1 } } });
    expect(badSegment.status).toBe(400);
    const badPaths = (await badSegment.json<ErrorBody>()).issues?.map((i) => i.path) ?? [];
    expect(badPaths).toContain('name');
    expect(badPaths.some((p) => p.startsWith('condition'))).toBe(true);
    expect((await put('/segments/Not%20a%20slug', segment('trail'))).status).toBe(400);
    await ok(await put('/segments/trail', segment('trail')));
    await ok(await put('/segments/trail', { ...segment('trail'), name: 'Trail people' }));

    // Slots: the variant's segment must exist.
    const badSlot = await put('/slots/hero', textSlot('nobody', 'Hello'));
    expect(badSlot.status).toBe(400);
    expect((await badSlot.json<ErrorBody>()).issues).toEqual([{ path: 'variants.0.segment', message: 'no segment "nobody"' }]);
    const unsafe = await put('/slots/hero', {
      name: 'Hero',
      variants: [{ segment: 'trail', priority: 1, content: { type: 'link', text: 'x', href: 'javascript:alert(1)' } }],
    });
    expect((await unsafe.json<ErrorBody>()).issues?.map((i) => i.path)).toEqual(['variants.0.content.href']);
    await ok(await put('/slots/hero', textSlot('trail', 'Hello trail runner')));

    // Messages.
    const badMessage = await put('/messages/welcome', { name: 'Welcome', type: 'inline', body: 'Hi', variants: [{ id: 'a', weight: 60 }] });
    expect(badMessage.status).toBe(400);
    expect((await badMessage.json<ErrorBody>()).issues?.map((i) => i.path).sort()).toEqual(['target', 'variants']);
    await ok(await put('/messages/welcome', { name: 'Welcome', type: 'banner', body: 'Hi there', segments: ['trail'] }));
    const message = await (await call(s, 'GET', `/sites/${id}/messages/welcome`)).json<{ item: Json }>();
    expect(message.item).toMatchObject({ id: 'welcome', trigger: { on: 'load' }, variants: [{ id: 'default', weight: 100 }] });

    // A segment still in use cannot go.
    const inUse = await call(s, 'DELETE', `/sites/${id}/segments/trail?version=${version}`);
    expect(inUse.status).toBe(409);
    expect(await inUse.json()).toMatchObject({
      usedBy: ['slots/hero', 'messages/welcome'],
      error: expect.stringMatching(/still used by slots\/hero, messages\/welcome/),
    });

    // Deletes, with ?version= or body baseVersion.
    expect((await call(s, 'DELETE', `/sites/${id}/slots/nope?version=${version}`)).status).toBe(404);
    await ok(await call(s, 'DELETE', `/sites/${id}/slots/hero?version=${version}`));
    await ok(await call(s, 'DELETE', `/sites/${id}/messages/welcome`, { baseVersion: version }));
    await ok(await call(s, 'DELETE', `/sites/${id}/segments/trail?version=${version}`));
    const after = await getSite(s, id);
    expect(after).toMatchObject({ version, segments: [], slots: [], messages: [] });
    expect(version).toBe(8); // create, 2 segment writes, slot, message, 3 deletes
    expect((await call(s, 'DELETE', `/sites/${id}/slots/hero`)).status).toBe(400);
    expect((await call(s, 'PUT', `/sites/${id}/widgets/x`, { baseVersion: version })).status).toBe(404);
    expect((await call(s, 'PUT', `/sites/no-such-site/segments/x`, { ...segment('x'), baseVersion: 1 })).status).toBe(404);
  });

  it('refuses a stale version with 409 and the current version, and leaves the stored config alone', async () => {
    const s = await login();
    const { id, version } = await createSite(s);
    const first = await call(s, 'PUT', `/sites/${id}/segments/road`, { ...segment('road'), baseVersion: version });
    expect(first.status).toBe(200);
    const stored = await getSite(s, id);
    // A second editor still holding the old version.
    for (const res of [
      await call(s, 'PUT', `/sites/${id}/segments/road`, { ...segment('hiking'), baseVersion: version }),
      await call(s, 'DELETE', `/sites/${id}/segments/road?version=${version}`),
      await call(s, 'PUT', `/sites/${id}`, { ...stored, name: 'Renamed', version }),
    ]) {
      expect(res.status).toBe(409);
      const body = await res.json<ErrorBody>();
      expect(body.currentVersion).toBe(version + 1);
      expect(body.error).toMatch(/changed since you loaded it/);
    }
    expect(await getSite(s, id)).toEqual(stored);
  });

  it('the edge personalizes with what the admin just wrote', async () => {
    const s = await login();
    let { id, version } = await createSite(s);
    for (const [path, body] of [
      ['/segments/hikers', segment('hiking')],
      ['/slots/hero', textSlot('hikers', 'Trails are calling')],
    ] as const) {
      const res = await call(s, 'PUT', `/sites/${id}${path}`, { ...body, baseVersion: version });
      version = (await res.json<SiteBody>()).version;
    }
    const res = await SELF.fetch(`${BASE}/_wm/e`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: ORIGIN },
      body: JSON.stringify({ site: id, events: [makeEvent({ type: 'prefs', name: undefined, props: undefined, prefs: { sport: 'hiking' } })] }),
    });
    expect(res.status).toBe(200);
    const decisions = (await res.json<CollectResponse>()).decisions.filter((d): d is SlotDecision => d.kind === 'slot');
    expect(decisions).toMatchObject([{ id: 'hero', segment: 'hikers' }]);
    expect(decisions[0]?.html).toContain('Trails are calling');
  });

  it('keeps an audit log of who changed what, newest first', async () => {
    const s = await login();
    const start = Date.now();
    let { id, version } = await createSite(s);
    const step = async (method: string, path: string, body?: Json) => {
      // Item writes carry baseVersion; a whole-site PUT carries its own `version`.
      const res = await call(s, method, `/sites/${id}${path}`, body && (path ? { ...body, baseVersion: version } : body));
      expect(res.status).toBe(200);
      version = (await res.json<SiteBody>()).version;
    };
    await step('PUT', '/segments/vip', segment('vip'));
    await step('PUT', '/segments/vip', { ...segment('vip'), name: 'VIPs' });
    await step('DELETE', `/segments/vip?version=${version}`);
    const current = await getSite(s, id);
    await step('PUT', '', { ...current, name: 'Renamed shop', consentPolicy: 'opt-in', version });
    // A refused write is not audited.
    await call(s, 'DELETE', `/sites/${id}/segments/vip?version=1`);

    const { entries } = await (await call(s, 'GET', `/sites/${id}/audit`)).json<{ entries: AuditEntry[] }>();
    expect(entries.map((e) => [e.action, e.path, e.beforeVersion, e.afterVersion])).toEqual([
      ['update', `sites/${id}`, 4, 5],
      ['delete', `sites/${id}/segments/vip`, 3, 4],
      ['update', `sites/${id}/segments/vip`, 2, 3],
      ['create', `sites/${id}/segments/vip`, 1, 2],
      ['create', `sites/${id}`, 0, 1],
    ]);
    expect(entries[0]).toMatchObject({ who: 'user:admin', changed: ['consentPolicy', 'name'], summary: 'updated site (consentPolicy, name)' });
    expect(entries[1]?.summary).toBe('deleted segment "vip"');
    for (const e of entries) expect(Date.parse(e.at)).toBeGreaterThanOrEqual(start - 1000);
    expect(entries.map((e) => e.seq)).toEqual([...entries.map((e) => e.seq)].sort((a, b) => b - a));
  });

  it('shows the demo site as the edge seeds it', async () => {
    const s = await login();
    const demo = await getSite(s, 'demo');
    expect(demo.id).toBe('demo');
    expect(demo.segments.length).toBeGreaterThan(0);
  });
});

describe("SiteAdmin: the single writer of its site's config", () => {
  const versionsOf = (site: string) =>
    runInDurableObject(siteAdmin(env, site), (_instance, state) =>
      state.storage.sql
        .exec<{ version: number }>('SELECT version FROM site_versions WHERE site = ? ORDER BY version', site)
        .toArray()
        .map((r) => r.version),
    );

  it('keeps every published version and writes from its own history, never from KV', async () => {
    const s = await login();
    const { id } = await createSite(s);
    const put = await call(s, 'PUT', `/sites/${id}`, { ...(await getSite(s, id)), name: 'Second', version: 1 });
    expect(put.status).toBe(200);
    // A config written to KV some other way is not reconciled into the admin's view.
    await env.CONFIG.put(`site:${id}`, JSON.stringify({ ...(await getSite(s, id)), name: 'Written to KV', version: 50 }));
    expect(await getSite(s, id)).toMatchObject({ name: 'Second', version: 2 });
    const third = await call(s, 'PUT', `/sites/${id}`, { ...(await getSite(s, id)), name: 'Third', version: 2 });
    expect(third.status).toBe(200);
    expect(await env.CONFIG.get(`site:${id}`, 'json')).toMatchObject({ name: 'Third', version: 3 });
    expect(await versionsOf(id)).toEqual([1, 2, 3]);
  });

  it('adopts a site put straight into KV (the deploy step) once, then writes from there', async () => {
    const s = await login();
    const id = freshSite();
    await env.CONFIG.put(`site:${id}`, JSON.stringify({ id, name: 'Put with wrangler', version: 4, origins: [ORIGIN], consentPolicy: 'opt-out' }));
    const list = await (await call(s, 'GET', '/sites')).json<{ sites: { id: string; version: number }[] }>();
    expect(list.sites).toContainEqual({ id, name: 'Put with wrangler', version: 4 });
    expect(await versionsOf(id)).toEqual([4]);
    const res = await call(s, 'PUT', `/sites/${id}`, { ...(await getSite(s, id)), name: 'Edited', version: 4 });
    expect(res.status).toBe(200);
    expect(await versionsOf(id)).toEqual([4, 5]);
  });

  it('seeds the demo site through the audited write path (POST /_wm/demo/seed, WM_DEMO only)', async () => {
    // edge/test/setup-demo.ts seeded it already: seeding again changes nothing.
    const res = await SELF.fetch(`${BASE}/_wm/demo/seed`, { method: 'POST' });
    expect(res.status).toBe(200);
    const again = await res.json<{ seeded: boolean; version: number }>();
    expect(again.seeded).toBe(false);
    expect(again.version).toBeGreaterThanOrEqual(DEMO_SITE.version);
    expect((await SELF.fetch(`${BASE}/_wm/demo/seed`)).status).toBe(404);
    const s = await login();
    const { entries } = await (await call(s, 'GET', '/sites/demo/audit?limit=1000')).json<{ entries: AuditEntry[] }>();
    expect(entries.find((e) => e.who === 'demo-seed')).toMatchObject({ path: 'sites/demo', afterVersion: DEMO_SITE.version });
  });

  it('migration 4 turns the old one-row-per-site table into the first version of each site', async () => {
    const stub = env.ADMIN.get(env.ADMIN.idFromName('migration-test'));
    const rows = await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      applyMigrations(sql, ADMIN_MIGRATIONS.slice(0, 3));
      const config = JSON.stringify({ id: 'old', name: 'Old shop', version: 7, origins: [], consentPolicy: 'opt-out' });
      sql.exec("INSERT INTO sites (id, name, version, config, updated_at) VALUES ('old', 'Old shop', 7, ?, 1000)", config);
      applyMigrations(sql, ADMIN_MIGRATIONS);
      const tables = sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'sites'").toArray();
      return { tables, versions: sql.exec('SELECT site, version, name, written_at FROM site_versions').toArray() };
    });
    expect(rows.tables).toEqual([]);
    expect(rows.versions).toEqual([{ site: 'old', version: 7, name: 'Old shop', written_at: 1000 }]);
  });
});
