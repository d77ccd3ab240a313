/**
 * The destinations outbox (table `dest_outbox`, in the site's SiteDestinations object): one row per
 * destination and stored event. `pending` rows are due at `next_at`; `sent` rows are kept
 * SENT_KEEP_MS so a queue redelivery of the same event is ignored (the key is destination + event
 * id); `dead` rows are the dead letter, kept until replayed or DEAD_KEEP_MS old. The only module
 * that runs SQL on that table.
 */
import type { MigratedSql } from '../storage/migrations';
import type { ForwardEvent } from './providers/common';

/** SiteDestinations migration 1 (with the log and secrets tables). Shipped: never edit. */
export const OUTBOX_MIGRATION = `
CREATE TABLE dest_outbox (
  destination TEXT NOT NULL,
  event_id TEXT NOT NULL,
  visitor TEXT NOT NULL,
  name TEXT NOT NULL,
  event_ts INTEGER NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL,
  error TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (destination, event_id)
);
CREATE INDEX dest_outbox_due ON dest_outbox (status, next_at);
`;

export const SENT_KEEP_MS = 7 * 86_400_000;
export const DEAD_KEEP_MS = 30 * 86_400_000;
/** Dead letters kept per destination (the oldest go first). */
export const DEAD_KEEP = 10_000;

export type OutboxRow = { destination: string; eventId: string; forward: ForwardEvent; attempts: number };
type Row = { destination: string; event_id: string; body: string; attempts: number };
type DeadRow = { event_id: string; name: string; visitor: string; event_ts: number; attempts: number; error: string | null; updated_at: number };

export class Outbox {
  constructor(private readonly db: MigratedSql) {}

