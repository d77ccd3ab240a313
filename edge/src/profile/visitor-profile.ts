/**
 * One Durable Object per visitor and site: the real-time profile. SQLite tables hold events,
 * traits, zero-party prefs and consent. Single-threaded per visitor, so an acknowledged event is
 * visible to the very next decision (read-your-writes), and the output gate holds each reply
 * until its writes are durable: an acknowledged event is never lost.
 */
import { DurableObject } from 'cloudflare:workers';
import { applyMigrations } from '../storage/migrations';
import type { ConsentState, Decision, PrefValue, PropValue, ProfileExport, StoredEvent, WireEvent } from '../../../protocol/wire';
import type { Segment, Slot } from '../config/personalization';
import { inactivityLeaves } from '../rules/conditions';
import type { Message, MessageFatigue } from '../messages/schema';
import { selectMessages, type MessageHistory } from '../messages/select';
import { decideSlots, evaluateSegments, membershipChanges } from '../personalize/decide';
import { renderContent } from '../personalize/render';
import { take, type BucketState } from '../ratelimit/bucket';
import { VISITOR_BATCHES } from '../ratelimit/limits';
import type { EventHistory, Facts, RequestFacts } from '../rules/evaluate';

export type IngestResult = { accepted: string[]; duplicates: string[]; decisions: Decision[] };
/** The visitor's batch bucket is empty (ratelimit/limits.ts): nothing of the batch was stored. */
export type RateLimited = { rateLimited: { retryAfterSeconds: number } };

/** What a decision needs besides the profile: the site's rules and the current request. */
export type DecisionContext = {
  segments: Segment[];
  slots: Slot[];
  messages: Message[];
  fatigue: MessageFatigue;
  request: RequestFacts;
  /** Personalization allowed by site policy, GPC and the batch's explicit consent. */
  personalize: boolean;
  now: number;
};

/** Events that are not `track` are counted by their type ("page", "identify", …). */
const TYPE_NAMES = new Set(['page', 'identify', 'prefs', 'consent']);
/** An event's time: the earlier of client and receive time, so a skewed clock cannot make old events recent. */
const AT = 'MIN(ts, received_at)';
const byName = (name: string): [string, string] => (TYPE_NAMES.has(name) ? ['type = ?', name] : ["type = 'track' AND name = ?", name]);
const eventName = (e: WireEvent) => (e.type === 'track' ? e.name : e.type);
/** Where the profile keeps the segment rules its alarm evaluates (the worker is not there then). */
const ALARM_SEGMENTS_KEY = 'alarm_segments';

/** The visitor's token bucket for batches (ratelimit/bucket.ts), as JSON in `meta`. */
const BUCKET_KEY = 'rate_bucket';

/** Kept after an erase so the erased id (still validly signed in some browser) is never reused. */
const ERASED_KEY = 'erased_at';

/**
 * Schema migrations, applied in order and each once per profile (the applied count is kept in
 * `schema_version`). Append a new entry for every change; never edit a shipped one.
 */
const MIGRATIONS: readonly string[] = [
  // 1: events, traits, zero-party prefs, consent, metadata.
  `
CREATE TABLE events (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  name TEXT,
  ts INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX events_by_name_ts ON events (type, name, ts);
CREATE INDEX events_by_received ON events (received_at);
CREATE TABLE traits (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE prefs (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE consent (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  analytics INTEGER NOT NULL,
  personalization INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`,
  // 2: segment membership and its entry/exit log; message exposures (A/B, holdout) and goals.
  `
CREATE TABLE segments (id TEXT PRIMARY KEY, entered_at INTEGER NOT NULL);
CREATE TABLE segment_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  segment TEXT NOT NULL,
  change TEXT NOT NULL CHECK (change IN ('enter', 'exit')),
  at INTEGER NOT NULL
);
CREATE TABLE exposures (
  message TEXT PRIMARY KEY,
  variant TEXT NOT NULL,
  at INTEGER NOT NULL,
  converted_at INTEGER,
  conversion_event TEXT
);
`,
  // 3: when inactivity conditions come due (the alarm re-evaluates segments then).
  `
CREATE TABLE inactivity_due (at INTEGER NOT NULL);
`,
];

