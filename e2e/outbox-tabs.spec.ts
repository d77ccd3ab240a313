/**
 * The outbox shared by many tabs (issue #11 point 8): 10 tabs of one browser make 200 events
 * each through online and offline periods. Every event is stored exactly once, and one tab at a
 * time flushes (Web Locks), so the same event id is (goal) never posted twice: the count of
 * duplicate POSTs is printed. Then the bound: a full outbox drops its oldest events, counts them,
 * reports the count to the edge, and the dashboard shows it.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import type { OverviewReport } from '../protocol/analytics';
import type { Batch } from '../protocol/wire';
import { eventsOf, flushWithSentinel, ORIGIN, waitForProfile } from './support/waymark';

const TABS = 10;
const PER_TAB = 200;
/** Events per tab per phase; phases alternate online / offline. */
const PHASES = [
  { online: true, events: 50 },
  { online: false, events: 50 },
  { online: true, events: 50 },
  { online: false, events: 50 },
];
const PAGE = '/fixtures/forms.html';

/**
 * Every POST /_wm/e the browser makes goes through this route: while "offline" it fails as a
 * dropped connection (and the context is offline too, so the page sees navigator.onLine false and
 * the 'online' event after); otherwise it reaches the edge and its event ids are counted.
 */
async function routeCollect(context: BrowserContext) {
  const state = { offline: false, posts: 0, failed: 0, delivered: new Map<string, number>() };
  await context.route('**/_wm/e', async (route) => {
    if (state.offline) {
      state.failed++;
      return route.abort('internetdisconnected');
    }
    state.posts++;
    const batch = JSON.parse(route.request().postData() ?? '{}') as Partial<Batch>;
    for (const e of batch.events ?? []) state.delivered.set(e.id, (state.delivered.get(e.id) ?? 0) + 1);
    await route.continue();
  });
  return {
    state,
    async setOnline(online: boolean) {
      state.offline = !online;
      await context.setOffline(!online);
    },
    /** Event ids that reached the edge in more than one POST, and how many extra POSTs that was. */
    duplicates() {
      const twice = [...state.delivered.values()].filter((n) => n > 1);
      return { ids: twice.length, extraPosts: twice.reduce((a, n) => a + n - 1, 0) };
    },
  };
}

function watchErrors(page: Page, errors: string[]) {
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
}

test('10 tabs × 200 events with offline periods: 0 lost, 0 double-counted, duplicate POSTs reported', async ({ context }) => {
  test.setTimeout(180_000);
  const collect = await routeCollect(context);
  const errors: string[] = [];
  const tabs: Page[] = [];
  for (let i = 0; i < TABS; i++) {
    const page = await context.newPage();
    watchErrors(page, errors);
    await page.goto(PAGE);
    await page.waitForFunction(() => typeof window.wm === 'function' && (window.wm as { v?: number }).v === 1);
    tabs.push(page);
  }
  // Every tab's page view arrived: all tabs share the visitor (its cookie) from here on.
  await waitForProfile(tabs[0]!.request, (p) => eventsOf(p, 'page').length >= TABS, 'the page views of every tab', 60_000);

  let made = 0;
  for (const [phase, { online, events }] of PHASES.entries()) {
    await collect.setOnline(online);
    await Promise.all(
      tabs.map((page, tab) =>
        page.evaluate(
          ({ tab, phase, events, from }) => {
            for (let n = from; n < from + events; n++) window.wm('track', 'tab_event', { tab, phase, n });
          },
          { tab, phase, events, from: made },
        ),
      ),
    );
    made += events;
    // Let the tabs try (and, offline, fail) to flush before the network changes again.
    await tabs[0]!.waitForTimeout(1_500);
  }
  expect(made).toBe(PER_TAB);
  await collect.setOnline(true);

  const key = (tab: unknown, n: unknown) => `${String(tab)}:${String(n)}`;
  const expected = new Set(tabs.flatMap((_, tab) => Array.from({ length: PER_TAB }, (_, n) => key(tab, n))));
  const tabEvents = (p: Parameters<typeof eventsOf>[0]) => eventsOf(p, 'track', 'tab_event');
  await waitForProfile(tabs[0]!.request, (p) => tabEvents(p).length >= TABS * PER_TAB, `all ${TABS * PER_TAB} tab events`, 120_000);
  const profile = await flushWithSentinel(tabs[0]!, 60_000);

  const stored = tabEvents(profile);
  const keys = stored.map((e) => key(e.props?.['tab'], e.props?.['n']));
  const ids = stored.map((e) => e.id);
  const { ids: duplicateIds, extraPosts } = collect.duplicates();
  console.log(
    `[outbox-tabs] ${TABS} tabs × ${PER_TAB} events: ${stored.length} stored, ${collect.state.posts} POSTs reached the edge, ` +
      `${collect.state.failed} failed offline; duplicate POSTs of one event id: ${extraPosts} (over ${duplicateIds} ids)`,
  );
  // 0 lost: every (tab, n) is stored. 0 double-counted: once each, one id each.
  expect(new Set(keys)).toEqual(expected);
  expect(stored).toHaveLength(TABS * PER_TAB);
  expect(new Set(ids).size).toBe(ids.length);
  expect(profile.eventCount).toBe(profile.events.length);
  expect(errors).toEqual([]);
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
  const reports: number[] = [];
  context.on('request', (req) => {
    if (req.method() !== 'POST' || !req.url().endsWith('/_wm/e')) return;
    const dropped = (JSON.parse(req.postData() ?? '{}') as { dropped?: number }).dropped;
    if (dropped) reports.push(dropped);
  });
  await page.request.post('/_wm/admin/api/login', { data: { password: 'waymark-demo' }, headers: { origin: ORIGIN } });
  const overview = async () => (await (await page.request.get('/_wm/admin/api/sites/demo/analytics/overview?minutes=5')).json()) as OverviewReport;
  const before = (await overview()).outboxDropped;

  // The collector unreachable from the start (the page itself loads): the page view waits in the outbox.
  collect.state.offline = true;
  await page.goto(PAGE);
  await page.waitForFunction(() => typeof window.wm === 'function' && (window.wm as { v?: number }).v === 1);
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
