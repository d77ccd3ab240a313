/**
 * The shared-outbox scenario of issue #11 point 8, used at two sizes: `e2e/outbox-tabs.spec.ts`
 * (small, in `npm test`) and `e2e/soak/outbox-tabs.spec.ts` (10 tabs × 200 events, `npm run
 * test:soak`). Tabs of one browser make events through online and offline periods; every POST
 * the browser makes to /_wm/e is seen by a route, which also plays the dropped connection.
 */
import { expect, type BrowserContext, type Page } from '@playwright/test';
import type { Batch } from '../../protocol/wire';
import { eventsOf, flushWithSentinel, waitForProfile } from './waymark';

export const OUTBOX_PAGE = '/fixtures/forms.html';

/**
 * Every POST /_wm/e the browser makes goes through this route: while "offline" it fails as a
 * dropped connection (and the context is offline too, so the page sees navigator.onLine false and
 * the 'online' event after); otherwise it reaches the edge and its event ids are counted.
 */
export async function routeCollect(context: BrowserContext) {
  const state = { offline: false, posts: 0, failed: 0, delivered: new Map<string, number>(), droppedReports: [] as number[] };
  await context.route('**/_wm/e', async (route) => {
    if (state.offline) {
      state.failed++;
      return route.abort('internetdisconnected');
    }
    state.posts++;
    const batch = JSON.parse(route.request().postData() ?? '{}') as Partial<Batch>;
    for (const e of batch.events ?? []) state.delivered.set(e.id, (state.delivered.get(e.id) ?? 0) + 1);
    const dropped = (batch as { dropped?: number }).dropped;
    if (dropped) state.droppedReports.push(dropped);
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

export function watchErrors(page: Page, errors: string[]) {
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
}

/** Waits until the snippet in `page` has replaced its stub. */
export const snippetReady = (page: Page) => page.waitForFunction(() => typeof window.wm === 'function' && (window.wm as { v?: number }).v === 1);

/**
 * `tabs` tabs make `perTab` events each, in four phases (online, offline, online, offline, then
 * online for good). Asserts what the product guarantees: every event stored (0 lost), once (0
 * double-counted), 0 page errors; prints how many POSTs carried an event id a second time
 * (goal 0: a batch whose answer was cut by going offline is resent, and the edge counts it once).
 */
export async function tabsScenario(context: BrowserContext, tabs: number, perTab: number, label: string): Promise<void> {
  const collect = await routeCollect(context);
  const errors: string[] = [];
  const pages: Page[] = [];
  for (let i = 0; i < tabs; i++) {
    const page = await context.newPage();
    watchErrors(page, errors);
    await page.goto(OUTBOX_PAGE);
    await snippetReady(page);
    pages.push(page);
  }
  const first = pages[0]!;
  // Every tab's page view arrived: all tabs share the visitor (its cookie) from here on.
  await waitForProfile(first.request, (p) => eventsOf(p, 'page').length >= tabs, 'the page views of every tab', 60_000);

  const phases = [true, false, true, false];
  let made = 0;
  for (const [phase, online] of phases.entries()) {
    const events = phase < phases.length - 1 ? Math.floor(perTab / phases.length) : perTab - made;
    await collect.setOnline(online);
    await Promise.all(
      pages.map((page, tab) =>
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
    await first.waitForTimeout(1_500);
  }
  expect(made).toBe(perTab);
  await collect.setOnline(true);

  const key = (tab: unknown, n: unknown) => `${String(tab)}:${String(n)}`;
  const expected = new Set(pages.flatMap((_, tab) => Array.from({ length: perTab }, (_, n) => key(tab, n))));
  const tabEvents = (p: Parameters<typeof eventsOf>[0]) => eventsOf(p, 'track', 'tab_event');
  await waitForProfile(first.request, (p) => tabEvents(p).length >= tabs * perTab, `all ${tabs * perTab} tab events`, 240_000);
  const profile = await flushWithSentinel(first, 60_000);

  const stored = tabEvents(profile);
  const keys = stored.map((e) => key(e.props?.['tab'], e.props?.['n']));
  const ids = stored.map((e) => e.id);
  const { ids: duplicateIds, extraPosts } = collect.duplicates();
  console.log(
    `[${label}] ${tabs} tabs × ${perTab} events: ${stored.length} stored, ${collect.state.posts} POSTs reached the edge, ` +
      `${collect.state.failed} failed offline; duplicate POSTs of one event id: ${extraPosts} (over ${duplicateIds} ids)`,
  );
  // 0 lost: every (tab, n) is stored. 0 double-counted: once each, one id each.
  expect(new Set(keys)).toEqual(expected);
  expect(stored).toHaveLength(tabs * perTab);
  expect(new Set(ids).size).toBe(ids.length);
  expect(profile.eventCount).toBe(profile.events.length);
  expect(errors).toEqual([]);
}
