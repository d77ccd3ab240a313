/**
 * A site's analytics shards from the Worker's side: their addresses, the shard history (kept by
 * shard 0, cached here; a stale copy is a prefix of the real one, which routing tolerates:
 * shards.ts), and the reports: the same query to every shard in parallel, parts merged by
 * merge.ts. Thin: the SQL is in reports.ts, the arithmetic in merge.ts.
 */
import type {
  FunnelReport,
  MessagesReport,
  OverviewReport,
  ProfileSearchReport,
  RetentionReport,
  SegmentCountReport,
  SourcesReport,
  StreamReport,
  PathsReport,
} from '../../../protocol/analytics';
import { SEGMENT_COUNT_SAMPLE } from '../../../protocol/analytics';
import type { Condition } from '../../../protocol/config/conditions';
import type { SiteConfig } from '../../../protocol/config/site';
import { SiteStore } from '../config/site-store';
import { banditReport, type BanditTable } from './bandit';
import { SEQ_SHARD_BITS, SEQ_UNITS_PER_MS } from './events-store';
import {
  funnelReport,
  gapBounds,
  medianFromSlices,
  messagesReport,
  overviewReport,
  pathsReport,
  planMedian,
  profilesReport,
  retentionReport,
  segmentCountReport,
  sourcesReport,
  streamReport,
} from './merge';
import { periodMs, type FunnelInput, type MessagesInput, type PathsInput, type RetentionInput, type SourcesInput } from './reports';
import { SEGMENT_COUNT_NOTE } from './segment-count';
import { shardCount, shardName } from './shards';
import type { SynthSpec } from './synthetic';

/** Per isolate: the last shard history seen per site (only ever grows). */
const histories = new Map<string, number[]>();
const siteStores = new WeakMap<KVNamespace, SiteStore>();

/**
 * With more than one shard, the live stream shows events stored at least this long ago: shards
 * stamp seqs with their own clocks, and a cursor must not pass an event another shard is still
 * storing.
 */
export const STREAM_SETTLE_MS = 1_000;

type Stub = ReturnType<Env['ANALYTICS']['get']>;

type ConfigReader = (site: string) => Promise<SiteConfig | null>;

export class SiteShards {
  /** `readConfig`: the site config (default: the isolate's cached SiteStore; tests read it fresh). */
  constructor(
    private readonly env: Env,
    readonly site: string,
    private readonly readConfig?: ConfigReader,
  ) {}

  stub(shard: number): Stub {
    return this.env.ANALYTICS.get(this.env.ANALYTICS.idFromName(shardName(this.site, shard)));
  }

  private config(): Promise<SiteConfig | null> {
    if (this.readConfig) return this.readConfig(this.site);
    let store = siteStores.get(this.env.CONFIG);
    if (!store) {
      store = new SiteStore(this.env.CONFIG);
      siteStores.set(this.env.CONFIG, store);
    }
    // A site with an unreadable config keeps its shards: only a raise is ever read from it.
    return store.get(this.site).catch(() => null);
  }

  /** The site's shard counts so far; asks shard 0 only when the config names a count above the cached ones. */
  async history(): Promise<number[]> {
    const configured = (await this.config())?.analyticsShards ?? 1;
    const cached = histories.get(this.site);
    if (cached && cached[cached.length - 1]! >= configured) return cached;
    const history = await this.stub(0).shardHistory(configured);
    histories.set(this.site, history);
    return history;
  }

  /** `f` on every shard a visitor can be in, in parallel, answers in shard order. */
  async all<T>(f: (stub: Stub, shard: number) => Promise<T>): Promise<T[]> {
    const n = shardCount(await this.history());
    return Promise.all(Array.from({ length: n }, (_, shard) => f(this.stub(shard), shard)));
  }

