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
import { Drafts, type DraftState } from './drafts';
import { conflicts, editDraft, effectiveDraft, publishEdit, revertEdit, withChanges, type DraftChange, type DraftCollection } from './draft-edit';
import { QaLinks, type QaLinkRecord } from '../qa/links';
import { EmailSiteStore, type EmailLogRecord } from '../email/site-store';
import { maskAddress } from '../email/policy';
import type { EmailLogEntry, Suppression } from '../../../protocol/email';
import type { ImportJob } from '../../../protocol/audiences';
import { chunkDone, createImportJob, readImportJob, recordImportChunk, type ChunkOutcome } from '../audiences/import-jobs';

export type WriteResult = { ok: true; config: SiteConfig } | EditFailure;
export type SeedResult = { seeded: boolean; version: number };

/** The draft as SiteAdmin holds it: live, the changes, the effective draft (live + changes) and its review and schedule. */
export type DraftSnapshot = {
  live: SiteConfig;
  changes: DraftChange[];
  /** Live + changes; not validated when live moved under it (publishing says what is wrong). */
  effective: Record<string, unknown>;
  conflicts: string[];
  state: DraftState;
};
export type DraftResult = ({ ok: true } & DraftSnapshot) | EditFailure;

/** One version as the versions list shows it. */
export type VersionInfo = { version: number; at: number; actor: string; summary: string };

/** KV key of the effective draft (format of `site:<id>`), for QA links and previews. */
export const draftKey = (site: string) => `draft:${site}`;

export class SiteAdmin extends DurableObject<Env> {
  private readonly db = new MigratedSql(this.ctx.storage, SITE_ADMIN_MIGRATIONS);
  private readonly meta = new SiteMeta(this.db);
  private readonly versions = new SiteVersions(this.db);
  private readonly auditLog = new AuditLog(this.db);
  private readonly webhookLog = new WebhookLog(this.db);
  private readonly drafts = new Drafts(this.db);
  private readonly qaLinks = new QaLinks(this.db);
  private readonly email = new EmailSiteStore(this.db);
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

