/**
 * GET /_wm/me exports the caller's own profile; DELETE /_wm/me erases it. The caller is whoever
 * holds a valid signed token (cookie, or Bearer for pages without it): nobody else's.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../http/app-env';
import { cacheControl } from '../http/middleware/cache-control';
import { allowedOrigin } from '../http/middleware/origin';
import { siteFromQuery } from '../http/middleware/site';
import { tokenVisitor } from '../http/middleware/visitor';
import { clearVisitorCookie } from '../http/visitor-cookie';
import { eraseOwnProfile, exportOwnProfile } from '../usecases/profile';

export const profile = new Hono<AppEnv>();

profile.get('/me', siteFromQuery, allowedOrigin, cacheControl('private, no-store'), tokenVisitor, async (c) => {
  const json = await exportOwnProfile(c.env, c.var.site, c.var.visitor);
  return c.body(json, 200, { 'Content-Type': 'application/json; charset=UTF-8' });
});

profile.delete('/me', siteFromQuery, allowedOrigin, cacheControl('private, no-store'), tokenVisitor, async (c) => {
  await eraseOwnProfile(c.env, c.var.site, c.var.visitor);
  clearVisitorCookie(c);
  return c.json({ erased: true });
});
