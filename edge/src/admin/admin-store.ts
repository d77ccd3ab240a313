/**
 * The AdminStore Durable Object (one instance, `idFromName('admin')`): the single strongly
 * consistent write path for site configs, plus admin sessions, login failure counters and the
 * audit log, in SQLite. Every config write is checked against the version the caller edited,
 * validated (site-edit.ts), written to KV `site:<id>` (the edge's read path, config/site-store.ts)
 * and recorded in the audit log.
 */
import { DurableObject } from 'cloudflare:workers';
import { applyMigrations } from '../storage/migrations';
import { siteConfigSchema, type SiteConfig } from '../../../protocol/config/site';
import { SiteStore } from '../config/site-store';
import { DEMO_SITE } from '../demo/seed';
import { toBase64Url } from './password';
import { applyChange, type AuditAction, type EditFailure, type SiteChange } from './site-edit';
import { HOSTNAMES_MIGRATION, hostnameConflict, indexAddedHostnames, settleHostnames } from '../proxy/host-index';
import { WEBHOOK_LOG_KEEP, WEBHOOK_LOG_MIGRATION, type DeliveryAttempt, type DeliveryLogEntry } from '../webhooks/log';

export const ADMIN_USER = 'admin';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
export const LOCKOUT_FAILURES = 5;
export const LOCKOUT_WINDOW_MS = 15 * 60 * 1000;
/** The KV key prefix of config/site-store.ts (`site:<id>`), for listing. */
const SITE_KEY_PREFIX = 'site:';

export type NewSession = { sessionId: string; csrfToken: string; user: string; expiresAt: number };
export type SessionInfo = { user: string; csrfToken: string; expiresAt: number };
export type SiteSummary = { id: string; name: string; version: number };
export type AuditEntry = {
  seq: number;
  at: string;
  who: string;
  action: AuditAction;
  path: string;
  beforeVersion: number;
  afterVersion: number;
  changed: string[];
  summary: string;
};
export type WriteResult = { ok: true; config: SiteConfig } | EditFailure;

const MIGRATIONS: readonly string[] = [
  // 1: sessions (by SHA-256 of the id: a leaked table holds no usable cookie), login failures,
  // the last config each site got through the admin, and the audit log.
  `
CREATE TABLE sessions (id_hash TEXT PRIMARY KEY, user TEXT NOT NULL, csrf TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE login_failures (client TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX login_failures_by_client ON login_failures (client, at);
CREATE TABLE sites (id TEXT PRIMARY KEY, name TEXT NOT NULL, version INTEGER NOT NULL, config TEXT NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  site TEXT NOT NULL,
  at INTEGER NOT NULL,
  who TEXT NOT NULL,
  action TEXT NOT NULL,
  path TEXT NOT NULL,
  before_version INTEGER NOT NULL,
  after_version INTEGER NOT NULL,
  changed TEXT NOT NULL,
  summary TEXT NOT NULL
);
CREATE INDEX audit_by_site ON audit (site, seq);
`,
  // webhook delivery attempts from every visitor profile, per site and webhook (webhooks/log.ts).
  WEBHOOK_LOG_MIGRATION,
  // which site holds each proxy hostname (proxy/host-index.ts); KV `host:<hostname>` mirrors it.
  HOSTNAMES_MIGRATION,
];

const randomToken = () => toBase64Url(crypto.getRandomValues(new Uint8Array(32)));

async function sha256(text: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))));
}

type AuditRow = {
  seq: number;
  at: number;
  who: string;
  action: string;
  path: string;
  before_version: number;
  after_version: number;
  changed: string;
  summary: string;
};

export class AdminStore extends DurableObject<Env> {
  private schemaReady = false;
  /** Config writes run one at a time: each awaits KV, and the next must see its version. */
  private writes: Promise<unknown> = Promise.resolve();

  private get sql(): SqlStorage {
    return this.ctx.storage.sql;
  }

  private ensureSchema(): void {
    if (this.schemaReady) return;
    applyMigrations(this.sql, MIGRATIONS);
    this.schemaReady = true;
  }

  // ---- sessions -------------------------------------------------------------------------

  /** `user` is ADMIN_USER for a password login, the email for a Cloudflare Access one (admin/access.ts). */
  async createSession(user: string = ADMIN_USER): Promise<NewSession> {
    this.ensureSchema();
    const now = Date.now();
    const sessionId = randomToken();
    const csrfToken = randomToken();
    const expiresAt = now + SESSION_TTL_MS;
    this.sql.exec('DELETE FROM sessions WHERE expires_at <= ?', now);
    this.sql.exec(
      'INSERT INTO sessions (id_hash, user, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      await sha256(sessionId),
      user,
      csrfToken,
      now,
      expiresAt,
    );
    return { sessionId, csrfToken, user, expiresAt };
  }

