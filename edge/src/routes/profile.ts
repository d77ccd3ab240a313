/**
 * GET /_wm/me exports the caller's own profile; DELETE /_wm/me erases it. The caller is whoever
 * holds a valid signed token (cookie, or Bearer for pages without it): nobody else's.
 */
import { Hono } from 'hono';
import { verifyVisitorToken } from '../identity/token';
import { HttpError } from '../http/errors';
import { checkOrigin, loadSite, visitorSecret, type AppContext, type AppEnv } from '../http/site-context';
import { bearerToken, clearVisitorCookie, readVisitorCookie } from '../http/visitor-cookie';
import { visitorStub } from '../profile/stub';
import { analyticsErase } from '../analytics/queue';

export const profile = new Hono<AppEnv>();

/** The site from ?site=, and the caller's visitor id from their token (null without a valid one). */
export async function siteAndVisitor(c: AppContext) {
  const site = await loadSite(c, c.req.query('site'));
  checkOrigin(c, site);
  c.header('Cache-Control', 'private, no-store');
  const token = bearerToken(c) ?? readVisitorCookie(c);
  const visitorId = token ? await verifyVisitorToken(visitorSecret(c.env), site.id, token) : null;
  return { site, token, visitorId };
}

async function caller(c: AppContext) {
  const { site, token, visitorId } = await siteAndVisitor(c);
  if (!token) throw new HttpError(401, 'no visitor token: this browser has no Waymark profile for this site');
  if (!visitorId) throw new HttpError(401, 'visitor token is invalid or belongs to another site');
  return { site, visitorId, stub: visitorStub(c.env, site.id, visitorId) };
}

profile.get('/me', async (c) => {
  const { site, visitorId, stub } = await caller(c);
  const json = await stub.exportProfile(site.id, visitorId);
  if (json === null) throw new HttpError(401, 'this profile was erased; the browser will get a new one on its next event');
  c.header('Content-Type', 'application/json; charset=UTF-8');
  return c.body(json);
});

profile.delete('/me', async (c) => {
  const { site, visitorId, stub } = await caller(c);
  // A browser linked to a user (identify) erased the golden record: every linked browser's id.
  const linked = await stub.erase();
  // The analytics store forgets them too (and drops any of their batches still in the queue).
  const at = Date.now();
  await c.env.ANALYTICS_QUEUE.sendBatch([...new Set([visitorId, ...linked])].map((id) => ({ body: analyticsErase(site.id, id, at) })));
  clearVisitorCookie(c);
  return c.json({ erased: true });
});
