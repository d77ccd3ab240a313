/**
 * Issue #11 points 8 and 9 at the edge, in workerd: the outbox's `dropped` count goes from a
 * batch through the queue to the site's overview once (resent batches and queue redeliveries
 * are not counted again), and `reset` (wm('reset'), sign-out on a shared device) gives the
 * browser a new anonymous visitor: user A then user B on one browser never share a golden record.
 */
import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { OverviewReport } from '../../protocol/analytics';
import type { CollectResponse, PrefValue, ProfileExport, PropValue } from '../../protocol/wire';
import type { AnalyticsMessage } from '../src/analytics/feed';
import { visitorSecret } from '../src/http/site-context';
import { resetVisitorId } from '../src/identity/token';
import { adminLogin, BASE, ORIGIN, makeEvent, me, visitorCookie } from './helpers';

const API = `${BASE}/_wm/admin/api`;

const login = () => adminLogin('198.51.100.211');

async function overview(site: string): Promise<OverviewReport> {
  const s = await login();
  const res = await SELF.fetch(`${API}/sites/${site}/analytics/overview?minutes=5`, { headers: { origin: BASE, cookie: s.cookie, 'x-wm-csrf': s.csrf } });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json<OverviewReport>();
}

/** A batch as the snippet sends it, envelope fields included. */
function send(events: unknown[], envelope: Record<string, unknown> = {}, cookie?: string): Promise<Response> {
  return SELF.fetch(`${BASE}/_wm/e`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', origin: ORIGIN, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ site: 'demo', events, ...envelope }),
  });
}

/** The queue delivers within about a second locally; poll, never assert timing. */
async function until<T>(read: () => Promise<T>, done: (t: T) => boolean): Promise<T> {
  let last = await read();
  for (let i = 0; i < 100 && !done(last); i++) {
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
  return last;
}

describe('outbox drops: reported by the browser, counted once, shown in the overview', () => {
  it('a batch reporting dropped events adds them to the site overview once, resent or redelivered', async () => {
    const before = (await overview('demo')).outboxDropped;
    const batch = [makeEvent({ name: 'after_drop' })];
    const res = await send(batch, { dropped: 42 });
    expect(res.status).toBe(200);
    expect((await res.json<CollectResponse>()).accepted).toHaveLength(1);
    const after = await until(
      () => overview('demo'),
      (o) => o.outboxDropped >= before + 42,
    );
    expect(after.outboxDropped).toBe(before + 42);
    // The browser never saw the answer and sends the same batch again: all duplicates, not counted again.
    const again = await send(batch, { dropped: 42 }, visitorCookie(res));
    expect((await again.json<CollectResponse>()).duplicates).toHaveLength(1);
    // A later batch without drops changes nothing either.
    await send([makeEvent({ name: 'no_drop' })], {}, visitorCookie(res));
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await overview('demo')).outboxDropped).toBe(before + 42);
  });

  it('the store counts a queue redelivery once and keeps counts of erased visitors', async () => {
    const site = `drops-${Date.now().toString(36)}`;
    const store = env.ANALYTICS.get(env.ANALYTICS.idFromName(site));
    const now = Date.now();
    const message = (id: string, dropped?: number): AnalyticsMessage => ({
      kind: 'events',
      site,
      visitorId: 'visitor-drops',
      receivedAt: now,
      events: [{ id, ts: now, sid: 'session-1', url: 'https://shop.example/', type: 'page' }],
      snapshot: null,
      ...(dropped ? { outboxDropped: dropped } : {}),
    });
    await store.ingest([message('drop-0001', 5), message('drop-0001', 5), message('drop-0002')]);
    await store.ingest([{ kind: 'erase', site, visitorId: 'visitor-drops', at: now }]);
    await store.ingest([message('drop-0003', 2)]);
    expect((await overview(site)).outboxDropped).toBe(7);
  });

  it('refuses a malformed count with 400 and the field named', async () => {
    const res = await send([makeEvent()], { dropped: -3 });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('dropped');
  });
});

