/**
 * Admin sessions, one AdminSession object each (session-object.ts), named by the SHA-256 of the
 * session id: a lookup reaches only that session's object, never one shared by every site and user,
 * and the stored names hold no usable cookie. The worker side: make, find and end a session.
 */
import { sessionObject } from './objects';
import { toBase64Url } from './password';

export const ADMIN_USER = 'admin';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** The session cookie: plain on local http dev, `__Host-` on https (admin/auth.ts says why). */
export const SESSION_COOKIE = 'wm_admin';
export const HOST_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;
/** The plain (http) cookie's path; the `__Host-` one must be Path=/. */
export const COOKIE_PATH = '/_wm/admin';

/**
 * `user`: the name the session signed in as. `via` and `userId` (team-access.ts): how it signed in,
 * and the id of the stored user it belongs to (none for the built-in admin or an Access email with
 * no user row). Sessions made before the team landed have neither: `admin` is then the built-in
 * admin, an email an Access login.
 */
export type SessionInfo = { user: string; csrfToken: string; expiresAt: number; via?: SessionVia; userId?: string | null };
export type SessionVia = 'built-in' | 'password' | 'access';
export type NewSession = SessionInfo & { sessionId: string };
export type SessionOwner = { user: string; via: SessionVia; userId: string | null };

/** 32 random bytes in base64url: what every session id looks like. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

const randomToken = () => toBase64Url(crypto.getRandomValues(new Uint8Array(32)));

async function sha256(text: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))));
}

/** The built-in admin by default; a team member's name, or a Cloudflare Access email (admin/access.ts). */
export async function createSession(env: Env, owner: SessionOwner = { user: ADMIN_USER, via: 'built-in', userId: null }): Promise<NewSession> {
  const sessionId = randomToken();
  const session: SessionInfo = { ...owner, csrfToken: randomToken(), expiresAt: Date.now() + SESSION_TTL_MS };
  await sessionObject(env, await sha256(sessionId)).start(session);
  return { sessionId, ...session };
}

/** The live session `sessionId` names, or null (a malformed id wakes no object). */
export async function findSession(env: Env, sessionId: string): Promise<SessionInfo | null> {
  if (!SESSION_ID.test(sessionId)) return null;
  return sessionObject(env, await sha256(sessionId)).find();
}

export async function endSession(env: Env, sessionId: string): Promise<void> {
  if (!SESSION_ID.test(sessionId)) return;
  await sessionObject(env, await sha256(sessionId)).end();
}
