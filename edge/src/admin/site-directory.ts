/**
 * The list of sites (AdminStore table `site_directory`): one small row per site, its name and newest
 * version, so listing sites reads one object without waking every site's SiteAdmin. Each SiteAdmin
 * reports to it after a publish or adoption; it is written only by config writes, never by a site's
 * traffic. The only module that runs SQL on that table.
 */
import type { MigratedSql } from '../storage/migrations';
import type { SiteSummary } from './site-versions';

/**
 * AdminStore migration 5: the directory, filled from the version history that moves out to the
 * per-site objects; the sessions table goes (sessions live in their own objects now, sessions.ts:
 * whoever was signed in signs in once more).
 */
export const SITE_DIRECTORY_MIGRATION = `
CREATE TABLE site_directory (id TEXT PRIMARY KEY, name TEXT NOT NULL, version INTEGER NOT NULL);
INSERT INTO site_directory (id, name, version) SELECT site, name, MAX(version) FROM site_versions GROUP BY site;
DROP TABLE sessions;
`;

export class SiteDirectory {
  constructor(private readonly db: MigratedSql) {}

  list(): SiteSummary[] {
    return this.db.sql
      .exec<SiteSummary>('SELECT id, name, version FROM site_directory ORDER BY id')
      .toArray()
      .map((row) => ({ ...row }));
  }

  /** A site's newest version; an older report (two writes' reports crossing) never wins. */
  record(site: SiteSummary): void {
    this.db.sql.exec(
      'INSERT INTO site_directory (id, name, version) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, version = excluded.version WHERE excluded.version >= site_directory.version',
      site.id,
      site.name,
      site.version,
    );
  }
}
