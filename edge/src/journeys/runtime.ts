/**
 * Journeys inside the visitor's Durable Object: the storage side of engine.ts. Loads and saves
 * each journey's state, applies the engine's effects (message grants, traits, webhook outbox) and
 * delivers queued webhooks with retries. VisitorProfile owns one and calls it on ingest and alarm;
 * everything here runs in the object's single thread, against its SQLite.
 */
import type { ProfileJourney } from '../../../protocol/wire';
import type { Condition } from '../../../protocol/config/conditions';
import { evaluate, type Facts } from '../rules/evaluate';
import { attemptDelivery } from '../webhooks/deliver';
import type { DeliveryAttempt } from '../webhooks/log';
import type { JourneyWebhookEvent } from '../webhooks/payload';
import { afterAttempt } from '../webhooks/retry';
import type { Webhook } from '../../../protocol/config/webhooks';
import { advance, type Effect, type JourneyState, type JourneyStatus, type LogEntry, type Trigger } from './engine';
import type { Journey } from '../../../protocol/config/journeys';

/** Appended to VisitorProfile's MIGRATIONS. */
export const JOURNEY_MIGRATION = `
CREATE TABLE journey_state (
  journey TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  step TEXT,
  entered_at INTEGER NOT NULL,
  step_since INTEGER NOT NULL,
  wake_at INTEGER,
  waiting_for TEXT,
  ended_at INTEGER,
  runs INTEGER NOT NULL
);
CREATE TABLE journey_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, journey TEXT NOT NULL, step TEXT, at INTEGER NOT NULL, what TEXT NOT NULL);
CREATE TABLE journey_grants (message TEXT PRIMARY KEY, journey TEXT NOT NULL, step TEXT NOT NULL, at INTEGER NOT NULL);
CREATE TABLE webhook_outbox (
  id TEXT PRIMARY KEY,
  webhook TEXT NOT NULL,
  journey TEXT NOT NULL,
  step TEXT NOT NULL,
  event TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  next_at INTEGER,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
  last_error TEXT
);
CREATE TABLE webhook_attempts (
  delivery TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  at INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  status_code INTEGER,
  duration_ms INTEGER NOT NULL,
  error TEXT,
  PRIMARY KEY (delivery, attempt)
);
`;

/** A journey grant lets its message show for this long, or until shown once. */
export const GRANT_TTL_MS = 7 * 86_400_000;
/** Where the segment-entry cursor is kept (meta): entries after it can still trigger journeys. */
export const SEGMENT_CURSOR = 'journey_segment_seq';
const LOG_KEEP = 200;
/** Longer than a delivery attempt can take (retry.ts DELIVERY_TIMEOUT_MS). */
const LEASE_MS = 2 * 60_000;

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

