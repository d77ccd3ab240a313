/**
 * The worker side of team sessions: each request of a session looks its user up in the AdminStore
 * (users.ts), so a new role or a removal counts from the user's next request. The answer is kept
 * in the isolate for at most USER_CACHE_MS, and every team change made through this isolate
 * (team-routes.ts) forgets it at once; another isolate sees the change within USER_CACHE_MS.
 */
import { BUILT_IN_ADMIN } from '../../../protocol/team';
import type { AccessConfig } from './access';
import { adminStore } from './objects';
import type { SessionInfo } from './sessions';
import { sessionGrant, type SessionGrant } from './team-rules';
import type { SessionUser } from './users';

export const USER_CACHE_MS = 3_000;
const cache = new Map<string, { user: SessionUser | null; at: number }>();

/** After any change to the team made in this isolate. */
export function forgetTeamCache(): void {
  cache.clear();
}

async function storedUser(env: Env, name: string): Promise<SessionUser | null> {
  const now = Date.now();
  const hit = cache.get(name);
  if (hit && now - hit.at < USER_CACHE_MS) return hit.user;
  const user = await adminStore(env).sessionUser(name);
  if (cache.size > 1_000) cache.clear();
  cache.set(name, { user, at: now });
  return user;
}

/** What `session` may do on this request (team-rules.ts sessionGrant). */
export async function grantOf(env: Env, session: SessionInfo, access: AccessConfig | null): Promise<SessionGrant> {
  const builtIn = (session.via ?? (session.user === BUILT_IN_ADMIN ? 'built-in' : 'access')) === 'built-in';
  const user = builtIn ? null : await storedUser(env, session.user);
  return sessionGrant(session, user, { on: access !== null, defaultRole: access?.defaultRole ?? null });
}
