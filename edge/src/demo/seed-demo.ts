/**
 * The development seed: the demo shop's site (seed.ts) written through its SiteAdmin, so its version
 * history and audit log hold it like any admin write. Never on a production request path: the
 * dev-only route POST /_wm/demo/seed (routes.ts) and the worker tests' setup file call it.
 */
import { siteAdmin } from '../admin/objects';
import type { SeedResult } from '../admin/site-admin';
import { DEMO_SITE } from './seed';
import { destinationsOf } from '../destinations/hand-off';
import { DEMO_GA4_API_SECRET } from '../destinations/demo-ga4';

/** Who the audit log names for seeded versions. */
export const SEED_AUTHOR = 'demo-seed';

/**
 * Seeds the demo site. `origin` is the server being seeded: the demo webhook and the demo GA4
 * destination then point at that server's own receivers, so every version of the demo config
 * delivers to it, whatever its port.
 */
export async function seedDemo(env: Env, origin?: string): Promise<SeedResult> {
  const site = origin
    ? {
        ...DEMO_SITE,
        webhooks: DEMO_SITE.webhooks?.map((hook) => ({ ...hook, url: sinkOn(origin, hook.url) })),
        destinations: DEMO_SITE.destinations?.map((d) =>
          d.kind === 'ga4' && d.settings.demoEndpoint ? { ...d, settings: { ...d.settings, demoEndpoint: sinkOn(origin, d.settings.demoEndpoint) } } : d,
        ),
      }
    : // No server to send to (the worker tests' setup): the demo destination is seeded disabled, so
      // no test run sends to a port nobody (or another checkout) listens on.
      { ...DEMO_SITE, destinations: DEMO_SITE.destinations?.map((d) => ({ ...d, enabled: false })) };
  // The demo GA4 destination's write-only secret (destinations/secrets.ts), the one the demo receiver expects.
  await destinationsOf(env, site.id).setSecrets('demo-ga4', { apiSecret: DEMO_GA4_API_SECRET });
  // E-mail: the unsubscribe links of the demo's mail point at the seeded server too.
  if (origin && site.email) site.email = { ...site.email, unsubscribeOrigin: new URL(origin).origin };
  return siteAdmin(env, site.id).seedSite(site, SEED_AUTHOR);
}

/** The same sink path and query on `origin`. */
function sinkOn(origin: string, url: string): string {
  const parsed = new URL(url);
  return `${new URL(origin).origin}${parsed.pathname}${parsed.search}`;
}
