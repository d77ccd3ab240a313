/**
 * The analytics store's tables (events, visitors, exposures, erased, meta, outbox_drops, bot_requests): schema, migrations and
 * every write. The one module that writes them; reports.ts and segment-count.ts only read them
 * (funnel_index, an image derived from events, is funnel-store.ts's).
 * Events are deduplicated by (visitor, event id): queue delivery is at least once.
 */
import type { WireEvent } from '../../../protocol/wire';
import type { MigratedSql } from '../storage/migrations';
import type { BotsMessage, EventsMessage, QueuedMessage } from './feed';
import { firstTouch, pathOf, storedName } from './steps';
import type { SynthVisitor } from './synthetic';

/** Append-only; never edit a shipped entry (storage/migrations.ts). */
export const ANALYTICS_MIGRATIONS: readonly string[] = [
  `
CREATE TABLE events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL,
  visitor TEXT NOT NULL,
  type TEXT NOT NULL,
  name TEXT NOT NULL,
  path TEXT,
  ts INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  session TEXT NOT NULL,
  props TEXT
);
CREATE UNIQUE INDEX events_by_id ON events (visitor, id);
-- Covering for funnels: a step is (name, path); per visitor, in time order.
CREATE INDEX events_by_name ON events (name, visitor, ts, path);
CREATE INDEX events_by_visitor ON events (visitor, ts);
CREATE INDEX events_by_ts ON events (ts);
CREATE TABLE visitors (
  id TEXT PRIMARY KEY,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  events INTEGER NOT NULL DEFAULT 0,
  user_id TEXT,
  traits TEXT NOT NULL DEFAULT '{}',
  prefs TEXT NOT NULL DEFAULT '{}',
  consent TEXT,
  segments TEXT NOT NULL DEFAULT '[]',
  source TEXT,
  medium TEXT,
  campaign TEXT,
  landing_ts INTEGER,
  landing_ref TEXT,
  landing_utm TEXT,
  last_url TEXT,
  last_url_ts INTEGER
);
CREATE INDEX visitors_by_user ON visitors (user_id);
CREATE TABLE exposures (
  visitor TEXT NOT NULL,
  message TEXT NOT NULL,
  variant TEXT NOT NULL,
  at INTEGER NOT NULL,
  converted_at INTEGER,
  PRIMARY KEY (visitor, message)
);
CREATE INDEX exposures_by_at ON exposures (at);
CREATE TABLE erased (visitor TEXT PRIMARY KEY, at INTEGER NOT NULL);
`,
  // 2: the site this store belongs to (for what its alarm publishes).
  `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`,
  // 3: events browsers' outboxes dropped when full (snippet/src/outbox.ts), one row per reporting
  // batch, keyed by its first stored event id (a queue redelivery is not counted twice).
  `
CREATE TABLE outbox_drops (batch TEXT PRIMARY KEY, at INTEGER NOT NULL, dropped INTEGER NOT NULL);
CREATE INDEX outbox_drops_by_at ON outbox_drops (at);
`,
  // 4: sharding (shards.ts): visitors this shard was asked about, did not hold, and so will never
  // take (they live in a later candidate shard).
  `
CREATE TABLE redirected (visitor TEXT PRIMARY KEY);
`,
  // 5: requests from bots the edge filtered (bots/bots.ts), one row per queued count, keyed by its
  // id (a queue redelivery is not counted twice); kept BOT_DAYS_KEPT days for the overview.
  `
CREATE TABLE bot_requests (id TEXT PRIMARY KEY, at INTEGER NOT NULL, count INTEGER NOT NULL);
CREATE INDEX bot_requests_by_at ON bot_requests (at);
`,
  // 6: the funnel index's saved image, in blocks under SQLite's 2 MB row limit (funnel-store.ts
  // owns and writes it; derived from events, dropped on erase).
  `
CREATE TABLE funnel_index (part TEXT NOT NULL, i INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (part, i));
`,
];

/** Bot counts older than this many days are deleted (the overview shows the last 7 UTC days). */
export const BOT_DAYS_KEPT = 8;
const DAY_MS = 86_400_000;