  async session(sessionId: string): Promise<SessionInfo | null> {
    this.ensureSchema();
    const row = this.sql
      .exec<{ user: string; csrf: string; expires_at: number }>('SELECT user, csrf, expires_at FROM sessions WHERE id_hash = ?', await sha256(sessionId))
      .toArray()[0];
    if (!row || row.expires_at <= Date.now()) return null;
    return { user: row.user, csrfToken: row.csrf, expiresAt: row.expires_at };
  }

  async endSession(sessionId: string): Promise<void> {
    this.ensureSchema();
    this.sql.exec('DELETE FROM sessions WHERE id_hash = ?', await sha256(sessionId));
  }

  // ---- login lockout --------------------------------------------------------------------

  /** Seconds until `client` may try again, or null when it may try now. */
  async lockedFor(client: string): Promise<number | null> {
    this.ensureSchema();
    const now = Date.now();
    this.sql.exec('DELETE FROM login_failures WHERE at <= ?', now - LOCKOUT_WINDOW_MS);
    const recent = this.sql.exec<{ at: number }>('SELECT at FROM login_failures WHERE client = ? ORDER BY at DESC LIMIT ?', client, LOCKOUT_FAILURES).toArray();
    const fifth = recent[LOCKOUT_FAILURES - 1];
    if (!fifth) return null;
    // Locked until the 5th most recent failure leaves the window.
    return Math.max(1, Math.ceil((fifth.at + LOCKOUT_WINDOW_MS - now) / 1000));
  }

  async loginFailed(client: string): Promise<void> {
    this.ensureSchema();
    this.sql.exec('INSERT INTO login_failures (client, at) VALUES (?, ?)', client, Date.now());
  }

  async loginSucceeded(client: string): Promise<void> {
    this.ensureSchema();
    this.sql.exec('DELETE FROM login_failures WHERE client = ?', client);
  }

  // ---- site configs ---------------------------------------------------------------------

  /**
   * The newest of: what the admin last wrote, what KV holds (configs written another way, e.g.
   * the demo seed) and, in demo mode, the demo seed the edge would write on first use.
   */
  private async current(id: string): Promise<SiteConfig | null> {
    this.ensureSchema();
    const row = this.sql.exec<{ config: string }>('SELECT config FROM sites WHERE id = ?', id).toArray()[0];
    let best: SiteConfig | null = row ? siteConfigSchema.parse(JSON.parse(row.config)) : null;
    let stored: SiteConfig | null = null;
    try {
      // A fresh store each time: its in-isolate cache must not hide a config written elsewhere.
      stored = await new SiteStore(this.env.CONFIG).get(id);
    } catch (e) {
      console.error(`admin: site ${id} in KV is not valid`, e);
    }
    if (stored && (!best || stored.version > best.version)) best = stored;
    if (this.env.WM_DEMO === '1' && id === DEMO_SITE.id && (!best || best.version < DEMO_SITE.version)) best = siteConfigSchema.parse(DEMO_SITE);
    return best;
  }

  async getSite(id: string): Promise<SiteConfig | null> {
    return this.current(id);
  }

