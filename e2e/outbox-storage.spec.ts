/**
 * Storage that is full or blocked (issue #11 point 8): IndexedDB missing, throwing on open as in
 * private modes, refusing writes with QuotaExceededError, or localStorage blocked as well. The
 * snippet falls back to its memory outbox: events still arrive, and the page sees 0 errors.
 */
import { expect, test } from './support/test';
import { eventsOf, flushWithSentinel, waitForProfile } from './support/waymark';

/** Init scripts that break storage the ways browsers do, before the snippet runs. */
const BREAKS: { name: string; script: string }[] = [
  {
    name: 'indexedDB missing',
    script: `Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });`,
  },
  {
    name: 'indexedDB throwing on access (sandboxed or blocked)',
    script: `Object.defineProperty(window, 'indexedDB', { get() { throw new DOMException('The user denied permission', 'SecurityError'); }, configurable: true });`,
  },
  {
    name: 'indexedDB.open failing as in a private mode',
    script: `IDBFactory.prototype.open = function () {
      const req = {};
      setTimeout(() => { req.error = new DOMException('A mutation operation was attempted on a database that did not allow mutations.', 'InvalidStateError'); req.onerror && req.onerror(); });
      return req;
    };`,
  },
  {
    name: 'every write refused: QuotaExceededError (disk full)',
    script: `IDBObjectStore.prototype.put = function () { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };`,
  },
  {
    // The page view flushes at once: its read must not start before the refused put is seen.
    name: 'every write refused, behind a slow open (a busy disk)',
    script: `IDBObjectStore.prototype.put = function () { throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };
      const open = IDBFactory.prototype.open;
      IDBFactory.prototype.open = function (...args) {
        const real = open.apply(this, args);
        const slow = { get result() { return real.result; }, get error() { return real.error; } };
        real.onupgradeneeded = (e) => slow.onupgradeneeded && slow.onupgradeneeded(e);
        real.onsuccess = () => setTimeout(() => slow.onsuccess && slow.onsuccess(), 300);
        real.onerror = () => slow.onerror && slow.onerror();
        return slow;
      };`,
  },
  {
    name: 'IndexedDB and localStorage both blocked',
    script: `Object.defineProperty(window, 'indexedDB', { get() { throw new DOMException('blocked', 'SecurityError'); }, configurable: true });
      Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('blocked', 'SecurityError'); }, configurable: true });`,
  },
];

for (const { name, script } of BREAKS) {
  test(`storage broken (${name}): memory outbox, events arrive, 0 page errors`, async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.addInitScript(script);
    await page.goto('/fixtures/forms.html');
    await page.waitForFunction(() => typeof window.wm === 'function' && (window.wm as { v?: number }).v === 1);
    await page.evaluate(() => {
      for (let i = 0; i < 3; i++) window.wm('track', 'stored_in_memory', { i });
    });
    const profile = await flushWithSentinel(page, 30_000);
    // Made in one millisecond: compared as a set.
    expect(
      eventsOf(profile, 'track', 'stored_in_memory')
        .map((e) => e.props?.['i'])
        .sort(),
    ).toEqual([0, 1, 2]);
    expect(eventsOf(profile, 'page')).toHaveLength(1);
    // A second page view in the same tab: still nothing thrown, still delivered.
    await page.reload();
    await waitForProfile(page.request, (p) => eventsOf(p, 'page').length === 2, 'the second page view');
    expect(errors).toEqual([]);
  });
}
