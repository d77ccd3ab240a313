/** The site-level delivery log's rows (AdminStore `webhook_log`), shown in the dashboard. */
export type DeliveryOutcome = 'delivered' | 'retry' | 'dead';

export type DeliveryAttempt = {
  webhook: string;
  /** The delivery (one queued call); its attempts share it. */
  delivery: string;
  visitor: string;
  journey: string;
  step: string;
  attempt: number;
  at: number;
  outcome: DeliveryOutcome;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  /** When the next attempt is due (outcome `retry`). */
  nextAt: number | null;
};

/** As the admin API returns it: times as ISO strings. */
export type DeliveryLogEntry = Omit<DeliveryAttempt, 'at' | 'nextAt'> & { seq: number; at: string; nextAt: string | null };

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
