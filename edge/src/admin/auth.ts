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
 *
 * Sessions are per user (docs/team.md): the built-in admin (the password, with no name), a team
 * user (name + password, from an accepted invitation) or an Access email. Every request looks the
 * user's role up again (team-access.ts), so the principal's permission is the role's as stored
 * now, and a removed user's session ends on its next request.
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
  type SessionOwner,
} from './sessions';
import { constantTimeEqualText, parsePasswordHash, verifyPassword, type PasswordHash } from './password';
import { readJson } from './request';
import { accessLoginBodySchema, loginBodySchema, type LoginOptions } from '../../../protocol/admin';
import { ADMIN_API_BASE, grants, ROLE_PERMISSIONS, routeNeed, type Permission, type RouteNeed, type TokenScope } from '../../../protocol/api-tokens';
import { BUILT_IN_ADMIN, type Role } from '../../../protocol/team';
import { grantOf } from './team-access';
import type { SessionGrant } from './team-rules';
import { parseAuthorization, tokenSecretHash } from './api-tokens';

export { COOKIE_PATH, HOST_SESSION_COOKIE, SESSION_COOKIE } from './sessions';
export const CSRF_HEADER = 'X-WM-CSRF';

export type AdminSession = SessionInfo & { sessionId: string };
/**
 * Who is asking: a browser session or an API token. `actor` is what the audit log records:
 * `user:<name>` for a session (its user's name or email), `token:<name>` for a token. `permission`
 * is the session user's role's (ROLE_PERMISSIONS) or the token's scope. `sites` null means every site.
 */
export type Principal =
  | { kind: 'session'; actor: string; permission: Permission; sites: readonly string[] | null; user: string; role: Role }
  | { kind: 'token'; actor: string; tokenId: string; permission: TokenScope; sites: readonly string[] | null };

/** `session` is set only for a cookie session; routes that read it are session-only (ROUTE_RULES). */
export type AdminEnv = { Bindings: Env; Variables: { session: AdminSession; principal: Principal } };
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

/** A signed-in session and what its user may do. */
export type Login = { session: NewSession; grant: Extract<SessionGrant, { ok: true }> };

/** A fresh session for `owner`; the session the request came with (if any) ends first. */
export async function startSession(c: AdminContext, owner?: SessionOwner): Promise<Login> {
  const previous = sessionIdOf(c);
  if (previous) await endSession(c.env, previous);
  const session = await createSession(c.env, owner);
  const grant = await grantOf(c.env, session, accessOf(c.env));
  if (!grant.ok) {
    await endSession(c.env, session.sessionId);
    throw new HttpError(403, grant.reason);
  }
  writeSessionCookie(c, session);
  return { session, grant };
}

async function accessLogin(c: AdminContext, access: AccessConfig | null): Promise<Login> {
  if (!access) throw new HttpError(400, 'send {"password": "…"}', { issues: [{ path: 'password', message: 'required' }] });
  const who = await accessIdentity(c.req.raw.headers, access);
  if (!who) throw new HttpError(401, 'no Cloudflare Access token on this request: open the dashboard through Cloudflare Access');
  if (!who.ok) throw new HttpError(401, who.reason);
  const user = await adminStore(c.env).sessionUser(who.email);
  // The grant check in startSession refuses an email no user has when WM_ACCESS_DEFAULT_ROLE=none.
  return startSession(c, { user: who.email, via: 'access', userId: user?.id ?? null });
}

/**
 * Checked when the name is unknown, so a wrong name costs the same PBKDF2 time as a wrong password
 * and the timing does not tell which names exist. (A random hash of a password nobody knows.)
 */
const UNKNOWN_USER_HASH = 'pbkdf2-sha256$100000$2y8YYvERKY5ixDzQuTLvZg$ar8P53zjJPTE8FKkveb7bsI8pbtcY8xobh-2g3i37pY';

/** A team user's password login: the user's stored hash, or the decoy for an unknown name. */
async function userLogin(c: AdminContext, name: string, password: string): Promise<SessionOwner | null> {
  const user = await adminStore(c.env).loginUser(name);
  const hash = user?.passwordHash ?? UNKNOWN_USER_HASH;
  const right = await verifyPassword(password, parsePasswordHash(hash));
  return right && user?.passwordHash ? { user: user.name, via: 'password', userId: user.id } : null;
}

function writeSessionCookie(c: AdminContext, session: NewSession): void {
  const { name, path, secure } = sessionCookieFor(c.req.url);
  setCookie(c, name, session.sessionId, { path, httpOnly: true, sameSite: 'Strict', secure, maxAge: Math.floor(SESSION_TTL_MS / 1000) });
}

/**
 * POST /login: lockout first (even the right password is refused while locked), then the password:
 * the built-in admin's with no name (or `admin`), else the named team user's.
 */
