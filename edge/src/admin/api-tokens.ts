/**
 * Admin API tokens (AdminStore table `api_tokens`; the permission model is protocol/api-tokens.ts).
 * The only module that runs SQL on that table.
 *
 * A secret is `wm_` and 32 random bytes; the table keeps only its SHA-256, so a leaked table or
 * backup holds no usable token. A lookup is by that hash: the comparison happens inside SQLite's
 * index on a digest of a 256-bit random secret, so timing reveals nothing an attacker can use (to
 * learn a hash prefix they would need preimages of SHA-256); a constant-time compare buys nothing.
 * Slow hashes (PBKDF2) are for guessable passwords, not for random tokens.
 */
import type { ApiTokenInfo, TokenScope } from '../../../protocol/api-tokens';
import { LAST_USED_RESOLUTION_MS, MAX_API_TOKENS, TOKEN_PREFIX, TOKEN_SECRET_PATTERN } from '../../../protocol/api-tokens';
import type { MigratedSql } from '../storage/migrations';
import { toBase64Url } from './password';

/** AdminStore migration 7. `sites` is a JSON array of site ids, NULL for every site. */
export const API_TOKENS_MIGRATION = `
CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  scope TEXT NOT NULL,
  sites TEXT,
  secret_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  expires_at INTEGER,
  last_used_at INTEGER
);
`;

/** What a request's token resolves to; `expiresAt` is checked by the caller, to say "expired". */
export type TokenGrant = { id: string; name: string; scope: TokenScope; sites: string[] | null; expiresAt: number | null };

export type NewToken = { name: string; scope: TokenScope; sites: string[] | null; expiresAt: number | null; createdBy: string; secretHash: string };
export type CreateTokenResult = { ok: true; token: ApiTokenInfo } | { ok: false; reason: 'limit' | 'name-taken' };

type Row = {
  id: string;
  name: string;
  scope: string;
  sites: string | null;
  created_at: number;
  created_by: string;
  expires_at: number | null;
  last_used_at: number | null;
};

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const scopeOf = (raw: string): TokenScope => (raw === 'write' || raw === 'publish' ? raw : 'read');
const sitesOf = (raw: string | null): string[] | null => (raw === null ? null : (JSON.parse(raw) as string[]));

function infoOf(row: Row): ApiTokenInfo {
  return {
    id: row.id,
    name: row.name,
    scope: scopeOf(row.scope),
    sites: sitesOf(row.sites),
    createdAt: new Date(row.created_at).toISOString(),
    createdBy: row.created_by,
    lastUsedAt: iso(row.last_used_at),
    expiresAt: iso(row.expires_at),
  };
}

const COLUMNS = 'id, name, scope, sites, created_at, created_by, expires_at, last_used_at';

export class ApiTokens {
  constructor(private readonly db: MigratedSql) {}

  /** Every token, newest first, without secrets or hashes. */
  list(): ApiTokenInfo[] {
    return this.db.sql.exec<Row>(`SELECT ${COLUMNS} FROM api_tokens ORDER BY created_at DESC, id`).toArray().map(infoOf);
  }

  create(token: NewToken, now: number): CreateTokenResult {
    const sql = this.db.sql;
    const count = sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM api_tokens').one().n;
    if (count >= MAX_API_TOKENS) return { ok: false, reason: 'limit' };
    if (sql.exec('SELECT 1 FROM api_tokens WHERE name = ?', token.name).toArray().length > 0) return { ok: false, reason: 'name-taken' };
    const id = `tok_${toBase64Url(crypto.getRandomValues(new Uint8Array(12)))}`;
    sql.exec(
      'INSERT INTO api_tokens (id, name, scope, sites, secret_hash, created_at, created_by, expires_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)',
      id,
      token.name,
      token.scope,
      token.sites === null ? null : JSON.stringify(token.sites),
      token.secretHash,
      now,
      token.createdBy,
      token.expiresAt,
    );
    return { ok: true, token: infoOf(sql.exec<Row>(`SELECT ${COLUMNS} FROM api_tokens WHERE id = ?`, id).one()) };
  }

  /** Revoking deletes the row: the secret stops working at once. False when there was no such token. */
  revoke(id: string): boolean {
    return this.db.sql.exec('DELETE FROM api_tokens WHERE id = ?', id).rowsWritten > 0;
  }

  /**
   * The token whose secret hashes to `secretHash`, or null. A live token's "last used" moves on
   * only when it is LAST_USED_RESOLUTION_MS old, so a busy CI writes once a minute, not per call.
   */
  authenticate(secretHash: string, now: number): TokenGrant | null {
    const sql = this.db.sql;
    const row = sql.exec<Row>(`SELECT ${COLUMNS} FROM api_tokens WHERE secret_hash = ?`, secretHash).toArray()[0];
    if (!row) return null;
    const live = row.expires_at === null || row.expires_at > now;
    if (live && (row.last_used_at === null || row.last_used_at <= now - LAST_USED_RESOLUTION_MS)) {
      sql.exec('UPDATE api_tokens SET last_used_at = ? WHERE id = ?', now, row.id);
    }
    return { id: row.id, name: row.name, scope: scopeOf(row.scope), sites: sitesOf(row.sites), expiresAt: row.expires_at };
  }
}

// ---- secrets, on the worker side -----------------------------------------------------------------

/** A new token secret: `wm_` and 32 random bytes in base64url. */
export function newTokenSecret(): string {
  return TOKEN_PREFIX + toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

/** What the table keeps instead of the secret. */
export async function tokenSecretHash(secret: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret))));
}

/**
 * An Authorization header, read: a well-formed token secret, why it is not one, or `none` for
 * another scheme's credential that is not ours (HTTP Basic from a gate in front of the dashboard),
 * which leaves the request to the session cookie.
 */
export type BearerCredential = { kind: 'token'; secret: string } | { kind: 'refused'; reason: string } | { kind: 'none' };

const USAGE = 'send "Authorization: Bearer wm_…"';

/** `Bearer wm_…` (the scheme is case-insensitive, RFC 9110). */
export function parseAuthorization(header: string): BearerCredential {
  const [scheme = '', ...rest] = header.trim().split(/ +/);
  const credentials = rest.join(' ');
  if (scheme.startsWith(TOKEN_PREFIX)) return { kind: 'refused', reason: `the Authorization header has no scheme: ${USAGE}` };
  if (scheme.toLowerCase() !== 'bearer') {
    if (credentials.startsWith(TOKEN_PREFIX))
      return { kind: 'refused', reason: `Authorization scheme "${scheme.slice(0, 20)}" is not accepted for an API token: ${USAGE}` };
    return { kind: 'none' };
  }
  if (!credentials) return { kind: 'refused', reason: `the Authorization header has no token after "Bearer": ${USAGE}` };
  if (!TOKEN_SECRET_PATTERN.test(credentials))
    return { kind: 'refused', reason: 'malformed API token: a Waymark token is wm_ and 43 characters of A-Z a-z 0-9 - _' };
  return { kind: 'token', secret: credentials };
}
