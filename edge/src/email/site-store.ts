/**
 * The site's e-mail tables, in its SiteAdmin object (SiteAdmin migration 4): the suppression list
 * (unsubscribes, bounces, addresses added by hand), the delivery log (every send, skip, retry and
 * failure the visitor profiles report, bounded per site) and the provider's API token (write-only:
 * read back only by the visitor profiles that send, and as "set, …last 4" by the admin API). The
 * only module that runs SQL on these tables.
 */
import type { MigratedSql } from '../storage/migrations';
import type { EmailLogEntry, EmailStatus, Suppression } from '../../../protocol/email';
import { clampLimit } from '../admin/audit';

/** SiteAdmin migration 4. Shipped: never edit. */
export const EMAIL_SITE_MIGRATION = `
CREATE TABLE email_suppressions (site TEXT NOT NULL, address TEXT NOT NULL, reason TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (site, address));
CREATE TABLE email_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  site TEXT NOT NULL,
  at INTEGER NOT NULL,
  delivery TEXT NOT NULL,
  journey TEXT NOT NULL,
  step TEXT NOT NULL,
  template TEXT NOT NULL,
  recipient TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT,
  provider TEXT NOT NULL,
  provider_id TEXT,
  attempt INTEGER NOT NULL
);
CREATE INDEX email_log_by_site ON email_log (site, seq);
CREATE TABLE email_provider_token (site TEXT PRIMARY KEY, token TEXT NOT NULL, updated_at INTEGER NOT NULL);
`;

/** Log rows kept per site; older ones go on insert. */
export const EMAIL_LOG_KEEP = 2_000;
/** The suppression list a site may hold (the admin list pages through the newest). */
export const MAX_SUPPRESSIONS = 100_000;

/** What a visitor profile (or a test send) reports; `recipient` is already masked. */
export type EmailLogRecord = Omit<EmailLogEntry, 'at'> & { at: number; status: EmailStatus };

export class EmailSiteStore {
  constructor(private readonly db: MigratedSql) {}

  suppress(site: string, address: string, reason: string, at: number): void {
    this.db.sql.exec(
      'INSERT INTO email_suppressions (site, address, reason, at) VALUES (?, ?, ?, ?) ON CONFLICT (site, address) DO NOTHING',
      site,
      address,
      reason.slice(0, 200),
      at,
    );
  }

  unsuppress(site: string, address: string): boolean {
    return this.db.sql.exec('DELETE FROM email_suppressions WHERE site = ? AND address = ?', site, address).rowsWritten > 0;
  }

  isSuppressed(site: string, address: string): boolean {
    return this.db.sql.exec('SELECT 1 FROM email_suppressions WHERE site = ? AND address = ?', site, address).toArray().length > 0;
  }

  suppressions(site: string, limit: number): Suppression[] {
    return this.db.sql
      .exec<{ address: string; reason: string; at: number }>(
        'SELECT address, reason, at FROM email_suppressions WHERE site = ? ORDER BY at DESC, address LIMIT ?',
        site,
        clampLimit(limit),
      )
      .toArray()
      .map((r) => ({ address: r.address, reason: r.reason, at: new Date(r.at).toISOString() }));
  }

  log(site: string, r: EmailLogRecord): void {
    const sql = this.db.sql;
    sql.exec(
      `INSERT INTO email_log (site, at, delivery, journey, step, template, recipient, status, reason, provider, provider_id, attempt)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      site,
      r.at,
      r.delivery,
      r.journey,
      r.step,
      r.template,
      r.recipient,
      r.status,
      r.reason,
      r.provider,
      r.providerMessageId,
      r.attempt,
    );
    sql.exec('DELETE FROM email_log WHERE site = ? AND seq <= (SELECT MAX(seq) FROM email_log WHERE site = ?) - ?', site, site, EMAIL_LOG_KEEP);
  }

  deliveries(site: string, limit: number): EmailLogEntry[] {
    return this.db.sql
      .exec<Omit<EmailLogRecord, 'providerMessageId'> & { provider_id: string | null }>(
        'SELECT at, delivery, journey, step, template, recipient, status, reason, provider, provider_id, attempt FROM email_log WHERE site = ? ORDER BY seq DESC LIMIT ?',
        site,
        clampLimit(limit),
      )
      .toArray()
      .map(({ provider_id, ...r }) => ({ ...r, providerMessageId: provider_id, at: new Date(r.at).toISOString() }));
  }

  setToken(site: string, token: string, at: number): void {
    this.db.sql.exec(
      'INSERT INTO email_provider_token (site, token, updated_at) VALUES (?, ?, ?) ON CONFLICT (site) DO UPDATE SET token = excluded.token, updated_at = excluded.updated_at',
      site,
      token,
      at,
    );
  }

  clearToken(site: string): void {
    this.db.sql.exec('DELETE FROM email_provider_token WHERE site = ?', site);
  }

  token(site: string): string | null {
    return this.db.sql.exec<{ token: string }>('SELECT token FROM email_provider_token WHERE site = ?', site).toArray()[0]?.token ?? null;
  }
}
