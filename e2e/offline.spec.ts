// The outbox: events made while the collector is unreachable survive navigations and reloads, are
// sent once the network is back, and every event id is stored exactly once, retries included.
import { expect, test } from './support/test';
import type { CollectResponse } from '../protocol/wire';
import { eventsOf, flushWithSentinel, hasTrack, waitForProfile, watchCollect, withoutSentinels } from './support/waymark';

test('offline across navigations and a reload: every event arrives exactly once', async ({ page, context }) => {
  const log = watchCollect(context);
  await page.goto('/'); // page view 1 (online: the visitor gets its id)
  await waitForProfile(page.request, (p) => eventsOf(p, 'page').length === 1, 'first page view');

  // The collector becomes unreachable: every POST /_wm/e fails as on a dropped connection.
  await context.route('**/_wm/e', (route) => route.abort('internetdisconnected'));
  await page.goto('/product/ridgeline-trail-runner'); // page view 2
  const add = page.getByRole('button', { name: 'Add to cart' });
  await add.click();
  await add.click();
  await page.getByRole('button', { name: 'Save to wishlist' }).click();
  await page.reload(); // page view 3
  await add.click();
  await page.goto('/category/hiking'); // page view 4

  // Now the browser itself is offline (navigator.onLine === false).
  await context.setOffline(true);
  await page.evaluate(() => {
    window.wm('track', 'offline_note', { n: 1 });
    window.wm('track', 'offline_note', { n: 2 });
  });
  await page.waitForTimeout(500);
  await context.unroute('**/_wm/e');
  await context.setOffline(false); // the 'online' event should flush the outbox

  const expected = { page: 4, add_to_cart: 3, wishlist_add: 1, offline_note: 2 };
  const counts = (p: Parameters<typeof eventsOf>[0]) => ({
    page: eventsOf(p, 'page').length,
    add_to_cart: eventsOf(p, 'track', 'add_to_cart').length,
    wishlist_add: eventsOf(p, 'track', 'wishlist_add').length,
    offline_note: eventsOf(p, 'track', 'offline_note').length,
  });
  await waitForProfile(
    page.request,
    (p) => JSON.stringify(counts(p)) === JSON.stringify(expected),
    `expected ${JSON.stringify(expected)} after going back online`,
    30_000,
  );
  const profile = await flushWithSentinel(page);
  const events = withoutSentinels(profile.events);

  expect(counts(profile)).toEqual(expected);
  expect(events).toHaveLength(10);
  const ids = events.map((e) => e.id);
  expect(new Set(ids).size, 'no event id stored twice').toBe(ids.length);
  // Every id the browser ever tried to send (failed attempts included) is stored, and nothing else.
  expect([...log.sentIds()].sort()).toEqual([...ids].sort());
  expect(profile.eventCount).toBe(profile.events.length);
});

test('a 503 from the collector is retried and the event is stored once', async ({ page, context }) => {
  let calls = 0;
  await context.route('**/_wm/e', async (route) => {
    calls += 1;
    if (calls === 1) return route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":"unavailable"}' });
    return route.continue();
  });
  await page.goto('/product/summit-30-daypack');
  await waitForProfile(page.request, (p) => eventsOf(p, 'page').length >= 1, 'the page view after a 503', 30_000);
  const profile = await flushWithSentinel(page);
  expect(calls, 'the first attempt failed and was retried').toBeGreaterThanOrEqual(2);
  expect(eventsOf(profile, 'page')).toHaveLength(1);
});

test('a lost acknowledgement: the retry is a duplicate and is not counted again', async ({ page, context }) => {
  await page.goto('/product/tempo-road-racer');
  await waitForProfile(page.request, (p) => eventsOf(p, 'page').length === 1, 'first page view');

  // The first POST that carries the click reaches the edge and is stored, but the browser never
  // sees the answer (the connection drops).
  const lost: { body: CollectResponse | null } = { body: null };
  const retries: CollectResponse[] = [];
  await context.route('**/_wm/e', async (route) => {
    const carriesClick = (route.request().postData() ?? '').includes('"add_to_cart"');
    if (carriesClick && !lost.body) {
      const res = await route.fetch();
      lost.body = (await res.json()) as CollectResponse;
      return route.abort('connectionreset');
    }
    const res = await route.fetch();
    if (carriesClick && res.status() === 200) retries.push((await res.json()) as CollectResponse);
    return route.fulfill({ response: res });
  });
  await page.getByRole('button', { name: 'Add to cart' }).click();

  await waitForProfile(page.request, (p) => hasTrack(p, 'add_to_cart'), 'add_to_cart');
  await expect.poll(() => retries.length, { message: 'the snippet retries', timeout: 30_000 }).toBeGreaterThan(0);
  const profile = await flushWithSentinel(page);
  const adds = eventsOf(profile, 'track', 'add_to_cart');
  expect(adds, 'stored once although delivered twice').toHaveLength(1);
  const id = adds[0]!.id;
  expect(lost.body?.accepted).toContain(id);
  expect(retries.flatMap((r) => r.duplicates)).toContain(id);
  expect(retries.flatMap((r) => r.accepted)).not.toContain(id);
});
