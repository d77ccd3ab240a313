/**
 * Admin sessions: login against WM_ADMIN_PASSWORD_HASH with lockout, the session cookie, and the
 * checks every other admin route runs: a live session (401), and for writes the CSRF header (403)
 * and a same-origin Origin (403).
 *
 * The cookie (HttpOnly, SameSite=Strict) is `__Host-wm_admin` on https: Secure, Path=/, no Domain,
 * so no sibling subdomain and no plain-http page can set or shadow it. On local http dev (wrangler
 * dev) browsers refuse that prefix, so it is the plain `wm_admin` on Path=/_wm/admin there. Each
 * scheme reads only its own name. Every login makes a new session id and ends the one the request
 * carried (no fixation: a planted id never becomes a signed-in one).
 *
 * With Cloudflare Access configured (admin/access.ts), `POST /login` with `{}` and a valid Access
 * token makes the same session for the token's email, so CSRF and everything else stay as they
 * are; the Access token alone never authorizes an API call, because Access adds it to every
 * request the browser makes, cross-site ones included. WM_ACCESS_ONLY=1 refuses password logins
 * and makes every request re-prove the session's Access identity.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { HttpError } from '../http/errors';
import { formatIssues } from '../ingest/batch';
import { accessConfig, accessIdentity, type AccessConfig } from './access';
import { adminStore } from './objects';
import {
  COOKIE_PATH,
  createSession,
  endSession,
  findSession,
  HOST_SESSION_COOKIE,
  SESSION_COOKIE,
  SESSION_TTL_MS,
  type NewSession,
  type SessionInfo,
} from './sessions';
import { constantTimeEqualText, parsePasswordHash, verifyPassword, type PasswordHash } from './password';
import { readJson } from './request';
import { accessLoginBodySchema, loginBodySchema, type LoginOptions } from '../../../protocol/admin';

export { COOKIE_PATH, HOST_SESSION_COOKIE, SESSION_COOKIE } from './sessions';
export const CSRF_HEADER = 'X-WM-CSRF';

export type AdminSession = SessionInfo & { sessionId: string };
export type AdminEnv = { Bindings: Env; Variables: { session: AdminSession } };
export type AdminContext = Context<AdminEnv>;

/** Who is asking, for the lockout counter: Cloudflare's client IP, or one bucket for local dev. */
export function clientKey(c: AdminContext): string {
  return c.req.header('cf-connecting-ip') ?? 'local';
}

/** Browsers send Origin on every non-GET fetch; when present it must be this very origin. */
export function assertSameOrigin(c: AdminContext): void {
  const origin = c.req.header('origin');
  if (origin !== undefined && origin !== new URL(c.req.url).origin) {
    throw new HttpError(403, `origin ${origin} may not call the admin API`);
  }
}

function passwordHash(env: Env): PasswordHash {
  const raw = env.WM_ADMIN_PASSWORD_HASH;
  if (!raw) throw new HttpError(503, 'admin login is not configured: set WM_ADMIN_PASSWORD_HASH (npm run admin:hash)');
  try {
    return parsePasswordHash(raw);
  } catch (e) {
    console.error('WM_ADMIN_PASSWORD_HASH is not valid', e);
    throw new HttpError(503, `admin login is misconfigured: WM_ADMIN_PASSWORD_HASH ${e instanceof Error ? e.message : 'is not valid'}`);
  }
}

/** The Access configuration, or null when it is off; half a configuration is a 503 that says which. */
export function accessOf(env: Env): AccessConfig | null {
  try {
    return accessConfig(env);
  } catch (e) {
    console.error('Cloudflare Access is misconfigured', e);
    throw new HttpError(503, `admin login is misconfigured: ${e instanceof Error ? e.message : 'Cloudflare Access settings are not valid'}`);
  }
}

/** What the login screen may offer (GET /login): the password, and the caller's Access identity. */
export async function loginOptions(c: AdminContext): Promise<LoginOptions> {
  const access = accessOf(c.env);
  const password = !access?.only && Boolean(c.env.WM_ADMIN_PASSWORD_HASH);
  if (!access) return { password, access: null };
  const who = await accessIdentity(c.req.raw.headers, access);
  if (!who) return { password, access: { email: null, reason: 'this request carries no Cloudflare Access token' } };
  return { password, access: who.ok ? { email: who.email, reason: null } : { email: null, reason: who.reason } };
}

type SessionCookie = { name: string; path: string; secure: boolean };

