/**
 * The list of sites (GET /sites): AdminStore's directory, plus the sites only KV holds (a config put
 * with wrangler, adopt.ts), each adopted by its own SiteAdmin and listed from then on.
 */
import { unadoptedSiteIds } from './adopt';
import { adminStore, siteAdmin } from './objects';
import type { SiteSummary } from './site-versions';

export async function listSites(env: Env): Promise<SiteSummary[]> {
  const known = await adminStore(env).listedSites();
  for (const id of await unadoptedSiteIds(env.CONFIG, new Set(known.map((s) => s.id)))) {
    const site = await siteAdmin(env, id).getSite(id);
    if (!site) continue;
    const summary = { id, name: site.name, version: site.version };
    await adminStore(env).listSite(summary);
    known.push(summary);
  }
  return known.sort((a, b) => a.id.localeCompare(b.id));
}
