/**
 * The journey-analytics store: one SQLite-backed Durable Object per site (idFromName(site)), fed
 * in batches by the queue consumer (queue.ts). Its tables and writes are events-store.ts's;
 * reports are SQL over them (reports.ts); every report method answers JSON text so RPC passes it
 * through untouched (the routes send it as is).
 *
 * Scale: one site's store is one SQLite database (10 GB limit per object); docs/ANALYTICS.md has
 * the plan past that (Analytics Engine for aggregates, R2 for raw events).
 */
import { DurableObject } from 'cloudflare:workers';
import type { Condition } from '../../../protocol/config/conditions';
import { SiteStore } from '../config/site-store';
import { MigratedSql } from '../storage/migrations';
import { ALL_SEGMENTS, banditReport, buildBanditTable, type BanditTable } from './bandit';
import { ANALYTICS_MIGRATIONS, EventsStore, type IngestSummary } from './events-store';
import type { AnalyticsMessage } from './feed';
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
import type { SynthSpec } from './synthetic';

/** How often, at most, the Thompson-sampling weights are republished while exposures arrive. */
const BANDIT_EVERY_MS = 60_000;

export class SiteAnalytics extends DurableObject<Env> {
  private readonly db = new MigratedSql(this.ctx.storage, ANALYTICS_MIGRATIONS);
  private readonly events = new EventsStore(this.db);

  /** The reports' read-only view of the tables. */
  private get sql(): SqlStorage {
    return this.db.sql;
  }

  async ingest(batch: AnalyticsMessage[]): Promise<IngestSummary> {
    const { summary, exposures } = this.events.ingest(batch);
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
    const site = this.events.site();
    if (!site) return;
    await this.env.CONFIG.put(`bandit:${site}`, JSON.stringify(buildBanditTable(this.events.exposureCounts(ALL_SEGMENTS), Date.now())));
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
    const site = this.events.site();
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

  /** Synthetic traffic for the funnel benchmark and local demos (the route allows it only with WM_DEMO). */
  async seedSynthetic(spec: SynthSpec): Promise<{ events: number; visitors: number }> {
    return this.events.seedSynthetic(spec);
  }
}
