// Identity stitching: identify links a browser to the user's golden record; two devices, one profile.
import { SELF, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { CollectResponse, Decision, ErrorResponse, PrefValue, ProfileExport, PropValue, SlotDecision } from '../../protocol/wire';
import { goldenRecordName } from '../src/identity/stitch';
import { BASE, ORIGIN, makeEvent, me, post, visitorCookie } from './helpers';

const page = (path = '/') => makeEvent({ type: 'page', name: undefined, props: undefined, url: `${ORIGIN}${path}`, ref: '' });
const identify = (userId: string, traits: Record<string, PropValue> = {}, ts?: number) =>
  makeEvent({ type: 'identify', name: undefined, props: undefined, userId, traits, ...(ts ? { ts } : {}) });
const prefs = (p: Record<string, PrefValue>, ts?: number) => makeEvent({ type: 'prefs', name: undefined, props: undefined, prefs: p, ...(ts ? { ts } : {}) });
const slots = (decisions: Decision[]) => decisions.filter((d): d is SlotDecision => d.kind === 'slot');

let users = 0;
/** A user id of its own per test, so golden records never meet across tests. */
const newUser = () => `user-${Date.now().toString(36)}-${++users}`;

/** A new browser (device): its first batch, its cookie and its visitor id. */
async function device(events: unknown[]) {
  const res = await post(events);
  expect(res.status).toBe(200);
  const body = await res.json<CollectResponse>();
  const cookie = visitorCookie(res);
  if (!cookie || !body.vid) throw new Error('no visitor token');
  return { cookie, token: body.vid, id: body.vid.split('.')[0]!, body };
}

async function exportOf(cookie: string): Promise<ProfileExport> {
  const res = await me({ cookie });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json<ProfileExport>();
}

const ids = (p: ProfileExport) => p.events.map((e) => e.id).sort();

function decideFor(cookie: string, path: string) {
  const url = encodeURIComponent(`${ORIGIN}${path}`);
  return SELF.fetch(`${BASE}/_wm/decide?site=demo&url=${url}`, { headers: { cookie } });
}

const golden = (userId: string) => env.VISITORS.get(env.VISITORS.idFromName(goldenRecordName('demo', userId)));
const browserProfile = (visitorId: string) => env.VISITORS.get(env.VISITORS.idFromName(`demo:${visitorId}`));

describe('identify links devices into one golden record', () => {
  it('two devices that identify as one user both read one profile with both histories', async () => {
    const user = newUser();
    const cart = makeEvent({ name: 'add_to_cart' });
    const a = await device([page('/product/ridgeline-trail-runner'), cart, prefs({ sport: 'trail' })]);
    const b = await device([page('/category/hiking')]);
    const idA = identify(user, { plan: 'pro' });
    expect((await (await post([idA], { cookie: a.cookie })).json<CollectResponse>()).accepted).toEqual([idA.id]);
    const idB = identify(user, { newsletter: true });
    const resB = await post([idB], { cookie: b.cookie });
    const bodyB = await resB.json<CollectResponse>();
    expect(bodyB.accepted).toEqual([idB.id]);
    // Each browser keeps its own signed id: the cookie is not swapped for another browser's.
    expect(bodyB.vid?.split('.')[0]).toBe(b.id);

    const fromA = await exportOf(a.cookie);
    const fromB = await exportOf(b.cookie);
    const all = [...a.body.accepted, idA.id, ...b.body.accepted, idB.id].sort();
    expect(ids(fromA)).toEqual(all);
    expect(ids(fromB)).toEqual(all);
    for (const [p, own] of [
      [fromA, a.id],
      [fromB, b.id],
    ] as const) {
      expect(p).toMatchObject({ userId: user, visitorId: own, traits: { plan: 'pro', newsletter: true }, prefs: { sport: 'trail' }, eventCount: 6 });
      // Linked browsers by a short prefix only; the caller's own is marked.
      expect(p.linkedVisitors).toEqual([
        { id: a.id.slice(0, 8), linkedAt: expect.any(Number), current: own === a.id },
        { id: b.id.slice(0, 8), linkedAt: expect.any(Number), current: own === b.id },
      ]);
      expect(JSON.stringify(p)).not.toContain(a.token.split('.')[1]);
      expect(JSON.stringify(p)).not.toContain(b.token.split('.')[1]);
    }
    expect(fromA.firstSeen).toBeLessThanOrEqual(fromB.firstSeen!);

    // Events after the link from either device land in the same record.
    const later = makeEvent({ name: 'wishlist_add' });
    await post([later], { cookie: b.cookie });
    expect(ids(await exportOf(a.cookie))).toContain(later.id);
  });

  it('after the handover a browser profile keeps no personal data, only its link', async () => {
    const a = await device([page('/'), prefs({ sport: 'road' }), makeEvent({ name: 'add_to_cart' })]);
    await post([identify(newUser(), { email_opt_in: true })], { cookie: a.cookie });
    const left = await runInDurableObject(browserProfile(a.id), (_instance, state) => {
      const sql = state.storage.sql;
      const count = (table: string) => sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).one().n;
      return {
        rows: ['events', 'traits', 'prefs', 'consent', 'segments', 'segment_log', 'exposures'].map(count),
        meta: sql
          .exec<{ key: string }>('SELECT key FROM meta ORDER BY key')
          .toArray()
          .map((r) => r.key),
      };
    });
    expect(left.rows).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(left.meta).toEqual(expect.arrayContaining(['linked_record', 'rate_bucket', 'site', 'visitor_id']));
    for (const key of ['first_seen', 'last_seen', 'user_id']) expect(left.meta).not.toContain(key);
    const merged = await exportOf(a.cookie);
    expect(merged).toMatchObject({ traits: { email_opt_in: true }, prefs: { sport: 'road' }, eventCount: 4 });
    expect(merged.segments.map((s) => s.id)).toEqual(['cart-abandoners', 'road-runners']);
  });

  it('a first batch that already identifies is stored straight into the golden record', async () => {
    const user = newUser();
    const a = await device([page('/'), identify(user, { plan: 'pro' })]);
    const meta = await runInDurableObject(browserProfile(a.id), (_i, state) =>
      state.storage.sql
        .exec<{ key: string }>('SELECT key FROM meta ORDER BY key')
        .toArray()
        .map((r) => r.key),
    );
    expect(meta).toContain('linked_record');
    expect(meta).not.toContain('user_id');
    expect(await exportOf(a.cookie)).toMatchObject({ userId: user, traits: { plan: 'pro' }, eventCount: 2 });
  });

  it('is idempotent: the identify batch resent, a second identify, the same handover twice', async () => {
    const user = newUser();
    const a = await device([page('/'), makeEvent({ name: 'add_to_cart' })]);
    const batch = [identify(user, { plan: 'pro' }), makeEvent({ name: 'newsletter_signup' })];
    await post(batch, { cookie: a.cookie });
    const once = await exportOf(a.cookie);

    const resent = await (await post(batch, { cookie: a.cookie })).json<CollectResponse>();
    expect(resent).toMatchObject({ accepted: [], duplicates: batch.map((e) => e.id) });
    await post([identify(user, { plan: 'pro' })], { cookie: a.cookie });
    const after = await exportOf(a.cookie);
    expect(after.eventCount).toBe(once.eventCount + 1); // only the new identify event
    expect(after.linkedVisitors).toHaveLength(1);
    expect(after.segments).toEqual(once.segments);

    // A retried handover (the browser profile failed before recording its link) changes nothing.
    const record = golden(user);
    const handover = JSON.stringify({
      visitorId: a.id,
      firstSeen: 1,
      lastSeen: 2,
      events: [],
      traits: [{ key: 'plan', value: '"free"', updated_at: 1 }],
      prefs: [],
      consent: null,
      segments: [{ id: 'cart-abandoners', entered_at: 1 }],
      segmentLog: [{ segment: 'cart-abandoners', change: 'enter', at: 1 }],
      exposures: [],
    });
    const generation = await record.link('demo', user, a.id, handover, { site: 'demo', version: 0 });
    expect(await record.link('demo', user, a.id, handover, { site: 'demo', version: 0 })).toBe(generation);
    const log = await runInDurableObject(
      record,
      (_i, state) => state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM segment_log WHERE at = 1').one().n,
    );
    expect(log).toBe(1);
    const merged = await exportOf(a.cookie);
    // Older trait values never win; the earliest segment entry and first seen do.
    expect(merged.traits).toEqual({ plan: 'pro' });
    expect(merged.segments).toEqual([{ id: 'cart-abandoners', enteredAt: 1 }]);
    expect(merged.firstSeen).toBe(1);
    expect(merged.eventCount).toBe(after.eventCount);
  });

  it('concurrent identifies from two devices, and a concurrent batch on one device, lose nothing', async () => {
    const user = newUser();
    const a = await device([page('/a')]);
    const b = await device([page('/b')]);
    const extraA = makeEvent({ name: 'compare' });
    const [ra, rb, rx] = await Promise.all([
      post([identify(user)], { cookie: a.cookie }),
      post([identify(user)], { cookie: b.cookie }),
      post([extraA], { cookie: a.cookie }),
    ]);
    for (const r of [ra, rb, rx]) expect(r.status).toBe(200);
    const fromA = await exportOf(a.cookie);
    const fromB = await exportOf(b.cookie);
    expect(ids(fromA)).toEqual(ids(fromB));
    expect(fromA.eventCount).toBe(5);
    expect(ids(fromA)).toContain(extraA.id);
    expect(fromA.linkedVisitors?.map((v) => v.id).sort()).toEqual([a.id.slice(0, 8), b.id.slice(0, 8)].sort());
  });

  it('segments are evaluated on the merged history: device 1’s cart shows on device 2', async () => {
    const user = newUser();
    const a = await device([page('/product/summit-30-daypack'), makeEvent({ name: 'add_to_cart' })]);
    await post([identify(user)], { cookie: a.cookie });
    const b = await device([page('/category/running')]);
    expect(slots(b.body.decisions)).toEqual([]);
    expect(slots((await (await decideFor(b.cookie, '/category/hiking')).json<{ decisions: Decision[] }>()).decisions)).toEqual([]);

    // Read-your-writes: the identify batch's own answer already sees device 1's cart.
    const linked = await (await post([identify(user)], { cookie: b.cookie })).json<CollectResponse>();
    expect(slots(linked.decisions).map((d) => [d.id, d.segment])).toEqual([['category-promo', 'cart-abandoners']]);
    const decided = await (await decideFor(b.cookie, '/category/hiking')).json<{ decisions: Decision[] }>();
    expect(slots(decided.decisions).map((d) => d.id)).toEqual(['category-promo']);

    // Checkout on device 2 ends it for device 1 as well.
    await post([makeEvent({ name: 'checkout_start' })], { cookie: b.cookie });
    expect(slots((await (await decideFor(a.cookie, '/category/hiking')).json<{ decisions: Decision[] }>()).decisions)).toEqual([]);
    expect((await exportOf(a.cookie)).segments.map((s) => s.id)).not.toContain('cart-abandoners');
  });

  it('a newer preference wins across devices, whichever device merges last', async () => {
    const user = newUser();
    const now = Date.now();
    const a = await device([prefs({ sport: 'road' }, now + 50)]);
    const b = await device([prefs({ sport: 'trail' }, now)]);
    await post([identify(user)], { cookie: a.cookie });
    await post([identify(user)], { cookie: b.cookie });
    expect((await exportOf(b.cookie)).prefs).toEqual({ sport: 'road' });
  });

  it('a browser that identifies as another user is re-pointed; merged history stays with the first', async () => {
    const [first, second] = [newUser(), newUser()];
    const before = makeEvent({ name: 'viewed_plans' });
    const a = await device([before, identify(first)]);
    const other = identify(second);
    const after = makeEvent({ name: 'after_switch' });
    await post([other, after], { cookie: a.cookie });
    const now = await exportOf(a.cookie);
    expect(now.userId).toBe(second);
    expect(ids(now)).toEqual([other.id, after.id].sort());
    const stays = JSON.parse((await golden(first).linkedExport(await generationOf(first), 'demo', a.id)) ?? 'null') as ProfileExport;
    expect(stays.userId).toBe(first);
    expect(stays.events.map((e) => e.id)).toContain(before.id);
    expect(stays.events.map((e) => e.id)).not.toContain(after.id);
  });

  it('erase through one device erases the golden record; the other device behaves as erased', async () => {
    const user = newUser();
    const a = await device([page('/'), makeEvent({ name: 'add_to_cart' }), identify(user, { plan: 'pro' })]);
    const b = await device([page('/category/hiking'), identify(user)]);
    const erased = await me({ cookie: a.cookie, method: 'DELETE', origin: ORIGIN });
    expect(await erased.json()).toEqual({ erased: true });

    // Nothing is left in the golden record but its tombstone.
    const left = await runInDurableObject(golden(user), async (_i, state) => [...(await state.storage.list()).keys()]);
    expect(left).toEqual(['erased_at']);
    for (const cookie of [a.cookie, b.cookie]) {
      const res = await me({ cookie });
      expect(res.status).toBe(401);
      expect((await res.json<ErrorResponse>()).error).toMatch(/erased/);
    }
    expect((await (await decideFor(b.cookie, '/category/hiking')).json<{ decisions: Decision[] }>()).decisions).toEqual([]);

    // Device 2's next event starts a new, unrelated visitor; identifying again starts a new record
    // in which nothing erased comes back.
    const again = await post([identify(user), page('/')], { cookie: b.cookie });
    const body = await again.json<CollectResponse>();
    expect(body.vid?.split('.')[0]).not.toBe(b.id);
    const fresh = await exportOf(visitorCookie(again)!);
    expect(fresh.userId).toBe(user);
    expect(fresh.eventCount).toBe(2);
    expect(fresh.traits).toEqual({});
    expect(fresh.linkedVisitors).toEqual([{ id: body.vid!.slice(0, 8), linkedAt: expect.any(Number), current: true }]);
    // The device erased through still cannot reopen anything.
    expect((await me({ cookie: a.cookie })).status).toBe(401);
  });

  it('erase names every linked browser, so their data elsewhere (analytics) is erased too', async () => {
    const user = newUser();
    const a = await device([page('/'), identify(user)]);
    const b = await device([page('/cart'), identify(user)]);
    const lone = await device([page('/')]);
    expect((await browserProfile(a.id).erase()).sort()).toEqual([a.id, b.id].sort());
    // An unlinked browser's erase concerns only itself; erasing again names nobody.
    expect(await browserProfile(lone.id).erase()).toEqual([]);
    expect(await browserProfile(b.id).erase()).toEqual([]);
  });
});

/** A golden record's generation, read as a linked browser would hold it. */
async function generationOf(userId: string): Promise<string> {
  return runInDurableObject(
    golden(userId),
    (_i, state) => state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'golden_generation'").one().value,
  );
}