/** Latest write wins by the client's event time, so a late retry never overwrites a newer value. */
const UPSERT_NEWER = (table: 'traits' | 'prefs') => `
INSERT INTO ${table} (key, value, updated_at) VALUES (?, ?, ?)
ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
WHERE excluded.updated_at >= ${table}.updated_at`;

export class VisitorProfile extends DurableObject<Env> {
  private schemaReady = false;
  private erasedAt: number | null | undefined;

  /** When this profile was erased, or null. Nothing else is left in storage after an erase. */
  async erased(): Promise<number | null> {
    if (this.erasedAt === undefined) this.erasedAt = (await this.ctx.storage.get<number>(ERASED_KEY)) ?? null;
    return this.erasedAt;
  }

  private get sql(): SqlStorage {
    return this.ctx.storage.sql;
  }

  private ensureSchema(): void {
    if (this.schemaReady) return;
    applyMigrations(this.sql, MIGRATIONS);
    this.schemaReady = true;
  }

  private setMeta(key: string, value: string, onlyIfAbsent = false): void {
    this.sql.exec(
      onlyIfAbsent
        ? 'INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)'
        : 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      key,
      value,
    );
  }

  /**
   * Takes one token from the visitor's batch bucket at `now` (the route's receive time), or says
   * when to retry. Persisted in `meta` in the same synchronous block as the batch it admits, so an
   * evicted or restarted object keeps its bucket; the object is single-threaded, so it is exact.
   */
  private admitBatch(now: number): RateLimited | null {
    const raw = this.sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', BUCKET_KEY).toArray()[0]?.value;
    let stored: BucketState | null = null;
    try {
      // Written below from a BucketState; take() treats anything unreadable as a full bucket.
      stored = raw ? (JSON.parse(raw) as BucketState) : null;
    } catch {
      stored = null;
    }
    const verdict = take(VISITOR_BATCHES, stored, now);
    if (!verdict.allowed) return { rateLimited: { retryAfterSeconds: verdict.retryAfterSeconds } };
    this.setMeta(BUCKET_KEY, JSON.stringify(verdict.state));
    return null;
  }

  /**
   * Appends events, each id once; applies identify / prefs / consent of the newly stored ones.
   * Returns null for an erased profile: the caller must start a new visitor id. Returns
   * `rateLimited` (storing nothing) when the visitor sent more batches than its bucket allows.
   */
  async ingest(site: string, visitorId: string, events: WireEvent[], receivedAt: number, context: DecisionContext): Promise<IngestResult | RateLimited | null> {
    if (await this.erased()) return null;
    this.ensureSchema();
    const limited = this.admitBatch(receivedAt);
    if (limited) return limited;
    const accepted: string[] = [];
    const duplicates: string[] = [];
    // One synchronous block: the runtime commits it as one transaction.
    this.setMeta('site', site, true);
    this.setMeta('visitor_id', visitorId, true);
    this.setMeta('first_seen', String(receivedAt), true);
    this.setMeta('last_seen', String(receivedAt));
    for (const event of events) {
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
      if (rowsWritten === 0) {
        duplicates.push(event.id);
        continue;
      }
      accepted.push(event.id);
      this.apply(event);
      if (event.type === 'track') this.recordConversion(event, context.messages);
    }
    // Segments are evaluated on every event, so entry and exit are known the moment they happen.
    const decisions = this.decideNow(context);
    await this.scheduleInactivity(context.segments, events.filter((e) => accepted.includes(e.id)));
    return { accepted, duplicates, decisions };
  }

