import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { CollectResponse, ProfileExport } from '../../protocol/wire';
import type { JourneyInput } from '../../protocol/config/journeys';
import { ORIGIN, makeEvent, me, post, visitorCookie } from './helpers';
import { journeySite } from './journey-fixtures';
import { localTime } from '../src/journeys/best-time';

const SECRET = 'whsec_am91cm5leS10ZXN0LXNlY3JldC0wMTIzNDU2Nzg5YWI=';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ZONE = 'Asia/Tokyo';

/** Waits 30 minutes, then for the visitor's usual hour, then grants the reminder. */
const bestTimeJourney: JourneyInput = {
  id: 'cart-best',
  name: 'Cart reminder at the best time',
  entry: { event: 'add_to_cart' },
  steps: [
    { id: 'wait', kind: 'wait', minutes: 30, until: 'best-hour' },
    { id: 'remind', kind: 'message', message: 'reminder' },
  ],
};

type Row = { status: string; step: string; wake_at: number | null; step_since: number };

async function state(stub: DurableObjectStub): Promise<Row> {
  return runInDurableObject(stub, async (_i, s) =>
    s.storage.sql.exec<Row>("SELECT status, step, wake_at, step_since FROM journey_state WHERE journey = 'cart-best'").one(),
  );
}

/** Moves the visitor's journey clock back by `ms` (as if that much time had passed) and makes the wait due. */
async function timePasses(stub: DurableObjectStub, ms: number) {
  await runInDurableObject(stub, async (_i, s) => {
    s.storage.sql.exec("UPDATE journey_state SET step_since = step_since - ?, wake_at = ? WHERE status = 'active'", ms, Date.now() - 1);
    expect(await s.storage.getAlarm()).not.toBeNull();
  });
  await runDurableObjectAlarm(stub);
}

describe('best time: a journey wait holds until the visitor’s usual active hour', () => {
  it('learns the hour in the visitor’s zone from their own history and releases there', async () => {
    const siteId = await journeySite('bt', SECRET, { journeys: [bestTimeJourney] });
    const now = Date.now();
    // Their habit: page views at (now + 5 h), Tokyo wall clock, on six earlier days.
    const usual = localTime(now + 5 * HOUR, ZONE).hour;
    const history = Array.from({ length: 6 }, (_, d) =>
      makeEvent({ type: 'page', name: undefined, props: undefined, url: `${ORIGIN}/`, ref: '', ts: now + 5 * HOUR - (d + 1) * DAY }),
    );
    const first = await post(history, { site: siteId, headers: { 'x-wm-timezone': ZONE } });
    expect(first.status).toBe(200);
    const cookie = visitorCookie(first)!;
    const vid = ((await first.json<CollectResponse>()).vid ?? '').split('.')[0];
    const stub = env.VISITORS.get(env.VISITORS.idFromName(`${siteId}:${vid}`));
    expect(
      await runInDurableObject(stub, async (_i, s) => s.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'time_zone'").one().value),
    ).toBe(ZONE);
    // Shown to the visitor with everything else stored about them.
    expect((await (await me({ site: siteId, cookie })).json<ProfileExport>()).timeZone).toBe(ZONE);

    expect((await post([makeEvent({ name: 'add_to_cart' })], { site: siteId, cookie })).status).toBe(200);
    const entered = await state(stub);
    expect(entered).toMatchObject({ status: 'active', step: 'wait' });
    expect(entered.wake_at! - entered.step_since).toBe(30 * 60_000);

    // The 30 minutes pass: the wait holds on, until the start of the usual hour in Tokyo.
    await timePasses(stub, 30 * 60_000);
    const held = await state(stub);
    expect(held).toMatchObject({ status: 'active', step: 'wait' });
    expect(held.wake_at!).toBeGreaterThan(Date.now() + 3 * HOUR);
    expect(held.wake_at!).toBeLessThanOrEqual(now + 5 * HOUR);
    expect(localTime(held.wake_at!, ZONE)).toMatchObject({ hour: usual, minute: 0 });
    const log = await runInDurableObject(stub, async (_i, s) =>
      s.storage.sql.exec<{ what: string }>("SELECT what FROM journey_log WHERE journey = 'cart-best'").toArray(),
    );
    expect(log.map((l) => l.what).join('\n')).toContain(`usual active hour ${String(usual).padStart(2, '0')}:00 in ${ZONE}`);
    expect(await runInDurableObject(stub, async (_i, s) => s.storage.getAlarm())).toBe(held.wake_at);

    // The usual hour comes (a day's worth of clock): released, the next step runs.
    await timePasses(stub, DAY);
    expect(await state(stub)).toMatchObject({ status: 'completed', step: 'remind' });
  });

  it('falls back to no extra hold when the visitor has too little history (zone unknown: UTC)', async () => {
    const siteId = await journeySite('bt', SECRET, { journeys: [bestTimeJourney] });
    const res = await post([makeEvent({ type: 'page', name: undefined, props: undefined, url: `${ORIGIN}/`, ref: '' }), makeEvent({ name: 'add_to_cart' })], {
      site: siteId,
    });
    const vid = ((await res.json<CollectResponse>()).vid ?? '').split('.')[0];
    const stub = env.VISITORS.get(env.VISITORS.idFromName(`${siteId}:${vid}`));
    expect(await runInDurableObject(stub, async (_i, s) => s.storage.sql.exec("SELECT value FROM meta WHERE key = 'time_zone'").toArray())).toEqual([]);
    await timePasses(stub, 30 * 60_000);
    expect(await state(stub)).toMatchObject({ status: 'completed', step: 'remind' });
    const log = await runInDurableObject(stub, async (_i, s) =>
      s.storage.sql.exec<{ what: string }>("SELECT what FROM journey_log WHERE journey = 'cart-best'").toArray(),
    );
    expect(log.map((l) => l.what).join('\n')).toContain('too little history');
  });
});
