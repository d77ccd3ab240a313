/**
 * The SiteAdmin Durable Object (one per site, `idFromName(site)`): the single writer of that site's
 * config, and the keeper of its version history, audit log and webhook delivery log. Each table has
 * its own module; this class only orders the steps of a write. What spans sites stays in the small
 * global AdminStore (admin-store.ts): the list of sites, the proxy hostname index, login lockout.
 *
 * A config write starts from the site's newest row in `site_versions` (site-versions.ts), is
 * checked against the version the caller edited and validated (site-edit.ts), has its hostnames
 * claimed in AdminStore, is appended as a new version, published to KV `site:<id>` (the edge's read
 * path, config/site-store.ts), audited, and reported to AdminStore's site list.
 *
 * On first use the object takes its site's rows from AdminStore, where they lived before
 * (legacy-move.ts). Every method names its site, which must be the object's own.
 */
import { DurableObject } from 'cloudflare:workers';
import type { SiteConfig, SiteConfigInput } from '../../../protocol/config/site';
import { SiteStore } from '../config/site-store';
import { DEMO_SITE } from '../demo/seed';
import { MigratedSql } from '../storage/migrations';
import type { DeliveryAttempt, DeliveryLogEntry } from '../webhooks/log';
import { adminStore } from './objects';
import { adoptedSite } from './adopt';
import { AuditLog, type AuditEntry } from './audit';
import { SiteMeta } from './legacy-move';
import { SITE_ADMIN_MIGRATIONS } from './schema';
import { applyChange, seedEdit, type Edit, type EditFailure, type SiteChange } from './site-edit';
import { SiteVersions } from './site-versions';
import { WebhookLog } from './webhook-log';
import { QaLinks, type QaLinkRecord } from '../qa/links';

export type WriteResult = { ok: true; config: SiteConfig } | EditFailure;
export type SeedResult = { seeded: boolean; version: number };

export class SiteAdmin extends DurableObject<Env> {
  private readonly db = new MigratedSql(this.ctx.storage, SITE_ADMIN_MIGRATIONS);
  private readonly meta = new SiteMeta(this.db);
  private readonly versions = new SiteVersions(this.db);
  private readonly auditLog = new AuditLog(this.db);
  private readonly webhookLog = new WebhookLog(this.db);
  private readonly qaLinks = new QaLinks(this.db);
  /** Config writes run one at a time: each awaits KV, and the next must start from its version. */
  private writes: Promise<unknown> = Promise.resolve();
  /** The first use's move from AdminStore; every method waits for it. */
  private opened: Promise<void> | null = null;

  private open(site: string): Promise<void> {
    this.meta.claim(site);
    this.opened ??= this.moveIn(site).catch((err: unknown) => {
      this.opened = null; // the next call tries again
      throw err;
    });
    return this.opened;
  }

  /** This site's rows from AdminStore, once (legacy-move.ts). */
  private async moveIn(site: string): Promise<void> {
    if (this.meta.moved()) return;
    const admin = adminStore(this.env);
    const legacy = await admin.legacySite(site);
    this.ctx.storage.transactionSync(() => {
      this.versions.insertRows(legacy.versions);
      this.auditLog.insertRows(legacy.audit);
      this.webhookLog.insertRows(legacy.deliveries);
      this.meta.markMoved(Date.now());
    });
    if (legacy.versions.length + legacy.audit.length + legacy.deliveries.length > 0) await admin.dropLegacySite(site);
  }

  // ---- site config ----------------------------------------------------------------------

  /** The site's newest version; a site put straight into KV is adopted once (adopt.ts; sites.ts lists it). */
  private async current(id: string): Promise<SiteConfig | null> {
    return this.versions.latest(id) ?? (await adoptedSite(this.env.CONFIG, this.versions, id));
  }

  async getSite(id: string): Promise<SiteConfig | null> {
    await this.open(id);
    return this.current(id);
  }

