/**
 * One Durable Object per visitor and site: the real-time profile. SQLite tables hold events,
 * traits, zero-party prefs and consent. Single-threaded per visitor, so an acknowledged event is
 * visible to the very next decision (read-your-writes), and the output gate holds each reply
 * until its writes are durable: an acknowledged event is never lost.
 */
import { DurableObject } from 'cloudflare:workers';
import { applyMigrations } from '../storage/migrations';
import { adminStore } from '../admin/admin-store';
import { SiteStore } from '../config/site-store';
import { JOURNEY_MIGRATION, JourneyRuntime } from '../journeys/runtime';
import type { Journey } from '../../../protocol/config/journeys';
import type { VisitorSnapshot } from '../analytics/feed';
import type { BanditTable } from '../analytics/bandit';
import type { ConsentState, Decision, PrefValue, PropValue, ProfileExport, StoredEvent, WireEvent } from '../../../protocol/wire';
import type { Segment, Slot } from '../../../protocol/config/personalization';
import { inactivityLeaves } from '../../../protocol/config/conditions';
import type { Message, MessageFatigue } from '../../../protocol/config/messages';
import { selectMessages, type MessageHistory } from '../messages/select';
import { decideSlots, evaluateSegments, membershipChanges } from '../personalize/decide';
import { renderContent } from '../../../protocol/content/render';
import { take, type BucketState } from '../ratelimit/bucket';
import { VISITOR_BATCHES } from '../ratelimit/limits';
import type { EventHistory, Facts, RequestFacts } from '../rules/evaluate';
import { absorbHandover, clearHistory, readHandover } from '../identity/handover';
import { claimedUser, goldenRecordName, linkedVisitorLabel, needsLink, parseLink, type Handover, type Link } from '../identity/stitch';

/** `analytics` is for the analytics queue only (analytics/feed.ts); routes/collect.ts strips it from the HTTP body. */
export type IngestResult = { accepted: string[]; duplicates: string[]; decisions: Decision[]; analytics?: VisitorSnapshot };
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
  /** The site's journeys (journeys/): advanced by the stored events. */
  journeys?: Journey[];
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

/** Identity stitching (identity/stitch.ts), in `meta`: a browser's link; a golden record's user and generation. */
const LINK_KEY = 'linked_record';
const GOLDEN_USER_KEY = 'golden_user';
const GENERATION_KEY = 'golden_generation';

/**
 * Schema migrations, applied in order and each once per profile (the applied count is kept in
 * `schema_version`). Append a new entry for every change; never edit a shipped one.
 */