  /** New rows, due at once; an event already in the outbox for that destination (any status) is ignored. Returns how many were new. */
  add(destination: string, events: readonly { forward: ForwardEvent; name: string }[], now: number): number {
    let added = 0;
    for (const { forward, name } of events) {
      const cursor = this.db.sql.exec(
        `INSERT OR IGNORE INTO dest_outbox (destination, event_id, visitor, name, event_ts, body, status, attempts, next_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
        destination,
        forward.event.id,
        forward.visitorId,
        name,
        forward.event.ts,
        JSON.stringify(forward),
        now,
        now,
      );
      added += cursor.rowsWritten > 0 ? 1 : 0;
    }
    return added;
  }

  /** Destinations with pending rows due at `now`. */
  dueDestinations(now: number): string[] {
    return this.db.sql
      .exec<{ destination: string }>("SELECT DISTINCT destination FROM dest_outbox WHERE status = 'pending' AND next_at <= ?", now)
      .toArray()
      .map((r) => r.destination);
  }

  due(destination: string, now: number, limit: number): OutboxRow[] {
    return this.db.sql
      .exec<Row>(
        "SELECT destination, event_id, body, attempts FROM dest_outbox WHERE destination = ? AND status = 'pending' AND next_at <= ? ORDER BY event_ts, event_id LIMIT ?",
        destination,
        now,
        limit,
      )
      .toArray()
      .map((r) => ({ destination: r.destination, eventId: r.event_id, forward: JSON.parse(r.body) as ForwardEvent, attempts: r.attempts }));
  }

  /** The earliest time a pending row is due, or null. */
  nextDue(): number | null {
    return this.db.sql.exec<{ at: number | null }>("SELECT MIN(next_at) AS at FROM dest_outbox WHERE status = 'pending'").one().at;
  }

  private update(destination: string, ids: readonly string[], set: string, values: unknown[]): void {
    for (const id of ids) this.db.sql.exec(`UPDATE dest_outbox SET ${set} WHERE destination = ? AND event_id = ?`, ...values, destination, id);
  }

  sent(destination: string, ids: readonly string[], now: number): void {
    this.update(destination, ids, "status = 'sent', attempts = attempts + 1, error = NULL, updated_at = ?", [now]);
  }

  retry(destination: string, ids: readonly string[], at: number, reason: string, now: number): void {
    this.update(destination, ids, 'attempts = attempts + 1, next_at = ?, error = ?, updated_at = ?', [at, reason.slice(0, 500), now]);
  }

  /** To the dead letter; `attempted`: this was a send attempt (counted). */
  dead(destination: string, ids: readonly string[], reason: string, now: number, attempted = true): void {
    this.update(destination, ids, `status = 'dead', attempts = attempts + ${attempted ? 1 : 0}, error = ?, updated_at = ?`, [reason.slice(0, 500), now]);
  }

  /** Dead letters back to pending, due now (attempts start over). `ids` absent: all of the destination's. */
  replay(destination: string, ids: readonly string[] | undefined, now: number): number {
    // Counted first: rowsWritten counts index writes too.
    if (!ids) {
      const n = this.count(destination, 'dead');
      this.db.sql.exec(
        "UPDATE dest_outbox SET status = 'pending', attempts = 0, next_at = ?, updated_at = ? WHERE destination = ? AND status = 'dead'",
        now,
        now,
        destination,
      );
      return n;
    }
    let n = 0;
    for (const id of new Set(ids)) {
      const dead = this.db.sql
        .exec<{ n: number }>("SELECT COUNT(*) AS n FROM dest_outbox WHERE destination = ? AND event_id = ? AND status = 'dead'", destination, id)
        .one().n;
      if (!dead) continue;
      this.db.sql.exec(
        "UPDATE dest_outbox SET status = 'pending', attempts = 0, next_at = ?, updated_at = ? WHERE destination = ? AND event_id = ?",
        now,
        now,
        destination,
        id,
      );
      n += 1;
    }
    return n;
  }

  deadLetters(destination: string, limit: number): { rows: DeadRow[]; total: number } {
    const rows = this.db.sql
      .exec<DeadRow>(
        "SELECT event_id, name, visitor, event_ts, attempts, error, updated_at FROM dest_outbox WHERE destination = ? AND status = 'dead' ORDER BY updated_at DESC, event_id LIMIT ?",
        destination,
        limit,
      )
      .toArray();
    return { rows, total: this.count(destination, 'dead') };
  }

  count(destination: string, status: 'pending' | 'dead' | 'sent'): number {
    return this.db.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM dest_outbox WHERE destination = ? AND status = ?', destination, status).one().n;
  }

  /** A deleted or disabled destination's pending rows (disabled: nothing queued while it was off is sent later). */
  dropPending(destination: string): number {
    const n = this.count(destination, 'pending');
    this.db.sql.exec("DELETE FROM dest_outbox WHERE destination = ? AND status = 'pending'", destination);
    return n;
  }

  dropDestination(destination: string): void {
    this.db.sql.exec('DELETE FROM dest_outbox WHERE destination = ?', destination);
  }

  /** An erased visitor (DELETE /_wm/me): nothing of theirs still waiting leaves any more. */
  dropVisitor(visitor: string): number {
    const n = this.db.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM dest_outbox WHERE visitor = ? AND status != 'sent'", visitor).one().n;
    this.db.sql.exec("DELETE FROM dest_outbox WHERE visitor = ? AND status != 'sent'", visitor);
    return n;
  }

  /** Sent rows past their dedupe window, old dead letters, and dead letters over the cap. */
  prune(now: number): void {
    this.db.sql.exec("DELETE FROM dest_outbox WHERE status = 'sent' AND updated_at < ?", now - SENT_KEEP_MS);
    this.db.sql.exec("DELETE FROM dest_outbox WHERE status = 'dead' AND updated_at < ?", now - DEAD_KEEP_MS);
    for (const { destination } of this.db.sql.exec<{ destination: string }>("SELECT DISTINCT destination FROM dest_outbox WHERE status = 'dead'").toArray()) {
      this.db.sql.exec(
        `DELETE FROM dest_outbox WHERE rowid IN (SELECT rowid FROM dest_outbox WHERE destination = ? AND status = 'dead' ORDER BY updated_at DESC LIMIT -1 OFFSET ?)`,
        destination,
        DEAD_KEEP,
      );
    }
  }
}