  /**
   * An event that an inactivity condition waits on (e.g. add_to_cart, 30 minutes) sets an alarm
   * for when that time has passed, so the segment entry is recorded then, not at the next visit.
   */
  private async scheduleInactivity(segments: readonly Segment[], stored: readonly WireEvent[]): Promise<void> {
    const watched = segments.filter((segment) => inactivityLeaves(segment.condition).length > 0);
    let due = Infinity;
    for (const segment of watched) {
      for (const leaf of inactivityLeaves(segment.condition)) {
        for (const event of stored) {
          if (eventName(event) === leaf.inactiveAfter) due = Math.min(due, Math.min(event.ts, Date.now()) + leaf.minutes * 60_000 + 1_000);
        }
      }
    }
    if (due === Infinity) return;
    this.sql.exec('INSERT INTO inactivity_due (at) VALUES (?)', due);
    this.setMeta(ALARM_SEGMENTS_KEY, JSON.stringify(watched));
    const current = await this.ctx.storage.getAlarm();
    if (current === null || due < current) await this.ctx.storage.setAlarm(due);
  }

  /** Inactivity came due: record the segment entries now (shown on the visitor's next page). */
  override async alarm(): Promise<void> {
    if (await this.erased()) return;
    this.ensureSchema();
    const now = Date.now();
    this.sql.exec('DELETE FROM inactivity_due WHERE at <= ?', now);
    const raw = this.sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', ALARM_SEGMENTS_KEY).toArray()[0]?.value;
    if (raw) {
      // Written by scheduleInactivity from a validated site config.
      const segments = JSON.parse(raw) as Segment[];
      this.decideNow({ segments, slots: [], messages: [], fatigue: { perDay: 0, minMinutesBetween: 0 }, request: {}, personalize: false, now });
    }
    const next = this.sql.exec<{ at: number | null }>('SELECT MIN(at) AS at FROM inactivity_due').one().at;
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }

  /** Decisions for the current request without new events (GET /_wm/decide, proxy mode). */
  async decide(context: DecisionContext): Promise<Decision[]> {
    if (await this.erased()) return [];
    this.ensureSchema();
    if (this.sql.exec('SELECT 1 FROM meta LIMIT 1').toArray().length === 0) return [];
    return this.decideNow(context);
  }

  private decideNow(context: DecisionContext): Decision[] {
    const facts = this.facts(context);
    const outcomes = evaluateSegments(context.segments, facts);
    // Only the segments evaluated now can enter or exit (the alarm evaluates a few of them).
    const evaluated = new Set(context.segments.map((segment) => segment.id));
    const current = new Set(
      this.sql
        .exec<{ id: string }>('SELECT id FROM segments')
        .toArray()
        .map((r) => r.id)
        .filter((id) => evaluated.has(id)),
    );
    const { entered, exited } = membershipChanges(current, outcomes);
    for (const id of entered) {
      this.sql.exec('INSERT INTO segments (id, entered_at) VALUES (?, ?)', id, context.now);
      this.sql.exec("INSERT INTO segment_log (segment, change, at) VALUES (?, 'enter', ?)", id, context.now);
    }
    for (const id of exited) {
      this.sql.exec('DELETE FROM segments WHERE id = ?', id);
      this.sql.exec("INSERT INTO segment_log (segment, change, at) VALUES (?, 'exit', ?)", id, context.now);
    }
    // A visitor who said no to personalization keeps their segments (analytics) but sees defaults.
    const personalize = facts.consent ? facts.consent.personalization : context.personalize;
    if (!personalize) return [];
    const slots = decideSlots(context.slots, context.segments, outcomes, renderContent);
    if (context.messages.length === 0) return slots;
    const selected = selectMessages({
      messages: context.messages,
      inSegments: new Set(outcomes.filter((o) => o.matched).map((o) => o.id)),
      segmentNames: new Map(context.segments.map((s) => [s.id, s.name])),
      visitorId: this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'visitor_id'").toArray()[0]?.value ?? '',
      now: context.now,
      ...(context.request.url ? { pageUrl: context.request.url } : {}),
      history: this.messageHistory(),
      fatigue: context.fatigue,
      prefs: facts.prefs,
    });
    // The first exposure per message, holdout included: what message lift is measured against.
    for (const exposure of selected.exposures) {
      this.sql.exec('INSERT OR IGNORE INTO exposures (message, variant, at) VALUES (?, ?, ?)', exposure.id, exposure.variant, context.now);
    }
    return [...slots, ...selected.decisions];
  }

