/**
 * The site's Segment write key in the admin API (segment/write-key.ts): shown, and rotated.
 *   GET  /sites/:site/segment-key         the current key
 *   POST /sites/:site/segment-key/rotate  a new key; the previous one gets 401 from then on
 * Mounted by admin/routes.ts after requireSession, so both need a session, and the POST the CSRF
 * header, like every admin write.
 */
import { Hono } from 'hono';
import { segmentKeyResponseSchema, type SegmentKeyResponse } from '../../../protocol/segment';
import { siteIdSchema } from '../../../protocol/wire';
import { HttpError } from '../http/errors';
import { visitorSecret } from '../http/site-context';
import { currentKeyVersion, rotateKeyVersion, writeKeyFor } from '../segment/write-key';
import type { AdminContext, AdminEnv } from './auth';
import { siteAdmin } from './objects';

export const segmentKeyRoutes = new Hono<AdminEnv>();

async function knownSite(c: AdminContext): Promise<string> {
  const id = siteIdSchema.safeParse(c.req.param('site'));
  if (!id.success) throw new HttpError(400, `site: ${id.error.issues[0]?.message ?? 'invalid'}`, { issues: [{ path: 'site', message: 'invalid' }] });
  if (!(await siteAdmin(c.env, id.data).getSite(id.data))) throw new HttpError(404, `unknown site "${id.data}"`);
  return id.data;
}

async function answer(c: AdminContext, site: string, version: number): Promise<Response> {
  const body: SegmentKeyResponse = segmentKeyResponseSchema.parse({
    site,
    writeKey: await writeKeyFor(visitorSecret(c.env), site, version),
    version,
    pathPrefix: '/_wm/v1',
  });
  c.header('Cache-Control', 'no-store');
  return c.json(body);
}

segmentKeyRoutes.get('/sites/:site/segment-key', async (c) => {
  const site = await knownSite(c);
  return answer(c, site, await currentKeyVersion(c.env.CONFIG, site));
});

segmentKeyRoutes.post('/sites/:site/segment-key/rotate', async (c) => {
  const site = await knownSite(c);
  return answer(c, site, await rotateKeyVersion(c.env.CONFIG, site));
});