export async function login(c: AdminContext): Promise<Login> {
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
  const name = body.data.name || BUILT_IN_ADMIN;
  if (name === BUILT_IN_ADMIN) {
    if (!(await verifyPassword(password, passwordHash(c.env)))) {
      await store.loginFailed(client);
      throw new HttpError(401, 'wrong password');
    }
    await store.loginSucceeded(client);
    return startSession(c);
  }
  const owner = await userLogin(c, name, password);
  if (!owner) {
    await store.loginFailed(client);
    throw new HttpError(401, 'wrong name or password');
  }
  await store.loginSucceeded(client);
  return startSession(c, owner);
}

export async function logout(c: AdminContext): Promise<void> {
  await endSession(c.env, c.get('session').sessionId);
  const { name, path, secure } = sessionCookieFor(c.req.url);
  deleteCookie(c, name, { path, httpOnly: true, sameSite: 'Strict', secure });
}

/** The browser session the cookie names, with CSRF + same origin for writes (401/403 otherwise). */
async function sessionPrincipal(c: AdminContext): Promise<Principal> {
  const sessionId = sessionIdOf(c);
  const session = sessionId ? await findSession(c.env, sessionId) : null;
  if (!sessionId || !session) throw new HttpError(401, 'log in first (POST /_wm/admin/api/login), or send "Authorization: Bearer wm_…" with an API token');
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
  // The user's role as stored now (team-access.ts): a removed user's session ends here.
  const grant = await grantOf(c.env, session, access);
  if (!grant.ok) {
    await endSession(c.env, sessionId);
    throw new HttpError(401, `log in again: ${grant.reason}`);
  }
  c.set('session', { ...session, sessionId });
  return { kind: 'session', actor: `user:${grant.name}`, permission: ROLE_PERMISSIONS[grant.role], sites: grant.sites, user: grant.name, role: grant.role };
}

/** A 401 for a token, with the RFC 6750 challenge a client library understands. */
function tokenRefused(c: AdminContext, reason: string): HttpError {
  // Header values are ASCII: the reason's ellipsis and quotes are spelled plainly there.
  const description = reason
    .replaceAll('…', '...')
    .replace(/["\\]/g, "'")
    .replace(/[^\x20-\x7e]/g, '');
  c.header('WWW-Authenticate', `Bearer realm="waymark-admin", error="invalid_token", error_description="${description}"`);
  return new HttpError(401, reason);
}

/** The API token of `Authorization: Bearer wm_…`: known, not expired (401 otherwise). No CSRF, no Origin. */
async function tokenPrincipal(c: AdminContext, credential: { secret: string }): Promise<Principal> {
  const grant = await adminStore(c.env).authenticateApiToken(await tokenSecretHash(credential.secret));
  if (!grant) throw tokenRefused(c, 'unknown or revoked API token');
  if (grant.expiresAt !== null && grant.expiresAt <= Date.now())
    throw tokenRefused(c, `API token "${grant.name}" expired at ${new Date(grant.expiresAt).toISOString()}`);
  return { kind: 'token', actor: `token:${grant.name}`, tokenId: grant.id, permission: grant.scope, sites: grant.sites };
}

/** The 403 (or nothing) for `principal` on a route that needs `need`. */
export function refusal(principal: Principal, need: RouteNeed, method: string, path: string): string | null {
  const route = `${method} ${path}`;
  if (need.access === 'public') return null;
  if (need.access === 'session') return principal.kind === 'session' ? null : `${route} is for a browser session only; an API token has no session`;
  if (!grants(principal.permission, need.access)) {
    const held = principal.kind === 'token' ? `this token's scope is ${principal.permission}` : `your role ${principal.role} holds ${principal.permission}`;
    return need.access === 'admin' && principal.kind === 'token'
      ? `${route} needs the admin permission, which no API token has (${held}): manage tokens from a signed-in dashboard`
      : `${route} needs the ${need.access} permission; ${held}`;
  }
  if (need.site !== null && principal.sites !== null && !principal.sites.includes(need.site))
    return `${principal.kind === 'token' ? 'this token' : `user "${principal.user}"`} may not reach site "${need.site}" (it is limited to ${principal.sites.join(', ')})`;
  return null;
}

/** Whether `principal` may see `site` at all (for lists of sites). */
export const reachesSite = (principal: Principal, site: string): boolean => principal.sites === null || principal.sites.includes(site);

/**
 * Every admin route but /login: a principal (an API token, else the session cookie), then the
 * permission its route needs (protocol/api-tokens.ts ROUTE_RULES): 401 without one, 403 without the other.
 */
export const requirePrincipal: MiddlewareHandler<AdminEnv> = async (c, next) => {
  const authorization = c.req.header('authorization');
  const credential = authorization === undefined ? ({ kind: 'none' } as const) : parseAuthorization(authorization);
  if (credential.kind === 'refused') throw tokenRefused(c, credential.reason);
  const principal = credential.kind === 'token' ? await tokenPrincipal(c, credential) : await sessionPrincipal(c);
  const path = c.req.path.startsWith(ADMIN_API_BASE) ? c.req.path.slice(ADMIN_API_BASE.length) || '/' : c.req.path;
  const denied = refusal(principal, routeNeed(c.req.method, path), c.req.method, path);
  if (denied) throw new HttpError(403, denied);
  c.set('principal', principal);
  await next();
};
