/**
 * Admin sessions: login against WM_ADMIN_PASSWORD_HASH with lockout, the `wm_admin` cookie
 * (HttpOnly, SameSite=Strict, Secure on https, Path=/_wm/admin), and the checks every other admin
 * route runs: a live session (401), and for writes the CSRF header (403) and a same-origin Origin
 * (403).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { HttpError } from '../http/errors';
import { formatIssues } from '../ingest/batch';
import { adminStore, SESSION_TTL_MS, type NewSession, type SessionInfo } from './admin-store';
import { constantTimeEqualText, parsePasswordHash, verifyPassword, type PasswordHash } from './password';
import { readJson } from './request';

export const SESSION_COOKIE = 'wm_admin';
export const COOKIE_PATH = '/_wm/admin';
export const CSRF_HEADER = 'X-WM-CSRF';

export type AdminSession = SessionInfo & { sessionId: string };
export type AdminEnv = { Bindings: Env; Variables: { session: AdminSession } };
export type AdminContext = Context<AdminEnv>;

const loginSchema = z.strictObject({ password: z.string().min(1, 'empty').max(1_000) });

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

function writeSessionCookie(c: AdminContext, session: NewSession): void {
  setCookie(c, SESSION_COOKIE, session.sessionId, {
    path: COOKIE_PATH,
    httpOnly: true,
    sameSite: 'Strict',
    secure: new URL(c.req.url).protocol === 'https:',
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
}

/** POST /login: lockout first (even the right password is refused while locked), then the password. */
export async function login(c: AdminContext): Promise<NewSession> {
  assertSameOrigin(c);
  const body = loginSchema.safeParse(await readJson(c));
  if (!body.success) throw new HttpError(400, 'send {"password": "…"}', { issues: formatIssues(body.error) });
  const store = adminStore(c.env);
  const client = clientKey(c);
  const retryAfter = await store.lockedFor(client);
  if (retryAfter !== null) {
    c.header('Retry-After', String(retryAfter));
    throw new HttpError(429, `too many failed logins: try again in ${Math.ceil(retryAfter / 60)} min`);
  }
  if (!(await verifyPassword(body.data.password, passwordHash(c.env)))) {
    await store.loginFailed(client);
    throw new HttpError(401, 'wrong password');
  }
  await store.loginSucceeded(client);
  const session = await store.createSession();
  writeSessionCookie(c, session);
  return session;
}

export async function logout(c: AdminContext): Promise<void> {
  await adminStore(c.env).endSession(c.get('session').sessionId);
  deleteCookie(c, SESSION_COOKIE, { path: COOKIE_PATH, httpOnly: true, sameSite: 'Strict', secure: new URL(c.req.url).protocol === 'https:' });
}

/** Every admin route but /login: a live session, and for writes CSRF header + same origin. */
export const requireSession: MiddlewareHandler<AdminEnv> = async (c, next) => {
  const sessionId = getCookie(c, SESSION_COOKIE);
  const session = sessionId ? await adminStore(c.env).session(sessionId) : null;
  if (!sessionId || !session) throw new HttpError(401, 'log in first (POST /_wm/admin/api/login)');
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
    const csrf = c.req.header(CSRF_HEADER);
    if (!csrf || !constantTimeEqualText(csrf, session.csrfToken)) throw new HttpError(403, `missing or wrong ${CSRF_HEADER} header (the csrfToken from login)`);
    assertSameOrigin(c);
  }
  c.set('session', { ...session, sessionId });
  await next();
};
