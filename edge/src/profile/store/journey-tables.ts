/**
 * The journey tables of a visitor object (schema.ts migration 5): each journey's state, its log,
 * message grants, the webhook outbox and its attempts. journeys/runtime.ts decides what to write;
 * this is where it is read and written.
 */
import type { ProfileJourney } from '../../../../protocol/wire';
import type { JourneyState, JourneyStatus, LogEntry } from '../../journeys/engine';
import type { Unseen } from './writes';

/** A journey grant lets its message show for this long, or until shown once. */
export const GRANT_TTL_MS = 7 * 86_400_000;
/** Where the segment-entry cursor is kept (meta): entries after it can still trigger journeys. */
export const SEGMENT_CURSOR = 'journey_segment_seq';
const LOG_KEEP = 200;

/** A journey_state row (also the shape a browser's profile hands to its golden record). */
export type StateRow = {
  journey: string;
  name: string;
  status: string;
  step: string | null;
  entered_at: number;
  step_since: number;
  wake_at: number | null;
  waiting_for: string | null;
  ended_at: number | null;
  runs: number;
};

/** A queued delivery that is due: what the runtime sends. */
export type DueDelivery = { id: string; webhook: string; journey: string; step: string; event: string; attempts: number };

/** One delivery attempt as the visitor's own attempt log keeps it. */
export type AttemptRow = {
  delivery: string;
  attempt: number;
  at: number;
  outcome: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
};

export const toState = (r: StateRow): JourneyState => ({
  journey: r.journey,
  status: r.status as JourneyStatus,
  step: r.step,
  enteredAt: r.entered_at,
  stepSince: r.step_since,
  wakeAt: r.wake_at,
  waitingFor: r.waiting_for,
  endedAt: r.ended_at,
  runs: r.runs,
});

export class JourneyTables {
  constructor(
    private readonly db: () => SqlStorage,
    private readonly wakeWrites: Unseen,
  ) {}

  private get sql(): SqlStorage {
    return this.db();
  }

  /** Every journey's state, by journey id: read once for a batch's events rather than once per event and journey. */
  loadAll(): Map<string, JourneyState> {
    return new Map(
      this.sql
        .exec<StateRow>('SELECT * FROM journey_state')
        .toArray()
        .map((row) => [row.journey, toState(row)]),
    );
  }

  save(s: JourneyState, name: string): void {
    this.sql.exec(
      `INSERT INTO journey_state (journey, name, status, step, entered_at, step_since, wake_at, waiting_for, ended_at, runs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (journey) DO UPDATE SET name = excluded.name, status = excluded.status, step = excluded.step, entered_at = excluded.entered_at,
         step_since = excluded.step_since, wake_at = excluded.wake_at, waiting_for = excluded.waiting_for, ended_at = excluded.ended_at, runs = excluded.runs`,
      s.journey,
      name,
      s.status,
      s.step,
      s.enteredAt,
      s.stepSince,
      s.wakeAt,
      s.waitingFor,
      s.endedAt,
      s.runs,
    );
    if (s.status === 'active' && s.wakeAt !== null) this.wakeWrites.note();
  }

  /** Active journeys whose wait is due. */
  dueStates(now: number): StateRow[] {
    return this.sql.exec<StateRow>("SELECT * FROM journey_state WHERE status = 'active' AND wake_at <= ?", now).toArray();
  }

  grant(message: string, journey: string, step: string, at: number): void {
    // Expired grants go here, on a write, so that reading them (every page's decision) writes nothing.
    this.sql.exec('DELETE FROM journey_grants WHERE at < ?', at - GRANT_TTL_MS);
    this.sql.exec(
      'INSERT INTO journey_grants (message, journey, step, at) VALUES (?, ?, ?, ?) ON CONFLICT (message) DO UPDATE SET journey = excluded.journey, step = excluded.step, at = excluded.at',
      message,
      journey,
      step,
      at,
    );
  }

  /** A shown message uses up its grant. */
  useGrant(message: string): void {
    this.sql.exec('DELETE FROM journey_grants WHERE message = ?', message);
  }

  dropGrantsOf(journey: string): void {
    this.sql.exec('DELETE FROM journey_grants WHERE journey = ?', journey);
  }

  /** Messages journeys granted this visitor (id → journey name) that have not expired. */
  grants(now: number): Map<string, string> {
    return new Map(
      this.sql
        .exec<{ message: string; name: string }>(
          'SELECT g.message AS message, COALESCE(s.name, g.journey) AS name FROM journey_grants g LEFT JOIN journey_state s ON s.journey = g.journey WHERE g.at >= ?',
          now - GRANT_TTL_MS,
        )
        .toArray()
        .map((r) => [r.message, r.name]),
    );
  }

