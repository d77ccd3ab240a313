/**
 * The site's Segment write key in the admin API (segment/write-key.ts): shown, and rotated.
 *   GET  /sites/:site/segment-key         the current key
 *   POST /sites/:site/segment-key/rotate  a new key; the previous one gets 401 from then on
 * Declared on the admin API after requirePrincipal: both need `publish` (protocol/api-tokens.ts),
 * as whoever holds the key can write events into any profile of the site.
 */
import { z } from 'zod';
import { segmentKeyResponseSchema, type SegmentKeyResponse } from '../../../protocol/segment';
import { siteIdSchema } from '../../../protocol/wire';
import { HttpError } from '../http/errors';
import { visitorSecret } from '../http/site-context';
import { currentKeyVersion, rotateKeyVersion, writeKeyFor } from '../segment/write-key';
import type { AdminContext } from './auth';
import { siteAdmin } from './objects';
import { declareRoute, errors, json, type AdminApp } from './openapi';

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

export function declareSegmentKeyRoutes(app: AdminApp): void {
  const params = z.object({ site: siteIdSchema });
  declareRoute(
    app,
    {
      method: 'get',
      path: '/sites/{site}/segment-key',
      operationId: 'getSegmentWriteKey',
      summary: 'The site’s Segment write key',
      description: 'For the Segment HTTP Tracking API at `/_wm/v1/*` (HTTP Basic auth, the key as user name).',
      tags: ['Sites'],
      request: { params },
      responses: { 200: json(segmentKeyResponseSchema, 'The current key.'), ...errors(400, 401, 403, 404) },
    },
    async (c) => {
      const site = await knownSite(c);
      return answer(c, site, await currentKeyVersion(c.env.CONFIG, site));
    },
  );
  declareRoute(
    app,
    {
      method: 'post',
      path: '/sites/{site}/segment-key/rotate',
      operationId: 'rotateSegmentWriteKey',
      summary: 'Rotate the site’s Segment write key',
      description: 'A new key at once; the previous one gets 401 from then on (within about a minute on every isolate).',
      tags: ['Sites'],
      request: { params },
      responses: { 200: json(segmentKeyResponseSchema, 'The new key.'), ...errors(400, 401, 403, 404) },
    },
    async (c) => {
      const site = await knownSite(c);
      return answer(c, site, await rotateKeyVersion(c.env.CONFIG, site));
    },
  );
}