/**
 * Event `seq`s are unique across a site's shards and follow the clock: (unit << 6) | shard, where a
 * unit is 1/16 ms and never repeats within a shard. The merged live stream orders by it.
 */
export const SEQ_SHARD_BITS = 64;
export const SEQ_UNITS_PER_MS = 16;

/** `refused`: indexes of the batch's messages for visitors this shard redirected (the router sends them again). */
export type IngestSummary = { stored: number; duplicates: number; erased: number; dropped: number; refused: number[] };

/** Exposures and conversions per message, variant and segment (ALL_SEGMENTS: over all visitors), for the bandit table. */
export type ExposureCount = { message: string; variant: string; segment: string; exposed: number; converted: number };

export class EventsStore {
  constructor(private readonly db: MigratedSql) {}

  private get sql(): SqlStorage {
    return this.db.sql;
  }

  /**
   * A batch of queue messages for this site, applied in one synchronous block (one transaction).
   * `exposures` says whether any carried exposures (the bandit weights need republishing).
   */
  ingest(batch: QueuedMessage[], shard = 0): { summary: IngestSummary; exposures: boolean } {
    const summary: IngestSummary = { stored: 0, duplicates: 0, erased: 0, dropped: 0, refused: [] };
    let exposures = false;
    this.nextSeq = this.seqAllocator(shard);
    if (batch.some((m) => m.kind === 'bots')) this.sql.exec('DELETE FROM bot_requests WHERE at < ?', Date.now() - BOT_DAYS_KEPT * DAY_MS);
    for (const [index, m] of batch.entries()) {
      this.sql.exec("INSERT OR IGNORE INTO meta (key, value) VALUES ('site', ?)", m.site);
      if (m.kind === 'bots') {
        this.recordBots(m);
        continue;
      }
      if (m.kind === 'events' && this.isRedirected(m.visitorId)) {
        // Routed with an older shard history: this visitor lives in a later shard.
        summary.refused.push(index);
        continue;
      }
      if (m.kind === 'events' && m.snapshot && m.snapshot.exposures.length > 0) exposures = true;
      if (m.kind === 'events') this.recordOutboxDrops(m);
      if (m.kind === 'erase') {
        this.erase(m.visitorId, m.at);
        summary.erased++;
      } else if (this.isErased(m.visitorId)) {
        // A delivery that lost the race with the visitor's erase: never resurrect them.
        summary.dropped += m.events.length;
      } else {
        const { stored, duplicates } = this.storeEvents(m);
        summary.stored += stored;
        summary.duplicates += duplicates;
      }
    }
    return { summary, exposures };
  }

  /**
   * The router asks a visitor's earlier candidate shards first (shards.ts): this shard takes the
   * visitors it holds (stored or erased) and records the others as redirected, for good. Returns
   * the visitors it holds.
   */
  claim(visitors: string[]): string[] {
    const held: string[] = [];
    for (const v of visitors) {
      if (this.isRedirected(v)) continue;
      const known = this.sql.exec('SELECT 1 FROM visitors WHERE id = ?', v).toArray().length > 0 || this.isErased(v);
      if (known) held.push(v);
      else this.sql.exec('INSERT OR IGNORE INTO redirected (visitor) VALUES (?)', v);
    }
    return held;
  }

  /** The site's shard counts so far (kept by shard 0), after the site config named `configured`. */
  shardHistory(configured: number, extend: (history: number[], configured: number) => number[]): number[] {
    const raw = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'shards'").toArray()[0]?.value;
    // Written below as a JSON array of counts. Never asked before and empty: the site starts at the configured count.
    const history = raw ? (JSON.parse(raw) as number[]) : this.isEmpty() ? [configured] : [1];
    const next = extend(history, configured);
    if (next.length !== history.length || !raw) this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('shards', ?)", JSON.stringify(next));
    return next;
  }

  private isEmpty(): boolean {
    return (
      this.sql.exec('SELECT 1 FROM visitors LIMIT 1').toArray().length === 0 &&
      this.sql.exec('SELECT 1 FROM erased LIMIT 1').toArray().length === 0 &&
      this.sql.exec('SELECT 1 FROM events LIMIT 1').toArray().length === 0
    );
  }

  private isRedirected(visitor: string): boolean {
    return this.sql.exec('SELECT 1 FROM redirected WHERE visitor = ?', visitor).toArray().length > 0;
  }