  /**
   * A message's goal event within its window after the visitor's first exposure (holdout
   * included) converts that exposure, once: conversion rates per variant against the holdout are
   * the message's lift.
   */
  private recordConversion(event: WireEvent & { type: 'track' }, messages: readonly Message[]): void {
    const at = Math.min(event.ts, Date.now());
    for (const message of messages) {
      if (message.goal?.event !== event.name) continue;
      const { rowsWritten } = this.sql.exec(
        'UPDATE exposures SET converted_at = ?, conversion_event = ? WHERE message = ? AND converted_at IS NULL AND at <= ? AND at + ? >= ?',
        at,
        event.id,
        message.id,
        at,
        message.goal.withinHours * 3_600_000,
        at,
      );
      if (rowsWritten === 0) continue;
      const variant = this.sql.exec<{ variant: string }>('SELECT variant FROM exposures WHERE message = ?', message.id).one().variant;
      // Also in the visitor's timeline, like the renderer's impression/click/dismiss events. The id
      // is derived from the message, so a conversion is stored once per visitor and message.
      const conversion: WireEvent = {
        id: `conversion_${message.id}`.slice(0, 64),
        type: 'track',
        name: 'message_conversion',
        ts: at,
        sid: event.sid,
        url: event.url,
        props: { message: message.id, variant, goal: event.name, event: event.id },
      };
      this.sql.exec(
        'INSERT INTO events (id, type, name, ts, received_at, session_id, body) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
        conversion.id,
        'track',
        'message_conversion',
        at,
        Date.now(),
        event.sid,
        JSON.stringify(conversion),
      );
    }
  }

