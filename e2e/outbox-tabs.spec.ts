/**
 * The outbox shared by many tabs (issue #11 point 8), small enough for `npm test`: 4 tabs make
 * 60 events each through online and offline periods; every event is stored exactly once, one tab
 * at a time flushes (Web Locks), and the count of duplicate POSTs of one event id is printed (goal
 * 0). The full size, 10 tabs × 200 events, is in `npm run test:soak` (e2e/soak/outbox-tabs.spec.ts).
 * Then the bound: a full outbox drops its oldest events, counts them, reports the count to the
 * edge once, and the dashboard shows it.
 */
import { type Page } from '@playwright/test';
import { expect, test } from './support/test';
import type { OverviewReport } from '../protocol/analytics';
import { OUTBOX_PAGE, routeCollect, snippetReady, tabsScenario, watchErrors } from './support/outbox-tabs';
import { eventsOf, flushWithSentinel, ORIGIN } from './support/waymark';

test('4 tabs × 60 events with offline periods: 0 lost, 0 double-counted, duplicate POSTs reported', async ({ context }) => {
  test.setTimeout(120_000);
  await tabsScenario(context, 4, 60, 'outbox-tabs');
});

/** The snippet's IndexedDB outbox, read and written from the page (the test's hands, not the snippet's). */
const idb = {
  /** Puts `n` valid, old events with ids that sort before any real one (so they are the oldest). */
  fill: (page: Page, n: number) =>
    page.evaluate(
      ({ n, url }) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('waymark');
          open.onsuccess = () => {
            const tx = open.result.transaction('outbox', 'readwrite');
            const store = tx.objectStore('outbox');
            for (let i = 0; i < n; i++) {
              const id = `a${String(i).padStart(9, '0')}`;
              store.put({ id, ts: 1_700_000_000_000 + i, sid: 'filler-session', url, type: 'track', name: 'filler' }, id);
            }
            tx.oncomplete = () => (open.result.close(), resolve());
            tx.onerror = () => reject(tx.error);
          };
          open.onerror = () => reject(open.error);
        }),
      { n, url: `${ORIGIN}/fixtures/forms.html` },
    ),
  /** Event keys (strings) in order, the drop counter (key 0), and how many events. */
  read: (page: Page) =>
    page.evaluate(
      () =>
        new Promise<{ first: string[]; last: string[]; count: number; dropped: number | undefined }>((resolve, reject) => {
          const open = indexedDB.open('waymark');
          open.onsuccess = () => {
            const store = open.result.transaction('outbox', 'readonly').objectStore('outbox');
            const keys = store.getAllKeys(IDBKeyRange.lowerBound(''));
            const dropped = store.get(0);
            store.transaction.oncomplete = () => {
              const k = keys.result as string[];
              open.result.close();
              resolve({ first: k.slice(0, 3), last: k.slice(-3), count: k.length, dropped: dropped.result as number | undefined });
            };
          };
          open.onerror = () => reject(open.error);
        }),
    ),
  /** Deletes the filler events (as if another tab had sent them), keeping the counter and real events. */
  dropFillers: (page: Page) =>
    page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const open = indexedDB.open('waymark');
          open.onsuccess = () => {
            const tx = open.result.transaction('outbox', 'readwrite');
            tx.objectStore('outbox').delete(IDBKeyRange.bound('a', 'b', false, true));
            tx.oncomplete = () => (open.result.close(), resolve());
          };
        }),
    ),
};

test('a full outbox drops its oldest events, counts them, reports them once, and the dashboard shows it', async ({ page, context }) => {
  test.setTimeout(120_000);
  const collect = await routeCollect(context);
  const errors: string[] = [];
  watchErrors(page, errors);
  // Counts reported in POSTs that reached the edge (one refused while "offline" is not a report).
  const reports = collect.state.droppedReports;
  await page.request.post('/_wm/admin/api/login', { data: { password: 'waymark-demo' }, headers: { origin: ORIGIN } });
  const overview = async () => (await (await page.request.get('/_wm/admin/api/sites/demo/analytics/overview?minutes=5')).json()) as OverviewReport;
  const before = (await overview()).outboxDropped;

  // The collector unreachable from the start (the page itself loads): the page view waits in the outbox.
  collect.state.offline = true;
  await page.goto(OUTBOX_PAGE);
  await snippetReady(page);
  await expect.poll(async () => (await idb.read(page)).count).toBe(1);
  // 9,999 old events: with the page view, the outbox is exactly full (10,000).
  await idb.fill(page, 9_999);
  expect(await idb.read(page)).toMatchObject({ count: 10_000, dropped: undefined });
  // Each new event now pushes the oldest one out, counted.
  await page.evaluate(() => {
    for (let i = 0; i < 5; i++) window.wm('track', 'over_the_bound', { i });
  });
  await expect.poll(async () => (await idb.read(page)).dropped).toBe(5);
  const full = await idb.read(page);
  expect(full.count).toBe(10_000);
  expect(full.first).toEqual(['a000000005', 'a000000006', 'a000000007']);

  // The fillers go (another tab sent them); back online, the next batch reports the 5 drops.
  await idb.dropFillers(page);
  await collect.setOnline(true);
  const profile = await flushWithSentinel(page, 60_000);
  expect(eventsOf(profile, 'track', 'over_the_bound')).toHaveLength(5);
  expect(reports).toEqual([5]);
  await expect.poll(async () => (await idb.read(page)).dropped, { timeout: 15_000 }).toBe(0);
  await expect.poll(async () => (await overview()).outboxDropped, { timeout: 30_000 }).toBe(before + 5);
  // Reported once: later batches carry no count.
  await flushWithSentinel(page);
  expect(reports).toEqual([5]);

  // The overview says so, in words.
  await page.goto('/_wm/dashboard#/s/demo');
  await expect(page.getByTestId('outbox-dropped')).toContainText(`${before + 5} event`);
  await expect(page.getByTestId('outbox-dropped')).toContainText('lost in visitors\u2019 browsers'.replace('\u2019', "'"));
  expect(errors).toEqual([]);
});
