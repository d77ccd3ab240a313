import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { CollectResponse, ErrorResponse, ProfileExport } from '../../protocol/wire';
import { ORIGIN, makeEvent, me, post, visitorCookie } from './helpers';
import { MIGRATIONS } from '../src/profile/store/schema';
import type { VisitorProfile } from '../src/profile/visitor-profile';

async function newVisitor(events = [makeEvent()]) {
  const res = await post(events);
  const body = await res.json<CollectResponse>();
  return { cookie: visitorCookie(res), token: body.vid ?? '', body };
}

describe('GET /_wm/me and DELETE /_wm/me', () => {
  it('exports the caller’s events, traits, prefs and consent', async () => {
    const events = [
      makeEvent({ type: 'page', name: undefined, props: undefined, ref: '', utm: { source: 'newsletter', campaign: 'spring' } }),
      makeEvent({ type: 'prefs', name: undefined, props: undefined, prefs: { sport: 'trail' } }),
      makeEvent({ type: 'identify', name: undefined, props: undefined, userId: 'user-42', traits: { plan: 'gold' } }),
      makeEvent({ type: 'consent', name: undefined, props: undefined, consent: { analytics: true, personalization: false } }),
    ];
    const { cookie, token } = await newVisitor(events);
    const res = await me({ cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const profile = await res.json<ProfileExport>();
    expect(profile).toMatchObject({
      site: 'demo',
      visitorId: token.split('.')[0],
      userId: 'user-42',
      traits: { plan: 'gold' },
      prefs: { sport: 'trail' },
      consent: { analytics: true, personalization: false },
      eventCount: 4,
    });
    expect(profile.events[0]).toMatchObject({ type: 'page', utm: { source: 'newsletter' } });
    expect(profile.events.every((e) => typeof e.receivedAt === 'number')).toBe(true);
    // The bearer token reads the same profile (pages where the cookie is not sent).
    expect((await (await me({ token })).json<ProfileExport>()).eventCount).toBe(4);
  });

  it('a newer preference wins even when an older one arrives later (retry order)', async () => {
    const now = Date.now();
    const newer = makeEvent({ type: 'prefs', name: undefined, props: undefined, ts: now + 10, prefs: { sport: 'road' } });
    const older = makeEvent({ type: 'prefs', name: undefined, props: undefined, ts: now, prefs: { sport: 'trail' } });
    const { cookie } = await newVisitor([newer]);
    await post([older], { cookie });
    expect((await (await me({ cookie })).json<ProfileExport>()).prefs).toEqual({ sport: 'road' });
  });

  it('refuses callers without a token, with a forged one, or with another site’s', async () => {
    const { token } = await newVisitor();
    const [id] = token.split('.');
    const cases = [{}, { token: `${id}.${'B'.repeat(22)}` }, { cookie: `wm_vid=${id}` }, { token: 'garbage' }];
    for (const init of cases) {
      const res = await me(init);
      expect(res.status).toBe(401);
      expect((await res.json<ErrorResponse>()).error).toMatch(/token/);
    }
    await env.CONFIG.put('site:other', JSON.stringify({ id: 'other', name: 'Other', version: 1, origins: [ORIGIN], consentPolicy: 'opt-out' }));
    expect((await me({ token, site: 'other' })).status).toBe(401);
    expect((await me({ token, origin: 'https://evil.example' })).status).toBe(403);
  });

  it('erases everything and clears the cookie; a later export is empty', async () => {
    const { cookie, token } = await newVisitor([makeEvent(), makeEvent({ type: 'prefs', name: undefined, props: undefined, prefs: { size: 'm' } })]);
    const erased = await me({ cookie, method: 'DELETE', origin: ORIGIN });
    expect(erased.status).toBe(200);
    expect(await erased.json()).toEqual({ erased: true });
    expect(erased.headers.get('set-cookie')).toMatch(/wm_vid=;.*Max-Age=0/i);
    const after = await me({ token });
    expect(after.status).toBe(401);
    expect((await after.json<ErrorResponse>()).error).toMatch(/erased/);
    // Nothing is left in the Durable Object's storage but the tombstone.
    const stub = env.VISITORS.get(env.VISITORS.idFromName(`demo:${token.split('.')[0]}`));
    const left = await runInDurableObject(stub, async (_instance, state) => ({
      keys: [...(await state.storage.list()).keys()],
      tables: state.storage.sql
        .exec<{ name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
        )
        .toArray()
        .map((r) => r.name),
    }));
    expect(left).toEqual({ keys: ['erased_at'], tables: [] });
    // An instance that starts after an eviction reads the tombstone from storage again.
    const afterEviction = await runInDurableObject(stub, (instance: VisitorProfile) => {
      Reflect.set(instance, 'erasedAt', undefined);
      return instance.erased();
    });
    expect(afterEviction).toEqual(expect.any(Number));
    // The browser still holds the old token (cookie gone, payload copy kept): it gets a new id.
    const again = await post([makeEvent()], { vid: token, cookie });
    const body = await again.json<CollectResponse>();
    expect(body.accepted).toHaveLength(1);
    expect(body.vid?.split('.')[0]).not.toBe(token.split('.')[0]);
    expect((await me({ token })).status).toBe(401);
  });
});

describe('profile storage migrations', () => {
  it('brings a profile stored by an older version up to date without losing its data', async () => {
    const stub = env.VISITORS.get(env.VISITORS.idFromName('demo:migration-test'));
    // A profile as the first release left it: only migration 1, one event.
    await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      sql.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
      sql.exec(`CREATE TABLE events (id TEXT PRIMARY KEY, type TEXT NOT NULL, name TEXT, ts INTEGER NOT NULL,
        received_at INTEGER NOT NULL, session_id TEXT NOT NULL, body TEXT NOT NULL)`);
      sql.exec('CREATE TABLE traits (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at INTEGER NOT NULL)');
      sql.exec('CREATE TABLE prefs (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at INTEGER NOT NULL)');
      sql.exec(`CREATE TABLE consent (id INTEGER PRIMARY KEY CHECK (id = 1), analytics INTEGER NOT NULL,
        personalization INTEGER NOT NULL, updated_at INTEGER NOT NULL)`);
      sql.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
      sql.exec('INSERT INTO schema_version (version) VALUES (1)');
      const old = makeEvent({ type: 'prefs', name: undefined, props: undefined, prefs: { sport: 'hiking' } });
      sql.exec('INSERT INTO events VALUES (?, ?, NULL, ?, ?, ?, ?)', old.id, 'prefs', old.ts, old.ts, old.sid, JSON.stringify(old));
      sql.exec("INSERT INTO prefs VALUES ('sport', '\"hiking\"', ?)", old.ts);
      sql.exec("INSERT INTO meta VALUES ('visitor_id', 'migration-test')");
    });
    const json = await stub.exportProfile('demo', 'migration-test');
    const profile = JSON.parse(json ?? 'null') as ProfileExport;
    expect(profile).toMatchObject({ eventCount: 1, prefs: { sport: 'hiking' }, segments: [], messages: [] });
    const versions = await runInDurableObject(stub, (_i, state) =>
      state.storage.sql
        .exec<{ version: number }>('SELECT version FROM schema_version ORDER BY version')
        .toArray()
        .map((r) => r.version),
    );
    expect(versions).toEqual(MIGRATIONS.map((_sql, i) => i + 1));
  });
});
