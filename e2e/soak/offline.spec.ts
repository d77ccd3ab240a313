// Offline soak (issue #6): one visitor in Chromium goes through WM_SOAK_CYCLES (default 100)
// offline/online cycles with navigations, reloads, navigations that fail while offline, and
// tracked events with known props, while the collector's answers are sometimes a 503, sometimes
// delivered but lost on the way back (a timeout after the edge stored the batch), sometimes a
// timeout before the edge. At the end the visitor's profile has every event exactly once: every
// tracked prop, one page view per page load, every id the browser ever sent, no id twice.
import { expect, test, type Page } from '@playwright/test';
import type { ProfileExport } from '../../protocol/wire';
import { eventsOf, flushWithSentinel, waitForProfile, watchCollect, withoutSentinels } from '../support/waymark';

const CYCLES = Number(process.env['WM_SOAK_CYCLES'] ?? 100);
const PAGES = ['/product/ridgeline-trail-runner', '/category/hiking', '/', '/cart', '/product/tempo-road-racer', '/category/running'];

const track = (page: Page, c: number, at: string) =>
  page.evaluate(([cycle, when]) => window.wm('track', 'soak_cycle', { c: cycle, at: when }), [c, at] as const);

/** The snippet's stub is there (the tag ran or is queued): safe to call wm(). */
const ready = (page: Page) => page.waitForFunction(() => typeof window.wm === 'function');

test(`${CYCLES} offline/online cycles with navigations, reloads, 5xx and lost answers: every event exactly once`, async ({ page, context }) => {
  const started = Date.now();
  const log = watchCollect(context);
  const faults = { status503: 0, lostAnswer: 0, timeoutBefore: 0, passed: 0 };
  let posts = 0;
  await context.route(
    (url) => url.pathname === '/_wm/e',
    async (route) => {
      posts++;
      if (posts % 9 === 4) {
        faults.status503++;
        return route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":"injected by the soak"}' });
      }
      if (posts % 9 === 7) {
        // The edge gets and stores the batch; the browser never hears back.
        faults.lostAnswer++;
        const res = await route.fetch().catch(() => null);
        await res?.body().catch(() => null);
        return route.abort('timedout');
      }
      if (posts % 13 === 6) {
        faults.timeoutBefore++;
        return route.abort('timedout');
      }
      faults.passed++;
      return route.continue();
    },
  );

  const expected = new Set<string>();
  let loads = 0;
  const load = async (how: () => Promise<unknown>) => {
    await how();
    await ready(page);
    loads++;
  };

  await load(() => page.goto('/'));
  for (let c = 0; c < CYCLES; c++) {
    // Online: a navigation (every 4th cycle a reload), then an event.
    await load(() => (c % 4 === 3 ? page.reload() : page.goto(PAGES[c % PAGES.length]!)));
    await track(page, c, 'online');
    expected.add(`${c}:online`);

    // Offline: events that can only wait in the outbox; flush attempts fail meanwhile.
    await context.setOffline(true);
    await track(page, c, 'offline-1');
    await track(page, c, 'offline-2');
    expected.add(`${c}:offline-1`).add(`${c}:offline-2`);
    // Give IndexedDB its writes and the snippet a failed flush before anything else happens.
    await page.waitForTimeout(150 + (c % 3) * 100);
    if (c % 10 === 5) {
      // A navigation while offline fails (Chromium's error page); the events wait in IndexedDB.
      await page.goto(PAGES[(c + 1) % PAGES.length]!).catch(() => undefined);
    }
    await context.setOffline(false);
    if (c % 10 === 5) await load(() => page.goto(PAGES[(c + 2) % PAGES.length]!));
    if ((c + 1) % 10 === 0) console.log(`[offline soak] ${c + 1}/${CYCLES} cycles, ${loads} page loads, ${posts} POSTs (${JSON.stringify(faults)})`);
  }

  // Everything still queued goes out; the sentinel is sent last, so once it is stored the outbox
  // has been drained (first in, first out), however long the backoff took.
  await load(() => page.goto('/'));
  await flushWithSentinel(page, 180_000);
  const key = (p: ProfileExport) =>
    eventsOf(p, 'track', 'soak_cycle').map((e) => {
      const props = (e.props ?? {}) as { c?: number; at?: string };
      return `${props.c}:${props.at}`;
    });
  const profile = await waitForProfile(page.request, (p) => new Set(key(p)).size >= expected.size, `all ${expected.size} soak events`, 60_000);

  const keys = key(profile);
  const missing = [...expected].filter((k) => !keys.includes(k));
  const twice = keys.filter((k, i) => keys.indexOf(k) !== i);
  const events = withoutSentinels(profile.events);
  const ids = events.map((e) => e.id);
  const stored = new Set(ids);
  const sentButMissing = [...log.sentIds()].filter((id) => !stored.has(id));
  const duplicatesAnswered = log.replies.reduce((n, r) => n + (r.status === 200 && r.body && 'duplicates' in r.body ? r.body.duplicates.length : 0), 0);
  const rateLimited = log.replies.filter((r) => r.status === 429).length;
  console.log(
    `[offline soak] done in ${((Date.now() - started) / 1000).toFixed(0)} s: ${CYCLES} cycles, ${loads} page loads, ${posts} POSTs routed ` +
      `(${JSON.stringify(faults)}), ${rateLimited} rate-limited, ${duplicatesAnswered} retried events answered as duplicates; ` +
      `${keys.length} soak events stored for ${expected.size} expected, ${missing.length} missing, ${twice.length} twice`,
  );

  expect(missing, 'tracked events missing from the profile').toEqual([]);
  expect(twice, 'tracked events stored twice').toEqual([]);
  expect(keys).toHaveLength(expected.size);
  expect(eventsOf(profile, 'page'), 'one page view per page load').toHaveLength(loads);
  expect(stored.size, 'no event id stored twice').toBe(ids.length);
  expect(profile.eventCount).toBe(profile.events.length);
  expect(sentButMissing, 'every id the browser sent is stored').toEqual([]);
  // The faults really happened, and the lost answers' retries were recognized as duplicates.
  expect(faults.status503).toBeGreaterThan(0);
  expect(faults.lostAnswer).toBeGreaterThan(0);
  expect(faults.timeoutBefore).toBeGreaterThan(0);
  expect(duplicatesAnswered).toBeGreaterThan(0);
});
