/**
 * The journey-analytics store: SQLite-backed Durable Objects, N per site (the site config's
 * `analyticsShards`), each holding a share of the visitors (shards.ts, sharded.ts), fed in batches
 * by the queue consumer (queue.ts). Its tables and writes are events-store.ts's; reports are SQL
 * over them (reports.ts), one part per shard, merged by merge.ts.
 *
 * Scale: each shard is one SQLite database (10 GB limit per object); docs/analytics-and-scale.md has the
 * plan (Analytics Engine for aggregates, R2 for raw events).
 */
import { DurableObject } from 'cloudflare:workers';
import type { Condition } from '../../../protocol/config/conditions';
import { MigratedSql } from '../storage/migrations';
import { ALL_SEGMENTS, buildBanditTable } from './bandit';
import { ANALYTICS_MIGRATIONS, EventsStore, type ExposureCount, type IngestSummary } from './events-store';
import type { QueuedMessage } from './feed';
import { ShardFunnels } from './funnel-store';
import type {
  ExposureRow,
  FunnelPart,
  GapBounds,
  GapSlice,
  OverviewPart,
  PathsPart,
  ProfilePart,
  RetentionPart,
  SegmentPart,
  SourceRow,
  StreamPartEvent,
} from './merge';
import { sumExposureCounts } from './merge';
import {
  messagesPart,
  overviewPart,
  pathsPart,
  retentionPart,
  profilesPart,
  sourcesPart,
  streamPart,
  type FunnelInput,
  type MessagesInput,
  type PathsInput,
  type RetentionInput,
  type SourcesInput,
} from './reports';
import { segmentCountPart, segmentMembersPart, type MembersPart } from './segment-count';
import { SiteShards } from './sharded';
import { candidateShards, extendHistory } from './shards';
import { synthesize, type SynthSpec } from './synthetic';

/** Queue messages stored in one synchronous block: about 125 events (bench/README.md 4a has how long that holds the thread). */
export const INGEST_SLICE = 25;

/** How often, at most, the Thompson-sampling weights are republished while exposures arrive. */
const BANDIT_EVERY_MS = 60_000;

/**
 * One shard of a site's journey analytics (sharded.ts addresses them; reports merge their parts,
 * merge.ts). Report methods answer one shard's part with the range already resolved by the caller,
 * so every shard answers for the same range and `now`.
 */
export class SiteAnalytics extends DurableObject<Env> {
  private readonly db = new MigratedSql(this.ctx.storage, ANALYTICS_MIGRATIONS);
  private readonly events = new EventsStore(this.db);
  /** Funnels answer from a columnar index in memory (funnel-store.ts), rebuilt after an erase. */
  private readonly funnels = new ShardFunnels(() => this.sql);

  /** The reports' read-only view of the tables. */
  private get sql(): SqlStorage {
    return this.db.sql;
  }

  /**
   * `shard`: this object's index among the site's shards (its event seqs carry it). Stored
   * INGEST_SLICE messages at a time, each slice one synchronous block (one transaction), yielding
   * in between: a whole consumer batch in one block held the thread for 90 ms and more, and every
   * report on this shard (and, in local workerd, every request) waited behind it. A retry after a
   * failure in a later slice is safe: events are stored once by id.
   */
  async ingest(batch: QueuedMessage[], shard = 0): Promise<IngestSummary> {
    const total: IngestSummary = { stored: 0, duplicates: 0, erased: 0, dropped: 0, refused: [] };
    let anyExposures = false;
    for (let start = 0; start < batch.length; start += INGEST_SLICE) {
      if (start > 0) await scheduler.wait(0);
      const { summary, exposures } = this.events.ingest(batch.slice(start, start + INGEST_SLICE), shard);
      if (summary.erased > 0) this.funnels.invalidate();
      total.stored += summary.stored;
      total.duplicates += summary.duplicates;
      total.erased += summary.erased;
      total.dropped += summary.dropped;
      total.refused.push(...summary.refused.map((i) => i + start));
      anyExposures ||= exposures;
    }
    // New exposures or conversions: republish the bandit weights within a minute (alarm below).
    if (anyExposures && (await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + BANDIT_EVERY_MS);
    return total;
  }

  /** The visitors of `visitors` this shard holds; it will never take the others (shards.ts). */
  async claim(visitors: string[]): Promise<string[]> {
    return this.events.claim(visitors);
  }

  /** Shard 0 keeps the site's shard history: the counts so far, after the config named `configured`. */
  async shardHistory(configured: number): Promise<number[]> {
    return this.events.shardHistory(configured, extendHistory);
  }

  /**
   * Publishes Thompson-sampling weights for bandit messages to KV `bandit:<site>`
   * (analytics/bandit.ts): per message, variant and segment (the visitor's current segments), and
   * over all visitors, from the exposures of every shard of the site. The visitor profiles read
   * them at most once a minute.
   */
  override async alarm(): Promise<void> {
    const site = this.events.site();
    if (!site) return;
    const counts = await new SiteShards(this.env, site).all((s) => s.exposureCounts());
    await this.env.CONFIG.put(`bandit:${site}`, JSON.stringify(buildBanditTable(sumExposureCounts(counts, ALL_SEGMENTS), Date.now())));
  }

  async exposureCounts(): Promise<ExposureCount[]> {
    return this.events.exposureCounts(ALL_SEGMENTS);
  }

  async funnelPart(q: FunnelInput): Promise<FunnelPart> {
    return this.funnels.part(q);
  }

  async funnelGaps(q: FunnelInput, bounds: GapBounds): Promise<GapSlice[]> {
    return this.funnels.gaps(q, bounds);
  }

  async pathsPart(q: PathsInput): Promise<PathsPart> {
    return pathsPart(this.sql, q);
  }

  async retentionPart(q: RetentionInput): Promise<RetentionPart> {
    return retentionPart(this.sql, q);
  }

  async sourcesPart(q: SourcesInput): Promise<SourceRow[]> {
    return sourcesPart(this.sql, q);
  }

  async messagesPart(q: MessagesInput): Promise<ExposureRow[]> {
    return messagesPart(this.sql, q);
  }

  async overviewPart(minutes: number, now: number): Promise<OverviewPart> {
    return overviewPart(this.sql, minutes, now);
  }

  async streamPart(after: number | undefined, limit: number, upTo: number): Promise<StreamPartEvent[]> {
    return streamPart(this.sql, after, limit, upTo);
  }

  async profilesPart(q: string, by: 'any' | 'user' | 'visitor' | 'trait', limit: number): Promise<ProfilePart[]> {
    return profilesPart(this.sql, q, by, limit);
  }

  /** `condition` was validated by the route with the rules schema. */
  async segmentCountPart(condition: Condition, now: number): Promise<SegmentPart> {
    return segmentCountPart(this.sql, condition, now);
  }

  /** Audience export (audiences/export.ts): one page of a segment's members after visitor `after`. */
  async segmentMembersPart(condition: Condition, now: number, after: string | null, limit: number, traits: string[]): Promise<MembersPart> {
    return segmentMembersPart(this.sql, condition, now, after, limit, traits);
  }

  /**
   * Synthetic traffic for the funnel benchmark and local demos (the route allows it only with
   * WM_DEMO): the visitors of `spec` that the router, with shard history `history`, gives this shard.
   */
  async seedSynthetic(spec: SynthSpec, history: number[], shard: number): Promise<{ events: number; visitors: number }> {
    return this.events.seedSynthetic(
      synthesize(spec, (id) => candidateShards(id, history).at(-1) === shard),
      shard,
    );
  }
}
