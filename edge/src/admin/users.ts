/**
 * The team's users (AdminStore table `users`; the roles and API schemas are protocol/team.ts).
 * The only module that runs SQL on that table.
 *
 * A user is a name (a handle or an email), a role, optionally the sites they may reach, and how
 * they sign in: a password (set when they accepted an invitation; only its PBKDF2 hash is kept,
 * password.ts) or Cloudflare Access with that email (no password). Each row has a random `id`:
 * a session remembers it, so a session of a removed user never comes back to life when someone
 * with the same name is added again. The built-in admin (WM_ADMIN_PASSWORD_HASH) is not stored.
 */
import type { Role, SignIn, UserInfo } from '../../../protocol/team';
import { MAX_USERS, ROLES } from '../../../protocol/team';
import type { MigratedSql } from '../storage/migrations';
import { toBase64Url } from './password';
import { teamChangeRefusal, type TeamChange, type TeamRefusal } from './team-rules';

/** Part of AdminStore migration 8 (with invitations.ts). `sites`: a JSON array of site ids, NULL for every site. */
export const USERS_TABLE = `
CREATE TABLE users (
  name TEXT PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  sites TEXT,
  sign_in TEXT NOT NULL,
  password_hash TEXT,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL
);
`;

/** What a session needs to know about its user on each request. */
export type SessionUser = { id: string; name: string; role: Role; sites: string[] | null; signIn: SignIn };
/** What a password login needs. */
export type LoginUser = SessionUser & { passwordHash: string | null };

export type NewUser = { name: string; role: Role; sites: string[] | null; signIn: SignIn; passwordHash: string | null; createdBy: string };
export type AddUserResult = { ok: true; user: UserInfo } | { ok: false; status: 409; reason: string };
/** A change to one user: removal, or a new role and/or sites (at least one). */
export type UserEdit = { kind: 'remove'; name: string } | { kind: 'update'; name: string; role?: Role; sites?: string[] | null };
export type ChangeUserResult = { ok: true; user: UserInfo | null } | ({ ok: false } & TeamRefusal);

type Row = {
  name: string;
  id: string;
  role: string;
  sites: string | null;
  sign_in: string;
  password_hash: string | null;
  created_at: number;
  created_by: string;
};

const roleOf = (raw: string): Role => ROLES.find((r) => r === raw) ?? 'viewer';
const sitesOf = (raw: string | null): string[] | null => (raw === null ? null : (JSON.parse(raw) as string[]));
const signInOf = (raw: string): SignIn => (raw === 'access' ? 'access' : 'password');

function infoOf(row: Row): UserInfo {
  return {
    name: row.name,
    role: roleOf(row.role),
    sites: sitesOf(row.sites),
    signIn: signInOf(row.sign_in),
    builtIn: false,
    createdAt: new Date(row.created_at).toISOString(),
    createdBy: row.created_by,
  };
}

const sessionUserOf = (row: Row): SessionUser => ({
  id: row.id,
  name: row.name,
  role: roleOf(row.role),
  sites: sitesOf(row.sites),
  signIn: signInOf(row.sign_in),
});

export class Users {
  constructor(private readonly db: MigratedSql) {}

  private row(name: string): Row | undefined {
    return this.db.sql.exec<Row>('SELECT * FROM users WHERE name = ?', name).toArray()[0];
  }

  /** Every stored user, by name. */
  list(): UserInfo[] {
    return this.db.sql.exec<Row>('SELECT * FROM users ORDER BY name').toArray().map(infoOf);
  }

  has(name: string): boolean {
    return this.row(name) !== undefined;
  }

  find(name: string): SessionUser | null {
    const row = this.row(name);
    return row ? sessionUserOf(row) : null;
  }

  forLogin(name: string): LoginUser | null {
    const row = this.row(name);
    return row ? { ...sessionUserOf(row), passwordHash: row.password_hash } : null;
  }

  add(user: NewUser, now: number): AddUserResult {
    const sql = this.db.sql;
    if (sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM users').one().n >= MAX_USERS)
      return { ok: false, status: 409, reason: `the limit of ${MAX_USERS} users is reached: remove one first` };
    if (this.has(user.name)) return { ok: false, status: 409, reason: `a user named "${user.name}" exists` };
    const id = `usr_${toBase64Url(crypto.getRandomValues(new Uint8Array(12)))}`;
    sql.exec(
      'INSERT INTO users (name, id, role, sites, sign_in, password_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      user.name,
      id,
      user.role,
      user.sites === null ? null : JSON.stringify(user.sites),
      user.signIn,
      user.passwordHash,
      now,
      user.createdBy,
    );
    return { ok: true, user: infoOf(this.row(user.name)!) };
  }

  /**
   * A new role and/or sites, or the user's removal, checked against the team rules
   * (team-rules.ts) in the same synchronous step as the write, so an edit is applied whole or not
   * at all. `actor`: the name of the user asking (null for one who is not a stored user, e.g. the
   * built-in admin).
   */
  change(edit: UserEdit, actor: string | null, builtInAdminSignsIn: boolean): ChangeUserResult {
    const members = this.db.sql
      .exec<{ name: string; role: string }>('SELECT name, role FROM users')
      .toArray()
      .map((r) => ({ name: r.name, role: roleOf(r.role) }));
    const rule: TeamChange | null = edit.kind === 'remove' ? edit : edit.role !== undefined ? { kind: 'set-role', name: edit.name, role: edit.role } : null;
    const refused = rule
      ? teamChangeRefusal(members, rule, actor, builtInAdminSignsIn)
      : members.some((m) => m.name === edit.name)
        ? null
        : { status: 404 as const, reason: `no user "${edit.name}"` };
    if (refused) return { ok: false, ...refused };
    if (edit.kind === 'remove') {
      this.db.sql.exec('DELETE FROM users WHERE name = ?', edit.name);
      return { ok: true, user: null };
    }
    if (edit.role !== undefined) this.db.sql.exec('UPDATE users SET role = ? WHERE name = ?', edit.role, edit.name);
    if (edit.sites !== undefined)
      this.db.sql.exec('UPDATE users SET sites = ? WHERE name = ?', edit.sites === null ? null : JSON.stringify(edit.sites), edit.name);
    return { ok: true, user: infoOf(this.row(edit.name)!) };
  }
}
