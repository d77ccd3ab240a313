/**
 * The one owner of a visitor object's tables (schema.ts): every read and write of events, traits,
 * prefs, consent, segments, exposures, inactivity waits, linked browsers, journeys (through
 * `journeys`) and identity handovers goes through here. The object is single-threaded and the
 * runtime commits each synchronous block as one transaction, so callers group writes by calling
 * these methods without awaiting in between.
 */
import { MigratedSql } from '../../storage/migrations';
import type { BucketState } from '../../ratelimit/bucket';
import type { EventHistory } from '../../rules/evaluate';
import type { MessageHistory } from '../../messages/select';
import type { Handover } from '../../identity/stitch';
import type { ConsentState, PrefValue, PropValue, ProfileExport, StoredEvent, Utm, WireEvent } from '../../../../protocol/wire';
import { MIGRATIONS } from './schema';
import { EmailOutbox } from './email-outbox';
import { JourneyTables } from './journey-tables';
import { absorbHandover, clearHistory, readHandover } from './handover';
import { BUCKET_KEY } from './meta-keys';
import { Unseen } from './writes';

/** Events that are not `track` are counted by their type ("page", "identify", …). */
const TYPE_NAMES = new Set(['page', 'identify', 'prefs', 'consent']);
/** An event's time: the earlier of client and receive time, so a skewed clock cannot make old events recent. */
const AT = 'MIN(ts, received_at)';
const byName = (name: string): [string, string] => (TYPE_NAMES.has(name) ? ['type = ?', name] : ["type = 'track' AND name = ?", name]);

/** Latest write wins by the client's event time, so a late retry never overwrites a newer value. */
const UPSERT_NEWER = (table: 'traits' | 'prefs') => `
INSERT INTO ${table} (key, value, updated_at) VALUES (?, ?, ?)
ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
WHERE excluded.updated_at >= ${table}.updated_at`;

export type ExposureRow = { message: string; variant: string; at: number; convertedAt: number | null };

export class ProfileStore {
  private readonly db: MigratedSql;
  readonly journeys: JourneyTables;
  readonly emails: EmailOutbox;
  /** Writes that can bring the object's next wake earlier: a waiting journey, a queued webhook or e-mail (alarms.ts). */
  readonly wakeWrites = new Unseen();
  /** Segment entries the journeys have not looked at (journeys/runtime.ts `onSegmentEntries`). */
  readonly segmentEntries = new Unseen();

  constructor(storage: DurableObjectStorage) {
    this.db = new MigratedSql(storage, MIGRATIONS);
    this.journeys = new JourneyTables(() => this.db.sql, this.wakeWrites);
    this.emails = new EmailOutbox(() => this.db.sql, this.wakeWrites);
  }

  private get sql(): SqlStorage {
    return this.db.sql;
  }

  /** After the object's storage was deleted: the next use creates the tables again. */
  reset(): void {
    this.db.reset();
    this.wakeWrites.note();
    this.segmentEntries.note();
  }

  // ---- meta -----------------------------------------------------------------------------------

  meta(key: string): string | undefined {
    return this.sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', key).toArray()[0]?.value;
  }

  setMeta(key: string, value: string, onlyIfAbsent = false): void {
    this.sql.exec(
      onlyIfAbsent
        ? 'INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)'
        : 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      key,
      value,
    );
  }

  deleteMeta(key: string): void {
    this.sql.exec('DELETE FROM meta WHERE key = ?', key);
  }

  /** Whether this object has stored anything yet (a visitor without a profile has no meta). */
  hasProfile(): boolean {
    return this.sql.exec('SELECT 1 FROM meta LIMIT 1').toArray().length > 0;
  }

  allMeta(): Map<string, string> {
    return new Map(
      this.sql
        .exec<{ key: string; value: string }>('SELECT key, value FROM meta')
        .toArray()
        .map((r) => [r.key, r.value]),
    );
  }

  /** The stored batch bucket; anything unreadable is null (take() treats it as a full bucket). */
  bucket(): BucketState | null {
    const raw = this.meta(BUCKET_KEY);
    try {
      // Written by saveBucket() from a BucketState.
      return raw ? (JSON.parse(raw) as BucketState) : null;
    } catch {
      return null;
    }
  }