  /**
   * Check the version, validate, publish, audit: one write at a time. `mayPublish`: whether the
   * caller holds `publish`; without it, a site that requires approval refuses direct item writes.
   */
  async write(siteId: string, change: SiteChange, baseVersion: number, who: string, mayPublish = true): Promise<WriteResult> {
    await this.open(siteId);
    return this.serialized(async () => {
      const current = await this.current(siteId);
      if (current?.requireApproval && !mayPublish && change.kind !== 'put-site') {
        return {
          ok: false,
          status: 403,
          error: `site "${siteId}" requires approval: edit the draft (/sites/${siteId}/draft/...) and submit it for a publisher to approve`,
        } as const;
      }
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
    // The draft applies to the new live version now: its KV copy follows.
    if (edit.action !== 'publish' && this.drafts.changes(siteId).length > 0) await this.storeDraft(siteId, written);
    return { ok: true, config: written };
  }

  // ---- the draft (draft-edit.ts, drafts.ts; docs/drafts-and-versions.md) ----------------

  private async liveOrMissing(siteId: string): Promise<SiteConfig | EditFailure> {
    return (await this.current(siteId)) ?? { ok: false, status: 404, error: `unknown site "${siteId}"` };
  }

  private snapshot(siteId: string, live: SiteConfig): DraftSnapshot {
    const changes = this.drafts.changes(siteId);
    const valid = effectiveDraft(live, changes);
    return {
      live,
      changes,
      effective: valid.ok ? valid.config : { ...withChanges(live, changes), version: live.version },
      conflicts: conflicts(live, changes),
      state: this.drafts.state(siteId),
    };
  }

  /** KV `draft:<id>`: the effective draft in the format of `site:<id>`, or nothing when there is no draft. */
  private async storeDraft(siteId: string, live: SiteConfig): Promise<void> {
    const changes = this.drafts.changes(siteId);
    const effective = changes.length > 0 ? effectiveDraft(live, changes) : null;
    if (effective?.ok) await this.env.CONFIG.put(draftKey(siteId), JSON.stringify(effective.config));
    else await this.env.CONFIG.delete(draftKey(siteId));
  }

  async draft(siteId: string): Promise<DraftResult> {
    await this.open(siteId);
    const live = await this.liveOrMissing(siteId);
    if ('ok' in live) return live;
    return { ok: true, ...this.snapshot(siteId, live) };
  }

  /** One item put (`item`) or deleted (no `item`) in the draft; a submitted draft goes back to editing. */
  async editDraft(siteId: string, edit: { collection: DraftCollection; id: string; item?: unknown }, who: string): Promise<DraftResult> {
    await this.open(siteId);
    return this.serialized(async () => {
      const live = await this.liveOrMissing(siteId);
      if ('ok' in live) return live;
      const result = editDraft(siteId, live, this.drafts.changes(siteId), edit, who, Date.now());
      if (!result.ok) return result;
      if (result.change) this.drafts.put(siteId, result.change);
      else this.drafts.drop(siteId, result.key.collection, result.key.id);
      if (this.drafts.state(siteId).submitted) this.drafts.unsubmit(siteId);
      await this.storeDraft(siteId, live);
      return { ok: true, ...this.snapshot(siteId, live) };
    });
  }

  /** Drops every change, the review and the schedule. */
  async discardDraft(siteId: string, who: string): Promise<DraftResult> {
    await this.open(siteId);
    return this.serialized(async () => {
      const live = await this.liveOrMissing(siteId);
      if ('ok' in live) return live;
      const count = this.drafts.changes(siteId).length;
      if (count === 0) return { ok: false, status: 404, error: `site "${siteId}" has no draft` } as const;
      await this.clearDraft(siteId);
      this.recordDraftEvent(siteId, live, 'discard', `discarded the draft (${count} change${count === 1 ? '' : 's'})`, who);
      return { ok: true, ...this.snapshot(siteId, live) };
    });
  }

  private async clearDraft(siteId: string): Promise<void> {
    const hadSchedule = this.drafts.state(siteId).schedule !== null;
    this.drafts.clear(siteId);
    if (hadSchedule) await this.ctx.storage.deleteAlarm();
    await this.env.CONFIG.delete(draftKey(siteId));
  }

  private recordDraftEvent(
    siteId: string,
    live: SiteConfig,
    action: 'submit' | 'reject' | 'schedule' | 'unschedule' | 'discard',
    summary: string,
    who: string,
  ): void {
    this.auditLog.record(siteId, { action, path: `sites/${siteId}/draft`, beforeVersion: live.version, changed: [], summary }, live.version, who, Date.now());
  }

  /** The refusal for a principal without `publish` when the site requires approval. */
  private needsApproval(siteId: string, live: SiteConfig, mayPublish: boolean, what: string): EditFailure | null {
    if (!live.requireApproval || mayPublish) return null;
    return { ok: false, status: 403, error: `site "${siteId}" requires approval: only a publisher may ${what}; submit the draft for review instead` };
  }

  /**
   * The draft as the next live version (publish, approve, or the schedule's alarm): refused while
   * live moved under a drafted item. Each drafted item gets its own audit entry, by its author, at
   * the new version; the publish entry names who published.
   */
  async publishDraft(siteId: string, who: string, mayPublish: boolean, action: 'publish' | 'approve' = 'publish'): Promise<WriteResult> {
    await this.open(siteId);
    return this.serialized(async () => {
      const live = await this.liveOrMissing(siteId);
      if ('ok' in live) return live;
      const refused = this.needsApproval(siteId, live, mayPublish, 'publish the draft');
      if (refused) return refused;
      const state = this.drafts.state(siteId);
      if (action === 'approve' && !state.submitted) return { ok: false, status: 404, error: `site "${siteId}" has no draft waiting for approval` } as const;
      return this.publishNow(siteId, live, who, action === 'approve' && state.submitted ? ` (submitted by ${state.submitted.by}, approved)` : '');
    });
  }

  private async publishNow(siteId: string, live: SiteConfig, who: string, note: string): Promise<WriteResult> {
    const changes = this.drafts.changes(siteId);
    const floor = siteId === DEMO_SITE.id ? DEMO_SITE.version : 0;
    const edit = publishEdit(siteId, live, changes, floor);
    if (!edit.ok) return edit;
    const result = await this.publish(siteId, live, { ...edit, summary: edit.summary + note }, who);
    if (!result.ok) return result;
    const at = Date.now();
    for (const change of changes) {
      const noun = change.collection.slice(0, -1);
      const action = change.item === null ? 'delete' : change.base === null ? 'create' : 'update';
      const verb = { create: 'created', update: 'updated', delete: 'deleted' }[action];
      this.auditLog.record(
        siteId,
        {
          action,
          path: `sites/${siteId}/${change.collection}/${change.id}`,
          beforeVersion: live.version,
          changed: [change.collection],
          summary: `${verb} ${noun} "${change.id}" (in the draft published by ${who})`,
        },
        result.config.version,
        change.by,
        at,
      );
    }
    await this.clearDraft(siteId);
    return result;
  }

  /** Asks a publisher to review the draft. */
  async submitDraft(siteId: string, who: string): Promise<DraftResult> {
    await this.open(siteId);
    return this.serialized(async () => {
      const live = await this.liveOrMissing(siteId);
      if ('ok' in live) return live;
      if (this.drafts.changes(siteId).length === 0) return { ok: false, status: 404, error: `site "${siteId}" has no draft to submit` } as const;
      this.drafts.submit(siteId, who, Date.now());
      this.recordDraftEvent(siteId, live, 'submit', 'submitted the draft for approval', who);
      return { ok: true, ...this.snapshot(siteId, live) };
    });
  }

  /** Sends a submitted draft back to editing (its changes stay). */
  async rejectDraft(siteId: string, who: string, reason: string | undefined): Promise<DraftResult> {
    await this.open(siteId);
    return this.serialized(async () => {
      const live = await this.liveOrMissing(siteId);
      if ('ok' in live) return live;
      if (!this.drafts.state(siteId).submitted) return { ok: false, status: 404, error: `site "${siteId}" has no draft waiting for approval` } as const;
      this.drafts.unsubmit(siteId);
      this.recordDraftEvent(siteId, live, 'reject', `rejected the draft${reason ? `: ${reason}` : ''}`, who);
      return { ok: true, ...this.snapshot(siteId, live) };
    });
  }

  /** Publishes the draft at `at` (the object's alarm); replaces an earlier schedule. */
  async scheduleDraft(siteId: string, at: number, who: string, mayPublish: boolean): Promise<DraftResult> {
    await this.open(siteId);
    return this.serialized(async () => {
      const live = await this.liveOrMissing(siteId);
      if ('ok' in live) return live;
      const refused = this.needsApproval(siteId, live, mayPublish, 'schedule the draft');
      if (refused) return refused;
      if (this.drafts.changes(siteId).length === 0) return { ok: false, status: 404, error: `site "${siteId}" has no draft to schedule` } as const;
      if (at <= Date.now())
        return { ok: false, status: 400, error: 'the time must be in the future', issues: [{ path: 'at', message: 'must be in the future' }] } as const;
      this.drafts.schedule(siteId, at, who);
      await this.ctx.storage.setAlarm(at);
      this.recordDraftEvent(siteId, live, 'schedule', `scheduled the draft to publish at ${new Date(at).toISOString()}`, who);
      return { ok: true, ...this.snapshot(siteId, live) };
    });
  }

  async cancelSchedule(siteId: string, who: string): Promise<DraftResult> {
    await this.open(siteId);
    return this.serialized(async () => {
      const live = await this.liveOrMissing(siteId);
      if ('ok' in live) return live;
      const schedule = this.drafts.state(siteId).schedule;
      if (!schedule) return { ok: false, status: 404, error: `site "${siteId}" has no scheduled publish` } as const;
      this.drafts.unschedule(siteId);
      await this.ctx.storage.deleteAlarm();
      this.recordDraftEvent(siteId, live, 'unschedule', `cancelled the publish scheduled at ${new Date(schedule.at).toISOString()}`, who);
      return { ok: true, ...this.snapshot(siteId, live) };
    });
  }

  /**
   * The scheduled publish (SiteAdmin's only use of its alarm). As whoever scheduled it; a publish
   * the draft cannot make (live moved under it, or it became invalid) is dropped from the schedule
   * with an audit entry saying why, and the draft stays for a person to fix.
   */
  override async alarm(): Promise<void> {
    const due = this.drafts.scheduled();
    if (!due) return;
    if (due.at > Date.now()) {
      await this.ctx.storage.setAlarm(due.at);
      return;
    }
    await this.open(due.site);
    await this.serialized(async () => {
      const live = await this.current(due.site);
      if (!live) return;
      const result = await this.publishNow(due.site, live, due.by, ' (on schedule)');
      if (!result.ok) {
        this.drafts.unschedule(due.site);
        this.recordDraftEvent(due.site, live, 'unschedule', `the scheduled publish failed, the draft is kept: ${result.error}`, due.by);
      }
    });
  }

  // ---- versions ---------------------------------------------------------------------------

  /** The site's versions, newest first, each with who wrote it and what (from the audit log). */
  async versionList(siteId: string, limit: number): Promise<VersionInfo[]> {
    await this.open(siteId);
    return this.withAuthors(siteId, this.versions.list(siteId, Math.min(Math.max(limit, 1), 1000)));
  }

  private withAuthors(siteId: string, rows: { version: number; writtenAt: number }[]): VersionInfo[] {
    const written = this.auditLog.byVersion(
      siteId,
      rows.map((r) => r.version),
    );
    return rows.map((r) => {
      const entries = written.get(r.version) ?? [];
      // A publish's own entry (action publish/revert) says it best; else every entry's summary.
      const main = entries.find((e) => e.action === 'publish' || e.action === 'revert');
      return {
        version: r.version,
        at: r.writtenAt,
        actor: main?.who ?? ([...new Set(entries.map((e) => e.who))].join(', ') || 'unknown'),
        summary: main?.summary ?? (entries.map((e) => e.summary).join('; ') || 'written before the audit log'),
      };
    });
  }

  /** One version's config, and the version stored before it (null for the first). */
  async versionAt(siteId: string, version: number): Promise<{ info: VersionInfo; config: SiteConfig; previous: SiteConfig | null } | null> {
    await this.open(siteId);
    const found = this.versions.at(siteId, version);
    if (!found) return null;
    const before = this.versions.before(siteId, version);
    const [info] = this.withAuthors(siteId, [{ version, writtenAt: found.writtenAt }]);
    return { info: info!, config: found.config, previous: before === null ? null : (this.versions.at(siteId, before)?.config ?? null) };
  }

  /** One step back to `version`: a NEW version equal to it (webhook secrets stay current: draft-edit.ts revertEdit). */
  async revert(siteId: string, version: number, who: string): Promise<WriteResult> {
    await this.open(siteId);
    return this.serialized(async () => {
      const live = await this.liveOrMissing(siteId);
      if ('ok' in live) return live;
      const old = this.versions.at(siteId, version);
      if (!old) return { ok: false, status: 404, error: `site "${siteId}" has no version ${version}` } as const;
      const floor = siteId === DEMO_SITE.id ? DEMO_SITE.version : 0;
      const edit = revertEdit(siteId, live, old.config, floor);
      return edit.ok ? this.publish(siteId, live, edit, who) : edit;
    });
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

  /** False when the site holds the most links it may. A shareable link (not a preview token) is audited. */
  async createQaLink(site: string, link: QaLinkRecord): Promise<boolean> {
    await this.open(site);
    if (!this.qaLinks.create(site, link, Date.now())) return false;
    if (link.kind === 'link')
      await this.recordQaEvent(
        site,
        link,
        'share',
        `shared QA link "${link.label}" (${link.id}) until ${new Date(link.expiresAt).toISOString()}`,
        link.createdBy,
      );
    return true;
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

  async revokeQaLink(site: string, id: string, who: string): Promise<QaLinkRecord | null> {
    await this.open(site);
    const wasOpen = this.qaLinks.get(site, id)?.revokedAt === null;
    const link = this.qaLinks.revoke(site, id, Date.now());
    if (link && wasOpen) await this.recordQaEvent(site, link, 'unshare', `revoked QA link "${link.label}" (${link.id})`, who);
    return link;
  }

  /** Who can see what through a link belongs in the log beside the config changes. */
  private async recordQaEvent(site: string, link: QaLinkRecord, action: 'share' | 'unshare', summary: string, who: string): Promise<void> {
    const version = (await this.current(site))?.version ?? 0;
    this.auditLog.record(site, { action, path: `sites/${site}/qa-links/${link.id}`, beforeVersion: version, changed: [], summary }, version, who, Date.now());
  }

  // ---- e-mail (email/site-store.ts): suppression list, delivery log, provider token ---------

  async emailSuppressed(site: string, address: string): Promise<boolean> {
    await this.open(site);
    return this.email.isSuppressed(site, address);
  }

  /**
   * An unsubscribe, a bounce or an admin's entry; an address already listed keeps its first reason.
   * An admin's change (`who`) is audited, with the address masked.
   */
  async suppressEmail(site: string, address: string, reason: string, who?: string): Promise<void> {
    await this.open(site);
    this.email.suppress(site, address, reason, Date.now());
    if (who) await this.recordEmailEvent(site, 'create', 'suppressions', `suppressed ${maskAddress(address)}`, who);
  }

  async unsuppressEmail(site: string, address: string, who: string): Promise<boolean> {
    await this.open(site);
    const removed = this.email.unsuppress(site, address);
    if (removed) await this.recordEmailEvent(site, 'delete', 'suppressions', `removed ${maskAddress(address)} from the suppression list`, who);
    return removed;
  }

  private async recordEmailEvent(site: string, action: 'create' | 'update' | 'delete', what: string, summary: string, who: string): Promise<void> {
    const version = (await this.current(site))?.version ?? 0;
    this.auditLog.record(site, { action, path: `sites/${site}/email/${what}`, beforeVersion: version, changed: [], summary }, version, who, Date.now());
  }

  async emailSuppressions(site: string, limit = 100): Promise<Suppression[]> {
    await this.open(site);
    return this.email.suppressions(site, limit);
  }

  async recordEmail(site: string, record: EmailLogRecord): Promise<void> {
    await this.open(site);
    this.email.log(site, record);
  }

  async emailDeliveries(site: string, limit = 100): Promise<EmailLogEntry[]> {
    await this.open(site);
    return this.email.deliveries(site, limit);
  }

  /** Write-only from the admin API; read by the visitor profiles that send. Null clears it. */
  async setEmailToken(site: string, token: string | null, who: string): Promise<void> {
    await this.open(site);
    if (token === null) this.email.clearToken(site);
    else this.email.setToken(site, token, Date.now());
    await this.recordEmailEvent(
      site,
      token === null ? 'delete' : 'update',
      'provider-token',
      token === null ? 'removed the e-mail provider token' : 'set the e-mail provider token',
      who,
    );
  }

  async emailToken(site: string): Promise<string | null> {
    await this.open(site);
    return this.email.token(site);
  }

  // ---- Trait imports (audiences/import-jobs.ts; docs/audiences.md) ---------------------------

  async importJob(site: string, id: string): Promise<ImportJob | null> {
    await this.open(site);
    return readImportJob(this.ctx.storage, id);
  }

  async createImportJob(site: string, job: ImportJob): Promise<{ job: ImportJob; created: boolean }> {
    await this.open(site);
    return createImportJob(this.ctx.storage, job);
  }

  async importChunkDone(site: string, id: string, firstRow: number): Promise<boolean> {
    await this.open(site);
    return chunkDone(this.ctx.storage, id, firstRow);
  }

  async recordImportChunk(site: string, id: string, outcome: ChunkOutcome): Promise<ImportJob | null> {
    await this.open(site);
    return recordImportChunk(this.ctx.storage, id, outcome, Date.now());
  }
}
