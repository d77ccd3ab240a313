/**
 * The one way site config reaches a visitor object: calls name `{site, version}` and the object
 * loads that version (config/site-store.ts getVersion) and keeps it in memory. A version's config
 * never changes, so the cache is shared by every object in the isolate (the worker has one
 * CONFIG binding; binding objects are not stable keys across objects).
 */
import type { SiteConfig } from '../../../protocol/config/site';
import { SiteStore } from '../config/site-store';
import type { ConfigRef } from './context';
import type { ProfileStore } from './store/profile-store';
import { CONFIG_REF_KEY } from './store/meta-keys';

/** Enough for a few sites with a few versions each in flight; the oldest entry goes first. */
const CACHE_SIZE = 64;
const cache = new Map<string, SiteConfig>();

export async function loadSiteConfig(kv: KVNamespace, ref: ConfigRef): Promise<SiteConfig> {
  const key = `${ref.site}@${ref.version}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const config = await new SiteStore(kv).getVersion(ref.site, ref.version);
  if (!config) throw new Error(`site ${ref.site} has no valid config of version ${ref.version} or newer`);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value ?? '');
  cache.set(key, config);
  return config;
}

/** Keeps the newest config version the object was called with: the one its alarm loads. */
export function rememberConfig(store: ProfileStore, ref: ConfigRef): void {
  const stored = storedConfig(store);
  if (stored?.site === ref.site && stored.version >= ref.version) return;
  store.setMeta(CONFIG_REF_KEY, JSON.stringify({ site: ref.site, version: ref.version }));
}

/**
 * The config version the alarm works with. A profile written before versions were kept knows
 * only its site: version 0 loads the latest.
 */
export function storedConfig(store: ProfileStore): ConfigRef | null {
  const raw = store.meta(CONFIG_REF_KEY);
  if (raw) {
    try {
      // Written by rememberConfig().
      return JSON.parse(raw) as ConfigRef;
    } catch {
      // Unreadable: fall back to the site below.
    }
  }
  const site = store.meta('site');
  return site ? { site, version: 0 } : null;
}