  async funnel(q: FunnelInput): Promise<FunnelReport> {
    const started = Date.now();
    const parts = await this.all((s) => s.funnelPart(q));
    const plans = q.steps.slice(1).map((_, i) => planMedian(parts.map((p) => p.gaps[i]!)));
    const medians: (number | null)[] = [null, ...plans.map((p) => ('median' in p ? p.median : null))];
    const bounds = gapBounds(plans);
    if (bounds) {
      // Exact medians over shards: a second pass for the values in the brackets (merge.ts).
      const slices = await this.all((s) => s.funnelGaps(q, bounds));
      bounds.forEach((b, i) => {
        if (!b) return;
        const total = parts.reduce((n, p) => n + p.gaps[i]!.count, 0);
        medians[i + 1] = medianFromSlices(
          total,
          slices.map((sl) => sl[i] ?? { below: 0, values: [] }),
        );
      });
    }
    return funnelReport(q, parts, medians, Date.now() - started);
  }

  async paths(q: PathsInput): Promise<PathsReport> {
    return pathsReport(q, await this.all((s) => s.pathsPart(q)));
  }

  async retention(q: RetentionInput, now: number): Promise<RetentionReport> {
    return retentionReport(q, periodMs(q.period), await this.all((s) => s.retentionPart(q)), now);
  }

  async sources(q: SourcesInput & { limit: number }): Promise<SourcesReport> {
    return sourcesReport(q, await this.all((s) => s.sourcesPart(q)));
  }

  /**
   * Messages and slot experiments, checked against the config's current split. Bandit messages also get what the bandit does now (`bandit`): from the site config and the
   * published table `bandit:<site>` (analytics/bandit.ts).
   */
  async messages(q: MessagesInput): Promise<MessagesReport> {
    const config = await this.config();
    const allocations = new Map(
      (config?.messages ?? []).map((m) => [m.id, { variants: m.variants, holdout: m.holdout, bandit: Boolean(m.bandit) && m.variants.length > 1 }]),
    );
    const slotHoldouts = new Map((config?.slots ?? []).flatMap((slot) => (slot.experiment ? [[slot.id, slot.experiment.holdout] as const] : [])));
    const report = messagesReport(q, await this.all((s) => s.messagesPart(q)), allocations, slotHoldouts);
    const bandits = new Map((config?.messages ?? []).filter((m) => m.bandit && m.variants.length > 1).map((m) => [m.id, m]));
    if (!report.messages.some((m) => bandits.has(m.message))) return report;
    const table = await this.env.CONFIG.get<BanditTable>(`bandit:${this.site}`, 'json');
    for (const m of report.messages) {
      const message = bandits.get(m.message);
      if (message) m.bandit = banditReport(message, table);
    }
    return report;
  }

  async overview(minutes: number, now: number): Promise<OverviewReport> {
    return overviewReport(minutes, now, await this.all((s) => s.overviewPart(minutes, now)));
  }

  async stream(after: number | undefined, limit: number, now: number): Promise<StreamReport> {
    const n = shardCount(await this.history());
    // One shard's seqs are its own order: nothing to wait for.
    const upTo = n === 1 ? Number.MAX_SAFE_INTEGER : (now - STREAM_SETTLE_MS) * SEQ_UNITS_PER_MS * SEQ_SHARD_BITS + SEQ_SHARD_BITS - 1;
    return streamReport(after, limit, await this.all((s) => s.streamPart(after, limit, upTo)));
  }

  async profiles(q: string, by: 'any' | 'user' | 'visitor' | 'trait', limit: number): Promise<ProfileSearchReport> {
    return profilesReport(limit, await this.all((s) => s.profilesPart(q, by, limit)));
  }

  async segmentCount(condition: Condition, now: number): Promise<SegmentCountReport> {
    return segmentCountReport(SEGMENT_COUNT_SAMPLE, SEGMENT_COUNT_NOTE, await this.all((s) => s.segmentCountPart(condition, now)));
  }
}

/**
 * Synthetic visitors (synthetic.ts), each stored in the shard a new visitor goes to: every shard
 * generates its own share from the spec, in parallel (fast enough to seed 10M events locally).
 */
export async function seedSynthetic(shards: SiteShards, spec: SynthSpec): Promise<{ events: number; visitors: number }> {
  const history = await shards.history();
  const done = await shards.all((stub, shard) => stub.seedSynthetic(spec, history, shard));
  return done.reduce((sum, d) => ({ events: sum.events + d.events, visitors: sum.visitors + d.visitors }), { events: 0, visitors: 0 });
}