describe("wm('reset'): a shared browser, user A signs out, user B signs in", () => {
  const page = (path: string) => makeEvent({ type: 'page', name: undefined, props: undefined, url: `${ORIGIN}${path}`, ref: '' });
  const identify = (userId: string, traits: Record<string, PropValue>) => makeEvent({ type: 'identify', name: undefined, props: undefined, userId, traits });
  const prefs = (p: Record<string, PrefValue>) => makeEvent({ type: 'prefs', name: undefined, props: undefined, prefs: p });
  const tag = Date.now().toString(36);

  async function exportOf(cookie: string): Promise<ProfileExport> {
    const res = await me({ cookie });
    expect(res.status, await res.clone().text()).toBe(200);
    return res.json<ProfileExport>();
  }

  it("0 events, traits or prefs of B in A's golden record, and none of A's in B's", async () => {
    const userA = `alice-${tag}`;
    const userB = `bob-${tag}`;
    // A browses and signs in.
    const aEvents = [page('/a-home'), identify(userA, { plan: 'gold' }), prefs({ sport: 'alpine' })];
    const first = await send(aEvents);
    expect(first.status).toBe(200);
    const aCookie = visitorCookie(first)!;
    const aBody = await first.json<CollectResponse>();
    const aVisitor = aBody.vid!.split('.')[0]!;

    // A signs out: the snippet's next batch starts with the reset marker (still A's cookie).
    const resetId = `reset-${tag}-0001`;
    const bEvents = [page('/b-home'), identify(userB, { plan: 'basic' }), prefs({ sport: 'seaside' })];
    const reset = await send([bEvents[0]], { reset: resetId }, aCookie);
    expect(reset.status).toBe(200);
    const resetBody = await reset.json<CollectResponse>();
    const newVisitor = resetBody.vid!.split('.')[0]!;
    expect(newVisitor).not.toBe(aVisitor);
    expect(newVisitor).toBe(await resetVisitorId(visitorSecret(env), 'demo', resetId));
    const bCookie = visitorCookie(reset)!;
    expect(bCookie).not.toBe(aCookie);
    // The answer was lost and the batch resent (now with the new cookie): same new visitor, a duplicate.
    const resent = await send([bEvents[0]], { reset: resetId }, bCookie);
    const resentBody = await resent.json<CollectResponse>();
    expect(resentBody.vid!.split('.')[0]).toBe(newVisitor);
    expect(resentBody.duplicates).toEqual([bEvents[0]!.id]);
    // B signs in on the same browser.
    expect((await (await send(bEvents.slice(1), {}, bCookie)).json<CollectResponse>()).accepted).toHaveLength(2);

    const a = await exportOf(aCookie);
    const b = await exportOf(bCookie);
    expect(a).toMatchObject({ userId: userA, traits: { plan: 'gold' }, prefs: { sport: 'alpine' } });
    expect(b).toMatchObject({ userId: userB, traits: { plan: 'basic' }, prefs: { sport: 'seaside' } });
    const ids = (p: ProfileExport) => p.events.map((e) => e.id as string).sort();
    expect(ids(a)).toEqual(aEvents.map((e) => e.id as string).sort());
    expect(ids(b)).toEqual(bEvents.map((e) => e.id as string).sort());
    expect(a.linkedVisitors?.map((v) => v.id)).toEqual([aVisitor.slice(0, 8)]);
    expect(b.linkedVisitors?.map((v) => v.id)).toEqual([newVisitor.slice(0, 8)]);
    const text = { a: JSON.stringify(a), b: JSON.stringify(b) };
    for (const word of [userB, 'basic', 'seaside', '/b-home']) expect(text.a).not.toContain(word);
    for (const word of [userA, 'gold', 'alpine', '/a-home']) expect(text.b).not.toContain(word);
  });

  it('a batch queued before the reset but sent after it still goes to the old visitor (its cookie), never the new one', async () => {
    const first = await send([page('/before')]);
    const oldCookie = visitorCookie(first)!;
    const oldVisitor = (await first.json<CollectResponse>()).vid!.split('.')[0]!;
    const reset = await send([page('/after')], { reset: `reset-${tag}-0002` }, oldCookie);
    const newVisitor = (await reset.json<CollectResponse>()).vid!.split('.')[0]!;
    // Another tab's late batch, still with the old cookie (the browser had not stored the new one).
    const late = await send([makeEvent({ name: 'late_before_reset' })], {}, oldCookie);
    expect((await late.json<CollectResponse>()).vid!.split('.')[0]).toBe(oldVisitor);
    expect(newVisitor).not.toBe(oldVisitor);
  });
});