  private nextSeq: () => number = () => {
    throw new Error('seq allocated outside a batch');
  };

  /** seq values for this batch (SEQ_SHARD_BITS): past the shard's largest, and no earlier than the clock. */
  private seqAllocator(shard: number): () => number {
    const max = Number(this.sql.exec<{ m: number | null }>('SELECT MAX(seq) AS m FROM events').one().m ?? 0);
    let unit = Math.floor(max / SEQ_SHARD_BITS);
    return () => {
      unit = Math.max(unit + 1, Date.now() * SEQ_UNITS_PER_MS);
      return unit * SEQ_SHARD_BITS + shard;
    };
  }

  /** The site this store belongs to, once a batch has named it. */
  site(): string | undefined {
    return this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'site'").toArray()[0]?.value;
  }

  /** Message exposures for the bandit weights; slot experiments' (`slot:<id>`, personalize/slot-experiment.ts) have no bandit. */
  exposureCounts(allSegments: string): ExposureCount[] {
    return this.sql
      .exec<ExposureCount>(
        `SELECT x.message AS message, x.variant AS variant, s.value AS segment, COUNT(*) AS exposed, COUNT(x.converted_at) AS converted
         FROM exposures x JOIN visitors v ON v.id = x.visitor, json_each(v.segments) s
         WHERE x.variant != 'holdout' AND substr(x.message, 1, 5) != 'slot:' GROUP BY 1, 2, 3
         UNION ALL
         SELECT message, variant, ?, COUNT(*), COUNT(converted_at) FROM exposures WHERE variant != 'holdout' AND substr(message, 1, 5) != 'slot:' GROUP BY 1, 2`,
        allSegments,
      )
      .toArray()
      .map((r) => ({ ...r, exposed: Number(r.exposed), converted: Number(r.converted) }));
  }

  /**
   * A batch's report of events its browser dropped: counted even when the visitor is erased (a
   * count of lost events, nothing about them), once per batch.
   */
  private recordOutboxDrops(m: EventsMessage): void {
    const first = m.events[0];
    if (!m.outboxDropped || !first) return;
    this.sql.exec('INSERT OR IGNORE INTO outbox_drops (batch, at, dropped) VALUES (?, ?, ?)', first.id, m.receivedAt, m.outboxDropped);
  }

  /** A count of filtered bot requests, once per message id; one older than the days kept is not stored at all. */
  private recordBots(m: BotsMessage): void {
    if (m.at < Date.now() - BOT_DAYS_KEPT * DAY_MS || m.count < 1) return;
    this.sql.exec('INSERT OR IGNORE INTO bot_requests (id, at, count) VALUES (?, ?, ?)', m.id, m.at, m.count);
  }

  private isErased(visitor: string): boolean {
    return this.sql.exec('SELECT 1 FROM erased WHERE visitor = ?', visitor).toArray().length > 0;
  }

  private erase(visitor: string, at: number): void {
    this.sql.exec('DELETE FROM events WHERE visitor = ?', visitor);
    this.sql.exec('DELETE FROM visitors WHERE id = ?', visitor);
    this.sql.exec('DELETE FROM exposures WHERE visitor = ?', visitor);
    this.sql.exec('INSERT OR IGNORE INTO erased (visitor, at) VALUES (?, ?)', visitor, at);
  }

  private storeEvents(m: EventsMessage): { stored: number; duplicates: number } {
    const sql = this.sql;
    const v = m.visitorId;
    const times = m.events.map((e) => Math.min(e.ts, m.receivedAt));
    const first = times.length ? Math.min(...times) : m.receivedAt;
    sql.exec('INSERT OR IGNORE INTO visitors (id, first_seen, last_seen) VALUES (?, ?, ?)', v, first, first);
    let stored = 0;
    let duplicates = 0;
    for (const e of m.events) {
      stored += this.storeEvent(v, e, m.receivedAt) ? 1 : 0;
    }
    duplicates = m.events.length - stored;
    if (m.snapshot) {
      sql.exec('UPDATE visitors SET segments = ? WHERE id = ?', JSON.stringify(m.snapshot.segments), v);
      for (const x of m.snapshot.exposures) {
        // A late snapshot never undoes a conversion or moves the first exposure later.
        sql.exec(
          `INSERT INTO exposures (visitor, message, variant, at, converted_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (visitor, message) DO UPDATE SET at = MIN(exposures.at, excluded.at),
             converted_at = COALESCE(exposures.converted_at, excluded.converted_at)`,
          v,
          x.message,
          x.variant,
          x.at,
          x.convertedAt,
        );
      }
    }
    return { stored, duplicates };
  }

