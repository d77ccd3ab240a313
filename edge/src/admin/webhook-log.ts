/**
 * The site-level webhook delivery log (table `webhook_log`, in the site's SiteAdmin object): every
 * attempt the visitor profiles report (recordWebhookAttempt), shown in the dashboard. AdminStore
 * keeps the rows written before per-site objects until it hands them over (legacy-move.ts). The
 * only module that runs SQL on that table; the row types are the visitor side's contract, in
 * webhooks/log.ts.
 */
import type { MigratedSql } from '../storage/migrations';
import type { DeliveryAttempt, DeliveryLogEntry } from '../webhooks/log';
import { clampLimit } from './audit';

/** AdminStore migration 2, and part of SiteAdmin migration 1. Shipped: never edit. */
export const WEBHOOK_LOG_MIGRATION = `
CREATE TABLE webhook_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  site TEXT NOT NULL,
  webhook TEXT NOT NULL,
  delivery TEXT NOT NULL,
  visitor TEXT NOT NULL,
  journey TEXT NOT NULL,
  step TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  at INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  status_code INTEGER,
  duration_ms INTEGER NOT NULL,
  error TEXT,
  next_at INTEGER
);
CREATE INDEX webhook_log_by_webhook ON webhook_log (site, webhook, seq);
`;

/** Rows kept per site and webhook; older ones are pruned on insert. */
export const WEBHOOK_LOG_KEEP = 1_000;

/** One stored attempt, as moved between objects. */
export type WebhookLogRow = {
  seq: number;
  site: string;
  webhook: string;
  delivery: string;
  visitor: string;
  journey: string;
  step: string;
  attempt: number;
  at: number;
  outcome: string;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  next_at: number | null;
};

export class WebhookLog {
  constructor(private readonly db: MigratedSql) {}

  record(site: string, a: DeliveryAttempt): void {
    const sql = this.db.sql;
    sql.exec(
      `INSERT INTO webhook_log (site, webhook, delivery, visitor, journey, step, attempt, at, outcome, status_code, duration_ms, error, next_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      site,
      a.webhook,
      a.delivery,
      a.visitor,
      a.journey,
      a.step,
      a.attempt,
      a.at,
      a.outcome,
      a.statusCode,
      a.durationMs,
      a.error,
      a.nextAt,
    );
    sql.exec(
      'DELETE FROM webhook_log WHERE site = ? AND webhook = ? AND seq <= (SELECT MAX(seq) FROM webhook_log WHERE site = ? AND webhook = ?) - ?',
      site,
      a.webhook,
      site,
      a.webhook,
      WEBHOOK_LOG_KEEP,
    );
  }

  /** Every row of one site, oldest first (the move out of AdminStore). */
  rowsOf(site: string): WebhookLogRow[] {
    return this.db.sql
      .exec<WebhookLogRow>('SELECT * FROM webhook_log WHERE site = ? ORDER BY seq', site)
      .toArray()
      .map((r) => ({ ...r }));
  }

  /** Rows moved in from AdminStore, with their sequence numbers. */
  insertRows(rows: readonly WebhookLogRow[]): void {
    for (const r of rows)
      this.db.sql.exec(
        `INSERT OR IGNORE INTO webhook_log (seq, site, webhook, delivery, visitor, journey, step, attempt, at, outcome, status_code, duration_ms, error, next_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        r.seq,
        r.site,
        r.webhook,
        r.delivery,
        r.visitor,
        r.journey,
        r.step,
        r.attempt,
        r.at,
        r.outcome,
        r.status_code,
        r.duration_ms,
        r.error,
        r.next_at,
      );
  }

  forget(site: string): void {
    this.db.sql.exec('DELETE FROM webhook_log WHERE site = ?', site);
  }

  /** A webhook's attempts, newest first. */
  list(site: string, webhook: string, limit: number): DeliveryLogEntry[] {
    // Aliased to DeliveryAttempt's names, so the one type describes the row too.
    return this.db.sql
      .exec<DeliveryAttempt & { seq: number }>(
        `SELECT seq, webhook, delivery, visitor, journey, step, attempt, at, outcome, status_code AS statusCode, duration_ms AS durationMs, error, next_at AS nextAt
         FROM webhook_log WHERE site = ? AND webhook = ? ORDER BY seq DESC LIMIT ?`,
        site,
        webhook,
        clampLimit(limit),
      )
      .toArray()
      .map((r) => ({
        ...r,
        // A short prefix: enough to find the visitor, no full id in the dashboard.
        visitor: r.visitor.slice(0, 8),
        at: new Date(r.at).toISOString(),
        nextAt: r.nextAt === null ? null : new Date(r.nextAt).toISOString(),
      }));
  }
}
