/**
 * Sites AdminStore never wrote: a config put straight into KV (README's deploy step,
 * `wrangler kv key put … site:<id>`) is adopted once as that site's first row in `site_versions`.
 * From then on AdminStore writes from its own rows and never reads the site from KV again.
 */
import type { SiteConfig } from '../../../protocol/config/site';
import { SiteStore } from '../config/site-store';
import type { SiteVersions } from './site-versions';

/** The KV key prefix of config/site-store.ts (`site:<id>`), for listing. */
const SITE_KEY_PREFIX = 'site:';

/** The KV config of a site with no version row, recorded as its first version; null when KV has none (or an invalid one). */
export async function adoptedSite(kv: KVNamespace, versions: SiteVersions, id: string): Promise<SiteConfig | null> {
  let stored: SiteConfig | null = null;
  try {
    stored = await new SiteStore(kv).get(id);
  } catch (err) {
    console.error(`admin: site ${id} in KV is not valid`, err);
  }
  // Another call may have adopted or written it while KV answered: its row wins.
  const latest = versions.latest(id);
  if (latest || !stored) return latest;
  versions.append(stored, Date.now());
  return stored;
}

/** Ids of the sites in KV that `known` (the ids with version rows) lacks. */
export async function unadoptedSiteIds(kv: KVNamespace, known: ReadonlySet<string>): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page: KVNamespaceListResult<unknown, string> = await kv.list({ prefix: SITE_KEY_PREFIX, ...(cursor ? { cursor } : {}) });
    for (const key of page.keys) {
      const id = key.name.slice(SITE_KEY_PREFIX.length);
      if (!known.has(id)) ids.push(id);
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return ids;
}
