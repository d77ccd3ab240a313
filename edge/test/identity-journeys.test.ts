// Journeys follow the handover: a browser mid-journey identifies, and the journey goes on in the golden record.
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CollectResponse, ProfileExport, PropValue } from '../../protocol/wire';
import { siteAdmin } from '../src/admin/objects';
import type { SiteConfigInput } from '../../protocol/config/site';
import { goldenRecordName } from '../src/identity/stitch';
import type { JourneyInput } from '../../protocol/config/journeys';
import { makeEvent, me, post, visitorCookie } from './helpers';
import { cartJourney, journeySite } from './journey-fixtures';

let users = 0;
const newUser = () => `user-${Date.now().toString(36)}-${++users}`;
const site = (overrides: Partial<SiteConfigInput> = {}) => journeySite('idj', 'identity-journeys-secret-0123456789', overrides);

const track = (name: string) => makeEvent({ name, props: {} });
const identify = (userId: string, traits: Record<string, PropValue> = {}) => makeEvent({ type: 'identify', name: undefined, props: undefined, userId, traits });

async function send(siteId: string, events: unknown[], cookie?: string) {
  const res = await post(events, { site: siteId, ...(cookie ? { cookie } : {}) });
  expect(res.status, await res.clone().text()).toBe(200);
  const body = await res.json<CollectResponse>();
  const vid = (body.vid ?? '').split('.')[0] ?? '';
  return { body, cookie: cookie ?? visitorCookie(res) ?? '', vid };
}

async function exportOf(siteId: string, cookie: string): Promise<ProfileExport> {
  const res = await me({ cookie, site: siteId });
  expect(res.status).toBe(200);
  return res.json<ProfileExport>();
}

const browser = (siteId: string, vid: string) => env.VISITORS.get(env.VISITORS.idFromName(`${siteId}:${vid}`));
const golden = (siteId: string, user: string) => env.VISITORS.get(env.VISITORS.idFromName(goldenRecordName(siteId, user)));
const reminderShown = (body: CollectResponse) => body.decisions.some((d) => d.kind === 'message' && d.id === 'reminder');

type Sent = { url: string; delivery: string | null; body: string };
/** Stands in for the receiver: answers with `statuses` in turn (the last one repeats). */
function receiver(...statuses: number[]): Sent[] {
  const sent: Sent[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const req = new Request(input, init);
    sent.push({ url: req.url, delivery: req.headers.get('waymark-delivery'), body: await req.text() });
    return new Response(null, { status: statuses[Math.min(sent.length - 1, statuses.length - 1)] ?? 204 });
  });
  return sent;
}

/** A delivery queued on ingest is due at once and its alarm fires by itself: wait for `n` attempts in the site's log. */
async function logged(siteId: string, n: number) {
  for (let i = 0; i < 200; i++) {
    if ((await siteAdmin(env, siteId).webhookDeliveries(siteId, 'crm')).length >= n) return;
    await scheduler.wait(10);
  }
  throw new Error(`the delivery log of ${siteId} never reached ${n} attempts`);
}

afterEach(() => vi.restoreAllMocks());

