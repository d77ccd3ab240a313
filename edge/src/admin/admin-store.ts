/**
 * The AdminStore Durable Object (one instance, `idFromName('admin')`): the single writer of site
 * configs, plus admin sessions, login lockout, the audit log and the webhook delivery log. Each
 * table has its own module; this class only orders the steps of a write.
 *
 * A config write starts from the site's newest row in `site_versions` (site-versions.ts), is
 * checked against the version the caller edited and validated (site-edit.ts), appended as a new
 * version, published to KV `site:<id>` (the edge's read path, config/site-store.ts) and audited.
 */
import { DurableObject } from 'cloudflare:workers';
import type { SiteConfig, SiteConfigInput } from '../../../protocol/config/site';
import { SiteStore } from '../config/site-store';
import { DEMO_SITE } from '../demo/seed';
import { hostnameConflict, indexAddedHostnames, settleHostnames } from '../proxy/host-index';
import { MigratedSql } from '../storage/migrations';
import type { DeliveryAttempt, DeliveryLogEntry } from '../webhooks/log';
import { AuditLog, type AuditEntry } from './audit';
import { LoginLockout } from './lockout';
import { ADMIN_USER, Sessions, type NewSession, type SessionInfo } from './sessions';
import { applyChange, seedEdit, type Edit, type EditFailure, type SiteChange } from './site-edit';
import { SiteVersions, type SiteSummary } from './site-versions';
import { WebhookLog } from './webhook-log';
import { ADMIN_MIGRATIONS } from './schema';
import { adoptedSite, unadoptedSiteIds } from './adopt';

export type WriteResult = { ok: true; config: SiteConfig } | EditFailure;
export type SeedResult = { seeded: boolean; version: number };

export class AdminStore extends DurableObject<Env> {
  private readonly db = new MigratedSql(this.ctx.storage, ADMIN_MIGRATIONS);
  private readonly sessions = new Sessions(this.db);
  private readonly lockout = new LoginLockout(this.db);
  private readonly auditLog = new AuditLog(this.db);
  private readonly versions = new SiteVersions(this.db);
  private readonly webhookLog = new WebhookLog(this.db);
  /** Config writes run one at a time: each awaits KV, and the next must start from its version. */
  private writes: Promise<unknown> = Promise.resolve();

  // ---- sessions and login lockout -------------------------------------------------------

  /** `user` is ADMIN_USER for a password login, the email for a Cloudflare Access one (admin/access.ts). */
  async createSession(user: string = ADMIN_USER): Promise<NewSession> {
    return this.sessions.create(user);
  }

  async session(sessionId: string): Promise<SessionInfo | null> {
    return this.sessions.find(sessionId);
  }

  async endSession(sessionId: string): Promise<void> {
    return this.sessions.end(sessionId);
  }

  /** Seconds until `client` may try again, or null when it may try now. */
  async lockedFor(client: string): Promise<number | null> {
    return this.lockout.lockedFor(client);
  }

  async loginFailed(client: string): Promise<void> {
    this.lockout.failed(client);
  }

  async loginSucceeded(client: string): Promise<void> {
    this.lockout.succeeded(client);
  }

  // ---- site configs ---------------------------------------------------------------------

  /** The site's newest version; a site put straight into KV is adopted once (adopt.ts). */
  private async current(id: string): Promise<SiteConfig | null> {
    return this.versions.latest(id) ?? (await adoptedSite(this.env.CONFIG, this.versions, id));
  }

  async getSite(id: string): Promise<SiteConfig | null> {
    return this.current(id);
  }

  async listSites(): Promise<SiteSummary[]> {
    const known = this.versions.summaries();
    for (const id of await unadoptedSiteIds(this.env.CONFIG, new Set(known.map((s) => s.id)))) {
      const site = await adoptedSite(this.env.CONFIG, this.versions, id);
      if (site) known.push({ id, name: site.name, version: site.version });
    }
    return known.sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Check the version, validate, publish, audit: one write at a time. */
  async write(siteId: string, change: SiteChange, baseVersion: number, who: string): Promise<WriteResult> {
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

  /** The new version row, then KV, then the hostname claims and the audit entry. */
  private async publish(siteId: string, current: SiteConfig | null, edit: Edit, who: string): Promise<WriteResult> {
    // A proxy hostname belongs to one site: refuse one another site holds; index the new ones.
    const taken = await hostnameConflict(this.db.sql, this.env.CONFIG, siteId, current, edit.next, (id) => this.current(id));
    if (taken) return taken;
    await indexAddedHostnames(this.env.CONFIG, siteId, current, edit.next);
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
    await settleHostnames(this.db.sql, this.env.CONFIG, siteId, current, written);
    this.auditLog.record(siteId, edit, written.version, who, now);
    return { ok: true, config: written };
  }

  /** The site's audit log, newest first. */
  async audit(siteId: string, limit = 100): Promise<AuditEntry[]> {
    return this.auditLog.list(siteId, limit);
  }

  // ---- webhook delivery log -------------------------------------------------------------

  /** One delivery attempt, reported by the visitor profile that made it. */
  async recordWebhookAttempt(site: string, attempt: DeliveryAttempt): Promise<void> {
    this.webhookLog.record(site, attempt);
  }

  /** A webhook's delivery attempts, newest first. */
  async webhookDeliveries(site: string, webhook: string, limit = 100): Promise<DeliveryLogEntry[]> {
    return this.webhookLog.list(site, webhook, limit);
  }
}

/** The one AdminStore instance. */
export function adminStore(env: Env): DurableObjectStub<AdminStore> {
  return env.ADMIN.get(env.ADMIN.idFromName('admin'));
}
