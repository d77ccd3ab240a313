/** The config audit log (AdminStore table `audit`): one row per accepted write. The only module that runs SQL on it. */
import type { MigratedSql } from '../storage/migrations';
import type { AuditAction, AuditEntry } from '../../../protocol/admin';
import type { Edit } from './site-edit';

export type { AuditEntry };

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

export class AuditLog {
  constructor(private readonly db: MigratedSql) {}

  record(siteId: string, edit: Edit, afterVersion: number, who: string, at: number): void {
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
