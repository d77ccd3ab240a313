// The flush lock's fallback for browsers without Web Locks: a lease in localStorage.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exclusive, LEASE, LEASE_MS } from './storage';

/** A localStorage of our own (or one that throws, as in a blocked sandbox), and no Web Locks. */
function fakeStorage(blocked = false): Map<string, string> {
  const m = new Map<string, string>();
  const deny = () => {
    throw new DOMException('blocked', 'SecurityError');
  };
  Object.assign(globalThis, {
    navigator: {},
    localStorage: blocked
      ? { getItem: deny, setItem: deny, removeItem: deny }
      : { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k) },
  });
  return m;
}

const saved = { navigator: globalThis.navigator, localStorage: (globalThis as { localStorage?: unknown }).localStorage };
afterEach(() => void Object.assign(globalThis, saved));

/** A flush that stays running until `finish()`. */
function running() {
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  let runs = 0;
  return { f: () => (runs++, done), finish, runs: () => runs };
}

describe('exclusive without Web Locks (localStorage lease)', () => {
  let m: Map<string, string>;
  beforeEach(() => (m = fakeStorage()));

  it('runs the flush when the lease is free, holds it meanwhile, and frees it after', async () => {
    const a = running();
    const p = exclusive(a.f, 1_000);
    expect(a.runs()).toBe(1);
    expect(m.get(LEASE)).toBe(String(1_000 + LEASE_MS));
    a.finish();
    expect(await p).toBeUndefined();
    expect(m.has(LEASE)).toBe(false);
  });

  it('refuses a second flush (another tab or this one) while the lease holds, without running it', async () => {
    const a = running();
    const b = running();
    const held = exclusive(a.f, 1_000);
    expect(exclusive(b.f, 1_000 + LEASE_MS - 1)).toBe(1);
    expect(b.runs()).toBe(0);
    a.finish();
    await held;
    // Freed: the next one runs.
    const next = exclusive(b.f, 2_000);
    expect(b.runs()).toBe(1);
    b.finish();
    expect(await next).toBeUndefined();
  });

  it('takes over a lease whose holder died (expired), and frees it when done', async () => {
    m.set(LEASE, String(5_000));
    const a = running();
    expect(exclusive(a.f, 4_999)).toBe(1);
    const p = exclusive(a.f, 5_001);
    expect(a.runs()).toBe(1);
    expect(m.get(LEASE)).toBe(String(5_001 + LEASE_MS));
    a.finish();
    await p;
    expect(m.has(LEASE)).toBe(false);
  });

  it('a corrupt lease value counts as free', async () => {
    m.set(LEASE, 'garbage');
    const a = running();
    const p = exclusive(a.f, 1);
    expect(a.runs()).toBe(1);
    a.finish();
    await p;
  });
});

describe('exclusive with storage blocked and no Web Locks', () => {
  it('runs every flush without throwing (no shared outbox to guard)', async () => {
    fakeStorage(true);
    const a = running();
    const p = exclusive(a.f, 1);
    expect(a.runs()).toBe(1);
    a.finish();
    expect(await p).toBeUndefined();
  });
});

describe('exclusive with Web Locks', () => {
  it('asks for the lock only if available, and runs the flush only when granted', async () => {
    const calls: { name: string; options: LockOptions }[] = [];
    let granted = true;
    Object.assign(globalThis, {
      navigator: {
        locks: {
          request: (name: string, options: LockOptions, cb: (lock: object | null) => unknown) => {
            calls.push({ name, options });
            return Promise.resolve(cb(granted ? {} : null));
          },
        },
      },
    });
    const a = running();
    const p = exclusive(a.f);
    expect(a.runs()).toBe(1);
    a.finish();
    expect(await p).toBeUndefined();
    granted = false;
    expect(await exclusive(a.f)).toBe(1);
    expect(a.runs()).toBe(1);
    expect(calls).toEqual([
      { name: LEASE, options: { ifAvailable: true } },
      { name: LEASE, options: { ifAvailable: true } },
    ]);
  });
});

describe('exclusive where Web Locks refuse (opaque origin: SecurityError)', () => {
  it('flushes without the lock rather than throwing into the page', async () => {
    Object.assign(globalThis, {
      navigator: { locks: { request: () => Promise.reject(new DOMException('opaque origin', 'SecurityError')) } },
    });
    const a = running();
    const p = exclusive(a.f);
    await Promise.resolve();
    await Promise.resolve();
    expect(a.runs()).toBe(1);
    a.finish();
    expect(await p).toBeUndefined();
  });
});
