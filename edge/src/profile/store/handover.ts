/**
 * The storage side of identity stitching: reading a browser profile's history out of its tables,
 * merging it into a golden record's tables, and clearing it afterwards. Both sides are the same
 * VisitorProfile schema (schema.ts MIGRATIONS); the merge rules are documented on
 * absorbHandover(). Called only through ProfileStore.
 */
import { SEGMENT_CURSOR } from './journey-tables';
import { INACTIVITY_WATCHED } from './meta-keys';
import {
  browserJourneyWins,
  mergedSpan,
  type Handover,
  type HandoverAttempt,
  type HandoverDelivery,
  type HandoverEvent,
  type HandoverExposure,
  type HandoverJourney,
  type HandoverKeyValue,
} from '../../identity/stitch';

/** The profile tables that hold a visitor's history (all of them are handed over). */
const HISTORY_TABLES = [
  'events',
  'traits',
  'prefs',
  'consent',
  'segments',
  'segment_log',
  'exposures',
  'inactivity_due',
  // Journeys (schema.ts migration 5): they go on in the golden record.
  'journey_state',
  'journey_log',
  'journey_grants',
  'webhook_outbox',
  'webhook_attempts',
] as const;
/** `meta` keys that describe the history rather than the browser (the link, id and rate bucket stay). */
const HISTORY_META = ['first_seen', 'last_seen', 'user_id', INACTIVITY_WATCHED, SEGMENT_CURSOR] as const;

const metaNumber = (sql: SqlStorage, key: string): number | null => {
  const value = sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', key).toArray()[0]?.value;
  return value === undefined ? null : Number(value);
};

/** A profile's whole history, as its tables hold it. */
export function readHandover(sql: SqlStorage, visitorId: string): Handover {
  return {
    visitorId,
    firstSeen: metaNumber(sql, 'first_seen'),
    lastSeen: metaNumber(sql, 'last_seen'),
    events: sql.exec<HandoverEvent>('SELECT id, type, name, ts, received_at, session_id, body FROM events').toArray(),
    traits: sql.exec<HandoverKeyValue>('SELECT key, value, updated_at FROM traits').toArray(),
    prefs: sql.exec<HandoverKeyValue>('SELECT key, value, updated_at FROM prefs').toArray(),
    consent: sql.exec<NonNullable<Handover['consent']>>('SELECT analytics, personalization, updated_at FROM consent').toArray()[0] ?? null,
    segments: sql.exec<Handover['segments'][number]>('SELECT id, entered_at FROM segments').toArray(),
    segmentLog: sql.exec<Handover['segmentLog'][number]>('SELECT segment, change, at FROM segment_log ORDER BY seq').toArray(),
    exposures: sql.exec<HandoverExposure>('SELECT message, variant, at, converted_at, conversion_event FROM exposures').toArray(),
    journeys: sql
      .exec<HandoverJourney>('SELECT journey, name, status, step, entered_at, step_since, wake_at, waiting_for, ended_at, runs FROM journey_state')
      .toArray(),
    journeyLog: sql.exec<NonNullable<Handover['journeyLog']>[number]>('SELECT journey, step, at, what FROM journey_log ORDER BY seq').toArray(),
    grants: sql.exec<NonNullable<Handover['grants']>[number]>('SELECT message, journey, step, at FROM journey_grants').toArray(),
    // Every delivery, delivered ones too: the browser keeps none (their payloads hold traits).
    deliveries: sql
      .exec<HandoverDelivery>('SELECT id, webhook, journey, step, event, created_at, attempts, next_at, status, last_error FROM webhook_outbox')
      .toArray(),
    attempts: sql.exec<HandoverAttempt>('SELECT delivery, attempt, at, outcome, status_code, duration_ms, error FROM webhook_attempts').toArray(),
  };
}

/** After the handover a linked browser profile keeps no personal data: only its link, id and rate bucket. */
export function clearHistory(sql: SqlStorage): void {
  for (const table of HISTORY_TABLES) sql.exec(`DELETE FROM ${table}`);
  sql.exec(`DELETE FROM meta WHERE key IN (${HISTORY_META.map(() => '?').join(', ')})`, ...HISTORY_META);
}

/**
 * Merges a browser's history into a golden record, idempotently (the same history twice changes
 * nothing): events by id (the first stored copy stays); traits and prefs per key by the newest
 * client time; consent by the newest; segment membership by the earliest entry; the entry/exit log
 * without repeating an entry; per message the earliest exposure, with its variant and conversion.
 * The golden record's next decision re-evaluates every segment on the merged history.
 */