  saveBucket(state: BucketState): void {
    this.setMeta(BUCKET_KEY, JSON.stringify(state));
  }

  // ---- events and what they set ---------------------------------------------------------------

  /** Stores an event once by id; false when that id was already stored. */
  insertEvent(event: WireEvent, receivedAt: number): boolean {
    const { rowsWritten } = this.sql.exec(
      'INSERT INTO events (id, type, name, ts, received_at, session_id, body) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
      event.id,
      event.type,
      event.type === 'track' ? event.name : null,
      event.ts,
      receivedAt,
      event.sid,
      JSON.stringify(event),
    );
    return rowsWritten > 0;
  }

  /** The UTM of a session's first stored page view (its landing page), if it had one. */
  sessionUtm(sessionId: string): Utm | undefined {
    const row = this.sql
      .exec<{ body: string }>("SELECT body FROM events WHERE session_id = ? AND type = 'page' ORDER BY ts, received_at LIMIT 1", sessionId)
      .toArray()[0];
    return row ? (JSON.parse(row.body) as { utm?: Utm }).utm : undefined;
  }

  /** What an identify / prefs / consent event sets, newest client time winning. */
  applyEvent(event: WireEvent): void {
    switch (event.type) {
      case 'identify':
        this.setMeta('user_id', event.userId);
        for (const [key, value] of Object.entries(event.traits ?? {})) {
          this.sql.exec(UPSERT_NEWER('traits'), key, JSON.stringify(value), event.ts);
        }
        break;
      case 'prefs':
        for (const [key, value] of Object.entries(event.prefs)) {
          this.sql.exec(UPSERT_NEWER('prefs'), key, JSON.stringify(value), event.ts);
        }
        break;
      case 'consent':
        this.sql.exec(
          `INSERT INTO consent (id, analytics, personalization, updated_at) VALUES (1, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET analytics = excluded.analytics,
             personalization = excluded.personalization, updated_at = excluded.updated_at
           WHERE excluded.updated_at >= consent.updated_at`,
          Number(event.consent.analytics),
          Number(event.consent.personalization),
          event.ts,
        );
        break;
      case 'alias':
        // From a browser an alias is an identify without traits (identity/stitch.ts).
        this.setMeta('user_id', event.userId);
        break;
      case 'group':
        // Segment's group: the latest group id and its traits, as traits the segment rules can read
        // (`groupId`, and `group` = { id, ...traits }).
        this.sql.exec(UPSERT_NEWER('traits'), 'groupId', JSON.stringify(event.groupId), event.ts);
        this.sql.exec(UPSERT_NEWER('traits'), 'group', JSON.stringify({ ...event.traits, id: event.groupId }), event.ts);
        break;
      case 'page':
      case 'track':
        break;
    }
  }

  /** A trait a journey sets: written as of `at`, whatever is stored. */
  setTrait(key: string, value: PropValue, at: number): void {
    this.sql.exec(
      'INSERT INTO traits (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      key,
      JSON.stringify(value),
      at,
    );
  }

  keyValues<T extends PropValue | PrefValue>(table: 'traits' | 'prefs', ordered = false): Record<string, T> {
    return Object.fromEntries(
      this.sql
        .exec<{ key: string; value: string }>(`SELECT key, value FROM ${table}${ordered ? ' ORDER BY key' : ''}`)
        .toArray()
        .map((r) => [r.key, JSON.parse(r.value) as T]),
    );
  }

  userId(): string | null {
    return this.meta('user_id') ?? null;
  }

  consent(): ConsentState | null {
    const row = this.sql.exec<{ analytics: number; personalization: number }>('SELECT analytics, personalization FROM consent').toArray()[0];
    return row ? { analytics: row.analytics === 1, personalization: row.personalization === 1 } : null;
  }

  sessionCount(): number {
    return this.sql.exec<{ n: number }>('SELECT COUNT(DISTINCT session_id) AS n FROM events').one().n;
  }

