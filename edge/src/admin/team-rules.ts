/**
 * The team's rules, pure (tested in team-rules.test.ts): who may change whose role, and that the
 * last admin who can still sign in is never removed or demoted (the AdminStore applies it in the
 * same synchronous step as the write, so two admins cannot demote each other at once), and what a
 * session may do on each request (sessionGrant).
 */
import { BUILT_IN_ADMIN, outranks, type Role } from '../../../protocol/team';

export type TeamMember = { name: string; role: Role };
export type TeamChange = { kind: 'remove'; name: string } | { kind: 'set-role'; name: string; role: Role };
export type TeamRefusal = { status: 403 | 404 | 409; reason: string };

/**
 * Why `actor` may not make `change` to `users` (the stored ones), or null. `builtInAdminSignsIn`:
 * the built-in admin (the deployment's password) is an admin nobody can remove, so while password
 * login is on there is always one more admin than the table holds.
 */
export function teamChangeRefusal(users: readonly TeamMember[], change: TeamChange, actor: string | null, builtInAdminSignsIn: boolean): TeamRefusal | null {
  const target = users.find((u) => u.name === change.name);
  if (!target) return { status: 404, reason: `no user "${change.name}"` };
  if (change.kind === 'set-role' && actor === target.name && outranks(change.role, target.role))
    return { status: 403, reason: `you cannot raise your own role (${target.role} to ${change.role}): ask another admin` };
  const losesAdmin = target.role === 'admin' && (change.kind === 'remove' || change.role !== 'admin');
  if (!losesAdmin || builtInAdminSignsIn) return null;
  const otherAdmins = users.filter((u) => u.role === 'admin' && u.name !== target.name).length;
  if (otherAdmins === 0)
    return {
      status: 409,
      reason: `"${target.name}" is the last admin: make another user admin first (${change.kind === 'remove' ? 'removing' : 'demoting'} the last admin would leave nobody to manage the team)`,
    };
  return null;
}

/** What a session may do on this request: its user's current role, or why the session is over. */
export type SessionGrant = { ok: true; name: string; role: Role; sites: string[] | null } | { ok: false; reason: string };

/** The session's fields this decision reads (sessions.ts SessionInfo). */
export type SessionClaim = { user: string; via?: 'built-in' | 'password' | 'access'; userId?: string | null };
/** The stored user of the session's name, as looked up for this request (users.ts SessionUser). */
export type StoredUser = { id: string; role: Role; sites: string[] | null };

/**
 * The grant of a session, from its user as stored now (so a new role or a removal counts on the
 * user's next request) and, for a Cloudflare Access email no user has, the deployment's default
 * role (null: such emails are refused; `accessOn` false: Access was turned off since).
 */
export function sessionGrant(session: SessionClaim, user: StoredUser | null, access: { on: boolean; defaultRole: Role | null }): SessionGrant {
  const via = session.via ?? (session.user === BUILT_IN_ADMIN ? 'built-in' : 'access');
  if (via === 'built-in') return { ok: true, name: BUILT_IN_ADMIN, role: 'admin', sites: null };
  const removed: SessionGrant = { ok: false, reason: `user "${session.user}" is no longer on the team: ask an admin` };
  if (user) {
    // Removed and added again is another user: this session was the old one's.
    if (session.userId && session.userId !== user.id) return removed;
    return { ok: true, name: session.user, role: user.role, sites: user.sites };
  }
  if (session.userId || via === 'password') return removed;
  if (!access.on) return { ok: false, reason: 'Cloudflare Access is no longer configured: sign in again' };
  if (access.defaultRole === null) return { ok: false, reason: `no team user has the email ${session.user}: ask an admin to add you (Settings → Team)` };
  return { ok: true, name: session.user, role: access.defaultRole, sites: null };
}
