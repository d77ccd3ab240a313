/**
 * The visitor object's e-mail outbox (schema.ts migration 8): e-mails a journey's `email` step
 * queued, their attempts and outcome, which the frequency cap counts; and the unsubscribe's
 * clearing of the e-mail consent field. journeys/runtime.ts decides; this is where it is stored.
 */
import type { ProfileField } from '../../../../protocol/config/email';
import type { Unseen } from './writes';

export const EMAIL_OUTBOX_MIGRATION = `
CREATE TABLE email_outbox (
  id TEXT PRIMARY KEY,
  template TEXT NOT NULL,
  journey TEXT NOT NULL,
  step TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  next_at INTEGER,
  status TEXT NOT NULL,
  sent_at INTEGER,
  last_error TEXT
);
CREATE INDEX email_outbox_due ON email_outbox (status, next_at);
`;

/** Settled rows older than this go (the longest frequency-cap window is 365 days). */
const KEEP_MS = 366 * 86_400_000;

export type DueEmail = { id: string; template: string; journey: string; step: string; attempts: number; created_at: number };
export type EmailOutboxStatus = 'pending' | 'sent' | 'skipped' | 'failed';

export class EmailOutbox {
  constructor(
    private readonly db: () => SqlStorage,
    private readonly wakeWrites: Unseen,
  ) {}

  private get sql(): SqlStorage {
    return this.db();
  }

  enqueue(id: string, template: string, journey: string, step: string, now: number): void {
    this.sql.exec(
      "INSERT INTO email_outbox (id, template, journey, step, created_at, attempts, next_at, status) VALUES (?, ?, ?, ?, ?, 0, ?, 'pending')",
      id,
      template,
      journey,
      step,
      now,
      now,
    );
    this.wakeWrites.note();
  }

  due(now: number): DueEmail[] {
    return this.sql
      .exec<DueEmail>(
        "SELECT id, template, journey, step, attempts, created_at FROM email_outbox WHERE status = 'pending' AND next_at <= ? ORDER BY next_at LIMIT 20",
        now,
      )
      .toArray();
  }

  /** Marks an attempt before the provider call: until `until`, no other alarm takes it. */
  lease(id: string, attempt: number, until: number): void {
    this.sql.exec('UPDATE email_outbox SET attempts = ?, next_at = ? WHERE id = ?', attempt, until, id);
  }

  settle(id: string, status: EmailOutboxStatus, nextAt: number | null, error: string | null, now: number): void {
    this.sql.exec(
      "UPDATE email_outbox SET status = ?, next_at = ?, last_error = ?, sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END WHERE id = ?",
      status,
      nextAt,
      error,
      status,
      now,
      id,
    );
    this.sql.exec("DELETE FROM email_outbox WHERE status != 'pending' AND created_at < ?", now - KEEP_MS);
  }

  /** E-mails sent since `since`: what the frequency cap counts. */
  sentSince(since: number): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM email_outbox WHERE status = 'sent' AND sent_at >= ?", since).one().n;
  }

  nextDue(): number | null {
    return this.sql.exec<{ at: number | null }>("SELECT MIN(next_at) AS at FROM email_outbox WHERE status = 'pending'").one().at;
  }

  /** The one-click unsubscribe: the consent field becomes false as of `at` (a later yes from the visitor wins again). */
  withdrawConsent(field: ProfileField, at: number): void {
    const table = field.source === 'trait' ? 'traits' : 'prefs';
    this.sql.exec(
      `INSERT INTO ${table} (key, value, updated_at) VALUES (?, 'false', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      field.key,
      at,
    );
  }
}
