/**
 * Every config version of a site (table `site_versions`, append-only): the source its writes start
 * from. KV `site:<id>` is only the edge's copy of each site's newest row. The only module that runs
 * SQL on that table, in the site's SiteAdmin object (site-admin.ts) and, for the rows written before
 * per-site objects, in AdminStore, which hands them over once (legacy-move.ts).
 */
import type { SiteConfig } from '../../../protocol/config/site';
import { readStoredConfig } from '../../../protocol/config/stored';
import type { MigratedSql } from '../storage/migrations';

export type SiteSummary = { id: string; name: string; version: number };

/** One stored version, as moved between objects. */
export type VersionRow = { site: string; version: number; name: string; config: string; written_at: number };

/** SiteAdmin migration 1: the table AdminStore migration 4 made, one site's rows in each object. */
export const SITE_VERSIONS_TABLE = `
CREATE TABLE site_versions (
  site TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  config TEXT NOT NULL,
  written_at INTEGER NOT NULL,
  PRIMARY KEY (site, version)
);
`;

/**
 * AdminStore migration 4: the version history replaces migration 1's one-row-per-site `sites`
 * table (which was reconciled with KV by highest version); its rows become each site's first version.
 */
export const SITE_VERSIONS_MIGRATION = `
CREATE TABLE site_versions (
  site TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  config TEXT NOT NULL,
  written_at INTEGER NOT NULL,
  PRIMARY KEY (site, version)
);
INSERT INTO site_versions (site, version, name, config, written_at) SELECT id, version, name, config, updated_at FROM sites;
DROP TABLE sites;
`;

export class SiteVersions {
  constructor(private readonly db: MigratedSql) {}

  /** The site's newest version, or null when AdminStore never wrote it. */
  latest(id: string): SiteConfig | null {
    const row = this.db.sql.exec<{ config: string }>('SELECT config FROM site_versions WHERE site = ? ORDER BY version DESC LIMIT 1', id).toArray()[0];
    if (!row) return null;
    // Written under older rules, it may hold items a newer rule refuses: they are left out (and the
    // next write stores it without them), as the edge leaves them out (protocol/config/stored.ts).
    const read = readStoredConfig(JSON.parse(row.config));
    if (!read.ok) throw new Error(`site ${id}: stored version is invalid: ${read.issues.join('; ')}`);
    if (read.leftOut.length > 0) console.error(`site ${id}: left out of the stored config, as it breaks a rule:`, read.leftOut);
    return read.config;
  }

  /** One stored version (drafts-and-versions.md), or null; read like latest(). */
  at(id: string, version: number): { config: SiteConfig; writtenAt: number } | null {
    const row = this.db.sql
      .exec<{ config: string; written_at: number }>('SELECT config, written_at FROM site_versions WHERE site = ? AND version = ?', id, version)
      .toArray()[0];
    if (!row) return null;
    const read = readStoredConfig(JSON.parse(row.config));
    if (!read.ok) throw new Error(`site ${id}: stored version ${version} is invalid: ${read.issues.join('; ')}`);
    return { config: read.config, writtenAt: row.written_at };
  }

  /** The version stored before `version` (they need not be consecutive), or null for the first. */
  before(id: string, version: number): number | null {
    const row = this.db.sql
      .exec<{ version: number }>('SELECT version FROM site_versions WHERE site = ? AND version < ? ORDER BY version DESC LIMIT 1', id, version)
      .toArray()[0];
    return row?.version ?? null;
  }

  /** The site's versions, newest first. */
  list(id: string, limit: number): { version: number; writtenAt: number }[] {
    return this.db.sql
      .exec<{ version: number; written_at: number }>('SELECT version, written_at FROM site_versions WHERE site = ? ORDER BY version DESC LIMIT ?', id, limit)
      .toArray()
      .map((r) => ({ version: r.version, writtenAt: r.written_at }));
  }

  /** Every site's newest version. */
  summaries(): SiteSummary[] {
    // SQLite gives the bare column `name` from the row MAX(version) picked.
    return this.db.sql
      .exec<SiteSummary>('SELECT site AS id, name, MAX(version) AS version FROM site_versions GROUP BY site')
      .toArray()
      .map((row) => ({ ...row }));
  }

  append(config: SiteConfig, at: number): void {
    this.db.sql.exec(
      'INSERT INTO site_versions (site, version, name, config, written_at) VALUES (?, ?, ?, ?, ?)',
      config.id,
      config.version,
      config.name,
      JSON.stringify(config),
      at,
    );
  }

  /** Every row of one site, oldest first (the move out of AdminStore). */
  rowsOf(site: string): VersionRow[] {
    return this.db.sql
      .exec<VersionRow>('SELECT site, version, name, config, written_at FROM site_versions WHERE site = ? ORDER BY version', site)
      .toArray()
      .map((r) => ({ ...r }));
  }

  /** Rows moved in from AdminStore, as they were. */
  insertRows(rows: readonly VersionRow[]): void {
    for (const r of rows)
      this.db.sql.exec(
        'INSERT OR IGNORE INTO site_versions (site, version, name, config, written_at) VALUES (?, ?, ?, ?, ?)',
        r.site,
        r.version,
        r.name,
        r.config,
        r.written_at,
      );
  }

  /** Drops one site's rows (AdminStore, once they live in the site's own object). */
  forget(site: string): void {
    this.db.sql.exec('DELETE FROM site_versions WHERE site = ?', site);
  }

  /** Takes back a version whose publish to KV failed, so the caller may retry from the same base. */
  discard(id: string, version: number): void {
    this.db.sql.exec('DELETE FROM site_versions WHERE site = ? AND version = ?', id, version);
  }
}