  /** Event counts and times for condition evaluation (rules/evaluate.ts). */
  eventHistory(): EventHistory {
    return {
      count: (name, since) => {
        const [where, arg] = byName(name);
        // MIN(ts, received_at) >= since implies ts >= since: the index (type, name, ts) narrows the rows first.
        const sql = `SELECT COUNT(*) AS n FROM events WHERE ${where}${since === null ? '' : ` AND ts >= ? AND ${AT} >= ?`}`;
        const cursor = since === null ? this.sql.exec<{ n: number }>(sql, arg) : this.sql.exec<{ n: number }>(sql, arg, since, since);
        return cursor.one().n;
      },
      last: (name) => {
        const [where, arg] = byName(name);
        return this.sql.exec<{ t: number | null }>(`SELECT MAX(${AT}) AS t FROM events WHERE ${where}`, arg).one().t;
      },
      // MIN(ts, received_at) > ts implies received_at > ts: the index on received_at narrows the rows first.
      timesAfter: (ts) =>
        this.sql
          .exec<{ t: number }>(`SELECT ${AT} AS t FROM events WHERE received_at > ? AND ${AT} > ? ORDER BY t LIMIT 1000`, ts, ts)
          .toArray()
          .map((r) => r.t),
    };
  }

  /**
   * Best time (journeys/best-time.ts): when the visitor's own page views and tracks happened, newest
   * first (identify, prefs and consent can come from a server or an import, not from their activity).
   */
  activityTimes(limit: number): number[] {
    return this.sql
      .exec<{ t: number }>(`SELECT ${AT} AS t FROM events WHERE type IN ('page', 'track') ORDER BY t DESC LIMIT ?`, limit)
      .toArray()
      .map((r) => r.t);
  }