/** The session cookie's name and scope for a request URL: `__Host-` on https, plain on http dev. */
export function sessionCookieFor(requestUrl: string): SessionCookie {
  const secure = new URL(requestUrl).protocol === 'https:';
  return secure ? { name: HOST_SESSION_COOKIE, path: '/', secure } : { name: SESSION_COOKIE, path: COOKIE_PATH, secure };
}

/** The session id the request carries under this scheme's cookie name (the other name is ignored). */
export function sessionIdOf(c: AdminContext): string | undefined {
  return getCookie(c, sessionCookieFor(c.req.url).name) || undefined;
}

/** A fresh session for `user`; the session the request came with (if any) ends first. */
async function startSession(c: AdminContext, user?: string): Promise<NewSession> {
  const previous = sessionIdOf(c);
  if (previous) await endSession(c.env, previous);
  const session = await createSession(c.env, user);
  writeSessionCookie(c, session);
  return session;
}

async function accessLogin(c: AdminContext, access: AccessConfig | null): Promise<NewSession> {
  if (!access) throw new HttpError(400, 'send {"password": "…"}', { issues: [{ path: 'password', message: 'required' }] });
  const who = await accessIdentity(c.req.raw.headers, access);
  if (!who) throw new HttpError(401, 'no Cloudflare Access token on this request: open the dashboard through Cloudflare Access');
  if (!who.ok) throw new HttpError(401, who.reason);
  return startSession(c, who.email);
}

function writeSessionCookie(c: AdminContext, session: NewSession): void {
  const { name, path, secure } = sessionCookieFor(c.req.url);
  setCookie(c, name, session.sessionId, { path, httpOnly: true, sameSite: 'Strict', secure, maxAge: Math.floor(SESSION_TTL_MS / 1000) });
}

/** POST /login: lockout first (even the right password is refused while locked), then the password. */
export async function login(c: AdminContext): Promise<NewSession> {
  assertSameOrigin(c);
  const access = accessOf(c.env);
  const body = (access ? accessLoginBodySchema : loginBodySchema).safeParse(await readJson(c));
  if (!body.success)
    throw new HttpError(400, access ? 'send {"password": "…"}, or {} to sign in with Cloudflare Access' : 'send {"password": "…"}', {
      issues: formatIssues(body.error),
    });
  const password = body.data.password;
  if (password === undefined) return accessLogin(c, access);
  if (access?.only) throw new HttpError(403, 'password login is off (WM_ACCESS_ONLY=1): sign in through Cloudflare Access');
  const store = adminStore(c.env);
  const client = clientKey(c);
  const retryAfter = await store.lockedFor(client);
  if (retryAfter !== null) {
    c.header('Retry-After', String(retryAfter));
    throw new HttpError(429, `too many failed logins: try again in ${Math.ceil(retryAfter / 60)} min`);
  }
  if (!(await verifyPassword(password, passwordHash(c.env)))) {
    await store.loginFailed(client);
    throw new HttpError(401, 'wrong password');
  }
  await store.loginSucceeded(client);
  return startSession(c);
}

export async function logout(c: AdminContext): Promise<void> {
  await endSession(c.env, c.get('session').sessionId);
  const { name, path, secure } = sessionCookieFor(c.req.url);
  deleteCookie(c, name, { path, httpOnly: true, sameSite: 'Strict', secure });
}

/** Every admin route but /login: a live session, and for writes CSRF header + same origin. */
export const requireSession: MiddlewareHandler<AdminEnv> = async (c, next) => {
  const sessionId = sessionIdOf(c);
  const session = sessionId ? await findSession(c.env, sessionId) : null;
  if (!sessionId || !session) throw new HttpError(401, 'log in first (POST /_wm/admin/api/login)');
  const access = accessOf(c.env);
  if (access?.only) {
    // Access-only: the session is good while the Access identity that made it still holds.
    const who = await accessIdentity(c.req.raw.headers, access);
    if (!who?.ok || who.email !== session.user)
      throw new HttpError(401, `log in first: ${who ? (who.ok ? 'the Access identity changed' : who.reason) : 'no Cloudflare Access token on this request'}`);
  }
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
    const csrf = c.req.header(CSRF_HEADER);
    if (!csrf || !constantTimeEqualText(csrf, session.csrfToken)) throw new HttpError(403, `missing or wrong ${CSRF_HEADER} header (the csrfToken from login)`);
    assertSameOrigin(c);
  }
  c.set('session', { ...session, sessionId });
  await next();
};
