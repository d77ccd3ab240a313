/**
 * Every config version AdminStore ever published (table `site_versions`, append-only): the source
 * its writes start from. KV `site:<id>` is only the edge's copy of each site's newest row. The only
 * module that runs SQL on that table.
 */
import type { SiteConfig } from '../../../protocol/config/site';
import { readStoredConfig } from '../../../protocol/config/stored';
import type { MigratedSql } from '../storage/migrations';

export type SiteSummary = { id: string; name: string; version: number };

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

  /** Takes back a version whose publish to KV failed, so the caller may retry from the same base. */
  discard(id: string, version: number): void {
    this.db.sql.exec('DELETE FROM site_versions WHERE site = ? AND version = ?', id, version);
  }
}
