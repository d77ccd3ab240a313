/**
 * Login lockout (AdminStore table `login_failures`): a client with LOCKOUT_FAILURES failed logins
 * within LOCKOUT_WINDOW_MS waits until the oldest of them leaves the window. The only module that
 * runs SQL on that table.
 */
import type { MigratedSql } from '../storage/migrations';

export const LOCKOUT_FAILURES = 5;
export const LOCKOUT_WINDOW_MS = 15 * 60 * 1000;

export class LoginLockout {
  constructor(private readonly db: MigratedSql) {}

  /** Seconds until `client` may try again, or null when it may try now. */
  lockedFor(client: string): number | null {
    const now = Date.now();
    const sql = this.db.sql;
    sql.exec('DELETE FROM login_failures WHERE at <= ?', now - LOCKOUT_WINDOW_MS);
    const recent = sql.exec<{ at: number }>('SELECT at FROM login_failures WHERE client = ? ORDER BY at DESC LIMIT ?', client, LOCKOUT_FAILURES).toArray();
    const fifth = recent[LOCKOUT_FAILURES - 1];
    if (!fifth) return null;
    // Locked until the 5th most recent failure leaves the window.
    return Math.max(1, Math.ceil((fifth.at + LOCKOUT_WINDOW_MS - now) / 1000));
  }

  failed(client: string): void {
    this.db.sql.exec('INSERT INTO login_failures (client, at) VALUES (?, ?)', client, Date.now());
  }

  succeeded(client: string): void {
    this.db.sql.exec('DELETE FROM login_failures WHERE client = ?', client);
  }
}