  /** One event, once per (visitor, id); false for a duplicate. Time is MIN(client ts, received), like the profile. */
  private storeEvent(visitor: string, e: WireEvent, receivedAt: number): boolean {
    const sql = this.sql;
    const ts = Math.min(e.ts, receivedAt);
    const path = pathOf(e.url);
    const props = e.type === 'page' || e.type === 'track' ? (e.props ? JSON.stringify(e.props) : null) : null;
    // RETURNING tells a stored row from a duplicate (rowsWritten also counts the AUTOINCREMENT bookkeeping row).
    const inserted =
      sql
        .exec(
          'INSERT INTO events (seq, id, visitor, type, name, path, ts, received_at, session, props) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING seq',
          this.nextSeq(),
          e.id,
          visitor,
          e.type,
          storedName(e),
          path,
          ts,
          receivedAt,
          e.sid,
          props,
        )
        .toArray().length > 0;
    if (!inserted) return false;
    sql.exec('UPDATE visitors SET events = events + 1, first_seen = MIN(first_seen, ?), last_seen = MAX(last_seen, ?) WHERE id = ?', ts, ts, visitor);
    sql.exec('UPDATE visitors SET last_url = ?, last_url_ts = ? WHERE id = ? AND (last_url_ts IS NULL OR last_url_ts <= ?)', e.url, ts, visitor, ts);
    switch (e.type) {
      case 'page': {
        const touch = firstTouch(e);
        sql.exec(
          `UPDATE visitors SET source = ?, medium = ?, campaign = ?, landing_ts = ?, landing_ref = ?, landing_utm = ?
           WHERE id = ? AND (landing_ts IS NULL OR landing_ts > ?)`,
          touch.source,
          touch.medium,
          touch.campaign,
          ts,
          e.ref || null,
          e.utm ? JSON.stringify(e.utm) : null,
          visitor,
          ts,
        );
        break;
      }
      case 'identify':
        sql.exec('UPDATE visitors SET user_id = ?, traits = json_patch(traits, ?) WHERE id = ?', e.userId, JSON.stringify(e.traits ?? {}), visitor);
        break;
      case 'prefs':
        sql.exec('UPDATE visitors SET prefs = json_patch(prefs, ?) WHERE id = ?', JSON.stringify(e.prefs), visitor);
        break;
      case 'consent':
        sql.exec('UPDATE visitors SET consent = ? WHERE id = ?', JSON.stringify(e.consent), visitor);
        break;
      case 'track':
        break;
    }
    return true;
  }

  /** Synthetic traffic (synthetic.ts), the visitors the router gives this shard (generated in the shard: nothing crosses RPC). */
  seedSynthetic(synthetic: Iterable<SynthVisitor>, shard = 0): { events: number; visitors: number } {
    const sql = this.sql;
    const nextSeq = this.seqAllocator(shard);
    let events = 0;
    let visitors = 0;
    for (const visitor of synthetic) {
      visitors++;
      sql.exec(
        "INSERT OR IGNORE INTO visitors (id, first_seen, last_seen, events, source, medium) VALUES (?, ?, ?, ?, ?, 'referral')",
        visitor.id,
        visitor.events[0]!.ts,
        visitor.events[visitor.events.length - 1]!.ts,
        visitor.events.length,
        visitor.source,
      );
      for (const e of visitor.events) {
        sql.exec(
          'INSERT INTO events (seq, id, visitor, type, name, path, ts, received_at, session) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
          nextSeq(),
          e.id,
          visitor.id,
          e.name === 'page' ? 'page' : 'track',
          e.name,
          e.path,
          e.ts,
          e.ts,
          visitor.session,
        );
        events++;
      }
    }
    return { events, visitors };
  }
}