  writeLog(entries: readonly LogEntry[]): void {
    for (const e of entries) this.sql.exec('INSERT INTO journey_log (journey, step, at, what) VALUES (?, ?, ?, ?)', e.journey, e.step, e.at, e.what);
    if (entries.length > 0) this.sql.exec('DELETE FROM journey_log WHERE seq <= (SELECT MAX(seq) FROM journey_log) - ?', LOG_KEEP);
  }

  /** Segment entries after the journeys' cursor, oldest first. */
  segmentEntriesSinceCursor(): { seq: number; segment: string; at: number }[] {
    const cursor = Number(this.sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', SEGMENT_CURSOR).toArray()[0]?.value ?? 0);
    return this.sql
      .exec<{ seq: number; segment: string; at: number }>("SELECT seq, segment, at FROM segment_log WHERE change = 'enter' AND seq > ? ORDER BY seq", cursor)
      .toArray();
  }

  moveSegmentCursor(seq: number): void {
    this.sql.exec('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', SEGMENT_CURSOR, String(seq));
  }

  enqueueWebhook(id: string, webhook: string, journey: string, step: string, event: string, now: number): void {
    this.sql.exec(
      "INSERT INTO webhook_outbox (id, webhook, journey, step, event, created_at, attempts, next_at, status) VALUES (?, ?, ?, ?, ?, ?, 0, ?, 'pending')",
      id,
      webhook,
      journey,
      step,
      event,
      now,
      now,
    );
    this.wakeWrites.note();
  }

  dueDeliveries(now: number): DueDelivery[] {
    return this.sql
      .exec<DueDelivery>(
        "SELECT id, webhook, journey, step, event, attempts FROM webhook_outbox WHERE status = 'pending' AND next_at <= ? ORDER BY next_at LIMIT 20",
        now,
      )
      .toArray();
  }

  /** Marks an attempt before its fetch: until `until`, no other alarm takes the delivery. */
  leaseDelivery(id: string, attempt: number, until: number): void {
    this.sql.exec('UPDATE webhook_outbox SET attempts = ?, next_at = ? WHERE id = ?', attempt, until, id);
  }

  settleDelivery(id: string, status: 'pending' | 'delivered' | 'dead', nextAt: number | null, error: string | null): void {
    this.sql.exec('UPDATE webhook_outbox SET status = ?, next_at = ?, last_error = ? WHERE id = ?', status, nextAt, error, id);
  }

  recordAttempt(a: AttemptRow): void {
    this.sql.exec(
      'INSERT OR REPLACE INTO webhook_attempts (delivery, attempt, at, outcome, status_code, duration_ms, error) VALUES (?, ?, ?, ?, ?, ?, ?)',
      a.delivery,
      a.attempt,
      a.at,
      a.outcome,
      a.statusCode,
      a.durationMs,
      a.error,
    );
  }

  /** The earliest wait or pending delivery, for the alarm; null when nothing is due. */
  nextWake(): number | null {
    const wake = this.sql.exec<{ at: number | null }>("SELECT MIN(wake_at) AS at FROM journey_state WHERE status = 'active'").one().at;
    const send = this.sql.exec<{ at: number | null }>("SELECT MIN(next_at) AS at FROM webhook_outbox WHERE status = 'pending'").one().at;
    const times = [wake, send].filter((t): t is number => t !== null);
    return times.length > 0 ? Math.min(...times) : null;
  }

  /** The visitor's journeys for the profile export: where they are and the recent history. */
  exportJourneys(): ProfileJourney[] {
    const log = this.sql
      .exec<{ journey: string; step: string | null; at: number; what: string }>('SELECT journey, step, at, what FROM journey_log ORDER BY seq')
      .toArray();
    return this.sql
      .exec<StateRow>('SELECT * FROM journey_state ORDER BY entered_at, journey')
      .toArray()
      .map((r) => ({
        id: r.journey,
        name: r.name,
        status: r.status as JourneyStatus,
        step: r.step,
        since: r.step_since,
        enteredAt: r.entered_at,
        wakeAt: r.wake_at,
        endedAt: r.ended_at,
        runs: r.runs,
        history: log
          .filter((l) => l.journey === r.journey)
          .slice(-20)
          .map((l) => ({ at: l.at, step: l.step, what: l.what })),
      }));
  }
}