const toState = (r: StateRow): JourneyState => ({
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

/** What the runtime needs from its Durable Object. */
export type JourneyHost = {
  sql: SqlStorage;
  site: () => string;
  visitorId: () => string;
  /** The profile's facts now (branch conditions); traits set by the run are overlaid. */
  facts: () => Facts;
  /** Records one attempt in the site-level delivery log (AdminStore); failures are only logged. */
  logAttempt: (attempt: DeliveryAttempt) => Promise<void>;
  fetcher: typeof fetch;
  allowLocalHttp: boolean;
};

export class JourneyRuntime {
  constructor(private readonly host: JourneyHost) {}

  private get sql(): SqlStorage {
    return this.host.sql;
  }

  private load(journey: string): JourneyState | null {
    const row = this.sql.exec<StateRow>('SELECT * FROM journey_state WHERE journey = ?', journey).toArray()[0];
    return row ? toState(row) : null;
  }

  private save(s: JourneyState, name: string): void {
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
  }

  private apply(journey: Journey, effect: Effect, now: number): void {
    switch (effect.kind) {
      case 'message':
        this.sql.exec(
          'INSERT INTO journey_grants (message, journey, step, at) VALUES (?, ?, ?, ?) ON CONFLICT (message) DO UPDATE SET journey = excluded.journey, step = excluded.step, at = excluded.at',
          effect.message,
          effect.journey,
          effect.step,
          now,
        );
        break;
      case 'setTrait':
        this.sql.exec(
          'INSERT INTO traits (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
          effect.key,
          JSON.stringify(effect.value),
          now,
        );
        break;
      case 'webhook': {
        // A visitor who declined personalization is not handed to marketing tools: no payload
        // with their traits leaves the edge (the step still advances, so the journey goes on).
        const consent = this.sql.exec<{ personalization: number }>('SELECT personalization FROM consent').toArray()[0];
        if (consent && consent.personalization === 0) break;
        const id = crypto.randomUUID();
        const meta = new Map(
          this.sql
            .exec<{ key: string; value: string }>("SELECT key, value FROM meta WHERE key = 'user_id'")
            .toArray()
            .map((r) => [r.key, r.value]),
        );
        const traits = Object.fromEntries(
          this.sql
            .exec<{ key: string; value: string }>('SELECT key, value FROM traits ORDER BY key')
            .toArray()
            .map((r) => [r.key, JSON.parse(r.value) as unknown]),
        );
        // A snapshot of the moment; formatted and signed per attempt with the endpoint's current settings.
        const event: JourneyWebhookEvent = {
          deliveryId: id,
          site: this.host.site(),
          journey: { id: journey.id, name: journey.name },
          step: effect.step,
          visitor: { id: this.host.visitorId(), userId: meta.get('user_id') ?? null, traits },
          at: now,
        };
        this.sql.exec(
          "INSERT INTO webhook_outbox (id, webhook, journey, step, event, created_at, attempts, next_at, status) VALUES (?, ?, ?, ?, ?, ?, 0, ?, 'pending')",
          id,
          effect.webhook,
          effect.journey,
          effect.step,
          JSON.stringify(event),
          now,
          now,
        );
        break;
      }
    }
  }

  private writeLog(entries: readonly LogEntry[]): void {
    for (const e of entries) this.sql.exec('INSERT INTO journey_log (journey, step, at, what) VALUES (?, ?, ?, ?)', e.journey, e.step, e.at, e.what);
    if (entries.length > 0) this.sql.exec('DELETE FROM journey_log WHERE seq <= (SELECT MAX(seq) FROM journey_log) - ?', LOG_KEEP);
  }

  private step(journey: Journey, trigger: Trigger): void {
    const before = this.load(journey.id);
    const evaluateNow = (condition: Condition, pending: Readonly<Record<string, string | number | boolean>>) => {
      const facts = this.host.facts();
      return evaluate(condition, { ...facts, now: trigger.at, traits: { ...facts.traits, ...pending } });
    };
    const result = advance(journey, before, trigger, evaluateNow);
    if (result.state && result.state !== before) this.save(result.state, journey.name);
    for (const effect of result.effects) this.apply(journey, effect, trigger.at);
    // Reaching the goal makes the journey's pending messages moot (no cart reminder after the purchase).
    if (before?.status === 'active' && result.state?.status === 'converted') this.sql.exec('DELETE FROM journey_grants WHERE journey = ?', journey.id);
    this.writeLog(result.log);
  }

  /** Newly stored events, in order: goals, awaited events, entries; a shown message uses up its grant. */
  onEvents(journeys: readonly Journey[], events: readonly { name: string; at: number; message?: string }[]): void {
    for (const e of events) {
      if (e.name === 'message_impression' && e.message) this.sql.exec('DELETE FROM journey_grants WHERE message = ?', e.message);
      for (const journey of journeys) this.step(journey, { kind: 'event', name: e.name, at: e.at });
    }
  }

  /** Segment entries recorded since the last call (segment_log) can start journeys. */
  onSegmentEntries(journeys: readonly Journey[]): void {
    const cursor = Number(this.sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', SEGMENT_CURSOR).toArray()[0]?.value ?? 0);
    const entries = this.sql
      .exec<{ seq: number; segment: string; at: number }>("SELECT seq, segment, at FROM segment_log WHERE change = 'enter' AND seq > ? ORDER BY seq", cursor)
      .toArray();
    if (entries.length === 0) return;
    const watched = journeys.some((j) => 'segmentEntered' in j.entry);
    if (watched) for (const e of entries) for (const journey of journeys) this.step(journey, { kind: 'segment', segment: e.segment, at: e.at });
    this.sql.exec(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      SEGMENT_CURSOR,
      String(entries[entries.length - 1]!.seq),
    );
  }

  /** Waits that are due end now. Journeys no longer in the config let their visitors go. */
  onTime(journeys: readonly Journey[], now: number): void {
    const due = this.sql.exec<StateRow>("SELECT * FROM journey_state WHERE status = 'active' AND wake_at <= ?", now).toArray();
    const byId = new Map(journeys.map((j) => [j.id, j]));
    for (const row of due) {
      const journey = byId.get(row.journey);
      if (journey) {
        this.step(journey, { kind: 'time', at: now });
      } else {
        this.save({ ...toState(row), status: 'exited', wakeAt: null, waitingFor: null, endedAt: now }, row.name);
        this.writeLog([{ at: now, journey: row.journey, step: row.step, what: 'left: the journey was deleted' }]);
      }
    }
  }

  /** Messages journeys granted this visitor (id → journey name), for message selection. */
  grants(now: number): Map<string, string> {
    this.sql.exec('DELETE FROM journey_grants WHERE at < ?', now - GRANT_TTL_MS);
    return new Map(
      this.sql
        .exec<{ message: string; name: string }>(
          'SELECT g.message AS message, COALESCE(s.name, g.journey) AS name FROM journey_grants g LEFT JOIN journey_state s ON s.journey = g.journey',
        )
        .toArray()
        .map((r) => [r.message, r.name]),
    );
  }

  /** The earliest wait or pending delivery, for the alarm; null when nothing is due. */
  nextWake(): number | null {
    const wake = this.sql.exec<{ at: number | null }>("SELECT MIN(wake_at) AS at FROM journey_state WHERE status = 'active'").one().at;
    const send = this.sql.exec<{ at: number | null }>("SELECT MIN(next_at) AS at FROM webhook_outbox WHERE status = 'pending'").one().at;
    const times = [wake, send].filter((t): t is number => t !== null);
    return times.length > 0 ? Math.min(...times) : null;
  }

  /**
   * Delivers the queued webhooks that are due, one attempt each, recording every attempt here
   * and in the site's log. Runs in the alarm; a delivery is marked before its fetch, so an ingest
   * that interleaves while the request is in flight cannot send it twice.
   */
  async deliverDue(webhooks: readonly Webhook[], now: () => number): Promise<void> {
    const due = this.sql
      .exec<{ id: string; webhook: string; journey: string; step: string; event: string; attempts: number }>(
        "SELECT id, webhook, journey, step, event, attempts FROM webhook_outbox WHERE status = 'pending' AND next_at <= ? ORDER BY next_at LIMIT 20",
        now(),
      )
      .toArray();
    const byId = new Map(webhooks.map((w) => [w.id, w]));
    for (const row of due) {
      const attempt = row.attempts + 1;
      // A lease: if the object dies during the request, the delivery is tried again after it.
      this.sql.exec('UPDATE webhook_outbox SET attempts = ?, next_at = ? WHERE id = ?', attempt, now() + LEASE_MS, row.id);
      const webhook = byId.get(row.webhook);
      const at = now();
      // Parsed from what apply() wrote.
      const event = JSON.parse(row.event) as JourneyWebhookEvent;
      const result = !webhook
        ? { status: null, error: `webhook "${row.webhook}" is no longer configured`, durationMs: 0 }
        : !webhook.enabled
          ? { status: null, error: `webhook "${row.webhook}" is disabled`, durationMs: 0 }
          : await attemptDelivery(webhook, event, attempt, { now, fetcher: this.host.fetcher, allowLocalHttp: this.host.allowLocalHttp });
      const gone = !webhook || !webhook.enabled;
      const outcome = gone ? ({ kind: 'dead', reason: result.error ?? '' } as const) : afterAttempt(attempt, result, now());
      const status = outcome.kind === 'delivered' ? 'delivered' : outcome.kind === 'dead' ? 'dead' : 'pending';
      const nextAt = outcome.kind === 'retry' ? outcome.at : null;
      const error = outcome.kind === 'delivered' ? null : outcome.reason;
      this.sql.exec('UPDATE webhook_outbox SET status = ?, next_at = ?, last_error = ? WHERE id = ?', status, nextAt, error, row.id);
      this.sql.exec(
        'INSERT OR REPLACE INTO webhook_attempts (delivery, attempt, at, outcome, status_code, duration_ms, error) VALUES (?, ?, ?, ?, ?, ?, ?)',
        row.id,
        attempt,
        at,
        outcome.kind,
        result.status,
        result.durationMs,
        error,
      );
      await this.host.logAttempt({
        webhook: row.webhook,
        delivery: row.id,
        visitor: event.visitor.id,
        journey: row.journey,
        step: row.step,
        attempt,
        at,
        outcome: outcome.kind,
        statusCode: result.status,
        durationMs: result.durationMs,
        error,
        nextAt,
      });
    }
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
