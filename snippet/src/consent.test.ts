import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeStorage } from '../fake-page';

/** consent.ts reads the stored choice when loaded, so each case loads it fresh. */
async function load(stored?: object, gpc?: boolean) {
  vi.resetModules();
  const storage = fakeStorage();
  if (stored) storage.setItem('wm_consent', JSON.stringify(stored));
  Object.assign(globalThis, { localStorage: storage, navigator: { globalPrivacyControl: gpc } });
  return { ...(await import('./consent')), storage };
}

beforeEach(() => vi.resetModules());

describe('decide', () => {
  it('opt-out policy captures unless GPC is on', async () => {
    expect((await load()).decide(false)).toBe(1);
    expect((await load(undefined, true)).decide(false)).toBe(-1);
  });
  it('opt-in policy waits for a choice', async () => {
    expect((await load()).decide(true)).toBe(0);
    expect((await load(undefined, true)).decide(true)).toBe(0);
  });
  it('an explicit choice wins over policy and GPC', async () => {
    const yes = { analytics: true, personalization: false };
    expect((await load(yes, true)).decide(false)).toBe(1);
    expect((await load(yes)).decide(true)).toBe(1);
    expect((await load({ analytics: false, personalization: true })).decide(false)).toBe(-1);
  });
});

describe('choose', () => {
  it('remembers a normalized choice only when made', async () => {
    const m = await load();
    expect(m.storage.length).toBe(0);
    expect(m.choose({ analytics: 1, extra: 'x' })).toBe(1);
    expect(JSON.parse(m.storage.getItem('wm_consent')!)).toEqual({ analytics: true, personalization: false });
    expect(m.choose(undefined)).toBe(-1);
    expect(JSON.parse(m.storage.getItem('wm_consent')!)).toEqual({ analytics: false, personalization: false });
  });
});