describe('journeys move to the golden record on identify', () => {
  it('a browser waiting in the cart journey identifies; the wait fires from the golden record and the reminder shows on the other device', async () => {
    const sent = receiver();
    const siteId = await site();
    const user = newUser();
    const laptop = await send(siteId, [track('add_to_cart')]);
    expect((await exportOf(siteId, laptop.cookie)).journeys).toMatchObject([{ id: 'cart', status: 'active', step: 'wait' }]);

    await send(siteId, [identify(user)], laptop.cookie);
    // The browser keeps no journey, no delivery and no alarm; the golden record has them and its alarm.
    const left = await runInDurableObject(browser(siteId, laptop.vid), async (_i, state) => {
      const count = (t: string) => state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`).one().n;
      return { rows: ['journey_state', 'journey_log', 'journey_grants', 'webhook_outbox'].map(count), alarm: await state.storage.getAlarm() };
    });
    expect(left).toEqual({ rows: [0, 0, 0, 0], alarm: null });
    const wake = await runInDurableObject(golden(siteId, user), async (_i, state) => {
      const row = state.storage.sql.exec<{ wake_at: number }>("SELECT wake_at FROM journey_state WHERE journey = 'cart' AND status = 'active'").one();
      return { wakeAt: row.wake_at, alarm: await state.storage.getAlarm() };
    });
    expect(wake.alarm).not.toBeNull();
    expect(wake.alarm).toBeLessThanOrEqual(wake.wakeAt);
    const merged = await exportOf(siteId, laptop.cookie);
    expect(merged.journeys).toMatchObject([{ id: 'cart', status: 'active', step: 'wait', runs: 1 }]);
    expect(merged.journeys?.[0]?.history.map((h) => h.what)).toContain('entered on "add_to_cart"');

    // Half an hour later: the golden record's alarm ends the wait, grants the reminder, sends the webhook.
    await runInDurableObject(golden(siteId, user), (_i, state) => {
      state.storage.sql.exec("UPDATE journey_state SET wake_at = ? WHERE status = 'active'", Date.now() - 1);
    });
    expect(await runDurableObjectAlarm(golden(siteId, user))).toBe(true);
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]?.body ?? '{}')).toMatchObject({ journey: { id: 'cart' }, step: 'crm', visitor: { userId: user } });

    // The phone identifies as the same user: its very first response shows the reminder.
    const phone = await send(siteId, [identify(user)]);
    expect(reminderShown(phone.body)).toBe(true);
    expect((await exportOf(siteId, phone.cookie)).journeys).toMatchObject([{ id: 'cart', status: 'exited', step: 'out', runs: 1 }]);

    // Nothing left to send anywhere: no second delivery from either object.
    expect(await runDurableObjectAlarm(browser(siteId, laptop.vid))).toBe(false);
    await runDurableObjectAlarm(golden(siteId, user));
    expect(sent).toHaveLength(1);
  });

  it('a pending delivery moves once (by its id) and is sent from the golden record; a journey active there wins', async () => {
    // The receiver fails the first attempt (the laptop's), so that delivery is pending a retry.
    const sent = receiver(500, 204);
    const webhookNow: JourneyInput = { ...cartJourney, steps: [{ id: 'crm', kind: 'webhook', webhook: 'crm' }] };
    const siteId = await site({ journeys: [webhookNow] });
    const user = newUser();
    const phone = await send(siteId, [identify(user)]);
    const laptop = await send(siteId, [track('add_to_cart')]);
    await logged(siteId, 1);
    const pending = await runInDurableObject(browser(siteId, laptop.vid), (_i, state) =>
      state.storage.sql.exec<{ id: string; status: string; attempts: number }>('SELECT id, status, attempts FROM webhook_outbox').one(),
    );
    expect(pending).toMatchObject({ status: 'pending', attempts: 1 });
    // The phone enters the journey in the golden record (its delivery succeeds).
    await send(siteId, [track('add_to_cart')], phone.cookie);
    await logged(siteId, 2);

    await send(siteId, [identify(user)], laptop.cookie);
    const outbox = () =>
      runInDurableObject(golden(siteId, user), (_i, state) =>
        state.storage.sql
          .exec<{ id: string; status: string; attempts: number }>('SELECT id, status, attempts FROM webhook_outbox ORDER BY created_at, id')
          .toArray(),
      );
    expect((await outbox()).find((d) => d.id === pending.id)).toMatchObject({ status: 'pending', attempts: 1 });
    // The journey already active in the golden record (the phone's run) wins over the laptop's.
    expect((await exportOf(siteId, phone.cookie)).journeys).toMatchObject([{ id: 'cart', runs: 1 }]);

    // The retry comes due: the golden record sends it, once.
    await runInDurableObject(golden(siteId, user), (_i, state) => {
      state.storage.sql.exec("UPDATE webhook_outbox SET next_at = ? WHERE status = 'pending'", Date.now() - 1);
    });
    expect(await runDurableObjectAlarm(golden(siteId, user))).toBe(true);
    expect((await outbox()).find((d) => d.id === pending.id)).toMatchObject({ status: 'delivered', attempts: 2 });
    const of = (id: string) => sent.filter((x) => x.delivery === id);
    expect(of(pending.id)).toHaveLength(2);
    // Resending the identify batch or running either alarm again sends nothing more.
    await send(siteId, [identify(user)], laptop.cookie);
    await runDurableObjectAlarm(golden(siteId, user));
    await runDurableObjectAlarm(browser(siteId, laptop.vid));
    expect(of(pending.id)).toHaveLength(2);
    expect(sent).toHaveLength(3);
  });

  it('handed-over segment entries are not new entries for the golden record’s journeys', async () => {
    // Enters on a segment and leaves at once; may enter again after an exit. A handed-over entry
    // taken for a new one would start a second run.
    const welcome: JourneyInput = {
      id: 'welcome',
      name: 'Welcome',
      entry: { segmentEntered: 'browsers' },
      reentry: 'after-exit',
      steps: [{ id: 'out', kind: 'exit' }],
    };
    const siteId = await site({
      segments: [
        { id: 'never', name: 'Nobody', condition: { trait: 'nobody', test: { op: 'eq', value: 'x' } } },
        { id: 'browsers', name: 'Browsers', condition: { event: 'browse', within: '1d' } },
      ],
      journeys: [welcome],
    });
    const laptop = await send(siteId, [track('browse')]);
    expect((await exportOf(siteId, laptop.cookie)).journeys).toMatchObject([{ id: 'welcome', status: 'exited', runs: 1 }]);
    await send(siteId, [identify(newUser())], laptop.cookie);
    const merged = await exportOf(siteId, laptop.cookie);
    expect(merged.segments.map((s) => s.id)).toEqual(['browsers']);
    expect(merged.journeys).toMatchObject([{ id: 'welcome', status: 'exited', runs: 1 }]);
  });
});
