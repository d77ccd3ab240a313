/**
 * Admin sessions (AdminStore table `sessions`): kept by the SHA-256 of the session id, so a leaked
 * table holds no usable cookie. The only module that runs SQL on that table.
 */
import type { MigratedSql } from '../storage/migrations';
import { toBase64Url } from './password';

export const ADMIN_USER = 'admin';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** The session cookie: plain on local http dev, `__Host-` on https (admin/auth.ts says why). */
export const SESSION_COOKIE = 'wm_admin';
export const HOST_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;
/** The plain (http) cookie's path; the `__Host-` one must be Path=/. */
export const COOKIE_PATH = '/_wm/admin';

export type NewSession = { sessionId: string; csrfToken: string; user: string; expiresAt: number };
export type SessionInfo = { user: string; csrfToken: string; expiresAt: number };

const randomToken = () => toBase64Url(crypto.getRandomValues(new Uint8Array(32)));

async function sha256(text: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))));
}

export class Sessions {
  constructor(private readonly db: MigratedSql) {}

  /** Expired sessions are dropped on each new one. */
  async create(user: string): Promise<NewSession> {
    const now = Date.now();
    const sessionId = randomToken();
    const csrfToken = randomToken();
    const expiresAt = now + SESSION_TTL_MS;
    const idHash = await sha256(sessionId);
    this.db.sql.exec('DELETE FROM sessions WHERE expires_at <= ?', now);
    this.db.sql.exec('INSERT INTO sessions (id_hash, user, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)', idHash, user, csrfToken, now, expiresAt);
    return { sessionId, csrfToken, user, expiresAt };
  }

  async find(sessionId: string): Promise<SessionInfo | null> {
    const idHash = await sha256(sessionId);
    const row = this.db.sql
      .exec<{ user: string; csrf: string; expires_at: number }>('SELECT user, csrf, expires_at FROM sessions WHERE id_hash = ?', idHash)
      .toArray()[0];
    if (!row || row.expires_at <= Date.now()) return null;
    return { user: row.user, csrfToken: row.csrf, expiresAt: row.expires_at };
  }

  async end(sessionId: string): Promise<void> {
    const idHash = await sha256(sessionId);
    this.db.sql.exec('DELETE FROM sessions WHERE id_hash = ?', idHash);
  }
}
