/**
 * The config audit log (table `audit`): one row per accepted write, in the site's SiteAdmin object;
 * AdminStore keeps the rows written before per-site objects until it hands them over
 * (legacy-move.ts). The only module that runs SQL on it.
 */
import type { MigratedSql } from '../storage/migrations';
import type { AuditAction, AuditEntry } from '../../../protocol/admin';
import type { Edit } from './site-edit';

export type { AuditEntry };

/** SiteAdmin migration 1: the table of AdminStore migration 1. */
export const AUDIT_TABLE = `
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
`;

/** One stored entry, as moved between objects. */
export type AuditRow = {
  seq: number;
  site: string;
  at: number;
  who: string;
  action: string;
  path: string;
  before_version: number;
  after_version: number;
  changed: string;
  summary: string;
};

export class AuditLog {
  constructor(private readonly db: MigratedSql) {}

  /** One entry; `afterVersion` is the version it made (the live version for draft events). */
  record(siteId: string, edit: Pick<Edit, 'action' | 'path' | 'beforeVersion' | 'changed' | 'summary'>, afterVersion: number, who: string, at: number): void {
    this.db.sql.exec(
      'INSERT INTO audit (site, at, who, action, path, before_version, after_version, changed, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      siteId,
      at,
      who,
      edit.action,
      edit.path,
      edit.beforeVersion,
      afterVersion,
      JSON.stringify(edit.changed),
      edit.summary,
    );
  }

  /** Every row of one site, oldest first (the move out of AdminStore). */
  rowsOf(siteId: string): AuditRow[] {
    return this.db.sql
      .exec<AuditRow>('SELECT * FROM audit WHERE site = ? ORDER BY seq', siteId)
      .toArray()
      .map((r) => ({ ...r }));
  }

  /** Rows moved in from AdminStore, with their sequence numbers (new entries number on from them). */
  insertRows(rows: readonly AuditRow[]): void {
    for (const r of rows)
      this.db.sql.exec(
        'INSERT OR IGNORE INTO audit (seq, site, at, who, action, path, before_version, after_version, changed, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        r.seq,
        r.site,
        r.at,
        r.who,
        r.action,
        r.path,
        r.before_version,
        r.after_version,
        r.changed,
        r.summary,
      );
  }

  forget(siteId: string): void {
    this.db.sql.exec('DELETE FROM audit WHERE site = ?', siteId);
  }

  /** Who wrote each of `versions` and what (drafts-and-versions.md: the version list): the entries that made it, oldest first. */
  byVersion(siteId: string, versions: readonly number[]): Map<number, { who: string; summary: string; action: string }[]> {
    const found = new Map<number, { who: string; summary: string; action: string }[]>();
    if (versions.length === 0) return found;
    const rows = this.db.sql
      .exec<Pick<AuditRow, 'after_version' | 'who' | 'summary' | 'action'>>(
        `SELECT after_version, who, summary, action FROM audit WHERE site = ? AND after_version BETWEEN ? AND ? AND before_version <> after_version ORDER BY seq`,
        siteId,
        Math.min(...versions),
        Math.max(...versions),
      )
      .toArray();
    for (const r of rows) {
      const list = found.get(r.after_version) ?? [];
      list.push({ who: r.who, summary: r.summary, action: r.action });
      found.set(r.after_version, list);
    }
    return found;
  }

  /** The site's entries, newest first; `limit` is clamped to 1..1000. */
  list(siteId: string, limit: number): AuditEntry[] {
    return this.db.sql
      .exec<AuditRow>('SELECT * FROM audit WHERE site = ? ORDER BY seq DESC LIMIT ?', siteId, clampLimit(limit))
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
}

/** Page sizes of the admin's list reads (audit, webhook deliveries). */
export const clampLimit = (limit: number) => Math.min(Math.max(limit, 1), 1000);