export const MIGRATIONS: readonly string[] = [
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
  // 4: identity stitching: the browsers linked to a user's golden record (identity/stitch.ts).
  `
CREATE TABLE linked_visitors (visitor_id TEXT PRIMARY KEY, linked_at INTEGER NOT NULL);
`,
  // journeys (journeys/runtime.ts): state per journey, its log, message grants, the webhook outbox and attempts.
  JOURNEY_MIGRATION,
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
    await this.loadBandit(site, context);
    this.ensureSchema();
    const limited = this.admitBatch(receivedAt);
    if (limited) return limited;
    // Identity stitching: a browser linked to a user stores into that user's golden record.
    const stitched = await this.stitchedIngest(site, visitorId, events, receivedAt, context);
    if (stitched !== undefined) return stitched;
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
    // Journeys advance on the stored events first, so a message step shows on this very response.
    this.journeys().onEvents(
      context.journeys ?? [],
      this.journeyEvents(
        events.filter((e) => accepted.includes(e.id)),
        receivedAt,
      ),
    );
    // Segments are evaluated on every event, so entry and exit are known the moment they happen.
    const decisions = this.decideNow(context);
    this.journeys().onSegmentEntries(context.journeys ?? []);
    await this.scheduleJourneys();
    await this.scheduleInactivity(
      context.segments,
      events.filter((e) => accepted.includes(e.id)),
    );
    return { accepted, duplicates, decisions, analytics: this.analyticsSnapshot() };
  }

  /** Thompson-sampling weights the site's analytics store publishes (analytics/bandit.ts), re-read at most once a minute. */
  private bandit: { table: BanditTable | null; at: number } | null = null;

  private async loadBandit(site: string, context: DecisionContext): Promise<void> {
    if (!context.messages.some((m) => m.bandit)) return;
    if (this.bandit && context.now - this.bandit.at < 60_000) return;
    // Written by SiteAnalytics from its own computation (never from request input).
    this.bandit = { table: await this.env.CONFIG.get<BanditTable>(`bandit:${site}`, 'json'), at: context.now };
  }

  /** Current segments and message exposures (holdout included), for message-lift reports. */
  private analyticsSnapshot(): VisitorSnapshot {
    return {
      segments: this.sql
        .exec<{ id: string }>('SELECT id FROM segments ORDER BY id')
        .toArray()
        .map((r) => r.id),
      exposures: this.sql
        .exec<{ message: string; variant: string; at: number; converted_at: number | null }>('SELECT message, variant, at, converted_at FROM exposures')
        .toArray()
        .map((r) => ({ message: r.message, variant: r.variant, at: r.at, convertedAt: r.converted_at })),
    };
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
    // The same alarm serves journeys: due waits, segment entries just recorded, webhook deliveries.
    const journeysWake = await this.journeysAlarm(now);
    const next = this.sql.exec<{ at: number | null }>('SELECT MIN(at) AS at FROM inactivity_due').one().at;
    const earliest = [next, journeysWake].filter((t): t is number => t !== null);
    if (earliest.length > 0) await this.ctx.storage.setAlarm(Math.min(...earliest));
  }

  // ---------------------------------------------------------------------------------------------
  // Journeys (journeys/runtime.ts): advanced on ingest and on the alarm, which it shares with
  // inactivity (the alarm is set to the earliest of both).

  private journeyRuntime: JourneyRuntime | undefined;

  private journeys(): JourneyRuntime {
    this.journeyRuntime ??= new JourneyRuntime({
      sql: this.sql,
      site: () => this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'site'").toArray()[0]?.value ?? '',
      visitorId: () => this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'visitor_id'").toArray()[0]?.value ?? '',
      facts: () =>
        this.facts({ segments: [], slots: [], messages: [], fatigue: { perDay: 0, minMinutesBetween: 0 }, request: {}, personalize: false, now: Date.now() }),
      logAttempt: async (attempt) => {
        const site = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'site'").toArray()[0]?.value ?? '';
        try {
          await adminStore(this.env).recordWebhookAttempt(site, attempt);
        } catch (e) {
          // The visitor's own attempt log has it; the site-level copy is for the dashboard.
          console.error('webhook log: could not record the attempt in the site log', e);
        }
      },
      // Late-bound, so the runtime's current fetch is used.
      fetcher: (input, init) => fetch(input, init),
      allowLocalHttp: this.env.WM_DEMO === '1',
    });
    return this.journeyRuntime;
  }

  /** Stored events as journey triggers; a message impression names its message (grants are used up). */
  private journeyEvents(events: readonly WireEvent[], receivedAt: number): { name: string; at: number; message?: string }[] {
    return events.map((e) => {
      const message = e.type === 'track' ? e.props?.message : undefined;
      return { name: eventName(e), at: Math.min(e.ts, receivedAt), ...(typeof message === 'string' ? { message } : {}) };
    });
  }

  /** Moves the alarm earlier when a journey waits or a webhook is queued before it. */
  private async scheduleJourneys(): Promise<void> {
    const wake = this.journeys().nextWake();
    if (wake === null) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || wake < current) await this.ctx.storage.setAlarm(wake);
  }

  /** The alarm's journey work; returns when it should run next for journeys (null: nothing waits). */
  private async journeysAlarm(now: number): Promise<number | null> {
    const runtime = this.journeys();
    const siteId = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'site'").toArray()[0]?.value;
    let site = null;
    try {
      site = siteId ? await new SiteStore(this.env.CONFIG).get(siteId) : null;
    } catch (e) {
      console.error(`journeys: site ${siteId ?? '?'} has no valid config`, e);
    }
    // Without the site's config nothing can advance; try again later rather than spin.
    if (!site) return now + 5 * 60_000;
    runtime.onSegmentEntries(site.journeys);
    runtime.onTime(site.journeys, now);
    await runtime.deliverDue(site.webhooks, Date.now);
    const wake = runtime.nextWake();
    // A delivery due again at once (more than one batch queued) runs on the next alarm.
    return wake === null ? null : Math.max(wake, Date.now());
  }

  /** Decisions for the current request without new events (GET /_wm/decide, proxy mode). */
  async decide(context: DecisionContext): Promise<Decision[]> {
    if (await this.erased()) return [];
    this.ensureSchema();
    const stitched = await this.stitchedDecide(context);
    if (stitched !== undefined) return stitched;
    if (this.sql.exec('SELECT 1 FROM meta LIMIT 1').toArray().length === 0) return [];
    const site = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'site'").toArray()[0]?.value;
    if (site) await this.loadBandit(site, context);
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
      granted: this.journeys().grants(context.now),
      bandit: this.bandit?.table ?? null,
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
      Object.fromEntries(
        this.sql
          .exec<{ key: string; value: string }>(`SELECT key, value FROM ${table}`)
          .toArray()
          .map((r) => [r.key, JSON.parse(r.value) as T]),
      );
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
    const stitched = await this.stitchedExport(site, visitorId);
    if (stitched !== undefined) return stitched;
    return JSON.stringify({ ...this.profile(site, visitorId), ...this.linkedVisitorsExport(visitorId) });
  }

  private profile(site: string, visitorId: string): ProfileExport {
    this.ensureSchema();
    const meta = new Map(
      this.sql
        .exec<{ key: string; value: string }>('SELECT key, value FROM meta')
        .toArray()
        .map((r) => [r.key, r.value]),
    );
    const keyValues = <T>(table: 'traits' | 'prefs') =>
      Object.fromEntries(
        this.sql
          .exec<{ key: string; value: string }>(`SELECT key, value FROM ${table} ORDER BY key`)
          .toArray()
          .map((r) => [r.key, JSON.parse(r.value) as T]),
      );
    const consentRow = this.sql
      .exec<{ analytics: number; personalization: number; updated_at: number }>('SELECT analytics, personalization, updated_at FROM consent')
      .toArray()[0];
    const messages = this.sql
      .exec<{ message: string; variant: string; at: number; converted_at: number | null }>(
        'SELECT message, variant, at, converted_at FROM exposures ORDER BY at, message',
      )
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
      ...this.journeysExport(),
      eventCount: events.length,
      events,
    };
  }

  private journeysExport(): Pick<ProfileExport, 'journeys'> {
    const journeys = this.journeys().exportJourneys();
    return journeys.length > 0 ? { journeys } : {};
  }

  /**
   * Erases everything (DELETE /_wm/me): tables, alarms, all of it, leaving only a tombstone. A
   * browser linked to a user (identify) erases the user's golden record first; the ids of every
   * browser linked to it are returned, since their data elsewhere (analytics) goes too.
   */
  async erase(): Promise<string[]> {
    const linked = await this.eraseLinkedRecord();
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.schemaReady = false;
    this.erasedAt = Date.now();
    await this.ctx.storage.put(ERASED_KEY, this.erasedAt);
    return linked;
  }

  // ---------------------------------------------------------------------------------------------
  // Identity stitching (identity/stitch.ts). A browser profile that identifies as a user hands its
  // history to that user's golden record (a profile of this same class, named by site and user id)
  // and keeps only a link; its calls are then forwarded there. Erasing through any linked browser
  // erases the golden record.

  private metaValue(key: string): string | undefined {
    return this.sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', key).toArray()[0]?.value;
  }

  /** Whether this profile is a user's golden record (then it is never linked anywhere itself). */
  private isGoldenRecord(): boolean {
    return this.metaValue(GOLDEN_USER_KEY) !== undefined;
  }

  private currentLink(): Link | null {
    return parseLink(this.metaValue(LINK_KEY));
  }

  private goldenRecord(record: string) {
    return this.env.VISITORS.get(this.env.VISITORS.idFromString(record));
  }

  /**
   * Undefined: this browser is not linked, store the batch here. Otherwise the golden record's
   * answer, after linking first when the batch identifies as a user this browser is not linked to.
   */
  private async stitchedIngest(
    site: string,
    visitorId: string,
    events: WireEvent[],
    receivedAt: number,
    context: DecisionContext,
  ): Promise<IngestResult | RateLimited | null | undefined> {
    if (this.isGoldenRecord()) return undefined;
    const claimed = claimedUser(events);
    let link = this.currentLink();
    if (claimed !== null) {
      const record = this.env.VISITORS.idFromName(goldenRecordName(site, claimed)).toString();
      if (needsLink(link, record)) link = await this.linkTo(site, visitorId, claimed, context.segments);
    }
    if (!link) return undefined;
    const result = await this.goldenRecord(link.record).linkedIngest(link.generation, site, visitorId, events, receivedAt, context);
    if (result === null) await this.forgetErasedRecord();
    return result;
  }

  /**
   * Links this browser to a user's golden record. The first link moves this profile's whole
   * history there and clears it here; re-pointing to another user moves nothing (what was merged
   * stays with the first user). Nothing else reaches this profile meanwhile: a batch stored here
   * while the history is in flight would be cleared without having been handed over. If the
   * object fails half-way, the batch is not acknowledged and its retry links again: the golden
   * record takes the same history twice without duplicating anything.
   */
  private linkTo(site: string, visitorId: string, userId: string, segments: Segment[]): Promise<Link> {
    return this.ctx.blockConcurrencyWhile(async () => {
      const record = this.env.VISITORS.idFromName(goldenRecordName(site, userId));
      const current = this.currentLink();
      if (current?.record === record.toString()) return current;
      const first = current === null;
      const history = first ? JSON.stringify(readHandover(this.sql, visitorId)) : null;
      const generation = await this.env.VISITORS.get(record).link(site, userId, visitorId, history, segments);
      const link: Link = { record: record.toString(), generation };
      // One synchronous block: the link and the cleared history commit together.
      this.setMeta(LINK_KEY, JSON.stringify(link));
      // Inactivity waits, journeys and queued webhooks move with the history (link() sets the
      // golden record's alarm for them), so this profile's alarm has nothing left to do.
      if (first) {
        clearHistory(this.sql);
        await this.ctx.storage.deleteAlarm();
      }
      return link;
    });
  }

  /**
   * Golden record: links a browser (and takes its history, when given) and returns the record's
   * generation. An erased record that is identified again starts over, empty, with a new
   * generation: links made before the erase keep failing, so nothing erased comes back.
   */
  async link(site: string, userId: string, visitorId: string, history: string | null, segments: Segment[]): Promise<string> {
    if (await this.erased()) {
      await this.ctx.storage.delete(ERASED_KEY);
      this.erasedAt = null;
      this.schemaReady = false;
    }
    this.ensureSchema();
    const owner = this.metaValue(GOLDEN_USER_KEY);
    if (owner !== undefined && owner !== userId) throw new Error(`golden record of ${owner} addressed as ${userId}`);
    if (owner === undefined && this.metaValue('visitor_id') !== undefined) throw new Error('a browser profile cannot become a golden record');
    const now = Date.now();
    this.setMeta(GOLDEN_USER_KEY, userId);
    this.setMeta('user_id', userId);
    this.setMeta('site', site, true);
    // Message A/B buckets follow the first browser linked, so its variants stay.
    this.setMeta('visitor_id', visitorId, true);
    this.setMeta(GENERATION_KEY, crypto.randomUUID(), true);
    this.sql.exec('INSERT OR IGNORE INTO linked_visitors (visitor_id, linked_at) VALUES (?, ?)', visitorId, now);
    if (history !== null) {
      // Made by readHandover() in a browser profile of this class, never by a client.
      const handover = JSON.parse(history) as Handover;
      absorbHandover(this.sql, handover);
      await this.scheduleInactivity(
        segments,
        handover.events.map((e) => JSON.parse(e.body) as WireEvent),
      );
      // The browser's journey waits and webhook deliveries continue here.
      await this.scheduleJourneys();
    }
    const generation = this.metaValue(GENERATION_KEY);
    if (generation === undefined) throw new Error('golden record without a generation');
    return generation;
  }

  /** Whether a linked browser's generation is this golden record's current one (else: erased for it). */
  private async isGeneration(generation: string): Promise<boolean> {
    if (await this.erased()) return false;
    this.ensureSchema();
    return this.isGoldenRecord() && this.metaValue(GENERATION_KEY) === generation;
  }

  /** Golden record: a linked browser's batch; null when the record was erased since it linked. */
  async linkedIngest(
    generation: string,
    site: string,
    visitorId: string,
    events: WireEvent[],
    receivedAt: number,
    context: DecisionContext,
  ): Promise<IngestResult | RateLimited | null> {
    return (await this.isGeneration(generation)) ? this.ingest(site, visitorId, events, receivedAt, context) : null;
  }

  /** Golden record: decisions for a linked browser; null when the record was erased since it linked. */
  async linkedDecide(generation: string, context: DecisionContext): Promise<Decision[] | null> {
    return (await this.isGeneration(generation)) ? this.decide(context) : null;
  }

  /** Golden record: the export for a linked browser (its own visitor id); null once erased. */
  async linkedExport(generation: string, site: string, visitorId: string): Promise<string | null> {
    return (await this.isGeneration(generation)) ? this.exportProfile(site, visitorId) : null;
  }

  /**
   * Golden record: erased through one of its browsers (a stale generation erases nothing newer).
   * Returns the ids of the browsers that were linked to it.
   */
  async linkedErase(generation: string): Promise<string[]> {
    if (!(await this.isGeneration(generation))) return [];
    const linked = this.sql
      .exec<{ visitor_id: string }>('SELECT visitor_id FROM linked_visitors')
      .toArray()
      .map((r) => r.visitor_id);
    await this.erase();
    return linked;
  }

  private async stitchedDecide(context: DecisionContext): Promise<Decision[] | undefined> {
    const link = this.currentLink();
    if (!link) return undefined;
    const decisions = await this.goldenRecord(link.record).linkedDecide(link.generation, context);
    if (decisions !== null) return decisions;
    await this.forgetErasedRecord();
    return [];
  }

  private async stitchedExport(site: string, visitorId: string): Promise<string | null | undefined> {
    this.ensureSchema();
    const link = this.currentLink();
    if (!link) return undefined;
    const json = await this.goldenRecord(link.record).linkedExport(link.generation, site, visitorId);
    if (json === null) await this.forgetErasedRecord();
    return json;
  }

  /** A linked browser erases the golden record too (its own profile is then erased by erase()). */
  private async eraseLinkedRecord(): Promise<string[]> {
    if (await this.erased()) return [];
    this.ensureSchema();
    const link = this.currentLink();
    return link ? this.goldenRecord(link.record).linkedErase(link.generation) : [];
  }

  /**
   * The golden record this browser was linked to has been erased (through another device): this
   * profile is erased too, so the browser behaves as erased and gets a new id on its next event.
   */
  private async forgetErasedRecord(): Promise<void> {
    this.sql.exec('DELETE FROM meta WHERE key = ?', LINK_KEY);
    await this.erase();
  }

  /** Golden record: the browsers linked to it, each shown by a short prefix of its id. */
  private linkedVisitorsExport(visitorId: string): Pick<ProfileExport, 'linkedVisitors'> {
    if (!this.isGoldenRecord()) return {};
    const rows = this.sql
      .exec<{ visitor_id: string; linked_at: number }>('SELECT visitor_id, linked_at FROM linked_visitors ORDER BY linked_at, visitor_id')
      .toArray();
    return { linkedVisitors: rows.map((r) => ({ id: linkedVisitorLabel(r.visitor_id), linkedAt: r.linked_at, current: r.visitor_id === visitorId })) };
  }
}
