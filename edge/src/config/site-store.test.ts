import { describe, expect, it } from 'vitest';
import { DEMO_SITE } from '../demo/seed';
import { CACHE_MS, SiteStore } from './site-store';

/** The part of KVNamespace the store uses, in memory, counting reads. */
function fakeKv() {
  const data = new Map<string, string>();
  let reads = 0;
  const kv = {
    async get(key: string, type: 'json') {
      reads++;
      const value = data.get(key);
      return value === undefined ? null : type === 'json' ? JSON.parse(value) : value;
    },
    async put(key: string, value: string) {
      data.set(key, value);
    },
  };
  return { kv: kv as unknown as KVNamespace, data, reads: () => reads };
}

describe('SiteStore', () => {
  it('serves from the isolate cache, and picks a change up within CACHE_MS', async () => {
    const { kv, data, reads } = fakeKv();
    let now = 1_000;
    const store = new SiteStore(kv, () => now);
    data.set('site:demo', JSON.stringify(DEMO_SITE));
    expect((await store.get('demo'))?.name).toBe(DEMO_SITE.name);
    expect((await store.get('demo'))?.name).toBe(DEMO_SITE.name);
    expect(reads()).toBe(1);

    data.set('site:demo', JSON.stringify({ ...DEMO_SITE, name: 'Renamed', version: 9 }));
    now += CACHE_MS - 1;
    expect((await store.get('demo'))?.name).toBe(DEMO_SITE.name);
    now += 1;
    expect((await store.get('demo'))?.name).toBe('Renamed');
  });

  it('keeps serving the last good config when the stored one is invalid', async () => {
    const { kv, data } = fakeKv();
    let now = 0;
    const store = new SiteStore(kv, () => now);
    data.set('site:demo', JSON.stringify(DEMO_SITE));
    await store.get('demo');
    data.set('site:demo', JSON.stringify({ ...DEMO_SITE, origins: ['not an origin'] }));
    now += CACHE_MS;
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      expect((await store.get('demo'))?.origins).toEqual(DEMO_SITE.origins);
    } finally {
      console.error = original;
    }
    expect(errors).toHaveLength(1);
  });

  it('refuses to write an invalid config, with the reasons, and writes nothing', async () => {
    const { kv, data } = fakeKv();
    const store = new SiteStore(kv);
    await expect(store.put({ ...DEMO_SITE, consentPolicy: 'maybe' as 'opt-in' })).rejects.toThrow(/consentPolicy/);
    expect(data.size).toBe(0);
  });

  it('an unknown site is null (and cached briefly), a site with no good config ever is an error', async () => {
    const { kv, data } = fakeKv();
    const store = new SiteStore(kv, () => 0);
    expect(await store.get('nosuch')).toBeNull();
    data.set('site:broken', '{"id":"broken"}');
    const original = console.error;
    console.error = () => {};
    try {
      await expect(store.get('broken')).rejects.toThrow(/no valid configuration/);
    } finally {
      console.error = original;
    }
  });

  it('getVersion: the immutable copy of that version, else the latest when it is that version or newer', async () => {
    const { kv, data } = fakeKv();
    const store = new SiteStore(kv);
    await store.put({ ...DEMO_SITE, version: 3, name: 'Three' });
    await store.put({ ...DEMO_SITE, version: 4, name: 'Four' });
    expect((await store.getVersion('demo', 3))?.name).toBe('Three');
    expect((await store.getVersion('demo', 4))?.name).toBe('Four');
    // Written straight to KV (no copy): the latest serves any version up to its own.
    data.set('site:raw', JSON.stringify({ ...DEMO_SITE, id: 'raw', version: 2 }));
    expect((await store.getVersion('raw', 1))?.version).toBe(2);
    expect((await store.getVersion('raw', 2))?.version).toBe(2);
    expect(await store.getVersion('raw', 3)).toBeNull();
    expect(await store.getVersion('nosuch', 0)).toBeNull();
  });
});
