/**
 * One Durable Object per visitor and site: the real-time profile. Single-threaded per visitor, so
 * an acknowledged event is visible to the very next decision (read-your-writes), and the output
 * gate holds each reply until its writes are durable: an acknowledged event is never lost.
 *
 * A thin shell: each RPC checks the erase tombstone, loads the site config version it names
 * (site-config.ts), forwards to the golden record when the browser is linked (identity.ts), and
 * otherwise runs ingest.ts / decisions.ts / alarms.ts / export.ts on the tables of store/.
 */
import { DurableObject } from 'cloudflare:workers';
import type { Decision, WireEvent } from '../../../protocol/wire';
import { BanditCache } from './bandit-cache';
import type { ConfigRef, DecisionContext, IngestResult, ProfileHost, RateLimited } from './context';
import type { ServerConsent } from '../segment/consent';
import { decideNow } from './decisions';
import { exportHere } from './export';
import { acceptLink, eraseLinkedRecord, isGeneration, serverMayLink, stitchedDecide, stitchedExport, stitchedIngest, type IdentityHost } from './identity';
import { admitBatch, ingestHere } from './ingest';
import { alarmConfig, runAlarm } from './alarms';
import { journeyRuntime } from './journeys';
import { loadSiteConfig, rememberConfig } from './site-config';
import { ProfileStore } from './store/profile-store';
import type { ProfileField } from '../../../protocol/config/email';

export type { DecisionContext, IngestResult, RateLimited } from './context';

/** Kept after an erase so the erased id (still validly signed in some browser) is never reused. */
const ERASED_KEY = 'erased_at';

export class VisitorProfile extends DurableObject<Env> {
  private erasedAt: number | null | undefined;
  private readonly host: IdentityHost;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const store = new ProfileStore(ctx.storage);
    const parts: ProfileHost = { env, ctx, store, journeys: journeyRuntime(env, store), bandit: new BanditCache(env.CONFIG) };
    this.host = { ...parts, erase: () => this.erase() };
  }

  private get store(): ProfileStore {
    return this.host.store;
  }

  /** When this profile was erased, or null. Nothing else is left in storage after an erase. */
  async erased(): Promise<number | null> {
    // The synchronous KV read (the same storage as put/delete below): a cold object pays no storage round trip for it.
    if (this.erasedAt === undefined) this.erasedAt = this.ctx.storage.kv.get<number>(ERASED_KEY) ?? null;
    return this.erasedAt;
  }

  /**
   * Appends events, each id once; applies identify / prefs / consent of the newly stored ones.
   * Returns null for an erased profile: the caller must start a new visitor id. Returns
   * `rateLimited` (storing nothing) when the visitor sent more batches than its bucket allows.
   */
  async ingest(site: string, visitorId: string, events: WireEvent[], receivedAt: number, context: DecisionContext): Promise<IngestResult | RateLimited | null> {
    // 1. The site's config version (before the tombstone check: nothing awaits between that and the writes but the bandit weights).
    const config = await loadSiteConfig(this.env.CONFIG, context.config);
    if (await this.erased()) return null;
    await this.host.bandit.load(site, config.messages, context.now);
    // 2. The visitor's rate limit.
    const limited = admitBatch(this.host, receivedAt);
    if (limited) return limited;
    // 3. Identity stitching: a browser linked to a user stores into that user's golden record.
    const stitched = await stitchedIngest(this.host, site, visitorId, events, receivedAt, context);
    if (stitched !== undefined) return stitched;
    // 4. Events, journeys, decisions, alarms.
    return ingestHere(this.host, config, site, visitorId, events, receivedAt, context);
  }

  /** Decisions for the current request without new events (GET /_wm/decide, proxy mode). */
  async decide(context: DecisionContext): Promise<Decision[]> {
    if (await this.erased()) return [];
    const stitched = await stitchedDecide(this.host, context);
    if (stitched !== undefined) return stitched;
    if (!this.store.hasProfile()) return [];
    const config = await loadSiteConfig(this.env.CONFIG, context.config);
    // Erased while the config loaded: nothing may be written any more.
    if (this.erasedAt) return [];
    // Only a site with bandit messages reads their weights (and the site's id for them).
    if (config.messages.some((m) => m.bandit)) {
      const site = this.store.meta('site');
      if (site) await this.host.bandit.load(site, config.messages, context.now);
    }
    rememberConfig(this.store, context.config);
    return decideNow(this.host, config, context);
  }

  /** The alarm: inactivity segment entries, journey waits and webhook deliveries (alarms.ts). */
  override async alarm(): Promise<void> {
    if (await this.erased()) return;
    const config = await alarmConfig(this.host);
    if (this.erasedAt) return;
    await runAlarm(this.host, config, Date.now());
  }

  /**
   * Everything stored about this visitor (GET /_wm/me), as JSON text: the route passes it through
   * untouched, and RPC's structural typing of the recursive PropValue type is too deep for tsc.
   */
  async exportProfile(site: string, visitorId: string): Promise<string | null> {
    if (await this.erased()) return null;
    const stitched = await stitchedExport(this.host, site, visitorId);
    if (stitched !== undefined) return stitched;
    return JSON.stringify(exportHere(this.host, site, visitorId));
  }

  /**
   * Erases everything (DELETE /_wm/me): tables, alarms, all of it, leaving only a tombstone. A
   * browser linked to a user (identify) erases the user's golden record first; the ids of every
   * browser linked to it are returned, since their data elsewhere (analytics) goes too.
   */
  async erase(): Promise<string[]> {
    const linked = (await this.erased()) ? [] : await eraseLinkedRecord(this.host);
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.store.reset();
    this.erasedAt = Date.now();
    await this.ctx.storage.put(ERASED_KEY, this.erasedAt);
    return linked;
  }

  /** The e-mail unsubscribe link (email/unsubscribe-routes.ts): the consent field becomes false. An erased profile has none to clear. */
  async withdrawEmailConsent(field: ProfileField): Promise<void> {
    if (await this.erased()) return;
    if (!this.store.hasProfile()) return;
    this.store.emails.withdrawConsent(field, Date.now());
  }

  // ---- the golden record's side of identity stitching (identity.ts) ----------------------------

  /**
   * Golden record: links a browser (and takes its history, when given) and returns the record's
   * generation. An erased record that is identified again starts over, empty, with a new
   * generation: links made before the erase keep failing, so nothing erased comes back. Null: a
   * server call (Segment HTTP API) that the record's stored choice or the site's policy refuses.
   */
  async link(site: string, userId: string, visitorId: string, history: string | null, config: ConfigRef, server?: ServerConsent): Promise<string | null> {
    const erased = (await this.erased()) !== null;
    // A server call's link that consent refuses writes nothing, not even the restart of an erased record.
    if (!serverMayLink(this.host, server, erased)) return null;
    if (erased) {
      await this.ctx.storage.delete(ERASED_KEY);
      this.erasedAt = null;
      this.store.reset();
    }
    return acceptLink(this.host, site, userId, visitorId, history, config);
  }

  /** Whether a linked browser's generation is this golden record's current one (else: erased for it). */
  private async isGeneration(generation: string): Promise<boolean> {
    return !(await this.erased()) && isGeneration(this.host, generation);
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
    const linked = this.store.linkedVisitors().map((r) => r.visitorId);
    await this.erase();
    return linked;
  }
}