  /** Messages actually shown: the renderer records each as a message_impression event. */
  private messageHistory(): MessageHistory {
    const at = AT;
    const impressions = "type = 'track' AND name = 'message_impression'";
    const ofMessage = "json_extract(body, '$.props.message') = ?";
    return {
      shown: (id, since) =>
        this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM events WHERE ${impressions} AND ${ofMessage} AND ${at} >= ?`, id, since).one().n,
      shownAny: (since) => this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM events WHERE ${impressions} AND ${at} >= ?`, since).one().n,
      lastShownAt: (id) => {
        const cursor =
          id === undefined
            ? this.sql.exec<{ t: number | null }>(`SELECT MAX(${at}) AS t FROM events WHERE ${impressions}`)
            : this.sql.exec<{ t: number | null }>(`SELECT MAX(${at}) AS t FROM events WHERE ${impressions} AND ${ofMessage}`, id);
        return cursor.one().t;
      },
    };
  }

  private facts(context: DecisionContext): Facts {
    const keyValues = <T>(table: 'traits' | 'prefs') =>
      Object.fromEntries(this.sql.exec<{ key: string; value: string }>(`SELECT key, value FROM ${table}`).toArray().map((r) => [r.key, JSON.parse(r.value) as T]));
    const userId = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'user_id'").toArray()[0]?.value ?? null;
    const sessions = this.sql.exec<{ n: number }>('SELECT COUNT(DISTINCT session_id) AS n FROM events').one().n;
    const history: EventHistory = {
      count: (name, since) => {
        const [where, arg] = byName(name);
        const sql = `SELECT COUNT(*) AS n FROM events WHERE ${where}${since === null ? '' : ` AND ${AT} >= ?`}`;
        const cursor = since === null ? this.sql.exec<{ n: number }>(sql, arg) : this.sql.exec<{ n: number }>(sql, arg, since);
        return cursor.one().n;
      },
      last: (name) => {
        const [where, arg] = byName(name);
        return this.sql.exec<{ t: number | null }>(`SELECT MAX(${AT}) AS t FROM events WHERE ${where}`, arg).one().t;
      },
      timesAfter: (ts) =>
        this.sql
          .exec<{ t: number }>(`SELECT ${AT} AS t FROM events WHERE ${AT} > ? ORDER BY t LIMIT 1000`, ts)
          .toArray()
          .map((r) => r.t),
    };
    return {
      now: context.now,
      traits: keyValues<PropValue>('traits'),
      prefs: keyValues<PrefValue>('prefs'),
      consent: this.storedConsent(),
      userId,
      returning: sessions > 1,
      history,
      request: context.request,
    };
  }

  private storedConsent(): ConsentState | null {
    const row = this.sql.exec<{ analytics: number; personalization: number }>('SELECT analytics, personalization FROM consent').toArray()[0];
    return row ? { analytics: row.analytics === 1, personalization: row.personalization === 1 } : null;
  }

  private apply(event: WireEvent): void {
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
      case 'page':
      case 'track':
        break;
    }
  }

  /**
   * Everything stored about this visitor (GET /_wm/me), as JSON text: the route passes it through
   * untouched, and RPC's structural typing of the recursive PropValue type is too deep for tsc.
   */
  async exportProfile(site: string, visitorId: string): Promise<string | null> {
    if (await this.erased()) return null;
    return JSON.stringify(this.profile(site, visitorId));
  }

  private profile(site: string, visitorId: string): ProfileExport {
    this.ensureSchema();
    const meta = new Map(this.sql.exec<{ key: string; value: string }>('SELECT key, value FROM meta').toArray().map((r) => [r.key, r.value]));
    const keyValues = <T>(table: 'traits' | 'prefs') =>
      Object.fromEntries(
        this.sql.exec<{ key: string; value: string }>(`SELECT key, value FROM ${table} ORDER BY key`).toArray().map((r) => [r.key, JSON.parse(r.value) as T]),
      );
    const consentRow = this.sql
      .exec<{ analytics: number; personalization: number; updated_at: number }>('SELECT analytics, personalization, updated_at FROM consent')
      .toArray()[0];
    const messages = this.sql
      .exec<{ message: string; variant: string; at: number; converted_at: number | null }>('SELECT message, variant, at, converted_at FROM exposures ORDER BY at, message')
      .toArray()
      .map((r) => ({ id: r.message, variant: r.variant, exposedAt: r.at, convertedAt: r.converted_at }));
    const segments = this.sql
      .exec<{ id: string; entered_at: number }>('SELECT id, entered_at FROM segments ORDER BY entered_at, id')
      .toArray()
      .map((r) => ({ id: r.id, enteredAt: r.entered_at }));
    const consent: ProfileExport['consent'] = consentRow
      ? { analytics: consentRow.analytics === 1, personalization: consentRow.personalization === 1, updatedAt: consentRow.updated_at }
      : null;
    const events = this.sql
      .exec<{ body: string; received_at: number }>('SELECT body, received_at FROM events ORDER BY ts, received_at, id')
      .toArray()
      .map((r): StoredEvent => ({ ...(JSON.parse(r.body) as WireEvent), receivedAt: r.received_at }));
    const num = (key: string) => (meta.has(key) ? Number(meta.get(key)) : null);
    return {
      site,
      visitorId,
      firstSeen: num('first_seen'),
      lastSeen: num('last_seen'),
      userId: meta.get('user_id') ?? null,
      traits: keyValues<PropValue>('traits'),
      prefs: keyValues<PrefValue>('prefs'),
      consent,
      segments,
      messages,
      eventCount: events.length,
      events,
    };
  }

  /** Erases everything (DELETE /_wm/me): tables, alarms, all of it, leaving only a tombstone. */
  async erase(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.schemaReady = false;
    this.erasedAt = Date.now();
    await this.ctx.storage.put(ERASED_KEY, this.erasedAt);
  }
}
