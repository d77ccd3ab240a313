/**
 * The development seed: the demo shop's site (seed.ts) written through AdminStore, so its version
 * history and audit log hold it like any admin write. Never on a production request path: the
 * dev-only route POST /_wm/demo/seed (routes.ts) and the worker tests' setup file call it.
 */
import { adminStore, type SeedResult } from '../admin/admin-store';
import { DEMO_SITE } from './seed';

/** Who the audit log names for seeded versions. */
export const SEED_AUTHOR = 'demo-seed';

export function seedDemo(env: Env): Promise<SeedResult> {
  return adminStore(env).seedSite(DEMO_SITE, SEED_AUTHOR);
}
