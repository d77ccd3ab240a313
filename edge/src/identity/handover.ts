/**
 * The storage side of identity stitching: reading a browser profile's history out of its tables,
 * merging it into a golden record's tables, and clearing it afterwards. Both sides are the same
 * VisitorProfile schema (profile/visitor-profile.ts MIGRATIONS); the merge rules are documented
 * on absorb().
 */
import { mergedSpan, type Handover, type HandoverEvent, type HandoverExposure, type HandoverKeyValue } from './stitch';

/** The profile tables that hold a visitor's history (all of them are handed over). */
const HISTORY_TABLES = ['events', 'traits', 'prefs', 'consent', 'segments', 'segment_log', 'exposures', 'inactivity_due'] as const;
/** `meta` keys that describe the history rather than the browser (the link, id and rate bucket stay). */
const HISTORY_META = ['first_seen', 'last_seen', 'user_id', 'alarm_segments'] as const;

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
  for (const l of h.segmentLog) {
    sql.exec(
      `INSERT INTO segment_log (segment, change, at) SELECT ?1, ?2, ?3
       WHERE NOT EXISTS (SELECT 1 FROM segment_log WHERE segment = ?1 AND change = ?2 AND at = ?3)`,
      l.segment,
      l.change,
      l.at,
    );
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
  const span = mergedSpan({ firstSeen: metaNumber(sql, 'first_seen'), lastSeen: metaNumber(sql, 'last_seen') }, h);
  const upsert = 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value';
  if (span.firstSeen !== null) sql.exec(upsert, 'first_seen', String(span.firstSeen));
  if (span.lastSeen !== null) sql.exec(upsert, 'last_seen', String(span.lastSeen));
}
