/**
 * Loads the site a request is for into `c.var.site`: 400 for a malformed id, 404 for an unknown one.
 * Where the id comes from differs by route (?site=, or the batch body), so the route says.
 */
import { createMiddleware } from 'hono/factory';
import { loadSite } from '../site-context';
import type { AppVariables, EnvWith, RequestScope } from '../app-env';

export function siteFrom<Needs extends keyof AppVariables = never>(where: (c: RequestScope<Needs>) => string | undefined) {
  return createMiddleware<EnvWith<Needs | 'site'>>(async (c, next) => {
    c.set('site', await loadSite(c, where(c)));
    await next();
  });
}

export const siteFromQuery = siteFrom((c) => c.req.query('site'));

/** After middleware/batch.ts: the batch names its site. */
export const siteFromBatch = siteFrom<'batch'>((c) => c.var.batch.site);
