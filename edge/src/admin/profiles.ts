/**
 * The admin's view of one visitor: GET /_wm/admin/api/sites/:site/profiles/:visitorId returns the
 * same export the visitor gets from GET /_wm/me (traits, prefs, consent, segments, exposures,
 * events), read from the visitor's Durable Object. Only the admin session opens it (routes.ts
 * mounts it behind requirePrincipal); the id is the bare visitor id, not a signed token.
 */
import type { ProfileExport } from '../../../protocol/wire';
import { visitorIdSchema, type ProfileResponse } from '../../../protocol/admin';
import { HttpError } from '../http/errors';
import { visitorStub } from '../profile/stub';
import type { AdminContext } from './auth';

/** A profile nothing was ever stored in: no first visit and no events. */
export const isEmptyProfile = (p: ProfileExport): boolean => p.firstSeen === null && p.eventCount === 0 && p.events.length === 0;

export async function readProfile(c: AdminContext, site: string): Promise<Response> {
  const parsed = visitorIdSchema.safeParse(c.req.param('visitorId'));
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? 'invalid';
    throw new HttpError(400, `visitorId: ${message}`, { issues: [{ path: 'visitorId', message }] });
  }
  const id = parsed.data;
  const text = await visitorStub(c.env, site, id).exportProfile(site, id);
  if (text === null) throw new HttpError(404, `visitor "${id}" erased their profile`);
  const profile = JSON.parse(text) as ProfileExport;
  if (isEmptyProfile(profile)) throw new HttpError(404, `no profile for visitor "${id}" in site "${site}"`);
  return c.json({ profile } satisfies ProfileResponse);
}
