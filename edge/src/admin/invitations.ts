/**
 * Invitations to the team (AdminStore table `invitations`). The only module that runs SQL on that
 * table.
 *
 * An invitation names the invitee (a handle or an email), their role and sites, and expires. Its
 * link carries a secret of 32 random bytes; the table keeps only the secret's SHA-256 (like API
 * tokens: a random secret needs no slow hash), so a leaked table opens nothing. Accepting deletes
 * the row in the same step that adds the user (single use); revoking deletes it; an expired one is
 * refused, left out of the list, and purged a week after it expired.
 */
import type { InvitationInfo, Role } from '../../../protocol/team';
import { MAX_INVITATIONS, ROLES } from '../../../protocol/team';
import type { MigratedSql } from '../storage/migrations';
import { toBase64Url } from './password';

/** Part of AdminStore migration 8 (with users.ts). */
export const INVITATIONS_TABLE = `
CREATE TABLE invitations (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  sites TEXT,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
`;

const PURGE_AFTER_MS = 7 * 24 * 60 * 60 * 1000;

export type NewInvitation = { name: string; role: Role; sites: string[] | null; expiresAt: number; createdBy: string; tokenHash: string };
/** What a link's secret resolves to: the invitation, or why it no longer opens anything. */
export type InvitationLookup = { ok: true; invitation: InvitationInfo } | { ok: false; status: 404 | 410; reason: string };

type Row = { id: string; name: string; role: string; sites: string | null; created_at: number; created_by: string; expires_at: number };

const iso = (ms: number) => new Date(ms).toISOString();

function infoOf(row: Row): InvitationInfo {
  return {
    id: row.id,
    name: row.name,
    role: ROLES.find((r) => r === row.role) ?? 'viewer',
    sites: row.sites === null ? null : (JSON.parse(row.sites) as string[]),
    createdAt: iso(row.created_at),
    createdBy: row.created_by,
    expiresAt: iso(row.expires_at),
  };
}

const COLUMNS = 'id, name, role, sites, created_at, created_by, expires_at';
const GONE = 'this invitation link was already used, was revoked, or never existed: ask an admin for a new one';

export class Invitations {
  constructor(private readonly db: MigratedSql) {}

  /** The pending invitations, newest first. */
  list(now: number): InvitationInfo[] {
    this.db.sql.exec('DELETE FROM invitations WHERE expires_at <= ?', now - PURGE_AFTER_MS);
    return this.db.sql.exec<Row>(`SELECT ${COLUMNS} FROM invitations WHERE expires_at > ? ORDER BY created_at DESC, id`, now).toArray().map(infoOf);
  }

  /** `nameTaken`: whether a user already has the name (the users table is users.ts's). */
  create(invitation: NewInvitation, now: number, nameTaken: boolean): { ok: true; invitation: InvitationInfo } | { ok: false; reason: string } {
    const sql = this.db.sql;
    // An expired invitation for the same name gives way to the new one.
    sql.exec('DELETE FROM invitations WHERE name = ? AND expires_at <= ?', invitation.name, now);
    if (nameTaken) return { ok: false, reason: `a user named "${invitation.name}" exists` };
    if (sql.exec('SELECT 1 FROM invitations WHERE name = ?', invitation.name).toArray().length > 0)
      return { ok: false, reason: `"${invitation.name}" already has a pending invitation: revoke it first to send a new one` };
    if (sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM invitations WHERE expires_at > ?', now).one().n >= MAX_INVITATIONS)
      return { ok: false, reason: `the limit of ${MAX_INVITATIONS} pending invitations is reached: revoke some first` };
    const id = `inv_${toBase64Url(crypto.getRandomValues(new Uint8Array(12)))}`;
    sql.exec(
      'INSERT INTO invitations (id, token_hash, name, role, sites, created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      id,
      invitation.tokenHash,
      invitation.name,
      invitation.role,
      invitation.sites === null ? null : JSON.stringify(invitation.sites),
      now,
      invitation.createdBy,
      invitation.expiresAt,
    );
    return { ok: true, invitation: infoOf(sql.exec<Row>(`SELECT ${COLUMNS} FROM invitations WHERE id = ?`, id).one()) };
  }

  revoke(id: string): boolean {
    return this.db.sql.exec('DELETE FROM invitations WHERE id = ?', id).rowsWritten > 0;
  }

  /** The invitation a link's secret hashes to, if it still opens. */
  lookup(tokenHash: string, now: number): InvitationLookup {
    const row = this.db.sql.exec<Row>(`SELECT ${COLUMNS} FROM invitations WHERE token_hash = ?`, tokenHash).toArray()[0];
    if (!row) return { ok: false, status: 404, reason: GONE };
    if (row.expires_at <= now) return { ok: false, status: 410, reason: `this invitation expired at ${iso(row.expires_at)}: ask an admin for a new one` };
    return { ok: true, invitation: infoOf(row) };
  }

  /** Uses the invitation up: the caller adds the user in the same synchronous step. */
  take(tokenHash: string, now: number): InvitationLookup {
    const found = this.lookup(tokenHash, now);
    if (found.ok) this.db.sql.exec('DELETE FROM invitations WHERE id = ?', found.invitation.id);
    return found;
  }
}
