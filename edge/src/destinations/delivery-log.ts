/**
 * The destinations delivery log (table `dest_log`, in the site's SiteDestinations object): one row
 * per request sent (a batch of events) or refused before sending, newest kept LOG_KEEP per
 * destination. The only module that runs SQL on that table.
 */
import type { DestinationLogEntry } from '../../../protocol/destinations';
import type { MigratedSql } from '../storage/migrations';

export const LOG_MIGRATION = `
CREATE TABLE dest_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  destination TEXT NOT NULL,
  at INTEGER NOT NULL,
  events INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  status INTEGER,
  latency_ms INTEGER NOT NULL,
  error TEXT,
  next_at INTEGER,
  test INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX dest_log_by_destination ON dest_log (destination, seq);
`;

export const LOG_KEEP = 500;

type Row = {
  at: number;
  events: number;
  attempt: number;
  outcome: DestinationLogEntry['outcome'];
  status: number | null;
  latency_ms: number;
  error: string | null;
  next_at: number | null;
  test: number;
};

export class DeliveryLog {
  constructor(private readonly db: MigratedSql) {}

  record(destination: string, e: DestinationLogEntry): void {
    const sql = this.db.sql;
    sql.exec(
      'INSERT INTO dest_log (destination, at, events, attempt, outcome, status, latency_ms, error, next_at, test) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      destination,
      e.at,
      e.events,
      e.attempt,
      e.outcome,
      e.status,
      e.latencyMs,
      e.error,
      e.nextAt,
      e.test ? 1 : 0,
    );
    sql.exec(
      'DELETE FROM dest_log WHERE destination = ? AND seq <= (SELECT MAX(seq) FROM dest_log WHERE destination = ?) - ?',
      destination,
      destination,
      LOG_KEEP,
    );
  }

  entries(destination: string, limit: number): DestinationLogEntry[] {
    return this.db.sql
      .exec<Row>(
        'SELECT at, events, attempt, outcome, status, latency_ms, error, next_at, test FROM dest_log WHERE destination = ? ORDER BY seq DESC LIMIT ?',
        destination,
        limit,
      )
      .toArray()
      .map((r) => ({
        at: r.at,
        events: r.events,
        attempt: r.attempt,
        outcome: r.outcome,
        status: r.status,
        latencyMs: r.latency_ms,
        error: r.error,
        nextAt: r.next_at,
        test: r.test === 1,
      }));
  }

  /** The newest entry that was not a test send. */
  last(destination: string): DestinationLogEntry | null {
    return this.entries(destination, 20).find((e) => !e.test) ?? null;
  }

  drop(destination: string): void {
    this.db.sql.exec('DELETE FROM dest_log WHERE destination = ?', destination);
  }

  /** Events delivered since `since` (from the log's counts). */
  delivered(destination: string, since: number): number {
    return (
      this.db.sql
        .exec<{ n: number | null }>(
          "SELECT SUM(events) AS n FROM dest_log WHERE destination = ? AND outcome = 'delivered' AND test = 0 AND at >= ?",
          destination,
          since,
        )
        .one().n ?? 0
    );
  }
}