export function absorbHandover(sql: SqlStorage, h: Handover): void {
  for (const e of h.events) {
    sql.exec(
      'INSERT INTO events (id, type, name, ts, received_at, session_id, body) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
      e.id,
      e.type,
      e.name,
      e.ts,
      e.received_at,
      e.session_id,
      e.body,
    );
  }
  for (const table of ['traits', 'prefs'] as const) {
    for (const kv of h[table]) {
      sql.exec(
        `INSERT INTO ${table} (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
         WHERE excluded.updated_at > ${table}.updated_at`,
        kv.key,
        kv.value,
        kv.updated_at,
      );
    }
  }
  if (h.consent) {
    sql.exec(
      `INSERT INTO consent (id, analytics, personalization, updated_at) VALUES (1, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET analytics = excluded.analytics,
         personalization = excluded.personalization, updated_at = excluded.updated_at
       WHERE excluded.updated_at > consent.updated_at`,
      h.consent.analytics,
      h.consent.personalization,
      h.consent.updated_at,
    );
  }
  for (const s of h.segments) {
    sql.exec(
      'INSERT INTO segments (id, entered_at) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET entered_at = MIN(segments.entered_at, excluded.entered_at)',
      s.id,
      s.entered_at,
    );
  }
  // The journeys' segment-entry cursor (journeys/runtime.ts) must not take the handed-over log
  // rows, appended with new seqs, for new entries: the browser's journeys already saw them and
  // move below. Only a cursor that had seen every local row moves past them (one that lags,
  // when the record's alarm could not read the site config, still owes those rows their turn).
  const seqBefore = sql.exec<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM segment_log').one().seq ?? 0;
  const cursorBefore = metaNumber(sql, SEGMENT_CURSOR) ?? 0;
  for (const l of h.segmentLog) {
    sql.exec(
      `INSERT INTO segment_log (segment, change, at) SELECT ?1, ?2, ?3
       WHERE NOT EXISTS (SELECT 1 FROM segment_log WHERE segment = ?1 AND change = ?2 AND at = ?3)`,
      l.segment,
      l.change,
      l.at,
    );
  }
  const seqAfter = sql.exec<{ seq: number | null }>('SELECT MAX(seq) AS seq FROM segment_log').one().seq ?? 0;
  if (cursorBefore >= seqBefore && seqAfter > seqBefore) {
    sql.exec('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', SEGMENT_CURSOR, String(seqAfter));
  }
  for (const x of h.exposures) {
    sql.exec(
      `INSERT INTO exposures (message, variant, at, converted_at, conversion_event) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (message) DO UPDATE SET variant = excluded.variant, at = excluded.at,
         converted_at = excluded.converted_at, conversion_event = excluded.conversion_event
       WHERE excluded.at < exposures.at`,
      x.message,
      x.variant,
      x.at,
      x.converted_at,
      x.conversion_event,
    );
  }
  absorbJourneys(sql, h);
  const span = mergedSpan({ firstSeen: metaNumber(sql, 'first_seen'), lastSeen: metaNumber(sql, 'last_seen') }, h);
  const upsert = 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value';
  if (span.firstSeen !== null) sql.exec(upsert, 'first_seen', String(span.firstSeen));
  if (span.lastSeen !== null) sql.exec(upsert, 'last_seen', String(span.lastSeen));
}

/**
 * The browser's journeys go on in the golden record: per journey its state (browserJourneyWins
 * decides a clash), with its log and message grants when the browser's state is taken; every
 * webhook delivery once by its id, with its attempts, so a pending one is sent from there (and
 * never twice: applied again, the same ids change nothing). The caller sets the alarm.
 */
function absorbJourneys(sql: SqlStorage, h: Handover): void {
  const taken = new Set<string>();
  for (const j of h.journeys ?? []) {
    const golden =
      sql
        .exec<Pick<HandoverJourney, 'status' | 'ended_at' | 'step_since'>>(
          'SELECT status, ended_at, step_since FROM journey_state WHERE journey = ?',
          j.journey,
        )
        .toArray()[0] ?? null;
    if (!browserJourneyWins(golden, j)) continue;
    taken.add(j.journey);
    sql.exec(
      `INSERT INTO journey_state (journey, name, status, step, entered_at, step_since, wake_at, waiting_for, ended_at, runs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (journey) DO UPDATE SET name = excluded.name, status = excluded.status, step = excluded.step, entered_at = excluded.entered_at,
         step_since = excluded.step_since, wake_at = excluded.wake_at, waiting_for = excluded.waiting_for, ended_at = excluded.ended_at,
         runs = MAX(journey_state.runs, excluded.runs)`,
      j.journey,
      j.name,
      j.status,
      j.step,
      j.entered_at,
      j.step_since,
      j.wake_at,
      j.waiting_for,
      j.ended_at,
      j.runs,
    );
  }
  for (const l of h.journeyLog ?? []) {
    if (!taken.has(l.journey)) continue;
    sql.exec(
      `INSERT INTO journey_log (journey, step, at, what) SELECT ?1, ?2, ?3, ?4
       WHERE NOT EXISTS (SELECT 1 FROM journey_log WHERE journey = ?1 AND step IS ?2 AND at = ?3 AND what = ?4)`,
      l.journey,
      l.step,
      l.at,
      l.what,
    );
  }
  for (const g of h.grants ?? []) {
    if (!taken.has(g.journey)) continue;
    sql.exec(
      `INSERT INTO journey_grants (message, journey, step, at) VALUES (?, ?, ?, ?)
       ON CONFLICT (message) DO UPDATE SET journey = excluded.journey, step = excluded.step, at = excluded.at WHERE excluded.at > journey_grants.at`,
      g.message,
      g.journey,
      g.step,
      g.at,
    );
  }
  for (const d of h.deliveries ?? []) {
    sql.exec(
      `INSERT INTO webhook_outbox (id, webhook, journey, step, event, created_at, attempts, next_at, status, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
      d.id,
      d.webhook,
      d.journey,
      d.step,
      d.event,
      d.created_at,
      d.attempts,
      d.next_at,
      d.status,
      d.last_error,
    );
  }
  for (const a of h.attempts ?? []) {
    sql.exec(
      `INSERT INTO webhook_attempts (delivery, attempt, at, outcome, status_code, duration_ms, error) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (delivery, attempt) DO NOTHING`,
      a.delivery,
      a.attempt,
      a.at,
      a.outcome,
      a.status_code,
      a.duration_ms,
      a.error,
    );
  }
}