  /** Check the version, validate, publish, audit: one write at a time. */
  async write(siteId: string, change: SiteChange, baseVersion: number, who: string): Promise<WriteResult> {
    await this.open(siteId);
    return this.serialized(async () => {
      const current = await this.current(siteId);
      const floor = siteId === DEMO_SITE.id ? DEMO_SITE.version : 0;
      const edit = applyChange(siteId, current, change, baseVersion, floor);
      return edit.ok ? this.publish(siteId, current, edit, who) : edit;
    });
  }

  /**
   * The development seed (demo/seed-demo.ts): writes `seed` at its own version when the site is
   * missing or older, through the same publish and audit as an admin write.
   */
  async seedSite(seed: SiteConfigInput, who: string): Promise<SeedResult> {
    await this.open(seed.id);
    return this.serialized(async () => {
      const current = await this.current(seed.id);
      const edit = seedEdit(current, seed);
      if (!edit) return { seeded: false, version: current?.version ?? 0 };
      const result = await this.publish(seed.id, current, edit, who);
      if (!result.ok) throw new Error(`the seed of site "${seed.id}" was refused: ${result.error}`);
      return { seeded: true, version: result.config.version };
    });
  }

  private serialized<T>(step: () => Promise<T>): Promise<T> {
    const run = this.writes.then(step);
    this.writes = run.catch(() => undefined);
    return run;
  }

  /** The hostname claims, the new version row, KV, the audit entry, then the site list and released hostnames. */
  private async publish(siteId: string, current: SiteConfig | null, edit: Edit, who: string): Promise<WriteResult> {
    const admin = adminStore(this.env);
    // A proxy hostname belongs to one site: AdminStore refuses one another site holds and indexes the new ones.
    const taken = await admin.claimHostnames(siteId, current, edit.next);
    if (taken) return taken;
    const now = Date.now();
    this.versions.append(edit.next, now);
    let written: SiteConfig;
    try {
      written = await new SiteStore(this.env.CONFIG).put(edit.next);
    } catch (err) {
      // Not published: take the version back, so the caller may retry with the same base version.
      this.versions.discard(siteId, edit.next.version);
      throw err;
    }
    this.auditLog.record(siteId, edit, written.version, who, now);
    await admin.settleSite(siteId, current, written);
    return { ok: true, config: written };
  }

  /** The site's audit log, newest first. */
  async audit(siteId: string, limit = 100): Promise<AuditEntry[]> {
    await this.open(siteId);
    return this.auditLog.list(siteId, limit);
  }

  // ---- webhook delivery log -------------------------------------------------------------

  /** One delivery attempt, reported by the visitor profile that made it. */
  async recordWebhookAttempt(site: string, attempt: DeliveryAttempt): Promise<void> {
    await this.open(site);
    this.webhookLog.record(site, attempt);
  }

  /** A webhook's delivery attempts, newest first. */
  async webhookDeliveries(site: string, webhook: string, limit = 100): Promise<DeliveryLogEntry[]> {
    await this.open(site);
    return this.webhookLog.list(site, webhook, limit);
  }

  // ---- QA and preview links (qa/links.ts) -------------------------------------------------

  /** False when the site holds the most links it may. */
  async createQaLink(site: string, link: QaLinkRecord): Promise<boolean> {
    await this.open(site);
    return this.qaLinks.create(site, link, Date.now());
  }

  async listQaLinks(site: string): Promise<QaLinkRecord[]> {
    await this.open(site);
    return this.qaLinks.list(site);
  }

  /** Read on every QA request: a revocation holds from the next one. */
  async qaLink(site: string, id: string): Promise<QaLinkRecord | null> {
    await this.open(site);
    return this.qaLinks.get(site, id);
  }

  async revokeQaLink(site: string, id: string): Promise<QaLinkRecord | null> {
    await this.open(site);
    return this.qaLinks.revoke(site, id, Date.now());
  }
}
