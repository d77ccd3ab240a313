/**
 * The development seed: the demo shop's site (seed.ts) written through its SiteAdmin, so its version
 * history and audit log hold it like any admin write. Never on a production request path: the
 * dev-only route POST /_wm/demo/seed (routes.ts) and the worker tests' setup file call it.
 */
import { siteAdmin } from '../admin/objects';
import type { SeedResult } from '../admin/site-admin';
import { DEMO_SITE } from './seed';

/** Who the audit log names for seeded versions. */
export const SEED_AUTHOR = 'demo-seed';

/**
 * Seeds the demo site. `origin` is the server being seeded: the demo webhook then points at that
 * server's own sink, so every version of the demo config delivers to it, whatever its port.
 */
export function seedDemo(env: Env, origin?: string): Promise<SeedResult> {
  const site = origin ? { ...DEMO_SITE, webhooks: DEMO_SITE.webhooks?.map((hook) => ({ ...hook, url: sinkOn(origin, hook.url) })) } : DEMO_SITE;
  // E-mail: the unsubscribe links of the demo's mail point at the seeded server too.
  if (origin && site.email) site.email = { ...site.email, unsubscribeOrigin: new URL(origin).origin };
  return siteAdmin(env, site.id).seedSite(site, SEED_AUTHOR);
}

/** The same sink path and query on `origin`. */
function sinkOn(origin: string, url: string): string {
  const parsed = new URL(url);
  return `${new URL(origin).origin}${parsed.pathname}${parsed.search}`;
}
