import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SESSION_IDLE_MS } from '../../protocol/limits';
import { eventIdSchema } from '../../protocol/wire';
import { forget, session, uid } from './identity';
import { installPage } from '../fake-page';

beforeEach(() => {
  installPage();
  vi.useFakeTimers({ now: 1_800_000_000_000 });
});
afterEach(() => vi.useRealTimers());

describe('uid', () => {
  it('is a valid event id', () => {
    for (let i = 0; i < 200; i++) expect(eventIdSchema.safeParse(uid()).success).toBe(true);
  });
});

describe('session', () => {
  it('keeps its id while active, rotates after SESSION_IDLE_MS idle', () => {
    const a = session(true);
    vi.advanceTimersByTime(SESSION_IDLE_MS - 1000);
    expect(session(true).i).toBe(a.i);
    vi.advanceTimersByTime(SESSION_IDLE_MS - 1000);
    expect(session(true).i).toBe(a.i);
    vi.advanceTimersByTime(SESSION_IDLE_MS + 1);
    expect(session(true).i).not.toBe(a.i);
  });
  it('is shared through localStorage (the landing UTM is derived by the edge: edge/src/ingest/context.test.ts)', () => {
    const a = session(true);
    expect(JSON.parse(localStorage.getItem('wm_sid')!)).toMatchObject({ i: a.i });
    installPage('https://shop.example/other');
    localStorage.setItem('wm_sid', JSON.stringify({ ...a, t: Date.now() }));
    expect(session(true)).toMatchObject({ i: a.i });
  });
  it('writes nothing while consent is pending', () => {
    session(false);
    expect(localStorage.length).toBe(0);
  });
  it('survives blocked storage', () => {
    Object.defineProperty(globalThis, 'localStorage', {
      configurable: true,
      get() {
        throw new DOMException('blocked', 'SecurityError');
      },
    });
    expect(() => session(true)).not.toThrow();
    expect(() => forget()).not.toThrow();
  });
});