  async listSites(): Promise<SiteSummary[]> {
    this.ensureSchema();
    const sites = new Map<string, SiteSummary>();
    for (const row of this.sql.exec<SiteSummary>('SELECT id, name, version FROM sites').toArray()) sites.set(row.id, { ...row });
    const ids = new Set<string>();
    let cursor: string | undefined;
    do {
      const page: KVNamespaceListResult<unknown, string> = await this.env.CONFIG.list({ prefix: SITE_KEY_PREFIX, ...(cursor ? { cursor } : {}) });
      for (const key of page.keys) ids.add(key.name.slice(SITE_KEY_PREFIX.length));
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    if (this.env.WM_DEMO === '1') ids.add(DEMO_SITE.id);
    for (const id of ids) {
      const site = await this.current(id);
      if (site && (sites.get(id)?.version ?? -1) < site.version) sites.set(id, { id, name: site.name, version: site.version });
    }
    return [...sites.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Check the version, validate, write KV, remember, audit: one write at a time. */
  async write(siteId: string, change: SiteChange, baseVersion: number, who: string): Promise<WriteResult> {
    const run = this.writes.then(() => this.writeNow(siteId, change, baseVersion, who));
    this.writes = run.catch(() => undefined);
    return run;
  }

  private async writeNow(siteId: string, change: SiteChange, baseVersion: number, who: string): Promise<WriteResult> {
    const current = await this.current(siteId);
    const floor = siteId === DEMO_SITE.id ? DEMO_SITE.version : 0;
    const edit = applyChange(siteId, current, change, baseVersion, floor);
    if (!edit.ok) return edit;
    // A proxy hostname belongs to one site: refuse one another site holds; index the new ones.
    const taken = await hostnameConflict(this.sql, this.env.CONFIG, siteId, current, edit.next, (id) => this.current(id));
    if (taken) return taken;
    await indexAddedHostnames(this.env.CONFIG, siteId, current, edit.next);
    // KV first: if it fails nothing is recorded and the caller may retry with the same version.
    const written = await new SiteStore(this.env.CONFIG).put(edit.next);
    await settleHostnames(this.sql, this.env.CONFIG, siteId, current, written);
    const now = Date.now();
    this.sql.exec(
      `INSERT INTO sites (id, name, version, config, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, version = excluded.version, config = excluded.config, updated_at = excluded.updated_at`,
      siteId,
      written.name,
      written.version,
      JSON.stringify(written),
      now,
    );
    this.sql.exec(
      'INSERT INTO audit (site, at, who, action, path, before_version, after_version, changed, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      siteId,
      now,
      who,
      edit.action,
      edit.path,
      edit.beforeVersion,
      written.version,
      JSON.stringify(edit.changed),
      edit.summary,
    );
    return { ok: true, config: written };
  }

  /** The site's audit log, newest first. */
  async audit(siteId: string, limit = 100): Promise<AuditEntry[]> {
    this.ensureSchema();
    return this.sql
      .exec<AuditRow>('SELECT * FROM audit WHERE site = ? ORDER BY seq DESC LIMIT ?', siteId, Math.min(Math.max(limit, 1), 1000))
      .toArray()
      .map((r) => ({
        seq: r.seq,
        at: new Date(r.at).toISOString(),
        who: r.who,
        action: r.action as AuditAction,
        path: r.path,
        beforeVersion: r.before_version,
        afterVersion: r.after_version,
        changed: JSON.parse(r.changed) as string[],
        summary: r.summary,
      }));
  }

  // ---- webhook delivery log -------------------------------------------------------------

  /** One delivery attempt, reported by the visitor profile that made it. */
  async recordWebhookAttempt(site: string, a: DeliveryAttempt): Promise<void> {
    this.ensureSchema();
    this.sql.exec(
      `INSERT INTO webhook_log (site, webhook, delivery, visitor, journey, step, attempt, at, outcome, status_code, duration_ms, error, next_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      site,
      a.webhook,
      a.delivery,
      a.visitor,
      a.journey,
      a.step,
      a.attempt,
      a.at,
      a.outcome,
      a.statusCode,
      a.durationMs,
      a.error,
      a.nextAt,
    );
    this.sql.exec(
      'DELETE FROM webhook_log WHERE site = ? AND webhook = ? AND seq <= (SELECT MAX(seq) FROM webhook_log WHERE site = ? AND webhook = ?) - ?',
      site,
      a.webhook,
      site,
      a.webhook,
      WEBHOOK_LOG_KEEP,
    );
  }

  /** A webhook's delivery attempts, newest first. */
  async webhookDeliveries(site: string, webhook: string, limit = 100): Promise<DeliveryLogEntry[]> {
    this.ensureSchema();
    // Aliased to DeliveryAttempt's names, so the one type describes the row too.
    return this.sql
      .exec<DeliveryAttempt & { seq: number }>(
        `SELECT seq, webhook, delivery, visitor, journey, step, attempt, at, outcome, status_code AS statusCode, duration_ms AS durationMs, error, next_at AS nextAt
         FROM webhook_log WHERE site = ? AND webhook = ? ORDER BY seq DESC LIMIT ?`,
        site,
        webhook,
        Math.min(Math.max(limit, 1), 1000),
      )
      .toArray()
      .map((r) => ({
        ...r,
        // A short prefix: enough to find the visitor, no full id in the dashboard.
        visitor: r.visitor.slice(0, 8),
        at: new Date(r.at).toISOString(),
        nextAt: r.nextAt === null ? null : new Date(r.nextAt).toISOString(),
      }));
  }
}

/** The one AdminStore instance. */
export function adminStore(env: Env): DurableObjectStub<AdminStore> {
  return env.ADMIN.get(env.ADMIN.idFromName('admin'));
}
