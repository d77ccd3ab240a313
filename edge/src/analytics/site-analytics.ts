/**
 * The journey-analytics store: one SQLite-backed Durable Object per site (idFromName(site)), fed
 * in batches by the queue consumer (queue.ts). Events are deduplicated by (visitor, event id):
 * queue delivery is at least once. Reports are SQL over its tables (reports.ts); every method
 * answers JSON text so RPC passes it through untouched (the routes send it as is).
 *
 * Scale: one site's store is one SQLite database (10 GB limit per object); docs/ANALYTICS.md has
 * the plan past that (Analytics Engine for aggregates, R2 for raw events).
 */
import { DurableObject } from 'cloudflare:workers';
import type { WireEvent } from '../../../protocol/wire';
import type { Condition } from '../../../protocol/config/conditions';
import { applyMigrations } from '../storage/migrations';
import type { AnalyticsMessage, EventsMessage } from './feed';
import {
  funnel,
  messages,
  overview,
  paths,
  retention,
  searchProfiles,
  sources,
  stream,
  type FunnelInput,
  type MessagesInput,
  type PathsInput,
  type RetentionInput,
  type SourcesInput,
} from './reports';
import { segmentCount } from './segment-count';
import { ALL_SEGMENTS, banditReport, buildBanditTable, type BanditTable } from './bandit';
import { SiteStore } from '../config/site-store';
import { firstTouch, pathOf, storedName } from './steps';
import { synthesize, type SynthSpec } from './synthetic';

/** Append-only; never edit a shipped entry (storage/migrations.ts). */
const MIGRATIONS: readonly string[] = [
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
];

/** How often, at most, the Thompson-sampling weights are republished while exposures arrive. */
const BANDIT_EVERY_MS = 60_000;

export type IngestSummary = { stored: number; duplicates: number; erased: number; dropped: number };

export class SiteAnalytics extends DurableObject<Env> {
  private schemaReady = false;

  private get sql(): SqlStorage {
    if (!this.schemaReady) {
      applyMigrations(this.ctx.storage.sql, MIGRATIONS);
      this.schemaReady = true;
    }
    return this.ctx.storage.sql;
  }

  /** A batch of queue messages for this site, applied in one synchronous block (one transaction). */
  async ingest(batch: AnalyticsMessage[]): Promise<IngestSummary> {
    const summary: IngestSummary = { stored: 0, duplicates: 0, erased: 0, dropped: 0 };
    let exposures = false;
    for (const m of batch) {
      this.sql.exec("INSERT OR IGNORE INTO meta (key, value) VALUES ('site', ?)", m.site);
      if (m.kind === 'events' && m.snapshot && m.snapshot.exposures.length > 0) exposures = true;
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
    // New exposures or conversions: republish the bandit weights within a minute (alarm below).
    if (exposures && (await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + BANDIT_EVERY_MS);
    return summary;
  }

  /**
   * Publishes Thompson-sampling weights for bandit messages to KV `bandit:<site>`
   * (analytics/bandit.ts): per message, variant and segment (the visitor's current segments), and
   * over all visitors. The visitor profiles read them at most once a minute.
   */
  override async alarm(): Promise<void> {
    const site = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'site'").toArray()[0]?.value;
    if (!site) return;
    const rows = this.sql
      .exec<{ message: string; variant: string; segment: string; exposed: number; converted: number }>(
        `SELECT x.message AS message, x.variant AS variant, s.value AS segment, COUNT(*) AS exposed, COUNT(x.converted_at) AS converted
         FROM exposures x JOIN visitors v ON v.id = x.visitor, json_each(v.segments) s
         WHERE x.variant != 'holdout' GROUP BY 1, 2, 3
         UNION ALL
         SELECT message, variant, ?, COUNT(*), COUNT(converted_at) FROM exposures WHERE variant != 'holdout' GROUP BY 1, 2`,
        ALL_SEGMENTS,
      )
      .toArray()
      .map((r) => ({ ...r, exposed: Number(r.exposed), converted: Number(r.converted) }));
    await this.env.CONFIG.put(`bandit:${site}`, JSON.stringify(buildBanditTable(rows, Date.now())));
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
    const { rowsWritten } = sql.exec(
      'INSERT INTO events (id, visitor, type, name, path, ts, received_at, session, props) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      e.id,
      visitor,
      e.type,
      storedName(e),
      path,
      ts,
      receivedAt,
      e.sid,
      props,
    );
    if (rowsWritten === 0) return false;
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

  async funnel(q: FunnelInput): Promise<string> {
    return JSON.stringify(funnel(this.sql, q, Date.now()));
  }

  async paths(q: PathsInput): Promise<string> {
    return JSON.stringify(paths(this.sql, q, Date.now()));
  }

  async retention(q: RetentionInput): Promise<string> {
    return JSON.stringify(retention(this.sql, q, Date.now()));
  }

  async sources(q: SourcesInput): Promise<string> {
    return JSON.stringify(sources(this.sql, q, Date.now()));
  }

  /**
   * Bandit messages also get what the bandit does now (`bandit`): read here, where the site is
   * known (meta) and KV is at hand, from the site config and the published table `bandit:<site>`.
   */
  async messages(q: MessagesInput): Promise<string> {
    const report = messages(this.sql, q, Date.now());
    const site = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'site'").toArray()[0]?.value;
    const config = site ? await new SiteStore(this.env.CONFIG).get(site).catch(() => null) : null;
    const bandits = new Map((config?.messages ?? []).filter((m) => m.bandit && m.variants.length > 1).map((m) => [m.id, m]));
    if (!site || !report.messages.some((m) => bandits.has(m.message))) return JSON.stringify(report);
    const table = await this.env.CONFIG.get<BanditTable>(`bandit:${site}`, 'json');
    for (const m of report.messages) {
      const message = bandits.get(m.message);
      if (message) m.bandit = banditReport(message, table);
    }
    return JSON.stringify(report);
  }

  async overview(minutes: number): Promise<string> {
    return JSON.stringify(overview(this.sql, minutes, Date.now()));
  }

  async stream(after: number | undefined, limit: number): Promise<string> {
    return JSON.stringify(stream(this.sql, after, limit));
  }

  async profiles(q: string, by: 'any' | 'user' | 'visitor' | 'trait', limit: number): Promise<string> {
    return JSON.stringify(searchProfiles(this.sql, q, by, limit));
  }

  /** `condition` was validated by the route with the rules schema. */
  async segmentCount(condition: Condition): Promise<string> {
    return JSON.stringify(segmentCount(this.sql, condition, Date.now()));
  }

  /**
   * Synthetic traffic for the funnel benchmark and local demos (the route allows it only with
   * WM_DEMO). Deterministic for a given spec; call it in chunks (`firstVisitor`).
   */
  async seedSynthetic(spec: SynthSpec): Promise<{ events: number; visitors: number }> {
    const sql = this.sql;
    let events = 0;
    let visitors = 0;
    for (const visitor of synthesize(spec)) {
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
          'INSERT INTO events (id, visitor, type, name, path, ts, received_at, session) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
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
