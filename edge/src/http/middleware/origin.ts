/**
 * Browser origins, per site: a request from an origin the site did not allow is refused (403);
 * an allowed one gets its CORS headers echoed. Allowed: the site's `origins` and its proxied
 * hostnames (protocol/config/site.ts originAllowed), the one rule every browser route uses.
 *
 * Not `hono/cors`: it cannot refuse (it only leaves the header out), and its preflight answer
 * differs from ours (methods joined without spaces, an extra `Vary: Access-Control-Request-Headers`),
 * which the worker tests pin.
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { originAllowed } from '../../../../protocol/config/site';
import { HttpError } from '../errors';
import type { EnvWith } from '../app-env';

export const allowedOrigin = createMiddleware<EnvWith<'site'>>(async (c, next) => {
  const site = c.var.site;
  const origin = c.req.header('origin');
  if (!originAllowed(site, origin, c.req.url)) throw new HttpError(403, `origin ${origin} is not allowed for site "${site.id}"`);
  if (origin) {
    c.header('Access-Control-Allow-Origin', origin);
    c.header('Vary', 'Origin', { append: true });
  }
  await next();
});

/**
 * Browsers preflight only non-simple requests (application/json, Authorization). The real
 * request is checked against the site's allowed origins, so the preflight itself may say yes.
 */
export function preflight(c: Context): Response {
  const origin = c.req.header('origin');
  if (origin) c.header('Access-Control-Allow-Origin', origin);
  c.header('Access-Control-Allow-Methods', 'GET, POST, DELETE');
  c.header('Access-Control-Allow-Headers', 'Content-Type, Authorization');
  c.header('Access-Control-Max-Age', '86400');
  c.header('Vary', 'Origin');
  return c.body(null, 204);
}