  /** Messages actually shown: the renderer records each as a message_impression event. */
  messageHistory(): MessageHistory {
    const impressions = "type = 'track' AND name = 'message_impression'";
    const ofMessage = "json_extract(body, '$.props.message') = ?";
    return {
      shown: (id, since) =>
        this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM events WHERE ${impressions} AND ${ofMessage} AND ${AT} >= ?`, id, since).one().n,
      shownAny: (since) => this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM events WHERE ${impressions} AND ${AT} >= ?`, since).one().n,
      lastShownAt: (id) => {
        const cursor =
          id === undefined
            ? this.sql.exec<{ t: number | null }>(`SELECT MAX(${AT}) AS t FROM events WHERE ${impressions}`)
            : this.sql.exec<{ t: number | null }>(`SELECT MAX(${AT}) AS t FROM events WHERE ${impressions} AND ${ofMessage}`, id);
        return cursor.one().t;
      },
    };
  }

  // ---- segments and message exposures ---------------------------------------------------------

  segmentIds(): string[] {
    return this.sql
      .exec<{ id: string }>('SELECT id FROM segments ORDER BY id')
      .toArray()
      .map((r) => r.id);
  }

  enterSegment(id: string, at: number): void {
    this.sql.exec('INSERT INTO segments (id, entered_at) VALUES (?, ?)', id, at);
    this.sql.exec("INSERT INTO segment_log (segment, change, at) VALUES (?, 'enter', ?)", id, at);
    this.segmentEntries.note();
  }

  exitSegment(id: string, at: number): void {
    this.sql.exec('DELETE FROM segments WHERE id = ?', id);
    this.sql.exec("INSERT INTO segment_log (segment, change, at) VALUES (?, 'exit', ?)", id, at);
  }

  /** The first exposure per message is kept (holdout included). */
  recordExposure(message: string, variant: string, at: number): void {
    this.sql.exec('INSERT OR IGNORE INTO exposures (message, variant, at) VALUES (?, ?, ?)', message, variant, at);
  }

  /** Converts a message's unconverted exposure when `at` is inside its window; the variant converted, or null. */
  convertExposure(message: string, at: number, eventId: string, windowMs: number): string | null {
    const { rowsWritten } = this.sql.exec(
      'UPDATE exposures SET converted_at = ?, conversion_event = ? WHERE message = ? AND converted_at IS NULL AND at <= ? AND at + ? >= ?',
      at,
      eventId,
      message,
      at,
      windowMs,
      at,
    );
    if (rowsWritten === 0) return null;
    return this.sql.exec<{ variant: string }>('SELECT variant FROM exposures WHERE message = ?', message).one().variant;
  }

  exposures(): ExposureRow[] {
    return this.sql
      .exec<{ message: string; variant: string; at: number; converted_at: number | null }>(
        'SELECT message, variant, at, converted_at FROM exposures ORDER BY at, message',
      )
      .toArray()
      .map((r) => ({ message: r.message, variant: r.variant, at: r.at, convertedAt: r.converted_at }));
  }

  // ---- inactivity waits -----------------------------------------------------------------------

  addInactivityDue(at: number): void {
    this.sql.exec('INSERT INTO inactivity_due (at) VALUES (?)', at);
  }

  /** Drops the waits that came due (the alarm is evaluating them now). */
  dropDueInactivity(now: number): void {
    this.sql.exec('DELETE FROM inactivity_due WHERE at <= ?', now);
  }

  nextInactivityDue(): number | null {
    return this.sql.exec<{ at: number | null }>('SELECT MIN(at) AS at FROM inactivity_due').one().at;
  }

  // ---- identity stitching ---------------------------------------------------------------------

  addLinkedVisitor(visitorId: string, at: number): void {
    this.sql.exec('INSERT OR IGNORE INTO linked_visitors (visitor_id, linked_at) VALUES (?, ?)', visitorId, at);
  }

  linkedVisitors(): { visitorId: string; linkedAt: number }[] {
    return this.sql
      .exec<{ visitor_id: string; linked_at: number }>('SELECT visitor_id, linked_at FROM linked_visitors ORDER BY linked_at, visitor_id')
      .toArray()
      .map((r) => ({ visitorId: r.visitor_id, linkedAt: r.linked_at }));
  }

  /** This profile's whole history, for its golden record. */
  readHandover(visitorId: string): Handover {
    return readHandover(this.sql, visitorId);
  }

  /** After the handover: no personal data stays (only the link, id and rate bucket). */
  clearHistory(): void {
    clearHistory(this.sql);
  }

  absorbHandover(handover: Handover): void {
    absorbHandover(this.sql, handover);
    // The browser's waits, deliveries and segment entries are this record's now.
    this.wakeWrites.note();
    this.segmentEntries.note();
  }

  // ---- export ---------------------------------------------------------------------------------

  /** Everything stored, as the export shows it (the caller adds site, ids and journeys). */
  exportTables(): Omit<ProfileExport, 'site' | 'visitorId' | 'journeys' | 'linkedVisitors'> {
    const meta = this.allMeta();
    const consentRow = this.sql
      .exec<{ analytics: number; personalization: number; updated_at: number }>('SELECT analytics, personalization, updated_at FROM consent')
      .toArray()[0];
    const segments = this.sql
      .exec<{ id: string; entered_at: number }>('SELECT id, entered_at FROM segments ORDER BY entered_at, id')
      .toArray()
      .map((r) => ({ id: r.id, enteredAt: r.entered_at }));
    const events = this.sql
      .exec<{ body: string; received_at: number }>('SELECT body, received_at FROM events ORDER BY ts, received_at, id')
      .toArray()
      .map((r): StoredEvent => ({ ...(JSON.parse(r.body) as WireEvent), receivedAt: r.received_at }));
    const num = (key: string) => (meta.has(key) ? Number(meta.get(key)) : null);
    return {
      firstSeen: num('first_seen'),
      lastSeen: num('last_seen'),
      userId: meta.get('user_id') ?? null,
      traits: this.keyValues<PropValue>('traits', true),
      prefs: this.keyValues<PrefValue>('prefs', true),
      consent: consentRow
        ? { analytics: consentRow.analytics === 1, personalization: consentRow.personalization === 1, updatedAt: consentRow.updated_at }
        : null,
      segments,
      messages: this.exposures().map((r) => ({ id: r.message, variant: r.variant, exposedAt: r.at, convertedAt: r.convertedAt })),
      eventCount: events.length,
      events,
    };
  }
}
