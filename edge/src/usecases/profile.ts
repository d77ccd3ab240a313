/**
 * A visitor's own profile (GET and DELETE /_wm/me): only the holder of a valid signed token for
 * this site may read or erase it (middleware/visitor.ts resolved it).
 */
import type { SiteConfig } from '../../../protocol/config/site';
import type { ResolvedVisitor } from '../http/app-env';
import { HttpError } from '../http/errors';
import { visitorStub } from '../profile/stub';
import { analyticsErase } from '../analytics/queue';

export function callerId(visitor: ResolvedVisitor): string {
  if (!visitor.presentedToken) throw new HttpError(401, 'no visitor token: this browser has no Waymark profile for this site');
  if (!visitor.id) throw new HttpError(401, 'visitor token is invalid or belongs to another site');
  return visitor.id;
}

/** The profile as JSON text, exactly as the object exported it. */
export async function exportOwnProfile(env: Env, site: SiteConfig, visitor: ResolvedVisitor): Promise<string> {
  const visitorId = callerId(visitor);
  const json = await visitorStub(env, site.id, visitorId).exportProfile(site.id, visitorId);
  if (json === null) throw new HttpError(401, 'this profile was erased; the browser will get a new one on its next event');
  return json;
}

export async function eraseOwnProfile(env: Env, site: SiteConfig, visitor: ResolvedVisitor): Promise<void> {
  const visitorId = callerId(visitor);
  // A browser linked to a user (identify) erased the golden record: every linked browser's id.
  const linked = await visitorStub(env, site.id, visitorId).erase();
  // The analytics store forgets them too (and drops any of their batches still in the queue).
  const at = Date.now();
  await env.ANALYTICS_QUEUE.sendBatch([...new Set([visitorId, ...linked])].map((id) => ({ body: analyticsErase(site.id, id, at) })));
}
